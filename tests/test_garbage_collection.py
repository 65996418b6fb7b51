"""Issue 22: a worker that has started moves what it holds out of the garbage collector's
sight (portal/garbage_collection.py); the test suite's apps leave the collector alone (a
frozen object would outlive its test)."""

from __future__ import annotations

import gc

from fastapi.testclient import TestClient

from portal.app import create_app
from portal.config import Settings


def _started(settings: Settings) -> tuple[tuple[int, int, int], int]:
    app = create_app(settings)
    try:
        with TestClient(app, base_url="http://127.0.0.1"):
            return gc.get_threshold(), gc.get_freeze_count()
    finally:
        app.state.engine.dispose()


def test_a_served_worker_freezes_what_it_holds(settings: Settings, migrated_database):
    before = gc.get_threshold()
    try:
        threshold, frozen = _started(settings.model_copy(update={"env": "development"}))
        assert threshold == before  # CPython's thresholds for what pages create
        assert frozen > 10_000  # the modules, templates and caches of the app
    finally:
        gc.unfreeze()


def test_the_test_suite_leaves_the_collector_alone(settings: Settings, migrated_database):
    before = gc.get_threshold(), gc.get_freeze_count()
    assert _started(settings) == before
