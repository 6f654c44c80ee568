"""Everything the analytics pages, parameters and services say has its Simplified Chinese: every string marked for
translation in the app's code and templates is in the catalogue (or in a pending file waiting to be merged into
it), and the run pages read in Chinese with those translations compiled."""

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from analytics.models import Run
from tests.customers._support import page_text

LOCALE = Path(settings.BASE_DIR) / "locale"
APP = Path(settings.BASE_DIR) / "analytics"
TEMPLATES = Path(settings.BASE_DIR) / "templates" / "analytics"
GETTEXT_CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "ngettext"}
TRANSLATE_TAG = re.compile(r'{%\s*translate\s+"((?:[^"\\]|\\.)*)"')


def _catalogue() -> dict[str, str]:
    """msgid → msgstr of the catalogue and the pending files (plural entries by their singular)."""
    entries: dict[str, str] = {}
    for path in [LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", *sorted(LOCALE.glob("pending-*.po"))]:
        for block in path.read_text("utf-8").split("\n\n"):
            msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
            msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
            if msgid and msgstr:
                key, value = (_joined(found.group(1)) for found in (msgid, msgstr))
                if value:
                    entries.setdefault(key, value)
    return entries


def _joined(quoted: str) -> str:
    return "".join(ast.literal_eval(line) for line in quoted.strip().splitlines())


def _python_messages() -> set[str]:
    found = set()
    for path in APP.rglob("*.py"):
        if "algorithms" in path.parts or "migrations" in path.parts:
            continue  # the algorithms' messages are English by design (no Django); migrations repeat the models'
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT_CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def _template_messages() -> set[str]:
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for text in TRANSLATE_TAG.findall(path.read_text("utf-8")):
            # {% translate %} escapes a percent sign for the catalogue
            found.add(text.replace("%", "%%"))
    return found


def test_every_message_of_the_app_has_its_chinese():
    catalogue = _catalogue()
    messages = _python_messages() | _template_messages()

    missing = sorted(message for message in messages if message not in catalogue)

    assert len(messages) > 150
    assert missing == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="needs GNU gettext (msgcat, msgfmt) to compile the catalogue")
@pytest.mark.django_db
def test_the_run_pages_read_in_chinese(client, manager, settings, tmp_path):
    # given: the catalogue with the pending translations, compiled
    target = tmp_path / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    sources = [LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po", *sorted(LOCALE.glob("pending-*.po"))]
    subprocess.run(["msgcat", "--use-first", "-o", target / "django.po", *sources], check=True)
    subprocess.run(["msgfmt", "-o", target / "django.mo", target / "django.po"], check=True)
    settings.LOCALE_PATHS = [tmp_path]
    run = Run.objects.create(kind=Run.Kind.CHURN_RISK, status=Run.Status.FAILED, error="x")
    client.force_login(manager)

    # when
    listing = page_text(client.get(reverse("analytics:run-list"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    detail = page_text(client.get(run.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    form = page_text(client.get(reverse("analytics:run-create", args=["rules"]), HTTP_ACCEPT_LANGUAGE="zh-hans"))

    # then
    assert "分析运行" in listing and "立即运行" in listing and "流失风险" in listing and "已失败" in listing
    assert "关于此运行" in detail and "运行失败，因此没有结果。原因见上方。" in detail
    assert "最小支持度" in form and "分析哪些数据" in form
