"""Who may see what: the one home of the access rules every service uses.

Authorisation lives in the WHERE clause of every query, never in a later check, so a
wrong number or someone else's number simply finds nothing (the same 404 as a number
that does not exist).

Who sees which case:

* A resident (DigiD) sees cases where a Role carries their BSN -- not a Role as someone
  else's representative (``Role.mandate`` "gemachtigde", ZGW indicatieMachtiging): with
  their own login a representative does not see the cases they acted on for someone.
* A business (eHerkenning) sees cases where a Role carries their KVK number. A login for
  the whole company (no branch number) sees every branch's cases. A login for one
  branch (vestigingsnummer) sees that branch's cases plus the company-level cases that
  name no branch -- those concern the whole company, so every branch may see them --
  but not the cases of the company's other branches.
* Only case types marked public (ZGW indicatieInternOfExtern = extern) are shown.
* Only cases whose ``confidentiality`` (ZGW vertrouwelijkheidaanduiding) is on the one
  allow-list for zaken and documents (``PORTAL_ZGW_CONFIDENTIALITY``, by default
  openbaar, beperkt_openbaar and zaakvertrouwelijk; ``portal.domain.confidentiality``)
  are shown. The sync does not store a zaak above it; this is the second line of defence,
  so a secret case is missing from every list, count, message and page (404). Cases the
  portal keeps itself are zaakvertrouwelijk unless set otherwise.

Everything else follows from the case:

* a **message** (notice) is visible when it is addressed to the principal (same branch
  rule) and is about no case or about a case they may see;
* a **document** or **document request** is visible with its case;
* a **callback request** and a **feedback answer** are visible to their submitter only
  (``Principal.submitter_key``): one branch's phone number is not another branch's;
* a **permit** is a granted case of a permit type, so the case rule applies.

Acting for someone else (issue 20; ``Principal.representation``): the principal's BSN is
the represented person's, so the rules above find their cases -- never the representative's
own. On top of that only the case types mapped to the mandated services (the
``PORTAL_REPRESENTATION_SERVICES`` catalogue setting, resolved at sign-in) are visible,
messages only when they are about such a case, and nothing once the mandate's last day has
passed. A case on which the case system names the representative as ``gemachtigde``
(``Role.mandate``, ZGW indicatieMachtiging) is visible too: they acted for the person there. The level rule below uses the representative's own login level.

The sign-in level rule: a case type may require a minimum level (Wmo and bijstand
require DigiD 'substantieel' or eHerkenning EH3). Lists show such cases with a note;
their details -- the case page, its messages, and acting on them (upload, callback,
feedback, marking a message read) -- need the level. ``level_allows`` is that rule.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, exists, false, or_
from sqlmodel import Session, col, select

from portal.auth.principal import Principal, level_rank
from portal.clock import today
from portal.config import get_settings
from portal.db import among, any_row, like_escaped
from portal.domain.confidentiality import HIGHEST_SHAREABLE, levels_up_to
from portal.models import CallbackRequest, Case, CaseListing, CaseListingCount, CaseType, Feedback, Notice, Role
from portal.models.listing import party_in_search_index, party_key

__all__ = [
    "AssuranceTooLow",
    "CaseAccess",
    "callbacks_of",
    "counted_for",
    "counted_for_shape",
    "listed_for_shape",
    "notices_for_shape",
    "feedback_of",
    "find_case",
    "level_allows",
    "notices_for",
    "owned_by",
    "PrincipalShape",
    "principal_parameters",
    "principal_shape",
    "visible_notices_of_shape",
    "shared_confidentiality",
    "valid_case_number",
    "among_owned",
    "join_notice_cases",
    "listed_for",
    "mandate_ended",
    "one_visible_case",
    "visible_cases",
    "visible_cases_of_shape",
    "visible_notices",
    "counted_notices",
    "counted_notices_of_shape",
    "public_types",
]


# A BSN, KVK or branch number: a value, or a bind parameter in a statement built once.
PartyValue = str | BindParameter[str] | None


class AssuranceTooLow(Exception):
    """Signed in, but at a lower level than this case type requires. Answered with a page
    that explains why and offers to sign in again at the right level (portal/errors.py)."""

    def __init__(self, required_level: str | None) -> None:
        super().__init__(required_level)
        self.required_level = required_level


def level_allows(principal: Principal, required_level: str | None) -> bool:
    """Acting for someone else (issue 20; ``Principal.representation``): the principal's BSN is
    the represented person's, so the rules above find their cases -- never the representative's
    own. On top of that only the case types mapped to the mandated services (the
    ``PORTAL_REPRESENTATION_SERVICES`` catalogue setting, resolved at sign-in) are visible,
    messages only when they are about such a case, and nothing once the mandate's last day has
    passed. The level rule below uses the representative's own login level.

    The sign-in level rule: no requirement, or the principal's level is at least it
        (DigiD and eHerkenning levels compared on one scale, see ``portal.auth.principal``)."""
    return required_level is None or level_rank(principal.level) >= level_rank(required_level)


def mandate_ended(principal: Principal) -> bool:
    """Acting for someone whose mandate has ended (its last day has passed)."""
    return principal.representation is not None and principal.representation.expired(today())


def _mandated(principal: Principal, case_id: Any = None, case_type_id: Any = None) -> ColumnElement[bool] | None:
    """SQL condition on Case (or on the listing, given its columns): its type is one the
    mandate covers; None when not representing."""
    case_id = col(Case.id) if case_id is None else case_id
    case_type_id = col(Case.case_type_id) if case_type_id is None else case_type_id
    mandate = principal.representation
    if mandate is None:
        return None
    if mandate.expired(today()):
        return false()
    conditions: list[ColumnElement[bool]] = []
    if mandate.case_types:
        conditions.append(case_type_id.in_(select(col(CaseType.id)).where(col(CaseType.code).in_(mandate.case_types))))
    # The case system names this representative as gemachtigde on the case (Open Zaak's
    # mandate recipe, Rol.indicatieMachtiging): they acted for the person there, so they see it.
    representative: ColumnElement[bool] | None = None
    if mandate.authorizee_bsn:
        representative = col(Role.bsn) == mandate.authorizee_bsn
    elif mandate.authorizee_kvk:
        representative = col(Role.kvk) == mandate.authorizee_kvk
    if representative is not None:
        conditions.append(
            exists().where(col(Role.case_id) == case_id, representative, col(Role.mandate) == "gemachtigde")
        )
    return or_(*conditions) if conditions else false()


def _party(principal: Principal) -> ColumnElement[bool] | None:
    """SQL condition on Role: it names this principal (see module docstring)."""
    return _party_of(principal.kind, principal.bsn or None, principal.kvk or None, principal.branch_number or None)


def _party_of(kind: str, bsn: PartyValue, kvk: PartyValue, branch_number: PartyValue) -> ColumnElement[bool] | None:
    """The rule of ``_party``, for values or for bind parameters (a statement built once
    for every principal of one shape, see ``principal_shape``)."""
    party: ColumnElement[bool]
    # A rol as someone's representative (indicatieMachtiging gemachtigde) is not one's own:
    # it shows the case only while acting for that person, under the mandate (``_mandated``).
    own = col(Role.mandate) != "gemachtigde"
    if kind == "resident" and bsn is not None:
        return and_(col(Role.bsn) == bsn, own)
    if kind == "business" and kvk is not None:
        party = and_(col(Role.kvk) == kvk, own)
        if branch_number is not None:
            party = and_(party, or_(col(Role.branch_number) == branch_number, col(Role.branch_number).is_(None)))
        return party
    return None


def owned_by(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: the case has a role that names this principal. Correlated per case:
    the right form for one case (a case page, a message about a case)."""
    party = _party(principal)
    if party is None:
        return false()
    owned = exists().where(col(Role.case_id) == col(Case.id), party)
    mandated = _mandated(principal)
    return owned if mandated is None else and_(owned, mandated)


