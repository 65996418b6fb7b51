"""Production refuses unsafe settings; development creates its own secret once."""

from __future__ import annotations

import os
import stat

import pytest

from portal.app import create_app
from portal.config import DEVELOPMENT_NOTIFY_KEY, ConfigurationError, Settings, get_settings
from tests.production import production_channels

GOOD_SECRET = "a-production-secret-of-at-least-32-characters-0123"


def production(tmp_path, **overrides) -> Settings:
    values = {
        "env": "production",
        "var_dir": tmp_path,
        "secret_key": GOOD_SECRET,
        # Not connected to: creating the app opens no connection.
        "database_url": "postgresql+psycopg://portal:portal@127.0.0.1:5432/portal",
        "simulator_enabled": False,
        "base_url": "https://mijnzaken.voorbeeldstad.example",
        **production_channels(tmp_path),
    }
    values.update(overrides)
    return Settings(**values)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"secret_key": None}, "PORTAL_SECRET_KEY is not set"),
        ({"secret_key": "too-short"}, "PORTAL_SECRET_KEY is shorter than 32 characters"),
        ({"database_url": None}, "PORTAL_DATABASE_URL is not set"),
        ({"database_url": "sqlite:////var/lib/portal/portal.sqlite3"}, "must be a PostgreSQL URL in production"),
        ({"smtp_host": "127.0.0.1", "smtp_port": 8025}, "PORTAL_SMTP_HOST (and _PORT) must name"),
        ({"letter_dir": None}, "PORTAL_LETTER_DIR must name the folder"),
        (
            {"notify_api_key": "live-0a1b2c3d-aaaa-bbbb-cccc-000000000000-0a1b2c3d-aaaa-bbbb-cccc-000000000000"},
            "PORTAL_NOTIFY_BASE_URL must name the Notify service",
        ),
        ({"simulator_enabled": True}, "PORTAL_SIMULATOR_ENABLED must be false"),
        ({"base_url": "http://mijnzaken.voorbeeldstad.example"}, "PORTAL_BASE_URL must start with https://"),
    ],
    ids=[
        "no-secret",
        "short-secret",
        "no-database",
        "sqlite",
        "smtp-sink",
        "no-letter-dir",
        "notify-sink",
        "simulator-on",
        "no-https",
    ],
)
def test_production_refuses_to_start(tmp_path, overrides, message):
    with pytest.raises(ConfigurationError) as raised:
        create_app(production(tmp_path, **overrides))
    text = str(raised.value)
    assert text.startswith("Refusing to start in production mode")
    assert message in text
    assert text.count("\n- ") == 1  # only the one problem, named clearly
    assert not (tmp_path / "secret_key").exists()  # no development secret was made


def test_production_lists_every_problem_at_once(tmp_path):
    settings = production(
        tmp_path, secret_key=None, database_url=None, simulator_enabled=True, base_url="http://127.0.0.1:8000"
    )
    with pytest.raises(ConfigurationError) as raised:
        settings.check_production()
    assert str(raised.value).count("\n- ") == 4


def test_production_refuses_the_development_notify_key(tmp_path):
    settings = production(
        tmp_path, notify_api_key=DEVELOPMENT_NOTIFY_KEY, notify_base_url="https://api.notify.voorbeeldstad.example"
    )
    with pytest.raises(ConfigurationError, match="development key of the local sink"):
        settings.check_production()


def test_production_needs_the_mail_server_named_even_if_it_equals_a_default(tmp_path):
    """The SMTP host has a developer's default (the local sink); production must say which
    server it means, so an unset variable never sends residents' mail into a local folder."""
    values = {
        key: value for key, value in production(tmp_path).model_dump().items() if key not in ("smtp_host", "smtp_port")
    }
    with pytest.raises(ConfigurationError, match="PORTAL_SMTP_HOST"):
        Settings(**values).check_production()


def test_production_with_safe_settings_starts(tmp_path):
    app = create_app(production(tmp_path))
    try:
        assert app.state.secret_key == GOOD_SECRET
        assert app.state.settings.cookie_secure
        assert not any(getattr(route, "path", "").startswith("/simulator") for route in app.routes)
    finally:
        app.state.engine.dispose()
    assert not (tmp_path / "secret_key").exists()


def test_the_app_refuses_to_start_from_the_environment(tmp_path, monkeypatch):
    """What an operator sees with `uvicorn portal.main:app` and only PORTAL_ENV=production:
    ``create_app()`` reads the environment through ``get_settings()``."""
    for key in list(os.environ):
        if key.startswith("PORTAL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError) as raised:
            create_app()
    finally:
        get_settings.cache_clear()  # later callers read the restored environment
    for problem in (
        "PORTAL_SECRET_KEY is not set",
        "PORTAL_DATABASE_URL is not set",
        "PORTAL_SIMULATOR_ENABLED must be false",
        "PORTAL_BASE_URL must start with https://",
    ):
        assert problem in str(raised.value)
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_secret_once_and_reuses_it(tmp_path):
    var_dir = tmp_path / "var"
    first = Settings(env="development", var_dir=var_dir, secret_key=None).resolved_secret_key()
    path = var_dir / "secret_key"
    assert path.read_text().strip() == first and len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # readable by the owner only

    again = Settings(env="development", var_dir=var_dir, secret_key=None).resolved_secret_key()
    assert again == first  # a restart keeps sessions and CSRF tokens valid

    other = Settings(env="development", var_dir=tmp_path / "elsewhere", secret_key=None).resolved_secret_key()
    assert other != first  # generated, not a constant from the code


def test_an_explicit_secret_wins_and_nothing_is_written(tmp_path):
    settings = Settings(env="development", var_dir=tmp_path, secret_key="explicit-" * 5)
    assert settings.resolved_secret_key() == "explicit-" * 5
    assert not (tmp_path / "secret_key").exists()


def test_settings_come_from_portal_environment_variables(tmp_path, monkeypatch):
    for key in list(os.environ):
        if key.startswith("PORTAL_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_BASE_URL", "https://example.org")
    monkeypatch.setenv("PORTAL_SIMULATOR_ENABLED", "false")
    monkeypatch.setenv("PORTAL_VAR_DIR", str(tmp_path))
    settings = Settings()
    assert (settings.env, settings.base_url, settings.simulator_enabled) == ("production", "https://example.org", False)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    with pytest.raises(ConfigurationError, match="PORTAL_SECRET_KEY is not set"):
        settings.resolved_secret_key()  # production never falls back to a generated key
