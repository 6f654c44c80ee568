"""Search, filters and sort of the product and opportunity lists, shared by each list page and its export."""

from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.reach import owner_ids
from crm.kit.filtering import sort_choices, sort_fields
from customers.models import Customer
from sales.forms.opportunities import MonthField
from sales.models import Opportunity, Product, Stage
from sales.selectors.opportunities import sales_owners_for


class MonthFilter(django_filters.Filter):
    field_class = MonthField


PRODUCT_SORTS = {
    "name": ("name", "id"),
    "sku": ("sku",),
    "category": ("category", "name", "id"),
    "price": ("unit_price", "id"),
    "stock": ("stock_on_hand", "id"),
}
PRODUCT_SORT_LABELS = {
    "name": _("Name"),
    "sku": _("SKU"),
    "category": _("Category"),
    "price": _("Unit price"),
    "stock": _("Stock on hand"),
}


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("SKU or name"), "type": "search", "class": "form-control"}),
    )
    category = django_filters.ChoiceFilter(label=_("Category"), empty_label=_("Any category"))
    active = django_filters.ChoiceFilter(
        choices=[("yes", _("Active")), ("no", _("Inactive"))],
        method="with_active",
        label=_("Active"),
        empty_label=_("Active or not"),
    )
    sort = django_filters.ChoiceFilter(
        choices=sort_choices(PRODUCT_SORT_LABELS),
        method="sort_by",
        label=_("Sort by"),
        empty_label=None,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Product
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Product.objects.exclude(category="").order_by("category").values_list("category", flat=True)
        self.filters["category"].extra["choices"] = [(c, c) for c in categories.distinct()]

    def search(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(Q(sku__istartswith=text) | Q(name__icontains=text)) if text else queryset

    def with_active(self, queryset, name, value):
        return queryset.filter(active=value == "yes")

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*sort_fields(PRODUCT_SORTS, value))

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*PRODUCT_SORTS["name"])
        return super().filter_queryset(queryset)


OPPORTUNITY_SORTS = {
    "close": ("expected_close_date", "id"),
    "title": ("title", "id"),
    "amount": ("amount", "id"),
    "stage": ("stage__position", "id"),
    "created": ("created_at", "id"),
}
OPPORTUNITY_SORT_LABELS = {
    "close": _("Expected close"),
    "title": _("Title"),
    "amount": _("Amount"),
    "stage": _("Stage"),
    "created": _("Created"),
}


class OpportunityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Title or customer name"), "type": "search", "class": "form-control"}
        ),
    )
    stage = django_filters.ChoiceFilter(field_name="stage_id", label=_("Stage"), empty_label=_("Any stage"))
    owner = django_filters.ChoiceFilter(field_name="owner_id", label=_("Owner"), empty_label=_("Any owner"))
    close_month = MonthFilter(method="closing_in", label=_("Close month"))
    source = django_filters.ChoiceFilter(
        choices=Customer.Source.choices, label=_("Source"), empty_label=_("Any source")
    )
    sort = django_filters.ChoiceFilter(
        choices=sort_choices(OPPORTUNITY_SORT_LABELS),
        method="sort_by",
        label=_("Sort by"),
        empty_label=None,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["stage"].extra["choices"] = [
            (str(stage.pk), stage.label) for stage in Stage.objects.order_by("position", "id")
        ]
        if self.request is None or owner_ids(self.request.user, domain="sales") == [self.request.user.pk]:
            del self.filters["owner"]  # a rep's list holds only their own opportunities
        else:
            self.filters["owner"].extra["choices"] = [
                (str(user.pk), user.get_full_name() or user.username)
                for user in sales_owners_for(user=self.request.user)
            ]

    def search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(title__icontains=text) | Q(customer__name__icontains=text))

    def closing_in(self, queryset, name, value: date):
        start = value.replace(day=1)
        end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        return queryset.filter(expected_close_date__gte=start, expected_close_date__lt=end)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*sort_fields(OPPORTUNITY_SORTS, value))

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*OPPORTUNITY_SORTS["close"])
        return super().filter_queryset(queryset)
