"""ZGW JSON → a snapshot of one zaak, in our vocabulary. Pure: no I/O, no database.

One-to-one with the ZGW fields (names in the comments). Anything a page relies on that
is missing or malformed raises ``MappingError`` (stored as "invalid_body" with the field),
so a broken answer never overwrites a good copy. Documents are filtered by the
allow-list of ``vertrouwelijkheidaanduiding`` here, before anything is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from portal.domain.deadlines import Term
from portal.domain.identifiers import (
    InvalidIdentifier,
    validate_bsn,
    validate_kvk,
    validate_rsin,
    validate_vestigingsnummer,
)

ROLE_TYPES = frozenset(
    {
        "initiator",
        "behandelaar",
        "belanghebbende",
        "beslisser",
        "adviseur",
        "klantcontacter",
        "mede_initiator",
        "zaakcoordinator",
    }
)
CONFIDENTIALITY = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)
# Words in a resultaattype's omschrijving → our result codes. First match wins; a result
# type none of these match is "completed" (handled, no yes/no decision).
RESULT_WORDS: tuple[tuple[str, str], ...] = (
    ("gedeeltelijk", "partly_granted"),
    ("buiten behandeling", "not_admissible"),
    ("niet ontvankelijk", "not_admissible"),
    ("ingetrokken", "withdrawn"),
    ("geweigerd", "refused"),
    ("afgewezen", "refused"),
    ("ongegrond", "refused"),
    ("verleend", "granted"),
    ("toegekend", "granted"),
    ("gegrond", "granted"),
)
_FILENAME_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\\"]")


class MappingError(ValueError):
    """The case system's answer cannot be used; ``field`` names the culprit."""

    reason = "invalid_body"

    def __init__(self, field: str, problem: str = "missing or malformed") -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True)
class StatusTypeSnapshot:
    url: str
    order: int  # volgnummer
    name: str  # omschrijving
    resident_text: str  # statustekst
    is_final: bool  # isEindstatus
    notify: bool  # informeren


@dataclass(frozen=True)
class CaseTypeSnapshot:
    url: str
    code: str  # identificatie
    name: str  # omschrijving
    description: str  # doel
    legal_term: str  # doorlooptijd
    service_norm: str | None  # servicenorm
    extension_allowed: bool  # verlengingMogelijk
    max_extension: str | None  # verlengingstermijn
    suspension_allowed: bool  # opschortingEnAanhoudingMogelijk
    is_public: bool  # indicatieInternOfExtern == "extern"
    status_types: tuple[StatusTypeSnapshot, ...]


@dataclass(frozen=True)
class StatusSnapshot:
    url: str
    status_type_url: str
    set_at: datetime  # datumStatusGezet, naive UTC
    note: str  # statustoelichting


@dataclass(frozen=True)
class RoleSnapshot:
    role_type: str  # omschrijvingGeneriek
    bsn: str | None = None  # natuurlijk_persoon inpBsn
    kvk: str | None = None  # vestiging kvkNummer
    branch_number: str | None = None  # vestiging vestigingsNummer
    employee_login: str | None = None  # medewerker identificatie
    display_name: str = ""
    email: str = ""  # contactpersoonRol
    phone: str = ""
    function: str = ""
    mandate: str = ""  # indicatieMachtiging: "", "gemachtigde" or "machtiginggever"


# Rol.indicatieMachtiging (Open Zaak's mandate recipe, docs/client-development/mandate.rst).
MANDATE_INDICATIONS = ("", "gemachtigde", "machtiginggever")


@dataclass(frozen=True)
class DocumentSnapshot:
    url: str  # enkelvoudiginformatieobject url
    title: str
    filename: str
    content_type: str  # formaat
    size_bytes: int  # bestandsomvang
    confidentiality: str
    download_url: str  # inhoud
    created_on: date | None  # creatiedatum


@dataclass(frozen=True)
class ExtensionSnapshot:
    reason: str  # verlenging.reden
    duration: str  # verlenging.duur (ISO 8601)


