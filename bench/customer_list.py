"""Customer list speed at scale: seeds MariaDB/MySQL to --customers rows (1,000,000 by default), then
requests the list as a rep and as an administrator (first page, name search, filters) and a detail page,
and prints server time per request (median, p95) and SQL queries per page.

    make bench                                   # DATABASE_URL defaults to mysql://root@127.0.0.1:3306/crm_bench
    python bench/customer_list.py --customers 200000 --repeat 50

Times are measured in-process through Django's test client with DEBUG off: URL routing, middleware, the
database and template rendering, without the network.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote_plus, urlparse

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARGETS = {
    "first page": 50,
    "filter": 50,
    "sort": 50,
    "page": 50,
    "deep page": 200,
    "search": 200,
    "detail": 50,
    "admin": 1000,
    "bin": 50,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed requests per scenario")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/crm_bench")
    )
    parser.add_argument(
        "--buffer-pool-mb",
        type=int,
        default=2048,
        help="raise innodb_buffer_pool_size to this (needs SUPER; 0 leaves it)",
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
        create_database(args.database_url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from customers.demo import seed_demo
    from customers.models import Customer

    call_command("migrate", verbosity=0)
    if connection.vendor == "mysql" and args.buffer_pool_mb:
        with connection.cursor() as cursor:
            try:
                cursor.execute(f"SET GLOBAL innodb_buffer_pool_size = {args.buffer_pool_mb * 1024 * 1024}")
            except Exception as exc:  # not allowed for this user: measure as configured
                print(f"(could not resize the buffer pool: {exc})")
    existing = Customer.all_objects.count()
    if existing < args.customers:
        missing = args.customers - existing
        print(f"Seeding {missing:,} customers into {connection.vendor} ({existing:,} present)…", flush=True)
        started = time.monotonic()

        def progress(done: int) -> None:
            if done % 100_000 < 5000:
                print(f"  {done:,} ({done / (time.monotonic() - started):,.0f} customers/s)", flush=True)

        result = seed_demo(customers=missing, progress=progress)
        took = time.monotonic() - started
        print(
            f"Seeded {result.customers:,} customers, {result.contacts:,} contacts, {result.interactions:,} "
            f"interactions in {took:,.0f} s ({result.customers / took:,.0f} customers/s)"
        )
        if connection.vendor == "mysql":
            with connection.cursor() as cursor:
                for table in (
                    "customers_customer",
                    "customers_customer_tags",
                    "customers_interaction",
                    "customers_contact",
                ):
                    cursor.execute(f"ANALYZE TABLE {table}")
                    cursor.fetchall()
    recycle_some(args.customers // 100)
    run_scenarios(args.repeat)
    return 0


def recycle_some(count: int) -> None:
    """Put 1% of the customers (every 100th) in the recycle bin, as a live database has some: every list then
    filters them out, and the figures show whether the indexes still serve with the deleted flag in place."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from customers.models import Customer
    from records.models import Deletion

    if Deletion.objects.exists() or not count:
        return
    started = time.monotonic()
    admin = get_user_model().objects.get(username="admin")
    content_type = ContentType.objects.get_for_model(Customer)
    rows = list(Customer.objects.filter(pk__in=range(1, count * 100 + 1, 100)).values_list("pk", "name", "owner_id"))
    entries = Deletion.objects.bulk_create(
        [
            Deletion(
                content_type=content_type,
                object_id=pk,
                label=name,
                domain="customers",
                owner_id=owner,
                deleted_by=admin,
            )
            for pk, name, owner in rows
        ],
        batch_size=2000,
    )
    for entry in entries:
        Customer.all_objects.filter(pk=entry.object_id).update(deletion=entry)
    print(f"Moved {len(entries):,} customers to the recycle bin in {time.monotonic() - started:,.0f} s")


