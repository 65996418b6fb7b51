"""Register a new case (the portal as the case store, or a case system pushing one in
through the API), with its applicant, first step and acknowledgement."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from portal import clock
from portal.domain.identifiers import validate_bsn, validate_kvk, validate_vestigingsnummer
from portal.i18n import _, format_date
from portal.models import Case, CaseType, Role, StatusHistory, StatusType
from portal.services.changes.base import (
    Actor,
    ChangeRefused,
    audit,
    both_languages,
    check_not_future,
    id_of,
    lock_case,
    notify_applicants,
    one_transaction,
)
from portal.services.deadlines import refresh_legal_deadline

NUMBER = re.compile(r"[A-Za-z0-9-]{1,40}")
MAX_TITLE = 300
OLDEST_YEARS = 10  # a request received longer ago than this is a typing error
ROLE_FOR_PARTY = ("initiator", "mede_initiator", "belanghebbende")


def check_party(bsn: str | None, kvk: str | None, branch: str | None) -> tuple[str | None, str | None, str | None]:
    """Exactly one of a valid BSN or a valid KVK number (with an optional branch number)."""
    if bool(bsn) == bool(kvk):
        raise ChangeRefused("bsn", "Enter a BSN for a person or a KVK number for a business (one of the two).")
    try:
        if bsn:
            return validate_bsn(bsn), None, None
        return None, validate_kvk(kvk or ""), validate_vestigingsnummer(branch) if branch else None
    except ValueError:
        field = "bsn" if bsn else ("kvk" if not branch else "branch_number")
        raise ChangeRefused(field, "This number is not valid. Check it and try again.") from None


def _next_number(db: Session, today: date) -> str:
    prefix = f"ZAAK-{today.year}-"
    count = db.exec(select(func.count()).select_from(Case).where(Case.number.startswith(prefix))).one()
    number = count + 1
    while db.exec(select(Case.id).where(Case.number == f"{prefix}{number:07d}")).first() is not None:
        number += 1
    return f"{prefix}{number:07d}"


def create_case(
    db: Session,
    actor: Actor,
    *,
    case_type_code: str,
    title_nl: str,
    title_en: str = "",
    received_on: date | None,
    bsn: str | None = None,
    kvk: str | None = None,
    branch_number: str | None = None,
    display_name: str = "",
    address: str = "",
    number: str | None = None,
    today: date | None = None,
) -> Case:
    today = today or clock.today()
    with one_transaction(db):
        case_type = db.exec(select(CaseType).where(CaseType.code == (case_type_code or ""))).first()
        if case_type is None:
            raise ChangeRefused("case_type", "This kind of case does not exist.")
        title_nl, title_en = (title_nl or "").strip(), (title_en or "").strip()
        if not title_nl:
            raise ChangeRefused("title_nl", "Enter what the case is about.")
        if len(title_nl) > MAX_TITLE or len(title_en) > MAX_TITLE or len(address) > MAX_TITLE:
            raise ChangeRefused("title_nl", "The text is too long: use at most %(max)s characters.", max=MAX_TITLE)
        if received_on is None:
            raise ChangeRefused("received_on", "Enter the day we received the request.")
        check_not_future(received_on, today, "received_on")
        if received_on < today - timedelta(days=365 * OLDEST_YEARS):
            raise ChangeRefused("received_on", "This date is too long ago. Check the date.")
        bsn, kvk, branch_number = check_party(bsn, kvk, branch_number)
        if number is not None:
            if not NUMBER.fullmatch(number):
                raise ChangeRefused("number", "A case number has at most 40 letters, digits and dashes.")
            if db.exec(select(Case.id).where(Case.number == number)).first() is not None:
                raise ChangeRefused("number", "A case with this number already exists.")
        first = db.exec(
            select(StatusType).where(col(StatusType.case_type_id) == case_type.id).order_by(col(StatusType.order))
        ).first()
        case = Case(
            number=number or _next_number(db, today),
            case_type_id=id_of(case_type),
            organisation_id=case_type.organisation_id,
            title_nl=title_nl,
            title_en=title_en or title_nl,
            address=address.strip(),
            received_on=received_on,
            current_status_id=first.id if first else None,
        )
        db.add(case)
        db.flush()
        case_id = id_of(case)
        db.add(
            Role(
                case_id=case_id,
                role_type="initiator",
                bsn=bsn,
                kvk=kvk,
                branch_number=branch_number,
                display_name=display_name.strip()[:200],
            )
        )
        if first is not None:
            db.add(StatusHistory(case_id=case_id, status_type_id=id_of(first), set_by_employee_id=actor.employee_id))
        db.flush()
        result = refresh_legal_deadline(db, case, today)
        subject = both_languages(lambda: _("We have received your request (%(number)s)", number=case.number))
        body = both_languages(
            lambda: _(
                "We have received your request. Your case number is %(number)s. We will decide by %(date)s at the latest.",
                number=case.number,
                date=format_date(result.deadline),
            )
        )
        notify_applicants(db, case, actor, kind="acknowledgement", subject=subject, body=body, action="create")
        audit(db, actor, "case.create", "case", case.number, {"case_type": case_type.code, "version": case.version})
    return case


def add_party(
    db: Session,
    actor: Actor,
    case_id: int,
    version: int,
    *,
    role_type: str,
    bsn: str | None = None,
    kvk: str | None = None,
    branch_number: str | None = None,
    display_name: str = "",
) -> Role:
    with one_transaction(db):
        case, _case_type = lock_case(db, actor, case_id, version)
        if role_type not in ROLE_FOR_PARTY:
            raise ChangeRefused("role_type", "Choose the party's role: initiator, mede_initiator or belanghebbende.")
        bsn, kvk, branch_number = check_party(bsn, kvk, branch_number)
        duplicate = db.exec(
            select(Role.id).where(
                Role.case_id == case.id, Role.role_type == role_type, Role.bsn == bsn if bsn else Role.kvk == kvk
            )
        ).first()
        if duplicate is not None:
            raise ChangeRefused("bsn" if bsn else "kvk", "This party already has this role in the case.")
        role = Role(
            case_id=id_of(case),
            role_type=role_type,
            bsn=bsn,
            kvk=kvk,
            branch_number=branch_number,
            display_name=(display_name or "").strip()[:200],
        )
        db.add(role)
        db.flush()
        audit(
            db,
            actor,
            "case.add_party",
            "case",
            case.number,
            {"role_id": role.id, "role_type": role_type, "version": case.version},
        )
    return role
