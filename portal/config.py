"""The one settings object. Every setting comes from an environment variable
prefixed ``PORTAL_`` and has a safe default for a developer's machine.

Production mode (``PORTAL_ENV=production``) refuses to start with the
development conveniences still switched on (see ``Settings.check_production``).
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A setting makes it unsafe or impossible to start; the message says which."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str | None = None
    secret_key: str | None = None
    base_url: str = "http://127.0.0.1:8000"

    # The municipality this deployment serves (shown in header and footer).
    municipality_name: str = "Gemeente Voorbeeldstad"
    municipality_phone: str = "14 0123"
    # When the phone line is open, as residents read it (shown on every page).
    municipality_phone_hours_nl: str = "maandag tot en met vrijdag van 8.00 tot 17.00 uur"
    municipality_phone_hours_en: str = "Monday to Friday, 8 am to 5 pm"

    # Login simulator (a built-in OIDC provider for development, demos and tests).
    simulator_enabled: bool = True

    # OIDC providers: the simulator by default; a broker in production.
    digid_discovery_url: str | None = None
    digid_client_id: str = "mijn-zaken-digid"
    digid_client_secret: str | None = None
    digid_bsn_claim: str = "bsn"
    digid_level_claim: str = "acr"
    eherkenning_discovery_url: str | None = None
    eherkenning_client_id: str = "mijn-zaken-eherkenning"
    eherkenning_client_secret: str | None = None
    eherkenning_kvk_claim: str = "kvk"
    eherkenning_branch_claim: str = "vestigingsnummer"
    eherkenning_level_claim: str = "acr"
    staff_discovery_url: str | None = None
    staff_client_id: str = "mijn-zaken-staff"
    staff_client_secret: str | None = None

    # Sessions (issue: idle 15 minutes with a warning 2 minutes before; 8 hours absolute).
    session_idle_minutes: int = Field(default=15, ge=1)
    session_warning_minutes: int = Field(default=2, ge=1)
    session_absolute_hours: int = Field(default=8, ge=1)

    # Sign-in rate limit: attempts per window, per client address and per identifier.
    login_rate_limit: int = Field(default=10, ge=1)
    login_rate_window_seconds: int = Field(default=300, ge=1)

    # Uploads
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    upload_dir: Path | None = None

    # Mirror a ZGW case system (Open Zaak). No Zaken URL = the portal is its own case store.
    # Base URLs end in /api/v1; every resource the portal fetches must lie under one of them.
    zgw_zaken_url: str | None = None
    zgw_catalogi_url: str | None = None
    zgw_documenten_url: str | None = None
    zgw_notificaties_url: str | None = None
    # ZGW JWT (HS256): one client id and secret, or one per service (the _ZAKEN_ etc. ones win).
    zgw_client_id: str = "mijn-zaken"
    zgw_secret: str | None = None
    zgw_zaken_client_id: str | None = None
    zgw_zaken_secret: str | None = None
    zgw_catalogi_client_id: str | None = None
    zgw_catalogi_secret: str | None = None
    zgw_documenten_client_id: str | None = None
    zgw_documenten_secret: str | None = None
    zgw_notificaties_client_id: str | None = None
    zgw_notificaties_secret: str | None = None
    zgw_user_id: str = "mijn-zaken-portal"
    zgw_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    zgw_retries: int = Field(default=2, ge=0, le=10)
    zgw_backoff_seconds: float = Field(default=0.3, ge=0, le=30)
    zgw_breaker_failures: int = Field(default=5, ge=1)
    zgw_breaker_reset_seconds: float = Field(default=30.0, gt=0)
    # Documents shared with the parties (ZGW vertrouwelijkheidaanduiding), comma separated.
    # Never intern nor anything above zaakvertrouwelijk (refused at start-up).
    zgw_document_confidentiality: str = "openbaar,beperkt_openbaar,zaakvertrouwelijk"
    # The Authorization header Open Notificaties sends (the subscription's ``auth``).
    zgw_webhook_auth: str | None = None
    zgw_webhook_max_bytes: int = Field(default=16 * 1024, ge=1024)
    zgw_callback_url: str | None = None
    # A resident's cases are refreshed at sign-in when our copy is older than this.
    zgw_sync_window_minutes: int = Field(default=15, ge=0)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'portal.sqlite3'}"

    @property
    def effective_upload_dir(self) -> Path:
        return self.upload_dir or self.var_dir / "uploads"

    @property
    def zgw_enabled(self) -> bool:
        return bool(self.zgw_zaken_url)

    @property
    def zgw_allowed_confidentiality(self) -> frozenset[str]:
        """The document levels residents may open; refuses intern and anything above
        zaakvertrouwelijk (those are not shared with the parties to the case)."""
        allowed = {"openbaar", "beperkt_openbaar", "zaakvertrouwelijk"}
        levels = frozenset(part.strip() for part in self.zgw_document_confidentiality.split(",") if part.strip())
        refused = levels - allowed
        if refused:
            raise ConfigurationError(
                "PORTAL_ZGW_DOCUMENT_CONFIDENTIALITY may only name openbaar, beperkt_openbaar and "
                f"zaakvertrouwelijk; refused: {', '.join(sorted(refused))}"
            )
        return levels

    @property
    def effective_zgw_callback_url(self) -> str:
        return self.zgw_callback_url or self.base_url.rstrip("/") + "/api/zgw/notificaties"

    @property
    def cookie_secure(self) -> bool:
        return self.is_production or self.base_url.startswith("https://")

    def check_production(self) -> None:
        """Refuse to start in production with development defaults."""
        if not self.is_production:
            return
        problems = []
        if not self.secret_key:
            problems.append("PORTAL_SECRET_KEY is not set (use at least 32 random characters)")
        elif len(self.secret_key) < 32:
            problems.append("PORTAL_SECRET_KEY is shorter than 32 characters")
        if not self.database_url:
            problems.append("PORTAL_DATABASE_URL is not set (production needs PostgreSQL)")
        if self.simulator_enabled:
            problems.append("PORTAL_SIMULATOR_ENABLED must be false: the login simulator is for development only")
        if not self.base_url.startswith("https://"):
            problems.append("PORTAL_BASE_URL must start with https:// in production")
        if self.zgw_enabled:
            if not (self.zgw_catalogi_url and self.zgw_documenten_url):
                problems.append("PORTAL_ZGW_CATALOGI_URL and PORTAL_ZGW_DOCUMENTEN_URL are needed with PORTAL_ZGW_ZAKEN_URL")
            if not self.zgw_secret and not self.zgw_zaken_secret:
                problems.append("PORTAL_ZGW_SECRET (or one per service) is not set")
            if not self.zgw_webhook_auth or len(self.zgw_webhook_auth) < 20:
                problems.append("PORTAL_ZGW_WEBHOOK_AUTH must be set (at least 20 characters)")
        if problems:
            raise ConfigurationError(
                "Refusing to start in production mode:\n- " + "\n- ".join(problems)
            )

    def resolved_secret_key(self) -> str:
        """The signing key. In development it is generated once into var/ so
        sessions survive a restart without anyone putting a secret in the repo."""
        if self.secret_key:
            return self.secret_key
        self.check_production()
        path = self.var_dir / "secret_key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
