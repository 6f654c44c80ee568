"""Input for quotes and for the line items of opportunities and quotes: parsing and field rules only; reach, the
draft-only rule, currencies and transitions live in sales.services.quotes and sales.services.opportunities."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from records.forms import VersionedFormMixin
from sales.models import Quote
from sales.selectors.quotes import line_products
from sales.services.quotes import default_tax_rate, default_valid_until


class LineProductField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.sku}) · {obj.unit_price:,.2f} {obj.currency}"


class ParentVersionMixin(VersionedFormMixin):
    """A line form carries the version of the record its lines belong to (`parent`: an opportunity or a quote):
    adding, changing or removing a line changes that record, and a stale page must not do it unseen."""

    instance = None  # not a model form: the version is the parent's

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent
        self.fields["version"].required = True
        if not self.is_bound:
            self.initial["version"] = parent.version


class LineTermsMixin(forms.Form):
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=1_000_000,
        error_messages={"min_value": _("Quantities must be at least 1.")},
    )
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"}),
    )

    def clean_discount_percent(self):
        value = self.cleaned_data.get("discount_percent")
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("A discount is between 0 and 100 %."), code="range")
        return value if value is not None else 0


class LineAddForm(ParentVersionMixin, LineTermsMixin):
    """A product to add: chosen among the active products priced in the parent's currency."""

    product = LineProductField(
        queryset=None,
        label=_("Product"),
        error_messages={"invalid_choice": _("Choose an active product priced in this currency.")},
    )
    field_order = ["product", "quantity", "discount_percent"]

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, parent=parent, **kwargs)
        self.fields["product"].queryset = line_products(currency=parent.currency)
        self.fields["product"].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["quantity"].initial = 1
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("product", css_class="col-md-6"),
                Column("quantity", css_class="col-6 col-md-3"),
                Column("discount_percent", css_class="col-6 col-md-3"),
            )
        )


class LineEditForm(ParentVersionMixin, LineTermsMixin):
    """A line's quantity and discount; its product and the unit price copied for it stay."""

    def __init__(self, *args, parent, line, **kwargs):
        super().__init__(*args, parent=parent, **kwargs)
        self.line = line
        if not self.is_bound:
            self.initial.update(quantity=line.quantity, discount_percent=line.discount_percent)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Row(Column("quantity"), Column("discount_percent")))


class QuoteForm(VersionedFormMixin, forms.ModelForm):
    """A quote's terms: until when it is valid, its tax rate and its notes. Its lines are edited on its page."""

    tax_rate_percent = forms.DecimalField(
        label=_("Tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"}),
    )

    class Meta:
        model = Quote
        fields = ["valid_until", "tax_rate_percent", "notes"]
        widgets = {
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"notes": _("Printed under the lines: payment terms, delivery, what the price includes.")}

    def clean_tax_rate_percent(self):
        value = self.cleaned_data.get("tax_rate_percent")
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("A tax rate is between 0 and 100 %."), code="range")
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("valid_until", default_valid_until())
            self.initial.setdefault("tax_rate_percent", default_tax_rate())
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("valid_until", css_class="col-md-6"), Column("tax_rate_percent", css_class="col-md-6")),
            "notes",
        )
