"""Input for task pages: parsing and field rules only; reach, owners and the customer that follows an opportunity
are checked again by sales.services.tasks."""

from datetime import datetime, time, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.forms import CustomerChoiceField, OwnerChoiceField
from customers.models import Customer
from customers.selectors import customer_scope
from records.forms import VersionedFormMixin
from sales.models import Opportunity, Task
from sales.selectors.opportunities import sales_owners_for
from sales.selectors.tasks import opportunity_choices_for

# Due times a person can mean; beyond them a time may not exist in every time zone (crm/timezones.py).
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A new task is due the next day at this hour (the user's time), unless they say otherwise.
DEFAULT_DUE_HOUR = 9


class OpportunityChoiceField(forms.ModelChoiceField):
    widget = forms.HiddenInput

    def label_from_instance(self, obj):
        return obj.title


def default_due() -> datetime:
    """Tomorrow at 09:00 in the user's time zone."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time(DEFAULT_DUE_HOUR)))


class TaskForm(VersionedFormMixin, forms.ModelForm):
    """A new or changed task. The customer and the opportunity are picked by search, both optional; with an
    opportunity, the task is about its customer."""

    customer = CustomerChoiceField(
        queryset=None,
        required=False,
        label=_("Customer"),
        error_messages={"invalid_choice": _("Select a customer from the suggestions; that one is not available.")},
    )
    opportunity = OpportunityChoiceField(
        queryset=None,
        required=False,
        label=_("Opportunity"),
        error_messages={"invalid_choice": _("Select an opportunity from the suggestions; that one is not available.")},
    )
    owner = OwnerChoiceField(queryset=None, label=_("Owner"))
    due_at = forms.DateTimeField(
        label=_("Due"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": _("Enter a due date and time.")},
    )

    class Meta:
        model = Task
        fields = ["subject", "due_at", "priority", "owner", "customer", "opportunity", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, customer: Customer | None = None, opportunity: Opportunity | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        customers = customer_scope(user=user, write=True)
        opportunities = opportunity_choices_for(user=user)
        if self.instance.pk is not None:
            # What the task is about stays a valid choice even if it has moved out of the user's reach since (the
            # service checks only what changes), so the task's other fields can still be edited.
            customers |= Customer.objects.filter(pk=self.instance.customer_id)
            opportunities |= Opportunity.objects.filter(pk=self.instance.opportunity_id)
        self.fields["customer"].queryset = customers
        self.fields["opportunity"].queryset = opportunities.select_related("customer")
        self.fields["owner"].queryset = sales_owners_for(user=user)
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("owner", user.pk)
            self.initial.setdefault("due_at", default_due())
            if opportunity is not None:
                self.initial["opportunity"] = opportunity.pk
                self.initial["customer"] = opportunity.customer_id
            elif customer is not None:
                self.initial["customer"] = customer.pk
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "subject",
            Row(Column("due_at"), Column("priority"), Column("owner")),
            "customer",
            "opportunity",
        )

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        if not FIRST_YEAR <= timezone.localtime(due_at).year <= LAST_YEAR:
            raise forms.ValidationError(
                _("Enter a due date between %(first)s and %(last)s."), params={"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return due_at

    def _chosen(self, name: str):
        """The record a picker field holds, only one the field accepts (for the search box's text)."""
        field = self.fields[name]
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        if value in (None, ""):
            return None
        try:
            return field.clean(value.pk if hasattr(value, "pk") else value)
        except forms.ValidationError:
            return None

    @property
    def selected_customer_name(self) -> str:
        chosen = self._chosen("customer")
        return chosen.name if chosen is not None else ""

    @property
    def selected_opportunity_name(self) -> str:
        chosen = self._chosen("opportunity")
        return f"{chosen.title} · {chosen.customer.name}" if chosen is not None else ""
