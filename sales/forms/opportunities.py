"""Input for opportunity pages and the board: parsing and field rules only; reach, owners and contacts are
checked again by sales.services.opportunities."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms import CustomerChoiceField, OwnerChoiceField
from customers.models import Contact
from customers.selectors import customer_scope
from records.forms import VersionedFormMixin
from sales.models import Opportunity, Stage
from sales.selectors.opportunities import sales_owners_for, sales_teams_for


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (an <input type="month">), read as the first day of that month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}


class StageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class OpportunityForm(VersionedFormMixin, forms.ModelForm):
    """A new or changed opportunity. The customer is picked by search on a new one and stays on an edit; the
    contact is one of the customer's; the probability, left empty on a new one, is the stage's default."""

    customer = CustomerChoiceField(
        queryset=None,
        label=_("Customer"),
        error_messages={"invalid_choice": _("Select a customer from the suggestions; that one is not available.")},
    )
    stage = StageChoiceField(queryset=Stage.objects.order_by("position", "id"), label=_("Stage"), empty_label=None)
    owner = OwnerChoiceField(queryset=None, label=_("Owner"))
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False, label=_("Contact"))
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, label=_("Amount"))
    probability = forms.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        label=_("Probability (%)"),
        help_text=_("Left empty, the stage's default probability."),
    )

    class Meta:
        model = Opportunity
        fields = [
            "customer",
            "title",
            "amount",
            "currency",
            "stage",
            "probability",
            "expected_close_date",
            "owner",
            "contact",
            "source",
            "next_step",
            "lost_reason",
        ]
        widgets = {"expected_close_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"lost_reason": _("Required when the stage is lost.")}

    def __init__(self, *args, user, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        reachable = customer_scope(user=user, write=True)
        self.fields["customer"].queryset = reachable
        self.fields["owner"].queryset = sales_owners_for(user=user)
        editing = self.instance.pk is not None
        if editing:
            del self.fields["customer"]  # an opportunity stays with its customer
            customer_id = self.instance.customer_id
            if self.instance.lines.exists():
                # The line items set both (sales.services.opportunities): shown, not typed.
                self.fields["amount"].disabled = self.fields["currency"].disabled = True
                self.fields["amount"].help_text = _("The total of the line items, which are changed on its page.")
        else:
            self.fields["owner"].initial = user.pk
            if customer is not None:
                self.initial["customer"] = customer.pk
            customer_id = self.data.get(self.add_prefix("customer")) or (customer.pk if customer else None)
        if customer_id and str(customer_id).isascii() and str(customer_id).isdigit():
            # Only of a customer the user reaches: a planted customer id must not list another owner's contacts.
            self.fields["contact"].queryset = Contact.objects.filter(
                customer_id=int(customer_id), customer__in=reachable.values("pk")
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(["customer"] if "customer" in self.fields else []),
            "title",
            Row(Column("amount"), Column("currency", css_class="col-md-2"), Column("expected_close_date")),
            Row(Column("stage"), Column("probability"), Column("owner")),
            Row(Column("contact"), Column("source")),
            "next_step",
            "lost_reason",
        )

    @property
    def selected_name(self) -> str:
        """The chosen customer's name for the search box, only of a customer the field accepts."""
        field = self.fields.get("customer")
        if field is None:
            return ""
        value = self.data.get(self.add_prefix("customer")) if self.is_bound else self.initial.get("customer")
        try:
            chosen = field.clean(value) if value else None
        except forms.ValidationError:
            return ""
        return chosen.name if chosen is not None else ""

    def clean(self):
        cleaned = super().clean()
        stage = cleaned.get("stage")
        if stage is not None and stage.outcome == Stage.Outcome.LOST and not cleaned.get("lost_reason", "").strip():
            self.add_error("lost_reason", _("Say why the opportunity was lost."))
        return cleaned

    def _post_clean(self):
        # The service validates the model (with the stage's default probability filled in); the ModelForm's own
        # model validation would reject the empty probability first.
        pass


class StageMoveForm(forms.Form):
    """A move from the board: the stage to move to, the version the board showed, and a reason when lost."""

    stage = StageChoiceField(queryset=Stage.objects.all(), label=_("Move to"), empty_label=None)
    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    lost_reason = forms.CharField(max_length=200, required=False, label=_("Lost reason"))


class BoardFilterForm(forms.Form):
    owner = OwnerChoiceField(queryset=None, required=False, label=_("Owner"), empty_label=_("Any owner"))
    team = forms.ModelChoiceField(queryset=None, required=False, label=_("Team"), empty_label=_("Any team"))
    close_month = MonthField(required=False, label=_("Close month"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = sales_owners_for(user=user)
        self.fields["team"].queryset = sales_teams_for(user=user)
        for name in ("owner", "team"):
            self.fields[name].widget.attrs["class"] = "form-select"
        self.fields["close_month"].widget.attrs["class"] = "form-control"


class LeadQualifyForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Opportunity title"))
    amount = forms.DecimalField(max_digits=14, decimal_places=2, min_value=0, label=_("Amount"))
    expected_close_date = forms.DateField(
        required=False, label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
