"""What every list's filterset shares: sort choices and their ORDER BY, and date ranges checked in order."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def sort_choices(labels: dict) -> list[tuple[str, str]]:
    """The choices of a sort field: each key ascending, then each key descending ("-key")."""
    return [(key, label) for key, label in labels.items()] + [
        (f"-{key}", format_lazy(_("{label}, descending"), label=label)) for key, label in labels.items()
    ]


def sort_fields(sorts: dict[str, tuple[str, ...]], value: str) -> list[str]:
    """The ORDER BY for a sort choice such as "tier" or "-updated": every field of `sorts[key]` in the choice's
    direction, so tie-breakers follow the sort and one index serves it whole."""
    descending, key = value.startswith("-"), value.lstrip("-")
    return [f"-{name}" if descending else name for name in sorts[key]]


class DateRangeFilterForm(forms.Form):
    """A filterset's form whose `date_ranges` pairs (start field, end field) must not end before they start."""

    date_ranges: tuple[tuple[str, str], ...] = ()

    def clean(self):
        data = super().clean()
        for start_name, end_name in self.date_ranges:
            start, end = data.get(start_name), data.get(end_name)
            if start and end and start > end:
                self.add_error(end_name, _("The end date is before the start date."))
        return data
