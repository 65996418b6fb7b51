"""How we reach a resident or business: checked e-mail addresses and mobile numbers,
the channels they chose, and which choice applies to a branch. Pure: no database.

Rules:

* The portal inbox is always on (issue 13); e-mail, SMS and letter are extra channels.
  A form that chooses nothing at all is refused with a message that says the inbox
  stays: "only the inbox" is a choice the resident makes explicitly.
* E-mail goes only to a confirmed address (a link that expires); an address is checked
  for its form here with the email-validator library (syntax and normalisation, no DNS;
  RFC 5321 lengths: 64 for the local part, 254 in all). Only what it accepts is stored.
* SMS goes only to a mobile number. Dutch numbers are typed as 06 1234 5678,
  +31 6 1234 5678 or 0031 6 1234 5678; international ones as +<country code>. The
  number plan (libphonenumber's metadata, the ``phonenumbers`` package) decides whether
  a number is a mobile one; the result is stored in E.164 (+31612345678).
* A business chooses for the company; a branch inherits that unless it chose itself.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

import phonenumbers
from email_validator import EmailNotValidError, validate_email

__all__ = [
    "CHANNEL_CHOICES",
    "ChannelChoice",
    "ReachabilityError",
    "PreferenceForm",
    "CheckedPreferences",
    "check_channel_choice",
    "check_preference_form",
    "normalise_email",
    "normalise_mobile",
    "preference_keys",
    "recipient_key",
]

CHANNEL_CHOICES: Final = ("inbox", "email", "sms", "letter")
_MOBILE_TYPES: Final = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


class ReachabilityError(ValueError):
    """Refused input; ``code`` picks the translated message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_email(raw: str | None) -> str:
    """The address as the email-validator library (what pydantic uses) accepts and
    normalises it (the domain in lower case, IDN domains in their ASCII form), without a
    DNS lookup; ReachabilityError('email_missing' / 'email_invalid') otherwise. Only a
    bare address is accepted: no display name, comments, quoted or unquoted lists
    (``<script>…</script>@b.example``, ``x,evil.example@b.example``), and no non-ASCII
    local part (not every mail server takes SMTPUTF8)."""
    value = (raw or "").strip()
    if not value:
        raise ReachabilityError("email_missing")
    if len(value) > 254 or any(unicodedata.category(char).startswith("C") for char in value):
        raise ReachabilityError("email_invalid")
    try:
        checked = validate_email(
            value, check_deliverability=False, allow_smtputf8=False, allow_display_name=False, allow_quoted_local=False
        )
    except EmailNotValidError:
        raise ReachabilityError("email_invalid") from None
    address = checked.ascii_email or checked.normalized
    if len(address) > 254 or len(address.rpartition("@")[0]) > 64:  # RFC 5321 4.5.3.1
        raise ReachabilityError("email_invalid")
    return address


