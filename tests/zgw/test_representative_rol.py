"""Issue 20, item 5: a representative who uploads on a mirrored zaak is recorded on it in the
case system, as Open Zaak's mandate recipe has it (docs/client-development/mandate.rst): their
rol with indicatieMachtiging "gemachtigde" and the authenticatieContext, and the represented
person's rol "machtiginggever" -- each exactly once, also when the case system stores a POST
and answers late or with an error; a rol that cannot be made never loses the upload. Against
the live fake (real HTTP; requests and answers validated against the specifications)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, select

from devtools.fake_zgw.app import Fault
from portal.auth.principal import Principal
from portal.domain.representation import DIGID_MACHTIGEN, Representation
from portal.models import AuditLog, Case, Document, DocumentRequest, ZgwRepresentativeRol
from portal.services.documents import CheckedFile, store_upload
from portal.services.operations import operational_figures
from portal.zgw.representatives import push_pending as push_rollen
from portal.zgw.sync import sync_zaak
from portal.zgw.uploads import push_pending as push_uploads
from tests.auth_helpers import DAUGHTER, FATHER, SERVICE_WMO, sign_in_machtigen, sign_in_resident, sign_out
from tests.cases.conftest import csrf_of
from tests.zgw.conftest import TODAY
from tests.zgw.test_uploads import ALLOWED, PDF

HENK_WMO = "ZAAK-2026-0000601"
ROLLEN = "/zaken/api/v1/rollen"
MANDATE = Representation(
    kind=DIGID_MACHTIGEN,
    representee_bsn=FATHER,
    authorizee_bsn=DAUGHTER,
    services=(SERVICE_WMO,),
    level="substantieel",
    case_types=("wmo-aanvraag",),
)
SANNE_FOR_HENK = Principal(
    kind="resident",
    subject=FATHER,
    level="substantieel",
    bsn=FATHER,
    provider="digid-machtigen",
    representation=MANDATE,
)


def _mirror(db, client, fake) -> tuple[Case, int]:
    """Henk's Wmo zaak mirrored, with a document the municipality asks for."""
    assert not isinstance(sync_zaak(db, client, fake.zaak(HENK_WMO)["url"], ALLOWED, TODAY), str)
    case = db.exec(select(Case).where(Case.number == HENK_WMO)).one()
    request = DocumentRequest(
        case_id=case.id, title_nl="Medische verklaring", title_en="Medical statement", requested_on=TODAY
    )
    db.add(request)
    db.commit()
    return case, request.id


def _rollen(fake, zaak_url: str, mandate: str) -> list[dict]:
    return [rol for rol in fake.rollen.values() if rol["zaak"] == zaak_url and rol["indicatieMachtiging"] == mandate]


def _upload_as_sanne(db, fake, client, tmp_path) -> Document:
    case, request_id = _mirror(db, client, fake)
    request = db.get(DocumentRequest, request_id)
    return store_upload(
        db,
        case,
        request,
        CheckedFile("verklaring.pdf", "application/pdf", PDF),
        tmp_path,
        TODAY,
        to_case_system=True,
        principal=SANNE_FOR_HENK,
    )


def _row(db) -> ZgwRepresentativeRol:
    db.expire_all()
    return db.exec(select(ZgwRepresentativeRol)).one()


