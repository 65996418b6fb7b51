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
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from portal.domain.confidentiality import DEFAULT_ALLOWED, LEVELS, parse_allow_list

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
    # Database connections per app worker (PostgreSQL). The worker runs at most this many
    # requests at once; more wait their turn instead of failing. A request that cannot get a
    # connection within the timeout gets a 503 page.
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0, le=120)

    # The municipality this deployment serves (shown in header and footer).
    municipality_name: str = "Gemeente Voorbeeldstad"
    municipality_phone: str = "14 0123"
    # When the phone line is open, as residents read it (shown on every page).
    municipality_phone_hours_nl: str = "maandag tot en met vrijdag van 8.00 tot 17.00 uur"
    municipality_phone_hours_en: str = "Monday to Friday, 8 am to 5 pm"
    # Mirror mode on an empty database: the municipality (ZGW bronorganisatie) is created from
    # these at start-up (portal.services.organisation.ensure_organisation). RSIN: 9 digits.
    municipality_rsin: str | None = None
    municipality_email: str = ""
    municipality_visiting_address: str = ""
    municipality_postal_address: str = ""

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

    # Decision dates: warn staff when Awb 4:14 extensions together are longer than this
    # share of the case type's legal term (1.0 = longer than the term itself).
    extension_warning_share: float = Field(default=1.0, gt=0)
    # Host names this portal answers to, besides the host of base_url (which is always
    # allowed). A request with any other Host header is refused with 400, so no
    # redirect or link can be built from a Host an attacker chose.
    allowed_hosts: list[str] = []
    # Addresses of the reverse proxies in front of the portal. Only a request from one of
    # these may tell us the client's address (X-Forwarded-For) and scheme
    # (X-Forwarded-Proto); from anyone else those headers are ignored. Run uvicorn with
    # --no-proxy-headers: uvicorn's own handling trusts every local address.
    trusted_proxies: list[str] = []
    # Deadline watch (issue 11): warn handler and team lead when this many working days or
    # fewer remain without a decision or extension; how often the worker looks.
    deadline_warning_working_days: int = Field(default=10, ge=0, le=60)
    deadline_watch_interval_seconds: float = Field(default=3600, gt=0)
    deadline_watch_enabled: bool = True

    # Uploads
    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    upload_dir: Path | None = None

    # Notices that leave the portal (portal/notify). Defaults point at the local sinks that
    # `make run` starts (devtools/notify_sink); production sets the real services.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=8025, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    # A Notify-compatible API (GOV.UK Notify, NotifyNL). Without a key no SMS is sent:
    # the SMS choice is then not offered on the preferences page.
    notify_base_url: str = "http://127.0.0.1:8026"
    notify_api_key: str | None = None
    notify_timeout_seconds: float = Field(default=10, gt=0)
    notify_sms_template_nl: str = "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e01"
    notify_sms_template_en: str = "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e02"
    letter_dir: Path | None = None
    # The worker: how often it looks for work, how it retries.
    worker_poll_seconds: float = Field(default=2, gt=0)
    worker_batch_size: int = Field(default=20, ge=1)
    delivery_max_attempts: int = Field(default=8, ge=1)
    delivery_base_delay_seconds: float = Field(default=30, ge=0)
    delivery_max_delay_seconds: float = Field(default=6 * 3600, ge=0)
    delivery_lease_seconds: float = Field(default=120, gt=0)
    email_confirmation_hours: int = Field(default=24, ge=1)

    @property
    def effective_letter_dir(self) -> Path:
        return self.letter_dir or self.var_dir / "letters"

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
    # Zaken and documents shared with the parties (ZGW vertrouwelijkheidaanduiding), comma
    # separated; one list for both (portal.domain.confidentiality). Default: openbaar,
    # beperkt_openbaar, zaakvertrouwelijk (intern may be added); above zaakvertrouwelijk is refused.
    zgw_confidentiality: str = ",".join(sorted(DEFAULT_ALLOWED, key=LEVELS.index))
    # Replaced by zgw_confidentiality (one list for zaken and documents); refused when set.
    zgw_document_confidentiality: str | None = None
    # The Authorization header Open Notificaties sends (the subscription's ``auth``).
    zgw_webhook_auth: str | None = None
    zgw_webhook_max_bytes: int = Field(default=16 * 1024, ge=1024)
    zgw_callback_url: str | None = None
    # A resident's cases are refreshed at sign-in when our copy is older than this.
    zgw_sync_window_minutes: int = Field(default=15, ge=0)
    # The worker's reconciliation (catches missed notifications); 0 switches it off.
    zgw_reconcile_interval_minutes: int = Field(default=60, ge=0)
    # The informatieobjecttype (Catalogi API URL) of a resident's upload in the Documenten
    # API; without it uploads stay in the portal only.
    zgw_upload_informatieobjecttype: str | None = None

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
    def host_names(self) -> frozenset[str]:
        """Every Host (without port) the portal answers to: base_url's, allowed_hosts and,
        outside production, the loopback names a developer's browser uses."""
        names = {urlsplit(self.base_url).hostname or "", *(host.lower() for host in self.allowed_hosts)}
        if not self.is_production:
            names |= {"127.0.0.1", "localhost", "::1"}
        return frozenset(name for name in names if name)

    @property
    def zgw_enabled(self) -> bool:
        return bool(self.zgw_zaken_url)

    @property
    def zgw_allowed_confidentiality(self) -> frozenset[str]:
        """The vertrouwelijkheidaanduiding levels of zaken and documents the parties may
        see (``portal.domain.confidentiality``); anything above zaakvertrouwelijk is refused."""
        if self.zgw_document_confidentiality is not None:
            raise ConfigurationError(
                "PORTAL_ZGW_DOCUMENT_CONFIDENTIALITY is replaced by PORTAL_ZGW_CONFIDENTIALITY "
                "(one list for zaken and documents)"
            )
        try:
            return parse_allow_list(self.zgw_confidentiality)
        except ValueError as error:
            raise ConfigurationError(f"PORTAL_ZGW_CONFIDENTIALITY: {error}") from None

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
                problems.append(
                    "PORTAL_ZGW_CATALOGI_URL and PORTAL_ZGW_DOCUMENTEN_URL are needed with PORTAL_ZGW_ZAKEN_URL"
                )
            if not self.zgw_secret and not self.zgw_zaken_secret:
                problems.append("PORTAL_ZGW_SECRET (or one per service) is not set")
            if not self.zgw_webhook_auth or len(self.zgw_webhook_auth) < 20:
                problems.append("PORTAL_ZGW_WEBHOOK_AUTH must be set (at least 20 characters)")
        if problems:
            raise ConfigurationError("Refusing to start in production mode:\n- " + "\n- ".join(problems))

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
