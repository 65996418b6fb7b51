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

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from portal.domain.confidentiality import DEFAULT_ALLOWED, LEVELS, parse_allow_list

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# The local sinks `make run` starts (devtools/notify_sink): refused in production.
DEVELOPMENT_SMTP = ("127.0.0.1", 8025)
DEVELOPMENT_NOTIFY = "http://127.0.0.1:8026"
DEVELOPMENT_NOTIFY_KEY = "dev-11111111-2222-3333-4444-555555555555-66666666-7777-8888-9999-000000000000"


class ConfigurationError(RuntimeError):
    """A setting makes it unsafe or impossible to start; the message says which."""


class MandatedService(BaseModel):
    """A service residents can mandate someone for (DigiD Machtigen ServiceUUID, eHerkenning
    ServiceID/ServiceUUID): its name as shown in the banner, and the case types (``CaseType.code``)
    a representative with this mandate may see. ``role``: bewindvoerder, curator or mentor,
    when the service says so."""

    name_nl: str
    name_en: str
    case_types: list[str]
    role: str | None = None


# The demo municipality's mandated services (issue 20). A municipality sets its own with
# PORTAL_REPRESENTATION_SERVICES (JSON: service id -> {name_nl, name_en, case_types, role}).
DEMO_REPRESENTATION_SERVICES: dict[str, MandatedService] = {
    "b18dd73f-4e6a-4b8c-9d1e-2f3a4b5c6d01": MandatedService(
        name_nl="Wmo-ondersteuning", name_en="Wmo support", case_types=["wmo-aanvraag"]
    ),
    "b18dd73f-4e6a-4b8c-9d1e-2f3a4b5c6d02": MandatedService(
        name_nl="Bijstand", name_en="Social assistance", case_types=["bijstand"]
    ),
    "urn:etoegang:DV:00000001002308836000:services:9113": MandatedService(
        name_nl="Beschermingsbewind: inkomen en schulden",
        name_en="Protective administration: income and debts",
        case_types=["bijstand", "wmo-aanvraag", "bezwaar"],
        role="bewindvoerder",
    ),
}


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
    # PostgreSQL: psycopg prepares a statement on its sixth use on a connection (issue 22: no
    # planning per request). Off for a connection pooler in transaction mode that does not
    # support prepared statements (PgBouncer before 1.22, or a client libpq before 17).
    db_prepared_statements: bool = True

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
    # Acting for someone else (issue 20): two more OIDC clients, claim paths as the Dutch
    # brokers and Open Forms use them. A path is a literal claim name or a dotted path.
    digid_machtigen_discovery_url: str | None = None
    digid_machtigen_client_id: str = "mijn-zaken-digid-machtigen"
    digid_machtigen_client_secret: str | None = None
    digid_machtigen_representee_claim: str = "urn:nl-eid-gdi:1.0:LegalSubjectID"
    digid_machtigen_authorizee_claim: str = "urn:nl-eid-gdi:1.0:ActingSubjectID"
    digid_machtigen_service_claim: str = "urn:nl-eid-gdi:1.0:ServiceUUID"
    digid_machtigen_level_claim: str = "acr"
    digid_machtigen_min_level: str = "basis"
    eherkenning_bewindvoering_discovery_url: str | None = None
    eherkenning_bewindvoering_client_id: str = "mijn-zaken-eherkenning-bewindvoering"
    eherkenning_bewindvoering_client_secret: str | None = None
    eherkenning_bewindvoering_authorizee_claim: str = "urn:etoegang:core:LegalSubjectID"
    eherkenning_bewindvoering_qualifier_claim: str = "namequalifier"
    eherkenning_bewindvoering_representee_claim: str = "sel_uid"
    eherkenning_bewindvoering_acting_subject_claim: str = "urn:etoegang:core:ActingSubjectID"
    eherkenning_bewindvoering_service_claim: str = "urn:etoegang:core:ServiceID"
    eherkenning_bewindvoering_service_uuid_claim: str = "urn:etoegang:core:ServiceUUID"
    eherkenning_bewindvoering_branch_claim: str = "urn:etoegang:1.9:ServiceRestriction:Vestigingsnr"
    eherkenning_bewindvoering_level_claim: str = "acr"
    eherkenning_bewindvoering_min_level: str = "EH2+"
    # The mandate's last day, when the broker sends one (not standard; the simulator does).
    representation_valid_until_claim: str | None = "valid_until"
    # Optional: a claim that says bewindvoerder, curator or mentor.
    representation_role_claim: str | None = None
    representation_services: dict[str, MandatedService] = Field(
        default_factory=lambda: dict(DEMO_REPRESENTATION_SERVICES)
    )
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
    # "Mijn zaken": a search counts its matches up to this many and then says "more than"
    # (issue 22): its cost then stops growing with a business's cases. At least a page.
    search_count_limit: int = Field(default=200, ge=25, le=100_000)
    # PostgreSQL: a search of a party with more cases than this reads this many in the
    # page's order, and asks the trigram index (migration 0024) for the rest only where
    # they did not fill its page or its count. Walking a row costs about 0.2 µs; the index
    # about 1-3 ms whatever the party's size, but a common text's every match.
    search_scan_limit: int = Field(default=5_000, ge=100, le=1_000_000)
    # Deadline watch (issue 11): warn handler and team lead when this many working days or
    # fewer remain without a decision or extension; how often the worker looks.
    deadline_warning_working_days: int = Field(default=10, ge=0, le=60)
    deadline_watch_interval_seconds: float = Field(default=3600, gt=0)
    deadline_watch_enabled: bool = True
    # Reminders to residents (issue 19): how often the worker looks (one worker per
    # interval, however many run); 0 switches them off.
    reminders_interval_minutes: int = Field(default=60, ge=0)

    # Complaints (issue 24, Awb title 9.1). Awb 9:7: never handled by the person complained
    # about; with this on, also not by anyone of that person's team (Den Haag, proposal 16).
    complaint_exclude_team: bool = True
    # Awb 9:12(2): the ombudsman the complainant can turn to next (the Nationale ombudsman,
    # or the municipality's own ombudsman if it has one), with contact details.
    ombudsman_name_nl: str = "de Nationale ombudsman"
    ombudsman_name_en: str = "the National Ombudsman (Nationale ombudsman)"
    ombudsman_website: str = "https://www.nationaleombudsman.nl"
    ombudsman_phone: str = "0800 335 55 55"
    ombudsman_address: str = "Postbus 93122, 2509 AC Den Haag"

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
    # Opening the connection only; replies are waited for as RFC 5321 4.5.3.2 says (up to 10 minutes).
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    # A Notify-compatible API (GOV.UK Notify, NotifyNL). Without a key no SMS is sent:
    # the SMS choice is then not offered on the preferences page.
    notify_base_url: str = "http://127.0.0.1:8026"
    notify_api_key: str | None = None
    notify_timeout_seconds: float = Field(default=10, gt=0)
    notify_sms_template_nl: str = "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e01"
    notify_sms_template_en: str = "5b1f2a4e-0c4e-4c1d-9d7e-6a1b2c3d4e02"
    # How often the worker asks Notify for the delivery receipts of sent SMS (issue 19).
    sms_receipt_interval_seconds: float = Field(default=60, gt=0)
    letter_dir: Path | None = None
    # The worker: how often it looks for work, how it retries.
    worker_poll_seconds: float = Field(default=2, gt=0)
    worker_batch_size: int = Field(default=20, ge=1)
    # Temporary failures are retried for this long after a delivery was queued (issue 19:
    # at least 72 hours, as a mail server would), at most an hour apart.
    delivery_give_up_hours: float = Field(default=72, ge=0)
    delivery_base_delay_seconds: float = Field(default=30, ge=0)
    delivery_max_delay_seconds: float = Field(default=3600, ge=0)
    # A worker's claim on a row; renewed while a send takes long (portal/notify/worker.py).
    delivery_lease_seconds: float = Field(default=120, gt=0)
    email_confirmation_hours: int = Field(default=24, ge=1)

    # Data retention (portal/services/retention.py; docs/operating/retention.md): days to
    # keep each kind, 0 = keep. The worker applies it every retention_interval_seconds.
    retention_login_attempt_days: int = Field(default=30, ge=0)
    retention_delivery_detail_days: int = Field(default=90, ge=0)
    retention_sent_upload_days: int = Field(default=30, ge=0)
    retention_closed_case_days: int = Field(default=0, ge=0)
    retention_audit_days: int = Field(default=0, ge=0)
    retention_interval_seconds: float = Field(default=3600, gt=0)

    # Operations (docs: metrics and logs). ``/metrics`` (Prometheus) answers only with this
    # bearer token; without one it is off (404). Log lines: "json" (default in production)
    # or "text".
    metrics_token: str | None = None
    log_format: Literal["text", "json"] | None = None

    @property
    def effective_log_format(self) -> str:
        return self.log_format or ("json" if self.is_production else "text")

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
    # Retry-After on a 503/429 is waited for up to this many seconds; longer is left to
    # the background retry.
    zgw_retry_after_max_seconds: float = Field(default=10.0, ge=0, le=120)
    # A refresh of one person's zaken fetches this many zaken at the same time.
    zgw_parallel_requests: int = Field(default=6, ge=1, le=32)
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
    # A representative who acts on a zaak gets a rol there (Open Zaak's mandate recipe):
    # of the zaaktype's roltype with this omschrijvingGeneriek. Not initiator by default:
    # the person who applied stays the zaak's only initiator (docs/operating/representation.md).
    zgw_representative_roltype: Literal[
        "belanghebbende", "initiator", "mede_initiator", "klantcontacter", "adviseur"
    ] = "belanghebbende"
    # /readyz shows its details (database, case system, last error) only to a caller
    # that sends "Authorization: Bearer <this token>"; anonymous callers get ready/not ready.
    readyz_token: str | None = None

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
        problems.extend(self.database_problems())
        problems.extend(self.channel_problems())
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

    def database_problems(self) -> list[str]:
        if not self.database_url:
            return ["PORTAL_DATABASE_URL is not set (production needs PostgreSQL)"]
        if not self.database_url.startswith("postgresql"):
            # SQLite is the zero-configuration default for one developer: one writer at a time,
            # no SKIP LOCKED for the workers, no second app worker on another machine.
            return ["PORTAL_DATABASE_URL must be a PostgreSQL URL in production (SQLite is for development)"]
        return []

    def channel_problems(self) -> list[str]:
        """Production must not send notices to the development sinks (devtools/notify_sink):
        a resident's e-mail would vanish into a local folder. E-mail is always a channel (the
        confirmation link, notices), so its server must be named; SMS is a channel only with a
        Notify key, and then its service must be named too; letters go to a folder the print
        street reads, so that folder must be named."""
        problems = []
        chosen = self.model_fields_set
        if "smtp_host" not in chosen or (self.smtp_host, self.smtp_port) == DEVELOPMENT_SMTP:
            problems.append(
                "PORTAL_SMTP_HOST (and _PORT) must name the municipality's mail server, not the development sink"
            )
        if self.notify_api_key:
            if "notify_base_url" not in chosen or self.notify_base_url.rstrip("/") == DEVELOPMENT_NOTIFY:
                problems.append("PORTAL_NOTIFY_BASE_URL must name the Notify service, not the development sink")
            if self.notify_api_key == DEVELOPMENT_NOTIFY_KEY:
                problems.append("PORTAL_NOTIFY_API_KEY is the development key of the local sink")
        if self.letter_dir is None:
            problems.append("PORTAL_LETTER_DIR must name the folder the print street collects letters from")
        return problems

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
