"""docker-compose.yml cannot run here (no Docker engine), so its structure is checked instead."""
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


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
            "mysql": {"condition": "service_healthy"}, "redis": {"condition": "service_healthy"}
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
