"""Acting for someone else: DigiD Machtigen and eHerkenning bewindvoering (issue 20).

Pure: verified OIDC claims in, one normalised ``Representation`` out, or a refusal.
Nothing here trusts a claim it did not check: a missing or malformed claim is refused
(``RepresentationRefused`` with a stable ``reason`` for the audit log and the page),
never guessed.

Claim paths are configurable because brokers differ. A path is first looked up as one
literal key (``"aanvrager.bsn"`` as Open Forms' brokers send it), then, if no such key
exists, as a dotted path into nested objects (``"aanvrager.bsn"`` ->
``claims["aanvrager"]["bsn"]``).

Who is who:

* DigiD Machtigen: the person represented (``LegalSubjectID``, a BSN) gave the
  representative (``ActingSubjectID``, a BSN) a mandate for one service
  (``ServiceUUID``).
* eHerkenning bewindvoering: an organisation (``urn:etoegang:core:LegalSubjectID``, a
  KVK number or RSIN, see its ``namequalifier``) is appointed by the court as
  bewindvoerder, curator or mentor (Burgerlijk Wetboek Boek 1: artikel 378 (curatele),
  artikel 431 (beschermingsbewind), artikel 450 (mentorschap)) for a person
  (a BSN claim); an employee acts (``ActingSubjectID``: opaque, never a key on its own).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from portal.domain.identifiers import (
    InvalidIdentifier,
    validate_bsn,
    validate_kvk,
    validate_rsin,
    validate_vestigingsnummer,
)

__all__ = [
    "DIGID_MACHTIGEN",
    "EHERKENNING_BEWINDVOERING",
    "ROLES",
    "ClaimPaths",
    "Representation",
    "RepresentationRefused",
    "claim_at",
    "gemachtigde_rol",
    "is_gemachtigde_rol",
    "is_machtiginggever_rol",
    "machtiginggever_rol",
    "parse_digid_machtigen",
    "parse_eherkenning_bewindvoering",
]

MandateKind = Literal["digid_machtigen", "eherkenning_bewindvoering"]
DIGID_MACHTIGEN: MandateKind = "digid_machtigen"
EHERKENNING_BEWINDVOERING: MandateKind = "eherkenning_bewindvoering"
ROLES = ("bewindvoerder", "curator", "mentor")
KVK_QUALIFIERS = ("urn:etoegang:1.9:EntityConcernedTypes:KvKnr", "KvKnr", "kvk")
RSIN_QUALIFIERS = ("urn:etoegang:1.9:EntityConcernedTypes:RSIN", "RSIN", "rsin")
MAX_SERVICES = 20
BSN_PREFIXES = ("s00000000", "BSN", "bsn", "urn:nl-eid-gdi:1.0:id:BSN")


class RepresentationRefused(ValueError):
    """The claims do not describe a usable mandate. ``reason`` is stable (audit log,
    translated page); the message names the claim path, never its value."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True)
class ClaimPaths:
    """Where each fact is in the claims. ``None``: this broker does not send it."""

    representee: str
    authorizee: str
    service: str
    acting_subject: str | None = None
    authorizee_qualifier: str | None = None
    service_alternative: str | None = None  # eHerkenning: ServiceID or ServiceUUID
    branch: str | None = None
    role: str | None = None
    valid_until: str | None = None


