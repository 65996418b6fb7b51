# The two commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PORTAL_CHROMIUM ?= /usr/bin/chromium
# Headless runs use Chromium's headless shell: the same engine, a quarter less CPU (a11y/browser.py).
PORTAL_CHROMIUM_HEADLESS ?= /usr/bin/chromium-headless-shell
export PORTAL_CHROMIUM PORTAL_CHROMIUM_HEADLESS
# Python keeps compiled bytecode beside the sources (__pycache__, ignored by git). With
# PYTHONDONTWRITEBYTECODE in the caller's environment (this machine sets it), every process
# compiled the app and its libraries again: importing the app cost about 8 CPU-seconds
# instead of 3, for each test worker, server, worker process and CLI that `make test` starts.
unexport PYTHONDONTWRITEBYTECODE

# The key the local fake Notify accepts (devtools/notify_sink); not a secret of any real service.
DEV_NOTIFY_KEY := dev-11111111-2222-3333-4444-555555555555-66666666-7777-8888-9999-000000000000

.PHONY: run run-mirror test test-interop lint format setup chromium migrate demo-data bench serve-production

$(UV):
	python3 -m venv .tools && .tools/bin/pip install -q uv

setup: $(UV)
	$(UV) sync --frozen

chromium:
	@test -x "$(PORTAL_CHROMIUM)" -a -x "$(PORTAL_CHROMIUM_HEADLESS)" || \
		(apt-get update -q && apt-get install -y -q chromium chromium-headless-shell)

migrate: setup
	$(UV) run alembic upgrade head

demo-data: migrate
	$(UV) run python -m devtools.demo

run: demo-data
	@echo ""
	@echo "Mijn Zaken runs on http://127.0.0.1:8000  (stop with Ctrl+C)"
	@echo "Sign in with the demo logins listed above (login simulator)."
	@echo "Notices leave through the local mail sink (smtp://127.0.0.1:8025) and fake Notify (http://127.0.0.1:8026); see var/sink/ and var/letters/."
	@echo "What was sent (e-mail, SMS, letters): http://127.0.0.1:8000/simulator/verzonden"
	PORTAL_NOTIFY_API_KEY=$${PORTAL_NOTIFY_API_KEY:-$(DEV_NOTIFY_KEY)} $(UV) run python -m devtools.notify_sink & SINK=$$!; \
	PORTAL_NOTIFY_API_KEY=$${PORTAL_NOTIFY_API_KEY:-$(DEV_NOTIFY_KEY)} $(UV) run python -m portal.worker & WORKER=$$!; \
	trap 'kill $$SINK $$WORKER 2>/dev/null' EXIT INT TERM; \
	PORTAL_NOTIFY_API_KEY=$${PORTAL_NOTIFY_API_KEY:-$(DEV_NOTIFY_KEY)} $(UV) run uvicorn devtools.main:app --host 127.0.0.1 --port 8000 --http httptools --no-proxy-headers

# The same demo in mirror mode: the app's process also serves a fake ZGW case system
# (devtools/fake_zgw, the demo municipality) on port 8001, and the ZGW settings point at it.
# DEV_FAKE_ZGW_DELAY=2 slows every answer of the fake case system by 2 s.
FAKE_ZGW := http://127.0.0.1:8001
run-mirror: export DEV_FAKE_ZGW_PORT = 8001
run-mirror: export PORTAL_ZGW_ZAKEN_URL = $(FAKE_ZGW)/zaken/api/v1
run-mirror: export PORTAL_ZGW_CATALOGI_URL = $(FAKE_ZGW)/catalogi/api/v1
run-mirror: export PORTAL_ZGW_DOCUMENTEN_URL = $(FAKE_ZGW)/documenten/api/v1
run-mirror: export PORTAL_ZGW_NOTIFICATIES_URL = $(FAKE_ZGW)/notificaties/api/v1
run-mirror: export PORTAL_ZGW_CLIENT_ID = mijn-zaken
run-mirror: export PORTAL_ZGW_SECRET = fake-zgw-secret-for-development-only
run-mirror: export PORTAL_ZGW_WEBHOOK_AUTH = Token fake-zgw-webhook-for-development-only
run-mirror: export PORTAL_ZGW_UPLOAD_INFORMATIEOBJECTTYPE = $(FAKE_ZGW)/catalogi/api/v1/informatieobjecttypen/bijlage-aanvrager
run-mirror: export PORTAL_ZGW_RECONCILE_INTERVAL_MINUTES ?= 5
run-mirror: run

# Production: several workers, httptools (sets TCP_NODELAY, so answers on a kept-alive
# connection are not held back ~40 ms), PORTAL_ENV=production and its settings (docs/operating/production.md).
# Forwarded headers are trusted only from PORTAL_TRUSTED_PROXIES (the portal checks them itself).
serve-production: setup
	$(UV) run uvicorn portal.main:app --host $${HOST:-127.0.0.1} --port $${PORT:-8000} --workers $${WORKERS:-2} \
		--http httptools --no-proxy-headers --no-access-log

# ruff (lint and format), mypy --strict on portal/domain and portal/services, the
# import-linter contracts in pyproject.toml. `make format` rewrites what the check refuses.
lint: setup
	$(UV) run ruff check portal devtools a11y bench scripts migrations tests
	$(UV) run ruff format --check portal devtools a11y bench scripts migrations tests
	$(UV) run mypy
	$(UV) run lint-imports

format: setup
	$(UV) run ruff format portal devtools a11y bench scripts migrations tests
	$(UV) run ruff check --fix portal devtools a11y bench scripts migrations tests

# On every core (pytest-xdist; each worker its own database, see tests/conftest.py); a test
# file stays on one worker, so its module fixtures are built once. PYTEST_WORKERS=0 runs in one process.
# --no-loadscope-reorder: files are handed out in collection order, where the long ones come
# first (tests/conftest.py); xdist's own order (most tests first) left them for the end, with
# one core running them alone for minutes.
PYTEST_WORKERS ?= auto
test: setup chromium lint
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# The interop suite against a real Open Zaak 1.30.0 (tests/interop/openzaak; deselected from
# `make test`): starts PostgreSQL and Open Zaak (scripts/start-openzaak.sh: installed once under
# $${OPENZAAK_HOME:-/var/tmp/mijn-zaken-openzaak}, left running for the next run; `bash
# scripts/start-openzaak.sh stop` stops it), then runs the tests marked `openzaak`.
test-interop: setup
	bash scripts/start-postgres.sh
	bash scripts/start-openzaak.sh
	$(UV) run pytest -m openzaak tests/interop/openzaak $(PYTEST_ARGS)

# Load benchmark (bench/__main__.py): BENCH_SCALE=0.1 (100,000 cases) by default; needs
# PORTAL_BENCH_DATABASE_URL, a PostgreSQL database of your own with "bench" in its name
# (its schema is dropped). Results in bench/results/.
bench: setup
	$(UV) run python -m bench $(BENCH_ARGS)
