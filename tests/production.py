"""Production settings for tests that need a production-mode app.

Production refuses the development sinks and SQLite (``Settings.check_production``;
tested in tests/test_config.py). Tests of *other* production behaviour (secure cookies,
HSTS, sign-in hardening) run on the suite's own test database, which is SQLite in the
default run: the ``on_the_test_database`` fixture (tests/conftest.py) lifts only the
database refusal for such a test.
"""

from __future__ import annotations

# What an operator names for the channels (no mail is sent by these tests).
PRODUCTION_CHANNELS = {"smtp_host": "smtp.voorbeeldstad.example", "smtp_port": 587}


def production_channels(tmp_path) -> dict:
    return {**PRODUCTION_CHANNELS, "letter_dir": tmp_path / "print-street"}