def among_owned(principal: Principal) -> ColumnElement[bool]:
    """The same rule as ``owned_by``, in the form for lists: the principal's case ids are
    collected first from the role index, then only those cases are read. (As a correlated
    EXISTS, PostgreSQL hashes and scans every case in the table -- about 30 ms per query
    at 100,000 cases and ten times that at a million; this way it costs what the
    principal's own cases cost. See ``portal.db.among``.)"""
    party = _party(principal)
    if party is None:
        return false()
    owned = among(col(Case.id), select(col(Role.case_id)).where(party).scalar_subquery())
    mandated = _mandated(principal)
    return owned if mandated is None else and_(owned, mandated)


def _listed_party(principal: Principal, by_search_index: bool = False) -> list[ColumnElement[bool]] | None:
    """SQL conditions on the listing: the row is this principal's (see module docstring)."""
    if principal.kind == "resident" and principal.bsn:
        return _listed_party_of(party_key(bsn=principal.bsn), None, by_search_index)
    if principal.kind == "business" and principal.kvk:
        return _listed_party_of(party_key(kvk=principal.kvk), _branch_pattern(principal.branch_number), by_search_index)
    return None


def _branch_pattern(branch_number: str | None) -> str | None:
    """LIKE pattern for a listing row's ``branches`` (",b1,b2,") that names this branch."""
    if not branch_number:
        return None
    escaped = branch_number.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%,{escaped},%"


