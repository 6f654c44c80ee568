"""Writing what was read to the database in bulk: users and teams, products, customers and their relationships,
opportunities with their stage changes and import keys. Each function finds what is there by its key, updates what
the file says otherwise, creates the rest, and counts all three in the report."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Team
from accounts.roles import SALES_MANAGER, SALES_REP
from customers.models import Customer, Relationship
from customers.search import customer_search_document
from sales.models import ImportedCustomer, ImportedOpportunity, ImportedUser, Opportunity, Product, Stage, StageChange
from sales.services.imports import BATCH, ImportReport, batches
from sales.services.sales_pipeline.files import (
    FILES,
    LOST_REASON,
    STAGES,
    TIER_A_REVENUE,
    TIER_B_REVENUE,
    UNKNOWN_ACCOUNT_KEY,
    UNKNOWN_ACCOUNT_NAME,
    Account,
    Agent,
    Deal,
    ProductRow,
    username_for,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

SOURCE = "crm_sales_opportunities"
CURRENCY = "USD"


def _moment(day: date | None, *, now: datetime) -> datetime:
    """Midnight starting `day` in the site's time zone (the file gives days, not times); `now` for no day."""
    if day is None:
        return now
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def stages_for_file() -> dict[str, Stage]:
    """The pipeline's stage for each stage of the file (see STAGES). Raises ValueError without won or lost stages."""
    stages = list(Stage.objects.order_by("position", "id"))
    by_code = {stage.code: stage for stage in stages}
    found = {}
    for name, (code, outcome, place) in STAGES.items():
        candidates = [stage for stage in stages if stage.outcome == outcome]
        stage = by_code.get(code) if code in by_code and by_code[code].outcome == outcome else None
        if stage is None and candidates:
            stage = candidates[min(place, len(candidates) - 1)]
        if stage is None:
            raise ValueError(f"The pipeline has no {outcome} stage for the file's {name!r} deals: add one first.")
        found[name] = stage
    return found


def users_write(agents: dict[str, Agent], report: ImportReport) -> dict[str, AbstractBaseUser]:
    """Every agent and manager as a user (found by name, else created); returns them by name."""
    User = get_user_model()
    managers = {agent.manager for agent in agents.values()}
    names = sorted(set(agents) | managers)
    known = dict(
        ImportedUser.objects.filter(source=SOURCE, external_id__in=names).values_list("external_id", "user_id")
    )
    users = User.objects.in_bulk(list(known.values()))
    by_name = {name: users[pk] for name, pk in known.items() if pk in users}
    report["users"].skipped = len(by_name)
    taken = {u.lower() for u in User.objects.values_list("username", flat=True)}
    new = []
    for name in names:
        if name in by_name:
            continue
        base = username = username_for(name)
        suffix = 1
        while username in taken:
            suffix += 1
            username = f"{base}.{suffix}"
        taken.add(username)
        first, _space, last = name.rpartition(" ") if " " in name else (name, "", "")
        user = User(username=username, first_name=first[:150], last_name=last[:150], is_active=True)
        user.set_unusable_password()
        new.append((name, user))
    User.objects.bulk_create([user for _name, user in new])
    if new and new[0][1].pk is None:
        pks = dict(User.objects.filter(username__in=[u.username for _n, u in new]).values_list("username", "pk"))
        for _name, user in new:
            user.pk = pks[user.username]
    ImportedUser.objects.bulk_create(
        [ImportedUser(source=SOURCE, external_id=name, user_id=user.pk) for name, user in new]
    )
    by_name.update(new)
    report["users"].created = len(new)
    # The roles, as the accounts pages give them (one audit entry per role). Known users keep the roles they have:
    # an administrator may have changed them since.
    for role, people in ((SALES_REP, set(agents) - managers), (SALES_MANAGER, managers)):
        fresh = [by_name[name] for name, _user in new if name in people]
        if fresh:
            Group.objects.get(name=role).user_set.add(*fresh)
    return by_name


