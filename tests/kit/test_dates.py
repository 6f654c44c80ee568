"""Dates and times are written one way per language, with the exact time on hover; date fields read that way and
ISO 8601."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django import forms
from django.template import Context, Template
from django.utils import timezone, translation

from crm.kit.templatetags.kit_dates import when

NOW = datetime(2026, 12, 2, 11, 24, tzinfo=UTC)


def _render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture
def in_utc():
    with timezone.override("UTC"):
        yield


@pytest.mark.parametrize(
    ("language", "style", "shown"),
    [
        ("en", "datetime", "2 Dec 2026, 11:24"),
        ("en", "date", "2 Dec 2026"),
        ("zh-hans", "datetime", "2026年12月2日 11:24"),
        ("zh-hans", "date", "2026年12月2日"),
    ],
)
def test_one_date_and_one_date_time_format_per_language(in_utc, language, style, shown):
    with translation.override(language):
        html = when(NOW, style)

    assert html.endswith(f">{shown}</time>")
    assert 'datetime="2026-12-02T11:24:00+00:00"' in html


def test_the_exact_date_time_is_on_hover(in_utc):
    assert 'title="2 Dec 2026, 11:24"' in when(NOW, "date")


def test_a_time_is_shown_in_the_active_time_zone():
    with timezone.override("Asia/Shanghai"):
        html = when(NOW)

    assert html == '<time datetime="2026-12-02T19:24:00+08:00" title="2 Dec 2026, 19:24">2 Dec 2026, 19:24</time>'


@pytest.mark.parametrize(
    ("age", "shown"),
    [
        (timedelta(seconds=5), "5 seconds ago"),
        (timedelta(minutes=5), "5 minutes ago"),
        (timedelta(hours=3, minutes=20), "3 hours ago"),
        (timedelta(days=3, hours=5), "3 days ago"),  # one unit, never "3 days, 5 hours ago"
    ],
)
def test_relative_times_in_the_last_week_say_how_long_ago(in_utc, age, shown):
    with translation.override("en"):
        html = when(timezone.now() - age, "relative").replace("\xa0", " ")

    assert html.endswith(f">{shown}</time>") and 'title="' in html


def test_relative_times_older_than_a_week_show_the_date(in_utc):
    value = timezone.now() - timedelta(days=330)
    with translation.override("en"):
        html = when(value, "relative")

    assert html.endswith(f">{value.day} {value:%b %Y}</time>")


def test_relative_times_in_chinese(in_utc):
    with translation.override("zh-hans"):
        html = when(timezone.now() - timedelta(days=3, hours=5), "relative").replace("\xa0", "")

    assert html.endswith(">3日前</time>"), html  # Django's own Chinese for "3 days ago"


def test_a_plain_date_is_a_time_element_too():
    with translation.override("en"):
        assert when(date(2026, 12, 2)) == '<time datetime="2026-12-02" title="2 Dec 2026">2 Dec 2026</time>'


def test_nothing_to_show_is_empty(in_utc):
    assert when(None) == "" and _render("{{ missing|when }}") == ""


def test_every_template_has_the_filter_without_loading_it(in_utc):
    with translation.override("en"):
        assert _render("{{ value|when:'date' }}", value=NOW).endswith(">2 Dec 2026</time>")


def test_a_time_too_near_year_one_for_the_zone_is_shown_as_stored():
    with timezone.override("America/Los_Angeles"), translation.override("en"):
        html = when(datetime(1, 1, 1, tzinfo=UTC))

    assert ">1 Jan 0001, 00:00</time>" in html


class _DateForm(forms.Form):
    day = forms.DateField()
    at = forms.DateTimeField()


@pytest.mark.parametrize(
    ("language", "day", "at"),
    [
        ("en", "2 Dec 2026", "2 Dec 2026, 11:24"),
        ("en", "2026-12-02", "2026-12-02T11:24"),
        ("zh-hans", "2026年12月2日", "2026年12月2日 11:24"),
        ("zh-hans", "2026-12-02", "2026-12-02 11:24"),
    ],
)
def test_date_fields_read_the_languages_format_and_iso(in_utc, language, day, at):
    with translation.override(language):
        form = _DateForm({"day": day, "at": at})

        assert form.is_valid(), form.errors
    assert form.cleaned_data == {"day": date(2026, 12, 2), "at": NOW}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_compiled_formats_write_what_django_writes(language):
    from django.utils.dateformat import format as date_format
    from django.utils.formats import get_format

    moments = [
        datetime(year, month, day, hour, minute, tzinfo=UTC)
        for year, month, day, hour, minute in [
            (1, 1, 1, 0, 0),
            (999, 2, 3, 4, 5),
            (2026, 12, 2, 23, 59),
            (2024, 2, 29, 9, 7),
            (9999, 12, 31, 12, 30),
        ]
    ]
    with translation.override(language):
        for moment in moments:
            for name in ("DATE_FORMAT", "DATETIME_FORMAT"):
                shown = when(moment, "date" if name == "DATE_FORMAT" else "datetime")
                assert f">{date_format(moment, get_format(name))}</time>" in shown, (moment, name)


def test_record_url_is_reverse(customer):
    from django.urls import reverse

    from crm.db import record_url

    assert record_url("customers:customer-detail", customer.pk) == reverse(
        "customers:customer-detail", kwargs={"pk": customer.pk}
    )
    assert customer.get_absolute_url() == f"/customers/{customer.pk}/"


@pytest.mark.parametrize(("language", "shown"), [("en", "Dec 2026"), ("zh-hans", "2026年12月")])
def test_a_month_is_written_with_the_languages_year_month_format(language, shown):
    with translation.override(language):
        html = when(date(2026, 12, 1), "month")

    assert html == f'<time datetime="2026-12">{shown}</time>'
