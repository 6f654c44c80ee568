"""docker-compose.yml cannot run here (no Docker engine), so its structure is checked instead."""

import re
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

# ${NAME}, ${NAME:-default} and ${NAME:?error}: the interpolation forms compose supports and this file uses.
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:[-?])(?P<arg>[^}]*))?\}")
SECRETS = {"DJANGO_SECRET_KEY": "s" * 50, "MYSQL_PASSWORD": "crm0password", "MYSQL_ROOT_PASSWORD": "root0password"}


class MissingVariable(Exception):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    """The file as compose reads it with `env` as the environment and .env (without its $$ escapes)."""

    def value(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if env.get(name):
            return env[name]
        if op == ":?":
            raise MissingVariable(f"{name}: {arg}")
        return arg if op == ":-" else ""

    return VARIABLE.sub(value, text.replace("$$", "\0")).replace("\0", "$")


@pytest.fixture(scope="module")
def compose_text():
    return (REPO / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def compose(compose_text):
    return yaml.safe_load(compose_text)


def test_compose_has_the_five_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "mysql", "redis"}


def test_app_services_share_one_image_and_configuration(compose):
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert services[name]["image"] == "crm:latest"
        assert env["DATABASE_URL"].startswith("mysql://") and "@mysql:3306/" in env["DATABASE_URL"]
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert env["DJANGO_SETTINGS_MODULE"] == "crm.settings.production"
        assert "DJANGO_SECRET_KEY" in env
        assert services[name]["depends_on"] == {
            "mysql": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }


def test_each_process_runs_the_right_command(compose):
    services = compose["services"]
    assert "gunicorn crm.wsgi:application" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A crm worker")
    assert services["beat"]["command"].startswith("celery -A crm beat")
    assert services["mysql"]["image"].startswith("mysql:8")
    assert services["redis"]["image"].startswith("redis:")


def test_every_service_has_a_health_check(compose):
    for name, service in compose["services"].items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert any("/health/" in part for part in compose["services"]["web"]["healthcheck"]["test"])


def test_data_lives_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"mysql-data", "redis-data"}
    assert "mysql-data:/var/lib/mysql" in compose["services"]["mysql"]["volumes"]
    assert "redis-data:/data" in compose["services"]["redis"]["volumes"]


def test_mysql_uses_utf8mb4(compose):
    assert "--character-set-server=utf8mb4" in compose["services"]["mysql"]["command"]


def test_dockerfile_serves_with_gunicorn_as_a_non_root_user():
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "requirements-mysql.txt" in dockerfile and "collectstatic" in dockerfile
    assert "USER crm" in dockerfile and '"gunicorn", "crm.wsgi:application"' in dockerfile
    assert Path(REPO / ".dockerignore").read_text().count(".venv") == 1


# No default passwords, and published on this machine only ---------------------------------------------------


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_compose_refuses_to_start_without_each_secret(compose_text, missing):
    env = {name: value for name, value in SECRETS.items() if name != missing}

    with pytest.raises(MissingVariable, match=missing):
        interpolate(compose_text, env)


def test_no_password_or_secret_has_a_default(compose_text):
    for match in VARIABLE.finditer(compose_text):
        if re.search("PASSWORD|SECRET", match["name"]):
            assert match["op"] == ":?", f"{match[0]} must be required, not defaulted"


def test_passwords_reach_mysql_and_the_apps_database_url(compose_text):
    services = yaml.safe_load(interpolate(compose_text, SECRETS))["services"]

    assert services["mysql"]["environment"]["MYSQL_PASSWORD"] == "crm0password"
    assert services["mysql"]["environment"]["MYSQL_ROOT_PASSWORD"] == "root0password"
    assert services["web"]["environment"]["DATABASE_URL"] == "mysql://crm:crm0password@mysql:3306/crm"


def test_app_is_published_on_localhost_only_by_default(compose_text):
    services = yaml.safe_load(interpolate(compose_text, SECRETS))["services"]

    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert [name for name, service in services.items() if service.get("ports")] == ["web"]


def test_bind_address_can_be_chosen(compose_text):
    services = yaml.safe_load(interpolate(compose_text, {**SECRETS, "CRM_BIND_ADDRESS": "0.0.0.0"}))["services"]

    assert services["web"]["ports"] == ["0.0.0.0:8000:8000"]


def test_env_example_leaves_secrets_empty_and_documents_the_bind_address():
    lines = (REPO / ".env.example").read_text().splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))

    for name in SECRETS:
        assert values[name] == "", f"{name} must be chosen, not copied from the example"
    assert any(line.startswith("# CRM_BIND_ADDRESS=") for line in lines)
