"""'Hoe wij u bereiken' / 'How we reach you': the resident's or business's channels,
language and addresses, and the links that confirm an e-mail address.

A person's preference is stored under their own key (``bsn:…``); a company's under
``kvk:…``; a branch that signs in chooses for itself (``kvk:…:<branch>``) or inherits the
company's choice (no row of its own). Checking is pure (``portal.domain.reachability``);
here it is read, stored and linked to the outbox:

* a new e-mail address is not used until its link is opened and confirmed: saving it
  creates an ``EmailConfirmation`` (only the token's SHA-256 is stored) and queues the
  e-mail with the link in the same transaction (``enqueue_email_confirmation``);
* a refused form changes nothing;
* a link is valid once and until ``expires_at`` (portal clock); a newer address makes
  older links for the same recipient unusable.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlmodel import Session, col, select, update

from portal import clock
from portal.auth.principal import Principal
from portal.domain.reachability import (
    CheckedPreferences,
    PreferenceForm,
    check_preference_form,
    recipient_key,
)
from portal.i18n import N_
from portal.models import ContactPreference, EmailConfirmation
from portal.notify.outbox import enqueue_email_confirmation
from portal.services.audit import record

__all__ = [
    "MESSAGES",
    "ConfirmationCheck",
    "PreferencesView",
    "SaveResult",
    "check_confirmation",
    "confirm_email",
    "preferences_view",
    "save_preferences",
    "use_company_choice",
]

CONFIRM_PATH = "/e-mailadres-bevestigen"


# Refusal code (portal.domain.reachability) → the message shown next to the field.
MESSAGES: dict[str, str] = {
    "email_invalid": N_("Enter an e-mail address like name@example.nl."),
    "email_missing": N_("Enter your e-mail address."),
    "email_needed": N_("You chose e-mail: enter the e-mail address we may use."),
    "phone_invalid": N_(
        "Enter a mobile number like 06 12345678 or +31 6 12345678. From abroad: start with + and the country code."
    ),
    "phone_missing": N_("Enter your mobile number."),
    "phone_not_mobile": N_("This is not a mobile number. We can only send a text message to a mobile number."),
    "phone_needed": N_("You chose text message: enter your mobile number."),
    "postal_name_needed": N_("You chose a letter: enter the name for the address."),
    "postal_name_invalid": N_("The name can be at most 200 characters."),
    "postal_address_needed": N_("You chose a letter: enter the postal address."),
    "postal_address_invalid": N_("Enter the address on at most 5 lines and 500 characters."),
    "language_unknown": N_("Choose Dutch or English."),
    "channel_unknown": N_("Choose from e-mail, text message and letter."),
    "no_channel": N_("Choose how we may reach you."),
}


def _key(principal: Principal) -> str:
    return recipient_key(bsn=principal.bsn, kvk=principal.kvk, branch=principal.branch_number)


def _find(db: Session, key: str) -> ContactPreference | None:
    return db.exec(select(ContactPreference).where(ContactPreference.recipient_key == key)).first()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class PreferencesView:
    """``own``: the row stored under the signed-in key. ``company``: for a branch, the
    company's row. ``applies``: 'own', 'company' (a branch that inherits) or 'none'."""

    key: str
    is_branch: bool
    own: ContactPreference | None
    company: ContactPreference | None
    pending_until: datetime | None

    @property
    def applies(self) -> Literal["own", "company", "none"]:
        if self.own is not None:
            return "own"
        if self.company is not None:
            return "company"
        return "none"

    @property
    def shown(self) -> ContactPreference | None:
        """What the form starts with: the choice that applies."""
        return self.own or self.company


def preferences_view(db: Session, principal: Principal) -> PreferencesView:
    if principal.kind not in ("resident", "business"):
        raise PermissionError("Only residents and businesses have contact preferences")
    key = _key(principal)
    own = _find(db, key)
    is_branch = principal.kind == "business" and bool(principal.branch_number)
    company = _find(db, recipient_key(kvk=principal.kvk)) if is_branch else None
    pending_until = None
    if own is not None and own.pending_email:
        pending_until = db.exec(
            select(EmailConfirmation.expires_at)
            .where(
                EmailConfirmation.recipient_key == key,
                EmailConfirmation.email == own.pending_email,
                col(EmailConfirmation.used_at).is_(None),
            )
            .order_by(col(EmailConfirmation.id).desc())
        ).first()
    return PreferencesView(key, is_branch, own, company, pending_until)


@dataclass(frozen=True)
class SaveResult:
    errors: list[tuple[str, str]]  # (field, message id); empty when saved
    link_sent_to: str | None = None
    link_valid_until: datetime | None = None
    inbox_only: bool = False


def save_preferences(
    db: Session, principal: Principal, form: PreferenceForm, *, base_url: str, hours: int, client_ip: str = ""
) -> SaveResult:
    """Check and store the form, in one transaction with the confirmation e-mail it may
    send. A refusal returns its errors and changes nothing."""
    view = preferences_view(db, principal)
    stored = view.own
    # A branch that inherits starts from the company's confirmed address: typing it again
    # needs no new link.
    basis = stored or view.company
    form = PreferenceForm(
        **{
            **form.__dict__,
            "current_email": basis.email if basis else None,
            "pending_email": stored.pending_email if stored else None,
        }
    )
    checked, refusals = check_preference_form(form)
    if checked is None:
        return SaveResult([(field, MESSAGES.get(code, code)) for field, code in refusals])
    row = stored or ContactPreference(recipient_key=view.key)
    if stored is None and view.company is not None and view.company.email and checked.email == view.company.email:
        row.email, row.email_confirmed_at = view.company.email, view.company.email_confirmed_at
    result = _apply(db, row, checked, base_url=base_url, hours=hours)
    record(
        db,
        principal.kind,
        principal.audit_id,
        "preferences.save",
        "contact_preference",
        view.key[:4],
        client_ip=client_ip,
        detail={
            "email": checked.choice.email,
            "sms": checked.choice.sms,
            "letter": checked.choice.letter,
            "link_sent": result.link_sent_to is not None,
            **principal.audit_detail,  # a representative: both identities (issue 20)
        },
        commit=False,
    )
    db.commit()
    return result


