"""Basket rules: the products bought together in sales orders."""

from __future__ import annotations

from django.utils.translation import gettext as _

from analytics import loaders
from analytics.algorithms import (
    AnalyticsInputError,
    mine_rules,
)
from analytics.models import (
    AssociationRule,
    ModelQuality,
    RuleItem,
    Run,
)
from analytics.services.compute.base import Outcome, Work, bulk_insert, finite


def rules(work: Work) -> Outcome:
    params = work.run.params
    work.report(Run.Step.LOADING, 5)
    with work.loading():
        as_of = work.order_as_of()
        baskets = loaders.basket_frame(work.scope)
        excluded = list(loaders.product_ids_for_skus(params["exclude"]).values())
    if baskets.empty:
        raise AnalyticsInputError(_("The orders matching the filters have no lines to learn from."))
    work.report(Run.Step.COMPUTING, 30)
    with work.computing():
        found = mine_rules(
            baskets,
            min_support=params["min_support"],
            min_confidence=params["min_confidence"],
            min_lift=params["min_lift"],
            max_len=params["max_len"],
            algorithm=params["algorithm"],
            exclude=excluded,
        )
        kept = found.rules.head(params["max_rules"])
    work.report(Run.Step.SAVING, 85)
    with work.loading():
        names = loaders.product_names(
            {item for side in ("antecedents", "consequents") for items in kept[side] for item in items}
        )

    def save(run: Run) -> int:
        bulk_insert(
            AssociationRule,
            [
                AssociationRule(
                    run=run,
                    position=position,
                    antecedent_count=len(row.antecedents),
                    consequent_count=len(row.consequents),
                    antecedent_support=float(row.antecedent_support),
                    consequent_support=float(row.consequent_support),
                    support=float(row.support),
                    confidence=float(row.confidence),
                    lift=float(row.lift),
                    leverage=float(row.leverage),
                    conviction=finite(row.conviction),
                )
                for position, row in enumerate(kept.itertuples())
            ],
        )
        ids = dict(AssociationRule.objects.filter(run=run).values_list("position", "pk"))
        items = [
            RuleItem(rule_id=ids[position], product_id=int(product), side=side, position=order)
            for position, row in enumerate(kept.itertuples())
            for side, products in (
                (RuleItem.Side.ANTECEDENT, row.antecedents),
                (RuleItem.Side.CONSEQUENT, row.consequents),
            )
            for order, product in enumerate(sorted(products, key=lambda pk: (names.get(pk, ""), pk)))
        ]
        bulk_insert(RuleItem, items)
        ModelQuality.objects.create(
            run=run,
            baskets=found.baskets,
            items=found.items,
            frequent_itemsets=found.frequent_itemsets,
            rules_found=len(found.rules),
        )
        return len(kept)

    return work.outcome(as_of=as_of, rows_read=len(baskets), subjects=found.baskets, save=save)