def _listed_party_of(
    party: PartyValue, branch_pattern: PartyValue, by_search_index: bool = False
) -> list[ColumnElement[bool]]:
    """The rule of ``_listed_party`` for values or bind parameters: the party's rows; for a
    branch login only those of its branch and those naming no branch. ``by_search_index``:
    the party as the search's trigram index keys it (``party_in_search_index``), for a
    search that only that index can serve; the rows are the same."""
    party_column = party_in_search_index() if by_search_index else col(CaseListing.party)
    conditions = [party_column == party]
    if branch_pattern is not None:
        conditions.append(
            or_(col(CaseListing.company_wide).is_(True), like_escaped(col(CaseListing.branches), branch_pattern))
        )
    return conditions


def listed_for(principal: Principal, by_search_index: bool = False) -> list[ColumnElement[bool]]:
    """The same rule as ``owned_by``, on the case listing (``portal.models.listing``): the
    principal's rows of it, for lists and counts that must not read every case of a large
    business. The party is the first column of the listing's indexes; a branch login (see
    the module docstring) keeps the rows of its branch and those naming no branch. A
    representative's mandate is checked on the row's case type and, for the gemachtigde
    rule, on the case's roles, as ``owned_by`` does. ``by_search_index``: see
    ``_listed_party_of``. The party's condition comes first: a search's window reads the
    party's rows by it and checks the others on the rows the text matches
    (``overview._candidates``)."""
    conditions = _listed_party(principal, by_search_index)
    if conditions is None:
        return [false()]
    conditions.append(col(CaseListing.confidentiality).in_(sorted(get_settings().zgw_allowed_confidentiality)))
    mandated = _mandated(principal, col(CaseListing.case_id), col(CaseListing.case_type_id))
    if mandated is not None:
        conditions.append(mandated)
    return conditions


# The confidentiality allow-list is a setting, so statements built once per shape bind it.
# It holds at most the levels up to zaakvertrouwelijk, so it is bound as that many plain
# parameters (unused places repeat a level of the list) rather than one "expanding"
# parameter: SQLAlchemy renders an expanding IN into the statement's text again on every
# execution, about 45 µs of CPU per statement (issue 22).
_ALLOWED_SLOTS = tuple(f"allowed_confidentiality_{place}" for place in range(len(levels_up_to(HIGHEST_SHAREABLE))))


def _allowed(column: Any) -> ColumnElement[bool]:
    """``column`` holds a level of the allow-list (bound by ``allowed_parameters``)."""
    held: ColumnElement[bool] = column.in_([bindparam(name) for name in _ALLOWED_SLOTS])
    return held


def allowed_parameters() -> dict[str, str]:
    """The allow-list's levels as the bind parameters of ``_allowed``."""
    allowed = sorted(get_settings().zgw_allowed_confidentiality)
    if not 0 < len(allowed) <= len(_ALLOWED_SLOTS):  # parse_allow_list guarantees this
        raise ValueError(f"an allow-list of {len(allowed)} levels")
    return {name: allowed[min(place, len(allowed) - 1)] for place, name in enumerate(_ALLOWED_SLOTS)}


