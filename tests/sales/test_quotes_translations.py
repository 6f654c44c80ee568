"""The Simplified Chinese waiting in locale/pending-quotes.po for the catalogue: every message translated, with the
placeholders of its English, so folding it in breaks no page."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db  # the sales tests share a migrated database (tests/sales/conftest.py)

PENDING = Path(settings.BASE_DIR) / "locale" / "pending-quotes.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _entries():
    return [entry for entry in polib.pofile(str(PENDING)) if not entry.obsolete]


def test_the_pending_file_has_the_quote_pages_messages():
    msgids = {(entry.msgctxt, entry.msgid) for entry in _entries()}

    assert {
        (None, "Quotes"),
        (None, "Mark sent"),
        (None, "Customer accepted"),
        (None, "Only a draft quote can be changed; this one is %(status)s."),
        (None, "Order %(number)s was created from quote %(quote)s."),
        ("quote", "Lines"),
    } <= msgids


@pytest.mark.parametrize("entry", _entries(), ids=lambda entry: entry.msgid[:40])
def test_each_message_is_translated_with_its_placeholders(entry):
    translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
    english = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))

    for chinese in translations:
        assert chinese.strip() and chinese != entry.msgid
        assert set(PLACEHOLDER.findall(chinese)) == english
