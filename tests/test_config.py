"""Production refuses unsafe settings; development creates its own secret once."""

from __future__ import annotations

import os
import stat

import pytest

from portal.app import create_app
from portal.config import ConfigurationError, Settings, get_settings

GOOD_SECRET = "a-production-secret-of-at-least-32-characters-0123"


def production(tmp_path, **overrides) -> Settings:
    values = {
        "env": "production",
        "var_dir": tmp_path,
        "secret_key": GOOD_SECRET,
        "database_url": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "simulator_enabled": False,
        "base_url": "https://mijnzaken.voorbeeldstad.example",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"secret_key": None}, "PORTAL_SECRET_KEY is not set"),
        ({"secret_key": "too-short"}, "PORTAL_SECRET_KEY is shorter than 32 characters"),
        ({"database_url": None}, "PORTAL_DATABASE_URL is not set"),
        ({"simulator_enabled": True}, "PORTAL_SIMULATOR_ENABLED must be false"),
        ({"base_url": "http://mijnzaken.voorbeeldstad.example"}, "PORTAL_BASE_URL must start with https://"),
    ],
    ids=["no-secret", "short-secret", "no-database", "simulator-on", "no-https"],
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
