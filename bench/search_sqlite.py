"""Customer search on the embedded SQLite default: seeds an SQLite file to --customers rows (100,000 by default)
with customers.demo.seed_demo, then requests the list as a rep and as an administrator (first page, then each
form of search) and prints requests per second, median server time and SQL queries per page.

    python bench/search_sqlite.py                                  # var/bench-search.sqlite3, 100,000 customers
    python bench/search_sqlite.py --database /tmp/search.sqlite3 --repeat 30

Times are measured in-process through Django's test client with DEBUG off, as bench/customer_list.py does.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--database", default=str(REPO / "var" / "bench-search.sqlite3"))
    args = parser.parse_args()

    os.environ.update(
        DATABASE_URL=f"sqlite:///{Path(args.database).resolve()}",
        DJANGO_SETTINGS_MODULE="crm.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="testserver,localhost",
        DJANGO_LOG_LEVEL="ERROR",
    )
    os.environ.pop("CELERY_BROKER_URL", None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from customers.demo import seed_demo
    from customers.models import Customer

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.monotonic() - started:,.1f} s")
    existing = Customer.all_objects.count()
    if existing < args.customers:
        missing = args.customers - existing
        print(f"Seeding {missing:,} customers into SQLite ({existing:,} present)…", flush=True)
        started = time.monotonic()
        result = seed_demo(customers=missing)
        took = time.monotonic() - started
        print(f"Seeded {result.customers:,} customers, {result.contacts:,} contacts in {took:,.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    run_scenarios(args.repeat)
    return 0


def scenarios() -> list[tuple[str, str]]:
    """The list's first page, then one request per form of search, with values taken from the seeded rows."""
    from django.contrib.auth import get_user_model

    from customers.demo import CALLING_CODES
    from customers.models import Contact, Customer

    rep = get_user_model().objects.get(username="rep.wang")
    own = Customer.objects.filter(owner=rep)
    email, digits, country = own.order_by("-pk").values_list("email", "phone_digits", "country").first()
    local, domain = email.split("@")
    contact = (
        Contact.objects.filter(customer__owner=rep, name__regex=r"^[A-Za-z]")
        .order_by("-pk")
        .values_list("name")
        .first()
    )
    return [
        ("first page", "/customers/"),
        ("name word", "/customers/?q=smith"),
        ("two name words", "/customers/?q=harbor+logistics"),
        ("chinese prefix", "/customers/?q=王"),
        ("chinese inside", "/customers/?q=电子"),
        ("accent-free", "/customers/?q=lefevre"),
        ("contact name", f"/customers/?q={contact[0].replace(' ', '+') if contact else 'smith'}"),
        ("email prefix", f"/customers/?q={local}@{domain[:3]}"),
        ("email fragment", f"/customers/?q={local}"),
        ("phone +digits", f"/customers/?q=%2B{digits[:8]}"),
        ("national phone", f"/customers/?q=0{digits[len(CALLING_CODES[country]) :]}"),
        ("last digits", f"/customers/?q={digits[-4:]}"),
    ]


def run_scenarios(repeat: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from customers.models import Customer

    sys.path.insert(0, str(REPO / "bench"))
    from customer_list import verify_second_factor

    User = get_user_model()
    rep, admin = User.objects.get(username="rep.wang"), User.objects.get(username="admin")
    print(
        f"\n{Customer.objects.count():,} customers on SQLite {connection.Database.sqlite_version}; {repeat} timed requests"
    )
    header = f"{'user':<6} {'kind':<15} {'path':<44} {'req/s':>7} {'median ms':>9} {'queries':>7} {'rows':>5}"
    print(header)
    print("-" * len(header))
    for label, user in (("rep", rep), ("admin", admin)):
        client = Client()
        client.force_login(user)
        if label == "admin":
            verify_second_factor(client, user)
        for kind, path in scenarios():
            for _ in range(2):
                assert client.get(path).status_code == 200, path
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            rows = response.content.decode().count('class="fw-semibold text-decoration-none" href="/customers/')
            print(
                f"{label:<6} {kind:<15} {path[:44]:<44} {len(times) / sum(times):>7.1f} "
                f"{statistics.median(times) * 1000:>9.1f} {len(queries):>7} {rows:>5}",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
