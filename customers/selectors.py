"""Reads for customer pages. Every customer-related read goes through `customer_scope`, so a record
outside the user's reach answers 404 whichever page, export, form choice or admin screen asks for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim

from accounts import reach
from customers import (
    lookups,  # noqa: F401  (registers the search_match lookup)
    search,
)
from customers.models import Contact, Customer, Interaction, Relationship
from customers.timeline import TimelineEntry, TimelineSource, timeline_page, timeline_sources
from customers.validators import phone_digits
from records.selectors import FieldChange, HistoryEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

User = get_user_model()

# A search reads at most this much of what was typed: the list's search box refuses longer text, and each word
# adds a condition to the query, while past a few words another word narrows the matches no further.
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = search.MAX_TERMS
_PHONE_TYPED = re.compile(r"[0-9 +()./-]+")


# Scoping ---------------------------------------------------------------------------------------------------------


def customer_scope(*, user: AbstractBaseUser, write: bool = False) -> QuerySet[Customer]:
    """The customers `user` may read (or change, with write=True): own, the teams', or all."""
    return reach.scope(Customer, user=user, write=write)


def customer_visibility(*, user: AbstractBaseUser) -> Callable[[Customer], bool]:
    """A test of whether `user` may read an already loaded customer, answered from its owner without a query
    (the same rule as `customer_scope`)."""
    return lambda customer: reach.can_reach(customer, user=user)


def customer_get_for(*, user: AbstractBaseUser, pk: int, write: bool = False) -> Customer:
    """One customer within the user's reach, owner preloaded; Http404 otherwise."""
    return reach.get_for(customer_scope(user=user, write=write).select_related("owner"), user=user, pk=pk)


def owners_for(*, user: AbstractBaseUser) -> QuerySet:
    """Active users `user` may assign customers to (and filter the list by)."""
    owner_ids = reach.owner_ids(user, domain="customers", write=True)
    users = User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")
    return users if owner_ids is None else users.filter(pk__in=owner_ids)


def contact_get_for(*, user: AbstractBaseUser, customer: Customer, pk: int, write: bool = False) -> Contact:
    return reach.get_for(Contact, user=user, write=write, customer=customer, pk=pk)


def interaction_get_for(*, user: AbstractBaseUser, customer: Customer, pk: int, write: bool = False) -> Interaction:
    return reach.get_for(Interaction, user=user, write=write, customer=customer, pk=pk)


def relationship_get_for(*, user: AbstractBaseUser, customer: Customer, pk: int, write: bool = False) -> Relationship:
    """A relationship of `customer` (either side) that the user reaches: they must reach both customers."""
    return reach.get_for(
        Relationship.objects.filter(Q(from_customer=customer) | Q(to_customer=customer)),
        user=user,
        write=write,
        pk=pk,
    )


# Lists and search ------------------------------------------------------------------------------------------------


def customer_list_for(*, user: AbstractBaseUser) -> QuerySet[Customer]:
    """The user's customers for list pages and exports: tags preloaded, `owner_name` and `owner_username`
    annotated.

    The owner comes from correlated subqueries, not a JOIN: with a JOIN, MySQL starts from the small users
    table and sorts every customer of each owner before it can return the first page; a subquery runs only
    for the rows of the page, and needs no extra query either.
    """
    owner = User.objects.filter(pk=OuterRef("owner_id"))
    full_name = Trim(Concat("first_name", Value(" "), "last_name", output_field=CharField()))
    return (
        customer_scope(user=user)
        .defer("search_text")  # read only by the database's search index
        .prefetch_related("tags")
        .annotate(
            owner_username=Subquery(owner.values("username")[:1]),
            owner_name=Subquery(
                owner.annotate(label=Coalesce(NullIf(full_name, Value("")), "username")).values("label")[:1]
            ),
        )
    )


def customer_owners_by_name(*, user: AbstractBaseUser) -> list[int]:
    """The ids of the users owning customers `user` reaches, in the order of their names as the list shows them
    (full name, or username when they have none).

    The owners are read first, as DISTINCT owner_id: MariaDB answers that from an (owner, …) index by jumping
    from one owner to the next (2 ms at 200,000 customers), where "users with a customer" as one query (EXISTS or
    IN) read the whole index (70–120 ms).
    """
    owners = Customer.all_objects.order_by().values_list("owner_id", flat=True).distinct()
    reachable = reach.owner_ids(user, domain="customers")
    if reachable is not None:
        owners = owners.filter(owner_id__in=reachable)
    people = User.objects.filter(pk__in=list(owners)).only("pk", "first_name", "last_name", "username")
    return [u.pk for u in sorted(people, key=lambda u: ((u.get_full_name() or u.username).casefold(), u.pk))]


