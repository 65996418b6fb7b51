# The two commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PORTAL_CHROMIUM ?= /usr/bin/chromium
export PORTAL_CHROMIUM

.PHONY: run test lint format-check setup chromium migrate demo-data bench

$(UV):
	python3 -m venv .tools && .tools/bin/pip install -q uv

setup: $(UV)
	$(UV) sync --frozen

chromium:
	@test -x "$(PORTAL_CHROMIUM)" || (apt-get update -q && apt-get install -y -q chromium)

migrate: setup
	$(UV) run alembic upgrade head

demo-data: migrate
	$(UV) run python -m devtools.demo

run: demo-data
	@echo ""
	@echo "Mijn Zaken runs on http://127.0.0.1:8000  (stop with Ctrl+C)"
	@echo "Sign in with the demo logins listed above (login simulator)."
	$(UV) run uvicorn devtools.main:app --host 127.0.0.1 --port 8000 --no-proxy-headers

# ruff (lint), mypy --strict on portal/domain and portal/services, the import-linter
# contracts in pyproject.toml. Tests are not in ruff's scope yet (see README).
lint: setup
	$(UV) run ruff check portal devtools a11y bench scripts migrations
	$(UV) run mypy
	$(UV) run lint-imports

# Joins `lint` once the code base has had its one formatting pass (`ruff format`).
format-check: setup
	$(UV) run ruff format --check portal devtools a11y bench scripts migrations tests

test: setup chromium lint
	$(UV) run pytest $(PYTEST_ARGS)

bench: setup
	$(UV) run python -m bench
