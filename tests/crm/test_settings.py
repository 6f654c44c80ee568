"""Settings come from the environment; production passes Django's deployment checks."""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest

from tests.conftest import REPO

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'db': s.DATABASES['default'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG}, default=str))"
)


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])",
        **env,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "crm.settings.production",
    "DJANGO_ALLOWED_HOSTS": "crm.example.com",
    "CELERY_BROKER_URL": "redis://redis.example.com:6379/0",
}
PRINT_CELERY = (
    "import json, django; django.setup(); from crm.celery import app; c = app.conf; "
    "print(json.dumps({'eager': c.task_always_eager, 'acks_late': c.task_acks_late, "
    "'max_memory': c.worker_max_memory_per_child, 'max_deliveries': c.task_max_deliveries, "
    "'ping_acks_late': app.tasks['crm.ping'].acks_late}))"
)


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50)
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_models_and_migrations_agree():
    result = manage("makemigrations", "--check", "--dry-run", DJANGO_SETTINGS_MODULE="crm.settings.local")
    assert result.returncode == 0, result.stdout + result.stderr


def test_secret_key_is_required_when_debug_is_off():
    result = run_python(PRINT_SETTINGS, DJANGO_SETTINGS_MODULE="crm.settings.production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_defaults_are_sqlite_under_var_and_in_process_tasks():
    result = run_python(PRINT_SETTINGS, DJANGO_SETTINGS_MODULE="crm.settings.local")
    settings = json.loads(result.stdout)
    assert settings["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["db"]["NAME"].endswith(os.path.join("var", "crm.sqlite3"))
    assert settings["eager"] is True and settings["debug"] is True


def test_mysql_url_uses_utf8mb4_strict_mode_and_a_broker_turns_off_eager_tasks():
    pytest.importorskip("MySQLdb", reason="mysqlclient is not installed (MySQL client headers missing)")
    result = run_python(
        PRINT_SETTINGS,
        DJANGO_SETTINGS_MODULE="crm.settings.local",
        DATABASE_URL="mysql://crm:secret@db.example.com:3306/crm",
        CELERY_BROKER_URL="redis://cache.example.com:6379/0",
    )
    settings = json.loads(result.stdout)
    assert settings["db"]["ENGINE"] == "django.db.backends.mysql"
    assert settings["db"]["NAME"] == "crm" and settings["db"]["HOST"] == "db.example.com"
    assert settings["db"]["OPTIONS"]["charset"] == "utf8mb4"
    assert "STRICT_TRANS_TABLES" in settings["db"]["OPTIONS"]["init_command"]
    assert settings["eager"] is False and settings["broker"] == "redis://cache.example.com:6379/0"


@pytest.mark.django_db
def test_health_endpoint_answers_with_the_database(client):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize("broker", [None, "", "memory://"])
def test_production_refuses_to_start_without_a_broker(broker):
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    if broker is None:
        del env["CELERY_BROKER_URL"]
    else:
        env["CELERY_BROKER_URL"] = broker

    result = run_python(PRINT_SETTINGS, **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: CELERY_BROKER_URL must name the broker" in result.stderr


def test_production_workers_restart_above_a_memory_ceiling_and_ack_late_only_where_declared():
    result = run_python(PRINT_CELERY, **PRODUCTION, DJANGO_SECRET_KEY=secrets.token_urlsafe(50))

    celery = json.loads(result.stdout)
    assert celery["eager"] is False
    assert celery["max_memory"] == 512 * 1024  # KiB
    assert celery["acks_late"] is False  # not for every task: only those that declare it (idempotent ones)
    assert celery["ping_acks_late"] is True
    assert celery["max_deliveries"] == 3


def test_worker_memory_ceiling_and_delivery_limit_come_from_the_environment():
    result = run_python(
        PRINT_CELERY,
        **PRODUCTION,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        CELERY_WORKER_MAX_MEMORY_PER_CHILD="262144",
        CELERY_TASK_MAX_DELIVERIES="5",
    )

    celery = json.loads(result.stdout)
    assert celery["max_memory"] == 262144 and celery["max_deliveries"] == 5


def test_development_still_runs_tasks_in_process_without_a_broker():
    result = run_python(PRINT_CELERY, DJANGO_SETTINGS_MODULE="crm.settings.local")

    assert json.loads(result.stdout)["eager"] is True


def test_dockerfile_collects_static_files_with_the_production_settings():
    # given: the environment the image's collectstatic step sets
    step = re.search(
        r"RUN ((?:\w+=\S+\s+(?:\\\s+)?)+)python manage.py collectstatic", (REPO / "Dockerfile").read_text()
    )
    assert step, "no collectstatic step in the Dockerfile"
    env = dict(pair.split("=", 1) for pair in step.group(1).replace("\\", " ").split())

    # when
    result = manage("collectstatic", "--noinput", "--dry-run", DJANGO_SETTINGS_MODULE="crm.settings.production", **env)

    # then
    assert result.returncode == 0, result.stderr
