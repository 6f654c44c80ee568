"""Reads for quote pages, the printable quote, the export and the opportunity page's quotes. Every quote read goes
through `quote_scope`: a quote is reached as its opportunity is (its owner, their managers, administrators), so a
quote outside the user's reach answers 404 wherever it is asked for.

Totals are computed by the database, never by adding lines up in Python: the subtotal (quantity × unit price),
the net (after each line's discount, rounded to cents), the discount (subtotal − net), the tax (the net × the
quote's rate, rounded to cents) and the total (net + tax)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round

from accounts import reach
from sales.models import Order, Product, Quote, QuoteLine
from sales.selectors.orders import MONEY_FIELD, line_net

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sales.models import Opportunity

CENTS_FIELD = DecimalField(max_digits=18, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY_FIELD)
TOTAL_NAMES = ("subtotal", "discount_total", "net_total", "tax_total", "total")


def line_gross(prefix: str = "") -> ExpressionWrapper:
    """quantity × unit price of a line, before its discount, as a database expression."""
    return ExpressionWrapper(F(f"{prefix}quantity") * F(f"{prefix}unit_price"), output_field=MONEY_FIELD)


def _cents(expression) -> Round:
    return Round(expression, 2, output_field=CENTS_FIELD)


def totals_expressions(*, gross, net, rate) -> dict:
    """The five totals from the lines' summed gross and net amounts and a tax rate (database expressions)."""
    net_total = _cents(net)
    tax_total = _cents(ExpressionWrapper(net_total * rate / Value(100), output_field=MONEY_FIELD))
    return {
        "subtotal": _cents(gross),
        "discount_total": _cents(ExpressionWrapper(gross - net_total, output_field=MONEY_FIELD)),
        "net_total": net_total,
        "tax_total": tax_total,
        "total": ExpressionWrapper(net_total + tax_total, output_field=CENTS_FIELD),
    }


def _line_sum(expression) -> Coalesce:
    rows = QuoteLine.objects.filter(quote=OuterRef("pk")).order_by().values("quote").annotate(v=expression)
    return Coalesce(Subquery(rows.values("v"), output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def with_totals(queryset: QuerySet[Quote]) -> QuerySet[Quote]:
    """`queryset` with each quote's totals (see the module) and `line_count` computed by the database."""
    count = QuoteLine.objects.filter(quote=OuterRef("pk")).order_by().values("quote").annotate(n=Count("id"))
    return queryset.annotate(
        line_count=Coalesce(Subquery(count.values("n")), Value(0)),
        **totals_expressions(
            gross=_line_sum(Sum(line_gross())), net=_line_sum(Sum(line_net())), rate=F("tax_rate_percent")
        ),
    )


def attach_totals(quotes: list[Quote]) -> list[Quote]:
    """Set the totals and `line_count` on already loaded quotes (a page of the list) from one query computing them
    for those quotes only; quotes already annotated keep theirs."""
    missing = [quote.pk for quote in quotes if not hasattr(quote, "total")]
    if missing:
        rows = {
            row["pk"]: row
            for row in with_totals(Quote.all_objects.filter(pk__in=missing)).values("pk", "line_count", *TOTAL_NAMES)
        }
        for quote in quotes:
            for name, value in rows.get(quote.pk, {}).items():
                if name != "pk":
                    setattr(quote, name, value)
    return quotes


def quote_scope(*, user: AbstractBaseUser, write: bool = False) -> QuerySet[Quote]:
    """The quotes `user` may read (or change, with write=True): those of the opportunities they reach."""
    return reach.scope(Quote, user=user, write=write)


def quote_list_for(*, user: AbstractBaseUser) -> QuerySet[Quote]:
    """The user's quotes for the list and its export, opportunity and customer joined by key, owner prefetched.
    Totals are not annotated here (a correlated SUM per row before the sort, see order_list_for): the list adds
    them for its page's rows (`attach_totals`) and only a sort by total annotates them all."""
    return quote_scope(user=user).select_related("opportunity__customer").prefetch_related("opportunity__owner")


def quote_get_for(*, user: AbstractBaseUser, pk: int, write: bool = False) -> Quote:
    """One quote within reach with its opportunity, customer, contact, owner and stage, totals annotated; Http404
    otherwise."""
    queryset = quote_scope(user=user, write=write).select_related(
        "opportunity__customer", "opportunity__owner", "opportunity__contact", "opportunity__stage"
    )
    return reach.get_for(with_totals(queryset), user=user, write=write, pk=pk)


def quote_lines(*, quote: Quote) -> QuerySet[QuoteLine]:
    """The quote's lines with their product, each line's `gross` and `net` amount computed by the database."""
    return quote.lines.select_related("product").annotate(gross=line_gross(), net=line_net()).order_by("id")


def quotes_for_opportunity(*, opportunity: Opportunity, user: AbstractBaseUser) -> list[Quote]:
    """The opportunity's quotes the user reaches, newest first, with their totals (one query)."""
    rows = quote_scope(user=user).filter(opportunity=opportunity).order_by("-created_at", "-id")
    return list(with_totals(rows))


def accepted_quote(*, opportunity: Opportunity) -> Quote | None:
    """The opportunity's accepted quote (there is at most one), or None."""
    return Quote.objects.filter(opportunity=opportunity, status=Quote.Status.ACCEPTED).order_by("-id").first()


def quote_orders(*, quote: Quote, user: AbstractBaseUser) -> list[Order]:
    """The orders made from the quote that the user reaches."""
    return list(reach.scope(Order, user=user).filter(quote=quote).order_by("-ordered_at", "-id"))


def quote_search_condition(text: str) -> Q:
    """Quotes whose number starts with, or whose customer's name starts with, the text typed."""
    text = text.strip()
    return Q(number__istartswith=text) | Q(opportunity__customer__name__istartswith=text)


def line_products(*, currency: str) -> QuerySet[Product]:
    """What a new line may choose: the active products priced in the opportunity's or quote's currency."""
    return Product.objects.filter(active=True, currency=currency).order_by("name", "id")
