"""The benchmark's data generator (bench/generate.py) at a small scale, on a database
of its own: the rows fit the product's model, the shares are realistic, and the two
people the load runner signs in as see their cases through the real overview."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from bench.generate import BENCH_BSN, BENCH_KVK, Plan, Rows, bsn_from, load
from devtools.app import create_dev_app as create_app
from devtools.demo import load_demo_data
from portal.config import Settings
from portal.domain.identifiers import is_valid_bsn, is_valid_kvk
from portal.models import Case, Extension, Notice, Role, StatusHistory, Suspension
from tests.auth_helpers import sign_in_business, sign_in_resident
from tests.conftest import reset_database

CASES = 2_000
TODAY = date(2026, 11, 2)


@pytest.fixture(scope="module")
def bench_app(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("bench")
    url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
    reset_database(url)
    settings = Settings(
        env="test",
        var_dir=var_dir,
        database_url=url,
        simulator_enabled=True,
        secret_key="bench-test-secret-key-long-enough-0123456789",
    )
    app = create_app(settings)
    with Session(app.state.engine) as db:
        load_demo_data(db)
        demo_cases = db.exec(select(func.count()).select_from(Case)).one()
    counts = load(app.state.engine, CASES, today=TODAY)
    yield app, counts, demo_cases
    app.state.engine.dispose()


def test_counts_and_shares(bench_app):
    app, counts, demo_cases = bench_app
    assert counts.rows["case"] == CASES
    with Session(app.state.engine) as db:
        assert db.exec(select(func.count()).select_from(Case)).one() == demo_cases + CASES
        per_case = db.exec(select(func.count()).select_from(StatusHistory)).one() / CASES
        assert 2.0 < per_case < 5.0
        closed = db.exec(select(func.count()).select_from(Case).where(Case.closed_on.is_not(None))).one()
        assert 0.5 < closed / CASES < 0.95
        suspended = db.exec(select(func.count()).select_from(Suspension)).one()
        assert 0.04 < suspended / CASES < 0.12
        extended = db.exec(select(func.count()).select_from(Extension)).one()
        assert 0.01 < extended / CASES < 0.08
        assert (
            db.exec(select(func.count()).select_from(Notice).where(Notice.recipient_kvk == BENCH_KVK)).one()
            >= Plan.for_cases(CASES).business_cases
        )
        owners = db.exec(select(Role.bsn, Role.kvk).where(Role.role_type == "initiator")).all()
    assert all(is_valid_bsn(bsn) for bsn, _ in owners if bsn)
    assert all(is_valid_kvk(kvk) for _, kvk in owners if kvk)


def test_bench_people_see_their_cases(bench_app):
    app, _counts, _demo = bench_app
    plan = Plan.for_cases(CASES)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        sign_in_business(client, BENCH_KVK)
        page = client.get("/mijn-zaken")
        assert page.status_code == 200
        found = re.search(r"(\d+) zaken gevonden", page.text)
        assert found and int(found.group(1)) == plan.business_cases, found and found.group(0)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, BENCH_BSN, level="hoog")
        page = client.get("/mijn-zaken")
        found = re.search(r"(\d+) zaken gevonden", page.text)
        assert found and int(found.group(1)) == plan.resident_cases, found and found.group(0)


def test_rows_follow_the_model():
    rows = Rows(Case)
    with pytest.raises(KeyError, match="no column"):
        rows.row({"id": 1, "no_such_column": 1})
    with pytest.raises(KeyError, match="required"):
        rows.row({"id": 1})
    assert [is_valid_bsn(bsn_from(seed)) for seed in range(0, 5000, 7)] == [True] * len(range(0, 5000, 7))


def test_the_case_listing_is_filled_for_the_loaded_cases(bench_app):
    """COPY and executemany bypass the session hooks; the loader rebuilds the listing,
    so the overview (which reads it) sees every loaded case."""
    from portal.models.listing import expected_rows, stored_rows

    app, _counts, _demo = bench_app
    with app.state.engine.connect() as connection:
        stored = stored_rows(connection)
        assert stored == expected_rows(connection)
        assert len(stored) >= CASES
