"""Every form component on its own, as GOV.UK Frontend tests its components: each
example (tests/components/examples.py) is rendered with and without an error, in Dutch
and in English, checked for the links that make it accessible by construction (label,
hint and error tied to the control with for/aria-describedby, aria-invalid, the hidden
"Error:" prefix) and scanned with axe in Chromium."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from a11y import axe
from a11y.findings import VIOLATION
from portal.i18n import set_language
from portal.templating import environment
from tests.components.examples import ERROR, EXAMPLES

CASES = [(example, error, language) for example in EXAMPLES for error in (None, ERROR) for language in ("nl", "en")]
IDS = [f"{example[0]}-{'error' if error else 'ok'}-{language}" for example, error, language in CASES]
PREFIX = {"nl": "Fout: ", "en": "Error: "}


def render(template: str, macro: str, arguments: dict, error: str | None, language: str) -> str:
    set_language(language)
    source = f'{{% from "{template}" import {macro} with context %}}{{{{ {macro}(**arguments) }}}}'
    return environment.from_string(source).render(arguments={**arguments, "error": error}, csrf_token="example-token")


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.all: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.all.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(html)
    return parser.all


@pytest.mark.parametrize(("example", "error", "language"), CASES, ids=IDS)
def test_the_component_ties_label_hint_and_error_to_its_controls(example, error, language):
    _name, template, macro, arguments = example
    html = render(template, macro, arguments, error, language)
    found = elements(html)
    ids = {attrs["id"] for _tag, attrs in found if "id" in attrs}
    controls = [(tag, attrs) for tag, attrs in found if tag in ("input", "textarea", "select")]
    assert controls
    labelled = {attrs["for"] for tag, attrs in found if tag == "label"}
    for _tag, attrs in controls:
        assert attrs["id"] in labelled  # every control has its own label
    described = [attrs for tag, attrs in found if "aria-describedby" in attrs]
    for attrs in described:
        assert set(attrs["aria-describedby"].split()) <= ids  # no link to a missing element
    if arguments.get("hint"):
        assert any(i.endswith("-hint") for attrs in described for i in attrs["aria-describedby"].split())
    if error:
        message = next(attrs["id"] for tag, attrs in found if attrs.get("id", "").endswith("-error"))
        assert any(message in attrs["aria-describedby"].split() for attrs in described)
        text = re.sub(r"<[^>]+>", "", html)
        assert PREFIX[language] + ERROR in text
        if macro in ("text_field", "textarea", "file_input", "select", "checkbox"):
            assert all(attrs.get("aria-invalid") == "true" for _tag, attrs in controls)
    else:
        assert "aria-invalid" not in html and "-error" not in html


def test_the_error_summary_links_to_each_field():
    set_language("nl")
    html = environment.from_string(
        '{% from "components/form_field.html" import error_summary %}{{ error_summary(errors) }}'
    ).render(errors=[("telefoon", ERROR), ("vraag", "Te lang")])
    assert 'href="#field-telefoon"' in html and 'href="#field-vraag"' in html
    assert 'role="alert"' in html and "Er is een probleem" in html


def test_button_and_csrf_input():
    html = environment.from_string(
        '{% from "components/button.html" import button, csrf_input %}{{ csrf_input(csrf_token) }}{{ button("Send") }}'
    ).render(csrf_token="example-token")
    assert '<input type="hidden" name="csrf_token" value="example-token">' in html
    assert '<button type="submit"' in html and "button--primary" in html


PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="/static/vendor/utrecht/component-library.css"><link rel="stylesheet" href="/static/css/portal.css">
</head><body><main><h1>{title}</h1><form method="post" action="/">{body}</form></main></body></html>"""


@pytest.mark.browser
def test_every_example_has_no_axe_violations(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    problems = []
    try:
        for (name, template, macro, arguments), error, language in CASES:
            html = PAGE.format(
                lang=language, title=f"Example {name}", body=render(template, macro, arguments, error, language)
            )
            page.goto("/static/css/portal.css")  # same origin, so the stylesheets load
            page.set_content(html)
            findings = [f for f in axe.run(page) if f.kind == VIOLATION]
            problems += [
                f"{name} ({language}, {'error' if error else 'ok'}): {f.check} {f.description}" for f in findings
            ]
    finally:
        context.close()
    assert problems == []


def test_an_error_shown_elsewhere_is_referenced_and_marks_the_field_invalid():
    """The overview's filter errors are listed in its results region (swapped by HTMX);
    the fields point at them."""
    set_language("nl")
    html = environment.from_string(
        '{% from "components/form_field.html" import text_field, select, radios %}'
        '{{ text_field("zoek", "Zoeken", hint="Zaaknummer", error_ref="filter-error-zoek") }}'
        '{{ select("type", "Soort", [("A", "A")], error_ref="filter-error-type") }}'
        '{{ radios("status", "Status", [("open", "Open")], error_ref="filter-error-status") }}'
        '{{ text_field("plain", "Gewoon") }}'
    ).render()
    found = {attrs["id"]: attrs for _tag, attrs in elements(html) if attrs.get("id")}
    assert found["field-zoek"]["aria-describedby"].split() == ["field-zoek-hint", "filter-error-zoek"]
    assert found["field-zoek"]["aria-invalid"] == "true"
    assert (
        found["field-type"]["aria-describedby"] == "filter-error-type" and found["field-type"]["aria-invalid"] == "true"
    )
    # A fieldset is never aria-invalid (not allowed on the group); it gets the id the error summary links to.
    assert found["field-status"]["aria-describedby"] == "filter-error-status"
    assert "aria-invalid" not in found["field-status"]
    assert "aria-describedby" not in found["field-plain"] and "aria-invalid" not in found["field-plain"]
