"""The life of a run: created queued, claimed by one worker, computed step by step, its results stored with its
final status in one transaction; or failed, with the reason.

- One run per question: while a run is queued or running, asking again for the same kind, filters and parameters
  (a second click on "run now", the nightly schedule meeting a manager's run) gives that run (`active_key`).
- One worker per run: a worker holds a database lock named after the run while it works on it (MariaDB/MySQL
  GET_LOCK, released by the server when the worker's connection dies), so a duplicate delivery finds the lock
  taken and leaves the run alone, and a redelivery after the worker died takes it over. Other databases rely on
  the row's status, and take over a running run only once it has run longer than the task time limit allows.
- All or nothing: the results are written, the run's old results (from an earlier attempt) deleted and the run
  marked succeeded in one transaction. A worker killed before the commit leaves no rows behind; the run is then
  delivered again (late acknowledgement) or marked failed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import reach
from accounts.models import Team
from analytics import loaders
from analytics.algorithms import AnalyticsInputError
from analytics.models import (
    AssociationRule,
    CalibrationBin,
    CustomerSegment,
    ForecastPoint,
    ForecastQuality,
    ModelQuality,
    RuleItem,
    Run,
    Score,
    SegmentProfile,
    SilhouetteScore,
)
from analytics.params import clean_params
from analytics.tasks import run_execute_task

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from analytics.services.compute import Outcome

logger = logging.getLogger(__name__)

# Database errors worth another try (a lost connection, a deadlock, a lock wait timeout); the task retries these.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
ORDER_KINDS = (Run.Kind.SEGMENTS, Run.Kind.RULES, Run.Kind.FORECAST, Run.Kind.CHURN_RISK, Run.Kind.CUSTOMER_VALUE)
# Children first: deleting a run's results in this order never meets a foreign key.
RESULT_MODELS = (
    RuleItem,
    AssociationRule,
    CustomerSegment,
    SegmentProfile,
    ForecastPoint,
    ForecastQuality,
    Score,
    CalibrationBin,
    SilhouetteScore,
    ModelQuality,
)


class RunSuperseded(Exception):
    """Another attempt took the run over while this one was computing; this one's results are dropped."""


# Creating ------------------------------------------------------------------------------------------------------


