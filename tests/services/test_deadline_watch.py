"""The deadline watch on a fixed day: exactly the right cases, alerts for handler and
team lead (badge and e-mail), the resident's 'date passed' notice with rights, once --
also when two workers run it at the same moment (PostgreSQL: real concurrency)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, update
from sqlmodel import Session, select

from portal.models import Case, Delivery, Employee, Notice, StaffAlert
from portal.services.changes import Actor
from portal.services.changes.assign_handler import assign_handler
from portal.services.changes.create_case import create_case
from portal.services.changes.extend_decision_date import extend_decision_date
from portal.services.changes.record_decision import record_decision
from portal.services.changes.request_documents import request_documents
from portal.services.deadline_watch import run_deadline_watch, unseen_alerts
from tests.isolated import demo_database

TODAY = date(2026, 6, 15)  # Monday
SYSTEM = Actor(kind="system", audit_id="test")
PDF = b"%PDF-1.7\n%%EOF\n"


def received(weeks: int, days: int = 0) -> date:
    return TODAY - timedelta(weeks=weeks, days=days)


@pytest.fixture()
def watch_engine(database_url: str, tmp_path) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path, TODAY) as engine:
        with Session(engine) as db:
            db.exec(update(Case).values(closed_on=TODAY - timedelta(days=1)))  # only this test's cases are open
            db.add(
                Employee(
                    team_id=1,
                    login_id="t.leider",
                    name="Tara Leider",
                    function_nl="Teamleider",
                    function_en="Team lead",
                    email="t.leider@example.nl",
                    roles="handler team_lead",
                )
            )
            db.commit()
        yield engine


def make(db: Session, name: str, received_on: date, code: str = "omgevingsvergunning-regulier") -> Case:
    return create_case(
        db,
        SYSTEM,
        case_type_code=code,
        title_nl=name,
        received_on=received_on,
        bsn="999993653",
        number=f"WATCH-{name}",
        today=TODAY,
    )


@pytest.fixture()
def cases(watch_engine: Engine, tmp_path) -> dict[str, Case]:
    with Session(watch_engine, expire_on_commit=False) as db:
        made = {
            "due-today": make(db, "due-today", received(8)),  # legal date = today: 0 working days left
            "passed": make(db, "passed", received(9)),  # a week overdue
            "later": make(db, "later", received(4)),  # four weeks to go
            "soon": make(db, "soon", received(7)),  # 5 working days left
            "extended": make(db, "extended", received(7)),
            "paused": make(db, "paused", received(7)),
            "decided": make(db, "decided", received(9)),
            "melding": make(db, "melding", received(4), "melding-openbare-ruimte"),  # no dwangsom
        }
        eva = db.exec(select(Employee).where(Employee.login_id == "e.devries")).one()
        assign_handler(db, SYSTEM, made["soon"].id, made["soon"].version, eva.id)
        extend_decision_date(db, SYSTEM, made["extended"].id, 1, duration="P2W", reason_nl="Advies", today=TODAY)
        request_documents(
            db, SYSTEM, made["paused"].id, 1, title_nl="Tekening", due_on=TODAY + timedelta(days=10), today=TODAY
        )
        record_decision(
            db,
            SYSTEM,
            made["decided"].id,
            1,
            result="granted",
            letter_name="b.pdf",
            letter_data=PDF,
            upload_dir=tmp_path,
            max_bytes=1000,
            today=TODAY,
        )
        for case in made.values():
            db.refresh(case)
        return made


def test_finds_exactly_the_right_cases_and_alerts_once(watch_engine, cases):
    with Session(watch_engine) as db:
        melding_deadline = db.get(Case, cases["melding"].id).legal_deadline_on
        found = run_deadline_watch(db, today=TODAY, warn_days=10)
    expected_passed = {"WATCH-passed"} | ({"WATCH-melding"} if melding_deadline < TODAY else set())
    assert set(found.at_risk) == {"WATCH-due-today", "WATCH-soon"} | (
        {"WATCH-melding"} if melding_deadline >= TODAY else set()
    )
    assert set(found.passed) == expected_passed
    with Session(watch_engine) as db:
        eva = db.exec(select(Employee).where(Employee.login_id == "e.devries")).one()
        lead = db.exec(select(Employee).where(Employee.login_id == "t.leider")).one()
        alerts = db.exec(select(StaffAlert)).all()
        by_case = {}
        for alert in alerts:
            by_case.setdefault(db.get(Case, alert.case_id).number, set()).add(alert.employee_id)
        leads = set(db.exec(select(Employee.id).where(Employee.roles.contains("team_lead"))).all())
        assert leads == {eva.id, lead.id}  # the demo's Eva is team lead of the permits team too
        assert by_case["WATCH-soon"] == {eva.id, lead.id}  # handler and the team leads of her team
        assert by_case["WATCH-passed"] == leads  # nobody handles it: every team lead
        assert unseen_alerts(db, lead.id) == len(found.at_risk) + len(found.passed)
        notices = db.exec(
            select(Notice).where(Notice.kind == "deadline_passed", Notice.dedupe_key.startswith("deadline_passed:"))
        ).all()
        assert {db.get(Case, n.case_id).number for n in notices} == expected_passed
        passed = next(n for n in notices if db.get(Case, n.case_id).number == "WATCH-passed")
        assert "4:17" in passed.body_nl and "4:17" in passed.body_en
        staff_mail = db.exec(select(Delivery).where(Delivery.purpose == "staff_alert")).all()
        assert {d.address for d in staff_mail} == {lead.email, eva.email} - {""}
    with Session(watch_engine) as db:
        again = run_deadline_watch(db, today=TODAY, warn_days=10)
    assert again.alerts == 0 and again.notices == 0 and set(again.passed) == expected_passed


def test_the_warning_window_is_a_setting(watch_engine, cases):
    with Session(watch_engine) as db:
        found = run_deadline_watch(db, today=TODAY, warn_days=2)
    assert "WATCH-soon" not in found.at_risk and "WATCH-due-today" in found.at_risk


def test_two_workers_at_once_store_each_alert_and_notice_once(watch_engine, cases):
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with Session(watch_engine) as db:
                start.wait()
                run_deadline_watch(db, today=TODAY, warn_days=10)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with Session(watch_engine) as db:
        keys = db.exec(select(StaffAlert.dedupe_key)).all()
        assert len(keys) == len(set(keys)) > 0
        notices = db.exec(select(Notice.case_id).where(Notice.dedupe_key.startswith("deadline_passed:"))).all()
        assert len(notices) == len(set(notices)) > 0
        mails = db.exec(select(Delivery.idempotency_key).where(Delivery.purpose == "staff_alert")).all()
        assert len(mails) == len(set(mails)) > 0
    with Session(watch_engine) as db:  # and a third run adds nothing
        assert run_deadline_watch(db, today=TODAY, warn_days=10).alerts == 0


def test_the_worker_runs_the_watch(watch_engine, cases, tmp_path):
    """`python -m portal.worker --once` runs the deadline watch (with the real clock, so
    every one of these cases is by then long past its date: alerts appear)."""
    import os
    import subprocess
    import sys

    from portal.config import PROJECT_ROOT
    from tests.subprocess_db import url_for_subprocess

    env = {
        **os.environ,
        "PORTAL_ENV": "test",
        "PORTAL_DATABASE_URL": url_for_subprocess(watch_engine),
        "PORTAL_VAR_DIR": str(tmp_path),
        "PORTAL_SECRET_KEY": "x" * 40,
        "PORTAL_SMTP_PORT": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "portal.worker", "--once"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Deadline watch:" in done.stderr, done.stderr[-2000:]
    with Session(watch_engine) as db:
        assert db.exec(select(StaffAlert)).first() is not None
