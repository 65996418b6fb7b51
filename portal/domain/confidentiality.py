"""Which ZGW ``vertrouwelijkheidaanduiding`` levels reach the parties to a case.

One allow-list for zaken and documents (setting ``PORTAL_ZGW_CONFIDENTIALITY``). The ZGW
levels are ordered, least to most restricted (Zaken API 1.5.1 and Documenten API 1.5.0,
enum ``VertrouwelijkheidaanduidingEnum``; RGBZ):

    openbaar < beperkt_openbaar < intern < zaakvertrouwelijk < vertrouwelijk
             < confidentieel < geheim < zeer_geheim

``zaakvertrouwelijk`` is "for those involved in the zaak" -- the resident or business the
zaak is about is involved. Everything above it (vertrouwelijk and up) is never shown,
whatever the setting says.

``intern`` sits below zaakvertrouwelijk in that order, but the order ranks how far a
*municipality's own applications* may look; by its meaning (RGBZ) ``intern`` is "for the
organisation's own staff", and the parties to a zaak are outside the organisation
(municipalities mark internal memos and advice ``intern``). So the default is openbaar,
beperkt_openbaar and zaakvertrouwelijk -- the documents' rule before issue 18, now for
zaken too -- and a municipality that uses ``intern`` for things its residents may see
adds it to the setting (allowed: it is below zaakvertrouwelijk).

A zaak above the list is not stored by the sync and not shown by any query (defence in
depth: ``portal.services.access``); a document above it is not stored.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DEFAULT_ALLOWED", "HIGHEST_SHAREABLE", "LEVELS", "levels_up_to", "parse_allow_list"]

LEVELS: Final = (
    "openbaar",
    "beperkt_openbaar",
    "intern",
    "zaakvertrouwelijk",
    "vertrouwelijk",
    "confidentieel",
    "geheim",
    "zeer_geheim",
)
HIGHEST_SHAREABLE: Final = "zaakvertrouwelijk"


def levels_up_to(highest: str) -> frozenset[str]:
    """Every level up to and including ``highest`` (ValueError for an unknown level)."""
    if highest not in LEVELS:
        raise ValueError(f"Unknown vertrouwelijkheidaanduiding {highest!r}")
    return frozenset(LEVELS[: LEVELS.index(highest) + 1])


# Everything up to zaakvertrouwelijk but intern (see the module docstring).
DEFAULT_ALLOWED: Final = levels_up_to(HIGHEST_SHAREABLE) - {"intern"}


def parse_allow_list(text: str) -> frozenset[str]:
    """A comma-separated setting → the allowed levels. ValueError for an unknown level, a
    level above zaakvertrouwelijk, or an empty list."""
    levels = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = levels - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown level(s): {', '.join(sorted(unknown))}")
    refused = levels - levels_up_to(HIGHEST_SHAREABLE)
    if refused:
        raise ValueError(
            f"only levels up to and including {HIGHEST_SHAREABLE} may be shared; refused: {', '.join(sorted(refused))}"
        )
    if not levels:
        raise ValueError("the list is empty")
    return levels
