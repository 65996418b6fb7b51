"""The one translation function, and Dutch/English dates and amounts.

Message ids are English; every one must have a Dutch translation in
``portal/locales/nl/LC_MESSAGES/*.po`` (a test checks that). Each area of the
code keeps its own .po file there; at start-up all are merged into one catalog,
compiled in memory (no build step, nothing generated in the repo).

The language of the current request lives in a context variable, so ``_()``
works in routes, services and templates alike.
"""

from __future__ import annotations

import copy
import gettext as _gettext
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyphen  # hyphenation dictionaries; installed with weasyprint (letters)
from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup
from starlette.requests import Request

from portal.clock import DUTCH_TIME, to_dutch_time

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
LANGUAGE_COOKIE = "lang"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"
_BABEL_LOCALE = {"nl": "nl_NL", "en": "en_GB"}

_current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


@lru_cache
def catalog(language: str) -> _gettext.NullTranslations:
    """All .po files of a language merged and compiled in memory."""
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po_files = sorted(folder.glob("*.po")) if folder.is_dir() else []
    if not po_files:
        return _gettext.NullTranslations()
    merged = None
    for po_file in po_files:
        with po_file.open("rb") as handle:
            messages = read_po(handle, locale=_BABEL_LOCALE[language])
        if merged is None:
            merged = messages
        else:
            for message in messages:
                if message.id:
                    merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    _current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current_language.get()


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Translate in ``language`` for a while (a notice is written in the recipient's
    language, not the language of the request or worker that sends it)."""
    token = _current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current_language.reset(token)


def gettext(message: str, **variables: object) -> str:
    """Translate ``message`` into the request's language; ``%(name)s`` placeholders
    are filled from ``variables``."""
    text = catalog(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = catalog(current_language()).ngettext(singular, plural, n)
    variables.setdefault("num", n)
    return text % variables


_ = gettext


def N_(message: str) -> str:  # noqa: N802 -- the name gettext tools look for
    """Marks a message id for the catalogue (portal.i18n_catalog); ``_()`` translates it
    where the message is shown."""
    return message


def pick_language(cookie_value: str | None, accept_language: str | None) -> str:
    """The language cookie wins; then the browser's Accept-Language; then Dutch."""
    if cookie_value in LANGUAGES:
        return cookie_value
    if accept_language:
        ranked = []
        for index, part in enumerate(accept_language.split(",")):
            pieces = part.strip().split(";")
            tag = pieces[0].strip().lower()
            quality = 1.0
            for parameter in pieces[1:]:
                name, _sep, value = parameter.strip().partition("=")
                if name == "q":
                    try:
                        quality = float(value)
                    except ValueError:
                        quality = 0.0
            ranked.append((-quality, index, tag.split("-")[0]))
        for negative_quality, _index, primary in sorted(ranked):
            # q=0 means "not acceptable" (RFC 9110, 12.4.2).
            if primary in LANGUAGES and negative_quality < 0:
                return primary
    return DEFAULT_LANGUAGE


def localized(obj: object, field: str) -> str:
    """``localized(case_type, "name")`` → ``name_nl`` or ``name_en``; falls back
    to Dutch when the English text is empty."""
    value = getattr(obj, f"{field}_{current_language()}", "") or getattr(obj, f"{field}_nl", "")
    return value or ""


def localized_language(obj: object, field: str) -> str:
    """The language ``localized(obj, field)`` is in: the page's, or "nl" when it fell back
    to Dutch (e.g. a text from the case system, which only has Dutch), so the template can
    mark it with ``lang="nl"`` (WCAG 3.1.2)."""
    if current_language() != "nl" and not getattr(obj, f"{field}_{current_language()}", ""):
        return "nl"
    return current_language()


def lang_attribute(obj: object, field: str) -> Markup:
    """`` lang="nl"`` for an element whose text is ``localized(obj, field)`` when that text
    is in another language than the page (WCAG 3.1.2): Dutch text written by staff (a
    message, a document request) read on an English page. Empty otherwise."""
    language = localized_language(obj, field)
    return Markup(' lang="{}"').format(language) if language != current_language() else Markup("")


def text_in_language(text: str, language: str | None) -> Markup:
    """``text`` (escaped), wrapped in ``<span lang="…">`` when ``language`` is known and is not
    the page's: for staff text quoted inside a translated sentence (WCAG 3.1.2)."""
    if language and language != current_language():
        return Markup('<span lang="{}">{}</span>').format(language, text)
    return Markup("{}").format(text)


_LONG_WORD = re.compile(r"[^\W\d_]{16,}")
_HYPHEN_DICTIONARIES = {"nl": "nl_NL", "en": "en_GB"}


@lru_cache(maxsize=2)
def _hyphenator(language: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=_HYPHEN_DICTIONARIES[language])


