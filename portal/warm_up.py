"""What a worker prepares before its first request (issue 22).

Jinja compiles a template, Pyphen reads a hyphenation dictionary and Babel its locale data
the first time a page needs them, and the request that comes first pays: a worker's first
business case page took 625 ms of CPU instead of 25 (after the templates, two thirds of what
was left was Pyphen's Dutch dictionary). Worse, threads of a worker that meet the same cold
page at once each do all of it (neither ``lru_cache`` nor Jinja's cache makes a second thread
wait for the first): the benchmark's business case page had a p99 of 5.3 s at 16 users, and
sixteen users opening it at once on a fresh server waited up to 12.5 s on a busy machine.
With this warm-up: 79 ms for the first page (SQLAlchemy compiling its statements once) and
0.7 s for the sixteen.

So a worker does it at start, before it serves and before the GC freeze
(portal/garbage_collection.py), which then also takes these long-lived objects out of the
collector's sight. It costs a worker about 1.5 CPU-seconds at start.
"""

from __future__ import annotations

from portal import i18n
from portal.templating import compile_templates


def warm_up() -> None:
    for language in i18n.LANGUAGES:
        i18n.prepare(language)
    compile_templates()
