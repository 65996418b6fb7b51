# The two commands: `make run` and `make test`. Both install what they need.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PORTAL_CHROMIUM ?= /usr/bin/chromium
export PORTAL_CHROMIUM

# The key the local fake Notify accepts (devtools/notify_sink); not a secret of any real service.
DEV_NOTIFY_KEY := dev-11111111-2222-3333-4444-555555555555-66666666-7777-8888-9999-000000000000

.PHONY: run test setup chromium migrate demo-data bench

$(UV):
	python3 -m venv .tools && .tools/bin/pip install -q uv

setup: $(UV)
	$(UV) sync --frozen

chromium:
	@test -x "$(PORTAL_CHROMIUM)" || (apt-get update -q && apt-get install -y -q chromium)

migrate: setup
	$(UV) run alembic upgrade head

demo-data: migrate
	$(UV) run python -m portal.demo

run: demo-data
	@echo ""
	@echo "Mijn Zaken runs on http://127.0.0.1:8000  (stop with Ctrl+C)"
	@echo "Sign in with the demo logins listed above (login simulator)."
	@echo "Notices leave through the local mail sink (smtp://127.0.0.1:8025) and fake Notify (http://127.0.0.1:8026); see var/sink/ and var/letters/."
	PORTAL_NOTIFY_API_KEY=$${PORTAL_NOTIFY_API_KEY:-$(DEV_NOTIFY_KEY)} $(UV) run python -m devtools.notify_sink & SINK=$$!; \
	PORTAL_NOTIFY_API_KEY=$${PORTAL_NOTIFY_API_KEY:-$(DEV_NOTIFY_KEY)} $(UV) run python -m portal.worker & WORKER=$$!; \
	trap 'kill $$SINK $$WORKER 2>/dev/null' EXIT INT TERM; \
	PORTAL_NOTIFY_API_KEY=$${PORTAL_NOTIFY_API_KEY:-$(DEV_NOTIFY_KEY)} $(UV) run uvicorn portal.main:app --host 127.0.0.1 --port 8000

test: setup chromium
	$(UV) run pytest $(PYTEST_ARGS)

bench: setup
	$(UV) run python -m bench
