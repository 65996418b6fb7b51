"""The ONE check of "does this URL lie under that API base URL", used by the ZGW client
(every request, every redirect, every next-page link) and by the Notificaties webhook.

Comparing URLs as text is not enough: ``http://host/zaken/api/v1/../../../../x`` starts
with the Zaken API's base URL but names ``/x``. So both URLs are first brought to one
form: scheme and host in lower case, the default port (80 for http, 443 for https)
made explicit, and the path's dot segments removed as RFC 3986 §5.2.4 says, also when
the dots are percent-encoded (``%2e``). A URL with userinfo (``user@host``), a
backslash, whitespace or control characters, or an encoded slash or backslash
in the path (``%2f``, ``%5c``: a server may decode them into a path separator) is refused
outright; the query may hold encoded URLs (a next-page link's ``zaak=http%3A%2F%2F…``).
The client then requests the normalised URL, so what is checked is what is fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

MAX_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\]")
# In the path only: the query of a next-page link carries encoded URLs (zaak=http%3A%2F%2F…).
_FORBIDDEN_IN_PATH = re.compile("%2f|%5c|%00", re.IGNORECASE)
_ENCODED_DOT = re.compile("%2e", re.IGNORECASE)


@dataclass(frozen=True)
class CleanUrl:
    scheme: str
    host: str
    port: int
    path: str
    query: str

    def __str__(self) -> str:
        netloc = self.host if self.port == DEFAULT_PORTS[self.scheme] else f"{self.host}:{self.port}"
        return urlunsplit((self.scheme, netloc, self.path, self.query, ""))

    def is_under(self, base: CleanUrl) -> bool:
        """Same scheme, host and port, and the path is the base path or below it."""
        if (self.scheme, self.host, self.port) != (base.scheme, base.host, base.port):
            return False
        prefix = base.path.rstrip("/")
        return self.path == prefix or self.path.startswith(prefix + "/")


def remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, step by step."""
    source, output = path, ""
    while source:
        if source.startswith("../"):
            source = source[3:]
        elif source.startswith("./"):
            source = source[2:]
        elif source.startswith("/./"):
            source = "/" + source[3:]
        elif source == "/.":
            source = "/"
        elif source.startswith("/../"):
            source = "/" + source[4:]
            output = output[: output.rfind("/")] if "/" in output else ""
        elif source == "/..":
            source = "/"
            output = output[: output.rfind("/")] if "/" in output else ""
        elif source in (".", ".."):
            source = ""
        else:
            start = 1 if source.startswith("/") else 0
            end = source.find("/", start)
            end = len(source) if end == -1 else end
            output += source[:end]
            source = source[end:]
    return output


def clean(url: object) -> CleanUrl | None:
    """The URL in one comparable form, or None when it is not an acceptable http(s) URL."""
    if not isinstance(url, str) or not url or len(url) > MAX_LENGTH or _FORBIDDEN.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if _FORBIDDEN_IN_PATH.search(parts.path) or "%00" in parts.query:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or "@" in parts.netloc:
        return None
    if not url.isascii():
        return None
    path = remove_dot_segments(_ENCODED_DOT.sub(".", parts.path)) or "/"
    return CleanUrl(scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme], path, parts.query)


def under(url: object, bases: list[str] | tuple[str, ...]) -> CleanUrl | None:
    """The cleaned URL when it lies under one of ``bases`` (API base URLs), else None."""
    found = clean(url)
    if found is None:
        return None
    for base in bases:
        cleaned_base = clean(base) if base else None
        if cleaned_base is not None and found.is_under(cleaned_base):
            return found
    return None
