"""Templates write what Jinja's own code writes, with less work per value and call
(portal/template_output.py, issue 22): ``escape_output`` instead of ``escape`` around every
``{{ value }}``, and plain functions and macros called without ``Context.call``'s questions.

Each template below is rendered twice: by the portal's environment and by the same
environment with Jinja's own code generator and context (``reference``); the two must
agree character for character."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from jinja2 import UndefinedError, pass_context, pass_environment, pass_eval_context
from jinja2.compiler import CodeGenerator
from jinja2.runtime import Context
from markupsafe import Markup, escape

from portal import i18n
from portal.template_output import escape_output
from portal.templating import environment

reference = environment.overlay(cache_size=0)
reference.code_generator_class = CodeGenerator
reference.context_class = Context


class Html:
    def __html__(self) -> str:
        return "<i>safe</i>"


class Text(str):
    pass


VALUES = [
    "plain",
    "",
    "<script>alert('x') & \"y\"</script>",
    "Zaak 2026 – café's",
    Markup("<b>bold</b> &amp;"),
    Text("<sub>class</sub>"),
    Html(),
    0,
    12,
    -3.5,
    Decimal("1.10"),
    True,
    None,
    datetime.date(2026, 12, 4),
]


@pytest.mark.parametrize("value", VALUES, ids=[f"{type(v).__name__}-{i}" for i, v in enumerate(VALUES)])
def test_escape_output_writes_what_escape_writes(value):
    assert escape_output(value) == str(escape(value))


def test_markup_is_written_as_it_is_and_a_string_comes_back_a_plain_string():
    label = Markup("<abbr>BSN</abbr>")
    assert escape_output(label) is label
    assert type(escape_output("<")) is str


def test_strict_undefined_still_fails_when_written():
    with pytest.raises(UndefinedError):
        environment.from_string("{{ missing }}").render()


def test_an_html_template_compiles_to_escape_output():
    code = environment.compile("<p>{{ value }}</p>", name="page.html", raw=True)
    body = code.split("\n", 2)[2]  # after the two import lines
    assert "yield escape_output(" in body
    assert "escape(" not in body.replace("escape_output(", "")


def test_a_template_that_does_not_autoescape_writes_str():
    code = environment.compile("{{ value }}", name="message.txt", raw=True)
    body = code.split("\n", 2)[2]
    assert "escape_output" not in body and "yield str(" in body


@pass_context
def with_context(context, name):
    return f"{name}={context.get('shown')}"


@pass_eval_context
def with_eval_context(eval_context, text):
    return f"{text}:{eval_context.autoescape}"


@pass_environment
def with_environment(env, text):
    return f"{text}:{env is not None}"


class CallsWithContext:
    @pass_context
    def __call__(self, context, name):
        return f"{name}/{context.get('shown')}"


def stops():
    raise StopIteration


class Row:
    title = "<Aanvraag>"

    def label(self, suffix):
        return f"{self.title}{suffix}"

    @pass_context
    def in_context(self, context):
        return f"row:{context.get('shown')}"


GLOBALS = {
    "with_context": with_context,
    "with_eval_context": with_eval_context,
    "with_environment": with_environment,
    "calls_with_context": CallsWithContext(),
    "stops": stops,
    "row": Row(),
    "shown": "<x>",
    "items": ["a", "<b>"],
    "label": Markup("<em>label</em>"),
    "flag": False,
}

TEMPLATES = [
    "<p>{{ shown }} {{ label }} {{ items }} {{ 3 }} {{ none }}</p>",
    "{{ shown ~ label }}|{{ label ~ shown }}",
    "{% autoescape false %}{{ shown }}{% endautoescape %}",
    "{% autoescape flag %}{{ shown }}{% endautoescape %}",  # decided while rendering
    "{% macro tag(text, kind='info') %}<span class='{{ kind }}'>{{ text }}</span>{% endmacro %}"
    "{{ tag(shown) }}{{ tag(label, kind='<k>') }}{% for item in items %}{{ tag(item) }}{% endfor %}",
    "{% macro box() %}<div>{{ caller() }}</div>{% endmacro %}{% call box() %}{{ shown }}{% endcall %}",
    "{{ with_context('a') }}{% for shown in items %}{{ with_context(loop.index) }}{% endfor %}",
    "{% set shown = 'set' %}{{ with_context('after set') }}",
    "{{ with_eval_context('<e>') }}{{ with_environment('<v>') }}",
    "{{ calls_with_context('n') }}{% for shown in items %}{{ calls_with_context(shown) }}{% endfor %}",
    "{{ row.label('<s>') }}{{ row.in_context() }}{% for shown in items %}{{ row.in_context() }}{% endfor %}",
    "{{ 'abc'.upper() }} {{ range(3) | list }} {{ dict(a=1) }} {{ '%s-%s' | format(shown, 2) }}",
    "{{ stops() is undefined }}",
    "{{ _('Case number') }} {{ _('%(num)d cases found', num=2) }} {{ ngettext('%(num)d case', '%(num)d cases', 1) }}",
    "{{ format_date(day) }} {{ localized(case, 'title') }}",
]


@pytest.mark.parametrize("source", TEMPLATES)
@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_a_template_renders_as_jinja_renders_it(source, language):
    values = {
        **GLOBALS,
        "day": datetime.date(2026, 12, 4),
        "case": SimpleNamespace(title_nl="<Boom>", title_en="<Tree>"),
    }
    with i18n.in_language(language):
        ours = environment.from_string(source).render(values)
        jinjas = reference.from_string(source).render(values)
    assert ours == jinjas
    assert "<x>" not in ours or "autoescape" in source


def test_the_portal_renders_its_pages_with_both(client):
    """The pages the suite renders every day use this environment, not the reference."""
    assert environment.code_generator_class is not CodeGenerator
    assert environment.context_class is not Context
    assert client.get("/").status_code == 200