def teams_write(agents: dict[str, Agent], users: dict[str, AbstractBaseUser], report: ImportReport) -> None:
    """A team per manager, named after the office and the manager, with the manager's agents as members. An agent
    the file moves to another manager leaves the imported team they were in; members an administrator added who are
    not agents of the file stay."""
    wanted: dict[str, tuple[str, set[int]]] = {}
    for agent in agents.values():
        name = f"{agent.office} ({agent.manager})"[:100]
        wanted.setdefault(name, (agent.manager, set()))[1].add(users[agent.name].pk)
    agent_ids = {users[name].pk for name in agents}
    existing = {team.name: team for team in Team.objects.filter(name__in=list(wanted)).prefetch_related("members")}
    for name, (manager, members) in sorted(wanted.items()):
        team = existing.get(name)
        if team is None:
            team = Team.objects.create(name=name, manager=users[manager])
            team.members.add(*members)  # as the team pages add them: the audit log records it
            report["teams"].created += 1
            continue
        current = {member.pk for member in team.members.all()}
        joining, leaving = members - current, (current & agent_ids) - members
        new_manager = team.manager_id != users[manager].pk
        if new_manager:
            team.manager = users[manager]
            team.save(update_fields=["manager", "updated_at"])
        if joining:
            team.members.add(*joining)
        if leaving:
            team.members.remove(*leaving)
        if joining or leaving or new_manager:
            report["teams"].updated += 1
        else:
            report["teams"].skipped += 1


def products_write(products: dict[str, ProductRow], report: ImportReport) -> dict[str, Product]:
    """The file's products, found by SKU (compared in capitals, as MySQL compares them) or created."""
    existing = {p.sku.upper(): p for p in Product.objects.filter(sku__in=list(products))}
    new, changed = [], []
    for sku, row in products.items():
        product = existing.get(sku)
        if product is None:
            new.append(Product(sku=sku, name=row.name, category=row.series, unit_price=row.price, currency=CURRENCY))
        elif (product.name, product.category, product.unit_price) != (row.name, row.series, row.price):
            product.name, product.category, product.unit_price = row.name, row.series, row.price
            product.version, product.updated_at = product.version + 1, timezone.now()
            changed.append(product)
        else:
            report["products"].skipped += 1
    Product.objects.bulk_create(new)
    Product.objects.bulk_update(changed, ["name", "category", "unit_price", "version", "updated_at"])
    report["products"].created, report["products"].updated = len(new), len(changed)
    return {p.sku.upper(): p for p in Product.objects.filter(sku__in=list(products))}


def _tier(revenue: Decimal | None) -> str:
    if revenue is None:
        return Customer.Tier.C
    if revenue >= TIER_A_REVENUE:
        return Customer.Tier.A
    return Customer.Tier.B if revenue >= TIER_B_REVENUE else Customer.Tier.C


def _notes(account: Account) -> str:
    facts = [f"sector {account.sector}" if account.sector else ""]
    facts.append(f"established {account.established}" if account.established else "")
    facts.append(f"annual revenue USD {account.revenue:,} million" if account.revenue is not None else "")
    facts.append(f"{account.employees:,} employees" if account.employees is not None else "")
    facts.append(f"headquarters {account.location}" if account.location else "")
    return "Imported from CRM Sales Opportunities: " + ", ".join(f for f in facts if f) + "."


