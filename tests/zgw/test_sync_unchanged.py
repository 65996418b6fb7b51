"""Issue 18: a refresh that finds a zaak as it was writes nothing but the time of the refresh
(``portal.zgw.sync.confirm_unchanged``); anything new, changed there or changed here since
is applied in full, as before."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event
from sqlmodel import Session, select

from devtools.fake_zgw.app import Fault
from portal.models import Case
from portal.services.changes.base import CASE_SYSTEM, lock_case
from portal.services.deadlines import deadline_for_case
from portal.zgw.sync import record_failure, sync_zaak
from tests.zgw.conftest import TODAY
from tests.zgw.test_sync import ALLOWED

NUMBER = "ZAAK-2026-0000102"


def _case(db: Session, number: str = NUMBER) -> Case:
    db.expire_all()
    return db.exec(select(Case).where(Case.number == number)).one()


def _statements(db: Session) -> list[str]:
    seen: list[str] = []
    event.listen(db.get_bind(), "before_cursor_execute", lambda _c, _cur, sql, *_rest: seen.append(sql))
    return seen


def test_an_unchanged_zaak_costs_one_update_and_clears_an_old_failure(fake, zgw_client, mirror_db):
    url = fake.zaak(NUMBER)["url"]
    first = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not isinstance(first, str) and not first.unchanged
    stored = _case(mirror_db)
    assert stored.zgw_snapshot_hash.endswith(f":{stored.version}")
    record_failure(mirror_db, url, "http_5xx")  # an earlier refresh failed
    before = _case(mirror_db)
    kept = (before.id, before.version, before.title_nl, before.legal_deadline_on)
    synced_before = before.zgw_synced_at  # (before is refreshed in place: the identity map)
    seen = _statements(mirror_db)
    again = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not isinstance(again, str) and again.unchanged and again.case_id == before.id
    assert again.deadline == before.legal_deadline_on and again.notices == 0
    writes = [sql for sql in seen if not sql.lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE"), seen
    after = _case(mirror_db)
    assert after.zgw_synced_at > synced_before
    assert (after.zgw_sync_error, after.zgw_sync_failed_at) == ("", None)
    assert (after.id, after.version, after.title_nl, after.legal_deadline_on) == kept


def test_a_zaak_changed_in_the_case_system_is_applied_in_full(fake, zgw_client, mirror_db):
    url = fake.zaak(NUMBER)["url"]
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    fake.zaak(NUMBER)["omschrijving"] = "Kap van twee eiken"
    outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not isinstance(outcome, str) and not outcome.unchanged
    assert _case(mirror_db).title_nl == "Kap van twee eiken"
    assert sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY).unchanged


def test_a_case_changed_here_since_is_applied_in_full_again(fake, zgw_client, mirror_db):
    """Every change here takes the case's version lock (lock_case): the version in the hash
    no longer matches, so the next refresh writes the case system's state again."""
    url = fake.zaak(NUMBER)["url"]
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    stored = _case(mirror_db)
    title = stored.title_nl
    case, _type = lock_case(mirror_db, CASE_SYSTEM, stored.id, stored.version)
    case.title_nl = "Changed here"
    mirror_db.add(case)
    mirror_db.commit()
    outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert not isinstance(outcome, str) and not outcome.unchanged
    assert _case(mirror_db).title_nl == title


def test_a_suspended_case_is_recomputed_on_a_new_day(fake, zgw_client, mirror_db):
    """An open suspension moves the legal deadline every day it stays open."""
    url = fake.zaak(NUMBER)["url"]
    fake.zaak(NUMBER)["opschorting"] = {"indicatie": True, "reden": "Wacht op tekening"}
    sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY)
    assert sync_zaak(mirror_db, zgw_client, url, ALLOWED, TODAY).unchanged
    later = TODAY + timedelta(days=7)
    outcome = sync_zaak(mirror_db, zgw_client, url, ALLOWED, later)
    assert not isinstance(outcome, str) and not outcome.unchanged
    case = _case(mirror_db)
    assert case.legal_deadline_on == deadline_for_case(mirror_db, case, later).deadline
    assert sync_zaak(mirror_db, zgw_client, url, ALLOWED, later).unchanged


def test_in_a_batch_a_failing_zaak_keeps_the_unchanged_ones_before_it(fake, zgw_client, mirror_db, mirror_engine):
    """A refresh commits unchanged zaken together; one failing afterwards rolls back only itself."""
    good = fake.zaak(NUMBER)["url"]
    bad = fake.zaak("ZAAK-2026-0000101")["url"]
    sync_zaak(mirror_db, zgw_client, good, ALLOWED, TODAY)
    sync_zaak(mirror_db, zgw_client, bad, ALLOWED, TODAY)
    before = _case(mirror_db).zgw_synced_at
    assert sync_zaak(mirror_db, zgw_client, good, ALLOWED, TODAY, batch=True).unchanged
    fake.zaak("ZAAK-2026-0000101")["startdatum"] = "not a date"  # cannot be mapped
    assert sync_zaak(mirror_db, zgw_client, bad, ALLOWED, TODAY, batch=True) == "invalid_body"
    fake.faults.append(Fault("/zaken/api/v1/zaken/", "500", times=5))
    assert sync_zaak(mirror_db, zgw_client, bad, ALLOWED, TODAY, batch=True) == "http_5xx"
    fake.faults.clear()
    with Session(mirror_engine) as other:  # what is committed
        assert other.exec(select(Case).where(Case.zgw_url == good)).one().zgw_synced_at > before
