"""Fill a database with a municipality's worth of cases, fast.

Why: the portal must stay fast for a municipality with 1,000,000 cases over 200,000
residents and 20,000 businesses, one of which has 5,000 cases (issue 14). Demo data
(a dozen cases) says nothing about that.

What it writes, per 1,000,000 cases (``scale`` multiplies every count, except the two
people the load runner signs in as):

- the demo municipality first (catalogue, teams, employees, the demo people), through
  the product's own ``load_demo_data``;
- 200,000 residents and 20,000 businesses as initiators (``Role``), three cases in four
  for residents; one business (``BENCH_KVK``) with 5,000 cases and one resident
  (``BENCH_BSN``) with 50; from 500,000 cases on, one more business
  (``BENCH_LARGE_KVK``) with 50,000 (issue 22: a business's pages cost the same with 5,000
  cases as with 50,000);
- every case has the status steps it reached (``StatusHistory``; closed cases reached
  the final step), a handler for most, an acknowledgement notice, and in realistic
  shares: suspended for a missing document (Awb 4:15, 8 %, with a document request
  and a notice), extended (Awb 4:14 / Omgevingswet 16.64, 5 %, with a notice), decided
  (65 %, with a decision notice and, for permits, a validity period); older notices are
  read.

Table and column names come from the product's SQLModel metadata (``SQLModel.metadata``),
never from a copied schema: a renamed column fails here the same day. On PostgreSQL
rows go in with ``COPY`` (foreign keys and plain indexes are dropped first and put back
exactly as they were, as pg_restore does); on SQLite (the tests) with executemany.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, Table, text
from sqlmodel import Session, SQLModel, select

from portal.clock import utcnow
from portal.domain.deadlines import Term
from portal.models import (
    Case,
    CaseType,
    DocumentRequest,
    Employee,
    Extension,
    Notice,
    Role,
    StatusHistory,
    StatusType,
    Suspension,
)
from portal.models.listing import rebuild as rebuild_listing

BENCH_BSN = "100000009"  # the resident with 50 cases (passes the 11-proef)
BENCH_KVK = "50000000"  # the business with 5,000 cases
FULL_CASES = 1_000_000
RESIDENT_CASES = 50
BUSINESS_CASES = 5_000
BENCH_LARGE_KVK = "50000001"  # the business with 50,000 cases
LARGE_BUSINESS_CASES = 50_000

SHARE_RESIDENT_CASES = 0.75
SHARE_CLOSED = 0.65
SHARE_SUSPENDED = 0.08
SHARE_EXTENDED = 0.05
SHARE_WITH_HANDLER = 0.9
READ_AFTER_DAYS = 7
YEARS_BACK = 5

STREETS = (
    "Kerkstraat",
    "Dorpsstraat",
    "Molenweg",
    "Stationsweg",
    "Industrieweg",
    "Schoolstraat",
    "Julianastraat",
    "Beatrixlaan",
    "Marktplein",
    "Nieuwe Gracht",
    "Havenkade",
    "Parklaan",
)
TITLES = {  # per case type code: (nl, en)
    "omgevingsvergunning-regulier": ("Dakkapel plaatsen", "Build a dormer"),
    "kapvergunning": ("Boom kappen in de tuin", "Fell a tree in the garden"),
    "evenementenvergunning": ("Straatfeest", "Street party"),
    "parkeervergunning": ("Parkeervergunning bewoners", "Residents' parking permit"),
    "exploitatievergunning-horeca": ("Terras en exploitatie", "Terrace and licence to operate"),
    "wmo-aanvraag": ("Traplift", "Stairlift"),
    "bijstand": ("Bijstandsuitkering", "Social assistance benefit"),
    "bezwaar": ("Bezwaar tegen besluit", "Objection to a decision"),
    "melding-openbare-ruimte": ("Kapotte lantaarnpaal", "Broken street light"),
}
RESULTS_BY_SHARE = (
    ("granted", 0.7),
    ("partly_granted", 0.08),
    ("refused", 0.1),
    ("withdrawn", 0.07),
    ("not_admissible", 0.05),
)


def bsn_from(seed: int) -> str:
    """A valid BSN (11-proef) derived from a number: eight digits plus the check digit
    that makes 9*d1 + ... + 2*d8 - d9 divisible by 11 (seeds whose check would be 10 move on)."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2)
    while True:
        head = f"{seed % 10**8:08d}"
        check = sum(w * int(c) for w, c in zip(weights, head, strict=False)) % 11
        if check < 10 and head != "00000000":
            return head + str(check)
        seed += 1


