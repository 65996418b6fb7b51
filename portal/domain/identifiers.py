"""Dutch identifiers: BSN, RSIN, KVK number and vestigingsnummer.

Why: these numbers decide whose cases a person may see, so a typo must be caught before
any lookup. BSN and RSIN carry a check digit (the "11-proef"); KVK and
vestigingsnummer have a fixed length only (the KVK does not publish a check digit rule
for them, so we do not invent one).

``is_valid_*`` check a value exactly as given (no clean-up); ``validate_*`` first
remove the spaces, dots and dashes people type, then check, and return the clean value
or raise ``InvalidIdentifier`` whose ``code`` the web layer translates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeGuard

__all__ = [
    "InvalidIdentifier",
    "is_valid_bsn",
    "is_valid_kvk",
    "is_valid_rsin",
    "is_valid_vestigingsnummer",
    "normalise_identifier",
    "validate_bsn",
    "validate_kvk",
    "validate_rsin",
    "validate_vestigingsnummer",
]

_SEPARATORS: Final = re.compile(r"[\s.\-]")
# [0-9], not \d or str.isdigit(): those accept Arabic-Indic and other Unicode digits.
_DIGITS = {n: re.compile(rf"[0-9]{{{n}}}") for n in (8, 9, 12)}


class InvalidIdentifier(ValueError):
    """A BSN/RSIN/KVK/vestigingsnummer that fails validation.

    ``code`` is stable ("bsn_invalid", "rsin_invalid", "kvk_invalid",
    "vestiging_invalid") so the web layer can show a translated message; the English
    message is for logs and developers.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def normalise_identifier(value: str | None) -> str:
    """Remove the spaces, dots and dashes people type ("1234.56.782" -> "123456782").

    ``None`` becomes "" so form handling never crashes on a missing field.
    """
    if value is None:
        return ""
    return _SEPARATORS.sub("", str(value))


def _has_digits(value: object, length: int) -> TypeGuard[str]:
    return isinstance(value, str) and _DIGITS[length].fullmatch(value) is not None


def _not_all_zeros(value: str) -> bool:
    return value.strip("0") != ""


def _passes_eleven_test(value: str) -> bool:
    """The BSN 11-proef: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(c) for w, c in zip(weights, value, strict=True)) % 11 == 0


def is_valid_bsn(value: str | None) -> bool:
    """Exactly 9 digits, passes the 11-proef, and not 000000000.

    Eight-digit BSNs exist historically but are written with a leading zero; we require
    the 9-digit form so there is one canonical value to match on.
    """
    return _has_digits(value, 9) and _not_all_zeros(value) and _passes_eleven_test(value)


def is_valid_rsin(value: str | None) -> bool:
    """RSIN: 9 digits with the same 11-proef as the BSN (it is issued from the same range)."""
    return is_valid_bsn(value)


def is_valid_kvk(value: str | None) -> bool:
    """KVK number: exactly 8 digits, not all zeros."""
    return _has_digits(value, 8) and _not_all_zeros(value)


def is_valid_vestigingsnummer(value: str | None) -> bool:
    """Vestigingsnummer (branch number): exactly 12 digits, not all zeros."""
    return _has_digits(value, 12) and _not_all_zeros(value)


def _validate(value: str | None, check: Callable[[str], bool], code: str, what: str) -> str:
    clean = normalise_identifier(value)
    if not check(clean):
        # The value itself is left out on purpose: a BSN must not end up in logs (AVG/GDPR).
        raise InvalidIdentifier(code, f"Not a valid {what}.")
    return clean


def validate_bsn(value: str | None) -> str:
    """Normalise and check a BSN; return the 9 clean digits or raise code "bsn_invalid"."""
    return _validate(value, is_valid_bsn, "bsn_invalid", "BSN (9 digits, 11-proef)")


def validate_rsin(value: str | None) -> str:
    """Normalise and check an RSIN; return the 9 clean digits or raise code "rsin_invalid"."""
    return _validate(value, is_valid_rsin, "rsin_invalid", "RSIN (9 digits, 11-proef)")


def validate_kvk(value: str | None) -> str:
    """Normalise and check a KVK number; return the 8 digits or raise code "kvk_invalid"."""
    return _validate(value, is_valid_kvk, "kvk_invalid", "KVK number (8 digits)")


def validate_vestigingsnummer(value: str | None) -> str:
    """Normalise and check a vestigingsnummer; return 12 digits or raise "vestiging_invalid"."""
    return _validate(value, is_valid_vestigingsnummer, "vestiging_invalid", "vestigingsnummer (12 digits)")
