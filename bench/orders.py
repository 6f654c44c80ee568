"""Order pages at the scale of the Online Retail file: imports all 541,909 lines (25,898 orders, 4,373 customers)
into a MariaDB/MySQL database once, owned by one rep, then requests the order list (first page, status filter,
sort by total, date range, search), an order page with many lines, the customer page with its orders card and the
CSV export as that rep, and prints server time per request (median, p95) and SQL queries per page.

    python bench/orders.py [--data ../shared/data] [--repeat 20]
    BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/crm_orders_bench python bench/orders.py

Times are measured in-process through Django's test client with DEBUG off: URL routing, middleware, the database
and template rendering, without the network.
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.sales import time_page  # noqa: E402

TARGETS_MS = {"list": 150, "filter": 150, "sort by total": 1500, "date range": 150, "search": 300, "order": 100}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per scenario")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/crm_orders_bench")
    )
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="crm.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_LOG_LEVEL="ERROR",
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    if args.database_url.startswith("mysql"):
        from urllib.parse import urlparse

        import MySQLdb

        url = urlparse(args.database_url)
        connection = MySQLdb.connect(
            host=url.hostname, port=url.port or 3306, user=url.username, password=url.password or ""
        )
        connection.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{url.path.lstrip('/')}` CHARACTER SET utf8mb4")
        connection.close()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from accounts.roles import SALES_REP
    from sales.models import Order

    call_command("migrate", verbosity=0)
    rep, created = get_user_model().objects.get_or_create(username="bench.orders", defaults={"first_name": "Bench"})
    if created:
        rep.groups.add(Group.objects.get(name=SALES_REP))
    if not Order.objects.exists():
        started = time.monotonic()
        call_command("import_online_retail", str(args.data / "online_retail" / "online_retail.csv"), owner=rep.username)
        print(f"import: {time.monotonic() - started:.1f} s")
    biggest = Order.objects.annotate(n=Count("lines")).order_by("-n").values_list("pk", "customer_id", "n").first()
    print(f"{Order.objects.count():,} orders; largest order has {biggest[2]} lines")

    client = Client()
    client.force_login(rep)
    orders = reverse("sales:order-list")
    scenarios = [
        ("list", orders),
        ("filter", orders + "?status=paid&kind=return"),
        ("sort by total", orders + "?sort=-total"),
        ("date range", orders + "?date_from=2011-06-01&date_to=2011-06-30"),
        ("search", orders + "?q=5400"),
        ("order", reverse("sales:order-detail", kwargs={"pk": biggest[0]})),
        ("customer", reverse("customers:customer-detail", kwargs={"pk": biggest[1]})),
        ("export (June)", reverse("sales:order-export") + "?date_from=2011-06-01&date_to=2011-06-30"),
    ]
    print(f"{'page':<16}{'median ms':>10}{'p95 ms':>10}{'queries':>9}  target")
    for name, url in scenarios:
        median, p95, queries = time_page(client, url, args.repeat, warm=1)
        target = TARGETS_MS.get(name)
        verdict = "" if target is None else f"≤ {target} ms {'PASS' if median <= target else 'MISS'}"
        print(f"{name:<16}{median:>10.1f}{p95:>10.1f}{queries:>9}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
