"""Association rules over shopping baskets (Apriori or FP-growth) and the recommendations they justify."""

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from ._frames import jsonable, require_columns, require_no_missing, require_rows
from ._itemsets import COUNTERS, Itemsets, minimum_count
from .errors import AnalyticsInputError

BASKET_COLUMNS = ("basket_id", "item")
RULE_COLUMNS = (
    "antecedents",
    "consequents",
    "antecedent_support",
    "consequent_support",
    "support",
    "confidence",
    "lift",
    "leverage",
    "conviction",
)
# Both algorithms produce identical itemsets (tested); the bitset Apriori measured faster on Online Retail
# (see bench/analytics.py), so it is the default.
DEFAULT_ALGORITHM = "apriori"


@dataclass(frozen=True)
class RuleSet:
    """Association rules mined from baskets, with the counts they were mined from."""

    rules: pd.DataFrame  # RULE_COLUMNS, sorted by lift then confidence (descending)
    baskets: int
    items: int
    frequent_itemsets: int
    min_support: float
    algorithm: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form (itemsets become sorted lists; infinite conviction becomes null)."""
        return jsonable(
            {
                "baskets": self.baskets,
                "items": self.items,
                "frequent_itemsets": self.frequent_itemsets,
                "min_support": self.min_support,
                "algorithm": self.algorithm,
                "rules": self.rules,
            }
        )


def mine_rules(
    baskets: pd.DataFrame,
    *,
    min_support: float,
    min_confidence: float = 0.0,
    min_lift: float = 0.0,
    max_len: int | None = None,
    algorithm: str = DEFAULT_ALGORITHM,
    exclude: Iterable[Any] = (),
) -> RuleSet:
    """In: basket_id, item (long form, duplicates allowed). Out: RuleSet whose rules have RULE_COLUMNS. Excluded items still count their baskets. Raises AnalyticsInputError."""
    require_columns(baskets, BASKET_COLUMNS, what="baskets")
    require_rows(baskets, what="baskets")
    require_no_missing(baskets["basket_id"], what="baskets column 'basket_id'")
    require_no_missing(baskets["item"], what="baskets column 'item'")
    if algorithm not in COUNTERS:
        raise AnalyticsInputError(f"algorithm must be one of {', '.join(sorted(COUNTERS))}; got {algorithm!r}.")
    if not 0 < min_support <= 1:
        raise AnalyticsInputError(f"min_support is a share of baskets in (0, 1]; got {min_support}.")
    if not 0 <= min_confidence <= 1 or min_lift < 0:
        raise AnalyticsInputError(
            f"min_confidence must be in [0, 1] and min_lift ≥ 0; got {min_confidence}, {min_lift}."
        )
    if max_len is not None and max_len < 2:
        raise AnalyticsInputError(f"max_len must be at least 2 (a rule has two sides); got {max_len}.")

    basket_codes, basket_ids = pd.factorize(baskets["basket_id"], sort=True)
    total = len(basket_ids)  # baskets holding only excluded items still count in every support
    kept = ~baskets["item"].isin(list(exclude)).to_numpy()
    item_codes, items = pd.factorize(baskets["item"][kept], sort=True)
    pairs = np.unique(np.column_stack([basket_codes[kept], item_codes]).astype(np.int64), axis=0)
    min_count = minimum_count(min_support, total)
    counts = COUNTERS[algorithm](pairs[:, 0], pairs[:, 1], baskets=total, min_count=min_count, max_len=max_len)

    rules = _rules_from(counts, items=np.asarray(items, dtype=object), baskets=total)
    if len(rules):
        rules = rules[(rules["confidence"] >= min_confidence - 1e-12) & (rules["lift"] >= min_lift - 1e-12)]
    return RuleSet(
        rules=rules.reset_index(drop=True),
        baskets=total,
        items=len(items),
        frequent_itemsets=len(counts),
        min_support=float(min_support),
        algorithm=algorithm,
    )


def recommend(rules: RuleSet | pd.DataFrame, owned_items: Iterable[Any], *, top: int = 5) -> pd.DataFrame:
    """In: rules (RULE_COLUMNS) and the items someone owns. Out: item, confidence, lift, support, antecedents, consequents: one rule A → {item} per suggestion, A owned, item not, by confidence then lift."""
    table = rules.rules if isinstance(rules, RuleSet) else rules
    require_columns(table, RULE_COLUMNS, what="rules")
    if top < 1:
        raise AnalyticsInputError(f"top must be at least 1; got {top}.")
    owned = frozenset(owned_items)
    columns = ["item", "confidence", "lift", "support", "antecedents", "consequents"]
    if not owned or not len(table):
        return pd.DataFrame(columns=columns)
    # Single-item consequents only: a rule A → {x, y} states the chance of buying both, not of buying x.
    single_new = table["consequents"].map(lambda items: len(items) == 1 and owned.isdisjoint(items))
    applies = table["antecedents"].map(owned.issuperset) & single_new
    useful = table[applies].assign(item=lambda frame: frame["consequents"].map(lambda items: next(iter(items))))
    useful = useful.sort_values(["confidence", "lift", "support"], ascending=False, kind="stable")
    best = useful.drop_duplicates(subset="item", keep="first").head(top)
    return best[columns].reset_index(drop=True)


def _rules_from(counts: Itemsets, *, items: np.ndarray, baskets: int) -> pd.DataFrame:
    """Every rule A → I∖A from each frequent itemset I, with metrics computed from exact basket counts."""
    antecedents, consequents, a_counts, c_counts, i_counts = [], [], [], [], []
    for itemset, count in counts.items():
        if len(itemset) < 2:
            continue
        for size in range(1, len(itemset)):
            for left in combinations(itemset, size):
                right = tuple(item for item in itemset if item not in left)
                antecedents.append(left)
                consequents.append(right)
                a_counts.append(counts[left])
                c_counts.append(counts[right])
                i_counts.append(count)
    if not antecedents:
        return pd.DataFrame(
            {column: pd.Series(dtype=object if column.endswith("dents") else float) for column in RULE_COLUMNS}
        )
    a_support = np.array(a_counts) / baskets
    c_support = np.array(c_counts) / baskets
    support = np.array(i_counts) / baskets
    confidence = np.array(i_counts) / np.array(a_counts)
    with np.errstate(divide="ignore"):
        conviction = np.where(confidence < 1, (1 - c_support) / np.maximum(1 - confidence, 1e-300), np.inf)
    rules = pd.DataFrame(
        {
            "antecedents": [frozenset(items[list(left)]) for left in antecedents],
            "consequents": [frozenset(items[list(right)]) for right in consequents],
            "antecedent_support": a_support,
            "consequent_support": c_support,
            "support": support,
            "confidence": confidence,
            "lift": confidence / c_support,
            "leverage": support - a_support * c_support,
            "conviction": conviction,
        }
    )
    # Sort keys after lift and confidence make the order total, so both algorithms list rules identically.
    rules["_a"] = rules["antecedents"].map(lambda itemset: sorted(map(str, itemset)))
    rules["_c"] = rules["consequents"].map(lambda itemset: sorted(map(str, itemset)))
    rules["_a"], rules["_c"] = rules["_a"].map("\x1f".join), rules["_c"].map("\x1f".join)
    rules = rules.sort_values(
        ["lift", "confidence", "support", "_a", "_c"], ascending=[False, False, False, True, True], kind="stable"
    )
    return rules.drop(columns=["_a", "_c"])
