"""The kit's CSV pieces: one column declaration, cells a spreadsheet cannot run, a BOM for UTF-8."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from crm.kit.export import ExportColumn, csv_lines, csv_safe, export_columns


@pytest.mark.parametrize(
    "value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", '=HYPERLINK("http://attacker.test","x")']
)
def test_formula_looking_text_gets_a_leading_apostrophe(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["+44 20 7946 0001", "-12.5", "(010) 1234-5678", "Acme", "", "a=b"])
def test_numbers_phones_and_plain_text_are_kept_as_they_are(value):
    assert csv_safe(value) == value


def test_none_dates_and_numbers_become_text():
    assert csv_safe(None) == ""
    assert csv_safe(datetime(2026, 3, 1, 9, 30, tzinfo=UTC)) == "2026-03-01T09:30:00+00:00"
    assert csv_safe(date(2026, 3, 1)) == "2026-03-01"
    assert csv_safe(Decimal("45.50")) == "45.50"
    assert csv_safe(-3) == "-3"


def test_column_reads_an_attribute_path_or_a_function():
    row = SimpleNamespace(name="Acme", country=SimpleNamespace(code="GB"), owner=None)

    assert ExportColumn("Name", "name").read(row) == "Acme"
    assert ExportColumn("Country", "country.code").read(row) == "GB"
    assert ExportColumn("Owner", "owner.username").read(row) is None
    assert ExportColumn("Shout", lambda r: r.name.upper()).read(row) == "ACME"


def test_columns_may_be_declared_as_label_value_pairs():
    columns = export_columns([("Name", "name"), ExportColumn("City", "city")])

    assert columns == [ExportColumn("Name", "name"), ExportColumn("City", "city")]


def test_lines_are_a_bom_a_header_then_one_guarded_line_per_row():
    rows = [SimpleNamespace(name="北京长城科技", city="北京"), SimpleNamespace(name="=evil()", city=None)]

    body = "".join(csv_lines(iter(rows), export_columns([("Name", "name"), ("City", "city")])))

    assert body.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(body[1:]))) == [["Name", "City"], ["北京长城科技", "北京"], ["'=evil()", ""]]