def test_a_representatives_upload_puts_both_rollen_on_the_zaak_once(mirror_app, fake, transport):
    """Signed in through the simulator as Sanne for her father; two uploads on his zaak:
    one gemachtigde rol for her, one machtiginggever rol for him, the initiator as it was."""
    engine = mirror_app.state.engine
    zaak_url = fake.zaak(HENK_WMO)["url"]
    with Session(engine, expire_on_commit=False) as db:
        _case, first = _mirror(db, mirror_app.state.zgw.client, fake)
        second = DocumentRequest(case_id=_case.id, title_nl="Huurcontract", title_en="Lease", requested_on=TODAY)
        db.add(second)
        db.commit()
        requests = [first, second.id]
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_machtigen(client)
        for request_id in requests:
            token = csrf_of(client.get(f"/mijn-zaken/{HENK_WMO}").text)
            answer = client.post(
                f"/mijn-zaken/{HENK_WMO}/documenten",
                data={"csrf_token": token, "verzoek": str(request_id)},
                files={"bestand": ("verklaring.pdf", PDF, "application/pdf")},
                follow_redirects=False,
            )
            assert answer.status_code == 303
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with Session(engine) as db:
                    states = set(db.exec(select(Document.zgw_upload_state).where(Document.case_id == _case.id)).all())
                    states |= set(db.exec(select(ZgwRepresentativeRol.state)).all())
                if states == {"sent"}:
                    break
                time.sleep(0.1)
            assert states == {"sent"}
    [gemachtigde] = _rollen(fake, zaak_url, "gemachtigde")
    assert gemachtigde["betrokkeneType"] == "natuurlijk_persoon"
    assert gemachtigde["betrokkeneIdentificatie"] == {"inpBsn": DAUGHTER}
    assert gemachtigde["omschrijvingGeneriek"] == "belanghebbende"  # PORTAL_ZGW_REPRESENTATIVE_ROLTYPE
    context = gemachtigde["authenticatieContext"]
    assert context["source"] == "digid"
    assert context["levelOfAssurance"] == "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"
    assert context["representee"] == {"identifierType": "bsn", "identifier": FATHER}
    assert context["mandate"] == {"services": [{"id": SERVICE_WMO}]}
    [machtiginggever] = _rollen(fake, zaak_url, "machtiginggever")
    assert machtiginggever["betrokkeneIdentificatie"] == {"inpBsn": FATHER}
    assert machtiginggever["omschrijvingGeneriek"] == "belanghebbende"
    [initiator] = [
        rol for rol in fake.rollen.values() if rol["zaak"] == zaak_url and rol["omschrijvingGeneriek"] == "initiator"
    ]
    assert initiator["indicatieMachtiging"] == ""  # Henk started the case himself
    assert sum(line == "POST " + ROLLEN for line in fake.requests) == 2
    assert [item for item in transport.failures() if "rol" in item.url] == []
    with Session(engine) as db:
        [row] = db.exec(select(ZgwRepresentativeRol)).all()
        assert (row.zaak_url, row.mandate, row.attempts) == (zaak_url, "", 0)  # the mandate is not kept once sent
        assert DAUGHTER not in row.representative and FATHER not in row.representative
        # both identities in the audit log, as before
        uploads = db.exec(select(AuditLog).where(AuditLog.action == "document.upload")).all()
        assert len(uploads) == 2 and all(item.detail["on_behalf_of"].endswith(FATHER[-3:]) for item in uploads)


def test_with_her_own_login_the_representative_does_not_see_the_zaak_she_acted_on(mirror_app, fake, transport):
    """Her gemachtigde rol names her BSN on her father's zaak; that is not her case."""
    engine = mirror_app.state.engine
    with Session(engine, expire_on_commit=False) as db:
        _upload_as_sanne(db, fake, mirror_app.state.zgw.client, mirror_app.state.settings.effective_upload_dir)
    push_rollen(engine, mirror_app.state.zgw.client, "belanghebbende")
    assert len(_rollen(fake, fake.zaak(HENK_WMO)["url"], "gemachtigde")) == 1
    with Session(engine) as db:
        assert not isinstance(
            sync_zaak(db, mirror_app.state.zgw.client, fake.zaak(HENK_WMO)["url"], ALLOWED, TODAY), str
        )
    with TestClient(mirror_app, base_url="http://127.0.0.1") as client:
        sign_in_resident(client, DAUGHTER, level="substantieel")
        assert client.get(f"/mijn-zaken/{HENK_WMO}").status_code == 404
        assert HENK_WMO not in client.get("/mijn-zaken").text
        sign_out(client)
        sign_in_machtigen(client)  # acting for him she does
        assert client.get(f"/mijn-zaken/{HENK_WMO}").status_code == 200


def test_a_rol_post_answered_after_the_timeout_is_one_rol(fake, zgw_client, mirror_db, mirror_engine, tmp_path):
    _upload_as_sanne(mirror_db, fake, zgw_client, tmp_path)
    fake.faults.append(Fault(ROLLEN, "late", times=1, seconds=2.5, method="POST"))
    push_rollen(mirror_engine, zgw_client, "belanghebbende")
    row = _row(mirror_db)
    zaak_url = fake.zaak(HENK_WMO)["url"]
    assert len(_rollen(fake, zaak_url, "gemachtigde")) == 1
    assert len(_rollen(fake, zaak_url, "machtiginggever")) == 1
    assert row.state == "sent"
    assert sum(line == "POST " + ROLLEN for line in fake.requests) == 2  # never a second gemachtigde POST


