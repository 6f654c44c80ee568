"""Names of the scoring models' features and the segments' suggested actions, in the reader's language."""

from django.utils.translation import gettext_lazy as _

from analytics.models import SegmentProfile

FEATURE_LABELS = {
    "recency_days": _("Days since the last order"),
    "frequency": _("Orders"),
    "monetary": _("Net spend"),
    "tenure_days": _("Days since the first order"),
    "average_order": _("Average order"),
    "recent_orders": _("Orders in the last window"),
    "recent_revenue": _("Spend in the last window"),
    "returns": _("Returns"),
    "country": _("Country"),
    "tier": _("Tier"),
    "industry": _("Industry"),
    "amount": _("Amount"),
    "open_moves": _("Stage moves"),
    "furthest_stage": _("Furthest stage reached"),
    "days_in_pipeline": _("Days in the pipeline"),
    "interactions": _("Interactions with the customer"),
    "source": _("Source"),
}

# What a marketer does with each segment.
SEGMENT_ACTIONS = {
    SegmentProfile.Label.CHAMPIONS: _("Reward them, ask for reviews and referrals, offer new products first."),
    SegmentProfile.Label.LOYAL: _("Offer loyalty programmes and larger packs; ask for referrals."),
    SegmentProfile.Label.POTENTIAL_LOYALISTS: _("Recommend related products and offer membership."),
    SegmentProfile.Label.NEW: _("Welcome them and help them to a second order soon."),
    SegmentProfile.Label.NEED_ATTENTION: _("Send a limited-time offer based on what they bought."),
    SegmentProfile.Label.AT_RISK: _("Win them back with personal contact and a good reason to return."),
    SegmentProfile.Label.HIBERNATING: _("Remind them with popular products and a modest discount."),
    SegmentProfile.Label.LOST: _("Try one reactivation campaign; otherwise spend the budget elsewhere."),
}
