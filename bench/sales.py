"""Sales pages at scale: seeds a MariaDB/MySQL database to --opportunities opportunities and --order-lines order
lines (200,000 and 5,000,000 by default, for --customers customers, topped up only where short), then requests the
pipeline board (and its owner, team and close-month filters), the opportunity list with its filters, sorts and
search, an opportunity, the order list with its filters, sorts and search, an order, the product list and a product,
and the customer page, as a rep, a manager and an administrator, and prints server time per request (median, p95)
and SQL queries per page against the targets: 50 ms for a page, 200 ms for a search, 12 queries.

    make bench-sales
    python bench/sales.py --repeat 30
    BENCH_SALES_DATABASE_URL=mysql://root@127.0.0.1:3306/crm_sales_bench python bench/sales.py

Measured as bench/customer_list.py measures: in-process through Django's test client with DEBUG off (URL routing,
middleware, the database and template rendering, without the network).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.customer_list import create_database, verify_second_factor  # noqa: E402

TARGETS_MS = {"page": 50, "search": 200}
MAX_QUERIES = 12
USERS = ("rep.wang", "manager.north", "admin")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=150_000)
    parser.add_argument("--products", type=int, default=540)
    parser.add_argument("--opportunities", type=int, default=200_000)
    parser.add_argument("--order-lines", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario")
    parser.add_argument("--only", default="", help="run only the scenarios whose label contains this")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_SALES_DATABASE_URL", "mysql://root@127.0.0.1:3306/crm_sales_bench"),
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    seed(customers=args.customers, products=args.products, opportunities=args.opportunities, lines=args.order_lines)
    if not args.seed_only:
        run_scenarios(args.repeat, only=args.only)
    return 0


def setup_django(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="crm.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_LOG_LEVEL="ERROR",
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    if database_url.startswith("mysql"):
        create_database(database_url)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(*, customers: int, products: int, opportunities: int, lines: int) -> None:
    """Top the database up to the sizes asked, timing each kind (the figures the README quotes for seeding)."""
    from django.db import connection

    from customers.demo import seed_demo
    from customers.models import Customer
    from sales.demo import opportunities_seed, orders_seed
    from sales.demo.catalogue import products_seed
    from sales.models import Opportunity, OrderLine

    def timed(label: str, function, **kwargs):
        started = time.monotonic()
        result = function(**kwargs)
        print(f"Seeded {label} in {time.monotonic() - started:,.0f} s: {result}", flush=True)
        return result

    def progress(kind: str, every: int):
        started = time.monotonic()

        def report(done: int) -> None:
            if done % every < (every // 10 or 1):
                print(f"  {done:,} {kind} ({done / (time.monotonic() - started):,.0f}/s)", flush=True)

        return report

    changed = False
    if (missing := customers - Customer.all_objects.count()) > 0:
        timed(f"{missing:,} customers", seed_demo, customers=missing, progress=progress("customers", 50_000))
        changed = True
    timed(f"the catalogue ({products:,} products)", products_seed, count=products)
    if (missing := opportunities - Opportunity.all_objects.count()) > 0:
        timed(
            f"{missing:,} opportunities",
            opportunities_seed,
            count=missing,
            progress=progress("opportunities", 50_000),
        )
        changed = True
    if (missing := lines - OrderLine.objects.count()) > 0:
        timed(f"{missing:,} order lines", orders_seed, lines=missing, progress=progress("order lines", 500_000))
        changed = True
    if changed and connection.vendor == "mysql":
        with connection.cursor() as cursor:
            for table in (
                "customers_customer",
                "sales_opportunity",
                "sales_stagechange",
                "sales_order",
                "sales_orderline",
                "sales_product",
            ):
                cursor.execute(f"ANALYZE TABLE {table}")
                cursor.fetchall()


def time_page(client, url: str, repeat: int, *, warm: int = 3) -> tuple[float, float, int]:
    """Median and p95 server time (ms) of `repeat` requests after `warm` ones, and the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warm):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], len(queries)