def customers_write(
    accounts: dict[str, Account],
    deals: dict[str, Deal],
    users: dict[str, AbstractBaseUser],
    owner: AbstractBaseUser,
    report: ImportReport,
) -> dict[str, Customer]:
    """The accounts (and the unknown account, when a deal needs it) as company customers; returns them by the key."""
    deal_counts: dict[str, Counter] = defaultdict(Counter)
    won = set()
    for deal in deals.values():
        deal_counts[deal.account][deal.agent] += 1
        if deal.stage == "Won":
            won.add(deal.account)
    wanted = {account.name: account for account in accounts.values()}
    keys = list(wanted) + ([UNKNOWN_ACCOUNT_KEY] if UNKNOWN_ACCOUNT_KEY in deal_counts else [])
    known = dict(
        ImportedCustomer.objects.filter(source=SOURCE, external_id__in=keys).values_list("external_id", "customer_id")
    )
    current = Customer.all_objects.in_bulk(list(known.values()))
    by_key = {key: current[pk] for key, pk in known.items() if pk in current}
    changed = []
    for key, customer in by_key.items():
        account = wanted.get(key)
        before = (customer.industry, customer.country, customer.tier, customer.lifecycle_stage)
        if account is not None:
            customer.industry, customer.country, customer.tier = (
                account.industry,
                account.country,
                _tier(account.revenue),
            )
        if key in won and customer.lifecycle_stage in (Customer.Stage.LEAD, Customer.Stage.PROSPECT):
            customer.lifecycle_stage = Customer.Stage.CUSTOMER
        if (customer.industry, customer.country, customer.tier, customer.lifecycle_stage) != before:
            customer.version, customer.updated_at = customer.version + 1, timezone.now()
            changed.append(customer)
        else:
            report["customers"].skipped += 1
    Customer.all_objects.bulk_update(
        changed, ["industry", "country", "tier", "lifecycle_stage", "version", "updated_at"], batch_size=BATCH
    )
    new = []
    for key in keys:
        if key in by_key:
            continue
        account = wanted.get(key)
        agents = deal_counts.get(key)
        # The agent with the most deals on the account owns it (ties: the first name alphabetically).
        top = min(agents.items(), key=lambda item: (-item[1], item[0]))[0] if agents and account else None
        name = account.name if account else UNKNOWN_ACCOUNT_NAME
        new.append(
            Customer(
                kind=Customer.Kind.COMPANY,
                name=name,
                industry=account.industry if account else "",
                country=account.country if account else "",
                tier=_tier(account.revenue) if account else Customer.Tier.C,
                lifecycle_stage=Customer.Stage.CUSTOMER if key in won else Customer.Stage.PROSPECT,
                source=Customer.Source.IMPORT,
                owner=users[top] if top else owner,
                notes=_notes(account) if account else "Deals imported without an account.",
                search_text=customer_search_document(name=name, email="", phone_digits=""),
            )
        )
    Customer.objects.bulk_create(new, batch_size=BATCH)
    new_keys = [key for key in keys if key not in by_key]
    if new and new[0].pk is None:
        ids = dict(
            Customer.all_objects.filter(source=Customer.Source.IMPORT, name__in=[c.name for c in new])
            .order_by("pk")
            .values_list("name", "pk")
        )
        for customer in new:
            customer.pk = ids[customer.name]
    ImportedCustomer.objects.bulk_create(
        [
            ImportedCustomer(source=SOURCE, external_id=key, customer_id=c.pk)
            for key, c in zip(new_keys, new, strict=True)
        ]
    )
    by_key.update(zip(new_keys, new, strict=True))
    report["customers"].created, report["customers"].updated = len(new), len(changed)
    _relationships(accounts, by_key, report)
    return by_key


def _relationships(accounts: dict[str, Account], customers: dict[str, Customer], report: ImportReport) -> None:
    """ "Subsidiary of" as the parent company's relationship to its subsidiary (read from the parent: "Parent
    company of Bluth Company")."""
    pairs = []
    for account in accounts.values():
        if not account.parent:
            continue
        parent = accounts.get(account.parent.casefold())
        if parent is None or parent.name == account.name:
            report.quirks.append(
                f"{FILES['accounts'][0]} line {account.line}: {account.name!r} is a subsidiary of "
                f"{account.parent!r}, which is not an account: no relationship."
            )
            continue
        pairs.append((customers[parent.name].pk, customers[account.name].pk))
    existing = set(
        Relationship.all_objects.filter(
            from_customer__in=[a for a, _b in pairs], kind=Relationship.Kind.PARENT_COMPANY
        ).values_list("from_customer_id", "to_customer_id")
    )
    new = [
        Relationship(from_customer_id=a, to_customer_id=b, kind=Relationship.Kind.PARENT_COMPANY)
        for a, b in pairs
        if (a, b) not in existing
    ]
    Relationship.objects.bulk_create(new)
    report["relationships"].created, report["relationships"].skipped = len(new), len(pairs) - len(new)