def listed_for_shape(shape: PrincipalShape, by_search_index: bool = False) -> list[ColumnElement[bool]]:
    """``listed_for`` with bind parameters (``principal_parameters``), for a statement built
    once per shape of login."""
    _kind, one_branch = shape
    conditions = _listed_party_of(
        bindparam("principal_party"), bindparam("principal_branch_pattern") if one_branch else None, by_search_index
    )
    conditions.append(_allowed(col(CaseListing.confidentiality)))
    return conditions


def counted_for_shape(shape: PrincipalShape) -> list[ColumnElement[bool]] | None:
    """``counted_for`` with bind parameters; None for a branch login (it counts rows)."""
    _kind, one_branch = shape
    if one_branch:
        return None
    return [
        col(CaseListingCount.party) == bindparam("principal_party"),
        _allowed(col(CaseListingCount.confidentiality)),
        col(CaseListingCount.cases) > 0,
    ]


def notices_for_shape(shape: PrincipalShape) -> ColumnElement[bool]:
    """``notices_for`` with bind parameters."""
    kind, one_branch = shape
    return _notices_for(
        kind,
        bindparam("principal_bsn") if kind == "resident" else None,
        bindparam("principal_kvk") if kind == "business" else None,
        bindparam("principal_branch") if one_branch else None,
    )


def counted_for(principal: Principal) -> list[ColumnElement[bool]] | None:
    """The ``listed_for`` rule on the listing's counts (``CaseListingCount``), or None when
    the counts cannot answer it: they are per party, so a branch login (which sees some of
    the company's cases) and a representative (whose mandate covers some case types and
    cases) count their listing rows instead."""
    if principal.representation is not None:
        return None
    if principal.kind == "resident" and principal.bsn:
        party = party_key(bsn=principal.bsn)
    elif principal.kind == "business" and principal.kvk and not principal.branch_number:
        party = party_key(kvk=principal.kvk)
    else:
        return None
    return [
        col(CaseListingCount.party) == party,
        col(CaseListingCount.confidentiality).in_(sorted(get_settings().zgw_allowed_confidentiality)),
        col(CaseListingCount.cases) > 0,
    ]


def notices_for(principal: Principal) -> ColumnElement[bool]:
    """SQL condition: a notice addressed to this principal (same branch rule as cases)."""
    return _notices_for(principal.kind, principal.bsn or None, principal.kvk or None, principal.branch_number or None)


def _notices_for(kind: str, bsn: PartyValue, kvk: PartyValue, branch_number: PartyValue) -> ColumnElement[bool]:
    if kind == "resident" and bsn is not None:
        return col(Notice.recipient_bsn) == bsn
    if kind == "business" and kvk is not None:
        condition: ColumnElement[bool] = col(Notice.recipient_kvk) == kvk
        if branch_number is not None:
            condition = and_(
                condition,
                or_(col(Notice.recipient_branch) == branch_number, col(Notice.recipient_branch).is_(None)),
            )
        return condition
    return false()


def shared_confidentiality() -> ColumnElement[bool]:
    """SQL condition: the case's vertrouwelijkheidaanduiding is on the allow-list."""
    return col(Case.confidentiality).in_(sorted(get_settings().zgw_allowed_confidentiality))


def visible_cases(principal: Principal, *, listing: bool = False) -> Any:
    """``select(Case, CaseType)`` limited to the cases this principal may see; ``listing``
    for a query that reads many of them (see ``among_owned``)."""
    return (
        select(Case, CaseType)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(
            among_owned(principal) if listing else owned_by(principal),
            col(CaseType.is_public).is_(True),
            shared_confidentiality(),
        )
    )


@functools.cache
def visible_cases_of_shape(shape: PrincipalShape) -> Any:
    """``visible_cases(principal)`` (the correlated form, for one case) with bind parameters
    (``principal_parameters``) instead of one principal's values: built once per shape,
    which is most of what finding one case cost in Python."""
    kind, one_branch = shape
    party = _party_of(
        kind,
        bindparam("principal_bsn") if kind == "resident" else None,
        bindparam("principal_kvk") if kind == "business" else None,
        bindparam("principal_branch") if one_branch else None,
    )
    if party is None:  # (a shape always names a party)
        raise ValueError(f"no party for {shape}")
    return (
        select(Case, CaseType)
        .join(CaseType, col(CaseType.id) == col(Case.case_type_id))
        .where(
            exists().where(col(Role.case_id) == col(Case.id), party),
            col(CaseType.is_public).is_(True),
            _allowed(col(Case.confidentiality)),
        )
    )


