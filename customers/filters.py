"""The customer list's search, filters and sort, shared by the list page and its CSV export."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from customers.models import Customer, Tag
from customers.selectors import customer_search, owners_for


def _owners(request):
    return owners_for(user=request.user) if request else Customer.objects.none()


class CustomerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search", label=_("Search"),
        widget=forms.TextInput(attrs={"placeholder": _("Name, email or phone"), "type": "search"}),
    )
    owner = django_filters.ModelChoiceFilter(queryset=_owners, label=_("Owner"), empty_label=_("Any owner"))
    tier = django_filters.ChoiceFilter(choices=Customer.Tier.choices, label=_("Tier"), empty_label=_("Any tier"))
    lifecycle_stage = django_filters.ChoiceFilter(
        choices=Customer.Stage.choices, label=_("Stage"), empty_label=_("Any stage")
    )
    tag = django_filters.ModelChoiceFilter(
        field_name="tags", queryset=Tag.objects.all(), label=_("Tag"), empty_label=_("Any tag")
    )
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("Any country"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("tier", "tier"),
            ("lifecycle_stage", "stage"),
            ("country", "country"),
            ("created_at", "created"),
            ("updated_at", "updated"),
        ),
        field_labels={
            "name": _("Name"), "tier": _("Tier"), "lifecycle_stage": _("Stage"), "country": _("Country"),
            "created_at": _("Created"), "updated_at": _("Updated"),
        },
        label=_("Sort by"),
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Country names in the language of this request.
        self.filters["country"].extra["choices"] = list(countries)

    def search(self, queryset, name, value):
        return customer_search(queryset, value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A tie-breaker after every sort, so pages never repeat or skip rows that share a value.
        ordering = list(queryset.query.order_by) or ["name"]
        if not any(o.lstrip("-") == "name" for o in ordering):
            ordering.append("name")
        return queryset.order_by(*ordering, "id")
