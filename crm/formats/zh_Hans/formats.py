# https://docs.djangoproject.com/en/5.2/ref/templates/builtins/#date : "2026年12月2日", "2026年12月2日 11:24"
DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-02 (ISO 8601, what date pickers send)
    "%Y年%m月%d日",  # 2026年12月2日
    "%Y/%m/%d",  # 2026/12/2
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-12-02 11:24:00 (ISO 8601; 2026-12-02T11:24 is always accepted too)
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y年%m月%d日 %H:%M",  # 2026年12月2日 11:24
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
]
