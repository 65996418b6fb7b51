"""A representative who acts on a mirrored zaak (issue 20) is recorded on it in the Zaken
API, as Open Zaak's mandate recipe has it (``docs/client-development/mandate.rst``):

- the representative's rol: ``indicatieMachtiging`` "gemachtigde", the
  ``authenticatieContext`` with the person represented and the mandated services, of the
  zaaktype's roltype whose ``omschrijvingGeneriek`` is ``PORTAL_ZGW_REPRESENTATIVE_ROLTYPE``
  (default belanghebbende: the initiator is the person who applied, and stays the only one);
- the represented person's rol: "machtiginggever", roltype belanghebbende (Open Zaak's API
  documentation asks for it next to a representee), when the zaaktype has that roltype.
  The initiator's own rol is not changed: that person started the case themselves.

Queued with the upload that caused it (``services.representation.queue_case_system_rol``),
sent right after it in the background and by the worker until it succeeds, with the
uploads' backoff; a failure here never holds up or undoes the upload.

Exactly once, as uploads: a POST is never repeated blindly. Before each POST, and after a
POST whose answer was lost, the portal reads the zaak's rollen (``GET rollen?zaak=…``); a rol
that is there counts as done.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from portal.clock import utcnow
from portal.domain.representation import (
    Representation,
    gemachtigde_rol,
    is_gemachtigde_rol,
    is_machtiginggever_rol,
    machtiginggever_rol,
)
from portal.models import ZgwRepresentativeRol
from portal.zgw.client import ZgwClient, ZgwError
from portal.zgw.uploads import AMBIGUOUS, MAX_REFUSED, backoff, claim_pending

log = logging.getLogger("portal.zgw")

REPRESENTEE_ROLTYPE = "belanghebbende"
# Refusals that waiting does not cure: after MAX_REFUSED attempts the row is "failed".
REFUSED = frozenset({"http_4xx", "no_roltype", "invalid_body", "not_found"})


def _claim(db: Session, now: datetime) -> ZgwRepresentativeRol | None:
    # Leased as uploads are: of two workers one wins.
    row: ZgwRepresentativeRol | None = claim_pending(
        db, ZgwRepresentativeRol, ZgwRepresentativeRol.state, ZgwRepresentativeRol.next_at, now
    )
    return row


def _rollen(client: ZgwClient, zaak_url: str) -> list[dict]:
    return [
        rol
        for rol in client.paginate(client.url("zaken", "rollen"), {"zaak": zaak_url})
        if rol.get("zaak") in (None, zaak_url)
    ]


def _roltype(client: ZgwClient, zaaktype_url: str, generic: str) -> str | None:
    """The zaaktype's roltype with this omschrijvingGeneriek (a roltype belongs to one
    zaaktype: the Zaken API refuses another's)."""
    for roltype in client.paginate(client.url("catalogi", "roltypen"), {"zaaktype": zaaktype_url}):
        if roltype.get("omschrijvingGeneriek") == generic and isinstance(roltype.get("url"), str):
            return str(roltype["url"])
    return None


def _create_once(client: ZgwClient, zaak_url: str, body: dict, is_there) -> None:
    """POST the rol unless one like it is there; after an answer that was lost, look again."""
    if any(is_there(rol) for rol in _rollen(client, zaak_url)):
        return
    try:
        client.post_json(client.url("zaken", "rollen"), body)
    except ZgwError as error:
        if error.reason not in AMBIGUOUS:
            raise
        if not any(is_there(rol) for rol in _rollen(client, zaak_url)):
            raise
        log.info("Rol on %s is there although the POST failed (%s)", zaak_url, error.reason)


def send(
    client: ZgwClient, zaak_url: str, mandate: Representation, roltype_generic: str, acting_name: str = ""
) -> None:
    """The representative's rol (once) and the represented person's (once) on the zaak."""
    zaak = client.get_object(zaak_url)
    zaaktype = zaak.get("zaaktype")
    if not isinstance(zaaktype, str):
        raise ZgwError("invalid_body", zaak_url, "no zaaktype")
    roltype = _roltype(client, zaaktype, roltype_generic)
    if roltype is None:
        raise ZgwError("no_roltype", zaaktype, roltype_generic)
    _create_once(
        client,
        zaak_url,
        gemachtigde_rol(mandate, zaak_url, roltype, acting_name),
        lambda rol: is_gemachtigde_rol(rol, mandate),
    )
    representee_roltype = (
        roltype if roltype_generic == REPRESENTEE_ROLTYPE else _roltype(client, zaaktype, REPRESENTEE_ROLTYPE)
    )
    if representee_roltype is None:
        log.info("Zaaktype %s has no belanghebbende roltype: no machtiginggever rol", zaaktype)
        return
    _create_once(
        client,
        zaak_url,
        machtiginggever_rol(mandate, zaak_url, representee_roltype),
        lambda rol: is_machtiginggever_rol(rol, mandate),
    )


def push_pending(engine: Engine, client: ZgwClient, roltype_generic: str, limit: int = 20) -> int:
    """Send up to ``limit`` representatives' rollen that are due; returns how many were tried."""
    tried = 0
    for _ in range(limit):
        with Session(engine, expire_on_commit=False) as db:
            row = _claim(db, utcnow())
            if row is None:
                break
            tried += 1
            try:
                mandate = Representation.from_dict(json.loads(row.mandate or "null"))
                if mandate is None:
                    raise ZgwError("invalid_body", row.zaak_url, "no mandate stored")
                send(client, row.zaak_url, mandate, roltype_generic)
            except ZgwError as error:
                db.rollback()
                row = db.get(ZgwRepresentativeRol, row.id, populate_existing=True)
                if row is None:
                    continue
                row.attempts += 1
                row.error = error.reason[:40]
                if error.reason in REFUSED and row.attempts >= MAX_REFUSED:
                    row.state = "failed"
                wait = backoff(row.attempts)
                if error.retry_after is not None:
                    wait = max(wait, timedelta(seconds=min(error.retry_after, 6 * 3600)))
                row.next_at = utcnow() + wait
                log.warning(
                    "Representative's rol %s on the case system failed (%s); attempt %d",
                    row.id,
                    error.reason,
                    row.attempts,
                )
            else:
                row.state = "sent"
                row.error = ""
                row.next_at = None
                row.sent_at = utcnow()
                row.mandate = ""  # not needed any more; the case system holds it now
            db.add(row)
            db.commit()
    return tried


def waiting_count(db: Session) -> int:
    """Representatives' rollen not in the case system yet (pending), for operations."""
    return int(db.exec(select(func.count()).where(col(ZgwRepresentativeRol.state) == "pending")).one())