def normalise_mobile(raw: str | None) -> str:
    """A mobile number in E.164, or ReachabilityError('phone_missing' / 'phone_invalid' /
    'phone_not_mobile'). Numbers without a country code are read as Dutch."""
    value = (raw or "").strip()
    if not value:
        raise ReachabilityError("phone_missing")
    if len(value) > 30 or not re.fullmatch(r"\+?[0-9 ()./-]+", value):
        raise ReachabilityError("phone_invalid")
    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        raise ReachabilityError("phone_invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ReachabilityError("phone_invalid")
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ReachabilityError("phone_not_mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@dataclass(frozen=True)
class ChannelChoice:
    email: bool
    sms: bool
    letter: bool

    @property
    def inbox_only(self) -> bool:
        return not (self.email or self.sms or self.letter)


def check_channel_choice(chosen: set[str] | frozenset[str]) -> ChannelChoice:
    """The channels ticked on the form. Nothing ticked → 'no_channel' (the message says
    the inbox stays and how to choose only the inbox); 'inbox' together with another
    channel is fine (the inbox is always on). Unknown values → 'channel_unknown'."""
    if not chosen:
        raise ReachabilityError("no_channel")
    if not set(chosen) <= set(CHANNEL_CHOICES):
        raise ReachabilityError("channel_unknown")
    return ChannelChoice(email="email" in chosen, sms="sms" in chosen, letter="letter" in chosen)


def recipient_key(*, bsn: str | None = None, kvk: str | None = None, branch: str | None = None) -> str:
    """The key a preference is stored under: 'bsn:…', 'kvk:…' or 'kvk:…:<branch>'."""
    if bsn:
        return f"bsn:{bsn}"
    if kvk:
        return f"kvk:{kvk}:{branch}" if branch else f"kvk:{kvk}"
    raise ValueError("A recipient has a BSN or a KVK number")


def preference_keys(*, bsn: str | None = None, kvk: str | None = None, branch: str | None = None) -> tuple[str, ...]:
    """Where to look for the preference that applies, most specific first: a branch's own
    choice, then the company's."""
    if bsn:
        return (recipient_key(bsn=bsn),)
    if branch:
        return (recipient_key(kvk=kvk, branch=branch), recipient_key(kvk=kvk))
    return (recipient_key(kvk=kvk),)


@dataclass(frozen=True)
class PreferenceForm:
    """What the 'How we reach you' form sent, as typed. ``current_email`` and
    ``pending_email`` are what is stored now (the confirmed address and the one waiting
    for its link)."""

    channels: frozenset[str]
    language: str
    email: str
    phone: str
    postal_name: str
    postal_address: str
    current_email: str | None = None
    pending_email: str | None = None


@dataclass(frozen=True)
class CheckedPreferences:
    language: str
    choice: ChannelChoice
    email: str | None  # the address on the form, normalised; None when emptied
    new_email: bool  # neither the confirmed nor the waiting address: needs a link first
    phone: str | None  # E.164
    postal_name: str
    postal_address: str


LANGUAGES: Final = ("nl", "en")
_MAX_ADDRESS_LINES: Final = 5


def _clean_lines(raw: str) -> str:
    return "\n".join(line.strip() for line in raw.replace("\r\n", "\n").split("\n") if line.strip())


def check_preference_form(form: PreferenceForm) -> tuple[CheckedPreferences | None, list[tuple[str, str]]]:
    """The form checked as a whole: (result, []) or (None, [(field, code), ...]).

    Nothing ticked is a valid choice here: the inbox is always on, so it means "only the
    inbox" (the page says so). The e-mail channel needs an address that is confirmed or
    waiting for its link (a new address on the same form counts: it is sent a link);
    SMS needs a mobile number; a letter needs a name and a postal address."""
    errors: list[tuple[str, str]] = []
    choice = ChannelChoice(email=False, sms=False, letter=False)
    try:
        choice = check_channel_choice(set(form.channels) | {"inbox"})
    except ReachabilityError as error:
        errors.append(("channels", error.code))
    language = form.language if form.language in LANGUAGES else ""
    if not language:
        errors.append(("language", "language_unknown"))

    email: str | None = None
    if form.email.strip():
        try:
            email = normalise_email(form.email)
        except ReachabilityError as error:
            errors.append(("email", error.code))
    elif choice.email:
        errors.append(("email", "email_needed"))

    phone: str | None = None
    if form.phone.strip():
        try:
            phone = normalise_mobile(form.phone)
        except ReachabilityError as error:
            errors.append(("phone", error.code))
    elif choice.sms:
        errors.append(("phone", "phone_needed"))

    name = " ".join(form.postal_name.split())
    address = _clean_lines(form.postal_address)
    if len(name) > 200 or any(unicodedata.category(char) == "Cc" for char in name):
        errors.append(("postal_name", "postal_name_invalid"))
    elif choice.letter and not name:
        errors.append(("postal_name", "postal_name_needed"))
    if (
        len(address) > 500
        or len(address.splitlines()) > _MAX_ADDRESS_LINES
        or any(unicodedata.category(char) == "Cc" and char != "\n" for char in address)
    ):
        errors.append(("postal_address", "postal_address_invalid"))
    elif choice.letter and not address:
        errors.append(("postal_address", "postal_address_needed"))

    if errors:
        return None, errors
    new_email = email is not None and email not in (form.current_email, form.pending_email)
    return CheckedPreferences(
        language=language,
        choice=choice,
        email=email,
        new_email=new_email,
        phone=phone,
        postal_name=name,
        postal_address=address,
    ), []
