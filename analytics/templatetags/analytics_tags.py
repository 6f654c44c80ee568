"""Formatting for the analytics pages: shares, durations, scores and their factors."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_countries import countries

from analytics.labels import FEATURE_LABELS, SEGMENT_ACTIONS
from analytics.models import Run
from customers.models import Customer

register = template.Library()

STATUS_CLASSES = {
    Run.Status.QUEUED: "text-bg-secondary",
    Run.Status.RUNNING: "text-bg-primary",
    Run.Status.SUCCEEDED: "text-bg-success",
    Run.Status.FAILED: "text-bg-danger",
}


@register.filter
def share(value, digits: int = 1):
    """0.653 → "65.3%"."""
    if value is None:
        return "—"
    return f"{number_format(float(value) * 100, decimal_pos=int(digits))}%"


@register.filter
def decimal(value, digits: int = 2):
    """A number with grouped thousands and `digits` decimals ("—" for none)."""
    if value is None or value == "":
        return "—"
    return number_format(float(value), decimal_pos=int(digits), force_grouping=True)


@register.filter
def seconds(value):
    """A duration in seconds, short: "0.4 s", "12 s", "3 min 5 s"."""
    if value is None:
        return "—"
    value = float(value)
    if value < 10:
        return _("%(seconds)s s") % {"seconds": number_format(value, decimal_pos=1)}
    if value < 60:
        return _("%(seconds)s s") % {"seconds": int(round(value))}
    minutes, rest = divmod(int(round(value)), 60)
    return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": rest}


@register.filter
def status_class(status):
    return STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def feature_label(name):
    return FEATURE_LABELS.get(name, name)


# Coded values of the features, as their labels (the choices of the fields they come from).
FACTOR_CHOICES = {
    "industry": dict(Customer.Industry.choices),
    "tier": dict(Customer.Tier.choices),
    "source": dict(Customer.Source.choices),
}


@register.filter
def factor_value(value, feature):
    """A factor's value as a reader knows it: a country's name, a choice's label, a stage's name in the reader's
    language, "none" for a missing category."""
    if value == "(missing)":
        return _("none")
    if feature == "country" and value:
        return countries.name(value) or value
    if feature == "furthest_stage":
        return _(value)  # the default stages' names are in the catalogue
    return FACTOR_CHOICES.get(feature, {}).get(value, value)


@register.filter
def segment_action(label):
    return SEGMENT_ACTIONS.get(label, "")


@register.filter
def param_value(value):
    """A stored parameter as the form would take it back."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)