@dataclass(frozen=True)
class Representation:
    """One session's mandate, the same shape for both kinds.

    ``representee_bsn``: the person whose cases are shown. ``authorizee_bsn`` (DigiD) or
    ``authorizee_kvk``/``authorizee_rsin`` plus ``acting_subject`` (eHerkenning): who acts.
    ``services``: the mandated service ids. ``role``: bewindvoerder, curator or mentor
    when known. ``level``: the representative's own level of assurance."""

    kind: MandateKind
    representee_bsn: str
    services: tuple[str, ...]
    level: str | None = None
    authorizee_bsn: str | None = None
    authorizee_kvk: str | None = None
    authorizee_rsin: str | None = None
    acting_subject: str | None = None
    branch_number: str | None = None
    role: str | None = None
    valid_until: date | None = None
    # eHerkenning: the ServiceUUID next to the ServiceID, when the broker sends both (Open
    # Zaak's authenticatieContext wants both for an eHerkenning mandate).
    service_uuid: str | None = None
    representee_name: str = ""
    # Resolved at sign-in from the municipality's catalogue setting: service id -> names,
    # and the case types (CaseType.code) the mandated services cover.
    service_names: dict[str, dict[str, str]] = field(default_factory=dict)
    case_types: tuple[str, ...] = ()

    def service_label(self, language: str) -> str:
        """The mandated services by name, in this language ("Wmo support")."""
        names = [self.service_names.get(service, {}).get(language, "") for service in self.services]
        return ", ".join(name for name in names if name)

    def expired(self, today: date) -> bool:
        """The mandate's last day has passed (a mandate is valid through its last day)."""
        return self.valid_until is not None and today > self.valid_until

    @property
    def authorizee_audit_id(self) -> str:
        """The representative for the audit log: never a full BSN, never the opaque acting
        subject on its own (a hash of it, under the organisation)."""
        if self.authorizee_bsn:
            return f"bsn:*****{self.authorizee_bsn[-3:]}"
        organisation = f"kvk:{self.authorizee_kvk}" if self.authorizee_kvk else f"rsin:{self.authorizee_rsin}"
        if self.acting_subject:
            digest = hashlib.sha256(self.acting_subject.encode()).hexdigest()[:12]
            return f"{organisation}/medewerker:{digest}"
        return organisation

    @property
    def representative_key(self) -> str:
        """Who acts, as one stable key without a readable BSN (a sha256): the organisation
        (and branch) for eHerkenning, not its employee -- the organisation is the party the
        case system records (Open Zaak's recipe), the employee only its contact person."""
        if self.authorizee_bsn:
            identity = f"bsn:{self.authorizee_bsn}"
        elif self.authorizee_kvk:
            identity = f"kvk:{self.authorizee_kvk}:{self.branch_number or ''}"
        else:
            identity = f"rsin:{self.authorizee_rsin}"
        return hashlib.sha256(f"{identity}>{self.representee_bsn}".encode()).hexdigest()

    @property
    def representee_audit_id(self) -> str:
        return f"bsn:*****{self.representee_bsn[-3:]}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["services"] = list(self.services)
        data["case_types"] = list(self.case_types)
        data["valid_until"] = self.valid_until.isoformat() if self.valid_until else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Representation | None:
        if not data:
            return None
        values = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        values["services"] = tuple(values.get("services") or ())
        values["case_types"] = tuple(values.get("case_types") or ())
        raw = values.get("valid_until")
        values["valid_until"] = date.fromisoformat(raw) if isinstance(raw, str) else None
        values["service_names"] = dict(values.get("service_names") or {})
        return cls(**values)


_MISSING = object()


def claim_at(claims: dict[str, Any], path: str | None) -> Any:
    """The value at ``path``: a literal key first, then a dotted path; ``None`` when absent."""
    if not path:
        return None
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _one_string(claims: dict[str, Any], path: str | None, reason: str) -> str | None:
    """A claim that must be one string (a list of exactly one string is accepted, as
    SAML-bridging brokers send single values as lists). None when absent."""
    value = claim_at(claims, path)
    if value is None or value == "":
        return None
    if isinstance(value, list):
        if len(value) != 1:
            raise RepresentationRefused(reason, f"{path}: expected one value, got {len(value)}")
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RepresentationRefused(reason, f"{path}: not a string")
    text = str(value).strip()
    if len(text) > 200:
        raise RepresentationRefused(reason, f"{path}: too long")
    return text


