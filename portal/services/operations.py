"""What the team running the portal watches, read from the database when metrics are
scraped (``portal.telemetry``): the outbox, sessions and the mirror's backlog.

Counts and ages only: nothing here names a person, an address or a case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from portal.clock import utcnow
from portal.models import Delivery, Document, WebSession, ZgwJob, ZgwNotification, ZgwPartySync, ZgwRepresentativeRol


@dataclass(frozen=True)
class OperationalFigures:
    # (channel, status) -> number of deliveries in the outbox
    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)
    # channel -> seconds the oldest delivery that is due now has been waiting
    oldest_due_seconds: dict[str, float] = field(default_factory=dict)
    active_sessions: int = 0
    notifications_pending: int = 0
    oldest_notification_seconds: float = 0.0
    uploads_waiting: int = 0
    # The oldest copy of a party's cases (seconds since its last refresh), 0 without parties.
    oldest_party_sync_seconds: float = 0.0
    # job name -> seconds since it last finished
    job_finished_seconds: dict[str, float] = field(default_factory=dict)
    # A representative's rol on a zaak (issue 20): state -> count of pending and failed ones.
    representative_rollen: dict[str, int] = field(default_factory=dict)


def _age(now: datetime, then: datetime | None) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0


def operational_figures(db: Session, idle_minutes: int, mirror: bool) -> OperationalFigures:
    now = utcnow()
    deliveries = {
        (str(channel), str(status)): int(count)
        for channel, status, count in db.exec(
            select(Delivery.channel, Delivery.status, func.count()).group_by(
                col(Delivery.channel), col(Delivery.status)
            )
        ).all()
    }
    oldest_due = {
        str(channel): _age(now, oldest)
        for channel, oldest in db.exec(
            select(Delivery.channel, func.min(Delivery.next_attempt_at))
            .where(Delivery.status == "pending", col(Delivery.next_attempt_at) <= now)
            .group_by(col(Delivery.channel))
        ).all()
    }
    active = db.exec(
        select(func.count()).where(col(WebSession.last_seen_at) > now - timedelta(minutes=idle_minutes))
    ).one()
    if not mirror:
        return OperationalFigures(deliveries, oldest_due, int(active))
    pending, oldest_notification = db.exec(
        select(func.count(), func.min(ZgwNotification.received_at)).where(col(ZgwNotification.processed_at).is_(None))
    ).one()
    uploads = db.exec(select(func.count()).where(col(Document.zgw_upload_state) == "pending")).one()
    oldest_sync = db.exec(select(func.min(ZgwPartySync.synced_at))).one()
    rollen = {"pending": 0, "failed": 0}
    for state, count in db.exec(
        select(ZgwRepresentativeRol.state, func.count())
        .where(col(ZgwRepresentativeRol.state).in_(("pending", "failed")))
        .group_by(col(ZgwRepresentativeRol.state))
    ).all():
        rollen[str(state)] = int(count)
    jobs = {str(name): _age(now, finished) for name, finished in db.exec(select(ZgwJob.name, ZgwJob.finished_at)).all()}
    return OperationalFigures(
        deliveries,
        oldest_due,
        int(active),
        int(pending),
        _age(now, oldest_notification),
        int(uploads),
        _age(now, oldest_sync),
        jobs,
        rollen,
    )
