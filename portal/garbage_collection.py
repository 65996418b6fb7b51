"""Python's garbage collector, set for serving pages (issue 22).

CPython runs its cycle collector every 700 new container objects. A page with a list of
twenty ORM rows and a few dozen macro calls makes tens of thousands, so a page paid for
several collections, each walking every object the worker keeps for good: templates,
SQLAlchemy's statement caches, the translation catalogues. A py-spy profile put that on
object creation (``InstanceState.__init__``, 8 % of the inbox's CPU), and switching it
showed 15-20 % of a page's CPU.

So once a worker has started, everything it holds then is moved out of the collector's
sight (``gc.freeze``: those objects live as long as the worker anyway), and young objects
are collected after 50,000 new ones instead of 700. Reference cycles are still collected;
memory per worker is measured by ``make bench`` (peak RSS, target < 200 MB).
"""

from __future__ import annotations

import gc

# CPython's default thresholds are (700, 10, 10).
YOUNG_OBJECTS_BEFORE_COLLECTING = 50_000


def tune_for_serving() -> None:
    """Called once per worker process, when the app has started (not in the test suite:
    frozen objects of one test's app would never be collected in the next ones)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTING, 10, 10)
