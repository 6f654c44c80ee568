"""Formatting for sales pages: money, stage and quote badges, the board's cards, and the customer page's
opportunities card (its data comes from a sales selector, so the customers app itself never imports sales).
Formatting tags make no queries."""

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_OUTCOME_CLASS = {"open": "text-bg-primary", "won": "text-bg-success", "lost": "text-bg-secondary"}


@register.filter
def money(amount, currency=""):
    """`12,500.00 EUR`: thousands grouped by commas, two decimals, in both of the site's languages (Django's
    Chinese formats group no digits, and an amount of 1234567.00 is hard to read); empty for None."""
    if amount is None:
        return ""
    return f"{Decimal(amount):,.2f} {currency}".strip()


@register.simple_tag
def stage_badge(stage):
    return format_html(
        '<span class="badge {}">{}</span>', _OUTCOME_CLASS.get(stage.outcome, "text-bg-light"), stage.label
    )


_CARD = (
    '<article class="pipeline-card card mb-2"{} data-card="{}" data-version="{}" data-move-url="{}" data-stage="{}">'
    '<div class="card-body p-2">'
    '<div class="small text-body-secondary text-truncate">{}</div>'
    '<a class="fw-semibold text-decoration-none d-block text-truncate" href="{}">{}</a>'
    '<div class="d-flex justify-content-between small mt-1">'
    '<span class="text-nowrap">{}</span><span class="text-body-secondary text-nowrap">{}</span></div>{}{}'
    "</div></article>"
)
_CARD_OWNER = '<div class="small text-body-secondary text-truncate">{}</div>'
_CARD_MOVE = (
    '<form method="post" action="{}" class="d-flex gap-1 mt-2 pipeline-move">'
    '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
    '<input type="hidden" name="version" value="{}"><input type="hidden" name="board_query" value="{}">'
    '<label class="visually-hidden" for="move-{}">{}</label>'
    '<select class="form-select form-select-sm" name="stage" id="move-{}">{}</select>'
    '<button type="submit" class="btn btn-sm btn-outline-secondary text-nowrap">{}</button></form>'
)


@register.simple_tag(takes_context=True)
def board_card(context, opportunity):
    """One card of the pipeline board: customer, title, amount, close date, owner (`show_people`) and, for users who
    may move it (`can_move`), the form that moves it without JavaScript. Written here rather than by the template
    engine, with what every card shares (labels, the CSRF token, each close date's markup) made once per page: a
    board's 200 cards took the template engine 60 ms. The view gives each card its `page_url`, `move_url` and
    `move_options` (the stages, its own selected)."""
    shared = context.render_context.get("board_card")
    if shared is None:
        from django.utils.translation import gettext

        shared = context.render_context["board_card"] = {
            "move_to": gettext("Move to"),
            "move": gettext("Move"),
            "no_date": gettext("No close date"),
            "token": str(context.get("csrf_token", "")),
            "query": str(context.get("board_query", "")),
            "dates": {},
        }
    close = opportunity.expected_close_date
    if close is None:
        shown = shared["no_date"]
    elif close in shared["dates"]:
        shown = shared["dates"][close]
    else:
        from crm.kit.templatetags.kit_dates import when

        shown = shared["dates"][close] = when(close, "date")
    owner = ""
    if context.get("show_people"):
        from crm.kit.templatetags.kit_tags import user_label

        owner = format_html(_CARD_OWNER, user_label(opportunity.owner))
    move = ""
    if context.get("can_move"):
        move = format_html(
            _CARD_MOVE,
            opportunity.move_url,
            shared["token"],
            opportunity.version,
            shared["query"],
            opportunity.pk,
            shared["move_to"],
            opportunity.pk,
            opportunity.move_options,
            shared["move"],
        )
    return format_html(
        _CARD,
        mark_safe(' draggable="true"') if context.get("can_move") else "",  # noqa: S308 (a constant)
        opportunity.pk,
        opportunity.version,
        opportunity.move_url,
        opportunity.stage_id,
        opportunity.customer.name,
        opportunity.page_url,
        opportunity.title,
        money(opportunity.amount, opportunity.currency),
        shown,
        owner,
        move,
    )


_QUOTE_CLASS = {
    "draft": "text-bg-secondary",
    "sent": "text-bg-primary",
    "accepted": "text-bg-success",
    "declined": "text-bg-light border",
}


@register.simple_tag
def quote_status_badge(quote):
    return format_html(
        '<span class="badge {}">{}</span>', _QUOTE_CLASS.get(quote.status, "text-bg-light"), quote.get_status_display()
    )


@register.simple_tag
def customer_opportunities_summary(customer, user):
    """The customer page's opportunities card: the open ones the user reaches and the counts of open, won and lost,
    or None when the user may not see opportunities (the page shows no card)."""
    from accounts import reach
    from sales.selectors.opportunities import customer_opportunities_summary as summary

    data = summary(customer=customer, user=user)
    if data is not None:
        data["can_add"] = user.has_perm("sales.add_opportunity") and reach.can_reach(customer, user=user, write=True)
    return data
