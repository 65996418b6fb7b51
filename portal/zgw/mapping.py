"""ZGW JSON → a snapshot of one zaak, in our vocabulary. Pure: no I/O, no database.

One-to-one with the ZGW fields (names in the comments). Every spec-valid answer
(Zaken API 1.5.1, Catalogi 1.3.1, Documenten 1.5.0, and what Open Zaak adds) maps.

The documented reasons a zaak is refused (``MappingError``, stored as "invalid_body"
with the field, so a broken answer never overwrites a good copy) are only what a page
cannot do without: the zaak's url, identificatie (letters, digits, hyphens), a valid
bronorganisatie (RSIN), startdatum (in the years 1900-2999) and vertrouwelijkheidaanduiding; the zaaktype
(url, identificatie, omschrijving, doorlooptijd, indicatieInternOfExtern, the booleans
verlengingMogelijk / opschortingEnAanhoudingMogelijk) and its statustypen (volgnummer,
omschrijving, unique volgnummers); statussen (url, statustype of the zaaktype,
datumStatusGezet); a resultaat's resultaattype.omschrijving.

Anything else the mapping cannot use is skipped and named in ``ZaakSnapshot.skipped``
(the sync logs it), never the whole zaak: a rol with a malformed identifier (the rol is
left out: a malformed BSN, KVK or vestigingsnummer names nobody we can recognise, and
dropping only a branch number would widen who sees the zaak), an unusable contact detail,
a verlenging whose duur is not a duration, a document with a malformed field.

Durations with a time part (``P1DT12H``) count in whole days, rounded up
(``Term.parse_zgw_duration``). An empty or missing verlenging.reden is allowed (Zaken API
1.5.1 requires only duur; Open Zaak accepts an empty reden).

Documents are filtered by the confidentiality allow-list here, before anything is
stored; the zaak's own level is checked by the sync first (``confidentiality_of``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from portal.domain.confidentiality import LEVELS
from portal.domain.deadlines import Term
from portal.domain.identifiers import (
    InvalidIdentifier,
    validate_bsn,
    validate_kvk,
    validate_rsin,
    validate_vestigingsnummer,
)
from portal.services.changes.extend_decision_date import MAX_DAYS, MAX_MONTHS

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
CONFIDENTIALITY = LEVELS
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
    kvk: str | None = None  # vestiging / niet_natuurlijk_persoon kvkNummer
    branch_number: str | None = None  # vestiging / niet_natuurlijk_persoon vestigingsNummer
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
    skipped: tuple[str, ...] = ()  # fields that could not be used (logged by the sync)

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
        try:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        except OverflowError as error:  # e.g. 0001-01-01T00:00:00+01:00
            raise MappingError(field, "not a date-time we can use") from error
    return moment


def _duration(data: dict[str, Any], key: str, field: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise MappingError(field)
        return None
    try:
        # A time part counts as whole days, rounded up ("P1DT12H" is 2 days).
        return Term.parse_zgw_duration(value).to_iso8601()
    except ValueError as error:
        raise MappingError(field, "not a duration") from error


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


def _optional_text(data: dict[str, Any], key: str, field: str, max_length: int, skipped: list[str]) -> str:
    try:
        return _str(data, key, field, required=False, max_length=max_length)
    except MappingError:
        skipped.append(field)
        return ""


def map_role(data: dict[str, Any], skipped: list[str] | None = None) -> RoleSnapshot | None:
    """A rol, or None for one we do not show (an unknown generic role, an organisational
    unit) or cannot use (a malformed identifier: named in ``skipped``)."""
    skipped = [] if skipped is None else skipped
    role_type = data.get("omschrijvingGeneriek")
    role_type = role_type.lower() if isinstance(role_type, str) else role_type
    if role_type not in ROLE_TYPES:
        return None
    kind = data.get("betrokkeneType")
    ident = data.get("betrokkeneIdentificatie") or {}
    if not isinstance(ident, dict):
        skipped.append("rol.betrokkeneIdentificatie")
        return None
    contact = data.get("contactpersoonRol") or {}
    if not isinstance(contact, dict):
        skipped.append("rol.contactpersoonRol")
        contact = {}
    common = {
        "role_type": role_type,
        "email": _optional_text(contact, "emailadres", "rol.contactpersoonRol.emailadres", 254, skipped),
        "phone": _optional_text(contact, "telefoonnummer", "rol.contactpersoonRol.telefoonnummer", 20, skipped),
        "function": _optional_text(contact, "functie", "rol.contactpersoonRol.functie", 200, skipped),
    }
    contact_name = _optional_text(contact, "naam", "rol.contactpersoonRol.naam", 200, skipped)
    mandate = data.get("indicatieMachtiging") or ""
    if mandate not in MANDATE_INDICATIONS:
        # Not gemachtigde, machtiginggever or empty: we cannot tell whether this person acts
        # for someone else, so the rol is left out (logged), as with a malformed identifier.
        skipped.append("rol.indicatieMachtiging")
        return None
    common["mandate"] = mandate
    try:
        return _role_of_kind(kind, ident, contact_name, common)
    except MappingError as error:
        # A malformed identifier names nobody we can recognise: the rol is left out (logged),
        # never the whole zaak -- it is usually someone else's rol.
        skipped.append(error.field)
        return None


def _role_of_kind(kind: Any, ident: dict[str, Any], contact_name: str, common: dict[str, Any]) -> RoleSnapshot | None:
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
    if kind == "niet_natuurlijk_persoon":
        # Zaken API 1.5.1 has innNnpId (RSIN), annIdentificatie, statutaireNaam; current Open
        # Zaak adds kvkNummer and vestigingsNummer. eHerkenning signs in with the KVK number,
        # so only a rol with a kvkNummer names a business the portal can show the zaak to.
        kvk = _identifier(validate_kvk, ident.get("kvkNummer"), "rol.kvkNummer")
        branch = _identifier(validate_vestigingsnummer, ident.get("vestigingsNummer"), "rol.vestigingsNummer")
        if kvk is None:
            return None
        name = ident.get("statutaireNaam")
        name = name if isinstance(name, str) and name else contact_name
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
    skipped: list[str] = []
    roles = tuple(
        role
        for role in (map_role(item, skipped) for item in graph.get("rollen") or [] if isinstance(item, dict))
        if role is not None
    )
    extension = _extension(zaak.get("verlenging"), skipped)
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
        try:
            document = map_document(item.get("document") or {})
        except MappingError as error:
            skipped.append(error.field)
            continue
        if document.confidentiality in allowed_confidentiality:
            documents.append(document)
        else:
            hidden += 1
    level = confidentiality_of(graph)
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
        received_on=_received_on(zaak),
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
        skipped=tuple(skipped),
    )


# A startdatum the deadline engine can count from (a legal term, extensions and suspensions
# added to it must stay within the calendar): refused outside these years, as malformed.
STARTDATUM_YEARS = range(1900, 3000)


def _received_on(zaak: dict[str, Any]) -> date:
    received = _date(zaak, "startdatum", "zaak.startdatum", required=True)
    if received is None or received.year not in STARTDATUM_YEARS:
        raise MappingError("zaak.startdatum", "outside the years 1900-2999")
    return received


def confidentiality_of(graph: dict[str, Any]) -> str:
    """The zaak's vertrouwelijkheidaanduiding (the API always returns one; an unknown
    value is refused, so it can never slip past the allow-list)."""
    zaak = graph.get("zaak")
    level = zaak.get("vertrouwelijkheidaanduiding") if isinstance(zaak, dict) else None
    if level not in CONFIDENTIALITY:
        raise MappingError("zaak.vertrouwelijkheidaanduiding")
    return str(level)


def _extension(verlenging: Any, skipped: list[str]) -> ExtensionSnapshot | None:
    """ZGW verlenging {reden, duur}. Only duur is required (Zaken API 1.5.1); an empty or
    missing reden is kept as "" (the portal says "No reason given."). A duur that is not a
    duration, or of zero days, is skipped: no extension."""
    if not isinstance(verlenging, dict) or not verlenging.get("duur"):
        return None
    try:
        duration = _duration(verlenging, "duur", "zaak.verlenging.duur", required=True) or ""
        term = Term.parse_iso8601(duration)
    except (MappingError, ValueError):
        skipped.append("zaak.verlenging.duur")
        return None
    if term.months == 0 and term.days == 0 or term.months > MAX_MONTHS or term.days > MAX_DAYS:
        skipped.append("zaak.verlenging.duur")
        return None
    reason = verlenging.get("reden")
    return ExtensionSnapshot(reason=reason.strip()[:1000] if isinstance(reason, str) else "", duration=duration)
