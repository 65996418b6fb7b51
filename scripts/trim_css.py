"""Build the trimmed Utrecht style sheet: only the rules for the classes our pages use.

Why: the vendored NL Design System component library (``@utrecht/component-library-css``,
407 KB) styles every Utrecht component; the portal uses about thirty of its classes.
Sending all of it made a first visit 504 KB. This keeps a rule (or the part of a
selector list) only when every ``utrecht-*`` class in it is used somewhere in
``portal/templates``, ``portal/static/js`` or the Python code that writes class names;
``@media``/``@supports`` blocks are trimmed the same way; ``@keyframes`` stay when a kept
rule names them. The licence comments (EUPL-1.2) are kept at the top.

Classes built in a template (``utrecht-button--{{ kind }}-action``) count as a pattern
(``utrecht-button--*-action``), so every variant the template can produce stays.

Usage: ``python scripts/trim_css.py`` (writes the file; a test checks it is up to date).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import tinycss2

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "portal/static/vendor/utrecht/component-library.css"
TARGET = ROOT / "portal/static/vendor/utrecht/component-library.used.css"
SCANNED = [
    (ROOT / "portal/templates", "*.html"),
    (ROOT / "portal/static/js", "*.js"),
    (ROOT / "portal", "*.py"),
]
CLASS = re.compile(r"utrecht-[A-Za-z0-9_-]+")
DYNAMIC = re.compile(r"utrecht-[A-Za-z0-9_-]*(?:\{\{[^}]*\}\}[A-Za-z0-9_-]*)+")
SELECTOR_CLASS = re.compile(r"\.(utrecht-[A-Za-z0-9_-]+)")
# A class inside :not(...) need not be on the page for the rule to apply.
NEGATION = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")
HEADER = (
    "/* Trimmed by scripts/trim_css.py from @utrecht/component-library-css (see ../VERSIONS.md):\n"
    " * only the rules for the utrecht-* classes the portal's pages use. Do not edit; run the script.\n"
    " * Licence: EUPL-1.2 (LICENSE.md in this folder); the original notices follow. */\n"
)


def used_classes(sources: list[tuple[Path, str]] = SCANNED) -> tuple[set[str], list[re.Pattern[str]]]:
    """The utrecht-* classes our code names, and patterns for the ones a template builds."""
    names: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for folder, glob in sources:
        for path in sorted(folder.rglob(glob)):
            if "vendor" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for built in DYNAMIC.findall(text):
                parts = re.split(r"\{\{[^}]*\}\}", built)
                patterns.append(
                    re.compile(
                        "".join(re.escape(part) + "[A-Za-z0-9_-]+" for part in parts[:-1]) + re.escape(parts[-1]) + "$"
                    )
                )
            names.update(CLASS.findall(DYNAMIC.sub(" ", text)))
    return names, patterns


def _split_selectors(prelude: list) -> list[str]:
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(tinycss2.serialize(current).strip())
            current = []
        else:
            current.append(token)
    selectors.append(tinycss2.serialize(current).strip())
    return [selector for selector in selectors if selector]


def _is_used(name: str, names: set[str], patterns: list[re.Pattern[str]]) -> bool:
    return name in names or any(pattern.match(name) for pattern in patterns)


def _trim(rules: list, names: set[str], patterns: list[re.Pattern[str]]) -> list[str]:
    out: list[str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            kept = [
                selector
                for selector in _split_selectors(rule.prelude)
                if all(_is_used(name, names, patterns) for name in SELECTOR_CLASS.findall(NEGATION.sub("", selector)))
            ]
            if kept:
                body = " ".join(tinycss2.serialize(rule.content).split())
                out.append(f"{','.join(kept)}{{{body}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports"):
            inner = _trim(
                tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), names, patterns
            )
            if inner:
                prelude = " ".join(tinycss2.serialize(rule.prelude).split())
                out.append(f"@{rule.at_keyword} {prelude}{{{''.join(inner)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword == "keyframes":
            out.append(tinycss2.serialize([rule]))  # filtered below: only when a kept rule uses it
    return out


def build(source: Path = SOURCE, sources: list[tuple[Path, str]] = SCANNED) -> str:
    names, patterns = used_classes(sources)
    rules = tinycss2.parse_stylesheet(source.read_text(encoding="utf-8"), skip_comments=False, skip_whitespace=True)
    notices: list[str] = []
    for rule in rules:
        if rule.type == "comment" and "@license" in rule.value and f"/*{rule.value}*/" not in notices:
            notices.append(f"/*{rule.value}*/")
    trimmed = _trim(rules, names, patterns)
    kept_text = "".join(part for part in trimmed if not part.startswith("@keyframes"))
    keyframes = []
    for part in trimmed:
        if part.startswith("@keyframes"):
            name = part.split()[1].split("{")[0]
            if re.search(rf"\b{re.escape(name)}\b", kept_text):
                keyframes.append(part)
    body = [part for part in trimmed if not part.startswith("@keyframes")] + keyframes
    return HEADER + "\n".join(notices) + "\n" + "\n".join(body) + "\n"


def main() -> int:
    css = build()
    TARGET.write_text(css, encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(css.encode()):,} bytes (from {SOURCE.stat().st_size:,})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
