"""Customer segments: RFM per customer, K-means with k chosen by the silhouette, named in a marketer's terms."""

from __future__ import annotations

from django.utils.translation import gettext as _

from analytics import loaders
from analytics.algorithms import (
    AnalyticsInputError,
    rfm_table,
    segment_customers,
)
from analytics.models import (
    CustomerSegment,
    ModelQuality,
    Run,
    SegmentProfile,
    SilhouetteScore,
)
from analytics.services.compute.base import Outcome, Work, bulk_insert, money

# The algorithm's segment names (analytics.algorithms.segmentation.LABEL_PROTOTYPES) as stored labels.
SEGMENT_LABELS = {
    "Champions": SegmentProfile.Label.CHAMPIONS,
    "Loyal": SegmentProfile.Label.LOYAL,
    "Potential loyalists": SegmentProfile.Label.POTENTIAL_LOYALISTS,
    "New": SegmentProfile.Label.NEW,
    "Need attention": SegmentProfile.Label.NEED_ATTENTION,
    "At risk": SegmentProfile.Label.AT_RISK,
    "Hibernating": SegmentProfile.Label.HIBERNATING,
    "Lost": SegmentProfile.Label.LOST,
}


def segments(work: Work) -> Outcome:
    params = work.run.params
    work.report(Run.Step.LOADING, 5)
    with work.loading():
        as_of = work.order_as_of()
        orders = loaders.transaction_frame(work.scope)
    if orders.empty:
        raise AnalyticsInputError(_("None of the orders matching the filters belongs to a single known customer."))
    work.report(Run.Step.COMPUTING, 35)
    with work.computing():
        rfm = rfm_table(orders[["customer_id", "order_id", "ordered_at", "amount"]], as_of=work.scope.local(as_of))
        result = segment_customers(
            rfm, k=params["k"], k_range=(params["k_min"], params["k_max"]), random_state=params["random_state"]
        )
        members = result.assignments.merge(rfm, on="customer_id", how="left")
        means = members.groupby("segment")[["recency_days", "frequency", "monetary"]].mean()
    work.report(Run.Step.SAVING, 90)

    def save(run: Run) -> int:
        profiles = [
            SegmentProfile(
                run=run,
                position=int(row.segment),
                label=SEGMENT_LABELS[row.label],
                customers=int(row.customers),
                customer_share=float(row.customer_share),
                revenue=money(row.revenue),
                revenue_share=float(row.revenue_share),
                recency_days=float(means.loc[row.segment, "recency_days"]),
                frequency=float(means.loc[row.segment, "frequency"]),
                monetary=money(means.loc[row.segment, "monetary"]),
            )
            for row in result.profile.itertuples()
        ]
        bulk_insert(SegmentProfile, profiles)
        ids = dict(SegmentProfile.objects.filter(run=run).values_list("position", "pk"))
        written = bulk_insert(
            CustomerSegment,
            [
                CustomerSegment(
                    run=run,
                    customer_id=int(row.customer_id),
                    segment_id=ids[int(row.segment)],
                    recency_days=int(row.recency_days),
                    frequency=int(row.frequency),
                    monetary=money(row.monetary),
                )
                for row in members.itertuples()
            ],
        )
        ModelQuality.objects.create(
            run=run,
            k=result.k,
            silhouette=result.silhouette,
            inertia=result.inertia,
            left_out=len(result.excluded),
        )
        bulk_insert(
            SilhouetteScore, [SilhouetteScore(run=run, k=k, silhouette=s) for k, s in result.silhouette_by_k.items()]
        )
        return written

    return work.outcome(as_of=as_of, rows_read=orders["lines"].sum(), subjects=len(rfm), save=save)
