# The two commands: `make run` (a working, populated app at http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_CUSTOMERS ?= 2000
PYTEST_ARGS ?=

.PHONY: run test lint setup worker beat bench bench-sales bench-analytics bench-analytics-runs messages check clean

run: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --customers $(DEMO_CUSTOMERS)
	@echo "Serving the CRM at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Rules in pyproject.toml. Python is formatted by ruff; templates are linted only (djLint's reformatting would move
# whitespace that pages show, so it stays a manual step).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-mysql.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.12, for example).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@sh scripts/install-mysqlclient.sh $(BIN)/python
	@touch $@

worker: setup
	$(BIN)/celery -A crm worker --loglevel=INFO

beat: setup
	$(BIN)/celery -A crm beat --loglevel=INFO

bench: setup
	$(BIN)/python bench/customer_list.py

# Seeds 200,000 opportunities and 5,000,000 order lines into BENCH_SALES_DATABASE_URL once (about 12 minutes),
# then times the sales pages as a rep, a manager and an administrator.
bench-sales: setup
	$(BIN)/python bench/sales.py

bench-analytics: setup
	$(BIN)/python bench/analytics.py

bench-analytics-runs: setup
	$(BIN)/python bench/analytics_runs.py

messages: setup
	$(BIN)/python manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

check: setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY=$$(openssl rand -hex 32) CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} \
		$(BIN)/python manage.py check --deploy --fail-level WARNING --settings crm.settings.production

clean:
	rm -rf $(VENV) var staticfiles
