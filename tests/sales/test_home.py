"""The home page: a rep's overdue and today's tasks, deals closing this month, new leads and won revenue against
their quota; a manager's team, per member; the whole company for an administrator; a useful page for everyone else;
"today" and "this month" in the user's time zone; a fixed number of queries whatever the data."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from accounts.roles import MARKETER, SUPPORT_AGENT
from crm.timezones import day_start, month_start, previous_month
from customers.models import Customer
from sales.models import Quota
from sales.selectors.home import home_summary_for
from tests.customers._support import page_text, section_text
from tests.factories.customers import CustomerFactory, UserFactory
from tests.factories.sales import OpportunityFactory, stage
from tests.factories.sales_tasks import TaskFactory

pytestmark = pytest.mark.django_db
HOME = reverse("home")
QUERY_LIMIT = 12
ZONES = ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles",
         "Asia/Tokyo", "Pacific/Auckland", "America/Sao_Paulo", "Asia/Dubai"]  # fmt: skip


@pytest.fixture
def zone():
    """A time zone where it is now the middle of the day, so "later today" and "earlier this month" both exist."""
    now = timezone.now()
    name = next(z for z in ZONES if 8 <= now.astimezone(ZoneInfo(z)).hour < 16 and now.astimezone(ZoneInfo(z)).day > 1)
    with timezone.override(name):
        yield name


def _in_zone(*users, zone):
    for user in users:
        Profile.objects.update_or_create(user=user, defaults={"time_zone": zone})
        user.refresh_from_db()


def _won(customer, amount, *, closed_at=None, currency="USD", owner=None):
    return OpportunityFactory(
        customer=customer,
        owner=owner or customer.owner,
        amount=Decimal(amount),
        currency=currency,
        stage=stage("won"),
        closed_at=closed_at or timezone.now() - timedelta(minutes=1),
    )


def _the_day_of(rep, customer, teammate_customer):
    """A rep's tasks, deals and leads, with others that must not show."""
    now = timezone.now()
    today = timezone.localdate()
    end_of_day = day_start(today + timedelta(days=1))
    TaskFactory(customer=customer, subject="Call back Acme", due_at=now - timedelta(hours=3), priority="high")
    TaskFactory(customer=customer, subject="Send the quote", due_at=now + (end_of_day - now) / 2)
    TaskFactory(customer=customer, subject="Prepare the review", due_at=end_of_day + timedelta(hours=1))
    TaskFactory(customer=teammate_customer, subject="Tom's overdue call", due_at=now - timedelta(hours=1))
    OpportunityFactory(customer=customer, title="Fleet renewal", amount=Decimal("1200"), currency="USD",
                       stage=stage("proposal"), expected_close_date=today)  # fmt: skip
    OpportunityFactory(customer=customer, title="Next year's deal", amount=Decimal("800"), currency="USD",
                       expected_close_date=today + timedelta(days=40))  # fmt: skip
    OpportunityFactory(customer=teammate_customer, title="Tom's deal", currency="USD", expected_close_date=today)
    _won(customer, "3000")
    _won(customer, "5000", closed_at=day_start(previous_month(today)))  # last month: not counted
    CustomerFactory(owner=rep, name="Fresh Lead Ltd", lifecycle_stage=Customer.Stage.LEAD)
    old = CustomerFactory(owner=rep, name="Old Lead Ltd", lifecycle_stage=Customer.Stage.LEAD)
    Customer.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=40))
    CustomerFactory(owner=rep, name="A Prospect Ltd", lifecycle_stage=Customer.Stage.PROSPECT)
    CustomerFactory(owner=teammate_customer.owner, name="Tom's Lead Ltd", lifecycle_stage=Customer.Stage.LEAD)
    Quota.objects.create(rep=rep, month=month_start(today), amount=Decimal("10000"), currency="USD")


@pytest.fixture
def teammate_customer(teammate):
    return CustomerFactory(owner=teammate, name="Harbour Foods")


