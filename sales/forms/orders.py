"""Input for order pages: parsing and field rules only; reach, stock and return limits live in the services."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import reach
from customers.models import Customer
from records.forms import VersionedFormMixin
from sales.models import Opportunity, Order, OrderLine
from sales.selectors.orders import active_products
from sales.services.orders import LineInput


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.sku}) · {obj.unit_price} {obj.currency}"


class OrderForm(VersionedFormMixin, forms.ModelForm):
    """The order's head. Customers and opportunities to choose from are those the user may change: another
    owner's id, even if posted, is not a valid choice."""

    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        label=_("Customer"),
        error_messages={"invalid_choice": _("Choose one of your customers.")},
    )
    opportunity = forms.ModelChoiceField(
        queryset=Opportunity.objects.none(),
        label=_("Opportunity"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your opportunities.")},
    )
    ordered_at = forms.DateTimeField(
        label=_("Date"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )

    class Meta:
        model = Order
        fields = ["customer", "opportunity", "ordered_at", "ship_to_country", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = reach.scope(Customer, user=user, write=True).order_by("name", "id")
        self.fields["opportunity"].queryset = (
            reach.scope(Opportunity, user=user, write=True).select_related("customer").order_by("title", "id")
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("customer", css_class="col-md-6"), Column("opportunity", css_class="col-md-6")),
            Row(Column("ordered_at", css_class="col-md-6"), Column("ship_to_country", css_class="col-md-6")),
            "notes",
        )


class OrderLineForm(forms.Form):
    product = ProductChoiceField(
        queryset=active_products(),
        label=_("Product"),
        required=False,
        error_messages={"invalid_choice": _("Choose an active product from the list.")},
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000, required=False)
    discount_percent = forms.DecimalField(
        label=_("Discount (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
    )

    def clean(self):
        data = super().clean()
        product, quantity = data.get("product"), data.get("quantity")
        if product and quantity is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter how many."))
        if quantity is not None and not product and "product" not in self.errors:
            self.add_error("product", _("Choose a product for this quantity."))
        return data

    def line(self) -> LineInput | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("product") or data.get("DELETE"):
            return None
        return LineInput(
            product=data["product"], quantity=data["quantity"], discount_percent=data.get("discount_percent") or 0
        )


class BaseOrderLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError(_("Add at least one line."), code="no_lines")

    def lines(self) -> list[LineInput]:
        return [line for form in self.forms if (line := form.line()) is not None]


OrderLineFormSet = forms.formset_factory(
    OrderLineForm, formset=BaseOrderLineFormSet, extra=3, can_delete=True, max_num=200, validate_max=True
)


def line_initial(lines: list[OrderLine]) -> list[dict]:
    return [
        {"product": line.product_id, "quantity": line.quantity, "discount_percent": line.discount_percent}
        for line in lines
    ]


class ReturnForm(forms.Form):
    """How many units of each product of the original order come back (at most what can still be returned)."""

    notes = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, lines, left: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.products = {}
        for line in lines:
            if line.product_id in self.products or line.quantity <= 0:
                continue
            self.products[line.product_id] = line.product
            available = max(left.get(line.product_id, 0), 0)
            self.fields[f"product_{line.product_id}"] = forms.IntegerField(
                label=line.product.name,
                min_value=0,
                max_value=available,
                required=False,
                help_text=_("Up to %(n)s") % {"n": available},
                error_messages={"max_value": _("At most %(limit_value)s can still be returned.")},
            )
        self.order_fields([*(f"product_{pk}" for pk in self.products), "notes"])
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(f"product_{pk}") for pk in self.products):
            raise forms.ValidationError(_("Enter how many units of at least one product come back."), code="no_lines")
        return data

    def lines(self) -> list[LineInput]:
        return [
            LineInput(product=product, quantity=self.cleaned_data[f"product_{pk}"])
            for pk, product in self.products.items()
            if self.cleaned_data.get(f"product_{pk}")
        ]
