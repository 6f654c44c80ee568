"""Search, filters and sort of the product and opportunity lists, shared by each list page and its export."""

from datetime import date

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.reach import owner_ids
from crm.kit.filtering import sort_choices, sort_fields
from crm.kit.rows import GroupedRows, MergedRows
from customers.models import Customer
from customers.selectors import customer_search
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
    # Within each stage; the stages themselves come in pipeline order (GroupedRows, see OpportunityFilter.qs), each
    # read from the (deletion, stage, expected_close_date, id) index instead of sorting every row by the stage's
    # position (2.5 s at 200,000 opportunities).
    "stage": ("expected_close_date", "id"),
    "created": ("created_at", "id"),
}
# A search reads the opportunities of the customers it finds by their ids when there are at most this many.
SEARCH_CUSTOMERS_MAX = 2000
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
        self.stages = list(Stage.objects.order_by("position", "id"))
        self.filters["stage"].extra["choices"] = [(str(stage.pk), stage.label) for stage in self.stages]
        if self.request is None or owner_ids(self.request.user, domain="sales") == [self.request.user.pk]:
            del self.filters["owner"]  # a rep's list holds only their own opportunities
        else:
            self.filters["owner"].extra["choices"] = [
                (str(user.pk), user.get_full_name() or user.username)
                for user in sales_owners_for(user=self.request.user)
            ]

    def search(self, queryset, name, value):
        """Opportunities whose title holds the text, or whose customer customer search finds (a word of the name,
        email or phone, or of a contact's). The customers are found first, from their search index, and their
        opportunities read by customer id: a condition on the customer's name across the join tested every row's
        customer (1.6 s for a manager at 200,000 opportunities)."""
        text = value.strip()
        if not text:
            return queryset
        customers = customer_search(Customer.objects.all(), text)
        ids = list(customers.values_list("pk", flat=True)[: SEARCH_CUSTOMERS_MAX + 1])
        by_customer = Q(customer_id__in=ids) if len(ids) <= SEARCH_CUSTOMERS_MAX else Q(customer__in=customers)
        return queryset.filter(Q(title__icontains=text) | by_customer)

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

    @property
    def qs(self):
        """The filtered rows. Sorted by stage, they are read stage by stage in the pipeline's order; a list of
        several owners' opportunities (a manager's team) is read as the merge of each owner's (MergedRows)."""
        rows = super().qs
        if self.is_bound and not self.is_valid():
            return rows
        if not self.is_bound:
            rows = rows.order_by(*OPPORTUNITY_SORTS["close"])  # the default sort, as when the list is filtered
        data = self.form.cleaned_data if self.is_bound else {}
        owners = self._merged_owners(data)
        sort = data.get("sort") or ""
        if sort.lstrip("-") == "stage":
            order = [stage.pk for stage in self.stages]
            return GroupedRows(
                rows,
                field="stage_id",
                values=order[::-1] if sort.startswith("-") else order,
                keys_first=True,
                merge=("owner_id", owners) if owners else None,
            )
        return MergedRows(rows, field="owner_id", values=owners) if owners else rows

    def _merged_owners(self, data: dict) -> list[int] | None:
        """The owners of a list of several owners' opportunities, read owner by owner: each owner's first rows come
        in order from the indexes that start with the owner, where for the whole team MariaDB walked everyone's
        close-date index (0.5 s for one stage at 200,000). None for one owner, everyone, or a search (whose
        customers' opportunities are read by id, see `search`)."""
        if self.request is None or data.get("owner") or (data.get("q") or "").strip():
            return None
        owners = owner_ids(self.request.user, domain="sales")
        return owners if owners is not None and len(owners) > 1 else None

    @property
    def count_cap(self) -> int | None:
        """A search counts at most CUSTOMER_SEARCH_COUNT_CAP matches ("more than 200"), as a customer search does:
        counting a thousand checks the title and customer of every opportunity the user reaches."""
        searched = self.is_bound and self.is_valid() and (self.form.cleaned_data.get("q") or "").strip()
        return settings.CUSTOMER_SEARCH_COUNT_CAP if searched else None

    @property
    def count_qs(self):
        """The same rows as `qs` as one queryset, for the list's capped count."""
        return super().qs
