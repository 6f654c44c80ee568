"""recommend: items to suggest from the rules whose antecedents someone already owns."""

import pandas as pd
import pytest

from analytics.algorithms import AnalyticsInputError, mine_rules, recommend

BASKETS = pd.DataFrame(
    [
        ("B1", "milk"),
        ("B1", "bread"),
        ("B2", "milk"),
        ("B2", "bread"),
        ("B2", "butter"),
        ("B3", "bread"),
        ("B3", "butter"),
        ("B4", "milk"),
        ("B5", "jam"),
        ("B5", "bread"),
        ("B5", "butter"),
    ],
    columns=["basket_id", "item"],
)
RULES = mine_rules(BASKETS, min_support=0.2)


def test_owner_of_butter_is_offered_bread_with_the_rule_that_justifies_it():
    suggestions = recommend(RULES, {"butter"})
    first = suggestions.iloc[0]
    assert first["item"] == "bread"
    assert first["antecedents"] == frozenset({"butter"}) and first["consequents"] == frozenset({"bread"})
    assert first["confidence"] == pytest.approx(1.0)  # every basket with butter has bread


def test_suggestions_exclude_owned_items_and_come_most_likely_first():
    suggestions = recommend(RULES, {"bread"})
    assert "bread" not in set(suggestions["item"])
    assert suggestions["confidence"].is_monotonic_decreasing
    assert suggestions["item"].is_unique


def test_top_limits_the_number_of_suggestions():
    assert len(recommend(RULES, {"bread"}, top=1)) == 1


def test_rules_need_every_antecedent_owned():
    # {milk, butter} → bread exists, but someone with only milk must not get a suggestion from it
    suggestions = recommend(RULES.rules, {"milk"})
    assert all(antecedents <= {"milk"} for antecedents in suggestions["antecedents"])


def test_owning_everything_or_nothing_known_gives_no_suggestions():
    assert recommend(RULES, {"milk", "bread", "butter", "jam"}).empty
    assert recommend(RULES, {"caviar"}).empty
    assert recommend(RULES, set()).empty


def test_bad_rules_or_top_are_rejected():
    with pytest.raises(AnalyticsInputError, match="missing column"):
        recommend(pd.DataFrame({"antecedents": []}), {"milk"})
    with pytest.raises(AnalyticsInputError, match="top must be at least 1"):
        recommend(RULES, {"milk"}, top=0)