def visible_notices(principal: Principal) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """Conditions: addressed to the principal, and about no case or about one of theirs.
    The query must outer-join the message's Case and CaseType (``join_notice_cases``).
    The listing row is looked up per message, so counting five unread messages looks at
    five cases, not at every case the business has."""
    party = _listed_party(principal)
    if party is None:
        return false(), false()
    addressed, about_theirs = _notices_of(
        notices_for(principal), party, col(Case.confidentiality).in_(sorted(get_settings().zgw_allowed_confidentiality))
    )
    mandated = _mandated(principal)
    if mandated is not None:
        # A representative reads messages about the mandated cases only, not the person's
        # other post (general messages, other cases).
        return addressed, and_(col(Notice.case_id).is_not(None), about_theirs, mandated)
    return addressed, or_(col(Notice.case_id).is_(None), about_theirs)


def _notices_of(
    addressed: ColumnElement[bool], party: list[ColumnElement[bool]], allowed: ColumnElement[bool]
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(addressed to the principal, about a case that is theirs), for values or bind parameters."""
    # The message's case is the principal's: one primary-key lookup in the listing per
    # message, written as a scalar sub-query so that PostgreSQL does it per message
    # instead of hashing all the principal's cases (5,000 for a large business).
    theirs = any_row(*party, col(CaseListing.case_id) == col(Notice.case_id))
    return addressed, and_(col(CaseType.is_public).is_(True), allowed, theirs)


PrincipalShape = tuple[str, bool]


def principal_shape(principal: Principal) -> PrincipalShape | None:
    """What a statement built once with bind parameters depends on: the kind of login and
    whether it is for one branch. None when the rules need more than that (acting for
    someone else: the mandate's case types and end date), or when nothing is visible."""
    if principal.representation is not None:
        return None
    if principal.kind == "resident" and principal.bsn:
        return ("resident", False)
    if principal.kind == "business" and principal.kvk:
        return ("business", bool(principal.branch_number))
    return None


def principal_parameters(principal: Principal) -> dict[str, Any]:
    """The bind parameters of a statement built for ``principal_shape(principal)``, plus the
    confidentiality allow-list (a setting, so bound too)."""
    return {
        "principal_bsn": principal.bsn,
        "principal_kvk": principal.kvk,
        "principal_party": party_key(bsn=principal.bsn)
        if principal.kind == "resident"
        else party_key(kvk=principal.kvk),
        "principal_branch": principal.branch_number,
        "principal_branch_pattern": _branch_pattern(principal.branch_number),
        **allowed_parameters(),
    }


def visible_notices_of_shape(shape: PrincipalShape) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """``visible_notices`` with bind parameters (``principal_parameters``) instead of one
    principal's values, for a statement built once per shape."""
    kind, one_branch = shape
    branch: PartyValue = bindparam("principal_branch") if one_branch else None
    addressed = _notices_for(
        kind,
        bindparam("principal_bsn") if kind == "resident" else None,
        bindparam("principal_kvk") if kind == "business" else None,
        branch,
    )
    party = _listed_party_of(
        bindparam("principal_party"), bindparam("principal_branch_pattern") if one_branch else None
    )
    allowed = _allowed(col(Case.confidentiality))
    addressed, about_theirs = _notices_of(addressed, party, allowed)
    return addressed, or_(col(Notice.case_id).is_(None), about_theirs)


def counted_notices(principal: Principal) -> list[ColumnElement[bool]]:
    """The rule of ``visible_notices`` on the message and the case listing alone, for a
    count (the header's unread messages): nothing to join. The listing row carries the
    case's type and confidentiality, and the overview shows a case by that same row
    (``listed_for``), so a message counts exactly when its case is in the person's list."""
    if _listed_party(principal) is None:
        return [false()]
    return _counted_notices(notices_for(principal), listed_for(principal), principal.representation is not None)


def counted_notices_of_shape(shape: PrincipalShape) -> list[ColumnElement[bool]]:
    """``counted_notices`` with bind parameters (``principal_parameters``)."""
    return _counted_notices(notices_for_shape(shape), listed_for_shape(shape), mandated=False)


def _counted_notices(
    addressed: ColumnElement[bool], listed: list[ColumnElement[bool]], mandated: bool
) -> list[ColumnElement[bool]]:
    # One lookup of the message's case in the listing per message, a scalar sub-query
    # (as ``_notices_of``), which holds the whole rule: with the case and its type joined
    # as well, each message read three indexes instead of one (issue 22: the count was
    # two thirds of the PostgreSQL time of a business's overview).
    theirs = any_row(
        *listed,
        among(col(CaseListing.case_type_id), public_types().scalar_subquery()),
        col(CaseListing.case_id) == col(Notice.case_id),
    )
    if mandated:  # a representative reads messages about the mandated cases only (``visible_notices``)
        return [addressed, col(Notice.case_id).is_not(None), theirs]
    return [addressed, or_(col(Notice.case_id).is_(None), theirs)]


def public_types() -> Any:
    """The ids of the public case types: for a sub-query that PostgreSQL looks up once (an
    InitPlan under ``among``), instead of joining the types to every row it filters."""
    return select(col(CaseType.id)).where(col(CaseType.is_public).is_(True))


def join_notice_cases(query: Any) -> Any:
    """Outer-join a notice query to the message's case and case type (see ``visible_notices``)."""
    return query.outerjoin(Case, col(Case.id) == col(Notice.case_id)).outerjoin(
        CaseType, col(CaseType.id) == col(Case.case_type_id)
    )


def callbacks_of(principal: Principal, case_id: int | None) -> ColumnElement[bool]:
    """Condition: this principal's own callback requests about this case."""
    return callbacks_by(principal.submitter_key, case_id)


def callbacks_by(submitter: Any, case_id: Any) -> ColumnElement[bool]:
    """``callbacks_of`` with the submitter's key and the case id as values or bind parameters."""
    return and_(col(CallbackRequest.case_id) == case_id, col(CallbackRequest.submitter) == submitter)


def feedback_of(principal: Principal, case_id: int | None) -> ColumnElement[bool]:
    """Condition: this principal's own feedback answers about this case."""
    return feedback_by(principal.submitter_key, case_id)


def feedback_by(submitter: Any, case_id: Any) -> ColumnElement[bool]:
    """``feedback_of`` with the submitter's key and the case id as values or bind parameters."""
    return and_(col(Feedback.case_id) == case_id, col(Feedback.submitter) == submitter)


_CASE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,40}")


def valid_case_number(number: str | None) -> bool:
    """A case number can only be letters, digits and hyphens (anything else finds nothing)."""
    return bool(_CASE_NUMBER.fullmatch(number or ""))


@dataclass(frozen=True)
class CaseAccess:
    """A case the principal may see, its type, and whether their level opens its details."""

    case: Case
    case_type: CaseType
    level_ok: bool

    def require_level(self) -> CaseAccess:
        """Raises AssuranceTooLow when the details need a higher sign-in level."""
        if not self.level_ok:
            raise AssuranceTooLow(self.case_type.min_assurance)
        return self


@functools.cache
def _one_case_of_shape(shape: PrincipalShape) -> Any:
    return visible_cases_of_shape(shape).where(col(Case.number) == bindparam("case_number"))


def one_visible_case(principal: Principal) -> tuple[Any, dict[str, Any]]:
    """``visible_case_query`` narrowed to one case number (the parameter ``case_number``)."""
    shape = principal_shape(principal)
    if shape is None:
        return visible_cases(principal).where(col(Case.number) == bindparam("case_number")), {}
    return _one_case_of_shape(shape), principal_parameters(principal)


def find_case(db: Session, principal: Principal, number: str) -> CaseAccess | None:
    """The case with this number, only if the principal may see it (one query); None for
    a malformed number, an unknown one and someone else's alike."""
    if not valid_case_number(number):
        return None
    query, parameters = one_visible_case(principal)
    found = db.exec(query, params={**parameters, "case_number": number}).first()
    if found is None:
        return None
    case, case_type = found
    return CaseAccess(case, case_type, level_allows(principal, case_type.min_assurance))
