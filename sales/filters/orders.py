"""The order list's search, filters and sort, shared by the list page and its CSV export."""

from datetime import timedelta

import django_filters
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.reach import owner_ids
from crm.kit.filtering import DateRangeFilterForm, sort_choices, sort_fields
from crm.timezones import day_start
from customers.filters import country_choices
from sales.models import Order
from sales.selectors.orders import order_search_condition

# Each sort ends with the id in the same direction, so pages never repeat or skip orders sharing a value; numbers
# are unique, so their own index gives the order (with the id after them MariaDB sorted every order instead).
SORTS = {
    "date": ("ordered_at", "id"),
    "number": ("number",),
    "total": ("total", "id"),
}
SORT_LABELS = {"date": _("Date"), "number": _("Number"), "total": _("Total")}
SORT_CHOICES = sort_choices(SORT_LABELS)
DEFAULT_SORT = "-date"
FILTERS = ("q", "status", "kind", "ship_to_country", "date_from", "date_to")


class OrderFilterForm(DateRangeFilterForm):
    date_ranges = (("date_from", "date_to"),)


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Order number or customer name"), "type": "search", "class": "form-control"}
        ),
    )
    status = django_filters.ChoiceFilter(choices=Order.Status.choices, label=_("Status"), empty_label=_("Any status"))
    kind = django_filters.ChoiceFilter(choices=Order.Kind.choices, label=_("Kind"), empty_label=_("Orders and returns"))
    ship_to_country = django_filters.ChoiceFilter(label=_("Ship-to country"), empty_label=_("Any country"))
    date_from = django_filters.DateFilter(
        method="on_or_after", label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        method="on_or_before", label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="sort_by", label=_("Sort by"), empty_label=None, widget=forms.HiddenInput
    )

    class Meta:
        model = Order
        form = OrderFilterForm
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["ship_to_country"].extra["choices"] = country_choices()

    @property
    def count_cap(self) -> int | None:
        """A filtered or searched list of some owners' orders counts at most CUSTOMER_SEARCH_COUNT_CAP ("more than
        200"), as a customer search does: their orders are read by walking an index and checking each order's
        customer (order_list_for), so counting a thousand of one rep's returns checked the customers of eight
        thousand orders (45 ms at 618,000)."""
        if self.request is None or not self.is_bound or not self.is_valid():
            return None
        if not any(self.form.cleaned_data.get(name) for name in FILTERS):
            return None
        return settings.CUSTOMER_SEARCH_COUNT_CAP if owner_ids(self.request.user, domain="sales") is not None else None

    def search(self, queryset, name, value):
        return queryset.filter(order_search_condition(value)) if value.strip() else queryset

    def on_or_after(self, queryset, name, value):
        return queryset.filter(ordered_at__gte=day_start(value))

    def on_or_before(self, queryset, name, value):
        return queryset.filter(ordered_at__lt=day_start(value + timedelta(days=1)))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*sort_fields(SORTS, value))

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*sort_fields(SORTS, DEFAULT_SORT))
        return super().filter_queryset(queryset)
