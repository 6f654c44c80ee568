"""The kit's template tags: sort links that keep the filters, filter fields written with Bootstrap's classes."""

import pytest
from django import forms

from crm.kit.templatetags.kit_tags import filter_field, sort_indicator, sort_url, user_label


def test_sort_link_keeps_the_filters_and_flips_the_current_sort():
    assert sort_url("tier", "name", "tier=A&q=acme") == "?tier=A&q=acme&sort=tier"
    assert sort_url("tier", "tier", "") == "?sort=-tier"
    assert sort_url("tier", "-tier", "", "order") == "?order=tier"


@pytest.mark.parametrize(("current", "shown"), [("name", "▲"), ("-name", "▼"), ("tier", "")])
def test_sort_indicator_shows_the_direction_of_the_current_sort(current, shown):
    assert sort_indicator("name", current) == shown


class _Filters(forms.Form):
    stage = forms.ChoiceField(choices=[("", "Any stage"), ("lead", "Lead & co")], required=False)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    active = forms.BooleanField(required=False)


def test_single_choice_filter_is_a_select_with_the_chosen_option_selected():
    html = filter_field(_Filters({"stage": "lead"})["stage"])

    assert html.startswith('<select name="stage" id="id_stage" class="form-select">')
    assert '<option value="lead" selected>Lead &amp; co</option>' in html


def test_other_filters_render_their_widget_with_bootstrap_classes():
    form = _Filters({"since": "not a date"})
    form.is_valid()

    assert 'class="form-control is-invalid"' in filter_field(form["since"])
    assert 'type="date"' in filter_field(form["since"])
    assert 'class="form-check-input"' in filter_field(form["active"])


def test_user_label_is_the_full_name_or_the_username():
    class Person:
        username = "rita"

        def __init__(self, full):
            self.full = full

        def get_full_name(self):
            return self.full

    assert user_label(Person("Rita Rep")) == "Rita Rep"
    assert user_label(Person("")) == "rita"
    assert user_label(None) == "—"