def _digits_prefix(field: str, digits: str) -> Q:
    """Values of a digits-only column starting with `digits`, as a range (`>= "4420" AND < "4421"`): SQLite serves
    a range from the B-tree index, where its LIKE (case-insensitive) cannot use it."""
    following = digits.rstrip("9")
    condition = Q(**{f"{field}__gte": digits})
    if following:
        condition &= Q(**{f"{field}__lt": following[:-1] + str(int(following[-1]) + 1)})
    return condition


def customer_search(customers: QuerySet[Customer], text: str, *, scan: bool = False) -> QuerySet[Customer]:
    """Filter by what a person types (only within `customers`, which the caller scoped to the user):

    - a phone number with "+", or fewer than 4 digits: the start of the stored digits, from their B-tree index,
      sorted by number (so the index serves the filter and the order, where ORDER BY name would tempt MariaDB to
      walk the name index);
    - other phone numbers: the start of the number, or its end (the last digits, the number without the country
      code, or the national number with its trunk 0), of the customer or a contact;
    - anything else: each word (or email address, or CJK text) anywhere in the name, email or phone of the
      customer or of a contact not in the recycle bin, accents ignored.

    All but the first read the full-text index over `search_text` (customers/search.py). Only the first
    SEARCH_MAX_CHARS characters and SEARCH_MAX_WORDS words are searched; text of only short words or stopwords,
    which the index does not hold, matches the start of the name.

    With `scan`, the same rows are found by checking each row's search text instead of through the index (for
    reading a page in the list's order when the words are common).
    """
    text = text.strip()[:SEARCH_MAX_CHARS].strip()
    if not text:
        return customers
    plan, value = _search_plan(text)
    if plan == "phone_prefix":
        return customers.filter(_digits_prefix("phone_digits", value)).order_by("phone_digits", "id")
    if plan == "index":
        lookup = "search_text__search_scan" if scan else "search_text__search_match"
        return customers.filter(**{lookup: value})
    return customers.filter(name__istartswith=text)


def _search_plan(text: str) -> tuple[str, Any]:
    """How `text` (stripped, not empty) is searched: ("phone_prefix", digits) from the phone-digits index,
    ("index", SearchQuery) through the search text, or ("name", text) as the start of the name."""
    digits = phone_digits(text)
    if digits and _PHONE_TYPED.fullmatch(text):
        if text.startswith("+") or len(digits) < search.PHONE_SUFFIX_MIN_DIGITS:
            return "phone_prefix", digits
        return "index", search.phone_query(digits)
    query = search.text_query(text)
    return ("index", query) if query else ("name", text)


def customer_search_uses_index(text: str) -> bool:
    """Whether `customer_search(…, text)` reads the full-text index (and so has a `scan=True` form worth trying
    first: see CustomerFilter.scan_qs)."""
    text = text.strip()[:SEARCH_MAX_CHARS].strip()
    return bool(text) and _search_plan(text)[0] == "index"


def customer_duplicates(*, email: str, phone: str, exclude_pk: int | None = None) -> QuerySet[Customer]:
    """Customers of any owner with the same email (case-insensitive) or the same phone digits."""
    condition = Q()
    if email:
        condition |= Q(email__iexact=email.strip())
    digits = phone_digits(phone)
    if digits:
        condition |= Q(phone_digits=digits)
    if not condition:
        return Customer.objects.none()
    duplicates = Customer.objects.filter(condition).select_related("owner").order_by("name", "id")
    return duplicates.exclude(pk=exclude_pk) if exclude_pk else duplicates


def customer_matching_email(*, email: str) -> Customer | None:
    """The customer of any owner that `email` (any case) belongs to: the oldest customer with that email, else the
    oldest whose live contact has it; None for no email or no match. Customers and contacts in the recycle bin are
    not matched."""
    email = email.strip()
    if not email:
        return None
    customers = Customer.objects.select_related("owner").order_by("pk")
    return (
        customers.filter(email__iexact=email).first()
        or customers.filter(pk__in=Contact.objects.filter(email__iexact=email).values("customer_id")).first()
    )


# The customer page -------------------------------------------------------------------------------------------------


def _interactions(customer: Customer, user: AbstractBaseUser | None) -> QuerySet[Interaction]:
    return customer.interactions.select_related("user").order_by("-occurred_at", "-id")


INTERACTIONS = TimelineSource(kind="interaction", rows=_interactions, time_field="occurred_at")


