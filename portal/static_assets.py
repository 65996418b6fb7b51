"""Static files with content-hashed names and a year's cache lifetime.

Why: a browser should fetch the style sheet and scripts once, not ask again on every
page (seven conditional requests per navigation before), and must still get a new file
the moment it changes. So templates link ``static_url("css/portal.css")``, which gives
``/static/css/portal.3f9a1c0b2d.css``: the name carries a hash of the content, so the
file under that name never changes and may be kept for a year (``immutable``). A
changed file gets a new name on the next start.

The plain name (``/static/css/portal.css``) keeps working, with ``no-cache`` (the
browser checks with us before using its copy), for anything that links it directly.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{10})(?P<suffix>\.[A-Za-z0-9]+)$")


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def hashed_name(name: str, digest: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"


class HashedStaticFiles(StaticFiles):
    """Serves ``name.<hash>.ext`` as ``name.ext`` when the hash matches the file's
    content (immutable, a year), and the plain name with ``no-cache``. A hash that does
    not match (an old page asking for an old file) is a 404, never the new content
    under an old name."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory=directory)
        self.root = Path(directory)
        self.hashes: dict[str, str] = {}
        for folder, _dirs, files in os.walk(self.root):
            for filename in files:
                path = Path(folder) / filename
                self.hashes[path.relative_to(self.root).as_posix()] = content_hash(path)

    def url(self, name: str) -> str:
        """The public URL of a file under ``static/``, e.g. ``css/portal.css``."""
        digest = self.hashes.get(name)
        if digest is None:
            raise KeyError(f"No static file {name!r} (is it under portal/static/?)")
        return f"/static/{hashed_name(name, digest)}"

    def get_path(self, scope: Scope) -> str:
        path = super().get_path(scope)
        scope["portal.static_hashed"] = False
        match = _HASHED.match(path.replace(os.sep, "/"))
        if match:
            plain = f"{match['stem']}{match['suffix']}"
            if self.hashes.get(plain) == match["hash"]:
                scope["portal.static_hashed"] = True
                return plain
        return path

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE if scope.get("portal.static_hashed") else REVALIDATE
        return response
