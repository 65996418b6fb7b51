"""Issue 22: a served worker compiles its templates and loads its dictionaries and locale
data at start (portal/warm_up.py), so no request pays for them; sixteen users on a fresh
worker's case page each paid for all of it at once. Checked in a fresh process (the test
suite's own has everything loaded already): after the app's start, neither a template nor
a hyphenation dictionary is built again; without the warm-up both are."""

from __future__ import annotations

import json
import subprocess
import sys

from portal.config import PROJECT_ROOT

COUNT_COLD_WORK = """
import json, sys, tempfile
from pathlib import Path
import jinja2, pyphen
from fastapi.testclient import TestClient
from portal import i18n
from portal.app import create_app
from portal.config import Settings
from portal.templating import environment

folder = Path(tempfile.mkdtemp())
settings = Settings(
    env=sys.argv[1], var_dir=folder, database_url=f"sqlite:///{folder / 'portal.db'}",
    secret_key="warm-up-test-secret-key-0123456789-abcdef",
)
built = {"templates": 0, "dictionaries": 0}
compile_template, build_dictionary = jinja2.Environment.compile, pyphen.Pyphen.__init__
def counted_compile(self, *args, **kwargs):
    built["templates"] += 1
    return compile_template(self, *args, **kwargs)
def counted_dictionary(self, *args, **kwargs):
    built["dictionaries"] += 1
    return build_dictionary(self, *args, **kwargs)
jinja2.Environment.compile, pyphen.Pyphen.__init__ = counted_compile, counted_dictionary
with TestClient(create_app(settings)):  # runs the app's start (its lifespan)
    started = dict(built)
    for name in environment.list_templates(extensions=["html"]):
        environment.get_template(name)
    for language in i18n.LANGUAGES:
        i18n.soft_hyphens("Ontvangstbevestigingen", language)
print(json.dumps({"at_start": started, "after": {k: built[k] - started[k] for k in built}}))
"""


def _cold_work(env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", COUNT_COLD_WORK, env], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_served_worker_builds_templates_and_dictionaries_before_its_first_request():
    served = _cold_work("development")
    assert served["at_start"]["templates"] > 50  # every page, partial and component
    assert served["at_start"]["dictionaries"] == 2  # Dutch and English
    assert served["after"] == {"templates": 0, "dictionaries": 0}
    # The test suite's apps skip it (env "test"): then the same requests build them all.
    untouched = _cold_work("test")
    assert untouched["at_start"] == {"templates": 0, "dictionaries": 0}
    assert untouched["after"]["templates"] > 50 and untouched["after"]["dictionaries"] == 2
