"""The demo municipality's catalogue in a real Open Zaak, built through its Catalogi API.

What docs/operating/case-system.md ("3. What the portal needs in the catalogue") asks, for the
nine case types of ``devtools.demo_catalogue`` (the same ones ``devtools/fake_zgw`` serves): a zaaktype per case
type (identificatie = the portal's type code, doel, doorlooptijd, servicenorm, verlenging and
opschorting), its statustypen (omschrijving, statustekst for residents, informeren), one
resultaattype per outcome the portal recognises, roltypen (initiator, behandelaar,
belanghebbende) and informatieobjecttypen (the resident's upload, a decision, an internal
memo), all published.

Idempotent: everything is looked up before it is created, so a second run only reads.
Creating a resultaattype needs the Selectielijst API (``scripts/start-openzaak.sh`` runs an
offline stand-in); a run against an Open Zaak without it stops with Open Zaak's answer.

Run on its own: ``bash scripts/start-openzaak.sh catalogue`` (or ``python -m
tests.interop.openzaak_catalogue`` with OPENZAAK_URL, OPENZAAK_CLIENT_ID, OPENZAAK_SECRET).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import OctKey

from devtools.demo_catalogue import CASE_TYPES, ORGANISATION

RSIN = ORGANISATION["rsin"]  # 001234560, Gemeente Voorbeeldstad
DOMEIN = "VBSTD"
# Open Zaak's own Selectielijst test data (served by scripts/openzaak/selectielijst_mock.py):
# procestype 1 "Instellen en inrichten organisatie" (2017) and one of its resultaten.
PROCESTYPE = "procestypen/e1b73b12-b2f6-4c4e-8929-94f84dd2a57d"
SELECTIELIJSTKLASSE = "resultaten/cc5ae4e3-a9e6-4386-bcee-46be4986a829"
RESULTAATTYPEOMSCHRIJVING = "resultaattypeomschrijvingen/e6a0c939-3404-45b0-88e3-76c94fb80ea7"
# omschrijving → the result the portal reads from it (portal.zgw.mapping.RESULT_WORDS).
RESULTAATTYPEN = (
    "Verleend",
    "Gedeeltelijk verleend",
    "Geweigerd",
    "Ingetrokken",
    "Buiten behandeling",
    "Afgehandeld",
)
ROLTYPEN = (("Aanvrager", "initiator"), ("Behandelaar", "behandelaar"), ("Belanghebbende", "belanghebbende"))
# omschrijving, vertrouwelijkheidaanduiding, richting on the zaaktype
UPLOAD = "Bijlage aanvrager"
INFORMATIEOBJECTTYPEN = (
    (UPLOAD, "zaakvertrouwelijk", "inkomend"),
    ("Besluit", "openbaar", "uitgaand"),
    ("Interne notitie", "intern", "intern"),
)
START = "2025-01-01"


@dataclass(frozen=True)
class OpenZaak:
    base_url: str = field(default_factory=lambda: os.environ.get("OPENZAAK_URL", "http://127.0.0.1:8140"))
    client_id: str = field(default_factory=lambda: os.environ.get("OPENZAAK_CLIENT_ID", "mijn-zaken-interop"))
    secret: str = field(
        default_factory=lambda: os.environ.get("OPENZAAK_SECRET", "mijn-zaken-interop-secret-0123456789abcdef")
    )
    selectielijst_url: str = field(
        default_factory=lambda: os.environ.get("OPENZAAK_SELECTIELIJST_URL", "http://127.0.0.1:8142/api/v1")
    )

    def api(self, name: str) -> str:
        return f"{self.base_url}/{name}/api/v1"


class Api:
    """A small ZGW client for the case handling side (the suite's "municipality")."""

    def __init__(self, openzaak: OpenZaak) -> None:
        self.openzaak = openzaak
        self.http = httpx.Client(timeout=60)

    def close(self) -> None:
        self.http.close()

    def token(self) -> str:
        claims = {
            "iss": self.openzaak.client_id,
            "iat": int(time.time()),
            "client_id": self.openzaak.client_id,
            "user_id": "interop-zaakbehandelaar",
            "user_representation": "Interop zaakbehandelaar",
        }
        return jwt.encode({"alg": "HS256", "typ": "JWT"}, claims, OctKey.import_key(self.openzaak.secret))

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        api, _, rest = path.partition("/")
        return f"{self.openzaak.api(api)}/{rest}"

    def request(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        headers = {
            "Authorization": f"Bearer {self.token()}",
            "Accept-Crs": "EPSG:4326",
            "Content-Crs": "EPSG:4326",
        }
        response = self.http.request(method, self.url(path), json=body, params=params, headers=headers)
        if response.status_code >= 400:
            raise AssertionError(f"{method} {path} → {response.status_code}: {response.text[:1500]}")
        return response.json() if response.content else None

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("POST", path, body)

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.request("PATCH", path, body)

    def all(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a list, following ``next`` (Open Zaak pages at 100)."""
        data = self.get(path, **params)
        if isinstance(data, list):
            return data
        items = list(data["results"])
        while data.get("next"):
            data = self.request("GET", data["next"])
            items.extend(data["results"])
        return items

    def first(self, path: str, **params: Any) -> dict[str, Any] | None:
        items = self.all(path, **params)
        return items[0] if items else None


@dataclass
class Catalogue:
    catalogus: str
    zaaktypen: dict[str, dict[str, Any]]  # code → zaaktype (published)
    statustypen: dict[str, list[dict[str, Any]]]  # code → statustypen by volgnummer
    resultaattypen: dict[str, dict[str, str]]  # code → omschrijving → url
    roltypen: dict[str, dict[str, str]]  # code → omschrijvingGeneriek → url
    informatieobjecttypen: dict[str, str]  # omschrijving → url

    @property
    def upload_informatieobjecttype(self) -> str:
        return self.informatieobjecttypen[UPLOAD]


def _informatieobjecttype(api: Api, catalogus: str, name: str, level: str) -> dict[str, Any]:
    found = api.first("catalogi/informatieobjecttypen", catalogus=catalogus, omschrijving=name, status="alles")
    if found is None:
        found = api.post(
            "catalogi/informatieobjecttypen",
            {
                "catalogus": catalogus,
                "omschrijving": name,
                "vertrouwelijkheidaanduiding": level,
                "beginGeldigheid": START,
                "informatieobjectcategorie": "overig",
            },
        )
    if found.get("concept"):
        found = api.post(f"{found['url']}/publish", {})
    return found


def _zaaktype(api: Api, catalogus: str, spec: dict[str, Any], iots: dict[str, str]) -> dict[str, Any]:
    code = spec["code"]
    sl = api.openzaak.selectielijst_url.rstrip("/")
    zaaktype = api.first("catalogi/zaaktypen", catalogus=catalogus, identificatie=code, status="alles")
    if zaaktype is None:
        zaaktype = api.post(
            "catalogi/zaaktypen",
            {
                "identificatie": code,
                "omschrijving": spec["name_nl"][:80],
                "vertrouwelijkheidaanduiding": "zaakvertrouwelijk",
                "doel": spec.get("description_nl") or spec["name_nl"],
                "aanleiding": "Een aanvraag of melding van een inwoner of bedrijf.",
                "onderwerp": spec["name_nl"][:80],
                "indicatieInternOfExtern": "extern" if spec.get("is_public", True) else "intern",
                "handelingInitiator": "aanvragen",
                "handelingBehandelaar": "behandelen",
                "doorlooptijd": spec["legal_term"],
                "servicenorm": spec.get("service_norm"),
                "opschortingEnAanhoudingMogelijk": spec.get("suspension_allowed", True),
                "verlengingMogelijk": spec.get("extension_allowed", False),
                "verlengingstermijn": spec.get("max_extension") if spec.get("extension_allowed") else None,
                "publicatieIndicatie": False,
                "productenOfDiensten": [],
                "referentieproces": {"naam": spec["name_nl"][:80]},
                "verantwoordelijke": RSIN,
                "catalogus": catalogus,
                "besluittypen": [],
                "gerelateerdeZaaktypen": [],
                "selectielijstProcestype": f"{sl}/{PROCESTYPE}",
                "beginGeldigheid": START,
                "versiedatum": START,
            },
        )
    if not zaaktype["concept"]:
        return zaaktype
    # A concept (an earlier run stopped half-way): add what is missing, then publish.
    url = zaaktype["url"]
    orders = {item["volgnummer"] for item in api.all("catalogi/statustypen", zaaktype=url, status="alles")}
    for order, step in enumerate(spec["steps"], start=1):
        if order not in orders:
            api.post(
                "catalogi/statustypen",
                {
                    "zaaktype": url,
                    "omschrijving": step["name_nl"][:80],
                    "statustekst": step["resident_text_nl"][:1000],
                    "volgnummer": order,
                    "informeren": step["notify"],
                },
            )
    generics = {item["omschrijvingGeneriek"] for item in api.all("catalogi/roltypen", zaaktype=url, status="alles")}
    for name, generic in ROLTYPEN:
        if generic not in generics:
            api.post("catalogi/roltypen", {"zaaktype": url, "omschrijving": name, "omschrijvingGeneriek": generic})
    linked = set(zaaktype["informatieobjecttypen"])
    for order, (name, _level, direction) in enumerate(INFORMATIEOBJECTTYPEN, start=1):
        if iots[name] not in linked:
            api.post(
                "catalogi/zaaktype-informatieobjecttypen",
                {"zaaktype": url, "informatieobjecttype": iots[name], "volgnummer": order, "richting": direction},
            )
    outcomes = {item["omschrijving"] for item in api.all("catalogi/resultaattypen", zaaktype=url, status="alles")}
    for name in RESULTAATTYPEN:
        if name not in outcomes:
            api.post(
                "catalogi/resultaattypen",
                {
                    "zaaktype": url,
                    "omschrijving": name,
                    "resultaattypeomschrijving": f"{sl}/{RESULTAATTYPEOMSCHRIJVING}",
                    "selectielijstklasse": f"{sl}/{SELECTIELIJSTKLASSE}",
                    "archiefnominatie": "vernietigen",
                    "archiefactietermijn": "P10Y",
                    "brondatumArchiefprocedure": {"afleidingswijze": "afgehandeld"},
                },
            )
    api.post(f"{zaaktype['url']}/publish", {})
    return api.get(zaaktype["url"])


def ensure_catalogue(openzaak: OpenZaak | None = None) -> Catalogue:
    api = Api(openzaak or OpenZaak())
    try:
        catalogus = api.first("catalogi/catalogussen", domein=DOMEIN, rsin=RSIN)
        if catalogus is None:
            catalogus = api.post(
                "catalogi/catalogussen",
                {
                    "domein": DOMEIN,
                    "rsin": RSIN,
                    "naam": "Gemeente Voorbeeldstad",
                    "contactpersoonBeheerNaam": "Team Informatiebeheer",
                },
            )
        iots = {
            name: _informatieobjecttype(api, catalogus["url"], name, level)["url"]
            for name, level, _direction in INFORMATIEOBJECTTYPEN
        }
        catalogue = Catalogue(catalogus["url"], {}, {}, {}, {}, iots)
        for spec in CASE_TYPES:
            zaaktype = _zaaktype(api, catalogus["url"], spec, iots)
            code = spec["code"]
            catalogue.zaaktypen[code] = zaaktype
            catalogue.statustypen[code] = sorted(
                api.all("catalogi/statustypen", zaaktype=zaaktype["url"]), key=lambda item: item["volgnummer"]
            )
            catalogue.resultaattypen[code] = {
                item["omschrijving"]: item["url"]
                for item in api.all("catalogi/resultaattypen", zaaktype=zaaktype["url"])
            }
            catalogue.roltypen[code] = {
                item["omschrijvingGeneriek"]: item["url"]
                for item in api.all("catalogi/roltypen", zaaktype=zaaktype["url"])
            }
        return catalogue
    finally:
        api.close()


if __name__ == "__main__":
    started = time.monotonic()
    built = ensure_catalogue()
    for code, zaaktype in built.zaaktypen.items():
        print(
            f"{code}: {zaaktype['url']} ({len(built.statustypen[code])} statustypen, "
            f"{len(built.resultaattypen[code])} resultaattypen, {len(built.roltypen[code])} roltypen)"
        )
    print(f"catalogue ready in {time.monotonic() - started:.1f} s")
