"""The customer list's search, filters and sort, shared by the list page and its CSV export."""

from datetime import timedelta
from functools import lru_cache

import django_filters
from django import forms
from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.reach import owner_ids
from crm.kit.filtering import DateRangeFilterForm, sort_choices, sort_fields
from crm.kit.rows import GroupedRows
from crm.timezones import day_start
from customers.forms import IdListField
from customers.models import Customer, Tag
from customers.search import is_cjk_only
from customers.selectors import (
    SEARCH_MAX_CHARS,
    customer_owners_by_name,
    customer_search,
    customer_search_uses_index,
    owners_for,
)

# Each sort continues with tie-breakers in the same direction, so an index such as (tier, name, id) serves the
# whole ORDER BY and pages never repeat or skip rows that share a value.
SORTS = {
    "name": ("name", "id"),
    "tier": ("tier", "name", "id"),
    "stage": ("lifecycle_stage", "name", "id"),
    "country": ("country", "name", "id"),
    "created": ("created_at", "id"),
    "updated": ("updated_at", "id"),
    # NULL (never contacted) sorts as the oldest on MariaDB/MySQL and SQLite: first when ascending (the customers
    # waiting longest for a contact), last when descending (the most recent contacts first). Spelling that out
    # with nulls_first would make MySQL sort by ISNULL() and lose the (deletion, last_contacted_at) index.
    "last_contacted": ("last_contacted_at", "id"),
    # Within each owner; the owners themselves come in name order (GroupedRows, see CustomerFilter.qs).
    "owner": ("name", "id"),
}
SORT_LABELS = {
    "name": _("Name"),
    "tier": _("Tier"),
    "stage": _("Stage"),
    "country": _("Country"),
    "created": _("Created"),
    "updated": _("Updated"),
    "last_contacted": _("Last contacted"),
    "owner": _("Owner"),
}
SORT_CHOICES = sort_choices(SORT_LABELS)


# "Not contacted in": days since the last interaction, or never.
NEVER_CONTACTED = "never"
NOT_CONTACTED_CHOICES = [
    ("7", _("7 days")),
    ("30", _("30 days")),
    ("90", _("90 days")),
    ("180", _("180 days")),
    ("365", _("365 days")),
    (NEVER_CONTACTED, _("Never contacted")),
]

# Above this many customers a tag is checked row by row instead of sorted (measured at a million customers:
# a tag on 12% of them took 0.5 s as a sort and 3 ms as a check; a tag on 0.1% is the other way round).
COMMON_TAG = 20_000


@lru_cache(maxsize=8)
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, str(name)) for code, name in countries)


def country_choices() -> tuple[tuple[str, str], ...]:
    """Countries sorted by their name in the active language; translated and sorted once per language."""
    return _country_choices(get_language())


class IdsFilter(django_filters.Filter):
    field_class = IdListField


class CustomerFilterForm(DateRangeFilterForm):
    date_ranges = (("created_from", "created_to"),)


