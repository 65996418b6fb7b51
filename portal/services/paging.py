"""Keyset pagination ("next page" links without page numbers): a page link carries the
sort key of the last row shown, so the next page starts right after it however many
rows come before it -- a business with thousands of cases, permits or messages pages as
fast as a resident with three.

The link text is opaque (URL-safe base64 of the key's parts); anything we did not make
is refused with ``PageLinkError`` and the page shows its first page with a message."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TypeVar

from portal.i18n import N_

PAGE_SIZE = 25
MAX_LINK_LENGTH = 120
LINK_NOT_OURS = N_("The page link is not valid (perhaps it was cut off). We show the first page instead.")
Page = TypeVar("Page")


class PageLinkError(ValueError):
    """A page link that is not one we made (cut off, edited, too long)."""


def encode(*parts: str) -> str:
    raw = "|".join(parts)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(text: str, count: int) -> list[str]:
    """The ``count`` parts of a link made by ``encode``; PageLinkError for anything else."""
    try:
        if len(text) > MAX_LINK_LENGTH:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise PageLinkError(text[:20]) from error
    parts = raw.split("|")
    if len(parts) != count:
        raise PageLinkError(text[:20])
    return parts


def page_or_first(load: Callable[[str | None], Page], link: str | None) -> tuple[Page, bool]:
    """The page ``link`` names, or -- when the link is not ours -- the first page and True
    (the page then shows LINK_NOT_OURS with a 400)."""
    try:
        return load(link), False
    except PageLinkError:
        return load(None), True
