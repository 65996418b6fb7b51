"""Liveness and readiness, as a load balancer sees them."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from portal.app import create_app
from portal.config import Settings
from tests.conftest import free_port


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ready_when_the_database_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}  # details only for an authorised caller


def unreachable_databases(tmp_path) -> dict[str, str]:
    return {
        # Nothing listens on a free port: the connection is refused at once.
        "postgresql-closed-port": (
            f"postgresql+psycopg://portal:portal@127.0.0.1:{free_port()}/portal?connect_timeout=3"
        ),
        "sqlite-missing-folder": f"sqlite:///{tmp_path / 'does-not-exist' / 'portal.sqlite3'}",
    }


@pytest.mark.parametrize("kind", ["postgresql-closed-port", "sqlite-missing-folder"])
def test_readyz_is_503_with_a_reason_when_the_database_is_down(tmp_path, kind):
    settings = Settings(
        env="test",
        var_dir=tmp_path / "var",
        database_url=unreachable_databases(tmp_path)[kind],
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        readyz_token="readyz-token-0123456789",
    )
    app = create_app(settings)
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            started = time.monotonic()
            ready = client.get("/readyz")
            elapsed = time.monotonic() - started
            alive = client.get("/healthz")
            detailed = client.get("/readyz", headers={"Authorization": "Bearer readyz-token-0123456789"})
    finally:
        app.state.engine.dispose()
    assert ready.status_code == 503
    assert ready.json() == {"status": "not ready"}
    # the reason only for the operator's token (PORTAL_READYZ_TOKEN)
    assert detailed.status_code == 503
    assert detailed.json() == {"status": "not ready", "database": "unreachable"}
    assert elapsed < 5, f"readiness must fail fast, took {elapsed:.1f} s"
    # Liveness does not depend on the database: restarting the process would not help.
    assert alive.status_code == 200
