"""Issue 19, items 4 and 6: the reason staff see on /medewerker/verzending is a sentence in
their language (the technical detail beside it, never a Python repr), and an employee of
another team neither sees nor re-sends a delivery about a team-1 case (404, as the
console); an administrator sees all."""

from __future__ import annotations

import re
import secrets

import pytest
from sqlmodel import Session, select

from portal.clock import utcnow
from portal.models import AuditLog, Case, Delivery, Notice
from portal.notify.channels import SmsChannel
from portal.notify.worker import Worker
from tests.auth_helpers import RESIDENT_A, sign_in_staff
from tests.notify.conftest import API_KEY, notice_for_jan, set_preference, worker_settings


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture()
def jans_given_up_email(app):
    """Jan's given-up e-mail about his dormer case (team 1, handled by e.devries)."""
    with Session(app.state.engine) as db:
        case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000101")).one()
        notice = db.exec(select(Notice).where(Notice.recipient_bsn == RESIDENT_A, Notice.case_id == case.id)).first()
        row = Delivery(
            notice_id=notice.id,
            channel="email",
            address="jan-weg@example.org",
            status="given_up",
            last_error="Mail server answered 550: 5.1.1 Mailbox does not exist",
            failure_code="mail_refused",
            attempts=1,
            given_up_at=utcnow(),
            idempotency_key=f"test-{secrets.token_hex(8)}",
        )
        db.add(row)
        db.commit()
        db.refresh(row)
    yield row
    with Session(app.state.engine) as db:
        db.delete(db.get(Delivery, row.id))
        db.commit()


def test_another_teams_employee_gets_404_and_does_not_see_the_delivery(client, app, jans_given_up_email):
    def resend_rows() -> int:  # delivery ids are reused on the shared test database: count, do not look up
        with Session(app.state.engine) as db:
            return len(
                db.exec(
                    select(AuditLog).where(
                        AuditLog.action == "staff.resend_delivery", AuditLog.object_id == str(jans_given_up_email.id)
                    )
                ).all()
            )

    before = resend_rows()
    sign_in_staff(client, "m.bakker")  # team 2 (Zorg en Welzijn), not an administrator
    page = client.get("/medewerker/verzending")
    assert page.status_code == 200
    assert "jan-weg@example.org" not in page.text
    answer = client.post(
        f"/medewerker/verzending/{jans_given_up_email.id}/opnieuw",
        data={"csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 404
    with Session(app.state.engine) as db:
        assert db.get(Delivery, jans_given_up_email.id).status == "given_up"
    assert resend_rows() == before


def test_an_administrator_of_another_team_sees_and_may_send_again(client, app, jans_given_up_email):
    sign_in_staff(client, "l.smit")  # team 5, administrator
    page = client.get("/medewerker/verzending")
    assert "jan-weg@example.org" in page.text
    answer = client.post(
        f"/medewerker/verzending/{jans_given_up_email.id}/opnieuw",
        data={"csrf_token": csrf(page.text)},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_the_reason_is_a_dutch_sentence_with_the_detail_not_a_python_repr(engine, tmp_path, fake_notify, client):
    """A number Notify refuses: the page says why in Dutch; the detail is Notify's message."""
    fake, url = fake_notify
    set_preference(engine, by_sms=True, phone="0612345678")  # stored unchecked: Notify refuses it
    with Session(engine) as db:
        notice_for_jan(db)
        db.commit()
    channel = SmsChannel(
        url, API_KEY, "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e01", "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e02", 5
    )
    Worker(engine, worker_settings(tmp_path), {"sms": channel}).run_once()
    with Session(engine) as db:
        row = db.exec(select(Delivery)).one()
    assert row.status == "given_up" and row.failure_code == "sms_refused"
    assert "{" not in row.last_error and "[" not in row.last_error
    assert row.last_error.endswith("phone_number Not a UK mobile number")


def test_the_staff_page_says_the_reason_in_dutch(client, jans_given_up_email):
    sign_in_staff(client, "e.devries")
    page = client.get("/medewerker/verzending", headers={"Accept-Language": "nl"})
    assert "De mailserver weigerde de e-mail" in page.text
    assert "Technische details: Mail server answered 550" in page.text
