"""Rendering pages and HTMX partials with Jinja2. One environment, one render
function; templates get the translation function, the date and money formatters
and the CSRF token from here."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_eval_context, select_autoescape
from jinja2.ext import Extension
from jinja2.lexer import (
    TOKEN_DOT,
    TOKEN_LBRACKET,
    TOKEN_LPAREN,
    TOKEN_NAME,
    TOKEN_RBRACKET,
    TOKEN_RPAREN,
    TOKEN_STRING,
    Token,
    TokenStream,
)
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup

from portal import i18n
from portal.auth.csrf import FIELD as CSRF_FIELD
from portal.auth.csrf import csrf_token
from portal.auth.principal import level_in_scale
from portal.auth.sessions import get_session_state
from portal.db import close_request_db
from portal.template_output import DirectCalls, OutputEscaping

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


class _Template(Template):
    """Jinja's template, with a cheaper ``{% import %}`` / ``{% from … import %}``.

    On every import Jinja checks whether the importing template has globals the imported
    one lacks (then the macros need a module of their own) by subtracting a ChainMap's
    keys from a set in Python, key by key: about 8 % of a page's CPU, with dozens of
    imports per page. No template here gets globals of its own (only the environment's),
    so when the imported template has none either and the importer's are all the
    environment's, nothing can be missing; that test runs in C (dict keys view)."""

    def _get_default_module(self, ctx: Context | None = None) -> Any:
        own = getattr(self.globals, "maps", [None])[0]
        if ctx is not None and own == {} and ctx.globals_keys <= self.environment.globals.keys():
            ctx = None  # the shared module: exactly what Jinja returns when no key is missing
        return super()._get_default_module(ctx)


class _ConstantTexts:
    """``_texts["message"]``: the translation of a message without placeholders in the
    current language, as ``_("message")`` gives it (Markup, ``%%`` as ``%``), looked up once
    per language and message. See ``ConstantGettext``."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], Markup] = {}

    def __getitem__(self, message: str) -> Markup:
        key = (i18n.current_language(), message)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = Markup(i18n.catalog(key[0]).gettext(message)) % {}
        return found


class ConstantGettext(Extension):
    """Rewrites ``_("literal")`` (one string, nothing else) into ``_texts["literal"]``.

    Why: a page asks ``_()`` for a fixed label dozens to hundreds of times (three per row of
    the overview), and each call from a template goes through Jinja's ``Context.call``: about
    8 us of CPU each, 16 % of the overview's rendering (issue 22). A subscript costs a tenth
    of that. The templates keep ``_("...")``, so the texts are still extracted for the
    catalogues; a call with placeholders (``_("%(n)s cases", n=...)``) stays a call.
    The one difference: in a template without autoescaping (the plain-text e-mail) the text
    is Markup instead of str, which prints the same."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        tokens = list(stream)
        index = 0
        while index < len(tokens):
            token = tokens[index]
            window = [t.type for t in tokens[index : index + 4]]
            after_dot = index > 0 and tokens[index - 1].type == TOKEN_DOT
            if (
                token.test("name:_")
                and window == [TOKEN_NAME, TOKEN_LPAREN, TOKEN_STRING, TOKEN_RPAREN]
                and not after_dot
            ):
                line = token.lineno
                yield Token(line, TOKEN_NAME, "_texts")
                yield Token(line, TOKEN_LBRACKET, "[")
                yield tokens[index + 2]
                yield Token(line, TOKEN_RBRACKET, "]")
                index += 4
                continue
            yield token
            index += 1


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n", ConstantGettext],
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    # Templates change with a deploy (a restart), never while serving: no stat() of every
    # template file on every render.
    auto_reload=False,
    cache_size=-1,
)
environment.template_class = _Template
environment.code_generator_class = OutputEscaping
environment.context_class = DirectCalls
# Jinja's new-style gettext fills in (and escapes) the %(name)s placeholders itself, so
# the callables it wraps only look the text up. (i18n.ngettext fills in %(num)s already,
# which fails on a plural message with other placeholders too.)
environment.install_gettext_callables(
    lambda message: i18n.catalog(i18n.current_language()).gettext(message),
    lambda singular, plural, n: i18n.catalog(i18n.current_language()).ngettext(singular, plural, n),
    newstyle=True,
)


# The same new-style gettext as Jinja's (the text escaped where the template autoescapes,
# then always used as a format string, %(name)s filled in and escaped), taking the
# evaluation context instead of the whole context. Jinja's own ``_`` and ``gettext`` take
# the context, and a call inside a loop or macro then copies every variable and global
# into a new context first: with a dozen labels per row that was a tenth of a list page's
# CPU (issue 22). The language comes from i18n's context variable, not from the template.
@functools.lru_cache(maxsize=8192)
def _translated(language: str, message: str, autoescape: bool) -> str:
    text = i18n.catalog(language).gettext(message)
    return Markup(text) % {} if autoescape else text % {}


@pass_eval_context
def _template_gettext(eval_context: EvalContext, message: str, **variables: Any) -> str:
    if not variables:
        return _translated(i18n.current_language(), message, eval_context.autoescape)
    text = i18n.catalog(i18n.current_language()).gettext(message)
    return (Markup(text) if eval_context.autoescape else text) % variables


@pass_eval_context
def _template_ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = i18n.catalog(i18n.current_language()).ngettext(singular, plural, num)
    return (Markup(text) if eval_context.autoescape else text) % variables


environment.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
environment.globals["_texts"] = _ConstantTexts()
environment.globals.update(
    format_date=i18n.format_date,
    format_money=i18n.format_money,
    format_number=i18n.format_number,
    format_datetime=i18n.format_datetime,
    format_term=i18n.format_term,
    localized=i18n.localized,
    localized_language=i18n.localized_language,
    lang_attribute=i18n.lang_attribute,
    text_in_language=i18n.text_in_language,
    soft_hyphens=i18n.soft_hyphens,
    current_language=i18n.current_language,
    CSRF_FIELD=CSRF_FIELD,
    level_in_scale=level_in_scale,
)

# Areas add values every page needs (e.g. the unread-message count in the header).
ContextProcessor = Callable[[Request], dict[str, Any]]
context_processors: list[ContextProcessor] = []


def compile_templates() -> int:
    """Compile every template into the environment's cache now (portal/warm_up.py), so no
    request pays for it; returns how many. The cache must hold them all, or a compiled
    template would be dropped and compiled again on a later request."""
    names = environment.list_templates(extensions=["html"])
    assert isinstance(environment.cache, dict), "cache_size=-1: the cache must hold every template"
    for name in names:
        environment.get_template(name)
    return len(names)


def on_event_loop() -> bool:
    """True when called on the event loop itself (async routes and error handlers), where
    blocking I/O such as a database query would stall every request of the worker.
    Sync routes run in worker threads, which have no running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def is_htmx(request: Request) -> bool:
    """An HTMX request that wants a partial (boosted requests want whole pages)."""
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    state = get_session_state(request) if "portal.session" in request.scope else None
    values: dict[str, Any] = {
        "request": request,
        "settings": request.app.state.settings,
        "lang": i18n.current_language(),
        "principal": state.principal if state else None,
        "session_expired": state.expired_reason if state else None,
        "csrf_token": csrf_token(request),
    }
    for processor in context_processors:
        values.update(processor(request))
    values.update(context or {})
    html = environment.get_template(template).render(values)
    if not on_event_loop():
        # The page is rendered, the header's count included: the route's reads are done.
        close_request_db(request)
    return HTMLResponse(html, status_code=status_code, headers=headers)