def test_rep_sees_their_day_and_month(client, zone, rep, teammate, customer, teammate_customer):
    # given
    _in_zone(rep, zone=zone)
    _the_day_of(rep, customer, teammate_customer)
    client.force_login(rep)

    # when
    response = client.get(HOME)

    # then
    assert response.status_code == 200
    html = page_text(response)
    assert "Your day" in html
    overdue, later = section_text(response, "overdue-heading"), section_text(response, "today-heading")
    assert "Call back Acme" in overdue and "High" in overdue and "Tom's" not in overdue
    assert "Send the quote" in later and "Prepare the review" not in later
    closing = section_text(response, "closing-heading")
    assert "Fleet renewal" in closing and "1,200.00 USD" in closing
    assert "Next year's deal" not in closing and "Tom's deal" not in closing
    leads = section_text(response, "leads-heading")
    assert "Fresh Lead Ltd" in leads and "Old Lead Ltd" not in leads and "Prospect" not in leads
    assert "Tom's Lead" not in leads
    won = section_text(response, "won-heading")
    assert "3,000.00 USD" in won and "of 10,000.00 USD" in won and "30%" in won
    assert 'value="3000.00" max="10000.00"' in html
    assert 'data-testid="people"' not in html  # a rep has no team table


def test_rep_completes_an_overdue_task_from_home_and_comes_back(client, rep, customer):
    task = TaskFactory(customer=customer, subject="Call back Acme", due_at=timezone.now() - timedelta(hours=1))
    client.force_login(rep)
    assert reverse("sales:task-complete", args=[task.pk]) in page_text(client.get(HOME))

    response = client.post(reverse("sales:task-complete", args=[task.pk]), {"version": 1, "next": HOME})

    assert response.status_code == 302 and response.url == HOME
    assert "Call back Acme" not in section_text(client.get(HOME), "overdue-heading")


def test_without_a_quota_the_won_amount_shows_and_says_so(client, rep, customer):
    _won(customer, "250", currency="EUR")
    client.force_login(rep)

    html = page_text(client.get(HOME))

    assert "250.00 EUR" in html and "No quota set for this month." in html


def test_won_in_another_currency_than_the_quota_is_shown_apart(client, rep, customer):
    _won(customer, "1000", currency="USD")
    _won(customer, "700", currency="EUR")
    Quota.objects.create(rep=rep, month=month_start(timezone.localdate()), amount=Decimal("4000"), currency="USD")
    client.force_login(rep)

    won = section_text(client.get(HOME), "won-heading")

    assert "1,000.00 USD" in won and "25%" in won and "Also won, in other currencies: 700.00 EUR" in won


def test_manager_sees_the_team_per_member(client, zone, manager, rep, teammate, outsider, customer, teammate_customer):
    # given: the rep's day, the teammate's quota and pipeline, and a rep of another team
    _in_zone(manager, rep, zone=zone)
    _the_day_of(rep, customer, teammate_customer)
    month = month_start(timezone.localdate())
    Quota.objects.create(rep=teammate, month=month, amount=Decimal("2000"), currency="USD")
    _won(teammate_customer, "2500")
    other = CustomerFactory(owner=outsider, name="Southern Lights")
    _won(other, "9999")
    TaskFactory(customer=other, subject="Otto's overdue call", due_at=timezone.now() - timedelta(hours=1))
    client.force_login(manager)

    # when
    response = client.get(HOME)

    # then
    html = page_text(response)
    assert "Your team today" in html
    rows = {row.person.username: row for row in response.context["summary"].people}
    assert set(rows) == {"rep.one", "rep.two"}
    assert rows["rep.one"].attainment.percent == 30 and rows["rep.one"].overdue == 1
    assert rows["rep.one"].pipeline.get("USD") > Decimal("1200")
    assert rows["rep.two"].attainment.percent == 125 and rows["rep.two"].overdue == 1
    assert rows["rep.two"].attainment.won_amount == Decimal("2500")
    people = section_text(response, "people-heading")
    assert "Rita Rep" in people and "Tom Mate" in people and "Otto" not in people
    assert "125%" in people and "30%" in people
    won = section_text(response, "won-heading")
    assert "5,500.00 USD" in won and "of 12,000.00 USD" in won and "45%" in won
    overdue = section_text(response, "overdue-heading")
    assert "Call back Acme" in overdue and "Tom's overdue call" in overdue and "Otto" not in overdue
    assert "Rita Rep" in overdue  # whose task it is
    assert "Tom's Lead Ltd" in section_text(response, "leads-heading")
    assert "9,999" not in html


