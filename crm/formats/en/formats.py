# https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date : "2 Dec 2026", "2 Dec 2026, 11:24"
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-02 (ISO 8601, what date pickers send)
    "%d %b %Y",  # 2 Dec 2026
    "%d %B %Y",  # 2 December 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-12-02 11:24:00 (ISO 8601; 2026-12-02T11:24 is always accepted too)
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d %b %Y, %H:%M",  # 2 Dec 2026, 11:24
    "%d %b %Y %H:%M",
    "%d %B %Y, %H:%M",
    "%Y-%m-%d",
]
