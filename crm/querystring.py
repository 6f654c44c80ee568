"""Values read from the query string, parsed by form fields rather than by hand.

`str.isdigit()` is true for "²" and "¹²", which `int()` refuses, and `int()` refuses strings of more than 4,300
digits: a hand-written check lets such values through to a server error. A form field turns every one of them
into a validation error, and the page falls back to its default.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict


def query_int(
    params: QueryDict,
    name: str,
    *,
    default: int | None = None,
    min_value: int | None = None,
    max_value: int | None = None,
) -> int | None:
    """`params[name]` as a whole number within the bounds given, or `default` when it is missing or is not one."""
    field = forms.IntegerField(required=False, min_value=min_value, max_value=max_value)
    try:
        value = field.clean(params.get(name))
    except ValidationError:
        return default
    return default if value is None else value
