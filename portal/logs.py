"""Logging for the app and the worker, configured once (``configure_logging``).

``PORTAL_LOG_FORMAT=json`` (the default in production) writes one JSON object per line,
which log collectors read without parsing rules: every record has ``time``, ``level``,
``logger`` and ``message``, plus the fields a request or job adds (``portal.telemetry``,
``portal.worker``). ``text`` is for a developer's terminal.

What may be logged: kinds, counts, ids of our own rows, durations, route templates.
Never a BSN, an e-mail address, a phone number, a token or a document's name (a test
signs in, uploads and sends notices and searches the log for them)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class _PortalHandler(logging.StreamHandler):
    """Ours, so a second call replaces it instead of writing every line twice."""


def configure_logging(log_format: str) -> None:
    handler = _PortalHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                datefmt="%Y-%m-%dT%H:%M:%S%z",
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in [existing for existing in root.handlers if isinstance(existing, _PortalHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # httpx logs every request's URL at INFO: the Zaken API is searched by BSN in the query
    # string (rol__betrokkeneIdentificatie__natuurlijkPersoon__inpBsn=...).
    for chatty in ("httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def logged_job(name: str, task: Callable[[], object]) -> Callable[[], object]:
    """``task`` writing one log line per run: the job's name, how long it took, ok or failed."""
    job_log = logging.getLogger("portal.job")

    def run() -> object:
        started = time.perf_counter()
        try:
            result = task()
        except Exception:
            job_log.exception("job", extra={"job": name, "status": "failed", "duration_ms": _ms(started)})
            raise
        job_log.info("job", extra={"job": name, "status": "ok", "duration_ms": _ms(started)})
        return result

    return run


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)