class CustomerFilter(django_filters.FilterSet):
    # The selects are written by the `filter_select` template tag; only the search box uses its widget.
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=SEARCH_MAX_CHARS,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, email, phone or contact"), "type": "search", "class": "form-control"}
        ),
    )
    # Owner and tag choices are read once and validated against that list: a ModelChoiceFilter would query
    # again to check the submitted id.
    owner = django_filters.ChoiceFilter(field_name="owner_id", label=_("Owner"), empty_label=_("Any owner"))
    tier = django_filters.ChoiceFilter(choices=Customer.Tier.choices, label=_("Tier"), empty_label=_("Any tier"))
    lifecycle_stage = django_filters.ChoiceFilter(
        choices=Customer.Stage.choices, label=_("Stage"), empty_label=_("Any stage")
    )
    tag = django_filters.ChoiceFilter(method="with_tag", label=_("Tag"), empty_label=_("Any tag"))
    country = django_filters.ChoiceFilter(label=_("Country"), empty_label=_("Any country"))
    # Ticked rows of the list, for "export the chosen rows" (`?id=3&id=8`).
    id = IdsFilter(method="with_ids", max_ids=500, required=False)
    source = django_filters.ChoiceFilter(
        choices=Customer.Source.choices, label=_("Source"), empty_label=_("Any source")
    )
    industry = django_filters.ChoiceFilter(
        choices=Customer.Industry.choices, label=_("Industry"), empty_label=_("Any industry")
    )
    not_contacted = django_filters.ChoiceFilter(
        choices=NOT_CONTACTED_CHOICES, method="not_contacted_in", label=_("Not contacted in"), empty_label=_("Any time")
    )
    created_from = django_filters.DateFilter(
        method="created_on_or_after", label=_("Created from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = django_filters.DateFilter(
        method="created_on_or_before", label=_("Created to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="sort_by", label=_("Sort by"), empty_label=None, widget=forms.HiddenInput
    )

    class Meta:
        model = Customer
        form = CustomerFilterForm
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._counting = False
        self._scanning = False
        self._common_tags: dict[str, bool] = {}
        self.filters["country"].extra["choices"] = country_choices()
        self.filters["tag"].extra["choices"] = [(str(pk), name) for pk, name in Tag.objects.values_list("pk", "name")]
        if self.request is None or owner_ids(self.request.user, domain="customers") == [self.request.user.pk]:
            del self.filters["owner"]  # a rep's list holds only their own customers
        else:
            self.filters["owner"].extra["choices"] = [
                (str(user.pk), user.get_full_name() or user.username) for user in owners_for(user=self.request.user)
            ]

    def with_ids(self, queryset, name, value):
        return queryset.filter(pk__in=value) if value else queryset

    def search(self, queryset, name, value):
        return customer_search(queryset, value, scan=self._scanning)

    def not_contacted_in(self, queryset, name, value):
        if value == NEVER_CONTACTED:
            return queryset.filter(last_contacted_at__isnull=True)
        cutoff = timezone.now() - timedelta(days=int(value))
        # Two ranges of the (deletion, last_contacted_at) index: never, and before the cutoff.
        return queryset.filter(Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=cutoff))

    def created_on_or_after(self, queryset, name, value):
        return queryset.filter(created_at__gte=day_start(value))

    def created_on_or_before(self, queryset, name, value):
        return queryset.filter(created_at__lt=day_start(value + timedelta(days=1)))

    def with_tag(self, queryset, name, value):
        tagged = Customer.tags.through.objects.filter(tag_id=value)
        if self._counting or not self._is_common_tag(value, tagged):
            # Read the tag's customers from the (tag_id) index: cheap to count, and cheap to sort when few.
            return queryset.filter(pk__in=tagged.values("customer_id"))
        # A common tag: sorting its tens of thousands of customers would cost more than walking the sort
        # index and checking each customer's tag, which finds a page within a few hundred rows. A scalar
        # subquery keeps the database from turning this back into the semi-join above.
        probe = Subquery(tagged.filter(customer_id=OuterRef("pk")).values("tag_id")[:1])
        return queryset.annotate(_tagged=probe).filter(_tagged__isnull=False)

    def _is_common_tag(self, tag_id, tagged) -> bool:
        if tag_id not in self._common_tags:
            self._common_tags[tag_id] = tagged[:COMMON_TAG].count() >= COMMON_TAG
        return self._common_tags[tag_id]

    @property
    def count_qs(self):
        """The same rows as `qs`, in the form that is cheapest to count (for the list's capped count)."""
        if not self.is_bound or not self.is_valid():
            return self.qs
        return self._filtered_as("_counting")

    def _filtered_as(self, mode: str):
        """The rows filtered again with the flag `mode` ("_counting" or "_scanning") set while the filters run."""
        setattr(self, mode, True)
        try:
            return self.filter_queryset(self.queryset.all())
        finally:
            setattr(self, mode, False)

    def _text_search(self) -> str:
        if not self.is_bound or not self.is_valid():
            return ""
        text = self.form.cleaned_data.get("q") or ""
        return text if customer_search_uses_index(text) else ""

    @property
    def scan_qs(self):
        """For a search through the full-text index: the same rows, in the same order, found by walking the sort
        index and checking each row's search text (crm.pagination reads a page this way first, within a
        budget of rows). None when there is no such search, or when the list is sorted by owner."""
        sort = self.form.cleaned_data.get("sort", "") if self.is_bound and self.is_valid() else ""
        text = self._text_search()
        # Chinese, Japanese and Korean names sort after the Latin ones, so walking the list from its start would
        # spend the budget before reaching them: such a search goes to the index at once.
        if not text or sort.lstrip("-") == "owner" or is_cjk_only(text):
            return None
        return self._filtered_as("_scanning")

    @property
    def count_cap(self) -> int | None:
        """A search counts at most CUSTOMER_SEARCH_COUNT_CAP matches ("more than 200"): counting a thousand matches of a
        common word for one rep reads the matches of every rep (about 150 ms at a million customers)."""
        return settings.CUSTOMER_SEARCH_COUNT_CAP if self._text_search() else None

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*sort_fields(SORTS, value))

    @property
    def qs(self):
        """The filtered rows; sorted by owner, they are read owner by owner in the order of the owners' names."""
        rows = super().qs
        sort = self.form.cleaned_data.get("sort", "") if self.is_bound and self.is_valid() else ""
        if sort.lstrip("-") != "owner" or self.request is None:
            return rows
        owners = customer_owners_by_name(user=self.request.user)
        return GroupedRows(rows, field="owner_id", values=owners[::-1] if sort.startswith("-") else owners)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*SORTS["name"])
        return super().filter_queryset(queryset)