def _bsn(claims: dict[str, Any], path: str, missing: str, invalid: str) -> str:
    raw = _one_string(claims, path, invalid)
    if raw is None:
        raise RepresentationRefused(missing, f"{path}: missing")
    # Some brokers prefix the number with its kind ("s00000000:123456782"); only known prefixes.
    prefix, separator, number = raw.rpartition(":")
    if separator:
        if prefix not in BSN_PREFIXES:
            raise RepresentationRefused(invalid, f"{path}: unknown identifier prefix")
        raw = number
    try:
        return validate_bsn(raw)
    except InvalidIdentifier as exc:
        raise RepresentationRefused(invalid, f"{path}: {exc.code}") from exc


def _services(claims: dict[str, Any], paths: tuple[str | None, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for path in paths:
        value = claim_at(claims, path)
        if value is None or value == "":
            continue
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_SERVICES:
            raise RepresentationRefused("service_invalid", f"{path}: too many services")
        for item in values:
            if not isinstance(item, str) or not item.strip() or len(item) > 200 or not item.isprintable():
                raise RepresentationRefused("service_invalid", f"{path}: not a service id")
            if item.strip() not in found:
                found.append(item.strip())
        if found:
            break  # ServiceID wins over ServiceUUID when both are sent
    if not found:
        raise RepresentationRefused("service_missing", "no mandated service in the claims")
    return tuple(found)


def _valid_until(claims: dict[str, Any], path: str | None) -> date | None:
    raw = _one_string(claims, path, "valid_until_invalid")
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError as exc:
        raise RepresentationRefused("valid_until_invalid", f"{path}: not a date") from exc


def _service_uuid(claims: dict[str, Any], path: str | None) -> str | None:
    """The ServiceUUID when it is one UUID; anything else is left out (it only completes
    the record in the case system, it decides nothing here)."""
    value = claim_at(claims, path)
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        return None


def _role(claims: dict[str, Any], path: str | None, default: str | None) -> str | None:
    raw = _one_string(claims, path, "role_invalid")
    if raw is None:
        return default
    role = raw.lower()
    if role not in ROLES:
        raise RepresentationRefused("role_invalid", f"{path}: unknown role")
    return role


def parse_digid_machtigen(claims: dict[str, Any], paths: ClaimPaths, level: str | None, today: date) -> Representation:
    """DigiD Machtigen claims -> Representation, or RepresentationRefused."""
    representee = _bsn(claims, paths.representee, "representee_missing", "representee_invalid")
    authorizee = _bsn(claims, paths.authorizee, "authorizee_missing", "authorizee_invalid")
    if representee == authorizee:
        # A mandate to oneself is a broker error; one's own cases need one's own DigiD.
        raise RepresentationRefused("representee_is_authorizee", "the same BSN on both sides")
    services = _services(claims, (paths.service, paths.service_alternative))
    valid_until = _valid_until(claims, paths.valid_until)
    if valid_until is not None and today > valid_until:
        raise RepresentationRefused("mandate_expired", "the mandate ended before this sign-in")
    return Representation(
        kind=DIGID_MACHTIGEN,
        representee_bsn=representee,
        authorizee_bsn=authorizee,
        services=services,
        level=level,
        role=_role(claims, paths.role, None),
        valid_until=valid_until,
    )


def parse_eherkenning_bewindvoering(
    claims: dict[str, Any], paths: ClaimPaths, level: str | None, today: date
) -> Representation:
    """eHerkenning bewindvoering claims -> Representation, or RepresentationRefused.

    The organisation is a KVK number or an RSIN, as its ``namequalifier`` says; without a
    qualifier an 8-digit number is a KVK number and a 9-digit one an RSIN (11-proef)."""
    organisation = _one_string(claims, paths.authorizee, "authorizee_invalid")
    if organisation is None:
        raise RepresentationRefused("authorizee_missing", f"{paths.authorizee}: missing")
    qualifier = _one_string(claims, paths.authorizee_qualifier, "authorizee_invalid")
    kvk = rsin = None
    try:
        if qualifier in KVK_QUALIFIERS or (qualifier is None and len(organisation) == 8):
            kvk = validate_kvk(organisation)
        elif qualifier in RSIN_QUALIFIERS or (qualifier is None and len(organisation) == 9):
            rsin = validate_rsin(organisation)
        else:
            raise RepresentationRefused("authorizee_invalid", f"{paths.authorizee_qualifier}: unknown qualifier")
    except InvalidIdentifier as exc:
        raise RepresentationRefused("authorizee_invalid", f"{paths.authorizee}: {exc.code}") from exc
    acting = _one_string(claims, paths.acting_subject, "acting_subject_invalid")
    if acting is None:
        # An employee must be known: the audit log has to say who at the office acted.
        raise RepresentationRefused("acting_subject_missing", f"{paths.acting_subject}: missing")
    if not acting.isprintable():
        raise RepresentationRefused("acting_subject_invalid", f"{paths.acting_subject}: not printable")
    representee = _bsn(claims, paths.representee, "representee_missing", "representee_invalid")
    branch_raw = _one_string(claims, paths.branch, "branch_invalid")
    branch = None
    if branch_raw is not None:
        try:
            branch = validate_vestigingsnummer(branch_raw)
        except InvalidIdentifier as exc:
            raise RepresentationRefused("branch_invalid", f"{paths.branch}: {exc.code}") from exc
    services = _services(claims, (paths.service, paths.service_alternative))
    valid_until = _valid_until(claims, paths.valid_until)
    if valid_until is not None and today > valid_until:
        raise RepresentationRefused("mandate_expired", "the mandate ended before this sign-in")
    return Representation(
        service_uuid=_service_uuid(claims, paths.service_alternative),
        kind=EHERKENNING_BEWINDVOERING,
        representee_bsn=representee,
        authorizee_kvk=kvk,
        authorizee_rsin=rsin,
        acting_subject=acting,
        branch_number=branch,
        services=services,
        level=level,
        role=_role(claims, paths.role, "bewindvoerder"),
        valid_until=valid_until,
    )


# -- Open Zaak's mandate recipe (docs/client-development/mandate.rst) ---------------------------

# Our level names as the authenticatieContext's levelOfAssurance (SAML / eTOEGANG URIs).
LEVEL_URIS = {
    "basis": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport",
    "midden": "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
    "substantieel": "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard",
    "hoog": "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI",
    "EH2": "urn:etoegang:core:assurance-class:loa2",
    "EH2+": "urn:etoegang:core:assurance-class:loa2plus",
    "EH3": "urn:etoegang:core:assurance-class:loa3",
    "EH4": "urn:etoegang:core:assurance-class:loa4",
}


def gemachtigde_rol(mandate: Representation, zaak_url: str, roltype_url: str, acting_name: str = "") -> dict[str, Any]:
    """The representative's rol for the Zaken API, in the shape of Open Zaak's mandate
    recipe: ``indicatieMachtiging`` "gemachtigde" and the authentication context with the
    person represented and the mandated services (DigiD: a natuurlijk_persoon; eHerkenning:
    the office as niet_natuurlijk_persoon or vestiging, the employee as contactpersoonRol)."""
    services: list[dict[str, str]] = [{"id": service} for service in mandate.services]
    if mandate.kind == EHERKENNING_BEWINDVOERING:
        # Open Zaak wants the ServiceUUID next to each eHerkenning ServiceID.
        for service in services:
            known = mandate.service_uuid or _as_uuid(service["id"])
            if known:
                service["uuid"] = known
    context: dict[str, Any] = {
        "source": "digid" if mandate.kind == DIGID_MACHTIGEN else "eherkenning",
        "levelOfAssurance": LEVEL_URIS.get(mandate.level or "", ""),
        "representee": {"identifierType": "bsn", "identifier": mandate.representee_bsn},
        "mandate": {"services": services},
    }
    rol: dict[str, Any] = {
        "zaak": zaak_url,
        "roltype": roltype_url,
        "roltoelichting": "Gemachtigde (via Mijn Zaken)",
        "indicatieMachtiging": "gemachtigde",
    }
    if mandate.kind == DIGID_MACHTIGEN:
        rol["betrokkeneType"] = "natuurlijk_persoon"
        rol["betrokkeneIdentificatie"] = {"inpBsn": mandate.authorizee_bsn}
    else:
        context["actingSubject"] = mandate.acting_subject
        if mandate.role:
            context["mandate"]["role"] = mandate.role
        rol["contactpersoonRol"] = {"naam": acting_name or (mandate.acting_subject or "")[:200]}
        if mandate.branch_number:
            rol["betrokkeneType"] = "vestiging"
            rol["betrokkeneIdentificatie"] = {
                "kvkNummer": mandate.authorizee_kvk,
                "vestigingsNummer": mandate.branch_number,
            }
        else:
            rol["betrokkeneType"] = "niet_natuurlijk_persoon"
            rol["betrokkeneIdentificatie"] = (
                {"kvkNummer": mandate.authorizee_kvk}
                if mandate.authorizee_kvk
                else {"innNnpId": mandate.authorizee_rsin}
            )
    rol["authenticatieContext"] = context
    return rol


def _as_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def machtiginggever_rol(mandate: Representation, zaak_url: str, roltype_url: str) -> dict[str, Any]:
    """The represented person's rol next to the representative's, as Open Zaak's recipe and
    its API documentation ask ("you should also create an additional rol with
    omschrijvingGeneriek belanghebbende and indicatieMachtiging machtiginggever"). The
    initiator's own rol is left as it is: that person started the case themselves."""
    return {
        "zaak": zaak_url,
        "roltype": roltype_url,
        "roltoelichting": "Machtiginggever (via Mijn Zaken)",
        "indicatieMachtiging": "machtiginggever",
        "betrokkeneType": "natuurlijk_persoon",
        "betrokkeneIdentificatie": {"inpBsn": mandate.representee_bsn},
    }


def is_gemachtigde_rol(rol: dict[str, Any], mandate: Representation) -> bool:
    """This rol (as the Zaken API returns it) records this representative as gemachtigde:
    a rol that is there already counts as done (never a second one)."""
    if rol.get("indicatieMachtiging") != "gemachtigde":
        return False
    ident = rol.get("betrokkeneIdentificatie")
    if not isinstance(ident, dict):
        return False
    context = rol.get("authenticatieContext")
    representee = context.get("representee") if isinstance(context, dict) else None
    if isinstance(representee, dict) and representee.get("identifier") not in (None, mandate.representee_bsn):
        return False  # the same representative for someone else on this zaak
    kind = rol.get("betrokkeneType")
    if mandate.kind == DIGID_MACHTIGEN:
        return kind == "natuurlijk_persoon" and ident.get("inpBsn") == mandate.authorizee_bsn
    if kind == "vestiging":
        return (
            mandate.branch_number is not None
            and ident.get("kvkNummer") == mandate.authorizee_kvk
            and ident.get("vestigingsNummer") == mandate.branch_number
        )
    if kind == "niet_natuurlijk_persoon" and mandate.branch_number is None:
        if mandate.authorizee_kvk:
            return ident.get("kvkNummer") == mandate.authorizee_kvk
        return ident.get("innNnpId") == mandate.authorizee_rsin
    return False


def is_machtiginggever_rol(rol: dict[str, Any], mandate: Representation) -> bool:
    """This rol records the represented person as machtiginggever on the zaak."""
    ident = rol.get("betrokkeneIdentificatie")
    return (
        rol.get("indicatieMachtiging") == "machtiginggever"
        and rol.get("betrokkeneType") == "natuurlijk_persoon"
        and isinstance(ident, dict)
        and ident.get("inpBsn") == mandate.representee_bsn
    )