def test_a_rol_stored_and_answered_500_is_found_not_created_again(fake, zgw_client, mirror_db, mirror_engine, tmp_path):
    _upload_as_sanne(mirror_db, fake, zgw_client, tmp_path)
    fake.faults.append(Fault(ROLLEN, "stored_500", times=2, method="POST"))
    push_rollen(mirror_engine, zgw_client, "belanghebbende")
    zaak_url = fake.zaak(HENK_WMO)["url"]
    assert len(_rollen(fake, zaak_url, "gemachtigde")) == 1
    assert len(_rollen(fake, zaak_url, "machtiginggever")) == 1
    assert _row(mirror_db).state == "sent"


def test_a_worker_that_lost_every_answer_is_followed_by_one_that_finds_the_rol(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    _upload_as_sanne(mirror_db, fake, zgw_client, tmp_path)
    fake.faults.append(Fault(ROLLEN, "stored_500", times=1, method="POST"))
    fake.faults.append(Fault(ROLLEN, "500", times=10, method="GET"))
    push_rollen(mirror_engine, zgw_client, "belanghebbende")
    row = _row(mirror_db)
    assert (row.state, row.attempts, row.error) == ("pending", 1, "http_5xx")
    assert row.mandate  # still there for the next attempt
    fake.faults.clear()
    mirror_db.exec(update(ZgwRepresentativeRol).values(next_at=None))
    mirror_db.commit()
    push_rollen(mirror_engine, zgw_client, "belanghebbende")
    zaak_url = fake.zaak(HENK_WMO)["url"]
    assert len(_rollen(fake, zaak_url, "gemachtigde")) == 1
    assert len(_rollen(fake, zaak_url, "machtiginggever")) == 1
    assert _row(mirror_db).state == "sent"


def test_a_rol_that_cannot_be_made_never_loses_the_upload_and_is_visible(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    """The zaaktype has no roltype of the configured kind: the upload still reaches the case
    system; the rol is retried a few times, then marked failed, counted for operations."""
    document = _upload_as_sanne(mirror_db, fake, zgw_client, tmp_path)
    fake.roltype_generics = ("initiator", "behandelaar")
    assert push_uploads(mirror_engine, zgw_client, tmp_path, fake.upload_informatieobjecttype, today=TODAY) == 1
    for _ in range(3):
        mirror_db.exec(update(ZgwRepresentativeRol).values(next_at=None))
        mirror_db.commit()
        assert push_rollen(mirror_engine, zgw_client, "belanghebbende") == 1
    mirror_db.expire_all()
    assert mirror_db.get(Document, document.id).zgw_upload_state == "sent"
    row = _row(mirror_db)
    assert (row.state, row.attempts, row.error) == ("failed", 3, "no_roltype")
    assert _rollen(fake, fake.zaak(HENK_WMO)["url"], "gemachtigde") == []
    assert operational_figures(mirror_db, 15, mirror=True).representative_rollen == {"pending": 0, "failed": 1}


def test_without_a_belanghebbende_roltype_the_representative_is_still_recorded(
    fake, zgw_client, mirror_db, mirror_engine, tmp_path
):
    fake.roltype_generics = ("initiator", "mede_initiator")
    _upload_as_sanne(mirror_db, fake, zgw_client, tmp_path)
    push_rollen(mirror_engine, zgw_client, "mede_initiator")
    zaak_url = fake.zaak(HENK_WMO)["url"]
    [rol] = _rollen(fake, zaak_url, "gemachtigde")
    assert rol["omschrijvingGeneriek"] == "mede_initiator"
    assert _rollen(fake, zaak_url, "machtiginggever") == []
    assert _row(mirror_db).state == "sent"


def test_a_residents_own_upload_queues_no_rol(fake, zgw_client, mirror_db, tmp_path):
    case, request_id = _mirror(mirror_db, zgw_client, fake)
    henk = Principal(kind="resident", subject=FATHER, level="substantieel", bsn=FATHER, provider="digid")
    store_upload(
        mirror_db,
        case,
        mirror_db.get(DocumentRequest, request_id),
        CheckedFile("verklaring.pdf", "application/pdf", PDF),
        tmp_path,
        TODAY,
        to_case_system=True,
        principal=henk,
    )
    assert mirror_db.exec(select(ZgwRepresentativeRol)).all() == []
