"""Analytics runs end to end on the imported Online Retail file (541,909 lines): segments, basket rules, the weekly
revenue forecast and churn risk, each read by its loaders from MariaDB, computed and stored as a run, one after the
other as one worker takes them. Prints each run's reading, computing and saving time, the loaders' share, the time
merely to read the file's rows from the database, and the peak memory.

    python bench/analytics_runs.py [--data ../shared/data] [--worker] [--all]
    BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306/crm_analytics_bench python bench/analytics_runs.py

The database is created and the file imported the first time (about 100 s). By default the runs are computed in
this process (as a worker does, without the broker); with --worker they go through CELERY_BROKER_URL to one
`celery -A crm worker --pool=solo` process started for the purpose, and its own peak memory is reported. --all
adds customer value. Targets: all four runs ≤ 60 s, peak memory ≤ 2 GB.
"""

import argparse
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

KINDS = ["segments", "rules", "forecast", "churn_risk"]
TARGET_SECONDS = 60
TARGET_BYTES = 2 * 1024**3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/crm_analytics_bench"),
    )
    parser.add_argument("--worker", action="store_true", help="run through the broker on one worker process")
    parser.add_argument("--all", action="store_true", help="also customer value")
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        DJANGO_SETTINGS_MODULE="crm.settings.local",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_LOG_LEVEL="ERROR",
    )
    if not args.worker:
        os.environ.pop("CELERY_BROKER_URL", None)
    elif not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        parser.error("--worker needs CELERY_BROKER_URL naming a Redis broker")
    _create_database(args.database_url)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from analytics.models import Run
    from analytics.services import run_create, run_execute
    from sales.models import Order, OrderLine

    call_command("migrate", verbosity=0)
    if not Order.objects.exists():
        owner, _ = get_user_model().objects.get_or_create(username="bench.analytics")
        started = time.monotonic()
        call_command(
            "import_online_retail", str(args.data / "online_retail" / "online_retail.csv"), owner=owner.username
        )
        print(f"import: {time.monotonic() - started:.1f} s")
    lines = OrderLine.objects.count()
    print(f"{lines:,} order lines, {Order.objects.count():,} orders")
    base_rss = _high_water(os.getpid())

    # The floor: the rows every analytics run reads, fetched from MariaDB with nothing done to them.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.order_id, l.product_id, l.quantity, l.unit_price, l.discount_percent, o.customer_id, "
            "o.ordered_at, o.kind, o.status, o.ship_to_country FROM sales_orderline l "
            "JOIN sales_order o ON o.id = l.order_id"
        )
        raw = len(cursor.fetchall())
    read_raw = time.perf_counter() - started
    started = time.perf_counter()
    through_orm = sum(1 for _ in OrderLine.objects.values_list("order_id", "product_id").iterator(chunk_size=20_000))
    read_orm = time.perf_counter() - started
    print(
        f"read {raw:,} joined rows with a plain cursor: {read_raw:.2f} s; (order, product) pairs through the ORM: {read_orm:.2f} s ({through_orm:,})"
    )

    kinds = KINDS + (["customer_value"] if args.all else [])
    # The runs' own peak, not the reads' above: Linux resets the high-water mark on writing 5 to clear_refs.
    _reset_high_water()
    runs = [
        run_create(kind=kind, by=None, time_zone="UTC", origin=Run.Origin.COMMAND, enqueue=args.worker)[0]
        for kind in ([] if args.worker else kinds)
    ]
    worker_peak = None
    if args.worker:
        runs, worker_peak, wall = _through_worker(kinds, run_create, Run)
    else:
        started = time.perf_counter()
        for run in runs:
            run_execute(run_id=run.pk)
        wall = time.perf_counter() - started
    peak = _high_water(os.getpid()) or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(f"\n{'run':<16}{'status':<11}{'read s':>8}{'compute s':>10}{'save s':>8}{'total s':>9}  result")
    totals = {"read": 0.0, "compute": 0.0, "save": 0.0, "total": 0.0}
    for run in runs:
        run.refresh_from_db()
        total = run.duration or 0.0
        totals["read"] += run.load_seconds or 0
        totals["compute"] += run.compute_seconds or 0
        totals["save"] += run.save_seconds or 0
        totals["total"] += total
        print(
            f"{run.kind:<16}{run.status:<11}{run.load_seconds or 0:>8.2f}{run.compute_seconds or 0:>10.2f}"
            f"{run.save_seconds or 0:>8.2f}{total:>9.2f}  {_summary(run)}"
        )
    print(f"{'all':<27}{totals['read']:>8.2f}{totals['compute']:>10.2f}{totals['save']:>8.2f}{totals['total']:>9.2f}")
    print(
        f"\nwall time for the {len(runs)} runs: {wall:.1f} s (target ≤ {TARGET_SECONDS} s: {'PASS' if wall <= TARGET_SECONDS else 'MISS'})"
    )
    print(f"loaders' share of the runs' time: {totals['read'] / totals['total']:.0%}" if totals["total"] else "")
    memory = worker_peak if worker_peak is not None else peak
    where = "worker process" if worker_peak is not None else "this process"
    print(
        f"peak memory ({where}): {memory / 1024**2:,.0f} MB (before the reads, with Django and the libraries loaded: {base_rss / 1024**2:,.0f} MB;"
        f" target ≤ 2 GB: {'PASS' if memory <= TARGET_BYTES else 'MISS'})"
    )
    return 0 if all(run.status == Run.Status.SUCCEEDED for run in runs) else 1


