"""Time zones: which ones a user may choose, and showing stored times in the active one without failing on times
at the edge of the calendar.

Times are stored in UTC. Each request runs in its user's zone (accounts.middleware activates it), so pages, form
values and exports show and read the user's wall-clock time.

A time near year 1 or 9999 is valid in UTC but may not exist in another zone: 0001-01-01 00:00 UTC is in year 0
in Los Angeles, and Python raises OverflowError when converting it. Such rows should not be entered (forms and
services refuse them), but a page that shows one must still answer, so it is shown as stored, in UTC.
"""

import zoneinfo
from datetime import date, datetime, time, tzinfo
from functools import lru_cache

from django.conf import settings
from django.utils import timezone


def localtime_or_utc(value: datetime, zone: tzinfo | None = None) -> datetime:
    """`value` in `zone` (default: the active time zone), or unchanged (aware, as stored) when it cannot be
    converted."""
    try:
        return timezone.localtime(value, zone)
    except OverflowError:
        return value


def naive_localtime_or_utc(value: datetime) -> datetime:
    """The wall-clock time of `value` in the active time zone, for form widgets; the stored (UTC) wall-clock time
    when it cannot be converted."""
    return localtime_or_utc(value).replace(tzinfo=None)


# "localtime" is the server's own /etc/localtime and "Factory" a placeholder zone: neither is a place a person is in.
_NOT_PLACES = {"localtime", "Factory"}


@lru_cache(maxsize=1)
def known_zones() -> tuple[str, ...]:
    """The IANA time zone names a user may choose, sorted (Asia/Shanghai, Europe/London, UTC, ...)."""
    return tuple(sorted(zoneinfo.available_timezones() - _NOT_PLACES))


def is_known_zone(name: str) -> bool:
    """True when `name` is a time zone a user may have (a browser's guess is checked with this before use)."""
    return name in known_zones()


def zone_named(name: str | None) -> tzinfo:
    """The zone called `name`, or the site's TIME_ZONE when it is empty or unknown."""
    if name and is_known_zone(name):
        return zoneinfo.ZoneInfo(name)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def day_start(day: date) -> datetime:
    """Midnight starting `day` in the active time zone: a date filter becomes a range on the stored instant, which
    an index serves (a __date lookup would not, and needs MySQL's time zone tables)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def month_start(day: date) -> date:
    """The first day of the month `day` is in."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after the one `day` is in."""
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def previous_month(day: date) -> date:
    """The first day of the month before the one `day` is in."""
    return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)
