"""A message about a case is as sensitive as the case: when the case type needs a higher
sign-in level (Wmo, bijstand: DigiD 'substantieel'), the message body needs it too.
Before, a 'midden' sign-in read in the inbox what the case page refused to show."""

from __future__ import annotations

from sqlmodel import select

from portal.models import Case, Notice
from tests.cases.conftest import csrf_of, text_of

BIJSTAND = "ZAAK-2026-0000202"  # needs 'substantieel'
WMO = "ZAAK-2026-0000201"  # needs 'substantieel' too


def notice_ids(db, number: str) -> list[int]:
    case = db.exec(select(Case).where(Case.number == number)).one()
    return list(db.exec(select(Notice.id).where(Notice.case_id == case.id)).all())


def test_a_message_about_a_case_above_the_sign_in_level_asks_for_a_higher_level(fatima_midden, db):
    ids = notice_ids(db, BIJSTAND)
    assert ids
    for notice_id in ids:
        body = db.get(Notice, notice_id).body_nl
        response = fatima_midden.get(f"/berichten/{notice_id}")
        assert response.status_code == 403
        assert body.split("\n\n")[1] not in text_of(response.text)
        assert "niveau=substantieel" in response.text  # the way forward: sign in again at that level


def test_the_same_message_at_the_right_level_is_shown(fatima, db):
    notice_id = notice_ids(db, BIJSTAND)[0]
    body = db.get(Notice, notice_id).body_nl
    response = fatima.get(f"/berichten/{notice_id}")
    assert response.status_code == 200
    assert text_of(body.split("\n\n")[1]) in text_of(response.text)


def test_marking_a_message_read_needs_the_same_level_as_reading_it(fatima_midden, db):
    """Before, POST /berichten/{id}/gelezen skipped the level check that reading has."""
    token = csrf_of(fatima_midden.get("/berichten").text)
    ids = notice_ids(db, BIJSTAND) + notice_ids(db, WMO)
    before = {notice_id: db.get(Notice, notice_id).read_at for notice_id in ids}
    assert None in before.values()  # at least one unread message, so marking it would show
    for notice_id in ids:
        response = fatima_midden.post(
            f"/berichten/{notice_id}/gelezen", headers={"X-CSRF-Token": token}, follow_redirects=False
        )
        assert response.status_code == 403
        assert "niveau=substantieel" in response.text
        db.expire_all()
        assert db.get(Notice, notice_id).read_at == before[notice_id]  # nothing changed


def test_the_inbox_offers_no_mark_as_read_button_below_the_level(fatima_midden, db):
    inbox = fatima_midden.get("/berichten")
    assert inbox.status_code == 200
    for notice_id in notice_ids(db, BIJSTAND) + notice_ids(db, WMO):
        if db.get(Notice, notice_id).read_at is None:
            assert f'action="/berichten/{notice_id}/gelezen' not in inbox.text
