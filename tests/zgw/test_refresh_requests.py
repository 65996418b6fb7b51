"""Issue 18, item 11: a refresh asks the case system for as little as it needs. The zaken
search brings every zaak's rollen, resultaat and document links along (``expand``); a zaak
the case system answers the same for as at its last full apply (its source digest) needs
no request of its own, a changed one one request for its statussen. Whatever is skipped,
the result is the one a full fetch gives: a new status is announced, a change made here is
overwritten, a zaak no longer allowed is withheld, a suspended zaak moves on a new day, and
a case system without ``expand`` is asked per zaak."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from devtools.fake_zgw.app import Fault
from portal.models import Case, Notice, Role, StatusHistory
from portal.services.changes.base import CASE_SYSTEM, lock_case
from portal.services.deadlines import deadline_for_case
from portal.zgw.parties import refresh_party
from tests.zgw.conftest import TODAY
from tests.zgw.test_refresh_speed import BSN, KEY, _many_zaken, _plain_client
from tests.zgw.test_uploads import ALLOWED

FIRST = "ZAAK-2026-9000000"
COUNT = 12


def _refresh(live_fake, engine, allowed=ALLOWED, today=TODAY) -> list[str]:
    """One refresh of the resident's zaken; returns the requests it made."""
    fake = live_fake.fake
    before = len(fake.requests)
    client = _plain_client(live_fake)
    try:
        assert refresh_party(engine, client, KEY, allowed, today) == ""
    finally:
        client.close()
    return fake.requests[before:]


def _per_zaak(requests: list[str]) -> list[str]:
    """Requests about one zaak: anything but the search itself and the catalogue."""
    return [request for request in requests if request != "GET /zaken/api/v1/zaken" and "/catalogi/" not in request]


def _ours(engine) -> dict[str, Case]:
    with Session(engine) as db:
        return {case.number: case for case in db.exec(select(Case).where(Case.number.like("ZAAK-2026-9%"))).all()}


def test_an_unchanged_refresh_asks_nothing_per_zaak(fake, live_fake, mirror_engine):
    _many_zaken(fake, COUNT)
    first = _refresh(live_fake, mirror_engine)
    assert sum("/statussen" in request for request in first) >= COUNT  # new: fetched in full
    assert not any("/rollen" in request for request in first)  # included in the search
    before = _ours(mirror_engine)
    assert len(before) == COUNT and all(case.zgw_source_hash for case in before.values())
    again = _refresh(live_fake, mirror_engine)
    assert _per_zaak(again) == []
    after = _ours(mirror_engine)
    assert {number: case.version for number, case in after.items()} == {n: c.version for n, c in before.items()}
    assert all(after[number].zgw_synced_at > before[number].zgw_synced_at for number in before)


def test_a_new_status_costs_one_request_and_is_announced(fake, live_fake, mirror_engine):
    _many_zaken(fake, COUNT)
    _refresh(live_fake, mirror_engine)
    fake.set_status(FIRST, 2, datetime.combine(TODAY, datetime.min.time()) + timedelta(hours=9), note="In behandeling")
    status_url = fake.zaak(FIRST)["url"]
    again = _refresh(live_fake, mirror_engine)
    assert _per_zaak(again) == ["GET /zaken/api/v1/statussen"]
    case = _ours(mirror_engine)[FIRST]
    with Session(mirror_engine) as db:
        statuses = db.exec(select(StatusHistory).where(StatusHistory.case_id == case.id)).all()
        notices = db.exec(select(Notice).where(Notice.case_id == case.id)).all()
    assert len(statuses) == 2 and any(notice.kind == "status" for notice in notices), status_url


def test_a_case_changed_here_is_fetched_in_full_and_set_back(fake, live_fake, mirror_engine):
    _many_zaken(fake, COUNT)
    _refresh(live_fake, mirror_engine)
    case = _ours(mirror_engine)[FIRST]
    with Session(mirror_engine) as db:
        locked, _type = lock_case(db, CASE_SYSTEM, case.id, case.version)
        locked.title_nl = "Changed here"
        db.add(locked)
        db.commit()
    again = _refresh(live_fake, mirror_engine)
    assert _per_zaak(again) == ["GET /zaken/api/v1/statussen"]  # completed in the writer
    assert _ours(mirror_engine)[FIRST].title_nl == case.title_nl


def test_a_zaak_no_longer_allowed_is_withheld_though_unchanged(fake, live_fake, mirror_engine):
    """An operator narrows PORTAL_ZGW_CONFIDENTIALITY: the same answer no longer counts as
    unchanged, the zaak is withheld (no rollen kept, so nobody sees it)."""
    _many_zaken(fake, COUNT)
    _refresh(live_fake, mirror_engine)
    narrower = frozenset(ALLOWED - {"zaakvertrouwelijk"})
    assert fake.zaak(FIRST)["vertrouwelijkheidaanduiding"] == "zaakvertrouwelijk"
    _refresh(live_fake, mirror_engine, allowed=narrower)
    case = _ours(mirror_engine)[FIRST]
    with Session(mirror_engine) as db:
        assert db.exec(select(Role).where(Role.case_id == case.id)).all() == []


def test_a_suspended_zaak_is_applied_again_on_a_new_day(fake, live_fake, mirror_engine):
    _many_zaken(fake, COUNT)
    fake.zaak(FIRST)["opschorting"] = {"indicatie": True, "reden": "Wacht op advies welstand"}
    _refresh(live_fake, mirror_engine)
    assert _per_zaak(_refresh(live_fake, mirror_engine)) == []  # the same day: unchanged
    later = TODAY + timedelta(days=3)
    suspended = [  # the resident's suspended zaken: this one and any of the demo's
        zaak
        for zaak in fake.zaken.values()
        if zaak["opschorting"]["indicatie"]
        and any(
            rol["zaak"] == zaak["url"] and rol["betrokkeneIdentificatie"].get("inpBsn") == BSN
            for rol in fake.rollen.values()
        )
    ]
    requests = _per_zaak(_refresh(live_fake, mirror_engine, today=later))
    assert requests == ["GET /zaken/api/v1/statussen"] * len(suspended)
    with Session(mirror_engine) as db:
        case = db.exec(select(Case).where(Case.number == FIRST)).one()
        assert case.legal_deadline_on == deadline_for_case(db, case, later).deadline  # as of the new day


def test_without_expand_every_zaak_is_asked_for_with_the_same_result(fake, live_fake, mirror_engine):
    """A case system that ignores ``expand``: rollen and document links per zaak. What it
    stores is what the expanded search gives: a later refresh with expand finds every zaak
    unchanged."""
    _many_zaken(fake, COUNT)
    fake.supports_expand = False
    first = _refresh(live_fake, mirror_engine)
    assert sum(request == "GET /zaken/api/v1/rollen" for request in first) >= COUNT
    fake.supports_expand = True
    assert _per_zaak(_refresh(live_fake, mirror_engine)) == []


def test_a_case_system_refusing_expand_is_searched_plainly(fake, live_fake, mirror_engine):
    _many_zaken(fake, COUNT)
    fake.faults.append(Fault("/zaken/api/v1/zaken", "400", method="GET"))
    first = _refresh(live_fake, mirror_engine)
    assert first.count("GET /zaken/api/v1/zaken") == 2  # refused, then plain
    assert sum(request == "GET /zaken/api/v1/rollen" for request in first) >= COUNT
    assert len(_ours(mirror_engine)) == COUNT
    with Session(mirror_engine) as db:
        mine = db.exec(select(Role).where(Role.bsn == BSN)).all()
    assert len({role.case_id for role in mine}) >= COUNT
