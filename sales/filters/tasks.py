"""The task list's search, filters and sort, shared by the list page and its CSV export.

Without a status in the query string the list shows open tasks, soonest due first, as a salesperson's task list
does; "All" shows done ones too."""

from datetime import timedelta

import django_filters
from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.reach import owner_ids
from crm.kit.filtering import DateRangeFilterForm, sort_choices, sort_fields
from crm.timezones import day_start
from sales.models import Task
from sales.selectors.opportunities import sales_owners_for

SORTS = {
    "due": ("due_at", "id"),
    "subject": ("subject", "id"),
    "created": ("created_at", "id"),
}
SORT_LABELS = {"due": _("Due"), "subject": _("Subject"), "created": _("Created")}
DEFAULT_SORT = "due"

OPEN, OVERDUE, TODAY, DONE, ALL = "open", "overdue", "today", "done", "all"
STATUS_CHOICES = [
    (OPEN, _("Open")),
    (OVERDUE, _("Overdue")),
    (TODAY, _("Due today")),
    (DONE, _("Done")),
    (ALL, _("All")),
]


class IdFilter(django_filters.Filter):
    """A record's id from the query string (a customer's page links to its tasks), read as a whole number."""

    field_class = forms.IntegerField


class TaskFilterForm(DateRangeFilterForm):
    date_ranges = (("due_from", "due_to"),)


class TaskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        label=_("Search"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Subject"), "type": "search", "class": "form-control"}),
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="with_status", label=_("Status"), empty_label=None
    )
    whose = django_filters.ChoiceFilter(
        choices=[("mine", _("Only mine"))], method="only_mine", label=_("Whose"), empty_label=_("Mine and my team's")
    )
    owner = django_filters.ChoiceFilter(field_name="owner_id", label=_("Owner"), empty_label=_("Any owner"))
    priority = django_filters.ChoiceFilter(
        choices=Task.Priority.choices, label=_("Priority"), empty_label=_("Any priority")
    )
    due_from = django_filters.DateFilter(
        method="due_on_or_after", label=_("Due from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = django_filters.DateFilter(
        method="due_on_or_before", label=_("Due until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    customer = IdFilter(
        field_name="customer_id", label=_("Customer"), min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    opportunity = IdFilter(
        field_name="opportunity_id", label=_("Opportunity"), min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )
    sort = django_filters.ChoiceFilter(
        choices=sort_choices(SORT_LABELS),
        method="sort_by",
        label=_("Sort by"),
        empty_label=None,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Task
        form = TaskFilterForm
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs):
        # Always bound: no query string still means "open tasks, soonest due first" (filter_queryset).
        super().__init__(data if data is not None else QueryDict(), *args, **kwargs)
        user = self.request.user if self.request is not None else None
        owners = owner_ids(user, domain="sales") if user is not None else [None]
        if owners == [getattr(user, "pk", None)]:
            del self.filters["owner"]  # a rep's list holds only their own tasks
            del self.filters["whose"]
        else:
            if owners is None:
                self.filters["whose"].extra["empty_label"] = _("Everyone's")
            self.filters["owner"].extra["choices"] = [
                (str(person.pk), person.get_full_name() or person.username) for person in sales_owners_for(user=user)
            ]

    def search(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(subject__icontains=text) if text else queryset

    def with_status(self, queryset, name, value):
        now = timezone.now()
        if value == OVERDUE:
            return queryset.filter(done_at__isnull=True, due_at__lt=now)
        if value == TODAY:
            today = timezone.localdate()
            return queryset.filter(
                done_at__isnull=True, due_at__gte=day_start(today), due_at__lt=day_start(today + timedelta(days=1))
            )
        if value == DONE:
            return queryset.filter(done_at__isnull=False)
        if value == ALL:
            return queryset
        return queryset.filter(done_at__isnull=True)

    def only_mine(self, queryset, name, value):
        return queryset.filter(owner=self.request.user)

    def due_on_or_after(self, queryset, name, value):
        return queryset.filter(due_at__gte=day_start(value))

    def due_on_or_before(self, queryset, name, value):
        return queryset.filter(due_at__lt=day_start(value + timedelta(days=1)))

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*sort_fields(SORTS, value))

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        if not data.get("status"):
            queryset = self.with_status(queryset, "status", OPEN)
        if not data.get("sort"):
            queryset = queryset.order_by(*sort_fields(SORTS, DEFAULT_SORT))
        return super().filter_queryset(queryset)
