"""The interop suite against a real Open Zaak (1.30.0, commit 90dd5eb0).

Open Zaak runs outside the tests (``bash scripts/start-openzaak.sh``; ``make test-interop``
starts it). The suite plays the municipality's case handling system: it creates zaken,
rollen, statussen, verlengingen, opschortingen, documents and links through Open Zaak's
APIs, then runs the portal in mirror mode against that Open Zaak, signs in through the
login simulator (the real OIDC flow) and reads the pages.

Open Zaak keeps its data between runs, so every test works with people of its own: a
fresh BSN (or KVK number) per test, so earlier runs never show up on a page (only the
paging test keeps its 101 zaken for one fixed BSN, and adds what is missing).
"""

from __future__ import annotations

import base64
import random
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from devtools.demo import _load_catalogue
from portal import clock
from portal.config import Settings
from portal.domain.identifiers import is_valid_bsn
from portal.models import Case, ZgwPartySync
from tests.interop.openzaak_catalogue import RSIN, Api, Catalogue, OpenZaak, ensure_catalogue
from tests.isolated import migrate, prepared_database

WEBHOOK_AUTH = "Token interop-webhook-secret-0123456789abcdef"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def new_bsn() -> str:
    """A BSN nobody used before (passes the 11-proef, 9 digits)."""
    while True:
        candidate = f"{random.randint(10_000_000, 99_999_999):08d}"
        check = sum(weight * int(digit) for weight, digit in zip(range(9, 1, -1), candidate, strict=True)) % 11
        if check < 10 and is_valid_bsn(candidate + str(check)):
            return candidate + str(check)


def new_kvk() -> str:
    return f"{random.randint(10_000_000, 99_999_999)}"


# ------------------------------------------------------------------ Open Zaak


@pytest.fixture(scope="session")
def openzaak() -> OpenZaak:
    settings = OpenZaak()
    try:
        answer = httpx.get(f"{settings.api('zaken')}/", timeout=10)
    except httpx.HTTPError as error:
        raise AssertionError(
            f"Open Zaak does not answer at {settings.base_url} ({error}); start it with "
            "`bash scripts/start-openzaak.sh` (or run `make test-interop`)"
        ) from error
    assert answer.status_code == 200, f"Open Zaak answered {answer.status_code} at {settings.api('zaken')}/"
    return settings


@pytest.fixture(scope="session")
def catalogue(openzaak: OpenZaak) -> Catalogue:
    return ensure_catalogue(openzaak)


