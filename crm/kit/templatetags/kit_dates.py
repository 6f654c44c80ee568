"""Dates and times on every page, written one way: `{{ value|when }}`. A template builtin (settings TEMPLATES), so
no template loads it.

    {{ customer.created_at|when }}            2 Dec 2026, 11:24          (the date-time format of the language)
    {{ customer.created_at|when:"date" }}     2 Dec 2026                 (the date format)
    {{ customer.updated_at|when:"relative" }} 3 days ago                 (within a week; older ones by date)
    {{ quota.month|when:"month" }}            Dec 2026                   (the year-month format)

Each is a <time> element with the ISO value in `datetime` and the exact date-time in `title` (shown on hover). Times
are shown in the active time zone (the user's: accounts.middleware), in the formats of crm/formats/.
"""

from datetime import date, datetime, timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter, naturaltime
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.timesince import timesince

from crm.timezones import localtime_or_utc

register = template.Library()

# Older than this, "5 weeks ago" tells less than the date itself.
RELATIVE_WITHIN = timedelta(days=7)


def _relative(value: datetime, now: datetime) -> str:
    """ "now", "5 minutes ago", "3 hours ago", "2 days ago": one unit, never "11 months, 1 week ago"."""
    if now - value < timedelta(days=1):
        return naturaltime(value)
    delta = timesince(value, now, time_strings=NaturalTimeFormatter.past_substrings, depth=1)
    return NaturalTimeFormatter.time_strings["past-day"] % {"delta": delta}


@register.filter(is_safe=True)
def when(value, style="datetime"):
    """`value` (a date or a date-time) as a <time> element; `style` is "datetime", "date" or "relative", or "month"
    for a date that stands for its month."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = localtime_or_utc(value)
        exact = date_format(value, get_format("DATETIME_FORMAT"))
        if style == "date":
            shown = date_format(value, get_format("DATE_FORMAT"))
        elif style == "relative":
            now = timezone.now() if timezone.is_aware(value) else timezone.localtime().replace(tzinfo=None)
            recent = timedelta(0) <= now - value < RELATIVE_WITHIN
            shown = _relative(value, now) if recent else date_format(value, get_format("DATE_FORMAT"))
        else:
            shown = exact
        return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, shown)
    if isinstance(value, date):
        exact = date_format(value, get_format("DATE_FORMAT"))
        if style == "month":
            shown = date_format(value, get_format("YEAR_MONTH_FORMAT"))
            return format_html('<time datetime="{}">{}</time>', value.strftime("%Y-%m"), shown)
        return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact, exact)
    return value