def _apply(
    db: Session, row: ContactPreference, checked: CheckedPreferences, *, base_url: str, hours: int
) -> SaveResult:
    now = clock.utcnow()
    row.language = checked.language
    row.by_email, row.by_sms, row.by_letter = checked.choice.email, checked.choice.sms, checked.choice.letter
    row.phone = checked.phone
    row.postal_name, row.postal_address = checked.postal_name, checked.postal_address
    row.updated_at = now
    sent_to, valid_until = None, None
    if checked.email is None:
        row.email, row.email_confirmed_at, row.pending_email = None, None, None
        _retire_links(db, row.recipient_key, now)
    elif checked.email == row.email:
        if row.pending_email:
            row.pending_email = None  # back to the confirmed address: the waiting link is no longer needed
            _retire_links(db, row.recipient_key, now)
    elif checked.new_email:
        _retire_links(db, row.recipient_key, now)
        token = secrets.token_urlsafe(32)
        valid_until = now + timedelta(hours=hours)
        db.add(
            EmailConfirmation(
                recipient_key=row.recipient_key,
                email=checked.email,
                token_hash=_hash(token),
                created_at=now,
                expires_at=valid_until,
            )
        )
        row.pending_email = checked.email
        enqueue_email_confirmation(
            db,
            email=checked.email,
            link=f"{base_url.rstrip('/')}{CONFIRM_PATH}/{token}",
            language=checked.language,
            hours=hours,
        )
        sent_to = checked.email
    db.add(row)
    return SaveResult([], sent_to, valid_until, checked.choice.inbox_only)


def _retire_links(db: Session, key: str, now: datetime) -> None:
    db.exec(
        update(EmailConfirmation)
        .where(col(EmailConfirmation.recipient_key) == key, col(EmailConfirmation.used_at).is_(None))
        .values(used_at=now)
    )


def use_company_choice(db: Session, principal: Principal, client_ip: str = "") -> bool:
    """A branch drops its own choice and inherits the company's again. False when the
    signed-in business is not a branch or had no choice of its own."""
    if principal.kind != "business" or not principal.branch_number:
        return False
    view = preferences_view(db, principal)
    if view.own is None:
        return False
    _retire_links(db, view.key, clock.utcnow())
    db.delete(view.own)
    record(
        db,
        principal.kind,
        principal.audit_id,
        "preferences.inherit",
        "contact_preference",
        "kvk",
        client_ip=client_ip,
        commit=False,
    )
    db.commit()
    return True


# --------------------------------------------------------------------------- confirmation links

ConfirmationState = Literal["valid", "expired", "used", "unknown"]


@dataclass(frozen=True)
class ConfirmationCheck:
    state: ConfirmationState
    email: str = ""
    expires_at: datetime | None = None


def _confirmation(db: Session, token: str) -> tuple[EmailConfirmation | None, ConfirmationState]:
    if not token or len(token) > 100:
        return None, "unknown"
    found = db.exec(select(EmailConfirmation).where(EmailConfirmation.token_hash == _hash(token))).first()
    if found is None:
        return None, "unknown"
    if found.used_at is not None:
        return found, "used"
    if found.expires_at <= clock.utcnow():
        return found, "expired"
    preference = _find(db, found.recipient_key)
    if preference is None or preference.pending_email != found.email:
        return found, "used"  # a newer address was chosen since: this link no longer counts
    return found, "valid"


def check_confirmation(db: Session, token: str) -> ConfirmationCheck:
    """What the link's page says, without changing anything (a link scanner may open it)."""
    found, state = _confirmation(db, token)
    if found is None:
        return ConfirmationCheck(state)
    return ConfirmationCheck(state, found.email, found.expires_at)


def confirm_email(db: Session, token: str, client_ip: str = "") -> ConfirmationCheck:
    """Confirm the address of a valid link: from now on e-mail goes there. Anything else
    changes nothing. The audit row names the confirmation, never the token."""
    found, state = _confirmation(db, token)
    if found is None:
        return ConfirmationCheck(state)
    if state != "valid":
        return ConfirmationCheck(state, found.email, found.expires_at)
    now = clock.utcnow()
    claimed = db.exec(
        update(EmailConfirmation)
        .where(col(EmailConfirmation.id) == found.id, col(EmailConfirmation.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # used at the same moment by another request
        db.rollback()
        return ConfirmationCheck("used", found.email, found.expires_at)
    preference = _find(db, found.recipient_key)
    assert preference is not None  # checked in _confirmation, same transaction
    preference.email, preference.email_confirmed_at, preference.pending_email = found.email, now, None
    preference.updated_at = now
    db.add(preference)
    record(
        db,
        "anonymous",
        "confirmation-link",
        "preferences.confirm_email",
        "email_confirmation",
        str(found.id),
        client_ip=client_ip,
        commit=False,
    )
    db.commit()
    return ConfirmationCheck("valid", found.email, found.expires_at)