def kvk_from(seed: int) -> str:
    return f"{60_000_000 + seed:08d}"


@dataclass
class Plan:
    """How many of everything, for a number of cases."""

    cases: int
    residents: int
    businesses: int
    resident_cases: int = RESIDENT_CASES
    business_cases: int = BUSINESS_CASES
    large_business_cases: int = 0  # BENCH_LARGE_KVK's

    @classmethod
    def for_cases(cls, cases: int) -> Plan:
        scale = cases / FULL_CASES
        business_cases = min(BUSINESS_CASES, max(1, cases // 4))
        resident_cases = min(RESIDENT_CASES, max(1, cases // 20))
        return cls(
            cases=cases,
            residents=max(1, round(200_000 * scale)),
            businesses=max(1, round(20_000 * scale)),
            resident_cases=resident_cases,
            business_cases=business_cases,
            large_business_cases=LARGE_BUSINESS_CASES if cases >= 10 * LARGE_BUSINESS_CASES else 0,
        )

    @classmethod
    def large_business_only(cls) -> Plan:
        """The business with 50,000 cases on its own, for a database of an earlier bench."""
        return cls(
            LARGE_BUSINESS_CASES, 1, 1, resident_cases=0, business_cases=0, large_business_cases=LARGE_BUSINESS_CASES
        )


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, n: int = 1) -> None:
        self.rows[table] = self.rows.get(table, 0) + n


class Rows:
    """Builds rows in the column order of a table of the product's metadata."""

    def __init__(self, model: type[SQLModel]) -> None:
        self.table: Table = model.__table__  # type: ignore[attr-defined]
        self.columns = [column.name for column in self.table.columns]
        self.required = {
            column.name for column in self.table.columns if not column.nullable and column.server_default is None
        }

    def row(self, values: dict[str, Any]) -> tuple:
        unknown = values.keys() - set(self.columns)
        if unknown:
            raise KeyError(f"{self.table.name} has no column(s) {sorted(unknown)}")
        missing = self.required - values.keys()
        if missing:
            raise KeyError(f"{self.table.name}: no value for required column(s) {sorted(missing)}")
        return tuple(values.get(name) for name in self.columns)


MODELS = (Case, Role, StatusHistory, Suspension, DocumentRequest, Extension, Notice)


@lru_cache
def _weeks(term: str | None) -> int:
    """A term in days, roughly (from a fixed day): enough to place generated dates."""
    if not term:
        return 0
    start = date(2025, 1, 6)
    return (Term.parse_iso8601(term).add_to(start) - start).days


def generate(
    db: Session, cases: int, seed: int = 14, today: date | None = None, plan: Plan | None = None
) -> Iterator[tuple[str, tuple]]:
    """Yields (table name, row) for ``cases`` new cases on top of what the database holds
    (the demo catalogue must be there). Pure apart from reading the catalogue and the
    highest ids; deterministic for a seed. ``plan`` overrides how many of the cases go to
    the two bench people (the page-budget test grows the business from 300 to 3,000)."""
    rng = random.Random(seed)
    today = today or utcnow().date()
    plan = plan or Plan.for_cases(cases)
    builders = {model.__table__.name: Rows(model) for model in MODELS}  # type: ignore[attr-defined]

    case_types = db.exec(select(CaseType).where(CaseType.is_public.is_(True)).order_by(CaseType.id)).all()
    steps: dict[int, list[StatusType]] = {
        case_type.id: list(
            db.exec(select(StatusType).where(StatusType.case_type_id == case_type.id).order_by(StatusType.order)).all()
        )
        for case_type in case_types
    }
    employees = db.exec(select(Employee).order_by(Employee.id)).all()
    organisation_id = case_types[0].organisation_id
    next_id = {
        name: (db.exec(text(f'SELECT COALESCE(MAX(id), 0) FROM "{name}"')).one()[0]) + 1  # type: ignore[call-overload]
        for name in builders
    }
    resident_types = [t for t in case_types if t.code not in ("exploitatievergunning-horeca", "evenementenvergunning")]
    business_types = [t for t in case_types if t.code not in ("wmo-aanvraag", "bijstand", "parkeervergunning")]

    def new_id(table: str) -> int:
        value = next_id[table]
        next_id[table] = value + 1
        return value

    def emit(table: str, values: dict[str, Any]) -> tuple[str, tuple]:
        return table, builders[table].row(values)

    # Who owns case number i: the two bench people first, then spread over everyone else.
    def owner(index: int) -> tuple[str | None, str | None]:
        if index < plan.business_cases:
            return None, BENCH_KVK
        index -= plan.business_cases
        if index < plan.large_business_cases:
            return None, BENCH_LARGE_KVK
        index -= plan.large_business_cases
        if index < plan.resident_cases:
            return BENCH_BSN, None
        if rng.random() < SHARE_RESIDENT_CASES:
            return bsn_from(200_000_000 + rng.randrange(plan.residents) * 7), None
        return None, kvk_from(rng.randrange(plan.businesses))

    for index in range(cases):
        bsn, kvk = owner(index)
        case_type = rng.choice(resident_types if bsn else business_types)
        type_steps = steps[case_type.id]
        case_id = new_id("case")
        received = today - timedelta(days=int(rng.random() ** 1.6 * 365 * YEARS_BACK))
        age = (today - received).days
        closed = age > 20 and rng.random() < SHARE_CLOSED + min(0.3, age / 3650)
        suspended_ever = rng.random() < SHARE_SUSPENDED
        suspended_now = suspended_ever and not closed and rng.random() < 0.5
        extended = rng.random() < SHARE_EXTENDED and case_type.max_extension is not None
        handler = rng.choice(employees) if employees and rng.random() < SHARE_WITH_HANDLER else None
        term_days = _weeks(case_type.legal_term)
        deadline = received + timedelta(days=term_days)
        reached = len(type_steps) if closed else rng.randint(1, max(1, len(type_steps) - 1))
        moments: list[datetime] = []
        span = max(1, min(age, term_days)) if closed else max(1, age)
        for position, status_type in enumerate(type_steps[:reached]):
            offset = 0 if position == 0 else int(span * position / max(1, reached - 1 if closed else reached))
            moment = datetime.combine(received + timedelta(days=min(offset, age)), datetime.min.time()) + timedelta(
                hours=8 + position, minutes=rng.randrange(60)
            )
            moments.append(moment)
            yield emit(
                "statushistory",
                {
                    "id": new_id("statushistory"),
                    "case_id": case_id,
                    "status_type_id": status_type.id,
                    "set_at": moment,
                    "note_nl": "",
                    "note_en": "",
                    "set_by_employee_id": handler.id if handler and position else None,
                },
            )
        recipient = {"recipient_bsn": bsn, "recipient_kvk": kvk, "recipient_branch": None}

        # Called only within this iteration; the defaults bind this case's values explicitly.
        def notice(
            kind: str,
            day: date,
            subject: tuple[str, str],
            body: tuple[str, str],
            *,
            case_id: int = case_id,
            recipient: dict = recipient,
            handler=handler,
            moments: list = moments,
        ) -> tuple[str, tuple]:
            created = datetime.combine(day, datetime.min.time()) + timedelta(hours=9 + rng.randrange(8))
            moments.append(created)
            return emit(
                "notice",
                {
                    "id": new_id("notice"),
                    "case_id": case_id,
                    **recipient,
                    "kind": kind,
                    "subject_nl": subject[0],
                    "subject_en": subject[1],
                    "body_nl": body[0],
                    "body_en": body[1],
                    "sender_employee_id": handler.id if handler else None,
                    "dedupe_key": None,
                    "created_at": created,
                    "read_at": created + timedelta(hours=5) if (today - day).days > READ_AFTER_DAYS else None,
                    "emailed_at": None,
                    "facts": "{}",  # what channel templates need; history loaded here is never delivered
                },
            )

        number = f"ZAAK-{received.year}-{1_000_000 + case_id:07d}"  # clear of the demo numbers
        title_nl, title_en = TITLES.get(case_type.code, ("Aanvraag", "Application"))
        yield notice(
            "acknowledgement",
            received,
            (f"Ontvangstbevestiging: {title_nl}", f"Acknowledgement of receipt: {title_en}"),
            (
                f"We hebben uw aanvraag ontvangen. Uw zaaknummer is {number}.",
                f"We received your application. Your case number is {number}.",
            ),
        )
        if suspended_ever:
            requested = received + timedelta(days=min(age, rng.randint(3, 14)))
            resumed = None if suspended_now else requested + timedelta(days=rng.randint(3, 28))
            suspension_id = new_id("suspension")
            yield emit(
                "suspension",
                {
                    "id": suspension_id,
                    "case_id": case_id,
                    "reason_nl": "Document ontbreekt",
                    "reason_en": "A document is missing",
                    "requested_on": requested,
                    "resumed_on": resumed,
                },
            )
            yield emit(
                "documentrequest",
                {
                    "id": new_id("documentrequest"),
                    "case_id": case_id,
                    "required_document_id": None,
                    "suspension_id": suspension_id,
                    "title_nl": "Situatietekening",
                    "title_en": "Site drawing",
                    "explanation_nl": "",
                    "explanation_en": "",
                    "requested_on": requested,
                    "due_on": requested + timedelta(days=14),
                    "fulfilled_on": resumed,
                },
            )
            yield notice(
                "document_request",
                requested,
                ("We hebben nog een document van u nodig", "We need one more document from you"),
                (
                    "Stuur ons de situatietekening (Algemene wet bestuursrecht, artikel 4:15).",
                    "Please send us the site drawing (General Administrative Law Act, article 4:15).",
                ),
            )
            deadline += timedelta(days=((resumed or today) - requested).days)
        if extended:
            duration = case_type.max_extension
            previous = deadline
            deadline = deadline + timedelta(days=_weeks(duration))
            announced = max(received, previous - timedelta(days=rng.randint(1, 7)))
            yield emit(
                "extension",
                {
                    "id": new_id("extension"),
                    "case_id": case_id,
                    "reason_nl": "Advies van een andere dienst nodig",
                    "reason_en": "Advice from another service is needed",
                    "duration": duration,
                    "announced_on": announced,
                    "previous_deadline_on": previous,
                    "new_deadline_on": deadline,
                    "recorded_at": datetime.combine(announced, datetime.min.time()) + timedelta(hours=11),
                    "recorded_by_employee_id": handler.id if handler else None,
                    "late": False,  # announced before the term ended
                },
            )
            yield notice(
                "extension",
                announced,
                (f"We hebben meer tijd nodig: {title_nl}", f"We need more time: {title_en}"),
                (
                    f"We beslissen nu uiterlijk op {deadline.isoformat()}.",
                    f"We will now decide by {deadline.isoformat()}.",
                ),
            )
        decided_on = result = None
        valid_from = valid_until = None
        if closed:
            decided_on = min(today, received + timedelta(days=rng.randint(5, max(5, (deadline - received).days))))
            pick, cumulative = rng.random(), 0.0
            for candidate, share in RESULTS_BY_SHARE:
                result = candidate
                cumulative += share
                if pick < cumulative:
                    break
            if case_type.code == "melding-openbare-ruimte":
                result = "completed"
            if case_type.is_permit and result in ("granted", "partly_granted"):
                valid_from, valid_until = decided_on, decided_on + timedelta(days=365 * rng.choice((1, 2, 5)) - 1)
            yield notice(
                "decision",
                decided_on,
                (f"Besluit: {title_nl}", f"Decision: {title_en}"),
                (
                    "Wij hebben een besluit genomen. U vindt het besluit in Mijn Zaken.",
                    "We have made a decision. You find it in Mijn Zaken.",
                ),
            )
        street = rng.choice(STREETS)
        yield emit(
            "case",
            {
                "id": case_id,
                "number": number,
                "zgw_url": None,
                "case_type_id": case_type.id,
                "organisation_id": organisation_id,
                "title_nl": title_nl,
                "title_en": title_en,
                "address": f"{street} {rng.randint(1, 250)}, Voorbeeldstad",
                "received_on": received,
                "planned_end_on": deadline,
                "legal_deadline_on": deadline,
                "closed_on": decided_on if closed else None,
                "current_status_id": type_steps[reached - 1].id if type_steps else None,
                "suspended": suspended_now,
                "result": result if closed else None,
                "result_text_nl": "",
                "result_text_en": "",
                "decided_on": decided_on,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "confidentiality": "zaakvertrouwelijk",
                "created_at": datetime.combine(received, datetime.min.time()) + timedelta(hours=8),
                "last_activity_at": max(moments),
                "version": 1,  # optimistic lock of the change services
                "zgw_sync_error": "",  # own case store: never refreshed from a case system
                "zgw_snapshot_hash": "",  # never applied from a case system either
                "zgw_source_hash": "",
            },
        )
        yield emit(
            "role",
            {
                "id": new_id("role"),
                "case_id": case_id,
                "role_type": "initiator",
                "bsn": bsn,
                "kvk": kvk,
                "branch_number": None,
                "employee_id": None,
                "display_name": "",
                "email": "",
                "phone": "",
                "mandate": "",  # ZGW indicatieMachtiging: none
            },
        )
        if handler:
            yield emit(
                "role",
                {
                    "id": new_id("role"),
                    "case_id": case_id,
                    "role_type": "behandelaar",
                    "bsn": None,
                    "kvk": None,
                    "branch_number": None,
                    "employee_id": handler.id,
                    "display_name": handler.name,
                    "email": handler.email,
                    "phone": handler.direct_phone if handler.show_direct_contact else "",
                    "mandate": "",
                },
            )


# Parents before children, so SQLite (foreign keys on) accepts every batch.
ORDER = ("case", "role", "statushistory", "suspension", "documentrequest", "extension", "notice")


def _buffered(
    rows: Iterator[tuple[str, tuple]], flush: Callable[[dict[str, list[tuple]]], None], batch: int = 20_000
) -> Counts:
    counts = Counts()
    buffers: dict[str, list[tuple]] = {name: [] for name in ORDER}
    pending = 0
    for table, row in rows:
        buffers[table].append(row)
        counts.add(table)
        pending += 1
        if pending >= batch and table == "role":  # a case and its children are complete after its roles
            flush(buffers)
            buffers = {name: [] for name in ORDER}
            pending = 0
    flush(buffers)
    return counts


def _postgres_constraints(connection) -> tuple[list[str], list[str], list[str]]:
    """(drop statements, create statements) for the foreign keys and plain indexes of our tables."""
    names = list(ORDER)
    fks = connection.execute(
        text(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(:names)"
        ),
        {"names": [f'"{n}"' for n in names] + names},
    ).all()
    indexes = connection.execute(
        text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(:names) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ),
        {"names": names},
    ).all()
    drops = [f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for table, name, _ in fks]
    drops += [f'DROP INDEX "{name}"' for name, _ in indexes]
    creates = [definition for _, definition in indexes]
    creates += [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in fks]
    return drops, creates, names


def load(
    engine: Engine,
    cases: int,
    seed: int = 14,
    today: date | None = None,
    progress: Callable[[str], None] = lambda _message: None,
    plan: Plan | None = None,
) -> Counts:
    """Generate ``cases`` cases into the database behind ``engine`` (demo catalogue loaded)."""
    with Session(engine) as db:
        rows = generate(db, cases, seed=seed, today=today, plan=plan)
        if engine.dialect.name != "postgresql":

            def insert(buffers: dict[str, list[tuple]]) -> None:
                for name in ORDER:
                    if buffers[name]:
                        table = SQLModel.metadata.tables[name]
                        columns = [column.name for column in table.columns]
                        db.connection().execute(
                            table.insert(), [dict(zip(columns, row, strict=False)) for row in buffers[name]]
                        )

            counts = _buffered(rows, insert)
            rebuild_listing(db.connection())  # rows went in without the session hooks
            db.commit()
            return counts

        connection = db.connection()
        drops, creates, names = _postgres_constraints(connection)
        for statement in drops:
            connection.execute(text(statement))
        raw = connection.connection.driver_connection  # the psycopg connection of this transaction
        done = [0]

        def copy(buffers: dict[str, list[tuple]]) -> None:
            with raw.cursor() as cursor:
                for name in ORDER:
                    if not buffers[name]:
                        continue
                    table = SQLModel.metadata.tables[name]
                    columns = ", ".join(f'"{column.name}"' for column in table.columns)
                    with cursor.copy(f'COPY "{name}" ({columns}) FROM STDIN') as writer:
                        for row in buffers[name]:
                            writer.write_row(row)
            done[0] += len(buffers["case"])
            progress(f"{done[0]:,} cases")

        counts = _buffered(rows, copy, batch=50_000)
        progress("indexes and foreign keys")
        for statement in creates:
            connection.execute(text(statement))
        progress("case listing")
        rebuild_listing(connection)  # COPY bypasses the session hooks that keep it
        for name in names:  # ids were given explicitly: move the sequences on
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{name}\"))"
                )
            )
        db.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        progress("ANALYZE")
        # VACUUM sets the visibility map, without which the overview's index-only scans
        # of the listing would visit the table anyway (autovacuum does it in production).
        connection.execute(text("VACUUM caselisting"))
        connection.execute(text("ANALYZE"))
    return counts
