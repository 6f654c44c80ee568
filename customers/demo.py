"""Realistic demo data, generated fast enough to fill a million customers: plain tuples from seeded
random choices, inserted in multi-row batches, ids assigned up front so children need no read-back."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.demo import DEMO_USERS, ensure_demo_users
from accounts.roles import SALES_MANAGER, SALES_REP
from customers.models import Contact, Customer, Interaction, Relationship, Tag
from customers.search import customer_search_document
from customers.validators import phone_digits

FIRST_NAMES = (
    "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Daniel Karen Lukas Anna Mathilde Hugo Chloé Léa Pablo Lucía Marco Giulia "
    "Sven Ingrid Hiroshi Yuki Arjun Priya Mohammed Fatima Olga Ivan"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
    "Thompson White Harris Clark Lewis Walker Müller Schmidt Schneider Dubois Moreau Lefèvre Rossi Russo "
    "García Fernández López Andersson Johansson Tanaka Suzuki Sato Patel Sharma Khan Ivanova Novak"
).split()
CN_SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高".split()
CN_GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 华 平 建华 晓东 婷 浩 宇 欣怡 子涵 梓萱".split()
COMPANY_WORDS = (
    "Acme Apex Atlas Aurora Beacon Blue Bright Cedar Summit Crest Delta Eagle Everest Falcon Frontier "
    "Global Golden Granite Harbor Horizon Iron Jade Keystone Lighthouse Maple Meridian Nova Oak Orion "
    "Pacific Pinnacle Prime Quantum Redwood River Sapphire Silver Sterling Sun Titan Unity Vertex "
    "Vista Willow Zenith Northern Eastern Western Southern"
).split()
COMPANY_TRADES = (
    "Logistics Software Systems Foods Textiles Motors Pharma Energy Media Consulting Electronics "
    "Furniture Hotels Farms Builders Finance Insurance Labs Robotics Analytics Retail Trading "
    "Machinery Packaging Travel Health Education Security Telecom"
).split()
COMPANY_SUFFIXES = "Ltd Inc GmbH SA BV Co. LLC AG Group Holdings".split()
CN_COMPANY_PREFIX = "华 中 东方 长城 金 新 恒 宏 盛 联合 天 百".split()
CN_COMPANY_TRADE = "科技 贸易 物流 食品 电子 医药 能源 建设 文化 咨询".split()
CITIES = {
    "CN": ["Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Hangzhou", "Chengdu", "Wuhan", "Nanjing"],
    "US": ["New York", "San Francisco", "Chicago", "Austin", "Seattle", "Boston", "Denver"],
    "GB": ["London", "Manchester", "Birmingham", "Leeds", "Edinburgh"],
    "DE": ["Berlin", "Munich", "Hamburg", "Frankfurt", "Cologne"],
    "FR": ["Paris", "Lyon", "Marseille", "Toulouse", "Lille"],
    "ES": ["Madrid", "Barcelona", "Valencia", "Seville"],
    "IT": ["Milan", "Rome", "Turin", "Bologna"],
    "NL": ["Amsterdam", "Rotterdam", "Utrecht"],
    "SE": ["Stockholm", "Gothenburg", "Malmö"],
    "JP": ["Tokyo", "Osaka", "Yokohama", "Nagoya"],
    "IN": ["Mumbai", "Bangalore", "Delhi", "Pune"],
    "SG": ["Singapore"],
    "AU": ["Sydney", "Melbourne", "Brisbane"],
    "CA": ["Toronto", "Vancouver", "Montreal"],
    "BR": ["São Paulo", "Rio de Janeiro"],
}
COUNTRY_WEIGHTS = {
    "CN": 30,
    "US": 14,
    "GB": 9,
    "DE": 9,
    "FR": 7,
    "ES": 4,
    "IT": 4,
    "NL": 3,
    "SE": 2,
    "JP": 5,
    "IN": 4,
    "SG": 2,
    "AU": 3,
    "CA": 3,
    "BR": 1,
}
CALLING_CODES = {
    "CN": "86",
    "US": "1",
    "GB": "44",
    "DE": "49",
    "FR": "33",
    "ES": "34",
    "IT": "39",
    "NL": "31",
    "SE": "46",
    "JP": "81",
    "IN": "91",
    "SG": "65",
    "AU": "61",
    "CA": "1",
    "BR": "55",
}
STREETS = [
    "Main Street",
    "Market Road",
    "Harbour Avenue",
    "Station Road",
    "Park Lane",
    "Riverside",
    "Nanjing Road",
    "Century Avenue",
    "King Street",
    "Rue de la Paix",
    "Hauptstraße",
    "Gran Vía",
]
TAGS = [
    "VIP",
    "Newsletter",
    "Trade show 2025",
    "Partner program",
    "Reseller",
    "Key account",
    "Price sensitive",
    "Early adopter",
    "Needs follow-up",
    "Referral source",
]
SUBJECTS = {
    "call": [
        "Discovery call",
        "Follow-up call about the proposal",
        "Pricing questions",
        "Renewal call",
        "Checked in after delivery",
    ],
    "email": [
        "Sent product brochure",
        "Quote sent",
        "Answered support question",
        "Contract draft",
        "Invitation to webinar",
    ],
    "meeting": ["Product demo", "Quarterly business review", "Negotiation meeting", "Kick-off meeting"],
    "chat": ["Website chat about delivery times", "Question about invoice", "Asked for a discount"],
    "social": ["Replied to LinkedIn message", "Comment on our WeChat post", "Mentioned us on social media"],
    "visit": ["Site visit", "Visited their office", "Customer visited our showroom"],
}
NEXT_STEPS = [
    "Send revised quote",
    "Schedule demo",
    "Call back next week",
    "Prepare contract",
    "Introduce to technical team",
    "Wait for budget approval",
    "",
]
ROLES = ["Purchasing manager", "CEO", "CTO", "Head of operations", "Office manager", "Finance director", "Project lead"]


@dataclass
class SeedResult:
    customers: int
    contacts: int
    interactions: int
    relationships: int


def demo_foreign_data() -> list[str]:
    """What the database holds that the demo did not create: users outside the demo list and customers they
    own. Empty for an empty database or one the demo filled."""
    demo_usernames = [username for username, *_rest in DEMO_USERS]
    others = get_user_model().objects.exclude(username__in=demo_usernames)
    found = []
    if users := others.count():
        found.append(f"{users} user{'s' if users != 1 else ''} not in the demo")
    if customers := Customer.objects.filter(owner__in=others).count():
        found.append(f"{customers} customer{'s' if customers != 1 else ''} owned by them")
    return found


def insert_rows(model, columns: list[str], rows: list[tuple]) -> None:
    """Multi-row INSERT of plain tuples: several times faster than building model instances for bulk_create,
    which matters at a million customers (and five million order lines). Values must already be database-ready."""
    if not rows:
        return
    quote = connection.ops.quote_name
    values = ["%s"] * len(columns)
    if any(f.name == "version" for f in model._meta.concrete_fields):
        columns, values = [*columns, "version"], [*values, "1"]  # new rows start at version 1
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(values)
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 2000):
            cursor.executemany(sql, rows[start : start + 2000])


def next_id(model) -> int:
    """The id after the highest one in the table, recycled rows included (ids are assigned before inserting)."""
    return (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


class _Generator:
    def __init__(self, rng: random.Random, now: datetime):
        self.rng = rng
        self.now = now
        self.countries = list(COUNTRY_WEIGHTS)
        self.weights = list(COUNTRY_WEIGHTS.values())

    def person_name(self, country: str) -> str:
        r = self.rng
        if country == "CN" and r.random() < 0.7:
            return r.choice(CN_SURNAMES) + r.choice(CN_GIVEN)
        return f"{r.choice(FIRST_NAMES)} {r.choice(LAST_NAMES)}"

    def company_name(self, country: str) -> str:
        r = self.rng
        if country == "CN" and r.random() < 0.5:
            return r.choice(CN_COMPANY_PREFIX) + r.choice(CN_COMPANY_PREFIX) + r.choice(CN_COMPANY_TRADE) + "有限公司"
        return f"{r.choice(COMPANY_WORDS)} {r.choice(COMPANY_TRADES)} {r.choice(COMPANY_SUFFIXES)}"

    def phone(self, country: str) -> str:
        r = self.rng
        return f"+{CALLING_CODES[country]} {r.randint(10, 999)} {r.randint(1000, 9999)} {r.randint(1000, 9999)}"

    def moment(self, start: datetime) -> datetime:
        span = max(int((self.now - start).total_seconds()), 1)
        return start + timedelta(seconds=self.rng.randrange(span))


def seed_demo(
    *,
    customers: int,
    seed: int = 2026,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    admin_password: str | None = None,
) -> SeedResult:
    """Add `customers` demo customers with contacts, interactions, tags and relationships, owned by the demo
    reps and managers. Each batch is one transaction; ids continue after the existing rows."""
    by_role = ensure_demo_users(admin_password=admin_password)
    owners = by_role[SALES_REP] * 4 + by_role[SALES_MANAGER]  # reps own most customers, managers a few
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    rng = random.Random(seed + next_id(Customer))
    now = timezone.now()
    two_years_ago = now - timedelta(days=730)
    gen = _Generator(rng, now)
    stage_weights = (
        [Customer.Stage.LEAD] * 3
        + [Customer.Stage.PROSPECT] * 3
        + [Customer.Stage.CUSTOMER] * 5
        + [Customer.Stage.CHURNED]
    )
    industries = [c for c, _ in Customer.Industry.choices]
    sources = [c for c, _ in Customer.Source.choices if c != Customer.Source.IMPORT]
    channels = list(SUBJECTS)
    totals = SeedResult(0, 0, 0, 0)
    next_customer, next_contact, next_interaction = next_id(Customer), next_id(Contact), next_id(Interaction)
    done = 0
    db_time = connection.ops.adapt_datetimefield_value
    customer_cols = [
        "id",
        "kind",
        "name",
        "phone",
        "phone_digits",
        "email",
        "address",
        "city",
        "country",
        "industry",
        "source",
        "tier",
        "lifecycle_stage",
        "owner_id",
        "notes",
        "created_at",
        "updated_at",
        "last_contacted_at",
        "search_text",
    ]
    contact_cols = ["id", "customer_id", "name", "role", "email", "phone", "is_primary", "created_at", "updated_at"]
    interaction_cols = [
        "id",
        "customer_id",
        "channel",
        "direction",
        "occurred_at",
        "subject",
        "summary",
        "outcome",
        "next_step",
        "user_id",
        "created_at",
        "updated_at",
    ]
    relationship_cols = ["from_customer_id", "to_customer_id", "kind", "status", "notes", "created_at", "updated_at"]
    relationship_kinds = [k for k, _ in Relationship.Kind.choices]
    relationship_statuses = [k for k, _ in Relationship.Status.choices]
    owner_ids = [owner.pk for owner in owners]
    tag_ids = [tag.pk for tag in tags]
    while done < customers:
        size = min(batch_size, customers - done)
        rows_customers, rows_tags, rows_contacts, rows_interactions, rows_relationships = [], [], [], [], []
        for i in range(size):
            pk = next_customer + i
            country = rng.choices(gen.countries, gen.weights)[0]
            is_company = rng.random() < 0.55
            phone = gen.phone(country)
            created = gen.moment(two_years_ago)
            created_db = db_time(created)
            owner_id = rng.choice(owner_ids)
            customer_row = [
                pk,
                "company" if is_company else "person",
                gen.company_name(country) if is_company else gen.person_name(country),
                phone,
                phone_digits(phone),
                f"{'contact' if is_company else 'customer'}{pk}@example.{country.lower()}",
                f"{rng.randint(1, 400)} {rng.choice(STREETS)}",
                rng.choice(CITIES[country]),
                country,
                rng.choice(industries) if is_company else "",
                rng.choice(sources),
                rng.choices("ABC", (1, 3, 6))[0],
                rng.choice(stage_weights),
                owner_id,
                "",
                created_db,
                db_time(gen.moment(created)),
            ]
            for tag_id in rng.sample(tag_ids, rng.choice((0, 0, 1, 1, 2))):
                rows_tags.append((pk, tag_id))
            first_contact = len(rows_contacts)
            if is_company:
                for c in range(rng.choice((1, 1, 2))):
                    contact_id = next_contact + len(rows_contacts)
                    rows_contacts.append(
                        (
                            contact_id,
                            pk,
                            gen.person_name(country),
                            rng.choice(ROLES),
                            f"person{contact_id}@example.{country.lower()}",
                            gen.phone(country),
                            c == 0,
                            created_db,
                            created_db,
                        )
                    )
            last_contacted = None
            # What search reads, as customer_search_refresh would write it: the customer and its contacts.
            _id, _kind, name, _phone, digits, email, *_rest = customer_row
            contacts = [(c[2], c[4], phone_digits(c[5])) for c in rows_contacts[first_contact:]]
            search_document = customer_search_document(name=name, email=email, phone_digits=digits, contacts=contacts)
            for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                channel = rng.choice(channels)
                moment = gen.moment(created)
                last_contacted = max(last_contacted or moment, moment)
                when = db_time(moment)
                rows_interactions.append(
                    (
                        next_interaction + len(rows_interactions),
                        pk,
                        channel,
                        rng.choice(("inbound", "outbound", "outbound")),
                        when,
                        rng.choice(SUBJECTS[channel]),
                        "",
                        rng.choice(("positive", "neutral", "negative", "no_response", "")),
                        rng.choice(NEXT_STEPS),
                        owner_id,
                        when,
                        when,
                    )
                )
            rows_customers.append((*customer_row, db_time(last_contacted) if last_contacted else None, search_document))
            if i > 0 and rng.random() < 0.03:
                rows_relationships.append(
                    (
                        pk,
                        next_customer + rng.randrange(i),
                        rng.choice(relationship_kinds),
                        rng.choice(relationship_statuses),
                        "",
                        created_db,
                        created_db,
                    )
                )
        with transaction.atomic():
            insert_rows(Customer, customer_cols, rows_customers)
            insert_rows(Customer.tags.through, ["customer_id", "tag_id"], rows_tags)
            insert_rows(Contact, contact_cols, rows_contacts)
            insert_rows(Interaction, interaction_cols, rows_interactions)
            insert_rows(Relationship, relationship_cols, rows_relationships)
        next_customer += size
        next_contact += len(rows_contacts)
        next_interaction += len(rows_interactions)
        totals.customers += size
        totals.contacts += len(rows_contacts)
        totals.interactions += len(rows_interactions)
        totals.relationships += len(rows_relationships)
        done += size
        if progress:
            progress(done)
    return totals
