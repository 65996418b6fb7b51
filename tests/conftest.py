"""Shared test fixtures: a real database (SQLite by default, PostgreSQL when
PORTAL_TEST_DATABASE_URL is set, as in CI), migrated with Alembic and loaded with
the demo municipality; the app; a live server on a free port; a real Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from a11y.browser import launch  # one way to start Chromium: the a11y CLI uses it too
from devtools.app import create_dev_app
from portal.config import PROJECT_ROOT, Settings
from tests.collection import pytest_collection_modifyitems  # noqa: F401 -- the hook, found here by pytest


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logging"] = False
    # Passed to migrations/env.py directly: changing os.environ would leak into other tests.
    config.attributes["database_url"] = database_url
    return config


def reset_database(database_url: str) -> None:
    """Start every test run from an empty database, then migrate to head."""
    if database_url.startswith("postgresql"):
        from sqlalchemy import create_engine

        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    command.upgrade(alembic_config(database_url), "head")


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def database_url(var_dir: Path, worker_id: str) -> str:
    """SQLite in this run's own folder, or PORTAL_TEST_DATABASE_URL. With pytest-xdist
    (``make test`` runs on every core) each worker gets a PostgreSQL database of its own,
    named after the given one (``portal_test_gw0``, ...), created here when missing."""
    configured = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not configured:
        return f"sqlite:///{var_dir / 'test.sqlite3'}"
    if worker_id == "master":
        return configured
    return database_of_worker(configured, worker_id)


def database_of_worker(configured: str, worker_id: str) -> str:
    from sqlalchemy import create_engine, make_url

    url = make_url(configured)
    name = f"{url.database}_{worker_id}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def settings(var_dir: Path, database_url: str) -> Settings:
    return Settings(
        env="test",
        var_dir=var_dir,
        database_url=database_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        simulator_enabled=True,
        # The least allowed: a page. Woonstichting De Linde's 30 cases (devtools/demo.py) then
        # show "more than 25" in the accessibility crawl and the browser tests.
        search_count_limit=25,
    )


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    reset_database(database_url)
    return database_url


@pytest.fixture(scope="session")
def app(settings: Settings, migrated_database: str):
    from devtools.demo import load_demo_data

    application = create_dev_app(settings)
    with Session(application.state.engine) as db:
        load_demo_data(db)
    yield application
    application.state.engine.dispose()


@pytest.fixture()
def client(app) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


@pytest.fixture()
def db(app) -> Iterator[Session]:
    with Session(app.state.engine, expire_on_commit=False) as session:
        yield session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app, settings: Settings) -> Iterator[str]:
    """The app served by uvicorn on a free port, for the browser and the a11y crawl."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    settings.base_url = base_url
    # As in production: uvicorn's own proxy-header handling off (it trusts every local
    # address); the app trusts X-Forwarded-For only from Settings.trusted_proxies.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("The live server did not start within 20 seconds")
        time.sleep(0.05)
    yield base_url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="nl-NL")
    browser_page = context.new_page()
    yield browser_page
    context.close()


@pytest.fixture()
def on_the_test_database(monkeypatch) -> None:
    """A production-mode app on the suite's test database (SQLite in the default run): lifts
    only production's database refusal, for tests of other production behaviour. The
    refusal itself is tested in tests/test_config.py."""
    monkeypatch.setattr(Settings, "database_problems", lambda self: [])