def _summary(run) -> str:
    if run.status != run.Status.SUCCEEDED:
        return run.error[:80]
    quality = getattr(run, "quality", None)
    if run.kind == "segments":
        return f"{run.subjects:,} customers, k={quality.k}, silhouette {quality.silhouette:.3f}"
    if run.kind == "rules":
        return f"{quality.baskets:,} baskets, {quality.rules_found:,} rules"
    if run.kind == "forecast":
        series = run.forecast_series.first()
        verdict = "beats" if series.beats_baseline else "does not beat"
        return f"{series.model}, MAE {series.mae:,.0f} vs seasonal-naive {series.naive_mae:,.0f} ({verdict})"
    if run.kind == "churn_risk":
        return f"{run.subjects:,} customers scored, AUC {quality.auc:.3f}, Brier {quality.brier:.3f}"
    return f"{run.subjects:,} customers, MAE {quality.mae:,.0f} vs naive {quality.baseline_mae:,.0f}"


def _through_worker(kinds, run_create, Run):
    """Queue the runs for one solo worker on a queue of its own once it answers; wait for them; return the runs,
    the worker's peak RSS and the time from queueing the first to the last one finishing."""
    from crm.celery import app, ping

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    app.conf.task_routes = {"analytics.execute_run": {"queue": queue}}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo", "-Q", queue, "--loglevel=WARNING"],
        cwd=REPO,
        env={**os.environ},
    )
    try:
        ping.apply_async(queue=queue).get(timeout=120)
        started = time.perf_counter()
        runs = [run_create(kind=kind, by=None, time_zone="UTC", origin=Run.Origin.COMMAND)[0] for kind in kinds]
        peak = 0
        while True:
            peak = max(peak, _high_water(worker.pid))
            if all(Run.objects.get(pk=run.pk).is_finished for run in runs):
                break
            time.sleep(0.2)
        return runs, peak, time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _reset_high_water() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux: the peak then includes the reads before the runs


def _high_water(pid: int) -> int:
    """A process's peak resident memory (VmHWM), in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _create_database(url: str) -> None:
    if not url.startswith("mysql"):
        return
    from urllib.parse import urlparse

    import MySQLdb

    parts = urlparse(url)
    connection = MySQLdb.connect(
        host=parts.hostname, port=parts.port or 3306, user=parts.username, password=parts.password or ""
    )
    connection.cursor().execute(f"CREATE DATABASE IF NOT EXISTS `{parts.path.lstrip('/')}` CHARACTER SET utf8mb4")
    connection.close()


if __name__ == "__main__":
    sys.exit(main())
