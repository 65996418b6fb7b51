"""How the suite's tests are marked and ordered once collected (used by tests/conftest.py;
a module of its own so that tests/test_collection.py can run it on a small suite)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that uses the ``browser`` fixture is marked ``browser``, so that marker
    (which CI's SQLite run deselects, see .ci/run) is never forgotten on a new test.

    Modules marked ``long`` (a minute or more each: the accessibility crawl, the fuzzing,
    the worker processes) come first. With ``--no-loadscope-reorder`` (the Makefile),
    pytest-xdist hands out the modules in this order, so the short ones fill in around the
    long ones instead of one core running a long module alone at the end."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: item.get_closest_marker("long") is None)
