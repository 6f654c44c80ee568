"""The "run now" form: the filters every kind shares, then the kind's own parameters (analytics.params), all
checked by the service so that the page and the command say the same thing about a bad value."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from accounts import reach
from accounts.models import Team
from analytics.models import SegmentProfile
from analytics.params import Param, params_for
from analytics.selectors import segment_choices
from crm.kit.filtering import DateRangeFilterForm
from customers.filters import country_choices

FILTER_FIELDS = ("since", "until", "country", "team", "owner", "segment")


class SegmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _("%(segment)s (run #%(run)s, %(customers)s customers)") % {
            "segment": obj.get_label_display(),
            "run": obj.run_id,
            "customers": obj.customers,
        }


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class RunForm(DateRangeFilterForm):
    """Filters and parameters of a run of `kind`; the teams and owners offered are those `user` reaches."""

    date_ranges = (("since", "until"),)

    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    country = forms.ChoiceField(label=_("Country"), required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("Every team")
    )
    owner = PersonChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.none(), required=False, empty_label=_("Everyone")
    )
    segment = SegmentChoiceField(
        label=_("Segment"), queryset=SegmentProfile.objects.none(), required=False, empty_label=_("Every customer")
    )

    def __init__(self, *args: Any, kind: str, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.params = params_for(kind)
        self.fields["country"].choices = [("", _("Any country")), *country_choices()]
        owners = reach.owner_ids(user, domain="sales")
        teams = Team.objects.order_by("name")
        people = get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")
        if owners is not None:
            teams = teams.filter(manager=user)
            people = people.filter(pk__in=owners)
        self.fields["team"].queryset = teams
        self.fields["owner"].queryset = people
        self.fields["segment"].queryset = segment_choices()
        for param in self.params:
            self.fields[param.name] = _field(param)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template owns <form>, csrf and the buttons
        self.helper.layout = Layout(
            Fieldset(
                _("Which data"),
                Row(Column("since"), Column("until"), Column("country")),
                Row(Column("team"), Column("owner"), Column("segment")),
            ),
            Fieldset(
                _("Parameters"),
                *[
                    Row(*[Column(param.name, css_class="col-md-4") for param in self.params[start : start + 3]])
                    for start in range(0, len(self.params), 3)
                ],
            ),
        )

    def filter_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in FILTER_FIELDS}

    def param_values(self) -> dict[str, Any]:
        return {param.name: self.cleaned_data.get(param.name) for param in self.params}


def _field(param: Param) -> forms.Field:
    """A form field that only reads the value; its bounds are the service's to check (one set of messages)."""
    common = {"label": param.label, "help_text": param.help, "required": False}
    if param.kind == "bool":
        return forms.BooleanField(initial=bool(param.default), **common)
    if param.kind == "choice":
        return forms.ChoiceField(choices=list(param.choices.items()), initial=param.default, **common)
    initial = param.default
    if isinstance(initial, (list, tuple)):
        initial = ", ".join(map(str, initial))
    return forms.CharField(initial=initial, max_length=2000, **common)
