"""What happened to each notice outside the inbox, for the resident's inbox, message and
case pages (issue 19, item 9): one query for a page of notices. Who may see a notice is
decided before (``portal.services.access``); this only adds its delivery lines."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from portal.domain.delivery_status import StatusLine, status_lines
from portal.models import Delivery, Notice
from portal.notify.outbox import as_sent

__all__ = ["statuses_for", "with_statuses"]

# Built once (building a statement and its cache key cost more than running it, issue 22).
_DELIVERIES = (
    select(Delivery)
    .where(col(Delivery.notice_id).in_(bindparam("notice_ids", expanding=True)), col(Delivery.purpose) == "notice")
    .order_by(col(Delivery.id))
)


def statuses_for(db: Session, notice_ids: Iterable[int | None]) -> dict[int, list[StatusLine]]:
    """{notice id: its lines}; a notice without deliveries (the inbox only) is absent."""
    wanted = sorted({notice_id for notice_id in notice_ids if notice_id is not None})
    if not wanted:
        return {}
    rows = db.exec(_DELIVERIES, params={"notice_ids": wanted}).all()
    grouped: dict[int, list[Delivery]] = {}
    for row in rows:
        if row.notice_id is not None:
            grouped.setdefault(row.notice_id, []).append(row)
    return {notice_id: status_lines([as_sent(row) for row in group]) for notice_id, group in grouped.items()}


def with_statuses(rows: Iterable[tuple[Notice, Delivery | None]]) -> tuple[list[Notice], dict[int, list[StatusLine]]]:
    """From (notice, delivery or None) rows of one outer join, in the notices' order: the
    notices once each, and their lines."""
    notices: list[Notice] = []
    grouped: dict[int, list[Delivery]] = {}
    for notice, delivery in rows:
        if not notices or notices[-1].id != notice.id:
            notices.append(notice)
        if delivery is not None and notice.id is not None:
            grouped.setdefault(notice.id, []).append(delivery)
    return notices, {key: status_lines([as_sent(row) for row in group]) for key, group in grouped.items()}
