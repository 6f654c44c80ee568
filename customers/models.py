"""Customers, the people at them, what we said to them, and how they relate to each other."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from crm.db import OwnedRecord, TimeStampedModel, record_url
from customers.validators import validate_phone
from records.history import HistoricalRecords as OneEntryHistoricalRecords


class Tag(TimeStampedModel):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Customer(OwnedRecord):
    """A person or a company we sell to, owned by one user."""

    owner_path = "owner"
    reach_domain = "customers"

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    class Tier(models.TextChoices):
        A = "A", _("A – key account")
        B = "B", _("B – regular")
        C = "C", _("C – occasional")

    class Stage(models.TextChoices):
        LEAD = "lead", _("Lead")
        PROSPECT = "prospect", _("Prospect")
        CUSTOMER = "customer", _("Customer")
        CHURNED = "churned", _("Churned")

    class Industry(models.TextChoices):
        TECHNOLOGY = "technology", _("Technology")
        FINANCE = "finance", _("Finance and insurance")
        RETAIL = "retail", _("Retail and e-commerce")
        MANUFACTURING = "manufacturing", _("Manufacturing")
        HEALTHCARE = "healthcare", _("Healthcare")
        EDUCATION = "education", _("Education")
        GOVERNMENT = "government", _("Government and public sector")
        ENERGY = "energy", _("Energy and utilities")
        MEDIA = "media", _("Media and entertainment")
        HOSPITALITY = "hospitality", _("Hospitality and travel")
        LOGISTICS = "logistics", _("Transport and logistics")
        REAL_ESTATE = "real_estate", _("Real estate and construction")
        AGRICULTURE = "agriculture", _("Agriculture and food")
        SERVICES = "services", _("Professional services")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        WEBSITE = "website", _("Website")
        REFERRAL = "referral", _("Referral")
        EVENT = "event", _("Event or trade show")
        COLD_CALL = "cold_call", _("Cold call")
        ADVERTISING = "advertising", _("Advertising")
        PARTNER = "partner", _("Partner")
        SOCIAL = "social", _("Social media")
        EMAIL = "email", _("Email campaign")
        IMPORT = "import", _("Import")
        OTHER = "other", _("Other")

    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    # Digits of `phone` only, so "+86 (10) 1234-5678" and "8610 12345678" are found and matched as one.
    phone_digits = models.CharField(max_length=20, blank=True, editable=False)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), blank=True)
    industry = models.CharField(_("industry"), max_length=20, choices=Industry.choices, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, default=Tier.C)
    lifecycle_stage = models.CharField(_("lifecycle stage"), max_length=10, choices=Stage.choices, default=Stage.LEAD)
    score = models.DecimalField(
        _("score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_("0–100, filled in by analytics."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customers", verbose_name=_("owner")
    )
    tags = models.ManyToManyField(Tag, related_name="customers", blank=True, verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    # The latest `occurred_at` of the customer's live interactions (None: never contacted), kept by the interaction
    # services and the recycle bin (customers.services.customer_contacted_refresh) so the list can sort and filter
    # by it from an index. Derived, so not in the field history and not a change to the customer's version.
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True, editable=False)
    # What search reads: the tokens of the name, email, phone and live contacts (customers/search.py), written by
    # the services and the demo seeder, and indexed for full-text search (migration 0010).
    search_text = models.TextField(blank=True, default="", editable=False)

    # One entry per save, the tags included: services save inside records.history.one_history_entry.
    history = OneEntryHistoricalRecords(
        excluded_fields=["phone_digits", "search_text", "updated_at", "deletion", "last_contacted_at"],
        m2m_fields=[tags],
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        # The reach of a role, as permissions: read from the permission cache every request loads anyway.
        permissions = [
            ("access_all_customers", _("Can reach every customer")),
            ("access_team_customers", _("Can reach the customers of the teams they manage")),
            ("read_all_customers", _("Can read every customer (and change only their own)")),
            ("erase_personal_data", _("Can erase a person's personal data")),
        ]
        # Each filter the list offers, paired with the default sort, so a filtered first page reads
        # 25 index entries instead of sorting every match (see bench/customer_list.py).
        # `deletion` (IS NULL on every list: the recycle bin hides its rows) sits just before the sort column,
        # so the filter still reads one index range in sort order, and the capped count stays index-only.
        indexes = [
            models.Index(fields=["deletion", "name"], name="customer_live_name_idx"),
            models.Index(fields=["owner", "deletion", "name"], name="customer_owner_live_name_idx"),
            models.Index(fields=["owner", "deletion", "updated_at"], name="customer_owner_live_upd_idx"),
            # A rep's list is always filtered by owner: their tier, stage and country filters get their own.
            models.Index(fields=["owner", "tier", "deletion", "name"], name="customer_owner_tier_live_idx"),
            models.Index(fields=["owner", "lifecycle_stage", "deletion", "name"], name="customer_owner_stage_live_idx"),
            models.Index(fields=["owner", "country", "deletion", "name"], name="customer_owner_country_lv_idx"),
            models.Index(fields=["tier", "deletion", "name"], name="customer_tier_live_idx"),
            models.Index(fields=["lifecycle_stage", "deletion", "name"], name="customer_stage_live_idx"),
            models.Index(fields=["country", "deletion", "name"], name="customer_country_live_idx"),
            models.Index(fields=["deletion", "updated_at"], name="customer_live_updated_idx"),
            # "Last contacted" sort and "not contacted in N days" filter: NULL (never) and the range before the cutoff
            # are two ranges of one index, in sort order; a rep's list has its own.
            models.Index(fields=["deletion", "last_contacted_at"], name="customer_live_contacted_idx"),
            models.Index(fields=["owner", "deletion", "last_contacted_at"], name="customer_owner_live_cont_idx"),
            # The source and industry filters with the default sort, for everyone and for one owner's list.
            models.Index(fields=["source", "deletion", "name"], name="customer_source_live_idx"),
            models.Index(fields=["industry", "deletion", "name"], name="customer_industry_live_idx"),
            models.Index(fields=["owner", "source", "deletion", "name"], name="customer_owner_source_lv_idx"),
            models.Index(fields=["owner", "industry", "deletion", "name"], name="customer_owner_indus_lv_idx"),
            # "Created between": the range is read from the index and only its rows are sorted.
            models.Index(fields=["deletion", "created_at"], name="customer_live_created_idx"),
            models.Index(fields=["owner", "deletion", "created_at"], name="customer_owner_live_crt_idx"),
            models.Index(fields=["email"], name="customer_email_idx"),
            models.Index(fields=["phone_digits"], name="customer_phone_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100), name="customer_score_0_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return record_url("customers:customer-detail", self.pk)


class Contact(OwnedRecord):
    """A person at a company customer."""

    owner_path = "customer__owner"
    reach_domain = "customers"

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("customer")
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=100, blank=True, help_text=_("Job title or role in the deal."))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_phone])
    is_primary = models.BooleanField(_("primary contact"), default=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "deletion"])

    class Meta:
        ordering = ["-is_primary", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Interaction(OwnedRecord):
    """One entry in the communication log with a customer."""

    owner_path = "customer__owner"
    reach_domain = "customers"

    class Channel(models.TextChoices):
        CALL = "call", _("Call")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")
        CHAT = "chat", _("Chat")
        SOCIAL = "social", _("Social media")
        VISIT = "visit", _("Visit")
        WEB_FORM = "web_form", _("Web form")

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Outcome(models.TextChoices):
        POSITIVE = "positive", _("Positive")
        NEUTRAL = "neutral", _("Neutral")
        NEGATIVE = "negative", _("Negative")
        NO_RESPONSE = "no_response", _("No response")

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="interactions", verbose_name=_("customer")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    occurred_at = models.DateTimeField(_("when"))
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interactions", verbose_name=_("logged by")
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "deletion"])

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [models.Index(fields=["customer", "deletion", "-occurred_at"], name="interaction_live_timeline_idx")]

    # The years an interaction may be dated in. A typo such as year 0001 would be stored, but could not be shown
    # in every time zone: 0001-01-01 00:00 UTC is in year 0 in Los Angeles, which Python cannot represent.
    EARLIEST_YEAR, LATEST_YEAR = 1900, 2100

    def __str__(self) -> str:
        return self.subject

    def clean(self):
        super().clean()
        # The year as entered, in its own time zone: converting a year-1 time entered east of UTC to UTC overflows.
        if self.occurred_at is not None and not self.EARLIEST_YEAR <= self.occurred_at.year <= self.LATEST_YEAR:
            raise ValidationError(
                {
                    "occurred_at": ValidationError(
                        _("Enter a date between %(earliest)s and %(latest)s."),
                        code="out_of_range",
                        params={"earliest": self.EARLIEST_YEAR, "latest": self.LATEST_YEAR},
                    )
                }
            )


class Relationship(OwnedRecord):
    """How one customer relates to another (read from `from_customer`: "X is a partner of Y")."""

    # Reached when both customers are: neither owner alone may change a fact about the other's customer.
    owner_path = ("from_customer__owner", "to_customer__owner")
    reach_domain = "customers"

    class Kind(models.TextChoices):
        FRIEND = "friend", _("Friend")
        COLLEAGUE = "colleague", _("Colleague")
        CLIENT = "client", _("Client")
        PARTNER = "partner", _("Partner")
        PARENT_COMPANY = "parent_company", _("Parent company")

    class Status(models.TextChoices):
        GOOD = "good", _("Good")
        AVERAGE = "average", _("Average")
        DETERIORATING = "deteriorating", _("Deteriorating")

    from_customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="relationships_from", verbose_name=_("customer")
    )
    to_customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="relationships_to", verbose_name=_("related customer")
    )
    kind = models.CharField(_("relationship"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.GOOD)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "deletion"])

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(fields=["from_customer", "to_customer", "kind"], name="relationship_unique"),
            models.CheckConstraint(condition=~Q(from_customer=models.F("to_customer")), name="relationship_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.from_customer} → {self.get_kind_display()} → {self.to_customer}"