def scenarios_for(user) -> list[tuple[str, str, str]]:
    """(kind, label, URL) of every request, for one user: their own records where a page shows one."""
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Team
    from customers.models import Customer
    from sales.models import Opportunity, Order, Product, Stage
    from sales.selectors.opportunities import opportunity_scope
    from sales.selectors.orders import order_scope

    month = timezone.localdate().strftime("%Y-%m")
    north = Team.objects.get(name="North team").pk
    wang = Customer.objects.filter(owner__username="rep.wang").values_list("owner_id", flat=True).first()
    proposal = Stage.objects.get(code="proposal").pk
    opportunity = opportunity_scope(user=user).order_by("-pk").values_list("pk", flat=True).first()
    own_orders = order_scope(user=user).filter(kind="order")
    # The largest of the user's last 2,000 orders: an order page with many lines.
    recent = list(own_orders.order_by("-pk").values_list("pk", flat=True)[:2000])
    order = (
        Order.objects.filter(pk__in=recent).annotate(n=Count("lines")).order_by("-n").values_list("pk", "customer_id")
    ).first()
    number = Order.objects.get(pk=order[0]).number
    customer_name = Customer.objects.get(pk=order[1]).name
    product = Product.objects.filter(sku="DEMO-LAP-0001").values_list("pk", flat=True).first()
    opportunity_customer = Opportunity.objects.get(pk=opportunity).customer.name
    by_others = [
        ("page", "board, one owner", f"/sales/pipeline/?owner={wang}"),
        ("page", "board, team", f"/sales/pipeline/?team={north}"),
        ("page", "list, owner", f"/sales/opportunities/?owner={wang}"),
    ]
    return [
        ("page", "board", "/sales/pipeline/"),
        ("page", "board, close month", f"/sales/pipeline/?close_month={month}"),
        *(by_others if user.username != "rep.wang" else []),
        ("page", "opportunity list", "/sales/opportunities/"),
        ("page", "list, stage", f"/sales/opportunities/?stage={proposal}"),
        ("page", "list, close month", f"/sales/opportunities/?close_month={month}"),
        ("page", "list, source", "/sales/opportunities/?source=referral"),
        ("page", "list, by amount", "/sales/opportunities/?sort=-amount"),
        ("page", "list, by title", "/sales/opportunities/?sort=title"),
        ("page", "list, by stage", "/sales/opportunities/?sort=stage"),
        ("page", "list, newest", "/sales/opportunities/?sort=-created"),
        ("page", "list, page 30", "/sales/opportunities/?page=30"),
        ("search", "search, title word", "/sales/opportunities/?q=fleet"),
        ("search", "search, customer", f"/sales/opportunities/?q={opportunity_customer.split()[0]}"),
        ("page", "opportunity", f"/sales/opportunities/{opportunity}/"),
        ("page", "order list", "/sales/orders/"),
        ("page", "orders, status", "/sales/orders/?status=shipped"),
        ("page", "orders, returns", "/sales/orders/?kind=return"),
        ("page", "orders, country", "/sales/orders/?ship_to_country=DE"),
        ("page", "orders, one month", f"/sales/orders/?date_from={month}-01&date_to={month}-28"),
        ("page", "orders, by number", "/sales/orders/?sort=number"),
        ("page", "orders, by total", "/sales/orders/?sort=-total"),
        ("search", "order search, number", f"/sales/orders/?q={number[:7]}"),
        ("search", "order search, customer", f"/sales/orders/?q={customer_name.split()[0]}"),
        ("page", "order", f"/sales/orders/{order[0]}/"),
        ("page", "product list", "/sales/products/"),
        ("search", "product search", "/sales/products/?q=laptop"),
        ("page", "product", f"/sales/products/{product}/"),
        ("page", "customer", f"/customers/{order[1]}/"),
    ]


def run_scenarios(repeat: int, *, only: str = "") -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from sales.models import Opportunity, Order, OrderLine

    print(
        f"\n{Opportunity.objects.count():,} opportunities, {Order.objects.count():,} orders, "
        f"{OrderLine.objects.count():,} order lines on {connection.vendor} "
        f"{connection.mysql_server_info if connection.vendor == 'mysql' else ''}; {repeat} timed requests per row "
        "after 3 warm-ups"
    )
    header = f"{'user':<14} {'request':<24} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'target':>7}"
    print(header)
    print("-" * len(header))
    User = get_user_model()
    for username in USERS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        if user.is_superuser or user.is_staff:
            verify_second_factor(client, user)
        for kind, label, url in scenarios_for(user):
            if only and only not in label:
                continue
            median, p95, queries = time_page(client, url, repeat)
            target = TARGETS_MS[kind]
            verdict = "ok" if median <= target and queries <= MAX_QUERIES else "MISS"
            print(
                f"{username:<14} {label:<24} {median:>9.1f} {p95:>8.1f} {queries:>7} {'≤' + str(target):>7} {verdict}",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
