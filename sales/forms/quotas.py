"""Input for the quotas page: a month, and one row per salesperson (an amount, left empty for none, and its
currency). Whose quotas the user may set, and versions, are checked by sales.services.quotas."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sales.forms.opportunities import MonthField

# The most rows one submission may hold; a team is far smaller.
MAX_ROWS = 1000


class QuotaMonthForm(forms.Form):
    month = MonthField(label=_("Month"))


class QuotaRowForm(forms.Form):
    rep = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31, required=False)
    amount = forms.DecimalField(
        label=_("Quota"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "class": "form-control text-end"}),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "size": "3", "autocomplete": "off"}),
    )

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if currency and not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError(
                _("Enter a three-letter currency code, such as %(code)s."),
                params={"code": settings.CRM_DEFAULT_CURRENCY},
            )
        return currency or settings.CRM_DEFAULT_CURRENCY


QuotaRowFormSet = forms.formset_factory(
    QuotaRowForm, extra=0, max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS
)
