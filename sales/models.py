"""Sales records: the product catalogue, opportunities moving through administrator-set stages (every move kept)
with their line items, quotes made from them, orders with their lines, the salespeople's tasks and their monthly
quotas. Opportunities, quotes, orders and tasks are owned records (crm.db.OwnedRecord): versioned, recycled on
delete, with field history, and reached through accounts.reach in the "sales" domain. Web-to-lead forms are the
administrators' configuration of the public forms leads come in through."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from crm.db import OwnedRecord, TimeStampedModel, VersionedModel
from customers.models import Contact, Customer

MONEY = {"max_digits": 14, "decimal_places": 2}


def default_currency() -> str:
    return settings.CRM_DEFAULT_CURRENCY


class Product(TimeStampedModel, VersionedModel):
    """One item of the catalogue. Not owned: every salesperson sells from the same catalogue; managers and
    administrators change it. Price changes are kept in its history."""

    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    category = models.CharField(_("category"), max_length=100, blank=True)
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    stock_on_hand = models.IntegerField(_("stock on hand"), default=0)
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        indexes = [
            models.Index(fields=["active", "name", "id"], name="sales_product_active_name"),
            models.Index(fields=["category", "name", "id"], name="sales_product_category_name"),
            models.Index(fields=["name", "id"], name="sales_product_name"),
        ]
        constraints = [
            # Stock is taken only when it is there (sales.services confirms orders under a row lock).
            models.CheckConstraint(condition=Q(stock_on_hand__gte=0), name="sales_product_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales:product-detail", kwargs={"pk": self.pk})


class Stage(models.Model):
    """A step of the pipeline, set by an administrator: its order on the board, default probability and whether it
    is open, won or lost."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("default probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    outcome = models.CharField(_("outcome"), max_length=4, choices=Outcome.choices, default=Outcome.OPEN)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the default stages' names are in the catalogue (sales/stages.py)."""
        from django.utils.translation import gettext

        return gettext(self.name)

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN


class Opportunity(OwnedRecord):
    owner_path = "owner"
    reach_domain = "sales"

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("customer")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="opportunities",
        verbose_name=_("contact"),
    )
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(
        _("amount"), default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))], **MONEY
    )
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage"))
    probability = models.PositiveSmallIntegerField(_("probability (%)"), default=0, validators=[MaxValueValidator(100)])
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("owner")
    )
    source = models.CharField(_("source"), max_length=20, choices=Customer.Source.choices, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=200, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    # When the opportunity entered its current stage, and when it was won or lost (None while open).
    stage_entered_at = models.DateTimeField(_("in this stage since"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "deletion", "stage_entered_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        permissions = [
            ("access_all_sales", _("Can reach every opportunity and order")),
            ("access_team_sales", _("Can reach the opportunities and orders of the teams they manage")),
        ]
        indexes = [
            # The owner last, so a manager's list of one stage is read from this index alone in close order (the
            # same index without it sent MariaDB walking every closed opportunity's close date instead: 0.4 s).
            models.Index(
                fields=["deletion", "stage", "expected_close_date", "id", "owner"], name="sales_opp_stage_close_owner"
            ),
            models.Index(
                fields=["owner", "deletion", "stage", "expected_close_date", "id"], name="sales_opp_owner_stage"
            ),
            models.Index(fields=["deletion", "expected_close_date", "id"], name="sales_opp_close"),
            models.Index(fields=["owner", "deletion", "expected_close_date", "id"], name="sales_opp_owner_close"),
            models.Index(fields=["customer", "deletion"], name="sales_opp_customer"),
            # The source filter in close order, the owner last for reps' and managers' lists (read from it alone).
            models.Index(
                fields=["deletion", "source", "expected_close_date", "id", "owner"], name="sales_opp_source_close"
            ),
            # The list's other sorts, for everyone and for one owner (a manager's list, whose page keys are read
            # first, walks everyone's and checks the owner); by created date everyone's come from created_at's
            # index. With the customer and owner after the title, a search (a word of the title, or a customer that
            # customer search finds) is checked and counted from the index alone: 0.8 s → 0.09 s for a manager.
            models.Index(fields=["deletion", "title", "id", "customer", "owner"], name="sales_opp_title"),
            models.Index(fields=["owner", "deletion", "title", "id", "customer"], name="sales_opp_owner_title"),
            models.Index(fields=["deletion", "amount", "id"], name="sales_opp_amount"),
            models.Index(fields=["owner", "deletion", "amount", "id"], name="sales_opp_owner_amount"),
            models.Index(fields=["owner", "deletion", "created_at", "id"], name="sales_opp_owner_created"),
            # The board's totals (count, sum and weighted sum per stage and currency) read from this index alone.
            models.Index(
                fields=["deletion", "stage", "owner", "currency", "amount", "probability"],
                name="sales_opp_board_totals",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales:opportunity-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.stage_id and self.stage.outcome == Stage.Outcome.LOST and not self.lost_reason.strip():
            from django.core.exceptions import ValidationError

            raise ValidationError({"lost_reason": _("Say why the opportunity was lost.")}, code="lost_reason")

    @property
    def weighted_amount(self) -> Decimal:
        return (self.amount * self.probability / Decimal(100)).quantize(Decimal("0.01"))


class StageChange(models.Model):
    """One move of an opportunity between stages: from, to, when, by whom, and the days it spent in the stage it
    left. Written by sales.services on every stage change; analytics learn from these rows."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("opportunity")
    )
    from_stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("from")
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", verbose_name=_("to"))
    changed_at = models.DateTimeField(_("when"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    days_in_previous = models.DecimalField(
        _("days in the previous stage"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        indexes = [models.Index(fields=["opportunity", "changed_at"], name="sales_stagechange_opp")]

    def __str__(self) -> str:
        return f"{self.from_stage_id or '—'} → {self.to_stage_id}"

    @property
    def event(self) -> str:
        """What the move meant: "opened", "won", "lost", or "moved" between open stages."""
        if self.from_stage_id is None:
            return "opened"
        return "moved" if self.to_stage.outcome == Stage.Outcome.OPEN else self.to_stage.outcome


class Order(OwnedRecord):
    """A sales order, or a return (negative quantities, `original` pointing at the order returned from). Reached
    through its customer's owner."""

    owner_path = "customer__owner"
    reach_domain = "sales"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CONFIRMED = "confirmed", _("Confirmed")
        SHIPPED = "shipped", _("Shipped")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    class Kind(models.TextChoices):
        ORDER = "order", _("Order")
        RETURN = "return", _("Return")

    number = models.CharField(_("number"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.ORDER)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer"))
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("opportunity"),
    )
    quote = models.ForeignKey(
        "Quote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("quote"),
        help_text=_("The accepted quote this order was made from when its opportunity was won."),
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="returns",
        verbose_name=_("returned from"),
    )
    ordered_at = models.DateTimeField(_("date"), default=timezone.now)
    ship_to_country = CountryField(_("ship-to country"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    notes = models.TextField(_("notes"), blank=True)
    # Whether confirming took the lines' stock (or, for a return, put it back), so cancelling undoes exactly
    # that: imported invoices never moved stock.
    stock_moved = models.BooleanField(_("stock moved"), default=False, editable=False)
    # The sum of the lines' net amounts (negative on a return) and how many lines there are, written with the lines
    # (sales.services.orders.order_totals_refresh) so the list shows and sorts by them from an index: added up per
    # row, a sort by total read all five million lines of the benchmark's orders. Derived, so not in the history.
    total = models.DecimalField(_("total"), max_digits=18, decimal_places=4, default=Decimal("0"), editable=False)
    line_count = models.PositiveIntegerField(_("lines"), default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "deletion", "total", "line_count"])

    class Meta:
        ordering = ["-ordered_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["deletion", "ordered_at", "id"], name="sales_order_date"),
            models.Index(fields=["customer", "deletion", "ordered_at"], name="sales_order_customer_date"),
            models.Index(fields=["deletion", "status", "ordered_at", "id"], name="sales_order_status_date"),
            # The list's kind and country filters, newest first: a rep's or manager's orders are read by walking
            # these and checking each order's customer (sales.selectors.orders.order_list_for).
            models.Index(fields=["deletion", "kind", "ordered_at", "id"], name="sales_order_kind_date"),
            models.Index(fields=["deletion", "ship_to_country", "ordered_at", "id"], name="sales_order_country_date"),
            models.Index(fields=["deletion", "total", "id"], name="sales_order_total"),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales:order-detail", kwargs={"pk": self.pk})

    @property
    def is_return(self) -> bool:
        return self.kind == self.Kind.RETURN


class OrderLine(models.Model):
    """A product on an order: quantity (negative on returns), the unit price copied when the line was written,
    and a discount in percent. Totals are computed in the database (sales.selectors)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("product")
    )
    quantity = models.IntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        indexes = [models.Index(fields=["product", "order"], name="sales_orderline_product")]
        constraints = [models.CheckConstraint(condition=~Q(quantity=0), name="sales_orderline_quantity_not_zero")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class OrderNumberSequence(models.Model):
    """The last number given out in one numbering series ("SO" for orders, "RT" for returns). sales.services
    allocates the next one under a row lock, so two orders created at the same moment never share a number."""

    prefix = models.CharField(_("prefix"), max_length=8, unique=True)
    last_value = models.PositiveBigIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("order number sequence")
        verbose_name_plural = _("order number sequences")

    def __str__(self) -> str:
        return f"{self.prefix}-{self.last_value:06d}"


class ImportedCustomer(models.Model):
    """Which customer a key of an outside system (a shop's CustomerID) was imported as, so a second import of the
    same file finds it again instead of creating it twice."""

    source = models.CharField(_("source"), max_length=40)
    external_id = models.CharField(_("key in the source"), max_length=64)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"))

    class Meta:
        verbose_name = _("imported customer")
        verbose_name_plural = _("imported customers")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="sales_importedcustomer_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class ImportedUser(models.Model):
    """Which user a person named in an outside file (a sales agent or manager) was imported as, so a second import
    finds them again, whatever their username became."""

    source = models.CharField(_("source"), max_length=40)
    external_id = models.CharField(_("key in the source"), max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )

    class Meta:
        verbose_name = _("imported user")
        verbose_name_plural = _("imported users")
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="sales_importeduser_key")]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class ImportedOpportunity(models.Model):
    """Which opportunity a deal of an outside file (its opportunity id) was imported as: a second import of the
    same file updates it instead of creating it twice."""

    source = models.CharField(_("source"), max_length=40)
    external_id = models.CharField(_("key in the source"), max_length=64)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="+", verbose_name=_("opportunity")
    )

    class Meta:
        verbose_name = _("imported opportunity")
        verbose_name_plural = _("imported opportunities")
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="sales_importedopportunity_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


# Web-to-lead forms -------------------------------------------------------------------------------------------------


def new_public_key() -> str:
    """An unguessable key for a form's public address: 32 URL-safe characters, 192 random bits."""
    return secrets.token_urlsafe(24)


# An origin a form may be embedded on: scheme, host (a leading "*." for every subdomain) and port, nothing else;
# origins go into the Content-Security-Policy header, so nothing but these characters may reach it.
ORIGIN_PATTERN = re.compile(
    r"^https?://(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$"
)
MAX_ORIGINS = 20


def parse_origins(text: str) -> list[str]:
    """The origins written one per line (or separated by spaces or commas), lower-cased, without a trailing "/",
    each once. Does not check them: see validate_origins."""
    origins = []
    for part in re.split(r"[\s,]+", text or ""):
        origin = part.strip().lower().rstrip("/")
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def validate_origins(text: str) -> None:
    origins = parse_origins(text)
    wrong = [origin for origin in origins if not ORIGIN_PATTERN.match(origin)]
    if wrong:
        raise ValidationError(
            _(
                "Not an origin: %(wrong)s. Write each as scheme and host, with a port if needed and nothing after "
                "it, such as https://www.example.com (a host with accents in its punycode form)."
            ),
            code="origin",
            params={"wrong": ", ".join(wrong[:3])},
        )
    if len(origins) > MAX_ORIGINS:
        raise ValidationError(_("At most %(max)s origins."), code="too_many_origins", params={"max": MAX_ORIGINS})


class LeadForm(TimeStampedModel):
    """A public web-to-lead form, set up by an administrator: anyone with its address may send it (no sign-in),
    and each submission becomes a lead of the form's team, given to its active reps in turn
    (sales.services.leads). It may be embedded in the pages of the origins it lists."""

    name = models.CharField(_("name"), max_length=100, help_text=_("For the CRM's users; visitors do not see it."))
    public_key = models.SlugField(
        _("public key"),
        max_length=64,
        unique=True,
        default=new_public_key,
        editable=False,
        help_text=_("The unguessable part of the form's address. Regenerating it retires the old address."),
    )
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="lead_forms",
        verbose_name=_("team"),
        help_text=_("Its active sales reps receive the new leads in turn; its manager when it has none."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("An inactive form's address answers 404."))
    thank_you_message = models.TextField(
        _("thank-you message"),
        blank=True,
        max_length=1000,
        help_text=_("Shown after a submission. Empty: a standard thank-you in the visitor's language."),
    )
    allowed_origins = models.TextField(
        _("allowed embedding origins"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "Sites whose pages may show this form in a frame, one per line, such as https://www.example.com. "
            "Empty: the form can only be opened on its own."
        ),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Customer.Source.choices, default=Customer.Source.WEBSITE
    )
    default_tags = models.ManyToManyField(
        "customers.Tag", related_name="+", blank=True, verbose_name=_("tags for new leads")
    )
    # The round robin's place: the rep given the last new lead (sales.services.leads, under a row lock).
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("last assigned to"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "last_assigned"])

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("web-to-lead form")
        verbose_name_plural = _("web-to-lead forms")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("leads:form", kwargs={"key": self.public_key})

    @property
    def origins(self) -> list[str]:
        return parse_origins(self.allowed_origins)


class LineTerms(models.Model):
    """The terms every priced line of an opportunity or a quote holds: a quantity of at least one, the unit price
    copied when the line was written, and a discount in percent (checked again by sales.services.lines)."""

    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        abstract = True


class OpportunityLine(LineTerms):
    """A product on an opportunity: quantity, the unit price copied from the product when the line was added (a
    later change of the product's price leaves it as it was) and a discount in percent. While an opportunity has
    lines, its amount is their total, computed by the database and stored by sales.services.opportunities."""

    # Reached as its opportunity is (accounts.reach), so a line in a URL answers 404 outside that reach.
    owner_path = "opportunity__owner"
    reach_domain = "sales"

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="lines", verbose_name=_("opportunity")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="opportunity_lines", verbose_name=_("product")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        indexes = [models.Index(fields=["product", "opportunity"], name="sales_opportunityline_product")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="sales_opportunityline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="sales_opportunityline_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class Quote(OwnedRecord):
    """A numbered offer made from an opportunity: its lines (copied from the opportunity's when it was made), a
    tax rate, a validity date and a status. Only a draft changes; accepting one declines the opportunity's other
    sent quotes (sales.services.quotes). The customer and the owner are the opportunity's, and a quote is reached
    as its opportunity is."""

    owner_path = "opportunity__owner"
    reach_domain = "sales"

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    number = models.CharField(_("number"), max_length=32, unique=True)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("opportunity")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    valid_until = models.DateField(_("valid until"))
    tax_rate_percent = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    notes = models.TextField(_("terms and notes"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("accepted or declined"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "deletion"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [
            models.Index(fields=["deletion", "created_at", "id"], name="sales_quote_created"),
            models.Index(fields=["deletion", "status", "created_at", "id"], name="sales_quote_status_created"),
            models.Index(fields=["opportunity", "deletion", "status"], name="sales_quote_opportunity"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tax_rate_percent__gte=0, tax_rate_percent__lte=100), name="sales_quote_tax_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales:quote-detail", kwargs={"pk": self.pk})

    @property
    def customer(self) -> Customer:
        return self.opportunity.customer

    @property
    def owner(self):
        return self.opportunity.owner

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_expired(self) -> bool:
        """Still open to the customer (draft or sent) but past its valid-until date in the user's time zone."""
        return self.status in (self.Status.DRAFT, self.Status.SENT) and self.valid_until < timezone.localdate()


class QuoteLine(LineTerms):
    """A product on a quote: quantity, the unit price copied when the line was written (from the opportunity's
    line, or from the catalogue for a line added to the quote) and a discount in percent. Totals are computed by
    the database (sales.selectors.quotes)."""

    owner_path = "quote__opportunity__owner"
    reach_domain = "sales"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines", verbose_name=_("quote"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="quote_lines", verbose_name=_("product")
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        indexes = [models.Index(fields=["product", "quote"], name="sales_quoteline_product")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="sales_quoteline_quantity_positive"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100), name="sales_quoteline_discount_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class Task(OwnedRecord):
    """Something a salesperson has to do by a given time (call back, send the proposal), about a customer or one of
    its opportunities, or about nothing in particular. Its owner is reminded once when it falls due
    (sales.services.tasks.task_reminders_send); done tasks are never reminded."""

    owner_path = "owner"
    reach_domain = "sales"

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        NORMAL = "normal", _("Normal")
        LOW = "low", _("Low")

    subject = models.CharField(_("subject"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    due_at = models.DateTimeField(_("due"))
    priority = models.CharField(_("priority"), max_length=6, choices=Priority.choices, default=Priority.NORMAL)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sales_tasks", verbose_name=_("owner")
    )
    # Both optional; with an opportunity, the customer is the opportunity's (sales.services.tasks). A task goes
    # when what it is about is purged from the recycle bin.
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks", verbose_name=_("customer")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("opportunity"),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("done by"),
    )
    # When the owner was told the task is due; None while the reminder is still to be sent (moving the due time
    # later sets it back to None). Written by the reminder job only, which neither raises the version nor records
    # history: an edit form opened before the reminder still saves.
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "deletion", "reminded_at"])

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["owner", "deletion", "done_at", "due_at", "id"], name="sales_task_owner_due"),
            models.Index(fields=["deletion", "done_at", "due_at", "id"], name="sales_task_due"),
            models.Index(fields=["customer", "deletion", "done_at", "due_at"], name="sales_task_customer"),
            models.Index(fields=["opportunity", "deletion", "done_at", "due_at"], name="sales_task_opportunity"),
            # The reminder job's search: open, not yet reminded, due by now.
            models.Index(fields=["reminded_at", "done_at", "deletion", "due_at"], name="sales_task_reminder"),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales:task-detail", kwargs={"pk": self.pk})

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due_at is not None and self.due_at < timezone.now()

    @property
    def is_high_priority(self) -> bool:
        return self.priority == self.Priority.HIGH


class Quota(TimeStampedModel, VersionedModel):
    """What one salesperson is expected to win in one month (the sum of the opportunities they win that month), set
    by the manager of their team or an administrator (sales.services.quotas). Reached through the salesperson, in
    the "sales" domain; changes are kept in its history."""

    owner_path = "rep"
    reach_domain = "sales"

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sales_quotas", verbose_name=_("salesperson")
    )
    # The first day of the month the quota is for.
    month = models.DateField(_("month"))
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("set by"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-month", "rep_id"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(fields=["month", "rep"], name="sales_quota_month_rep"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="sales_quota_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.rep_id} {self.month:%Y-%m}: {self.amount} {self.currency}"

    def clean(self) -> None:
        super().clean()
        if self.month and self.month.day != 1:
            from django.core.exceptions import ValidationError

            raise ValidationError({"month": _("A quota is for a whole month: give its first day.")}, code="month")
