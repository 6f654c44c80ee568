"""Showing stored times in the active time zone without failing on times at the edge of the calendar.

A time near year 1 or 9999 is valid in UTC but may not exist in another zone: 0001-01-01 00:00 UTC is in year 0
in Los Angeles, and Python raises OverflowError when converting it. Such rows should not be entered (forms and
services refuse them), but a page that shows one must still answer, so it is shown as stored, in UTC.
"""

from datetime import datetime

from django.utils import timezone


def localtime_or_utc(value: datetime) -> datetime:
    """`value` in the active time zone, or unchanged (aware, as stored) when it cannot be converted."""
    try:
        return timezone.localtime(value)
    except OverflowError:
        return value


def naive_localtime_or_utc(value: datetime) -> datetime:
    """The wall-clock time of `value` in the active time zone, for form widgets; the stored (UTC) wall-clock time
    when it cannot be converted."""
    return localtime_or_utc(value).replace(tzinfo=None)