def prepare(language: str) -> None:
    """Load what pages in ``language`` need (catalogue, hyphenation dictionary, Babel's
    locale data) now, before a worker's first request (portal/warm_up.py)."""
    catalog(language)
    _hyphenator(language)
    _date_in_words(date(2000, 1, 1), "long", language)


def soft_hyphens(text: str, language: str | None = None) -> str:
    """Soft hyphens (U+00AD) in words of 16 letters or more, by the hyphenation rules of
    ``language`` (default: the page's): a long Dutch compound in a large heading
    ("Ontvangstbevestiging") breaks at a syllable with a hyphen on a 320 px screen instead of
    anywhere without one. Browsers without hyphenation dictionaries (``hyphens: auto`` does
    nothing there) need them in the text. Invisible otherwise; screen readers ignore them."""
    hyphenator = _hyphenator(language if language in _HYPHEN_DICTIONARIES else current_language())
    return _LONG_WORD.sub(lambda match: hyphenator.inserted(match.group(0), hyphen="\u00ad"), text)


def format_date(value: date | None, style: str = "long") -> str:
    """Dates in words, as residents read them: 'maandag 12 januari 2026'.
    ``style='short'`` gives '12 januari 2026'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return _date_in_words(value, style, current_language())


@lru_cache(maxsize=4096)
def _date_in_words(value: date, style: str, language: str) -> str:
    # Babel formats a date in about 30 µs; a page shows dozens, mostly the same few.
    pattern = "EEEE d MMMM y" if style == "long" else "d MMMM y"
    return _babel_format_date(value, pattern, locale=_BABEL_LOCALE[language])


def format_money(amount: int | float | Decimal, currency: str = "EUR") -> str:
    """An amount as the reader's language writes it: '€ 1.442' in Dutch, '€1,442' in
    English. Whole amounts without cents (as residents read them: '€ 23', not
    '€ 23,00'); other amounts with cents ('€ 23,50')."""
    return _money_in_words(amount, currency, current_language())


@lru_cache(maxsize=1024)  # equal amounts (23, 23.0, Decimal("23.00")) hash alike and read alike
def _money_in_words(amount: int | float | Decimal, currency: str, language: str) -> str:
    # Babel formats an amount in about 30 µs; a penalty notice shows a few, the same per case type.
    locale = _BABEL_LOCALE[language]
    if amount == int(amount):
        pattern = copy.copy(Locale.parse(locale).currency_formats["standard"])
        pattern.frac_prec = (0, 0)
        return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)
    return format_currency(amount, currency, locale=locale)


def format_term(iso: str | None) -> str:
    """A term in words: 'P8W' → '8 weken' / '8 weeks'; combined terms joined with 'en'/'and'."""
    from portal.domain.deadlines import Term  # pure domain; imported here to keep start-up light

    if not iso:
        return ""
    parts = []
    for part in Term.parse_iso8601(iso).components:
        if part.unit == "weeks":
            parts.append(ngettext("%(num)d week", "%(num)d weeks", part.amount))
        elif part.unit == "months":
            parts.append(ngettext("%(num)d month", "%(num)d months", part.amount))
        else:
            parts.append(ngettext("%(num)d day", "%(num)d days", part.amount))
    return gettext(" and ").join(parts) if len(parts) > 1 else parts[0]


def format_number(value: int | float | None, decimals: int = 1) -> str:
    """56.0 → '56,0' (nl) / '56.0' (en)."""
    if value is None:
        return ""
    return format_decimal(
        value, format="#,##0." + "0" * decimals if decimals else "#,##0", locale=_BABEL_LOCALE[current_language()]
    )


def format_datetime(value: datetime | None) -> str:
    """A stored (naive UTC) moment in Dutch time: '12 januari 2026, 14:05'."""
    if value is None:
        return ""
    local = to_dutch_time(value) if value.tzinfo is None else value.astimezone(DUTCH_TIME)
    # Babel's "d MMMM y, HH:mm" is the short date in words plus the time; the date part comes
    # from the cache above (a list page shows dozens of moments, Babel takes ~15 µs each).
    return f"{_date_in_words(local.date(), 'short', current_language())}, {local:%H:%M}"


class LanguageMiddleware:
    """Decides the language of each request (cookie, then Accept-Language) and
    makes it current for ``gettext`` and the templates."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            language = pick_language(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))
            scope["portal.language"] = language
            # Set for this request and put back afterwards: the portal talks to the built-in
            # login simulator in-process (same task), and that request's language must not
            # replace this one's (a failed sign-in page came out in Dutch for English readers).
            # Not put back when the app raised: the 500 page, rendered outside this
            # middleware, is in the request's language.
            token = _current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
            await self.app(scope, receive, send)
            _current_language.reset(token)
            return
        await self.app(scope, receive, send)
