"""Input for customer pages: parsing and field rules only; database rules live in services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer, Interaction, Relationship, Tag
from customers.selectors import customer_scope, owners_for
from records.forms import VersionedFormMixin


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CustomerForm(VersionedFormMixin, forms.ModelForm):
    owner = OwnerChoiceField(queryset=None, label=_("Owner"))
    tags = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Tags")
    )
    confirm_duplicate = forms.BooleanField(
        required=False, label=_("Create it anyway: this is a different customer"), widget=forms.HiddenInput
    )

    class Meta:
        model = Customer
        fields = [
            "kind",
            "name",
            "email",
            "phone",
            "address",
            "city",
            "country",
            "industry",
            "source",
            "tier",
            "lifecycle_stage",
            "owner",
            "tags",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices come from the user's scope: another team's user is not a valid choice, even if posted.
        self.fields["owner"].queryset = owners_for(user=user)
        if not self.instance.pk:
            self.fields["owner"].initial = user.pk
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-3"), Column("name", css_class="col-md-9")),
            Row(Column("email"), Column("phone")),
            Row(
                Column("address", css_class="col-md-6"),
                Column("city", css_class="col-md-3"),
                Column("country", css_class="col-md-3"),
            ),
            Row(Column("industry"), Column("source")),
            Row(Column("tier"), Column("lifecycle_stage"), Column("owner")),
            Field("tags", css_class="d-inline-flex flex-wrap gap-3"),
            "notes",
            "confirm_duplicate",
        )

    def show_duplicate_confirmation(self) -> None:
        """Offer the 'create anyway' checkbox after a duplicate warning."""
        self.fields["confirm_duplicate"].widget = forms.CheckboxInput()


class ContactForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "is_primary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name"), Column("role")), Row(Column("email"), Column("phone")), "is_primary"
        )


class InteractionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Interaction
        fields = ["channel", "direction", "occurred_at", "subject", "summary", "outcome", "next_step"]
        widgets = {
            "occurred_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("channel"), Column("direction"), Column("occurred_at")),
            "subject",
            "summary",
            Row(Column("outcome"), Column("next_step")),
        )

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at > timezone.now() + timezone.timedelta(days=1):
            raise forms.ValidationError(_("An interaction cannot be logged in the future; plan it as a next step."))
        return occurred_at


class CustomerChoiceField(forms.ModelChoiceField):
    widget = forms.HiddenInput

    def label_from_instance(self, obj):
        return obj.name


class RelationshipForm(VersionedFormMixin, forms.ModelForm):
    to_customer = CustomerChoiceField(
        queryset=None,
        label=_("Related customer"),
        error_messages={"invalid_choice": _("Select a customer from the suggestions; that one is not available.")},
    )

    class Meta:
        model = Relationship
        fields = ["to_customer", "kind", "status", "notes"]

    def __init__(self, *args, user, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_customer"].queryset = customer_scope(user=user, write=True).exclude(pk=customer.pk)
        if self.instance.pk:
            del self.fields["to_customer"]  # the two customers of a relationship do not change
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *(["to_customer"] if "to_customer" in self.fields else []), Row(Column("kind"), Column("status")), "notes"
        )

    @property
    def selected_name(self) -> str:
        """The name of the customer picked as the other side, for the search box when the form comes back; only
        of a customer the field accepts (the user's reach), so a planted id never shows another owner's name."""
        if "to_customer" not in self.fields or not self.is_bound:
            return ""
        chosen = self.cleaned_data.get("to_customer") if hasattr(self, "cleaned_data") else None
        if chosen is None:
            field = self.fields["to_customer"]
            try:
                chosen = field.clean(
                    field.widget.value_from_datadict(self.data, self.files, self.add_prefix("to_customer"))
                )
            except forms.ValidationError:
                return ""
        return chosen.name if chosen is not None else ""
