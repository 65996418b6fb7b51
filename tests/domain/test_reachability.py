"""E-mail addresses, mobile numbers, channel choices and branch inheritance (pure)."""

from __future__ import annotations

import pytest

from portal.domain.reachability import (
    ReachabilityError,
    check_channel_choice,
    normalise_email,
    normalise_mobile,
    preference_keys,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("jan@example.org", "jan@example.org"),
        ("  Jan.Jansen@Example.ORG ", "Jan.Jansen@example.org"),
        ("a+b@sub.example.nl", "a+b@sub.example.nl"),
        ("jan@bücher.example", "jan@xn--bcher-kva.example"),  # an IDN domain, stored as the mail server needs it
    ],
)
def test_good_addresses(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "email_missing"),
        (None, "email_missing"),
        ("   ", "email_missing"),
        ("jan", "email_invalid"),
        ("jan@", "email_invalid"),
        ("@example.org", "email_invalid"),
        ("jan@example", "email_invalid"),
        ("jan@@example.org", "email_invalid"),
        ("jan @example.org", "email_invalid"),
        ("jan@exa\nmple.org", "email_invalid"),
        (".jan@example.org", "email_invalid"),
        ("ja..n@example.org", "email_invalid"),
        ("jan@-example.org", "email_invalid"),
        ("a" * 65 + "@example.org", "email_invalid"),
        ("jan@exa_mple.org", "email_invalid"),
        # Issue 19, item 7: what the old pattern let through (the To: header then named
        # recipient "script", or two recipients).
        ("<script>alert(1)</script>@b.example", "email_invalid"),
        ("x,evil.example@b.example", "email_invalid"),
        ("Jan <jan@example.org>", "email_invalid"),
        ("jan@example.org, evil@example.org", "email_invalid"),
        ("jan(comment)@example.org", "email_invalid"),
        ('"jan jansen"@example.org', "email_invalid"),
        ("jan;evil@example.org", "email_invalid"),
        ("jan@localhost", "email_invalid"),
    ],
)
def test_bad_addresses(raw, code):
    with pytest.raises(ReachabilityError) as error:
        normalise_email(raw)
    assert error.value.code == code


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("06 1234 5678", "+31612345678"),
        ("0612345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("+31 (0)6 12345678", "+31612345678"),
        ("+44 7400 123456", "+447400123456"),
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_mobile_numbers_dutch_and_international(raw, expected):
    assert normalise_mobile(raw) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        ("", "phone_missing"),
        (None, "phone_missing"),
        ("020 555 1234", "phone_not_mobile"),
        ("+31 20 555 1234", "phone_not_mobile"),
        ("14 020", "phone_not_mobile"),
        ("06 1234", "phone_invalid"),
        ("0612345678901", "phone_invalid"),
        ("06 1234 567a", "phone_invalid"),
        ("+999 123456789", "phone_invalid"),
        ("+44 20 7946 0958", "phone_not_mobile"),
        ("1" * 40, "phone_invalid"),
    ],
)
def test_numbers_that_are_not_mobile_or_not_valid(raw, code):
    with pytest.raises(ReachabilityError) as error:
        normalise_mobile(raw)
    assert error.value.code == code


@pytest.mark.parametrize(
    "chosen, expected",
    [
        ({"inbox"}, (False, False, False, True)),
        ({"email"}, (True, False, False, False)),
        ({"inbox", "sms", "letter"}, (False, True, True, False)),
    ],
)
def test_channel_choice(chosen, expected):
    choice = check_channel_choice(chosen)
    assert (choice.email, choice.sms, choice.letter, choice.inbox_only) == expected


@pytest.mark.parametrize(
    "chosen, code", [(set(), "no_channel"), ({"fax"}, "channel_unknown"), ({"email", "pigeon"}, "channel_unknown")]
)
def test_refused_channel_choices(chosen, code):
    with pytest.raises(ReachabilityError) as error:
        check_channel_choice(chosen)
    assert error.value.code == code


@pytest.mark.parametrize(
    "who, keys",
    [
        ({"bsn": "999993653"}, ("bsn:999993653",)),
        ({"kvk": "12345678"}, ("kvk:12345678",)),
        ({"kvk": "12345678", "branch": "000012345678"}, ("kvk:12345678:000012345678", "kvk:12345678")),
    ],
)
def test_a_branch_looks_at_its_own_choice_then_the_company(who, keys):
    assert preference_keys(**who) == keys


# --------------------------------------------------------------------------- the whole form

from portal.domain.reachability import PreferenceForm, check_preference_form  # noqa: E402


def _form(**changes) -> PreferenceForm:
    values = {
        "channels": frozenset(),
        "language": "nl",
        "email": "",
        "phone": "",
        "postal_name": "",
        "postal_address": "",
    }
    values.update(changes)
    return PreferenceForm(**values)


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"channels": frozenset({"email"})}, [("email", "email_needed")]),
        ({"channels": frozenset({"sms"})}, [("phone", "phone_needed")]),
        (
            {"channels": frozenset({"letter"})},
            [("postal_name", "postal_name_needed"), ("postal_address", "postal_address_needed")],
        ),
        (
            {"channels": frozenset({"letter"}), "postal_name": "J. Jansen"},
            [("postal_address", "postal_address_needed")],
        ),
        ({"email": "jan@"}, [("email", "email_invalid")]),
        ({"phone": "020 555 1234"}, [("phone", "phone_not_mobile")]),
        ({"phone": "06 12"}, [("phone", "phone_invalid")]),
        ({"channels": frozenset({"fax"})}, [("channels", "channel_unknown")]),
        ({"language": "de"}, [("language", "language_unknown")]),
        ({"postal_address": "\n".join("line" for _ in range(6))}, [("postal_address", "postal_address_invalid")]),
        ({"postal_name": "x" * 201}, [("postal_name", "postal_name_invalid")]),
    ],
)
def test_form_refusals_name_the_field(changes, errors):
    result, found = check_preference_form(_form(**changes))
    assert result is None
    assert found == errors


def test_nothing_ticked_means_only_the_inbox():
    result, errors = check_preference_form(_form())
    assert errors == [] and result is not None
    assert result.choice.inbox_only


@pytest.mark.parametrize(
    "current, pending, typed, new",
    [
        (None, None, "jan@example.org", True),
        ("jan@example.org", None, "jan@Example.org", False),  # the same address (domain in lower case)
        ("jan@example.org", "nieuw@example.org", "nieuw@example.org", False),  # already waiting for its link
        ("jan@example.org", None, "ander@example.org", True),
    ],
)
def test_a_new_address_needs_a_link(current, pending, typed, new):
    result, errors = check_preference_form(
        _form(channels=frozenset({"email"}), email=typed, current_email=current, pending_email=pending)
    )
    assert errors == [] and result is not None
    assert result.new_email is new


def test_a_full_choice_is_normalised():
    result, errors = check_preference_form(
        _form(
            channels=frozenset({"email", "sms", "letter"}),
            language="en",
            email=" Jan@Example.ORG ",
            phone="06 1234 5678",
            postal_name="  J.  Jansen ",
            postal_address="Dorpsstraat 1\r\n\r\n1234 AB  Utrecht \n",
        )
    )
    assert errors == []
    assert result.email == "Jan@example.org" and result.phone == "+31612345678"
    assert result.postal_name == "J. Jansen" and result.postal_address == "Dorpsstraat 1\n1234 AB  Utrecht"
    assert (result.choice.email, result.choice.sms, result.choice.letter) == (True, True, True)
