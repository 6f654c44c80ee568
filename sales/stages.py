"""The pipeline's stages on a new installation; an administrator changes them in the admin afterwards. Their
English names are in the catalogue, so a default stage reads in the reader's language (Stage.label)."""

from django.utils.translation import gettext_noop

DEFAULT_STAGES = [
    # code, name, position, default probability, outcome
    ("prospecting", gettext_noop("Prospecting"), 10, 10, "open"),
    ("qualification", gettext_noop("Qualification"), 20, 20, "open"),
    ("proposal", gettext_noop("Proposal"), 30, 50, "open"),
    ("negotiation", gettext_noop("Negotiation"), 40, 75, "open"),
    ("won", gettext_noop("Won"), 90, 100, "won"),
    ("lost", gettext_noop("Lost"), 100, 0, "lost"),
]
