"""The quote pages' messages are in the Simplified Chinese catalogue, with the placeholders of their English."""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

pytestmark = pytest.mark.django_db  # the sales tests share a migrated database (tests/sales/conftest.py)

PLACEHOLDER = re.compile(r"%\((\w+)\)s")

MESSAGES = [
    (None, "Quotes"),
    (None, "Mark sent"),
    (None, "Customer accepted"),
    (None, "Only a draft quote can be changed; this one is %(status)s."),
    (None, "Order %(number)s was created from quote %(quote)s."),
    ("quote", "Lines"),
]


@pytest.mark.parametrize(("context", "message"), MESSAGES)
def test_each_quote_message_is_translated_with_its_placeholders(context, message):
    with translation.override("zh-hans"):
        chinese = pgettext(context, message) if context else gettext(message)

    assert chinese != message
    assert set(PLACEHOLDER.findall(chinese)) == set(PLACEHOLDER.findall(message))
