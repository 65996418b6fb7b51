"""A live fake ZGW case system (real HTTP on a free port) whose every answer is validated
against the official specifications, a client pointed at it, and a database of its own
(a sync rewrites the demo cases, which the rest of the suite must keep as they are)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest
import uvicorn
from sqlalchemy import Engine
from sqlmodel import Session

from devtools.fake_zgw.app import FakeZgw, create_fake_app, demo_fake
from portal.config import Settings
from portal.zgw.client import ZgwClient
from tests.conftest import free_port
from tests.isolated import demo_database
from tests.zgw.contract import ValidatingTransport

TODAY = date(2026, 3, 2)
SECRET = "fake-zgw-secret-for-development-only"


class LiveFake:
    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.fake = demo_fake(self.base_url, TODAY)
        self.server = uvicorn.Server(
            uvicorn.Config(_Dispatch(self), host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.app = create_fake_app(self.fake)

    def reset(self, fake: FakeZgw | None = None) -> FakeZgw:
        self.fake = fake or demo_fake(self.base_url, TODAY)
        self.app = create_fake_app(self.fake)
        return self.fake


class _Dispatch:
    """Lets a test swap the fake's data without restarting the server."""

    def __init__(self, live: LiveFake) -> None:
        self.live = live

    async def __call__(self, scope, receive, send):
        await self.live.app(scope, receive, send)


@pytest.fixture(scope="session")
def live_fake() -> Iterator[LiveFake]:
    live = LiveFake()
    thread = threading.Thread(target=live.server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("The fake ZGW server did not start")
        time.sleep(0.05)
    yield live
    live.server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def fake(live_fake: LiveFake) -> FakeZgw:
    """Fresh demo data for every test."""
    return live_fake.reset()


def zgw_settings(fake_url: str, **overrides) -> Settings:
    values = {
        "env": "test",
        "zgw_zaken_url": f"{fake_url}/zaken/api/v1",
        "zgw_catalogi_url": f"{fake_url}/catalogi/api/v1",
        "zgw_documenten_url": f"{fake_url}/documenten/api/v1",
        "zgw_notificaties_url": f"{fake_url}/notificaties/api/v1",
        "zgw_client_id": "mijn-zaken",
        "zgw_secret": SECRET,
        "zgw_timeout_seconds": 1.0,
        "zgw_retries": 2,
        "zgw_backoff_seconds": 0.01,
        "zgw_webhook_auth": "Token test-webhook-secret-0123456789",
        "zgw_upload_informatieobjecttype": FakeZgw(fake_url).upload_informatieobjecttype,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture()
def transport(live_fake: LiveFake) -> Iterator[ValidatingTransport]:
    validating = ValidatingTransport(live_fake.base_url)
    yield validating
    validating.close()


@pytest.fixture()
def zgw_client(live_fake: LiveFake, transport: ValidatingTransport) -> Iterator[ZgwClient]:
    client = ZgwClient.from_settings(zgw_settings(live_fake.base_url), transport=transport)
    client.sleep = lambda _seconds: None
    yield client
    client.close()


@pytest.fixture()
def mirror_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """A migrated database of its own with the demo municipality, as a URL (the app
    makes its own engine): a separate SQLite file, or a separate PostgreSQL database."""
    with demo_database(database_url, tmp_path, TODAY) as engine:
        yield engine.url.render_as_string(hide_password=False)


@pytest.fixture()
def mirror_engine(mirror_database_url: str, tmp_path) -> Iterator[Engine]:
    from sqlalchemy import create_engine

    engine = create_engine(mirror_database_url)
    yield engine
    engine.dispose()


@pytest.fixture()
def mirror_app(live_fake, mirror_database_url: str, transport, tmp_path):
    """The portal in mirror mode against the live fake (its client validates every answer)."""
    from devtools.app import create_dev_app as create_app

    settings = zgw_settings(
        live_fake.base_url,
        var_dir=tmp_path,
        database_url=mirror_database_url,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        simulator_enabled=True,
    )
    app = create_app(settings)
    app.state.zgw.client.close()
    app.state.zgw.client = ZgwClient.from_settings(settings, transport=transport)
    app.state.zgw.client.sleep = lambda _seconds: None
    yield app
    app.state.zgw.close(wait=True)
    app.state.engine.dispose()


@pytest.fixture()
def mirror_db(mirror_engine: Engine) -> Iterator[Session]:
    with Session(mirror_engine, expire_on_commit=False) as session:
        yield session