def test_administrator_sees_the_whole_company(client, administrator, manager, rep, outsider, customer):
    _won(customer, "100")
    _won(CustomerFactory(owner=outsider), "200")
    client.force_login(administrator)

    response = client.get(HOME)

    html = page_text(response)
    people = {row.person.username for row in response.context["summary"].people}
    assert "The company today" in html
    assert {"rep.one", "rep.two", "rep.other", "manager.one", "manager.two"} <= people
    assert "300.00 USD" in section_text(response, "won-heading")


@pytest.mark.parametrize("role", [SUPPORT_AGENT, MARKETER, None])
def test_people_without_sales_work_get_a_home_with_what_they_use(client, role, customer):
    person = UserFactory(username="someone.else", role=role)
    client.force_login(person)

    response = client.get(HOME)

    html = page_text(response)
    assert response.status_code == 200 and "Welcome" in html
    assert 'data-testid="home-links"' in html and reverse("accounts:notifications") in html
    assert (reverse("customers:customer-list") in html) == (role is not None)
    assert "Overdue tasks" not in html and "Won this month" not in html


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(HOME)

    assert response.status_code == 302 and response.url == f"{reverse('login')}?next=/"


def _fill(owner, customers: int):
    """`customers` customers of `owner`, each with tasks due, deals closing and won, and as many leads."""
    now = timezone.now()
    for number in range(customers):
        customer = CustomerFactory(owner=owner, lifecycle_stage=Customer.Stage.LEAD)
        TaskFactory(customer=customer, due_at=now - timedelta(hours=number + 1))
        TaskFactory(customer=customer, due_at=now + timedelta(minutes=number + 1))
        OpportunityFactory(customer=customer, expected_close_date=timezone.localdate())
        _won(customer, "10")


def _queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOME)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("user_kind", ["rep", "manager", "administrator"])
def test_the_number_of_queries_does_not_grow_with_the_data(client, request, user_kind, rep, teammate, manager):
    # given
    user = request.getfixturevalue(user_kind)
    Quota.objects.create(rep=rep, month=month_start(timezone.localdate()), amount=Decimal("100"))
    _fill(rep, 1)
    client.force_login(user)
    client.get(HOME)
    few = _queries(client)

    # when: many more tasks, deals, won deals and leads, of more people
    _fill(rep, 12)
    _fill(teammate, 12)
    many = _queries(client)

    # then
    assert len(many) == len(few), "\n".join(many)
    assert len(many) <= QUERY_LIMIT, "\n".join(many)


def test_today_and_this_month_are_the_users(rep, customer):
    # given: a rep in Shanghai, at 01:00 on 1 April there (17:00 UTC on 31 March)
    now = datetime(2026, 3, 31, 17, 0, tzinfo=ZoneInfo("UTC"))
    _won(customer, "100", closed_at=datetime(2026, 3, 31, 16, 30, tzinfo=ZoneInfo("UTC")))  # 00:30 on 1 April there
    _won(customer, "7", closed_at=datetime(2026, 3, 31, 15, 30, tzinfo=ZoneInfo("UTC")))  # 23:30 on 31 March there
    TaskFactory(
        customer=customer, subject="Breakfast call", due_at=datetime(2026, 3, 31, 23, 0, tzinfo=ZoneInfo("UTC"))
    )
    TaskFactory(
        customer=customer, subject="Tomorrow's call", due_at=datetime(2026, 4, 1, 17, 0, tzinfo=ZoneInfo("UTC"))
    )
    OpportunityFactory(customer=customer, title="April deal", expected_close_date=date(2026, 4, 30))
    OpportunityFactory(customer=customer, title="March deal", expected_close_date=date(2026, 3, 31))

    # when
    with timezone.override("Asia/Shanghai"):
        summary = home_summary_for(user=rep, now=now)

    # then
    assert summary.month.isoformat() == "2026-04-01"
    assert summary.attainment.won.get("USD") == Decimal("100")
    assert [t.subject for t in summary.today_tasks] == ["Breakfast call"]
    assert [o.title for o in summary.closing] == ["April deal"]