def customer_timeline(
    *, customer: Customer, user: AbstractBaseUser | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[TimelineEntry], int, bool]:
    """One page of the customer's timeline, newest first: the interactions logged with them (with who logged
    them) and, for `user`, what other apps add that `user` may see (customers.timeline): the entries, the page
    number shown (a page past the end shows the last one) and whether older ones exist. Reads one row more than
    the page per source instead of counting them all; counts only when asked for a page past the end."""
    sources = [INTERACTIONS, *(timeline_sources() if user is not None else [])]
    return timeline_page(customer=customer, user=user, sources=sources, page=page, per_page=per_page)


def customer_relationships(*, customer: Customer, user: AbstractBaseUser) -> list[dict[str, Any]]:
    """Both directions of the customer's relationships, as rows naming the other customer.

    A related customer outside the user's scope is shown by name only (no link), never hidden silently: the
    relationship is a fact about this customer.
    """
    can_see = customer_visibility(user=user)
    relationships = Relationship.objects.filter(Q(from_customer=customer) | Q(to_customer=customer)).select_related(
        "from_customer", "to_customer"
    )
    rows = []
    for rel in relationships:
        outgoing = rel.from_customer_id == customer.pk
        rows.append(
            {"relationship": rel, "other": rel.to_customer if outgoing else rel.from_customer, "outgoing": outgoing}
        )
    for row in rows:
        row["other_visible"] = can_see(row["other"])
    return sorted(rows, key=lambda r: (r["relationship"].kind, r["other"].name))


_HISTORY_FIELDS = [
    "kind",
    "name",
    "email",
    "phone",
    "address",
    "city",
    "country",
    "industry",
    "source",
    "tier",
    "lifecycle_stage",
    "score",
    "owner",
    "notes",
]


def _historical_tags():
    """simple-history's model holding each historical record's tags."""
    return Customer.history.model._meta.get_field("historicalcustomer_tags").related_model


def customer_history(*, customer: Customer, limit: int | None = 10, offset: int = 0) -> list[HistoryEntry]:
    """Recorded changes to a customer, newest first: who, when, and each field's old and new value.

    Reads `limit + 1` history rows, their tags and the owners they name in three queries, however many changes.
    """
    records_qs = customer.history.select_related("history_user").order_by("-history_date", "-history_id")
    records = list(records_qs[offset : offset + limit + 1] if limit is not None else records_qs[offset:])
    tags_by_record: dict[int, list[str]] = {}
    if any(r.history_type == "~" for r in records):
        for history_id, tag_name in (
            _historical_tags().objects.filter(history__in=records).values_list("history_id", "tag__name")
        ):
            tags_by_record.setdefault(history_id, []).append(tag_name)
    # Owners named in the records: most are the customer's owner or someone who made a change, already loaded.
    owners = {customer.owner_id: customer.owner, **{r.history_user_id: r.history_user for r in records}}
    missing = {r.owner_id for r in records} - set(owners)
    if missing:
        owners.update({u.pk: u for u in User.objects.filter(pk__in=missing)})
    meta = {f.name: f for f in Customer._meta.get_fields() if hasattr(f, "attname")}

    def show(name: str, value: Any) -> str:
        if value in (None, ""):
            return "—"
        if name == "owner":
            owner = owners.get(value)
            return (owner.get_full_name() or owner.username) if owner else f"#{value}"
        if name == "country":
            return str(value.name if hasattr(value, "name") else value)
        choices = dict(meta[name].flatchoices) if meta[name].choices else None
        return str(choices.get(value, value)) if choices else str(value)

    shown = records if limit is None or len(records) <= limit else records[:limit]
    entries = []
    for index, record in enumerate(shown):
        entry = HistoryEntry(when=record.history_date, who=record.history_user, kind=record.history_type)
        previous = records[index + 1] if index + 1 < len(records) else None
        entry.unknown_before = record.history_type == "~" and previous is None
        if record.history_type == "~" and previous is not None:
            for name in _HISTORY_FIELDS:
                old, new = (
                    getattr(previous, f"{name}_id" if name == "owner" else name),
                    getattr(record, f"{name}_id" if name == "owner" else name),
                )
                if old != new:
                    entry.changes.append(FieldChange(str(meta[name].verbose_name), show(name, old), show(name, new)))
            old_tags = sorted(tags_by_record.get(previous.history_id, []))
            new_tags = sorted(tags_by_record.get(record.history_id, []))
            if old_tags != new_tags:
                entry.changes.append(
                    FieldChange(str(meta["tags"].verbose_name), ", ".join(old_tags) or "—", ", ".join(new_tags) or "—")
                )
        entries.append(entry)
    return entries


def customer_history_count(*, customer: Customer) -> int:
    return customer.history.count()