def run_create(
    *,
    kind: str,
    by: AbstractBaseUser | None,
    params: dict[str, Any] | None = None,
    since: date | None = None,
    until: date | None = None,
    country: str = "",
    team: Team | None = None,
    owner: AbstractBaseUser | None = None,
    segment: SegmentProfile | None = None,
    time_zone: str | None = None,
    origin: str = Run.Origin.PAGE,
    enqueue: bool = True,
) -> tuple[Run, bool]:
    """Queue a run of `kind` over the data the filters select, with `params` cleaned by analytics.params; enqueue
    it after commit. Returns (run, created): while the same run (kind, filters, parameters) is queued or running,
    that run, not a new one. Raises ValidationError naming the parameter or filter at fault (also when no data
    matches the filters, so nothing is queued that can only fail) and PermissionDenied for a team or owner
    outside `by`'s reach. `by` None is the nightly schedule."""
    try:
        kind = Run.Kind(kind)
    except ValueError:
        raise ValidationError(
            {"kind": _("Unknown kind “%(kind)s”; the kinds are %(kinds)s.") % {"kind": kind, "kinds": _kinds()}}
        ) from None
    cleaned = clean_params(kind, params or {})
    if since and until and since > until:
        raise ValidationError(
            {
                "until": _("The date range is empty: it ends on %(until)s, before it starts on %(since)s.")
                % {"since": since.isoformat(), "until": until.isoformat()}
            }
        )
    if team is not None and owner is not None:
        raise ValidationError({"owner": _("Choose a team or an owner, not both.")})
    if by is not None:
        _check_reach(by=by, team=team, owner=owner)
    if segment is not None and segment.run.status != Run.Status.SUCCEEDED:
        raise ValidationError({"segment": _("Choose a segment of a segments run that succeeded.")})
    run = Run(
        kind=kind,
        params=cleaned,
        since=since,
        until=until,
        country=country or "",
        team=team,
        owner=owner,
        segment=segment,
        time_zone=time_zone or timezone.get_current_timezone_name(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        requested_by=by,
        origin=origin,
    )
    _check_data(run)
    run.active_key = _active_key(run)
    with transaction.atomic():
        existing = Run.objects.select_for_update().filter(active_key=run.active_key).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:
            # The same run was queued by another request between our look and our insert: a locking read sees it.
            return Run.objects.select_for_update().get(active_key=run.active_key), False
        if enqueue:
            transaction.on_commit(lambda: run_execute_task.delay(run_id=run.pk))
    return run, True


def run_again(*, run: Run, by: AbstractBaseUser) -> tuple[Run, bool]:
    """Queue a run of the same kind, filters and parameters as `run` (see run_create)."""
    return run_create(
        kind=run.kind,
        by=by,
        params=run.params,
        since=run.since,
        until=run.until,
        country=str(run.country or ""),
        team=run.team,
        owner=run.owner,
        segment=run.segment,
        time_zone=run.time_zone,
    )


def run_schedule(*, kind: str) -> Run | None:
    """The nightly run of `kind`: every record, default parameters, the site's time zone. None (and a log line)
    when there is nothing to analyse yet."""
    with translation.override(settings.LANGUAGE_CODE):
        try:
            run, _created = run_create(kind=kind, by=None, time_zone=settings.TIME_ZONE, origin=Run.Origin.SCHEDULE)
        except ValidationError as exc:
            logger.info("Nightly %s run not queued: %s", kind, " ".join(exc.messages))
            return None
    return run


def _kinds() -> str:
    return ", ".join(kind.value for kind in Run.Kind)


def _active_key(run: Run) -> str:
    """What makes two runs the same question, as a digest for the unique index."""
    identity = [
        run.kind,
        run.params,
        run.since.isoformat() if run.since else None,
        run.until.isoformat() if run.until else None,
        str(run.country or ""),
        run.team_id,
        run.owner_id,
        run.segment_id,
        run.time_zone,
    ]
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def _check_reach(*, by: AbstractBaseUser, team: Team | None, owner: AbstractBaseUser | None) -> None:
    """A run filtered to a team or an owner shows their sales: `by` must reach every record of them."""
    reachable = reach.owner_ids(by, domain="sales")
    if reachable is None:
        return
    if owner is not None and owner.pk not in reachable:
        raise PermissionDenied(f"{owner} is outside the reach of {by}.")
    if team is not None:
        members = set(Team.members.through.objects.filter(team=team).values_list("user_id", flat=True))
        if not {team.manager_id, *members} <= set(reachable):
            raise PermissionDenied(f"Team {team} is outside the reach of {by}.")


def _check_data(run: Run) -> None:
    """Refuse a run whose filters select nothing to learn from, or that names products that do not exist."""
    scope = loaders.scope_of(run)
    empty = (run.kind in ORDER_KINDS and not loaders.orders_exist(scope)) or (
        run.kind == Run.Kind.WIN_SCORE and not loaders.opportunities_exist(scope)
    )
    if empty:
        raise ValidationError({"segment" if run.segment_id else NON_FIELD_ERRORS: _no_data_message(run)})
    if run.kind == Run.Kind.RULES and run.params.get("exclude"):
        known = loaders.product_ids_for_skus(run.params["exclude"])
        unknown = [sku for sku in run.params["exclude"] if sku not in known]
        if unknown:
            raise ValidationError(
                {"exclude": _("No product has the SKU %(skus)s.") % {"skus": ", ".join(unknown[:10])}}
            )


def _no_data_message(run: Run) -> str:
    what = _("opportunities") if run.kind == Run.Kind.WIN_SCORE else _("sales orders")
    filters = run_filters_text(run)
    if run.segment_id:
        return _("The segment “%(segment)s” has no %(what)s matching these filters (%(filters)s).") % {
            "segment": run.segment.get_label_display(),
            "what": what,
            "filters": filters,
        }
    if filters:
        return _("No %(what)s match these filters (%(filters)s).") % {"what": what, "filters": filters}
    return _("There are no %(what)s to analyse yet.") % {"what": what}


def run_filters_text(run: Run) -> str:
    """The run's filters in words ("from 2011-01-01, until 2011-06-30, country France"), "" for none."""
    parts = []
    if run.since:
        parts.append(_("from %(date)s") % {"date": run.since.isoformat()})
    if run.until:
        parts.append(_("until %(date)s") % {"date": run.until.isoformat()})
    if run.country:
        parts.append(_("country %(country)s") % {"country": run.country.name})
    if run.team_id:
        parts.append(_("team %(team)s") % {"team": run.team})
    if run.owner_id:
        parts.append(_("owner %(owner)s") % {"owner": run.owner.get_full_name() or run.owner.get_username()})
    if run.segment_id:
        parts.append(
            _("segment %(segment)s of run #%(run)s")
            % {"segment": run.segment.get_label_display(), "run": run.segment.run_id}
        )
    return ", ".join(parts)


# Executing -----------------------------------------------------------------------------------------------------


def run_execute(*, run_id: int) -> None:
    """Compute run `run_id` and store its results with its final status, in one transaction.

    Safe to call more than once, and from several workers at once: a finished run is left as it is, a run another
    worker holds is left to it, and a run whose worker died is taken over (up to ANALYTICS_RUN_MAX_ATTEMPTS
    attempts, then failed). Bad input (no data, a parameter the data cannot support) fails the run with a message;
    transient database errors are raised for the task to retry; anything else fails the run and is logged."""
    with _exclusive(run_id) as held:
        if held is False:
            logger.info("Analytics run %s is being computed by another worker; leaving it.", run_id)
            return
        run = _claim(run_id, exclusive=held is True)
        if run is None:
            return
        with translation.override(run.language or settings.LANGUAGE_CODE):
            _compute_and_store(run)


def _compute_and_store(run: Run) -> None:
    from analytics.services.compute import compute

    try:
        outcome = compute(run, report=_reporter(run))
        _store(run, outcome)
    except TRANSIENT_ERRORS:
        # Back in the queue for the task's retry, which claims it again.
        Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING, attempts=run.attempts).update(
            status=Run.Status.QUEUED, step=Run.Step.WAITING, updated_at=timezone.now()
        )
        raise
    except RunSuperseded:
        logger.warning("Analytics run %s was taken over by another attempt; dropping this one's results.", run.pk)
    except (AnalyticsInputError, ValidationError) as exc:
        run_fail(run_id=run.pk, error=_message(exc), attempt=run.attempts)
    except Exception as exc:
        logger.exception("Analytics run %s failed.", run.pk)
        run_fail(
            run_id=run.pk,
            error=_("Unexpected error: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"},
            attempt=run.attempts,
        )


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(message) for message in exc.messages)
    return str(exc)


