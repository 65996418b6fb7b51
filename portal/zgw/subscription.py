"""Register the portal's webhook with a Notificaties API (``abonnement``), idempotently:
an existing subscription with the same callback URL and channels is left as it is."""

from __future__ import annotations

from portal.config import Settings
from portal.zgw.client import ZgwClient, ZgwError
from portal.zgw.notifications import CHANNELS


def ensure_subscription(client: ZgwClient, settings: Settings) -> tuple[bool, str]:
    """Returns (created, url of the subscription)."""
    if not settings.zgw_webhook_auth:
        raise ZgwError("not_configured", "PORTAL_ZGW_WEBHOOK_AUTH")
    callback = settings.effective_zgw_callback_url
    endpoint = client.url("notificaties", "abonnement")
    for existing in client.paginate(endpoint):
        names = {kanaal.get("naam") for kanaal in existing.get("kanalen") or [] if isinstance(kanaal, dict)}
        if existing.get("callbackUrl") == callback and set(CHANNELS) <= names:
            return False, str(existing.get("url", ""))
    created = client.post_json(
        endpoint,
        {
            "callbackUrl": callback,
            "auth": settings.zgw_webhook_auth,
            "kanalen": [{"naam": name, "filters": {}} for name in CHANNELS],
        },
    )
    return True, str(created.get("url", "")) if isinstance(created, dict) else ""
