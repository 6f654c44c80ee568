"""Input for the product pages: parsing and field rules only; the services check the rest."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from records.forms import VersionedFormMixin
from sales.models import Product


class ProductForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Product
        fields = ["sku", "name", "category", "unit_price", "currency", "stock_on_hand", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("sku", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("category"), Column("unit_price"), Column("currency", css_class="col-md-2")),
            Row(Column("stock_on_hand", css_class="col-md-4"), Column("active", css_class="col-md-8 pt-md-4")),
        )
