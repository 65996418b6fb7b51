"""``_("literal")`` in a template is looked up, not called (portal/templating.py,
``ConstantGettext``, issue 22): it must give exactly what the call gave, in both languages,
for every message of the catalogues, and leave every other use of ``_`` a call."""

from __future__ import annotations

import pytest
from jinja2.nodes import EvalContext
from markupsafe import Markup

from portal import i18n
from portal.templating import _template_gettext, environment


def render(source: str, language: str, **values) -> str:
    with i18n.in_language(language):
        return environment.from_string(source).render(**values)


def messages_without_placeholders(language: str) -> list[str]:
    catalogue = i18n.catalog(language)
    ids = getattr(catalogue, "_catalog", {}).keys()
    return sorted(m for m in ids if isinstance(m, str) and m and "%(" not in m)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_message_looks_up_to_what_the_call_gives(language):
    messages = messages_without_placeholders("nl")
    assert len(messages) > 300, "the Dutch catalogue's messages"
    texts = environment.globals["_texts"]
    autoescaping = EvalContext(environment, "page.html")
    autoescaping.autoescape = True
    with i18n.in_language(language):
        for message in messages:
            looked_up = texts[message]
            assert looked_up == _template_gettext(autoescaping, message), message
            assert isinstance(looked_up, Markup)


def test_a_literal_label_is_a_lookup_in_the_compiled_template():
    code = environment.compile('<dt>{{ _("Case number") }}</dt>', raw=True)
    assert "_texts" in code and "'Case number'" in code
    assert "context.call" not in code


@pytest.mark.parametrize(("language", "expected"), [("nl", "<dt>Zaaknummer</dt>"), ("en", "<dt>Case number</dt>")])
def test_a_literal_label_renders_in_the_current_language(language, expected):
    assert render('<dt>{{ _("Case number") }}</dt>', language) == expected


def test_a_literal_is_not_escaped_twice_and_double_percent_is_one():
    assert render('{{ _("100%% sure & safe") }}', "en") == "100% sure & safe"


def test_a_message_with_placeholders_stays_a_call_and_escapes_its_values():
    source = '{{ _("%(num)d cases found", num=n) }}|{{ _("Hello %(name)s", name=who) }}'
    code = environment.compile(source, raw=True)
    assert "_texts" not in code
    assert render(source, "en", n=3, who="<b>") == "3 cases found|Hello &lt;b&gt;"


@pytest.mark.parametrize(
    "source",
    [
        '{{ _("a" "b") }}',  # two strings: the call
        '{{ x._("a") }}',  # someone's attribute named _
        "{{ _(label) }}",  # a variable
        '{{ gettext("Case number") }}',  # the other name: a call, as before
    ],
)
def test_anything_but_one_literal_is_left_alone(source):
    assert "_texts" not in environment.compile(source, raw=True)


def test_in_a_template_without_autoescaping_it_prints_the_same():
    source = '{% autoescape false %}{{ _("Case number") }} & {{ x }}{% endautoescape %}'
    assert render(source, "nl", x="<b>") == "Zaaknummer & <b>"
