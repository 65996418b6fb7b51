"""Every message has Dutch; the language is negotiated as promised; dates are in words."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from babel.messages.pofile import read_po

from portal.i18n import (
    LOCALES_DIR,
    _,
    format_date,
    format_datetime,
    localized,
    ngettext,
    pick_language,
    set_language,
)
from portal.i18n_catalog import dutch_translations, messages_in_code

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture()
def language():
    """Set the language for one test and put Dutch (the default) back afterwards."""
    yield set_language
    set_language("nl")


# --------------------------------------------------------------------------- catalog


@pytest.fixture(scope="module")
def used() -> dict[str, str]:
    return messages_in_code()


def test_every_message_in_code_and_templates_has_a_dutch_translation(used):
    translated = dutch_translations()
    missing = {msgid: where for msgid, where in used.items() if msgid not in translated}
    assert missing == {}, "Messages without Dutch (run `python -m portal.i18n_catalog`):\n" + "\n".join(
        f"{where}: {msgid!r}" for msgid, where in sorted(missing.items(), key=lambda item: item[1])
    )
    assert len(used) > 100  # the extraction really found the code and the templates


def test_the_extraction_sees_python_and_templates(used):
    places = set(used.values())
    assert any(place.startswith("portal/templates/") for place in places)
    assert any(place.startswith("portal/") and ".py:" in place for place in places)


def test_translations_keep_every_placeholder():
    """A Dutch text that drops or renames %(date)s would crash or lose the date."""
    problems = []
    for po_file in sorted((LOCALES_DIR / "nl" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale="nl_NL"):
                if not message.id or not message.string:
                    continue
                ids = message.id if isinstance(message.id, tuple) else (message.id,)
                texts = message.string if isinstance(message.string, tuple) else (message.string,)
                wanted = set().union(*(PLACEHOLDER.findall(text) for text in ids))
                for text in texts:
                    found = set(PLACEHOLDER.findall(text))
                    # a Dutch singular may say "één" instead of %(num)d
                    if found != wanted and not (found == wanted - {"num"} and len(texts) > 1):
                        problems.append(f"{po_file.name}: {ids[0]!r} -> {text!r}")
    assert problems == []


def test_no_message_id_is_translated_twice_differently():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po_file in sorted((LOCALES_DIR / "nl" / "LC_MESSAGES").glob("*.po")):
        with po_file.open("rb") as handle:
            for message in read_po(handle, locale="nl_NL"):
                if not message.id or isinstance(message.id, tuple) or not message.string:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id][0]} vs {po_file.name}")
                seen[message.id] = (po_file.name, message.string)
    assert clashes == []  # areas share one catalog at run time: one would silently win


def test_gettext_translates_and_fills_placeholders(language):
    language("nl")
    assert _("Page not found") == "Pagina niet gevonden"
    assert ngettext("%(num)d case found", "%(num)d cases found", 1) == "1 zaak gevonden"
    assert ngettext("%(num)d case found", "%(num)d cases found", 3) == "3 zaken gevonden"
    language("en")
    assert _("Page not found") == "Page not found"
    assert ngettext("%(num)d case found", "%(num)d cases found", 3) == "3 cases found"


# --------------------------------------------------------------------------- negotiation


@pytest.mark.parametrize(
    ("cookie", "accept_language", "expected"),
    [
        (None, None, "nl"),  # nothing known: Dutch
        (None, "", "nl"),
        (None, "en", "en"),
        (None, "EN-us", "en"),  # tags are case-insensitive
        (None, "en-GB,en;q=0.9", "en"),
        (None, "nl-BE,nl;q=0.9,en;q=0.8", "nl"),
        (None, "de-DE,de;q=0.9,en;q=0.8", "en"),  # first language we have, by quality
        (None, "de-DE,fr;q=0.8", "nl"),  # none we have: Dutch
        (None, "en;q=0.5,nl;q=0.9", "nl"),  # quality wins over order
        (None, "fr, en;q=0.1", "en"),
        (None, "en;q=abc, nl;q=0.5", "nl"),  # a broken quality counts as 0
        (None, "*", "nl"),
        (None, "en;q=0", "nl"),  # q=0 means "not wanted"
        (None, "en;q=0, de", "nl"),
        ("en", "nl", "en"),  # the chosen language (cookie) wins
        ("nl", "en", "nl"),
        ("xx", "en", "en"),  # an unknown cookie is ignored
        ("<script>", None, "nl"),
    ],
)
def test_pick_language(cookie, accept_language, expected):
    assert pick_language(cookie, accept_language) == expected


@pytest.mark.parametrize(("accept_language", "html_lang"), [("de, en;q=0.5", "en"), ("fr", "nl")])
def test_the_page_is_served_in_the_negotiated_language(client, accept_language, html_lang):
    response = client.get("/", headers={"Accept-Language": accept_language})
    assert f'<html lang="{html_lang}"' in response.text


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("lang", "day", "long", "short"),
    [
        ("nl", date(2026, 1, 12), "maandag 12 januari 2026", "12 januari 2026"),
        ("en", date(2026, 1, 12), "Monday 12 January 2026", "12 January 2026"),
        ("nl", date(2026, 4, 27), "maandag 27 april 2026", "27 april 2026"),
        ("en", date(2026, 5, 5), "Tuesday 5 May 2026", "5 May 2026"),
        ("nl", date(2027, 3, 31), "woensdag 31 maart 2027", "31 maart 2027"),
    ],
)
def test_dates_in_words(language, lang, day, long, short):
    language(lang)
    assert format_date(day) == long
    assert format_date(day, "short") == short
    assert format_date(datetime(day.year, day.month, day.day, 23, 59)) == long


def test_no_date_gives_no_text(language):
    assert format_date(None) == "" and format_datetime(None) == ""


@pytest.mark.parametrize(
    ("lang", "utc", "text"),
    [
        ("nl", datetime(2026, 1, 12, 13, 5), "12 januari 2026, 14:05"),  # winter: UTC+1
        ("nl", datetime(2026, 7, 1, 12, 0), "1 juli 2026, 14:00"),  # summer: UTC+2
        ("en", datetime(2026, 12, 31, 23, 30), "1 January 2027, 00:30"),  # crosses the year in NL
    ],
)
def test_stored_utc_moments_are_shown_in_dutch_time(language, lang, utc, text):
    language(lang)
    assert format_datetime(utc) == text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_moments_read_as_babel_writes_them(language, lang):
    """format_datetime builds the text from the cached date in words (issue 22: Babel took
    ~15 µs per moment); every hour of a year, both switches of summer time included, reads
    exactly as Babel's "d MMMM y, HH:mm" in Dutch time."""
    from babel.dates import format_datetime as babel_format_datetime

    from portal.clock import to_dutch_time

    language(lang)
    moment = datetime(2026, 1, 1, 0, 17)
    while moment.year == 2026:
        expected = babel_format_datetime(to_dutch_time(moment), "d MMMM y, HH:mm", locale=lang)
        assert format_datetime(moment) == expected
        moment += timedelta(minutes=61)


def test_localized_picks_the_language_and_falls_back_to_dutch(language):
    class Thing:
        name_nl, name_en = "Kapvergunning", "Tree felling permit"
        text_nl, text_en = "Alleen Nederlands", ""

    language("en")
    assert localized(Thing(), "name") == "Tree felling permit"
    assert localized(Thing(), "text") == "Alleen Nederlands"
    language("nl")
    assert localized(Thing(), "name") == "Kapvergunning"


def test_localized_language_says_when_a_text_fell_back_to_dutch():
    from types import SimpleNamespace

    from portal.i18n import in_language, localized_language

    only_dutch = SimpleNamespace(result_text_nl="Verleend.", result_text_en="")
    both = SimpleNamespace(result_text_nl="Verleend.", result_text_en="Granted.")
    with in_language("en"):
        assert localized_language(only_dutch, "result_text") == "nl"
        assert localized_language(both, "result_text") == "en"
    with in_language("nl"):
        assert localized_language(only_dutch, "result_text") == "nl"
