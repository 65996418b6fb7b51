"""Acting for someone else (issue 20): completing a representative's session at sign-in,
and the audit trail of what they do.

The claims are parsed in ``portal.domain.representation`` (pure); here the mandate meets
the municipality: which of the mandated services this portal knows (the
``PORTAL_REPRESENTATION_SERVICES`` catalogue setting), which case types they cover, and
the represented person's name as our case system knows it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from portal.auth.principal import Principal
from portal.clock import utcnow
from portal.config import Settings
from portal.domain.representation import RepresentationRefused
from portal.models import Role, ZgwRepresentativeRol
from portal.services.audit import record

__all__ = ["complete_mandate", "queue_case_system_rol", "record_act"]


def complete_mandate(db: Session, settings: Settings, principal: Principal) -> Principal:
    """The principal with its mandate resolved against the catalogue setting. Services the
    municipality does not know are dropped; a mandate for none of ours is refused
    (``service_unknown``): the representative would see an empty portal without knowing why."""
    mandate = principal.representation
    if mandate is None:
        return principal
    known = {
        service: settings.representation_services[service]
        for service in mandate.services
        if service in settings.representation_services
    }
    if not known:
        raise RepresentationRefused("service_unknown", "no mandated service is configured here")
    case_types = tuple(sorted({code for service in known.values() for code in service.case_types}))
    role = mandate.role or next((service.role for service in known.values() if service.role), None)
    name = db.exec(
        select(col(Role.display_name))
        .where(col(Role.bsn) == mandate.representee_bsn, col(Role.display_name) != "")
        .order_by(col(Role.id))
        .limit(1)
    ).first()
    completed = replace(
        mandate,
        services=tuple(known),
        service_names={key: {"nl": value.name_nl, "en": value.name_en} for key, value in known.items()},
        case_types=case_types,
        role=role,
        representee_name=name or "",
    )
    return replace(principal, representation=completed)


def record_act(
    db: Session,
    principal: Principal,
    action: str,
    object_type: str = "",
    object_id: object = "",
    client_ip: str = "",
    detail: dict[str, Any] | None = None,
    commit: bool = True,
) -> None:
    """An audit row with both identities for what a representative does (upload, callback,
    feedback, preferences, reading a message). Nothing for anyone else: their own actions
    are recorded where they always were."""
    if principal.representation is None:
        return
    record(
        db,
        principal.kind,
        principal.audit_id,
        action,
        object_type,
        str(object_id),
        client_ip=client_ip,
        detail={**(detail or {}), **principal.audit_detail},
        commit=commit,
    )


def queue_case_system_rol(db: Session, principal: Principal, zaak_url: str | None) -> None:
    """Mirror mode: a representative acted on this zaak, so their rol is to be recorded in
    the case system (``portal.zgw.representatives`` sends it in the background). One row
    per zaak and representative, whatever the number of uploads, also when two arrive at the
    same moment (INSERT ... ON CONFLICT DO NOTHING: never an error that would undo the
    upload it comes with). Part of the caller's transaction."""
    mandate = principal.representation
    if mandate is None or not zaak_url:
        return
    values = {
        "zaak_url": zaak_url,
        "representative": mandate.representative_key,
        "mandate": json.dumps(mandate.to_dict()),
        "state": "pending",
        "attempts": 0,
        "error": "",
        "created_at": utcnow(),
    }
    insert = postgresql_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.execute(insert(ZgwRepresentativeRol).values(**values).on_conflict_do_nothing())
