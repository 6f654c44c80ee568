"""The run history's filters and sort, for the list page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from analytics.models import Run
from crm.kit.filtering import sort_choices, sort_fields

# Each sort ends with the id in the same direction, so pages never repeat or skip runs sharing a value.
SORTS = {"queued": ("queued_at", "id"), "kind": ("kind", "queued_at", "id")}
SORT_LABELS = {"queued": _("Queued"), "kind": _("Kind")}
DEFAULT_SORT = "-queued"


class RunFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Run.Kind.choices, label=_("Kind"), empty_label=_("Any kind"))
    status = django_filters.ChoiceFilter(choices=Run.Status.choices, label=_("Status"), empty_label=_("Any status"))
    sort = django_filters.ChoiceFilter(
        choices=sort_choices(SORT_LABELS),
        method="sort_by",
        label=_("Sort by"),
        empty_label=None,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Run
        fields: list[str] = []

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*sort_fields(SORTS, value))

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*sort_fields(SORTS, DEFAULT_SORT))
        return super().filter_queryset(queryset)
