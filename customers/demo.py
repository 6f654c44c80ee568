"""Realistic demo data, generated fast enough to fill a million customers: plain tuples from seeded
random choices, inserted with bulk_create in batches, ids assigned up front so children need no read-back."""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from customers.models import Contact, Customer, Interaction, Relationship, Tag, Team
from customers.roles import ADMINISTRATOR, SALES_MANAGER, SALES_REP
from customers.validators import phone_digits

DEMO_PASSWORD = "demo-pass-2026"

# username, first name, last name, role, team
DEMO_USERS = [
    ("admin", "Ada", "Admin", ADMINISTRATOR, None),
    ("manager.north", "Li", "Na", SALES_MANAGER, "North"),
    ("manager.south", "Sofia", "Garcia", SALES_MANAGER, "South"),
    ("rep.wang", "Wang", "Wei", SALES_REP, "North"),
    ("rep.chen", "Chen", "Jing", SALES_REP, "North"),
    ("rep.oliver", "Oliver", "Smith", SALES_REP, "North"),
    ("rep.emma", "Emma", "Müller", SALES_REP, "South"),
    ("rep.lucas", "Lucas", "Martin", SALES_REP, "South"),
    ("rep.zhao", "Zhao", "Lei", SALES_REP, "South"),
]

FIRST_NAMES = ("James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
               "Joseph Jessica Thomas Sarah Daniel Karen Lukas Anna Mathilde Hugo Chloé Léa Pablo Lucía Marco Giulia "
               "Sven Ingrid Hiroshi Yuki Arjun Priya Mohammed Fatima Olga Ivan").split()
LAST_NAMES = ("Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
              "Thompson White Harris Clark Lewis Walker Müller Schmidt Schneider Dubois Moreau Lefèvre Rossi Russo "
              "García Fernández López Andersson Johansson Tanaka Suzuki Sato Patel Sharma Khan Ivanova Novak").split()
CN_SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 高".split()
CN_GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀英 华 平 建华 晓东 婷 浩 宇 欣怡 子涵 梓萱".split()
COMPANY_WORDS = ("Acme Apex Atlas Aurora Beacon Blue Bright Cedar Summit Crest Delta Eagle Everest Falcon Frontier "
                 "Global Golden Granite Harbor Horizon Iron Jade Keystone Lighthouse Maple Meridian Nova Oak Orion "
                 "Pacific Pinnacle Prime Quantum Redwood River Sapphire Silver Sterling Sun Titan Unity Vertex "
                 "Vista Willow Zenith Northern Eastern Western Southern").split()
COMPANY_TRADES = ("Logistics Software Systems Foods Textiles Motors Pharma Energy Media Consulting Electronics "
                  "Furniture Hotels Farms Builders Finance Insurance Labs Robotics Analytics Retail Trading "
                  "Machinery Packaging Travel Health Education Security Telecom").split()
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
COUNTRY_WEIGHTS = {"CN": 30, "US": 14, "GB": 9, "DE": 9, "FR": 7, "ES": 4, "IT": 4, "NL": 3, "SE": 2, "JP": 5,
                   "IN": 4, "SG": 2, "AU": 3, "CA": 3, "BR": 1}
CALLING_CODES = {"CN": "86", "US": "1", "GB": "44", "DE": "49", "FR": "33", "ES": "34", "IT": "39", "NL": "31",
                 "SE": "46", "JP": "81", "IN": "91", "SG": "65", "AU": "61", "CA": "1", "BR": "55"}
STREETS = ["Main Street", "Market Road", "Harbour Avenue", "Station Road", "Park Lane", "Riverside", "Nanjing Road",
           "Century Avenue", "King Street", "Rue de la Paix", "Hauptstraße", "Gran Vía"]
TAGS = ["VIP", "Newsletter", "Trade show 2025", "Partner program", "Reseller", "Key account", "Price sensitive",
        "Early adopter", "Needs follow-up", "Referral source"]
SUBJECTS = {
    "call": ["Discovery call", "Follow-up call about the proposal", "Pricing questions", "Renewal call",
             "Checked in after delivery"],
    "email": ["Sent product brochure", "Quote sent", "Answered support question", "Contract draft",
              "Invitation to webinar"],
    "meeting": ["Product demo", "Quarterly business review", "Negotiation meeting", "Kick-off meeting"],
    "chat": ["Website chat about delivery times", "Question about invoice", "Asked for a discount"],
    "social": ["Replied to LinkedIn message", "Comment on our WeChat post", "Mentioned us on social media"],
    "visit": ["Site visit", "Visited their office", "Customer visited our showroom"],
}
NEXT_STEPS = ["Send revised quote", "Schedule demo", "Call back next week", "Prepare contract", "Introduce to "
              "technical team", "Wait for budget approval", ""]
ROLES = ["Purchasing manager", "CEO", "CTO", "Head of operations", "Office manager", "Finance director",
         "Project lead"]


@dataclass
class SeedResult:
    customers: int
    contacts: int
    interactions: int
    relationships: int


def ensure_demo_users() -> dict[str, list]:
    """Create the demo users, their groups and the two teams (idempotent). Returns users by role."""
    User = get_user_model()
    by_role: dict[str, list] = {SALES_REP: [], SALES_MANAGER: [], ADMINISTRATOR: []}
    teams: dict[str, Team] = {}
    users = {}
    for username, first, last, role, team in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com",
                      "is_staff": role == ADMINISTRATOR, "is_superuser": username == "admin"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        by_role[role].append(user)
        users[username] = user
    for username, _first, _last, role, team_name in DEMO_USERS:
        if role == SALES_MANAGER:
            teams[team_name], _ = Team.objects.get_or_create(name=f"{team_name} team",
                                                             defaults={"manager": users[username]})
    for username, _first, _last, role, team_name in DEMO_USERS:
        if role == SALES_REP:
            teams[team_name].members.add(users[username])
    return by_role


