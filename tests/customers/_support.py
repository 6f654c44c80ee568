"""Helpers for reading customer pages the way a person does: the names listed, the text shown."""

import html
import re

import pytest

# InnoDB applies FULLTEXT index changes when a transaction commits, so on MariaDB/MySQL a search by name
# word only finds committed rows. Tests that search names therefore run outside the per-test transaction
# (and restore the role groups from the migration afterwards).
committed_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)

_LIST_ROW = re.compile(r'<a class="fw-semibold text-decoration-none" href="/customers/\d+/">([^<]*)</a>')
_SELECT = r'<select name="{name}"[^>]*>(.*?)</select>'
_OPTION = re.compile(r'<option value="([^"]*)"[^>]*>([^<]*)</option>')


def page_text(response) -> str:
    """The page's HTML with entities decoded, so messages can be matched as a person reads them."""
    return html.unescape(response.content.decode())


def visible_text(response) -> str:
    """The page's text without tags, whitespace collapsed: what a person reads, in order."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def section_text(response, heading_id: str) -> str:
    """The visible text of one <section> of a page, found by the id of its heading."""
    page = response.content.decode()
    start = page.index(f'id="{heading_id}"')
    fragment = page[page.index(">", start) + 1 : page.find("</section>", start)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def listed_names(response) -> list[str]:
    """Customer names in the list page's table, in the order shown."""
    return [html.unescape(name) for name in _LIST_ROW.findall(response.content.decode())]


def select_options(response, name: str) -> dict[str, str]:
    """The non-empty options of the <select name=...> on the page: value -> label."""
    match = re.search(_SELECT.format(name=re.escape(name)), response.content.decode(), re.S)
    assert match, f"no <select name={name!r}> on the page"
    return {value: html.unescape(label).strip() for value, label in _OPTION.findall(match.group(1)) if value}
