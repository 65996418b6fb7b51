"""Creating a notice writes its deliveries in the same transaction, per chosen channel."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from portal.models import Delivery, Notice
from portal.notify.outbox import enqueue_for_notice
from tests.notify.conftest import JAN, jans_case, notice_for_jan, set_preference


def _deliveries(engine, notice_id):
    with Session(engine) as db:
        return db.exec(select(Delivery).where(Delivery.notice_id == notice_id).order_by(Delivery.channel)).all()


def test_one_delivery_per_chosen_channel_in_the_same_transaction(engine):
    set_preference(
        engine,
        by_email=True,
        by_sms=True,
        by_letter=True,
        email="jan@example.org",
        phone="+31612345678",
        postal_name="J. Jansen",
        postal_address="Dorpsstraat 1\n1234 AB Voorbeeldstad",
        language="en",
    )
    with Session(engine) as db:
        notice = notice_for_jan(db)
        db.commit()
        notice_id = notice.id
    rows = _deliveries(engine, notice_id)
    assert [(row.channel, row.language, row.status) for row in rows] == [
        ("email", "en", "pending"),
        ("letter", "en", "pending"),
        ("sms", "en", "pending"),
    ]
    assert {row.address for row in rows} == {
        "jan@example.org",
        "+31612345678",
        "J. Jansen\nDorpsstraat 1\n1234 AB Voorbeeldstad",
    }
    assert len({row.idempotency_key for row in rows}) == 3


def test_a_rolled_back_change_leaves_no_notice_and_no_delivery(engine):
    set_preference(engine, by_email=True, by_sms=True, email="jan@example.org", phone="+31612345678")
    with Session(engine) as db:
        before = len(db.exec(select(Delivery)).all())
        notice = notice_for_jan(db)
        notice_id = notice.id
        assert len(db.exec(select(Delivery)).all()) == before + 2  # written, in this transaction
        db.rollback()
    with Session(engine) as db:
        assert db.get(Notice, notice_id) is None
        assert len(db.exec(select(Delivery)).all()) == before


def test_unconfirmed_email_and_missing_address_give_no_delivery(engine):
    set_preference(engine, by_email=True, by_letter=True, pending_email="new@example.org")
    with Session(engine) as db:
        notice_id = notice_for_jan(db).id
        db.commit()
    assert _deliveries(engine, notice_id) == []


def test_inbox_only_without_preferences(engine):
    with Session(engine) as db:
        notice_id = notice_for_jan(db).id
        db.commit()
    assert _deliveries(engine, notice_id) == []


def test_a_branch_inherits_the_company_choice_unless_it_chose_itself(engine):
    set_preference(engine, "kvk:12345678", by_email=True, email="info@korenschoof.example")
    set_preference(engine, "kvk:12345678:000023456789", by_sms=True, phone="+31687654321")
    with Session(engine) as db:
        inherited = Notice(
            recipient_kvk="12345678",
            recipient_branch="000012345678",
            kind="message",
            subject_nl="a",
            subject_en="a",
            body_nl="b",
            body_en="b",
        )
        own = Notice(
            recipient_kvk="12345678",
            recipient_branch="000023456789",
            kind="message",
            subject_nl="a",
            subject_en="a",
            body_nl="b",
            body_en="b",
        )
        db.add(inherited)
        db.add(own)
        db.flush()
        assert [(d.channel, d.address) for d in enqueue_for_notice(db, inherited)] == [
            ("email", "info@korenschoof.example")
        ]
        assert [(d.channel, d.address) for d in enqueue_for_notice(db, own)] == [("sms", "+31687654321")]
        db.rollback()


def test_the_same_dedupe_key_twice_makes_one_notice_and_one_set_of_deliveries(engine):
    from portal.services.notices import create_notice

    set_preference(engine, by_sms=True, phone="+31612345678")
    with Session(engine) as db:
        first, new_first = create_notice(
            db,
            kind="status",
            case=jans_case(db),
            recipient_bsn=JAN,
            subject=("a", "a"),
            body=("b", "b"),
            dedupe_key="zgw:status:42",
        )
        second, new_second = create_notice(
            db,
            kind="status",
            case=jans_case(db),
            recipient_bsn=JAN,
            subject=("a", "a"),
            body=("b", "b"),
            dedupe_key="zgw:status:42",
        )
        ids = (first.id, second.id)
        db.commit()
    assert (new_first, new_second) == (True, False) and ids[0] == ids[1]
    assert len(_deliveries(engine, ids[0])) == 1


@pytest.mark.parametrize(
    "arguments",
    [
        {"kind": "no-such-kind", "recipient_bsn": JAN},
        {"kind": "status"},
        {"kind": "status", "recipient_bsn": JAN, "recipient_kvk": "12345678"},
    ],
)
def test_refuses_an_unknown_kind_or_an_unclear_recipient(engine, arguments):
    from portal.services.notices import create_notice

    with Session(engine) as db, pytest.raises(ValueError):
        create_notice(db, subject=("a", "a"), body=("b", "b"), **arguments)
