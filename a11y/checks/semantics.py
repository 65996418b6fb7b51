"""Smaller scripted checks on the markup that axe does not run by default:

- 2.5.3 Label in name: a control's visible text is part of its accessible name
  (axe's rule for this is experimental and off by default).
- 1.3.5 Identify input purpose: fields for the visitor's own e-mail address or phone
  number have an ``autocomplete`` value.
- 1.4.11 Non-text contrast: a text field's boundary (border or background) has at least
  3:1 contrast with what surrounds it.
- 2.4.4 Link purpose: links that only say "here" or "read more" (a warning: the sentence
  around them may give the purpose).
"""

from __future__ import annotations

from a11y.checks.context import CheckContext, js_with_path
from a11y.findings import VIOLATION, WARNING, Finding, node

SEMANTICS_JS = js_with_path(r"""() => {
  const norm = s => (s || '').replace(/\s+/g, ' ').trim().toLowerCase();
  const out = {labelInName: [], inputPurpose: [], contrast: [], vagueLinks: []};
  const info = el => ({selector: cssPath(el), html: el.outerHTML.slice(0, 200)});

  for (const el of document.querySelectorAll('a[href], button, [role=button], [role=link], input[type=submit], input[type=button]')) {
    if (!el.checkVisibility()) continue;
    let label = el.getAttribute('aria-label');
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    if (ids.length) label = ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ');
    const visible = norm(el.matches('input') ? el.value : el.innerText);
    if (label !== null && label !== undefined && visible && !norm(label).includes(visible)) {
      out.labelInName.push({...info(el), summary: 'visible "' + visible + '", name "' + norm(label) + '"'});
    }
    if (el.matches('a[href]')) {
      const name = norm(label || el.innerText);
      if (['hier', 'klik hier', 'lees meer', 'meer', 'meer informatie', 'deze link', 'link',
           'here', 'click here', 'read more', 'more', 'more information', 'this link'].includes(name)) {
        out.vagueLinks.push({...info(el), summary: '"' + name + '"'});
      }
    }
  }

  const personal = /(^|[-_])(e-?mail|telefoon|phone|tel|mobiel|mobile)([-_]|$)/i;
  for (const el of document.querySelectorAll('input')) {
    if (!el.checkVisibility()) continue;
    const type = (el.getAttribute('type') || 'text').toLowerCase();
    // 1.3.5 is about fields a person types their own details into; a checkbox or radio
    // button (say, "by e-mail") takes no autocomplete token.
    if (['checkbox', 'radio', 'hidden', 'submit', 'button', 'reset', 'file', 'image'].includes(type)) continue;
    const about = type === 'email' || type === 'tel' || personal.test(el.name || '') || personal.test(el.id || '');
    const ac = norm(el.getAttribute('autocomplete'));
    if (about && (!ac || ac === 'off' || ac === 'on')) out.inputPurpose.push(info(el));
  }

  const rgba = s => { const m = (s || '').match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = c => { const ch = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]; };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const background = el => { for (let p = el; p; p = p.parentElement) { const c = rgba(getComputedStyle(p).backgroundColor);
      if (c && c[3] > 0.5) return c; } return [255, 255, 255, 1]; };
  for (const el of document.querySelectorAll('input:not([type=hidden]):not([type=radio]):not([type=checkbox]):not([type=submit]):not([type=button]):not([type=file]), select, textarea')) {
    if (!el.checkVisibility()) continue;
    const cs = getComputedStyle(el);
    const outside = background(el.parentElement);
    const own = rgba(cs.backgroundColor);
    const borderWidth = parseFloat(cs.borderBottomWidth) || 0;
    const border = cs.borderBottomStyle !== 'none' && borderWidth >= 1 ? rgba(cs.borderBottomColor) : null;
    const best = Math.max(border && border[3] > 0.5 ? ratio(border, outside) : 1, own && own[3] > 0.5 ? ratio(own, outside) : 1);
    if (best < 3) out.contrast.push({...info(el), summary: 'boundary contrast ' + best.toFixed(2) + ':1'});
  }
  for (const key of Object.keys(out)) out[key] = out[key].slice(0, 8);
  return out;
}""")


def semantics(page, ctx: CheckContext) -> list[Finding]:
    data = page.evaluate(SEMANTICS_JS)
    findings = []
    if data["labelInName"]:
        findings.append(
            Finding(
                "label-in-name",
                VIOLATION,
                ["2.5.3"],
                "The accessible name of a control does not contain its visible text, "
                "so speech-control users cannot say what they see.",
                "Start aria-label with the visible text, or drop aria-label and let the visible text be the name.",
                "serious",
                nodes=[node(n["selector"], n["html"], n["summary"]) for n in data["labelInName"]],
            )
        )
    if data["inputPurpose"]:
        findings.append(
            Finding(
                "input-purpose",
                VIOLATION,
                ["1.3.5"],
                "A field for the visitor's own e-mail address or phone number does not say so with autocomplete.",
                'Add autocomplete="email" or autocomplete="tel" so browsers and assistive tools can fill it in.',
                "moderate",
                nodes=[node(n["selector"], n["html"]) for n in data["inputPurpose"]],
            )
        )
    if data["contrast"]:
        findings.append(
            Finding(
                "non-text-contrast",
                VIOLATION,
                ["1.4.11"],
                "The border of a form field has too little contrast (less than 3:1) "
                "with its surroundings, so people with low vision cannot find the field.",
                "Give fields a border of at least 3:1 contrast, e.g. #6b6b6b on white.",
                "serious",
                nodes=[node(n["selector"], n["html"], n["summary"]) for n in data["contrast"]],
            )
        )
    if data["vagueLinks"]:
        findings.append(
            Finding(
                "link-purpose",
                WARNING,
                ["2.4.4"],
                "A link only says something like 'here' or 'read more'.",
                "Let the link text say where it goes, e.g. 'Read more about the decision date'.",
                "moderate",
                nodes=[node(n["selector"], n["html"], n["summary"]) for n in data["vagueLinks"]],
            )
        )
    return findings
