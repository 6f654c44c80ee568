"""The quote list's search, filters and sort, shared by the list page and its CSV export."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.reach import owner_ids
from crm.kit.filtering import sort_choices, sort_fields
from sales.models import Quote
from sales.selectors.opportunities import sales_owners_for
from sales.selectors.quotes import quote_search_condition, with_totals

# Each sort ends with the id in the same direction, so pages never repeat or skip quotes sharing a value.
SORTS = {
    "created": ("created_at", "id"),
    "number": ("number", "id"),
    "valid": ("valid_until", "id"),
    "total": ("total", "id"),
}
SORT_LABELS = {"created": _("Created"), "number": _("Number"), "valid": _("Valid until"), "total": _("Total")}
DEFAULT_SORT = "-created"


class QuoteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Quote number or customer name"), "type": "search", "class": "form-control"}
        ),
    )
    status = django_filters.ChoiceFilter(choices=Quote.Status.choices, label=_("Status"), empty_label=_("Any status"))
    owner = django_filters.ChoiceFilter(
        field_name="opportunity__owner_id", label=_("Owner"), empty_label=_("Any owner")
    )
    sort = django_filters.ChoiceFilter(
        choices=sort_choices(SORT_LABELS),
        method="sort_by",
        label=_("Sort by"),
        empty_label=None,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Quote
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is None or owner_ids(self.request.user, domain="sales") == [self.request.user.pk]:
            del self.filters["owner"]  # a rep's list holds only the quotes of their own opportunities
        else:
            self.filters["owner"].extra["choices"] = [
                (str(user.pk), user.get_full_name() or user.username)
                for user in sales_owners_for(user=self.request.user)
            ]

    def search(self, queryset, name, value):
        return queryset.filter(quote_search_condition(value)) if value.strip() else queryset

    def sort_by(self, queryset, name, value):
        if value.lstrip("-") == "total":
            queryset = with_totals(queryset)  # the one sort that needs every row's total
        return queryset.order_by(*sort_fields(SORTS, value))

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*sort_fields(SORTS, DEFAULT_SORT))
        return super().filter_queryset(queryset)
