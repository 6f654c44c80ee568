"""Settings come from the environment; production passes Django's deployment checks."""
import json
import os
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
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env={**base, **env}, capture_output=True,
                          text=True, timeout=120)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        f"execute_from_command_line(['manage.py', *{list(args)!r}])", **env
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING",
                    DJANGO_SETTINGS_MODULE="crm.settings.production", DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
                    DJANGO_ALLOWED_HOSTS="crm.example.com")
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
    result = run_python(PRINT_SETTINGS, DJANGO_SETTINGS_MODULE="crm.settings.local",
                        DATABASE_URL="mysql://crm:secret@db.example.com:3306/crm",
                        CELERY_BROKER_URL="redis://cache.example.com:6379/0")
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