def create_database(url: str) -> None:
    import MySQLdb

    parts = urlparse(url)
    conn = MySQLdb.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=parts.username or "root",
        passwd=parts.password or "",
    )
    conn.cursor().execute(
        f"CREATE DATABASE IF NOT EXISTS `{parts.path.lstrip('/')}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    conn.close()


def verify_second_factor(client, user) -> None:
    """Administrators sign in with an authenticator: mark the bench's session as having passed that step."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Benchmark", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def run_scenarios(repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from customers.demo import CALLING_CODES
    from customers.models import Contact, Customer

    User = get_user_model()
    rep, admin = User.objects.get(username="rep.wang"), User.objects.get(username="admin")
    total = Customer.objects.count()
    rep_customer = Customer.objects.filter(owner=rep).order_by("pk").values_list("pk", flat=True).first()
    sample = Customer.objects.filter(owner=rep).order_by("-pk").values_list("email", "phone_digits", "country").first()
    contact = Contact.objects.filter(customer__owner=rep).order_by("-pk").values_list("name", flat=True).first()
    national = "0" + sample[1][len(CALLING_CODES[sample[2]]) :]  # as dialled at home: trunk 0, no country code
    today = timezone.localdate()
    month_ago = today - timedelta(days=30)
    scenarios = [
        ("first page", "/customers/"),
        ("filter", "/customers/?tier=A"),
        ("filter", "/customers/?country=DE&lifecycle_stage=customer"),
        ("filter", "/customers/?tag=1"),
        ("filter", "/customers/?sort=-updated"),
        ("filter", "/customers/?source=referral"),
        ("filter", "/customers/?industry=finance"),
        ("filter", f"/customers/?created_from={month_ago}&created_to={today}"),
        ("filter", "/customers/?not_contacted=30"),
        ("filter", "/customers/?not_contacted=never"),
        ("sort", "/customers/?sort=last_contacted"),
        ("sort", "/customers/?sort=-last_contacted"),
        ("sort", "/customers/?sort=owner"),
        ("sort", "/customers/?sort=-owner"),
        # Past the counted cap (1,000 rows = 40 pages): a page just past it, then deep pages read by keys first.
        ("page", "/customers/?page=60"),
        ("deep page", "/customers/?page=2000"),
        ("deep page", "/customers/?page=2000&sort=owner"),
        ("search", "/customers/?q=smith"),
        ("search", "/customers/?q=harbor+logistics"),
        ("search", "/customers/?q=王"),
        ("search", f"/customers/?q={sample[0][:12]}"),
        ("search", f"/customers/?q={sample[1][:8]}"),
        ("search", f"/customers/?q={quote_plus(contact)}"),  # a contact's name
        ("search", f"/customers/?q={sample[0].split('@')[0]}"),  # an email fragment without "@"
        ("search", "/customers/?q=电子"),  # Chinese inside a name
        ("search", "/customers/?q=lefevre"),  # typed without the accent of Lefèvre
        ("search", f"/customers/?q={national}"),  # a national phone number
        ("search", f"/customers/?q={sample[1][-4:]}"),  # the last digits of a phone number
        ("detail", f"/customers/{rep_customer}/"),
        ("bin", "/records/recycle-bin/"),
    ]
    # Django admin, for the administrator only: the back office at a million rows.
    admin_scenarios = [
        ("admin", "/admin/customers/customer/"),
        ("admin", "/admin/customers/customer/?q=smith"),
        ("admin", "/admin/customers/interaction/"),
        ("admin", f"/admin/customers/customer/{rep_customer}/change/"),
    ]
    print(
        f"\n{total:,} customers on {connection.vendor} {connection.mysql_server_info if connection.vendor == 'mysql' else ''}; "
        f"{repeat} timed requests per row after 3 warm-ups"
    )
    header = f"{'user':<6} {'kind':<11} {'path':<52} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'target':>7}"
    print(header)
    print("-" * len(header))
    for label, user in (("rep", rep), ("admin", admin)):
        client = Client()
        client.force_login(user)
        if label == "admin":
            verify_second_factor(client, user)
        for kind, path in scenarios + (admin_scenarios if label == "admin" else []):
            for _ in range(3):
                assert client.get(path).status_code == 200, path
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            median = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
            target = TARGETS[kind]
            verdict = "ok" if median <= target and len(queries) <= (40 if kind == "admin" else 10) else "MISS"
            print(
                f"{label:<6} {kind:<11} {path[:52]:<52} {median:>9.1f} {p95:>8.1f} {len(queries):>7} "
                f"{'<' + str(target):>6} {verdict}",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
