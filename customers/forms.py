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


class IdListField(forms.Field):
    """Record ids from repeated query or form values (`id=3&id=8`): whole numbers, at most `max_ids` of them."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_ids: int, **kwargs):
        self.max_ids = max_ids
        super().__init__(**kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > self.max_ids:
            raise forms.ValidationError(
                _("Choose at most %(limit)d rows at a time."), code="too_many", params={"limit": self.max_ids}
            )
        ids = []
        for item in values:
            text = str(item).strip()
            if not (text.isascii() and text.isdigit()) or len(text) > 12:
                raise forms.ValidationError(
                    _("“%(value)s” is not a record number."), code="bad_id", params={"value": text[:20]}
                )
            ids.append(int(text))
        return ids


class CustomerBulkForm(forms.Form):
    """A bulk change chosen on the list: the action and its value, and either the ticked rows or every row of
    the list's filter (its query string, which the view checks with the list's own filters)."""

    EXPORT = "export"
    SCOPE_CHOSEN, SCOPE_FILTER = "chosen", "filter"

    action = forms.ChoiceField(label=_("Action"))
    # Ids offered as plain choices: the list passes the owners and tags its filter bar has already read, so the bar
    # costs no query; the service checks the chosen owner and tag again.
    owner = forms.TypedChoiceField(coerce=int, required=False, label=_("New owner"))
    tag = forms.TypedChoiceField(coerce=int, required=False, label=_("Tag"))
    stage = forms.ChoiceField(
        choices=[("", _("Choose a stage")), *Customer.Stage.choices], required=False, label=_("Stage")
    )
    id = IdListField(max_ids=500, required=False)
    scope = forms.ChoiceField(
        choices=[(SCOPE_CHOSEN, _("The ticked rows")), (SCOPE_FILTER, _("Every row of the list"))],
        required=False,
        widget=forms.HiddenInput,
    )
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    VALUE_FIELD = {"reassign": "owner", "tag": "tag", "untag": "tag", "stage": "stage"}

    def __init__(self, *args, user, owner_choices=None, tag_choices=None, **kwargs):
        from customers.bulk import BulkAction

        super().__init__(*args, **kwargs)
        if owner_choices is None:
            owner_choices = [(u.pk, u.get_full_name() or u.username) for u in owners_for(user=user)]
        if tag_choices is None:
            tag_choices = list(Tag.objects.order_by("name").values_list("pk", "name"))
        self.fields["owner"].choices = [("", _("Choose an owner")), *owner_choices]
        self.fields["tag"].choices = [("", _("Choose a tag")), *tag_choices]
        for name in ("action", "owner", "tag", "stage"):
            self.fields[name].widget.attrs.update(
                {"class": "form-select form-select-sm w-auto", "aria-label": self.fields[name].label}
            )
        self.fields["action"].choices = [
            ("", _("Bulk action…")),
            *BulkAction.choices,
            (self.EXPORT, _("Export to CSV")),
        ]

    def clean_scope(self):
        return self.cleaned_data["scope"] or self.SCOPE_CHOSEN

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        value_field = self.VALUE_FIELD.get(action or "")
        if value_field and not cleaned.get(value_field) and value_field not in self.errors:
            self.add_error(value_field, _("Choose the value for this action."))
        if cleaned.get("scope") == self.SCOPE_CHOSEN and not cleaned.get("id") and "id" not in self.errors:
            raise forms.ValidationError(_("Tick the customers to change first."), code="empty")
        return cleaned

    def value(self):
        return self.cleaned_data.get(self.VALUE_FIELD.get(self.cleaned_data["action"], ""))

    def value_label(self) -> str:
        """The chosen owner's name, tag's name or stage's label, as the user picked it."""
        name = self.VALUE_FIELD.get(self.cleaned_data["action"], "")
        if not name:
            return ""
        value = str(self.cleaned_data.get(name))
        return str(dict((str(k), v) for k, v in self.fields[name].choices).get(value, value))