@dataclass(frozen=True)
class ZaakSnapshot:
    url: str
    number: str  # identificatie
    rsin: str  # bronorganisatie
    title: str  # omschrijving
    received_on: date  # startdatum
    planned_end_on: date | None  # einddatumGepland
    remote_deadline_on: date | None  # uiterlijkeEinddatumAfdoening (as the case system says)
    closed_on: date | None  # einddatum
    confidentiality: str
    extension: ExtensionSnapshot | None
    suspended: bool  # opschorting.indicatie
    suspension_reason: str
    case_type: CaseTypeSnapshot
    statuses: tuple[StatusSnapshot, ...]
    roles: tuple[RoleSnapshot, ...]
    result: str | None
    result_text: str
    documents: tuple[DocumentSnapshot, ...]
    hidden_documents: int = 0  # left out by the confidentiality allow-list

    @property
    def current_status(self) -> StatusSnapshot | None:
        return max(self.statuses, key=lambda status: (status.set_at, status.url), default=None)


# ------------------------------------------------------------------ field readers


def _str(data: dict[str, Any], key: str, field: str, *, required: bool = True, max_length: int = 1000) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise MappingError(field)
        return ""
    if not isinstance(value, str):
        raise MappingError(field, "not text")
    return value[:max_length]


def _url(data: dict[str, Any], key: str, field: str) -> str:
    value = _str(data, key, field)
    if not value.startswith(("http://", "https://")) or len(value) > 1000:
        raise MappingError(field, "not a URL")
    return value


def _date(data: dict[str, Any], key: str, field: str, *, required: bool = False) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise MappingError(field)
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise MappingError(field, "not a date") from error