@contextmanager
def _exclusive(run_id: int) -> Iterator[bool | None]:
    """Hold the run's database lock: True when held, False when another connection holds it, None on a database
    without named locks (SQLite, development only)."""
    if connection.vendor != "mysql":
        yield None
        return
    name = _lock_name(run_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT GET_LOCK(%s, 0)", [name])
        held = cursor.fetchone()[0] == 1
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT RELEASE_LOCK(%s)", [name])


def _lock_name(run_id: int) -> str:
    """Named locks are server-wide: the database's name keeps the test database's runs apart from the real ones."""
    database = hashlib.sha1(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    return f"crm-{database}-analytics-run-{run_id}"


def _lock_free(run_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT IS_FREE_LOCK(%s)", [_lock_name(run_id)])
        return cursor.fetchone()[0] == 1


def _claim(run_id: int, *, exclusive: bool) -> Run | None:
    """Mark the run running for this attempt, or None when it must be left alone (finished, gone, or still held
    by a live worker where no lock can tell)."""
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None:
            logger.warning("Analytics run %s does not exist; nothing to do.", run_id)
            return None
        if run.is_finished:
            return None  # a duplicate delivery of a finished run
        if run.status == Run.Status.RUNNING and not exclusive and not _abandoned(run):
            return None
        if run.attempts >= settings.ANALYTICS_RUN_MAX_ATTEMPTS:
            _fail(
                run,
                _("The run was started %(attempts)s times and its worker stopped each time (out of memory?).")
                % {"attempts": run.attempts},
            )
            return None
        run.status, run.step, run.progress = Run.Status.RUNNING, Run.Step.LOADING, 0
        run.attempts += 1
        run.started_at, run.finished_at, run.error = timezone.now(), None, ""
        run.worker = f"{socket.gethostname()}:{os.getpid()}"[:200]
        run.save(
            update_fields=[
                "status",
                "step",
                "progress",
                "attempts",
                "started_at",
                "finished_at",
                "error",
                "worker",
                "updated_at",
            ]
        )
    return run


def _abandoned(run: Run) -> bool:
    """Without named locks: a run still "running" past the task's hard time limit has no live worker."""
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return run.started_at is None or run.started_at < timezone.now() - limit


def _reporter(run: Run):
    """A function setting the run's step and progress (its own short write, seen at once by the progress bar)."""

    def report(step: str, progress: int) -> None:
        Run.objects.filter(pk=run.pk, status=Run.Status.RUNNING, attempts=run.attempts).update(
            step=step, progress=max(0, min(99, int(progress))), updated_at=timezone.now()
        )

    return report


def _store(run: Run, outcome: Outcome) -> None:
    """Replace the run's results with `outcome`'s and mark it succeeded, in one transaction."""
    started = time.perf_counter()
    with transaction.atomic():
        current = Run.objects.select_for_update().get(pk=run.pk)
        if current.status != Run.Status.RUNNING or current.attempts != run.attempts:
            raise RunSuperseded
        for model in RESULT_MODELS:
            lookup = {"rule__run": run} if model is RuleItem else {"run": run}
            model.objects.filter(**lookup).delete()
        written = outcome.save(run)
        current.status, current.step, current.progress = Run.Status.SUCCEEDED, Run.Step.DONE, 100
        current.finished_at, current.active_key, current.as_of = timezone.now(), None, outcome.as_of
        current.rows_read, current.subjects, current.results = outcome.rows_read, outcome.subjects, written
        current.load_seconds, current.compute_seconds = outcome.load_seconds, outcome.compute_seconds
        current.save_seconds = time.perf_counter() - started
        current.save(
            update_fields=[
                "status",
                "step",
                "progress",
                "finished_at",
                "active_key",
                "as_of",
                "rows_read",
                "subjects",
                "results",
                "load_seconds",
                "compute_seconds",
                "save_seconds",
                "updated_at",
            ]
        )


# Failing and recovering ------------------------------------------------------------------------------------------


def run_fail(*, run_id: int, error: str, attempt: int | None = None) -> bool:
    """Mark the run failed with `error` unless it has finished (or, with `attempt`, moved on to another attempt).
    Its results, if an earlier attempt left any, are kept. Returns whether it was marked."""
    with transaction.atomic():
        run = Run.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished or (attempt is not None and run.attempts != attempt):
            return False
        _fail(run, error)
    return True


def _fail(run: Run, error: str) -> None:
    run.status, run.error, run.finished_at, run.active_key = Run.Status.FAILED, error[:10_000], timezone.now(), None
    run.save(update_fields=["status", "error", "finished_at", "active_key", "updated_at"])


def runs_recover(*, now=None) -> dict[str, int]:
    """Put back to work the runs no worker is on: a running run whose worker died without its message coming back
    (the whole worker was killed) is queued again, or failed after its last attempt; a run queued for longer than
    ANALYTICS_RUN_REQUEUE_MINUTES is sent to the workers again (a duplicate message finds it taken or finished).
    Idempotent."""
    now = now or timezone.now()
    requeue_after = timedelta(minutes=settings.ANALYTICS_RUN_REQUEUE_MINUTES)
    counts = {"requeued": 0, "failed": 0, "resent": 0}
    for run in Run.objects.filter(status=Run.Status.RUNNING, updated_at__lt=now - timedelta(minutes=2)):
        if connection.vendor == "mysql" and not _lock_free(run.pk):
            continue  # its worker is alive and holds it
        if connection.vendor != "mysql" and not _abandoned(run):
            continue
        with transaction.atomic():
            locked = Run.objects.select_for_update().get(pk=run.pk)
            if locked.status != Run.Status.RUNNING or locked.attempts != run.attempts:
                continue
            if locked.attempts >= settings.ANALYTICS_RUN_MAX_ATTEMPTS:
                _fail(
                    locked,
                    _("The run's worker stopped while running it, %(attempts)s times.") % {"attempts": run.attempts},
                )
                counts["failed"] += 1
                continue
            locked.status, locked.step = Run.Status.QUEUED, Run.Step.WAITING
            locked.save(update_fields=["status", "step", "updated_at"])
            transaction.on_commit(lambda pk=run.pk: run_execute_task.delay(run_id=pk))
            counts["requeued"] += 1
    stale = Run.objects.filter(status=Run.Status.QUEUED, updated_at__lt=now - requeue_after)
    for pk in stale.values_list("pk", flat=True):
        Run.objects.filter(pk=pk, status=Run.Status.QUEUED).update(updated_at=now)
        run_execute_task.delay(run_id=pk)
        counts["resent"] += 1
    return counts
