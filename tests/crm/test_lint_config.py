"""One lint configuration (pyproject.toml), run the same way by `make lint`, CI and pre-commit."""

import re
import tomllib

import pytest
import yaml

from tests.conftest import REPO


@pytest.fixture(scope="module")
def hooks():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_ruff_and_djlint_are_configured_in_pyproject():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())

    assert config["tool"]["ruff"]["line-length"] == 120 and config["tool"]["ruff"]["target-version"] == "py311"
    assert {"E", "F", "W", "I", "B", "UP", "DJ"} <= set(config["tool"]["ruff"]["lint"]["select"])
    assert config["tool"]["djlint"]["profile"] == "django"


def test_ruff_and_djlint_are_pinned_in_the_dev_requirements():
    requirements = (REPO / "requirements-dev.txt").read_text()

    assert re.search(r"^ruff==\d+\.\d+\.\d+$", requirements, re.M)
    assert re.search(r"^djlint==\d+\.\d+\.\d+$", requirements, re.M)


def test_make_lint_runs_ruff_and_djlint_and_ci_runs_it_before_the_tests():
    makefile = (REPO / "Makefile").read_text()
    ci = (REPO / ".ci" / "run").read_text()

    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert lint and "ruff check ." in lint.group(1) and "djlint templates --lint" in lint.group(1)
    assert "\nmake lint\n" in ci and ci.index("\nmake lint\n") < ci.index("\nmake test")


def test_pre_commit_runs_ruff_djlint_and_the_migrations_check(hooks):
    assert hooks["ruff-check"]["entry"].startswith("ruff check")
    assert hooks["ruff-format"]["entry"].startswith("ruff format")
    assert hooks["djlint"]["entry"] == "djlint --lint"
    assert hooks["makemigrations"]["entry"] == "python manage.py makemigrations --check --dry-run"
    assert hooks["makemigrations"]["pass_filenames"] is False
