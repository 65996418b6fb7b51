"""The case API on a database of its own (it creates and changes cases), with client
tokens made the one way the product makes them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session

from devtools.app import create_dev_app as create_app
from portal.clock import today
from portal.services.api_clients import create_client, revoke_client
from tests.isolated import demo_database

TODAY = today()  # the API uses the real clock


@pytest.fixture(scope="package")
def api_engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("api"), TODAY) as engine:
        yield engine


@pytest.fixture(scope="package")
def api_app(settings, api_engine: Engine, migrated_database):
    # schemathesis calls the app as host "testserver": a host this deployment answers to.
    application = create_app(settings.model_copy(update={"allowed_hosts": ["testserver"]}))
    application.state.engine.dispose()
    application.state.engine = api_engine  # the API and the session middleware's purge use this one
    return application


@pytest.fixture(scope="package")
def tokens(api_engine: Engine) -> dict[str, str]:
    with Session(api_engine) as db:
        _writer, write = create_client(db, "zaaksysteem", ["cases:read", "cases:write"])
        _reader, read = create_client(db, "dashboard", ["cases:read"])
        _old, revoked = create_client(db, "oud-systeem", ["cases:read", "cases:write"])
        revoke_client(db, "oud-systeem")
    return {"write": write, "read": read, "revoked": revoked}


@pytest.fixture()
def api(api_app) -> Iterator[TestClient]:
    with TestClient(api_app, base_url="http://127.0.0.1") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
