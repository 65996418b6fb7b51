"""The mirror's share of the worker (``python -m portal.worker``): stored notifications,
uploads on their way to the Documenten API, representatives' rollen, and the periodic reconciliation."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from portal.config import Settings
from portal.zgw.client import ZgwClient
from portal.zgw.jobs import RECONCILE, run_if_due
from portal.zgw.notifications import process_pending
from portal.zgw.parties import reconcile
from portal.zgw.representatives import push_pending as push_representative_rollen
from portal.zgw.uploads import push_pending

log = logging.getLogger("portal.zgw")


class MirrorWork:
    POLL_SECONDS = 5.0

    def __init__(self, settings: Settings, engine: Engine, client: ZgwClient | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.client = client or ZgwClient.from_settings(settings)
        self.allowed = settings.zgw_allowed_confidentiality

    def close(self) -> None:
        self.client.close()

    def reconcile_if_due(self) -> Any:
        minutes = self.settings.zgw_reconcile_interval_minutes
        if minutes <= 0:
            return None
        return run_if_due(
            self.engine,
            RECONCILE,
            timedelta(minutes=minutes),
            lambda: reconcile(self.engine, self.client, self.allowed),
        )

    def run(self) -> None:
        """One round; each part on its own, so one failing does not stop the others."""
        for name, part in (
            ("notifications", lambda: process_pending(self.engine, self.client, self.allowed)),
            (
                "uploads",
                lambda: push_pending(
                    self.engine,
                    self.client,
                    self.settings.effective_upload_dir,
                    self.settings.zgw_upload_informatieobjecttype,
                ),
            ),
            (
                "representatives",
                lambda: push_representative_rollen(self.engine, self.client, self.settings.zgw_representative_roltype),
            ),
            ("reconcile", self.reconcile_if_due),
        ):
            try:
                part()
            except Exception:  # the case system or the database away for a moment: next round
                log.exception("Mirror work (%s) failed; trying again next round", name)
