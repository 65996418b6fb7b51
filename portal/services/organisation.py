"""The municipality this portal serves (its contact details appear on every page)."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal.config import Settings
from portal.domain.identifiers import InvalidIdentifier, validate_rsin
from portal.models import Organisation

log = logging.getLogger("portal")


def get_organisation(db: Session) -> Organisation | None:
    return db.exec(select(Organisation).order_by(col(Organisation.id))).first()


def ensure_organisation(db: Session, settings: Settings) -> Organisation | None:
    """The municipality row; on an empty database it is created from the settings
    (``PORTAL_MUNICIPALITY_NAME``, ``_RSIN``, ``_PHONE``, ``_EMAIL``, ``_VISITING_ADDRESS``,
    ``_POSTAL_ADDRESS``, ``_PHONE_HOURS_NL/EN``). Mirror mode calls it at start-up: without
    it every zaak would fail with ``no_organisation``. An existing row is never changed.
    None when there is no row and no (valid) ``PORTAL_MUNICIPALITY_RSIN``."""
    found = get_organisation(db)
    if found is not None:
        return found
    if not settings.municipality_rsin:
        log.error("No municipality in the database: set PORTAL_MUNICIPALITY_RSIN (and _NAME) and start again")
        return None
    try:
        rsin = validate_rsin(settings.municipality_rsin)
    except InvalidIdentifier:
        log.error("PORTAL_MUNICIPALITY_RSIN is not a valid RSIN: no municipality created")
        return None
    organisation = Organisation(
        name=settings.municipality_name,
        rsin=rsin,
        phone=settings.municipality_phone,
        email=settings.municipality_email,
        visiting_address=settings.municipality_visiting_address,
        postal_address=settings.municipality_postal_address,
        opening_hours_nl=settings.municipality_phone_hours_nl,
        opening_hours_en=settings.municipality_phone_hours_en,
    )
    db.add(organisation)
    try:
        db.commit()
    except IntegrityError:  # another process created it at the same moment
        db.rollback()
        return get_organisation(db)
    log.info("Created the municipality %s (RSIN %s) from the settings", organisation.name, rsin)
    return organisation
