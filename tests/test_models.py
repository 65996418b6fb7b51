"""Bad identifiers and unknown codes are refused at the model boundary, with a message
that says what is wrong (and never echoes a BSN into a log)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from portal.domain.identifiers import InvalidIdentifier
from portal.models import Case, Organisation, Role


@pytest.mark.parametrize(
    ("field", "value", "code", "message"),
    [
        ("bsn", "123456789", "bsn_invalid", "Not a valid BSN (9 digits, 11-proef)."),  # fails the 11-proef
        ("bsn", "12345678", "bsn_invalid", "Not a valid BSN (9 digits, 11-proef)."),  # 8 digits
        ("bsn", "000000000", "bsn_invalid", "Not a valid BSN (9 digits, 11-proef)."),
        ("bsn", "１２３４５６７８２", "bsn_invalid", "Not a valid BSN (9 digits, 11-proef)."),  # full-width digits
        ("kvk", "1234567", "kvk_invalid", "Not a valid KVK number (8 digits)."),
        ("kvk", "1234567a", "kvk_invalid", "Not a valid KVK number (8 digits)."),
        ("branch_number", "12345678", "vestiging_invalid", "Not a valid vestigingsnummer (12 digits)."),
        ("branch_number", "000000000000", "vestiging_invalid", "Not a valid vestigingsnummer (12 digits)."),
    ],
)
def test_role_refuses_bad_identifiers(field, value, code, message):
    with pytest.raises(InvalidIdentifier) as raised:
        Role(case_id=1, role_type="initiator", **{field: value})
    assert raised.value.code == code
    assert str(raised.value) == message
    assert value not in str(raised.value)  # the number itself stays out of logs


def test_changing_an_identifier_later_is_checked_too():
    role = Role(case_id=1, role_type="initiator", bsn="123456782")
    with pytest.raises(InvalidIdentifier, match="Not a valid BSN"):
        role.bsn = "123456780"
    assert role.bsn == "123456782"


def test_identifiers_are_stored_without_the_separators_people_type():
    role = Role(case_id=1, role_type="initiator", bsn="1234.56.782", kvk="1234 5678", branch_number="0000-1234-5678")
    assert (role.bsn, role.kvk, role.branch_number) == ("123456782", "12345678", "000012345678")


@pytest.mark.parametrize("rsin", ["001234561", "12345678", "abcdefghi", ""])
def test_organisation_refuses_a_bad_rsin(rsin):
    with pytest.raises(InvalidIdentifier, match=r"Not a valid RSIN \(9 digits, 11-proef\)\.") as raised:
        Organisation(
            name="Gemeente X",
            rsin=rsin,
            phone="14 0000",
            email="x@example.org",
            visiting_address="x",
            postal_address="x",
        )
    assert raised.value.code == "rsin_invalid"


def test_unknown_role_type_is_refused():
    with pytest.raises(ValueError, match="Unknown role type 'eigenaar'"):
        Role(case_id=1, role_type="eigenaar", bsn="123456782")


@pytest.mark.parametrize("level", ["secret", "Openbaar", ""])
def test_unknown_confidentiality_is_refused(level):
    with pytest.raises(ValueError, match=f"Unknown confidentiality level {level!r}"):
        Case(
            number="ZAAK-X",
            case_type_id=1,
            organisation_id=1,
            title_nl="x",
            title_en="x",
            received_on="2026-01-05",
            confidentiality=level,
        )


def test_unknown_result_is_refused_and_none_is_allowed():
    c = Case(number="ZAAK-X", case_type_id=1, organisation_id=1, title_nl="x", title_en="x", received_on="2026-01-05")
    c.result = None
    with pytest.raises(ValueError, match="Unknown result 'maybe'"):
        c.result = "maybe"


def test_valid_values_round_trip_through_the_database(db: Session):
    """The shared demo database: what is written is what is read (rolled back afterwards)."""
    case = db.exec(select(Case).where(Case.number == "ZAAK-2026-0000101")).one()
    role = Role(case_id=case.id, role_type="belanghebbende", bsn="9999.90.019", display_name="Buur")
    db.add(role)
    db.flush()
    try:
        stored = db.exec(select(Role).where(Role.id == role.id)).one()
        db.refresh(stored)
        assert (stored.bsn, stored.role_type) == ("999990019", "belanghebbende")
    finally:
        db.rollback()
