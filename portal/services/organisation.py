"""The municipality this portal serves (its contact details appear on every page)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from portal.models import Organisation


def get_organisation(db: Session) -> Organisation | None:
    return db.exec(select(Organisation).order_by(col(Organisation.id))).first()