def _datetime(data: dict[str, Any], key: str, field: str) -> datetime:
    value = data.get(key)
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except (TypeError, ValueError) as error:
        raise MappingError(field, "not a date-time") from error
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _duration(data: dict[str, Any], key: str, field: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise MappingError(field)
        return None
    try:
        return Term.parse_iso8601(value).to_iso8601()
    except ValueError as error:
        raise MappingError(field, "not a duration in days, weeks or months") from error


def _bool(data: dict[str, Any], key: str, field: str, default: bool | None = None) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise MappingError(field, "not true/false")
    return value


# ------------------------------------------------------------------ parts


def map_status_type(data: dict[str, Any]) -> StatusTypeSnapshot:
    order = data.get("volgnummer")
    if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= 9999:
        raise MappingError("statustype.volgnummer")
    return StatusTypeSnapshot(
        url=_url(data, "url", "statustype.url"),
        order=order,
        name=_str(data, "omschrijving", "statustype.omschrijving", max_length=200),
        resident_text=_str(data, "statustekst", "statustype.statustekst", required=False, max_length=2000),
        is_final=_bool(data, "isEindstatus", "statustype.isEindstatus", False),
        notify=_bool(data, "informeren", "statustype.informeren", True),
    )


def map_case_type(data: dict[str, Any], status_types: list[dict[str, Any]]) -> CaseTypeSnapshot:
    extern = data.get("indicatieInternOfExtern")
    if extern not in ("intern", "extern"):
        raise MappingError("zaaktype.indicatieInternOfExtern")
    steps = sorted((map_status_type(item) for item in status_types), key=lambda step: step.order)
    if len({step.order for step in steps}) != len(steps):
        raise MappingError("statustypen", "two steps with the same volgnummer")
    return CaseTypeSnapshot(
        url=_url(data, "url", "zaaktype.url"),
        code=_str(data, "identificatie", "zaaktype.identificatie", max_length=50),
        name=_str(data, "omschrijving", "zaaktype.omschrijving", max_length=200),
        description=_str(data, "doel", "zaaktype.doel", required=False, max_length=2000),
        legal_term=_duration(data, "doorlooptijd", "zaaktype.doorlooptijd", required=True) or "",
        service_norm=_duration(data, "servicenorm", "zaaktype.servicenorm"),
        extension_allowed=_bool(data, "verlengingMogelijk", "zaaktype.verlengingMogelijk"),
        max_extension=_duration(data, "verlengingstermijn", "zaaktype.verlengingstermijn"),
        suspension_allowed=_bool(data, "opschortingEnAanhoudingMogelijk", "zaaktype.opschortingEnAanhoudingMogelijk"),
        is_public=extern == "extern",
        status_types=tuple(steps),
    )


def _identifier(validate, value: Any, field: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return validate(str(value))
    except InvalidIdentifier as error:
        raise MappingError(field, "not a valid number") from error


def map_role(data: dict[str, Any]) -> RoleSnapshot | None:
    """A rol, or None for one we do not show (an unknown generic role, an organisational unit)."""
    role_type = data.get("omschrijvingGeneriek")
    if role_type not in ROLE_TYPES:
        return None
    kind = data.get("betrokkeneType")
    ident = data.get("betrokkeneIdentificatie") or {}
    if not isinstance(ident, dict):
        raise MappingError("rol.betrokkeneIdentificatie")
    contact = data.get("contactpersoonRol") or {}
    if not isinstance(contact, dict):
        raise MappingError("rol.contactpersoonRol")
    common = {
        "role_type": role_type,
        "email": _str(contact, "emailadres", "rol.contactpersoonRol.emailadres", required=False, max_length=254),
        "phone": _str(contact, "telefoonnummer", "rol.contactpersoonRol.telefoonnummer", required=False, max_length=20),
        "function": _str(contact, "functie", "rol.contactpersoonRol.functie", required=False, max_length=200),
    }
    contact_name = _str(contact, "naam", "rol.contactpersoonRol.naam", required=False, max_length=200)
    mandate = data.get("indicatieMachtiging") or ""
    if mandate not in MANDATE_INDICATIONS:
        raise MappingError("rol.indicatieMachtiging", "not gemachtigde, machtiginggever or empty")
    common["mandate"] = mandate
    if kind == "natuurlijk_persoon":
        bsn = _identifier(validate_bsn, ident.get("inpBsn"), "rol.inpBsn")
        if bsn is None:
            return None
        name = " ".join(
            part
            for part in (ident.get("voornamen"), ident.get("voorvoegselGeslachtsnaam"), ident.get("geslachtsnaam"))
            if isinstance(part, str) and part
        )
        return RoleSnapshot(bsn=bsn, display_name=(name or contact_name)[:200], **common)
    if kind == "vestiging":
        kvk = _identifier(validate_kvk, ident.get("kvkNummer"), "rol.kvkNummer")
        branch = _identifier(validate_vestigingsnummer, ident.get("vestigingsNummer"), "rol.vestigingsNummer")
        if kvk is None:
            return None
        names = ident.get("handelsnaam")
        name = names[0] if isinstance(names, list) and names and isinstance(names[0], str) else contact_name
        return RoleSnapshot(kvk=kvk, branch_number=branch, display_name=name[:200], **common)
    if kind == "medewerker":
        login = ident.get("identificatie")
        name = " ".join(
            part
            for part in (ident.get("voorletters"), ident.get("voorvoegselAchternaam"), ident.get("achternaam"))
            if isinstance(part, str) and part
        )
        return RoleSnapshot(
            employee_login=login if isinstance(login, str) and login else None,
            display_name=(contact_name or name)[:200],
            **common,
        )
    return None


def result_code(result_type_description: str) -> str:
    text = result_type_description.lower()
    for words, code in RESULT_WORDS:
        if words in text:
            return code
    return "completed"


def _safe_filename(name: str, title: str) -> str:
    cleaned = _FILENAME_UNSAFE.sub("", name or "").strip().lstrip(".")
    return (cleaned or _FILENAME_UNSAFE.sub("", title).strip() or "document")[:255]


def map_document(data: dict[str, Any]) -> DocumentSnapshot:
    level = data.get("vertrouwelijkheidaanduiding")
    if level not in CONFIDENTIALITY:
        raise MappingError("document.vertrouwelijkheidaanduiding")
    size = data.get("bestandsomvang") or 0
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        raise MappingError("document.bestandsomvang")
    title = _str(data, "titel", "document.titel", max_length=300)
    content_type = _str(data, "formaat", "document.formaat", required=False, max_length=100)
    if not re.fullmatch(r"[a-zA-Z0-9.+-]+/[a-zA-Z0-9.+-]+", content_type or ""):
        content_type = "application/octet-stream"
    return DocumentSnapshot(
        url=_url(data, "url", "document.url"),
        title=title,
        filename=_safe_filename(
            _str(data, "bestandsnaam", "document.bestandsnaam", required=False, max_length=255), title
        ),
        content_type=content_type,
        size_bytes=size,
        confidentiality=level,
        download_url=_str(data, "inhoud", "document.inhoud", required=False),
        created_on=_date(data, "creatiedatum", "document.creatiedatum"),
    )


def map_zaak(graph: dict[str, Any], allowed_confidentiality: frozenset[str]) -> ZaakSnapshot:
    """The whole graph from ``fetch_zaak_graph`` → one snapshot (or MappingError)."""
    zaak = graph.get("zaak")
    if not isinstance(zaak, dict):
        raise MappingError("zaak")
    case_type = map_case_type(graph.get("zaaktype") or {}, graph.get("statustypen") or [])
    if zaak.get("zaaktype") != case_type.url:
        raise MappingError("zaak.zaaktype", "does not match the fetched zaaktype")
    url = _url(zaak, "url", "zaak.url")
    step_urls = {step.url for step in case_type.status_types}
    statuses = []
    for item in graph.get("statussen") or []:
        status = StatusSnapshot(
            url=_url(item, "url", "status.url"),
            status_type_url=_url(item, "statustype", "status.statustype"),
            set_at=_datetime(item, "datumStatusGezet", "status.datumStatusGezet"),
            note=_str(item, "statustoelichting", "status.statustoelichting", required=False, max_length=2000),
        )
        if status.status_type_url not in step_urls:
            raise MappingError("status.statustype", "not a step of the zaaktype")
        statuses.append(status)
    roles = tuple(role for role in (map_role(item) for item in graph.get("rollen") or []) if role is not None)
    verlenging = zaak.get("verlenging")
    extension = None
    if isinstance(verlenging, dict) and verlenging.get("duur"):
        extension = ExtensionSnapshot(
            reason=_str(verlenging, "reden", "zaak.verlenging.reden", max_length=1000),
            duration=_duration(verlenging, "duur", "zaak.verlenging.duur", required=True) or "",
        )
    elif verlenging not in (None, {}) and not isinstance(verlenging, dict):
        raise MappingError("zaak.verlenging")
    opschorting = zaak.get("opschorting") or {}
    if not isinstance(opschorting, dict):
        raise MappingError("zaak.opschorting")
    result = result_text = None
    if graph.get("resultaat"):
        result_type = graph.get("resultaattype") or {}
        result = result_code(_str(result_type, "omschrijving", "resultaattype.omschrijving", max_length=200))
        result_text = _str(graph["resultaat"], "toelichting", "resultaat.toelichting", required=False, max_length=2000)
    documents, hidden = [], 0
    for item in graph.get("documenten") or []:
        document = map_document(item.get("document") or {})
        if document.confidentiality in allowed_confidentiality:
            documents.append(document)
        else:
            hidden += 1
    level = zaak.get("vertrouwelijkheidaanduiding") or "zaakvertrouwelijk"
    if level not in CONFIDENTIALITY:
        raise MappingError("zaak.vertrouwelijkheidaanduiding")
    try:
        rsin = validate_rsin(_str(zaak, "bronorganisatie", "zaak.bronorganisatie"))
    except InvalidIdentifier as error:
        raise MappingError("zaak.bronorganisatie", "not a valid RSIN") from error
    number = _str(zaak, "identificatie", "zaak.identificatie", max_length=40)
    if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", number):
        raise MappingError("zaak.identificatie", "has characters a case number cannot have")
    return ZaakSnapshot(
        url=url,
        number=number,
        rsin=rsin,
        title=_str(zaak, "omschrijving", "zaak.omschrijving", required=False, max_length=300) or case_type.name,
        received_on=_date(zaak, "startdatum", "zaak.startdatum", required=True),  # type: ignore[arg-type]
        planned_end_on=_date(zaak, "einddatumGepland", "zaak.einddatumGepland"),
        remote_deadline_on=_date(zaak, "uiterlijkeEinddatumAfdoening", "zaak.uiterlijkeEinddatumAfdoening"),
        closed_on=_date(zaak, "einddatum", "zaak.einddatum"),
        confidentiality=level,
        extension=extension,
        suspended=_bool(opschorting, "indicatie", "zaak.opschorting.indicatie", False),
        suspension_reason=_str(opschorting, "reden", "zaak.opschorting.reden", required=False, max_length=1000),
        case_type=case_type,
        statuses=tuple(sorted(statuses, key=lambda status: (status.set_at, status.url))),
        roles=roles,
        result=result,
        result_text=result_text or "",
        documents=tuple(documents),
        hidden_documents=hidden,
    )
