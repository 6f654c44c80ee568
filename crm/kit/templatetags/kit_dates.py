"""Dates and times on every page, written one way: `{{ value|when }}`. A template builtin (settings TEMPLATES), so
no template loads it.

    {{ customer.created_at|when }}            2 Dec 2026, 11:24          (the date-time format of the language)
    {{ customer.created_at|when:"date" }}     2 Dec 2026                 (the date format)
    {{ customer.updated_at|when:"relative" }} 3 days ago                 (within a week; older ones by date)
    {{ quota.month|when:"month" }}            Dec 2026                   (the year-month format)

Each is a <time> element with the ISO value in `datetime` and the exact date-time in `title` (shown on hover). Times
are shown in the active time zone (the user's: accounts.middleware), in the formats of crm/formats/.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache

from django import template
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter, naturaltime
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.formats import get_format
from django.utils.html import avoid_wrapping, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from crm.timezones import localtime_or_utc

register = template.Library()

# Older than this, "5 weeks ago" tells less than the date itself.
RELATIVE_WITHIN = timedelta(days=7)


def _relative(value: datetime, now: datetime) -> str:
    """ "now", "5 minutes ago", "3 hours ago", "2 days ago": one unit, never "11 months, 1 week ago"."""
    if now - value < timedelta(days=1):
        return naturaltime(value)
    # Within RELATIVE_WITHIN the one unit is days: timesince's words, without its calendar arithmetic.
    days = (now - value).days
    delta = avoid_wrapping(NaturalTimeFormatter.past_substrings["day"] % {"num": days})
    return NaturalTimeFormatter.time_strings["past-day"] % {"delta": delta}


# The format characters a compiled format writes itself (crm/formats uses only these); any other character sends
# the whole format to Django's date_format. Month names are read once per language.
_FIELDS: dict[str, Callable[[date, tuple[str, ...], tuple[str, ...]], str]] = {
    "j": lambda v, _short, _long: str(v.day),
    "d": lambda v, _short, _long: f"{v.day:02d}",
    "n": lambda v, _short, _long: str(v.month),
    "m": lambda v, _short, _long: f"{v.month:02d}",
    "Y": lambda v, _short, _long: f"{v.year:04d}",
    "M": lambda v, short, _long: short[v.month - 1],
    "F": lambda v, _short, long: long[v.month - 1],
    "H": lambda v, _short, _long: f"{v.hour:02d}",
    "G": lambda v, _short, _long: str(v.hour),
    "i": lambda v, _short, _long: f"{v.minute:02d}",
}


@lru_cache(maxsize=64)
def _compiled(fmt: str, language: str | None) -> Callable[[date], str]:
    """`fmt` (a Django date format) as a function of the value: a list page writes fifty dates, and
    date_format parses its format and builds a formatter object for each (about 20 µs; this is about 3)."""
    if any(char.isascii() and char.isalpha() and char not in _FIELDS for char in fmt) or "\\" in fmt:
        return lambda value: date_format(value, fmt)
    short = tuple(str(MONTHS_3[month]).title() for month in range(1, 13))
    long = tuple(str(MONTHS[month]) for month in range(1, 13))
    parts = [_FIELDS.get(char) or char for char in fmt]

    def write(value: date) -> str:
        return "".join(part if isinstance(part, str) else part(value, short, long) for part in parts)

    return write


@lru_cache(maxsize=16)
def _writers(language: str | None) -> tuple[Callable[[date], str], Callable[[date], str]]:
    """The date and the date-time writer of the active language (read while it is active)."""
    return _compiled(get_format("DATE_FORMAT"), language), _compiled(get_format("DATETIME_FORMAT"), language)


def _time_element(iso: str, exact: str, shown: str) -> str:
    return mark_safe(f'<time datetime="{iso}" title="{escape(exact)}">{escape(shown)}</time>')  # noqa: S308


@register.filter(is_safe=True)
def when(value, style="datetime"):
    """`value` (a date or a date-time) as a <time> element; `style` is "datetime", "date" or "relative", or "month"
    for a date that stands for its month."""
    if value in (None, ""):
        return ""
    write_date, write_datetime = _writers(get_language())
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = localtime_or_utc(value)
        exact = write_datetime(value)
        if style == "date":
            shown = write_date(value)
        elif style == "relative":
            now = timezone.now() if timezone.is_aware(value) else timezone.localtime().replace(tzinfo=None)
            recent = timedelta(0) <= now - value < RELATIVE_WITHIN
            shown = _relative(value, now) if recent else write_date(value)
        else:
            shown = exact
        return _time_element(value.isoformat(), exact, shown)
    if isinstance(value, date):
        if style == "month":
            shown = date_format(value, get_format("YEAR_MONTH_FORMAT"))
            return mark_safe(f'<time datetime="{value.strftime("%Y-%m")}">{escape(shown)}</time>')  # noqa: S308
        exact = write_date(value)
        return _time_element(value.isoformat(), exact, exact)
    return value
