"""A message about a case is as sensitive as the case: when the case type needs a higher
sign-in level (Wmo, bijstand: DigiD 'substantieel'), the message body needs it too.
Before, a 'midden' sign-in read in the inbox what the case page refused to show."""

from __future__ import annotations

from sqlmodel import select

from portal.models import Case, Notice
from tests.cases.conftest import text_of

BIJSTAND = "ZAAK-2026-0000202"  # needs 'substantieel'


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