def _title(product: Product, customer: Customer) -> str:
    return f"{product.name} for {customer.name}"[:200]


def _history(deal: Deal, stages: dict[str, Stage], *, now: datetime) -> list[tuple[Stage, datetime]]:
    """The stages the deal went through with when it entered each: Engaging at the engage date, Won or Lost at the
    close date; a prospect since the import (the file gives it no date)."""
    if deal.stage == "Prospecting":
        return [(stages["Prospecting"], _moment(deal.engaged, now=now))]
    steps = [(stages["Engaging"], _moment(deal.engaged, now=now))]
    if deal.closed is not None:
        steps.append((stages[deal.stage], _moment(deal.closed, now=now)))
    return steps


def _days(since: datetime, until: datetime) -> Decimal:
    return max(Decimal((until - since).total_seconds() / 86400).quantize(Decimal("0.01")), Decimal(0))


def opportunities_write(
    deals: dict[str, Deal],
    *,
    users: dict[str, AbstractBaseUser],
    customers: dict[str, Customer],
    products: dict[str, Product],
    report: ImportReport,
) -> None:
    now = timezone.now()
    stages = stages_for_file()
    known = dict(
        ImportedOpportunity.objects.filter(source=SOURCE, external_id__in=list(deals)).values_list(
            "external_id", "opportunity_id"
        )
    )
    current = Opportunity.all_objects.select_related("stage").in_bulk(list(known.values()))
    changes: list[StageChange] = []
    changed = []
    unknown = customers.get(UNKNOWN_ACCOUNT_KEY)
    for key, pk in known.items():
        deal, opportunity = deals[key], current.get(pk)
        if opportunity is None or opportunity.deletion_id is not None:
            report["opportunities"].skipped += 1  # in the recycle bin: deleted on purpose, not brought back
            continue
        if _opportunity_update(opportunity, deal, users, customers, products, stages, unknown, changes, now=now):
            changed.append(opportunity)
        else:
            report["opportunities"].skipped += 1
    fields = ["customer", "owner", "title", "amount", "stage", "probability", "expected_close_date", "lost_reason"]
    Opportunity.all_objects.bulk_update(
        changed, [*fields, "stage_entered_at", "closed_at", "version", "updated_at"], batch_size=1000
    )
    report["opportunities"].updated = len(changed)

    new, created_at = [], {}
    keys = [key for key in deals if key not in known]
    for key in keys:
        deal = deals[key]
        steps = _history(deal, stages, now=now)
        stage, entered = steps[-1]
        customer, product = customers[deal.account], products[deal.sku]
        opportunity = Opportunity(
            customer=customer,
            owner=users[deal.agent],
            title=_title(product, customer),
            amount=deal.value if deal.value is not None else product.unit_price,
            currency=CURRENCY,
            stage=stage,
            probability=stage.probability,
            expected_close_date=deal.closed,
            source=Customer.Source.IMPORT,
            lost_reason=LOST_REASON if stage.outcome == Stage.Outcome.LOST else "",
            stage_entered_at=entered,
            closed_at=None if stage.is_open else entered,
        )
        new.append(opportunity)
        created_at[key] = steps[0][1]
    since = Opportunity.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    Opportunity.objects.bulk_create(new, batch_size=1000)
    if new and new[0].pk is None:
        # A database that does not return new ids (MySQL): read them back in insertion order. Only this
        # transaction writes opportunities of these owners with the import's source this instant.
        ids = list(
            Opportunity.all_objects.filter(pk__gt=since, source=Customer.Source.IMPORT)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for opportunity, pk in zip(new, ids, strict=True):
            opportunity.pk = opportunity.id = pk
    # bulk_create stamps created_at with the time of the insert; an imported deal was created when it was engaged.
    # One UPDATE per day (a few hundred): a CASE over thousands of ids costs seconds.
    by_day: dict[datetime, list[int]] = defaultdict(list)
    for key, opportunity in zip(keys, new, strict=True):
        by_day[created_at[key]].append(opportunity.pk)
    for when, ids in by_day.items():
        for batch in batches(ids):
            Opportunity.all_objects.filter(pk__in=batch).update(created_at=when)
    ImportedOpportunity.objects.bulk_create(
        [
            ImportedOpportunity(source=SOURCE, external_id=key, opportunity_id=o.pk)
            for key, o in zip(keys, new, strict=True)
        ],
        batch_size=BATCH,
    )
    for key, opportunity in zip(keys, new, strict=True):
        previous = None
        for stage, when in _history(deals[key], stages, now=now):
            changes.append(
                StageChange(
                    opportunity_id=opportunity.pk,
                    from_stage=previous[0] if previous else None,
                    to_stage=stage,
                    changed_at=when,
                    changed_by_id=opportunity.owner_id,
                    days_in_previous=_days(previous[1], when) if previous else None,
                )
            )
            previous = (stage, when)
    StageChange.objects.bulk_create(changes, batch_size=BATCH)
    report["opportunities"].created = len(new)
    report["stage_changes"].created = len(changes)


def _opportunity_update(
    opportunity: Opportunity,
    deal: Deal,
    users: dict[str, AbstractBaseUser],
    customers: dict[str, Customer],
    products: dict[str, Product],
    stages: dict[str, Stage],
    unknown: Customer | None,
    changes: list[StageChange],
    *,
    now: datetime,
) -> bool:
    """Bring a known opportunity up to the file: its owner, its account once the file names it, and its stage
    forward only (a later open stage, or closed as the file says); a closed one's close date and value. Appends
    the stage change to `changes`. Returns whether anything changed."""
    before = (
        opportunity.customer_id,
        opportunity.owner_id,
        opportunity.title,
        opportunity.stage_id,
        opportunity.amount,
        opportunity.expected_close_date,
    )
    product = products[deal.sku]
    customer = customers[deal.account]
    if unknown is not None and opportunity.customer_id == unknown.pk and customer.pk != unknown.pk:
        if opportunity.title == _title(product, unknown):
            opportunity.title = _title(product, customer)
        opportunity.customer = customer
    opportunity.owner = users[deal.agent]
    stage, entered = _history(deal, stages, now=now)[-1]
    current = opportunity.stage
    forward = (
        stage.outcome != current.outcome and not stage.is_open  # closed, or won after all
    ) or (stage.is_open and current.is_open and stage.position > current.position)
    if stage.pk != current.pk and forward:
        changes.append(
            StageChange(
                opportunity_id=opportunity.pk,
                from_stage=current,
                to_stage=stage,
                changed_at=entered,
                changed_by_id=opportunity.owner_id,
                days_in_previous=_days(opportunity.stage_entered_at, entered),
            )
        )
        opportunity.stage, opportunity.probability, opportunity.stage_entered_at = stage, stage.probability, entered
        opportunity.closed_at = None if stage.is_open else entered
        if stage.outcome == Stage.Outcome.LOST and not opportunity.lost_reason:
            opportunity.lost_reason = LOST_REASON
    if not opportunity.stage.is_open and opportunity.stage.pk == stage.pk and deal.closed is not None:
        opportunity.amount, opportunity.expected_close_date = deal.value, deal.closed
    after = (
        opportunity.customer_id,
        opportunity.owner_id,
        opportunity.title,
        opportunity.stage_id,
        opportunity.amount,
        opportunity.expected_close_date,
    )
    if after == before:
        return False
    opportunity.version, opportunity.updated_at = opportunity.version + 1, now
    return True
