"""What a scripted check gets to know about the state it is checking."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CheckContext:
    state_id: str
    language: str  # the language the page should be in: "nl" or "en"
    expect: frozenset[str] = frozenset()  # e.g. {"form-errors", "announcement", "dialog"}
    interacted: bool = False  # steps were run in the page after loading it
    navigated_by_steps: bool = False  # the steps loaded a new document (a normal form post)
    # What the steps entered: (action, selector, value) for fill, check and select (3.3.7).
    filled: tuple[tuple[str, str, str], ...] = ()
    extra: dict = field(default_factory=dict)


# A CSS path short enough to read in a report, unique enough to find the element.
CSS_PATH_JS = """(el) => {
  const parts = [];
  while (el && el.nodeType === 1 && parts.length < 5) {
    if (el.id) { parts.unshift('#' + CSS.escape(el.id)); break; }
    let part = el.localName;
    const cls = [...el.classList].filter(c => !c.startsWith('utrecht-')).slice(0, 2);
    if (cls.length) part += '.' + cls.map(c => CSS.escape(c)).join('.');
    const parent = el.parentElement;
    if (parent) {
      const same = [...parent.children].filter(c => c.localName === el.localName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(el) + 1) + ')';
    }
    parts.unshift(part);
    el = parent;
  }
  return parts.join(' > ');
}"""


def js_with_path(body: str) -> str:
    """Wrap a check's JavaScript so it can call ``cssPath(el)``."""
    return f"(arg) => {{ const cssPath = {CSS_PATH_JS}; return ({body})(arg); }}"
