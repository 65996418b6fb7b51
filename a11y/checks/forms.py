"""3.3.1 Error identification and 3.3.3 Error suggestion, for every form error shown.

Every field marked ``aria-invalid="true"`` must have an error text linked with
``aria-describedby`` (or ``aria-errormessage``, or on its fieldset) that says more
than "invalid"; every link in an error summary must lead to an existing field; and
after a failed submit, focus must be on the error summary or the first wrong field."""

from __future__ import annotations

from a11y.checks.context import CheckContext, js_with_path
from a11y.findings import VIOLATION, Finding, node

ERRORS_JS = js_with_path("""() => {
  const linkedText = el => {
    const ids = [(el.getAttribute('aria-describedby') || ''), (el.getAttribute('aria-errormessage') || '')].join(' ');
    return ids.split(/\\s+/).filter(Boolean).map(id => document.getElementById(id))
      .filter(Boolean).map(e => e.textContent.trim()).join(' ').trim();
  };
  const fields = [];
  for (const el of document.querySelectorAll('[aria-invalid="true"]')) {
    let text = linkedText(el);
    const fieldset = el.closest('fieldset');
    if (!text && fieldset) text = linkedText(fieldset);
    fields.push({selector: cssPath(el), html: el.outerHTML.slice(0, 200), text: text});
  }
  const links = [];
  for (const a of document.querySelectorAll('.error-summary a[href^="#"], [role=alert] a[href^="#"]')) {
    const target = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
    links.push({selector: cssPath(a), html: a.outerHTML.slice(0, 200), ok: !!target,
                field: !!target && (target.matches('input, select, textarea, fieldset') || !!target.querySelector('input, select, textarea'))});
  }
  const active = document.activeElement;
  // Focus may sit on the summary, on a wrong field, or on an error text linked to a wrong field.
  const errorIds = new Set([...document.querySelectorAll('[aria-invalid="true"], fieldset[aria-describedby]')]
    .flatMap(el => (el.getAttribute('aria-describedby') || '').split(/\\s+/)).filter(Boolean));
  const focusOk = !!active && (!!active.closest('.error-summary, [role=alert]') || active.getAttribute('aria-invalid') === 'true'
    || errorIds.has(active.id) || !!active.closest('.form-error'));
  return {fields, links, focusOk, visibleErrorText: !!document.querySelector('.error-summary, .form-error, [role=alert]')};
}""")
VAGUE = {"invalid", "error", "fout", "ongeldig", "onjuist", "wrong", "required", "verplicht"}


def error_identification(page, ctx: CheckContext) -> list[Finding]:
    data = page.evaluate(ERRORS_JS)
    findings = []
    unlinked = [f for f in data["fields"] if not f["text"]]
    if unlinked:
        findings.append(
            Finding(
                check="error-identification",
                kind=VIOLATION,
                criteria=["3.3.1", "1.3.1"],
                description="A field is marked as wrong, but no error text is linked to it.",
                help="Put the error text in an element with an id and reference it from the field with aria-describedby.",
                impact="serious",
                nodes=[node(f["selector"], f["html"]) for f in unlinked[:8]],
            )
        )
    vague = [
        f for f in data["fields"] if f["text"] and (len(f["text"]) < 12 or f["text"].strip(" .:!").lower() in VAGUE)
    ]
    if vague:
        findings.append(
            Finding(
                check="error-suggestion",
                kind=VIOLATION,
                criteria=["3.3.3"],
                description="An error text does not say what is wrong or how to fix it.",
                help="Say what to do, e.g. 'Enter a date like 12 3 2026' instead of 'Invalid'.",
                impact="moderate",
                nodes=[node(f["selector"], f["html"], f["text"]) for f in vague[:8]],
            )
        )
    broken = [link for link in data["links"] if not link["ok"] or not link["field"]]
    if broken:
        findings.append(
            Finding(
                check="error-summary-links",
                kind=VIOLATION,
                criteria=["3.3.1", "2.4.4"],
                description="A link in the error summary does not lead to the field it is about.",
                help='Link each error to the id of its field (href="#field-name").',
                impact="serious",
                nodes=[node(link["selector"], link["html"]) for link in broken[:8]],
            )
        )
    if "form-errors" in ctx.expect:
        if not data["fields"] and not data["visibleErrorText"]:
            findings.append(
                Finding(
                    check="error-identification",
                    kind=VIOLATION,
                    criteria=["3.3.1"],
                    description="This state submits a form with mistakes, but no error is shown or marked on a field.",
                    help="Show an error summary and mark each wrong field with aria-invalid and a linked error text.",
                    impact="serious",
                    nodes=[node("form")],
                )
            )
        elif not data["focusOk"]:
            findings.append(
                Finding(
                    check="error-focus",
                    kind=VIOLATION,
                    criteria=["3.3.1", "2.4.3"],
                    description="After a failed submit, focus is not on the error summary or the wrong field, "
                    "so keyboard and screen-reader users do not learn about the errors.",
                    help='Move focus to the error summary (data-autofocus with tabindex="-1").',
                    impact="serious",
                    nodes=[node("form")],
                )
            )
    return findings
