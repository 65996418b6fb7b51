"""The fake ZGW case system: in-memory data shaped like the demo municipality, ZGW JWT
checking, pagination, and faults on demand (slow, 5xx, invalid JSON, a schema-invalid
body, a redirect to another host) so the portal's client can be tested against them."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

RSIN = "001234560"
NAMESPACE = uuid.UUID("6f1c1b3e-2b55-4d7a-9a53-0c1d2e3f4a5b")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
RESULT_WORDS = {
    "granted": "Verleend",
    "partly_granted": "Gedeeltelijk verleend",
    "refused": "Geweigerd",
    "withdrawn": "Ingetrokken",
    "not_admissible": "Buiten behandeling",
    "completed": "Afgehandeld",
}


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def _problem(status: int, title: str, code: str) -> JSONResponse:
    return JSONResponse(
        {
            "type": f"https://fake-zgw.example/fouten/{code}",
            "code": code,
            "title": title,
            "status": status,
            "detail": title,
            "instance": f"urn:uuid:{uuid.uuid4()}",
        },
        status_code=status,
        media_type="application/problem+json",
    )


def _invalid(name: str, code: str) -> JSONResponse:
    """A 400 ValidatieFout (ZGW: problem+json with ``invalidParams``)."""
    return JSONResponse(
        {
            "type": "https://fake-zgw.example/fouten/ValidationError/",
            "code": "invalid",
            "title": "Invalid input.",
            "status": 400,
            "detail": "",
            "instance": f"urn:uuid:{uuid.uuid4()}",
            "invalidParams": [{"name": name, "code": code, "reason": "Ongeldige invoer."}],
        },
        status_code=400,
        media_type="application/problem+json",
    )


# What the zaken search can include (``expand``): the part of Open Zaak's list the portal uses.
EXPANDABLE = frozenset({"rollen", "resultaat", "zaakinformatieobjecten", "status"})


@dataclass
class Fault:
    """One injected fault: ``kind`` on the next ``times`` requests whose path contains ``path``."""

    path: str
    # slow, 400, 500, 503, 429, 401, invalid_json, schema_invalid, redirect, 404; and two that
    # act first and answer badly afterwards, as a real case system under load does:
    # late (stores, then answers after ``seconds``), stored_500 (stores, then answers 500)
    kind: str
    times: int = 1
    seconds: float = 0.0
    retry_after: str | None = None  # the Retry-After header of a 503 or 429
    method: str | None = None  # only requests with this method


@dataclass
class FakeZgw:
    base_url: str
    secrets: dict[str, str] = field(default_factory=lambda: {"mijn-zaken": "fake-zgw-secret-for-development-only"})
    page_size: int = 100
    delay: float = 0.0
    faults: list[Fault] = field(default_factory=list)
    zaken: dict[str, dict[str, Any]] = field(default_factory=dict)
    zaaktypen: dict[str, dict[str, Any]] = field(default_factory=dict)
    statustypen: dict[str, dict[str, Any]] = field(default_factory=dict)
    resultaattypen: dict[str, dict[str, Any]] = field(default_factory=dict)
    statussen: dict[str, dict[str, Any]] = field(default_factory=dict)
    rollen: dict[str, dict[str, Any]] = field(default_factory=dict)
    resultaten: dict[str, dict[str, Any]] = field(default_factory=dict)
    zios: dict[str, dict[str, Any]] = field(default_factory=dict)
    documenten: dict[str, dict[str, Any]] = field(default_factory=dict)
    inhoud: dict[str, bytes] = field(default_factory=dict)
    abonnementen: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    # The generic roles every zaaktype has a roltype for (GET roltypen?zaaktype=…).
    roltype_generics: tuple[str, ...] = ("initiator", "belanghebbende", "behandelaar")
    last_document_post: list[bytes] = field(default_factory=list)
    # Zaken API 1.5 ``expand`` on the zaken search, as Open Zaak has it; False: the
    # parameter is ignored, as a case system without it may do.
    supports_expand: bool = True

    # ------------------------------------------------------------------ addresses

    def url(self, api: str, resource: str, ident: str) -> str:
        return f"{self.base_url}/{api}/api/v1/{resource}/{ident}"

    def api(self, api: str) -> str:
        return f"{self.base_url}/{api}/api/v1"

    @property
    def upload_informatieobjecttype(self) -> str:
        """The informatieobjecttype the portal gives a resident's upload (its setting
        PORTAL_ZGW_UPLOAD_INFORMATIEOBJECTTYPE points here)."""
        return self.url("catalogi", "informatieobjecttypen", _uuid("iotype", "bijlage-aanvrager"))

    # ------------------------------------------------------------------ building data

    def add_zaaktype(self, code: str, spec: dict[str, Any]) -> str:
        ident = _uuid("zaaktype", code)
        url = self.url("catalogi", "zaaktypen", ident)
        catalogus = self.url("catalogi", "catalogussen", _uuid("catalogus"))
        steps = []
        for order, step in enumerate(spec["steps"], start=1):
            st_id = _uuid("statustype", code, str(order))
            st_url = self.url("catalogi", "statustypen", st_id)
            self.statustypen[st_id] = {
                "url": st_url,
                "omschrijving": step["name_nl"],
                "omschrijvingGeneriek": "",
                "statustekst": step["resident_text_nl"],
                "zaaktype": url,
                "catalogus": catalogus,
                "zaaktypeIdentificatie": code,
                "volgnummer": order,
                "isEindstatus": step["is_final"],
                "informeren": step["notify"],
                "doorlooptijd": None,
                "toelichting": None,
                "checklistitemStatustype": [],
                "eigenschappen": [],
                "beginGeldigheid": None,
                "eindeGeldigheid": None,
                "beginObject": None,
                "eindeObject": None,
                "zaakobjecttype": "",
            }
            steps.append(st_url)
        results = []
        for result, words in RESULT_WORDS.items():
            rt_id = _uuid("resultaattype", code, result)
            rt_url = self.url("catalogi", "resultaattypen", rt_id)
            self.resultaattypen[rt_id] = {
                "url": rt_url,
                "zaaktype": url,
                "zaaktypeIdentificatie": code,
                "omschrijving": words,
                "resultaattypeomschrijving": "https://selectielijst.example/api/v1/resultaattypeomschrijvingen/1",
                "omschrijvingGeneriek": words,
                "selectielijstklasse": "https://selectielijst.example/api/v1/resultaten/1",
                "toelichting": "",
                "archiefnominatie": "blijvend_bewaren",
                "archiefactietermijn": "P10Y",
                "brondatumArchiefprocedure": None,
                "procesobjectaard": "",
                "catalogus": catalogus,
                "beginGeldigheid": None,
                "eindeGeldigheid": None,
                "beginObject": None,
                "eindeObject": None,
                "indicatieSpecifiek": None,
                "procestermijn": None,
                "besluittypen": [],
                "besluittypeOmschrijving": [],
                "informatieobjecttypen": [],
                "informatieobjecttypeOmschrijving": [],
                "zaakobjecttypen": [],
            }
            results.append(rt_url)
        self.zaaktypen[ident] = {
            "url": url,
            "identificatie": code,
            "omschrijving": spec["name_nl"],
            "omschrijvingGeneriek": "",
            "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
            "doel": spec.get("description_nl", "") or spec["name_nl"],
            "aanleiding": "Aanvraag van een inwoner of bedrijf",
            "toelichting": "",
            "indicatieInternOfExtern": "extern" if spec.get("is_public", True) else "intern",
            "handelingInitiator": "aanvragen",
            "onderwerp": spec["name_nl"][:80],
            "handelingBehandelaar": "behandelen",
            "doorlooptijd": spec["legal_term"],
            "servicenorm": spec.get("service_norm"),
            "opschortingEnAanhoudingMogelijk": spec.get("suspension_allowed", True),
            "verlengingMogelijk": spec.get("extension_allowed", False),
            "verlengingstermijn": spec.get("max_extension"),
            "trefwoorden": [],
            "publicatieIndicatie": False,
            "publicatietekst": "",
            "verantwoordingsrelatie": [],
            "productenOfDiensten": [],
            "selectielijstProcestype": "",
            "referentieproces": {"naam": spec["name_nl"][:80], "link": ""},
            "verantwoordelijke": RSIN,
            "zaakobjecttypen": [],
            "broncatalogus": None,
            "bronzaaktype": None,
            "catalogus": catalogus,
            "statustypen": steps,
            "resultaattypen": results,
            "eigenschappen": [],
            "informatieobjecttypen": [],
            "roltypen": [],
            "besluittypen": [],
            "deelzaaktypen": [],
            "gerelateerdeZaaktypen": [],
            "beginGeldigheid": "2025-01-01",
            "eindeGeldigheid": None,
            "beginObject": None,
            "eindeObject": None,
            "versiedatum": "2025-01-01",
            "concept": False,
        }
        return url

    def zaaktype_url(self, code: str) -> str:
        return self.url("catalogi", "zaaktypen", _uuid("zaaktype", code))

    def statustype_url(self, code: str, order: int) -> str:
        return self.url("catalogi", "statustypen", _uuid("statustype", code, str(order)))

    def add_zaak(
        self, number: str, code: str, title: str, received: date, *, confidentiality: str = "zaakvertrouwelijk"
    ) -> str:
        ident = _uuid("zaak", number)
        url = self.url("zaken", "zaken", ident)
        zaaktype = self.zaaktypen[_uuid("zaaktype", code)]
        weeks = {"P8W": 56, "P6W": 42, "P12W": 84, "P26W": 182, "P2W": 14}.get(zaaktype["doorlooptijd"], 56)
        self.zaken[ident] = {
            "url": url,
            "uuid": ident,
            "identificatie": number,
            "bronorganisatie": RSIN,
            "omschrijving": title,
            "toelichting": "",
            "zaaktype": zaaktype["url"],
            "registratiedatum": received.isoformat(),
            "verantwoordelijkeOrganisatie": RSIN,
            "startdatum": received.isoformat(),
            "einddatum": None,
            "einddatumGepland": None,
            # Like Open Zaak: start + doorlooptijd, not moved by a verlenging or holidays.
            "uiterlijkeEinddatumAfdoening": (received + timedelta(days=weeks)).isoformat(),
            "publicatiedatum": None,
            "communicatiekanaal": "",
            "productenOfDiensten": [],
            "vertrouwelijkheidaanduiding": confidentiality,
            "betalingsindicatie": "",
            "betalingsindicatieWeergave": "",
            "laatsteBetaaldatum": None,
            "verlenging": None,
            "opschorting": {"indicatie": False, "reden": ""},
            "selectielijstklasse": "",
            "hoofdzaak": None,
            "deelzaken": [],
            "relevanteAndereZaken": [],
            "eigenschappen": [],
            "rollen": [],
            "status": None,
            "zaakinformatieobjecten": [],
            "zaakobjecten": [],
            "kenmerken": [],
            "archiefnominatie": None,
            "archiefstatus": "nog_te_archiveren",
            "archiefactiedatum": None,
            "resultaat": None,
            "opdrachtgevendeOrganisatie": "",
            "processobjectaard": "",
            "startdatumBewaartermijn": None,
            "processobject": None,
        }
        return url

    def zaak(self, number: str) -> dict[str, Any]:
        return self.zaken[_uuid("zaak", number)]

    def render_zaak(self, zaak: dict[str, Any], expand: frozenset[str] = frozenset()) -> dict[str, Any]:
        """A zaak as the API answers it: its ``rollen`` and ``zaakinformatieobjecten`` as
        they are now (as Open Zaak derives them), with ``_expand`` when asked for."""
        url = zaak["url"]
        rollen = sorted((rol for rol in self.rollen.values() if rol["zaak"] == url), key=lambda rol: rol["url"])
        links = sorted((zio for zio in self.zios.values() if zio["zaak"] == url), key=lambda zio: zio["url"])
        shown = {**zaak, "rollen": [rol["url"] for rol in rollen], "zaakinformatieobjecten": [z["url"] for z in links]}
        if not expand:
            return shown
        included: dict[str, Any] = {}
        if "rollen" in expand and rollen:
            included["rollen"] = rollen
        if "zaakinformatieobjecten" in expand and links:
            included["zaakinformatieobjecten"] = links
        if "resultaat" in expand and zaak["resultaat"]:
            included["resultaat"] = self.resultaten[zaak["resultaat"].rsplit("/", 1)[1]]
        if "status" in expand and zaak["status"]:
            included["status"] = self.statussen[zaak["status"].rsplit("/", 1)[1]]
        shown["_expand"] = included
        return shown

    def set_status(self, number: str, order: int, at: datetime, note: str = "") -> str:
        zaak = self.zaak(number)
        code = self.zaaktypen[zaak["zaaktype"].rsplit("/", 1)[1]]["identificatie"]
        ident = _uuid("status", number, str(order), at.isoformat())
        url = self.url("zaken", "statussen", ident)
        for status in self.statussen.values():
            if status["zaak"] == zaak["url"]:
                status["indicatieLaatstGezetteStatus"] = False
        self.statussen[ident] = {
            "url": url,
            "uuid": ident,
            "zaak": zaak["url"],
            "statustype": self.statustype_url(code, order),
            "datumStatusGezet": at.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z"),
            "statustoelichting": note,
            "indicatieLaatstGezetteStatus": True,
            "zaakinformatieobjecten": [],
        }
        zaak["status"] = url
        return url

    def add_rol(
        self, number: str, generic: str, kind: str, ident: dict[str, Any], contact: dict[str, str] | None = None
    ) -> str:
        zaak = self.zaak(number)
        rid = _uuid("rol", number, generic, json.dumps(ident, sort_keys=True))
        url = self.url("zaken", "rollen", rid)
        self.rollen[rid] = {
            "url": url,
            "uuid": rid,
            "zaak": zaak["url"],
            "betrokkene": "",
            "betrokkeneType": kind,
            "afwijkendeNaamBetrokkene": "",
            "roltype": self.url("catalogi", "roltypen", _uuid("roltype", generic)),
            "omschrijving": generic,
            "omschrijvingGeneriek": generic,
            "roltoelichting": generic,
            "registratiedatum": zaak["registratiedatum"] + "T08:00:00Z",
            "indicatieMachtiging": "",
            "contactpersoonRol": contact,
            "statussen": [],
            "betrokkeneIdentificatie": ident,
        }
        zaak["rollen"].append(url)
        return url

    def set_result(self, number: str, result: str, text: str, closed: date | None) -> None:
        zaak = self.zaak(number)
        code = self.zaaktypen[zaak["zaaktype"].rsplit("/", 1)[1]]["identificatie"]
        rid = _uuid("resultaat", number)
        url = self.url("zaken", "resultaten", rid)
        self.resultaten[rid] = {
            "url": url,
            "uuid": rid,
            "zaak": zaak["url"],
            "resultaattype": self.url("catalogi", "resultaattypen", _uuid("resultaattype", code, result)),
            "toelichting": text[:1000],
        }
        zaak["resultaat"] = url
        zaak["einddatum"] = closed.isoformat() if closed else None

    def add_document(
        self,
        number: str,
        title: str,
        filename: str,
        confidentiality: str,
        content: bytes = PDF,
        created: date | None = None,
    ) -> str:
        zaak = self.zaak(number)
        did = _uuid("document", number, title)
        url = self.url("documenten", "enkelvoudiginformatieobjecten", did)
        self.documenten[did] = {
            "url": url,
            "identificatie": f"DOC-{did[:8]}",
            "bronorganisatie": RSIN,
            "creatiedatum": (created or date.fromisoformat(zaak["startdatum"])).isoformat(),
            "titel": title,
            "vertrouwelijkheidaanduiding": confidentiality,
            "auteur": "Gemeente Voorbeeldstad",
            "status": "definitief",
            "formaat": "application/pdf",
            "taal": "nld",
            "versie": 1,
            "beginRegistratie": "2026-01-01T08:00:00Z",
            "bestandsnaam": filename,
            "inhoud": f"{url}/download?versie=1",
            "bestandsomvang": len(content),
            "link": "",
            "beschrijving": "",
            "ontvangstdatum": None,
            "verzenddatum": None,
            "indicatieGebruiksrecht": False,
            "verschijningsvorm": "",
            "informatieobjecttype": self.url("catalogi", "informatieobjecttypen", _uuid("iotype", "besluit")),
            "locked": False,
            "bestandsdelen": [],
            "trefwoorden": [],
            "inhoudIsVervallen": False,
        }
        self.inhoud[did] = content
        zid = _uuid("zio", number, did)
        self.zios[zid] = {
            "url": self.url("zaken", "zaakinformatieobjecten", zid),
            "uuid": zid,
            "informatieobject": url,
            "zaak": zaak["url"],
            "aardRelatieWeergave": "Hoort bij, omgekeerd: kent",
            "titel": title,
            "beschrijving": "",
            "registratiedatum": "2026-01-01T08:00:00Z",
            "vernietigingsdatum": None,
            "status": None,
        }
        return url

    # ------------------------------------------------------------------ created by the portal

    def create_document(self, data: dict[str, Any]) -> dict[str, Any] | str | None:
        """POST enkelvoudiginformatieobjecten (base64 ``inhoud``); None when refused, or
        the refusal's code when the identificatie is taken."""
        required = ("bronorganisatie", "creatiedatum", "titel", "auteur", "taal", "informatieobjecttype")
        if any(not isinstance(data.get(key), str) or not data[key] for key in required):
            return None
        if not data["informatieobjecttype"].startswith(self.api("catalogi") + "/informatieobjecttypen/"):
            return None  # Open Zaak checks the type exists in its catalogue
        try:
            content = base64.b64decode(data.get("inhoud") or "", validate=True)
        except ValueError:
            return None
        did = str(uuid.uuid4())
        url = self.url("documenten", "enkelvoudiginformatieobjecten", did)
        # Like Open Zaak: the client may choose the identificatie, unique per bronorganisatie.
        identificatie = str(data.get("identificatie") or f"DOC-{did[:8]}")
        if any(
            item["identificatie"] == identificatie and item["bronorganisatie"] == data["bronorganisatie"]
            for item in self.documenten.values()
        ):
            return "identificatie-niet-uniek"
        self.documenten[did] = {
            "url": url,
            "identificatie": identificatie,
            "bronorganisatie": data["bronorganisatie"],
            "creatiedatum": data["creatiedatum"],
            "titel": data["titel"],
            "vertrouwelijkheidaanduiding": data.get("vertrouwelijkheidaanduiding") or "openbaar",
            "auteur": data["auteur"],
            "status": data.get("status", ""),
            "formaat": data.get("formaat", ""),
            "taal": data["taal"],
            "versie": 1,
            "beginRegistratie": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "bestandsnaam": data.get("bestandsnaam", ""),
            "inhoud": f"{url}/download?versie=1",
            "bestandsomvang": len(content),
            "link": "",
            "beschrijving": data.get("beschrijving", ""),
            "ontvangstdatum": data.get("ontvangstdatum"),
            "verzenddatum": None,
            "indicatieGebruiksrecht": data.get("indicatieGebruiksrecht"),
            "verschijningsvorm": "",
            "informatieobjecttype": data["informatieobjecttype"],
            "locked": False,
            "bestandsdelen": [],
            "trefwoorden": [],
            "inhoudIsVervallen": False,
        }
        self.inhoud[did] = content
        return self.documenten[did]

    def link_document(self, data: dict[str, Any]) -> dict[str, Any] | str:
        """POST zaakinformatieobjecten; the problem code when refused."""
        zaak, document = data.get("zaak"), data.get("informatieobject")
        if not any(item["url"] == zaak for item in self.zaken.values()):
            return "invalid-zaak"
        found = next((item for item in self.documenten.values() if item["url"] == document), None)
        if found is None:
            return "invalid-informatieobject"
        if any(zio["zaak"] == zaak and zio["informatieobject"] == document for zio in self.zios.values()):
            return "unique"
        zid = str(uuid.uuid4())
        self.zios[zid] = {
            "url": self.url("zaken", "zaakinformatieobjecten", zid),
            "uuid": zid,
            "informatieobject": document,
            "zaak": zaak,
            "aardRelatieWeergave": "Hoort bij, omgekeerd: kent",
            "titel": str(data.get("titel") or found["titel"])[:200],
            "beschrijving": str(data.get("beschrijving") or ""),
            "registratiedatum": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "vernietigingsdatum": None,
            "status": None,
        }
        return self.zios[zid]

    def roltypen_for(self, zaaktype_url: str) -> list[dict[str, Any]]:
        """The zaaktype's roltypen: one per generic role, each belonging to this zaaktype only."""
        zaaktype = next((item for item in self.zaaktypen.values() if item["url"] == zaaktype_url), None)
        if zaaktype is None:
            return []
        return [
            {
                "url": self.url("catalogi", "roltypen", _uuid("roltype", zaaktype_url, generic)),
                "zaaktype": zaaktype_url,
                "zaaktypeIdentificatie": zaaktype["identificatie"],
                "catalogus": zaaktype["catalogus"],
                "omschrijving": generic.capitalize(),
                "omschrijvingGeneriek": generic,
            }
            for generic in self.roltype_generics
        ]

    def create_rol(self, data: dict[str, Any]) -> dict[str, Any] | tuple[str, str]:
        """POST rollen with Open Zaak's checks (its mandate recipe's validation rules
        included); (field, code) when refused."""
        zaak = next((item for item in self.zaken.values() if item["url"] == data.get("zaak")), None)
        if zaak is None:
            return ("zaak", "bad-url")
        roltype = next(
            (item for item in self.roltypen_for(zaak["zaaktype"]) if item["url"] == data.get("roltype")), None
        )
        if roltype is None:
            return ("roltype", "bad-url")
        kind = data.get("betrokkeneType")
        if kind not in ("natuurlijk_persoon", "niet_natuurlijk_persoon", "vestiging", "medewerker"):
            return ("betrokkeneType", "invalid_choice")
        indication = data.get("indicatieMachtiging") or ""
        if indication not in ("", "gemachtigde", "machtiginggever"):
            return ("indicatieMachtiging", "invalid_choice")
        context = data.get("authenticatieContext")
        if context:
            source = "digid" if kind == "natuurlijk_persoon" else "eherkenning"
            if context.get("source") != source:
                return ("authenticatieContext.source", "invalid_choice")
            if context.get("representee"):
                if indication != "gemachtigde":
                    return ("nonFieldErrors", "indicatie-machtiging-invalid")
                if not context.get("mandate"):
                    return ("authenticatieContext.mandate", "required")
        rid = str(uuid.uuid4())
        self.rollen[rid] = {
            "url": self.url("zaken", "rollen", rid),
            "uuid": rid,
            "zaak": zaak["url"],
            "betrokkene": "",
            "betrokkeneType": kind,
            "afwijkendeNaamBetrokkene": "",
            "roltype": roltype["url"],
            "omschrijving": roltype["omschrijving"],
            "omschrijvingGeneriek": roltype["omschrijvingGeneriek"],
            "roltoelichting": str(data.get("roltoelichting") or ""),
            "registratiedatum": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "indicatieMachtiging": indication,
            "contactpersoonRol": data.get("contactpersoonRol"),
            "statussen": [],
            "betrokkeneIdentificatie": data.get("betrokkeneIdentificatie") or {},
            "authenticatieContext": context or None,
        }
        zaak["rollen"].append(self.rollen[rid]["url"])
        return self.rollen[rid]

    # ------------------------------------------------------------------ auth and faults

    def check_auth(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return False
        token = header[len("Bearer ") :]
        for client_id, secret in self.secrets.items():
            try:
                claims = jwt.decode(token, OctKey.import_key(secret), algorithms=["HS256"]).claims
            except (JoseError, ValueError):
                continue
            if claims.get("client_id") == client_id and abs(time.time() - int(claims.get("iat", 0))) < 300:
                return True
        return False

    def take_fault(self, path: str, method: str = "GET") -> Fault | None:
        for fault in self.faults:
            if fault.path in path and fault.times > 0 and fault.method in (None, method):
                fault.times -= 1
                return fault
        return None


def demo_fake(base_url: str, today: date | None = None) -> FakeZgw:
    """The fake filled with the demo municipality (same cases, people and steps)."""
    from devtools.demo import BUSINESSES, CASES, COMPLAINTS, EMPLOYEES, PAST_CASES, PAST_RESIDENTS, RESIDENTS
    from devtools.demo_catalogue import CASE_TYPES

    today = today or date.today()
    fake = FakeZgw(base_url)
    for spec in CASE_TYPES:
        fake.add_zaaktype(spec["code"], spec)
    employees = {employee["login_id"]: employee for employee in EMPLOYEES}
    # The demo's complaints (issue 24) are zaken of the zaaktype "klacht" like any other.
    people = {**RESIDENTS, **PAST_RESIDENTS}
    for spec in [*CASES, *PAST_CASES, *COMPLAINTS]:
        received = today + timedelta(days=spec["received"])
        number = spec["number"]
        fake.add_zaak(number, spec["type"], spec["title_nl"], received)
        for index, (order, offset) in enumerate(spec["steps"]):
            moment = datetime.combine(today + timedelta(days=offset), clock_time(8 + index, 15 * (index % 4)))
            fake.set_status(number, order, moment)
        owner = spec["owner"]
        if owner in people:
            person = people[owner]
            fake.add_rol(
                number,
                "initiator",
                "natuurlijk_persoon",
                {"inpBsn": person["bsn"], "geslachtsnaam": person["name"]},
                {
                    "naam": person["name"],
                    "emailadres": person["email"],
                    "telefoonnummer": person["phone"],
                    "functie": "",
                },
            )
        else:
            company = BUSINESSES[owner]
            fake.add_rol(
                number,
                "initiator",
                "vestiging",
                {
                    "kvkNummer": company["kvk"],
                    "vestigingsNummer": spec.get("branch") or "",
                    "handelsnaam": [company["name"]],
                },
                {
                    "naam": company["name"],
                    "emailadres": company["email"],
                    "telefoonnummer": company["phone"],
                    "functie": "",
                },
            )
        if spec["handler"]:
            employee = employees[spec["handler"]]
            fake.add_rol(
                number,
                "behandelaar",
                "medewerker",
                {"identificatie": employee["login_id"], "achternaam": employee["name"]},
                {
                    "naam": employee["name"],
                    "emailadres": employee["email"],
                    "telefoonnummer": employee["direct_phone"] if employee["show_direct_contact"] else "",
                    "functie": employee["function_nl"],
                },
            )
        zaak = fake.zaak(number)
        if "extension" in spec:
            zaak["verlenging"] = {"reden": spec["extension"]["reason_nl"], "duur": spec["extension"]["duration"]}
        if "suspension" in spec:
            zaak["opschorting"] = {"indicatie": True, "reden": spec["suspension"]["reason_nl"]}
        decision = spec.get("decision")
        if decision:
            closed = today + timedelta(days=decision["on"]) if decision["closed"] else None
            fake.set_result(number, decision["result"], decision["text_nl"], closed)
            fake.add_document(
                number,
                "Besluit",
                f"besluit-{number}.pdf",
                "zaakvertrouwelijk",
                created=today + timedelta(days=decision["on"]),
            )
            # Never shown to the resident: an internal memo (vertrouwelijkheidaanduiding intern).
            fake.add_document(number, "Interne notitie", f"notitie-{number}.pdf", "intern")
        answered = spec.get("complaint", {}).get("closed")
        if answered is not None:
            result = "not_admissible" if "not_handled" in spec["complaint"] else "completed"
            fake.set_result(number, result, "", today + timedelta(days=answered))
    return fake


# ------------------------------------------------------------------ the web app


def create_fake_app(fake: FakeZgw) -> Starlette:
    def page(request: Request, items: list[dict[str, Any]]) -> dict[str, Any]:
        try:
            number = int(request.query_params.get("page", "1"))
        except ValueError:
            number = 0
        size = fake.page_size
        start = (number - 1) * size
        chunk = items[start : start + size] if number >= 1 else []
        base = str(request.url.remove_query_params("page"))
        joiner = "&" if "?" in base else "?"
        return {
            "count": len(items),
            "next": f"{base}{joiner}page={number + 1}" if start + size < len(items) else None,
            "previous": f"{base}{joiner}page={number - 1}" if number > 1 else None,
            "results": chunk,
        }

    def crs(response: Response) -> Response:
        response.headers["Content-Crs"] = "EPSG:4326"
        return response

    def zaken_list(request: Request) -> dict[str, Any] | list | Response:
        params = request.query_params
        expand = frozenset(filter(None, params.get("expand", "").split(","))) if fake.supports_expand else frozenset()
        if expand - EXPANDABLE:
            return _invalid("expand", "invalid_choice")  # as Open Zaak's choice filter
        found = list(fake.zaken.values())
        bsn = params.get("rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn")
        branch = params.get("rol__betrokkeneIdentificatie__vestiging__vestigingsNummer")
        if bsn or branch:
            keys = [("inpBsn", bsn)] if bsn else [("vestigingsNummer", branch)]
            zaak_urls = {
                rol["zaak"]
                for rol in fake.rollen.values()
                if any(rol["betrokkeneIdentificatie"].get(k) == v for k, v in keys)
            }
            found = [zaak for zaak in found if zaak["url"] in zaak_urls]
        chosen = page(request, sorted(found, key=lambda zaak: zaak["identificatie"]))
        chosen["results"] = [fake.render_zaak(zaak, expand) for zaak in chosen["results"]]
        return chosen

    def by_filter(items: dict[str, dict[str, Any]], request: Request, *names: str) -> list[dict[str, Any]]:
        found = list(items.values())
        for name in names:
            value = request.query_params.get(name)
            if value:
                found = [item for item in found if item.get(name) == value]
        return sorted(found, key=lambda item: item["url"])

    routes_table: dict[tuple[str, str], Any] = {
        ("zaken", "zaken"): zaken_list,
        ("zaken", "statussen"): lambda r: page(r, by_filter(fake.statussen, r, "zaak")),
        ("zaken", "rollen"): lambda r: page(r, by_filter(fake.rollen, r, "zaak")),
        ("zaken", "zaakinformatieobjecten"): lambda r: by_filter(fake.zios, r, "zaak", "informatieobject"),
        ("catalogi", "statustypen"): lambda r: page(r, by_filter(fake.statustypen, r, "zaaktype")),
        ("catalogi", "roltypen"): lambda r: page(r, fake.roltypen_for(r.query_params.get("zaaktype", ""))),
        ("documenten", "enkelvoudiginformatieobjecten"): lambda r: page(
            r, by_filter(fake.documenten, r, "identificatie", "bronorganisatie")
        ),
        ("notificaties", "abonnement"): lambda r: list(fake.abonnementen.values()),
        ("notificaties", "kanaal"): lambda r: [
            {
                "url": f"{fake.api('notificaties')}/kanaal/{_uuid('kanaal', name)}",
                "naam": name,
                "documentatieLink": "",
                "filters": [],
            }
            for name in ("zaken", "documenten")
        ],
    }
    objects: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
        ("zaken", "zaken"): fake.zaken,
        ("zaken", "statussen"): fake.statussen,
        ("zaken", "rollen"): fake.rollen,
        ("zaken", "resultaten"): fake.resultaten,
        ("catalogi", "zaaktypen"): fake.zaaktypen,
        ("catalogi", "statustypen"): fake.statustypen,
        ("catalogi", "resultaattypen"): fake.resultaattypen,
        ("documenten", "enkelvoudiginformatieobjecten"): fake.documenten,
    }

    async def handle(request: Request) -> Response:
        api = request.path_params["api"]
        rest = request.path_params["rest"].strip("/")
        fake.requests.append(f"{request.method} /{api}/api/v1/{rest}")
        if fake.delay:
            await asyncio.sleep(fake.delay)
        if not fake.check_auth(request):
            return _problem(403, "Authenticatiegegevens zijn niet geldig.", "not_authenticated")
        fault = fake.take_fault(f"/{api}/api/v1/{rest}", request.method)
        if fault is not None and fault.kind in ("late", "stored_500"):
            answer = await answer_request(request, api, rest, None)
            if fault.kind == "late":
                await asyncio.sleep(fault.seconds)
                return answer
            return _problem(500, "Er is een serverfout opgetreden.", "error")
        return await answer_request(request, api, rest, fault)

    async def answer_request(request: Request, api: str, rest: str, fault: Fault | None) -> Response:
        if fault is not None:
            if fault.kind == "slow":
                await asyncio.sleep(fault.seconds)
            elif fault.kind in ("500", "503", "429"):
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
                answer = _problem(int(fault.kind), "Er is een serverfout opgetreden.", "error")
                if headers:
                    answer.headers.update(headers)
                return answer
            elif fault.kind == "400":  # e.g. a case system that knows no ``expand``
                return _invalid("expand", "invalid_choice")
            elif fault.kind == "401":
                return _problem(401, "Authenticatiegegevens zijn niet geldig.", "not_authenticated")
            elif fault.kind == "404":
                return _problem(404, "Niet gevonden.", "not_found")
            elif fault.kind == "invalid_json":
                return Response("{not json", media_type="application/json")
            elif fault.kind == "redirect":
                return Response(status_code=302, headers={"Location": f"https://elsewhere.example/{rest}"})
        parts = rest.split("/")
        body: Any
        if request.method == "POST" and (api, parts[0]) == ("notificaties", "abonnement"):
            data = await request.json()
            aid = _uuid("abonnement", data.get("callbackUrl", ""), str(len(fake.abonnementen)))
            created = {"url": f"{fake.api('notificaties')}/abonnement/{aid}", **data}
            fake.abonnementen[aid] = created
            return JSONResponse(created, status_code=201)
        if (
            request.method == "POST"
            and (api, parts[0]) == ("documenten", "enkelvoudiginformatieobjecten")
            and len(parts) == 1
        ):
            fake.last_document_post[:] = [await request.body()]
            try:
                created_document = fake.create_document(await request.json())
            except ValueError:
                created_document = None
            if created_document is None:
                return _invalid("inhoud", "invalid")
            if isinstance(created_document, str):
                return _invalid("identificatie", created_document)
            return JSONResponse(created_document, status_code=201, headers={"Location": created_document["url"]})
        if request.method == "POST" and (api, parts[0]) == ("zaken", "zaakinformatieobjecten") and len(parts) == 1:
            try:
                linked = fake.link_document(await request.json())
            except ValueError:
                linked = "invalid"
            if isinstance(linked, str):
                # Open Zaak: a second link of the same zaak and document is a unique-together
                # refusal (nonFieldErrors, code "unique").
                name = (
                    "nonFieldErrors"
                    if linked == "unique"
                    else "informatieobject"
                    if "informatieobject" in linked
                    else "zaak"
                )
                return _invalid(name, linked)
            return crs(JSONResponse(linked, status_code=201, headers={"Location": linked["url"]}))
        if request.method == "POST" and (api, parts[0]) == ("zaken", "rollen") and len(parts) == 1:
            try:
                rol = fake.create_rol(await request.json())
            except (ValueError, AttributeError):
                rol = ("nonFieldErrors", "invalid")
            if isinstance(rol, tuple):
                return _invalid(*rol)
            return JSONResponse(rol, status_code=201, headers={"Location": rol["url"]})
        if request.method != "GET":
            return _problem(405, "Methode niet toegestaan.", "method_not_allowed")
        if len(parts) == 1 and (api, parts[0]) in routes_table:
            body = routes_table[(api, parts[0])](request)
        elif len(parts) == 3 and parts[2] == "download" and parts[0] == "enkelvoudiginformatieobjecten":
            content = fake.inhoud.get(parts[1])
            if content is None:
                return _problem(404, "Niet gevonden.", "not_found")
            return Response(content, media_type="application/octet-stream")
        elif len(parts) == 2 and (api, parts[0]) in objects:
            body = objects[(api, parts[0])].get(parts[1])
            if body is None:
                return _problem(404, "Niet gevonden.", "not_found")
            if (api, parts[0]) == ("zaken", "zaken"):
                body = fake.render_zaak(body)
        else:
            return _problem(404, "Niet gevonden.", "not_found")
        if fault is not None and fault.kind == "schema_invalid":
            body = {"url": 12, "unexpected": True} if isinstance(body, dict) else {"results": "nope"}
        return crs(JSONResponse(body))

    return Starlette(routes=[Route("/{api:str}/api/v1/{rest:path}", handle, methods=["GET", "POST"])])