@dataclass
class CaseSystem:
    """The municipality's side: writes to Open Zaak as a case handling system would."""

    api: Api
    catalogue: Catalogue

    def zaak(
        self,
        code: str,
        title: str,
        *,
        started: date | None = None,
        confidentiality: str | None = "zaakvertrouwelijk",
    ) -> dict[str, Any]:
        body = {
            "zaaktype": self.catalogue.zaaktypen[code]["url"],
            "bronorganisatie": RSIN,
            "verantwoordelijkeOrganisatie": RSIN,
            "startdatum": (started or clock.today()).isoformat(),
            "omschrijving": title,
        }
        if confidentiality:
            body["vertrouwelijkheidaanduiding"] = confidentiality
        return self.api.post("zaken/zaken", body)

    def rol(
        self,
        zaak: dict[str, Any],
        generic: str,
        kind: str,
        identification: dict[str, Any],
        contact: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        code = self._code(zaak)
        body: dict[str, Any] = {
            "zaak": zaak["url"],
            "betrokkeneType": kind,
            "roltype": self.catalogue.roltypen[code][generic],
            "roltoelichting": generic,
            "betrokkeneIdentificatie": identification,
        }
        if contact:
            body["contactpersoonRol"] = contact
        return self.api.post("zaken/rollen", body)

    def resident(self, zaak: dict[str, Any], bsn: str, surname: str = "Interop") -> dict[str, Any]:
        return self.rol(
            zaak, "initiator", "natuurlijk_persoon", {"inpBsn": bsn, "geslachtsnaam": surname, "voornamen": "Test"}
        )

    def status(self, zaak: dict[str, Any], order: int, note: str = "") -> dict[str, Any]:
        [statustype] = [item for item in self.catalogue.statustypen[self._code(zaak)] if item["volgnummer"] == order]
        return self.api.post(
            "zaken/statussen",
            {
                "zaak": zaak["url"],
                "statustype": statustype["url"],
                "datumStatusGezet": datetime.now(UTC).isoformat(),
                "statustoelichting": note,
            },
        )

    def document(self, zaak: dict[str, Any], title: str, kind: str, confidentiality: str) -> dict[str, Any]:
        """A document of the municipality, linked to the zaak."""
        document = self.api.post(
            "documenten/enkelvoudiginformatieobjecten",
            {
                "bronorganisatie": RSIN,
                "creatiedatum": clock.today().isoformat(),
                "titel": title,
                "auteur": "Gemeente Voorbeeldstad",
                "taal": "dut",
                "inhoud": base64.b64encode(PDF).decode(),
                "bestandsnaam": f"{title.lower().replace(' ', '-')}.pdf",
                "formaat": "application/pdf",
                "informatieobjecttype": self.catalogue.informatieobjecttypen[kind],
                "vertrouwelijkheidaanduiding": confidentiality,
                "indicatieGebruiksrecht": False,
            },
        )
        self.api.post(
            "zaken/zaakinformatieobjecten", {"zaak": zaak["url"], "informatieobject": document["url"], "titel": title}
        )
        return document

    def links(self, zaak: dict[str, Any]) -> list[dict[str, Any]]:
        return self.api.all("zaken/zaakinformatieobjecten", zaak=zaak["url"])

    def _code(self, zaak: dict[str, Any]) -> str:
        return next(code for code, item in self.catalogue.zaaktypen.items() if item["url"] == zaak["zaaktype"])


@pytest.fixture(scope="session")
def case_system(openzaak: OpenZaak, catalogue: Catalogue) -> Iterator[CaseSystem]:
    api = Api(openzaak)
    yield CaseSystem(api, catalogue)
    api.close()


# ------------------------------------------------------------------ the portal


@pytest.fixture()
def portal_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """A migrated database of its own with the municipality, its employees and its case
    types (as a municipality configures the portal), but no cases: everything a page
    shows comes from Open Zaak. A SQLite file, or a PostgreSQL database of its own."""
    with prepared_database(database_url, tmp_path, "catalogue", _prepare) as engine:
        yield engine.url.render_as_string(hide_password=False)


def _prepare(engine) -> None:
    migrate(engine)
    with Session(engine) as db:
        _load_catalogue(db)
        db.commit()


def portal_settings(openzaak: OpenZaak, catalogue: Catalogue, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "secret_key": "test-secret-key-that-is-long-enough-0123456789",
        "simulator_enabled": True,
        "zgw_zaken_url": openzaak.api("zaken"),
        "zgw_catalogi_url": openzaak.api("catalogi"),
        "zgw_documenten_url": openzaak.api("documenten"),
        "zgw_notificaties_url": f"{openzaak.base_url}/notificaties/api/v1",
        "zgw_client_id": openzaak.client_id,
        "zgw_secret": openzaak.secret,
        "zgw_timeout_seconds": 20.0,
        "zgw_webhook_auth": WEBHOOK_AUTH,
        "zgw_upload_informatieobjecttype": catalogue.upload_informatieobjecttype,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture()
def portal(openzaak: OpenZaak, catalogue: Catalogue, portal_database_url: str, tmp_path):
    """The portal in mirror mode against Open Zaak."""
    from devtools.app import create_dev_app

    app = create_dev_app(portal_settings(openzaak, catalogue, var_dir=tmp_path, database_url=portal_database_url))
    yield app
    app.state.zgw.close(wait=True)
    app.state.engine.dispose()


@pytest.fixture()
def browser_client(portal) -> Iterator[TestClient]:
    with TestClient(portal, base_url="http://127.0.0.1") as client:
        yield client


def wait_for_refresh(app, party: str, timeout: float = 180) -> ZgwPartySync:
    """Until the background refresh after sign-in has finished (or failed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as db:
            state = db.exec(select(ZgwPartySync).where(ZgwPartySync.party == party)).first()
            if state is not None and (state.synced_at is not None or state.error):
                return state
        time.sleep(0.2)
    raise AssertionError(f"the refresh of {party} did not finish within {timeout} s")


def wait_for_case(app, zaak_url: str, timeout: float = 60) -> Case:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.state.engine) as db:
            case = db.exec(select(Case).where(Case.zgw_url == zaak_url)).first()
            if case is not None:
                return case
        time.sleep(0.2)
    raise AssertionError(f"{zaak_url} was not mirrored within {timeout} s")


def page_text(response) -> str:
    return " ".join(response.text.split())


def unique(label: str) -> str:
    return f"{label} {secrets.token_hex(3)}"
