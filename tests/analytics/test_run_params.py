"""Every kind's parameters are typed, bounded and defaulted in one place; a bad one is named with what it accepts."""

import pytest
from django.core.exceptions import ValidationError

from analytics.models import Run
from analytics.params import clean_params, params_for


def _error(kind, values) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        clean_params(kind, values)
    return {name: " ".join(messages) for name, messages in caught.value.message_dict.items()}


@pytest.mark.parametrize("kind", list(Run.Kind))
def test_defaults_are_valid_for_every_kind(kind):
    cleaned = clean_params(kind, {})

    assert set(cleaned) == {param.name for param in params_for(kind)}


def test_text_values_are_parsed_as_their_types():
    cleaned = clean_params(
        "rules", {"min_support": "0.05", "max_len": "3", "exclude": "POST, M,POST", "algorithm": "FPGrowth"}
    )

    assert cleaned["min_support"] == 0.05 and cleaned["max_len"] == 3
    assert cleaned["exclude"] == ["POST", "M"] and cleaned["algorithm"] == "fpgrowth"
    assert clean_params("forecast", {"log": "yes", "order": "1,1,0"})["order"] == [1, 1, 0]
    assert clean_params("forecast", {"log": "yes"})["log"] is True


@pytest.mark.parametrize(
    ("kind", "values", "name", "message"),
    [
        ("rules", {"min_support": "0"}, "min_support", "min_support must be greater than 0; got 0."),
        ("rules", {"min_support": 1.5}, "min_support", "min_support must be at most 1; got 1.5."),
        ("rules", {"min_support": "lots"}, "min_support", "min_support must be a number; got “lots”."),
        ("rules", {"max_len": "1"}, "max_len", "max_len must be at least 2; got 1."),
        ("forecast", {"horizon": 0}, "horizon", "horizon must be at least 1; got 0."),
        ("forecast", {"horizon": "2.5"}, "horizon", "horizon must be a whole number; got “2.5”."),
        ("forecast", {"freq": "Y"}, "freq", "freq must be one of D, W, M; got “Y”."),
        ("forecast", {"order": "1,1"}, "order", "order must be 3 comma-separated whole numbers"),
        ("segments", {"k_min": 6, "k_max": 4}, "k_max", "k_max (4) must not be below k_min (6)."),
        ("segments", {"k": 9}, "k", "k must be at most 8; got 9."),
        ("churn_risk", {"window_days": 3}, "window_days", "window_days must be at least 7; got 3."),
        ("customer_value", {"alpha": 0}, "alpha", "alpha must be greater than 0; got 0."),
        ("win_score", {"test_share": "nan"}, "test_share", "test_share must be a finite number"),
    ],
)
def test_a_bad_value_is_refused_naming_the_parameter(kind, values, name, message):
    errors = _error(kind, values)

    assert list(errors) == [name]
    assert message in errors[name]


def test_an_unknown_parameter_lists_the_known_ones():
    errors = _error("rules", {"minsupport": "0.1"})

    assert "has no parameter “minsupport”" in errors["minsupport"]
    assert "min_support, min_confidence, min_lift, max_len, exclude, algorithm, max_rules" in errors["minsupport"]
