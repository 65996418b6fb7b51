"""The mirror's moving parts in a running portal: one client (with its circuit breakers),
a small thread pool for background refreshes, and what /readyz reports.

``app.state.zgw`` is None when no ZGW settings are given (the portal is its own case store).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from portal.auth.principal import Principal
from portal.config import Settings
from portal.services.organisation import ensure_organisation
from portal.zgw.client import ZgwClient
from portal.zgw.notifications import pending_count, process_pending
from portal.zgw.parties import claim_refresh, party_key, refresh_party
from portal.zgw.representatives import push_pending as push_representative_rollen
from portal.zgw.uploads import push_pending

log = logging.getLogger("portal.zgw")


class ZgwRuntime:
    def __init__(self, settings: Settings, engine: Engine, client: ZgwClient | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.client = client or ZgwClient.from_settings(settings)
        self.allowed = settings.zgw_allowed_confidentiality
        self.window = timedelta(minutes=settings.zgw_sync_window_minutes)
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="zgw")

    def close(self, wait: bool = False) -> None:
        """Stop taking background work; ``wait`` also lets a refresh that is running finish
        (tests drop their database afterwards, which must not race a refresh still writing)."""
        self.executor.shutdown(wait=wait, cancel_futures=True)
        self.client.close()

    def _submit(self, work, *args) -> Future:
        def run():
            try:
                return work(*args)
            except Exception:  # a background job must never take the process down; it is logged
                log.exception("ZGW background job failed")
                return None

        return self.executor.submit(run)

    def refresh_after_sign_in(self, principal: Principal) -> Future | None:
        """Refresh the principal's cases in the background when our copy is old.
        The first page does not wait: it shows what we have."""
        key = party_key(principal)
        if key is None:
            return None
        with Session(self.engine) as db:
            if not claim_refresh(db, principal, self.window):
                return None
        return self._submit(refresh_party, self.engine, self.client, key, self.allowed)

    def kick_worker(self) -> Future:
        """Handle stored notifications now (the webhook calls this after answering)."""
        return self._submit(process_pending, self.engine, self.client, self.allowed)

    def kick_uploads(self) -> Future:
        """Send waiting uploads to the Documenten API now (after a resident's upload), then
        a representative's rol on the zaak (each on its own: one failing never stops the
        other); the worker retries what fails."""

        def both() -> None:
            try:
                push_pending(
                    self.engine,
                    self.client,
                    self.settings.effective_upload_dir,
                    self.settings.zgw_upload_informatieobjecttype,
                )
            finally:
                push_representative_rollen(self.engine, self.client, self.settings.zgw_representative_roltype)

        return self._submit(both)

    def state(self) -> dict[str, Any]:
        breakers = self.client.state()
        states = {item["state"] for item in breakers.values()}
        if any(item["refused"] for item in breakers.values()):
            overall = "failing"  # 401/403: the case system does not accept our credentials
        elif states == {"closed"}:
            overall = "ok"
        else:
            overall = "unavailable" if "open" in states else "degraded"
        with Session(self.engine) as db:
            pending = pending_count(db)
        return {"state": overall, "services": breakers, "pending_notifications": pending}


def create_runtime(settings: Settings, engine: Engine) -> ZgwRuntime | None:
    if not settings.zgw_enabled:
        return None
    prepare_database(settings, engine)
    return ZgwRuntime(settings, engine)


def prepare_database(settings: Settings, engine: Engine) -> None:
    """First start in mirror mode: the municipality comes from the settings (a freshly
    migrated database has none, and every zaak needs one). A database that is not
    migrated yet is left alone (logged); the next start tries again."""
    try:
        with Session(engine) as db:
            ensure_organisation(db, settings)
    except SQLAlchemyError as error:
        log.warning("Could not check the municipality in the database: %s", error)
