"""mine_rules: association rules with support, confidence, lift, leverage and conviction from exact counts."""

import json
import math
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from analytics.algorithms import AnalyticsInputError, mine_rules


def _baskets(contents: dict[str, list[str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(basket, item) for basket, items in contents.items() for item in items], columns=["basket_id", "item"]
    )


DAIRY = _baskets(
    {
        "B1": ["milk", "bread"],
        "B2": ["milk", "bread", "butter", "bread"],  # bread twice: counted once
        "B3": ["bread", "butter"],
        "B4": ["milk", "POSTAGE"],
        "B5": ["POSTAGE"],  # only an excluded line, still a basket
    }
)


def test_hand_computed_rules_with_every_metric():
    # when: 5 baskets; milk 3, bread 3, butter 2, {milk, bread} 2, {bread, butter} 2
    rules = mine_rules(DAIRY, min_support=0.4, exclude=["POSTAGE"]).rules
    # then
    expected = pd.DataFrame(
        {
            "antecedents": [frozenset({"butter"}), frozenset({"bread"}), frozenset({"bread"}), frozenset({"milk"})],
            "consequents": [frozenset({"bread"}), frozenset({"butter"}), frozenset({"milk"}), frozenset({"bread"})],
            "antecedent_support": [2 / 5, 3 / 5, 3 / 5, 3 / 5],
            "consequent_support": [3 / 5, 2 / 5, 3 / 5, 3 / 5],
            "support": [2 / 5, 2 / 5, 2 / 5, 2 / 5],
            "confidence": [1.0, 2 / 3, 2 / 3, 2 / 3],
            "lift": [5 / 3, 5 / 3, 10 / 9, 10 / 9],
            "leverage": [2 / 5 - 6 / 25, 2 / 5 - 6 / 25, 2 / 5 - 9 / 25, 2 / 5 - 9 / 25],
            "conviction": [math.inf, (1 - 2 / 5) / (1 / 3), (1 - 3 / 5) / (1 / 3), (1 - 3 / 5) / (1 / 3)],
        }
    )
    pd.testing.assert_frame_equal(rules, expected)


def test_excluded_items_never_appear_but_their_baskets_still_count():
    result = mine_rules(DAIRY, min_support=0.2, exclude=["POSTAGE"])
    items = set().union(*result.rules["antecedents"], *result.rules["consequents"])
    assert "POSTAGE" not in items
    assert result.baskets == 5
    milk_bread = result.rules[(result.rules["antecedents"] == {"milk"}) & (result.rules["consequents"] == {"bread"})]
    assert milk_bread["support"].item() == pytest.approx(2 / 5)


def test_thresholds_filter_confidence_and_lift():
    rules = mine_rules(DAIRY, min_support=0.4, min_confidence=0.9, exclude=["POSTAGE"]).rules
    assert [(set(a), set(c)) for a, c in zip(rules["antecedents"], rules["consequents"], strict=True)] == [
        ({"butter"}, {"bread"})
    ]
    assert len(mine_rules(DAIRY, min_support=0.4, min_lift=1.5, exclude=["POSTAGE"]).rules) == 2


def test_support_above_every_pair_gives_no_rules_but_the_right_columns():
    result = mine_rules(DAIRY, min_support=0.9)
    assert result.rules.empty
    assert list(result.rules.columns) == [
        "antecedents",
        "consequents",
        "antecedent_support",
        "consequent_support",
        "support",
        "confidence",
        "lift",
        "leverage",
        "conviction",
    ]


def _random_baskets(seed: int, baskets: int = 400, items: int = 12) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    popularity = rng.uniform(0.05, 0.5, items)
    rows = [(b, f"item{i:02d}") for b in range(baskets) for i in range(items) if rng.random() < popularity[i]]
    # correlated pair and triple so that longer itemsets exist
    rows += [(b, name) for b in range(0, baskets, 3) for name in ("item00", "item01", "item02")]
    return pd.DataFrame(rows, columns=["basket_id", "item"])


def test_support_and_confidence_match_direct_counts_of_the_baskets():
    # given random baskets
    baskets = _random_baskets(seed=11)
    sets = [frozenset(items) for _, items in baskets.groupby("basket_id")["item"]]
    # when
    rules = mine_rules(baskets, min_support=0.05, max_len=3).rules
    # then each rule's figures equal counts taken directly over the baskets
    assert len(rules) > 20 and rules["antecedents"].map(len).add(rules["consequents"].map(len)).max() == 3
    for rule in rules.itertuples():
        both = sum(1 for basket in sets if rule.antecedents | rule.consequents <= basket)
        left = sum(1 for basket in sets if rule.antecedents <= basket)
        right = sum(1 for basket in sets if rule.consequents <= basket)
        assert rule.support == pytest.approx(both / len(sets))
        assert rule.confidence == pytest.approx(both / left)
        assert rule.lift == pytest.approx((both / left) / (right / len(sets)))


def test_every_frequent_itemset_is_found():
    # given the brute-force list of itemsets up to size 3 reaching 5% support
    baskets = _random_baskets(seed=5)
    sets = [frozenset(items) for _, items in baskets.groupby("basket_id")["item"]]
    names = sorted(baskets["item"].unique())
    frequent_pairs_and_triples = {
        frozenset(combo)
        for size in (2, 3)
        for combo in combinations(names, size)
        if sum(1 for basket in sets if set(combo) <= basket) >= 0.05 * len(sets)
    }
    # when
    rules = mine_rules(baskets, min_support=0.05, max_len=3).rules
    # then the rules cover exactly those itemsets
    mined = {
        antecedents | consequents
        for antecedents, consequents in zip(rules["antecedents"], rules["consequents"], strict=True)
    }
    assert mined == frequent_pairs_and_triples


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_apriori_and_fpgrowth_give_identical_rules(seed):
    baskets = _random_baskets(seed)
    apriori = mine_rules(baskets, min_support=0.03, algorithm="apriori")
    fpgrowth = mine_rules(baskets, min_support=0.03, algorithm="fpgrowth")
    assert apriori.frequent_itemsets == fpgrowth.frequent_itemsets
    pd.testing.assert_frame_equal(apriori.rules, fpgrowth.rules)


def test_max_len_limits_itemset_size():
    rules = mine_rules(_random_baskets(4), min_support=0.03, max_len=2).rules
    assert (rules["antecedents"].map(len) + rules["consequents"].map(len)).max() == 2


def test_result_is_json_serialisable_with_infinite_conviction_as_null():
    payload = json.loads(json.dumps(mine_rules(DAIRY, min_support=0.4, exclude=["POSTAGE"]).to_dict(), allow_nan=False))
    assert payload["baskets"] == 5
    assert payload["rules"][0]["antecedents"] == ["butter"] and payload["rules"][0]["conviction"] is None


@pytest.mark.parametrize(
    ("baskets", "kwargs", "message"),
    [
        (DAIRY.iloc[0:0], {}, "empty"),
        (DAIRY.rename(columns={"item": "product"}), {}, "missing column.*'item'"),
        (DAIRY, {"min_support": 0}, r"min_support is a share of baskets in \(0, 1\]"),
        (DAIRY, {"min_support": 5}, r"min_support is a share"),
        (DAIRY, {"algorithm": "eclat"}, "algorithm must be one of apriori, fpgrowth"),
        (DAIRY, {"max_len": 1}, "max_len must be at least 2"),
        (pd.DataFrame({"basket_id": ["B1", "B1"], "item": ["milk", None]}), {}, "'item' is empty in 1 row"),
    ],
)
def test_unusable_input_raises_a_plain_message(baskets, kwargs, message):
    with pytest.raises(AnalyticsInputError, match=message):
        mine_rules(baskets, **{"min_support": 0.4, **kwargs})