@contextmanager
def _explicit_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the created/updated times we generate (spread over two years)."""
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now", False)
              or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, now, now_add in saved:
            f.auto_now, f.auto_now_add = now, now_add


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


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


def seed_demo(*, customers: int, seed: int = 2026, batch_size: int = 5000,
              progress: Callable[[int], None] | None = None) -> SeedResult:
    """Add `customers` demo customers with contacts, interactions, tags and relationships, owned by the demo
    reps and managers. Each batch is one transaction; ids continue after the existing rows."""
    by_role = ensure_demo_users()
    owners = by_role[SALES_REP] * 4 + by_role[SALES_MANAGER]  # reps own most customers, managers a few
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    rng = random.Random(seed + _next_id(Customer))
    now = timezone.now()
    two_years_ago = now - timedelta(days=730)
    gen = _Generator(rng, now)
    stage_weights = ([Customer.Stage.LEAD] * 3 + [Customer.Stage.PROSPECT] * 3 + [Customer.Stage.CUSTOMER] * 5
                     + [Customer.Stage.CHURNED])
    industries = [c for c, _ in Customer.Industry.choices]
    sources = [c for c, _ in Customer.Source.choices if c != Customer.Source.IMPORT]
    channels = list(SUBJECTS)
    tag_through = Customer.tags.through
    totals = SeedResult(0, 0, 0, 0)
    next_customer, next_contact, next_interaction = _next_id(Customer), _next_id(Contact), _next_id(Interaction)
    done = 0
    with _explicit_timestamps(Customer, Contact, Interaction, Relationship):
        while done < customers:
            size = min(batch_size, customers - done)
            batch_customers, batch_tags, batch_contacts, batch_interactions, batch_relationships = [], [], [], [], []
            for i in range(size):
                pk = next_customer + i
                country = rng.choices(gen.countries, gen.weights)[0]
                is_company = rng.random() < 0.55
                name = gen.company_name(country) if is_company else gen.person_name(country)
                phone = gen.phone(country)
                created = gen.moment(two_years_ago)
                email_name = f"contact{pk}" if is_company else f"customer{pk}"
                owner = rng.choice(owners)
                batch_customers.append(Customer(
                    pk=pk, kind=Customer.Kind.COMPANY if is_company else Customer.Kind.PERSON, name=name,
                    phone=phone, phone_digits=phone_digits(phone), email=f"{email_name}@example.{country.lower()}",
                    address=f"{rng.randint(1, 400)} {rng.choice(STREETS)}", city=rng.choice(CITIES[country]),
                    country=country, industry=rng.choice(industries) if is_company else "",
                    source=rng.choice(sources), tier=rng.choices("ABC", (1, 3, 6))[0],
                    lifecycle_stage=rng.choice(stage_weights), owner_id=owner.pk, notes="",
                    created_at=created, updated_at=gen.moment(created),
                ))
                for tag in rng.sample(tags, rng.choice((0, 0, 1, 1, 2))):
                    batch_tags.append(tag_through(customer_id=pk, tag_id=tag.pk))
                if is_company:
                    for c in range(rng.choice((1, 1, 2))):
                        batch_contacts.append(Contact(
                            pk=next_contact + len(batch_contacts), customer_id=pk,
                            name=gen.person_name(country), role=rng.choice(ROLES),
                            email=f"person{next_contact + len(batch_contacts)}@example.{country.lower()}",
                            phone=gen.phone(country), is_primary=c == 0, created_at=created, updated_at=created,
                        ))
                for _ in range(rng.choice((0, 1, 2, 2, 3, 4))):
                    channel = rng.choice(channels)
                    when = gen.moment(created)
                    batch_interactions.append(Interaction(
                        pk=next_interaction + len(batch_interactions), customer_id=pk, channel=channel,
                        direction=rng.choice(("inbound", "outbound", "outbound")), occurred_at=when,
                        subject=rng.choice(SUBJECTS[channel]), summary="",
                        outcome=rng.choice(("positive", "neutral", "negative", "no_response", "")),
                        next_step=rng.choice(NEXT_STEPS), user_id=owner.pk, created_at=when, updated_at=when,
                    ))
                if i > 0 and rng.random() < 0.03:
                    other = next_customer + rng.randrange(i)
                    batch_relationships.append(Relationship(
                        from_customer_id=pk, to_customer_id=other,
                        kind=rng.choice([k for k, _ in Relationship.Kind.choices]),
                        status=rng.choice([s for s, _ in Relationship.Status.choices]),
                        created_at=created, updated_at=created,
                    ))
            with transaction.atomic():
                Customer.objects.bulk_create(batch_customers, batch_size=2000)
                tag_through.objects.bulk_create(batch_tags, batch_size=5000)
                Contact.objects.bulk_create(batch_contacts, batch_size=2000)
                Interaction.objects.bulk_create(batch_interactions, batch_size=2000)
                Relationship.objects.bulk_create(batch_relationships, batch_size=2000)
            next_customer += size
            next_contact += len(batch_contacts)
            next_interaction += len(batch_interactions)
            totals.customers += size
            totals.contacts += len(batch_contacts)
            totals.interactions += len(batch_interactions)
            totals.relationships += len(batch_relationships)
            done += size
            if progress:
                progress(done)
    return totals
