"""2.4.2 Page titled: every page has a title that says what is on it, and different
pages have different titles (checked over the whole crawl)."""

from __future__ import annotations

from a11y.checks.context import CheckContext
from a11y.findings import VIOLATION, Finding, node


def page_title(page, ctx: CheckContext) -> list[Finding]:
    title = page.title().strip()
    ctx.extra["title"] = title
    first_part = title.split("|")[0].strip()
    if len(first_part) < 3:
        return [
            Finding(
                check="page-title",
                kind=VIOLATION,
                criteria=["2.4.2"],
                description=f"The page title '{title}' does not say what is on the page.",
                help="Start the <title> with what this page is about, then the site name.",
                impact="serious",
                nodes=[node("title", f"<title>{title}</title>")],
            )
        ]
    return []


def duplicate_titles(pages: list[tuple[str, str, str]]) -> list[tuple[str, Finding]]:
    """pages: (state id, path without query, title). Two different paths in the same
    language must not share a title. Returns (state id, finding) pairs."""
    by_title: dict[str, set[str]] = {}
    first_state: dict[str, str] = {}
    for state_id, path, title in pages:
        by_title.setdefault(title, set()).add(path)
        first_state.setdefault(title, state_id)
    findings = []
    for title, paths in by_title.items():
        if len(paths) > 1:
            findings.append(
                (
                    first_state[title],
                    Finding(
                        check="unique-title",
                        kind=VIOLATION,
                        criteria=["2.4.2"],
                        description=f"{len(paths)} different pages share the title '{title}': {', '.join(sorted(paths))}.",
                        help="Make each page's title unique, e.g. include the case number or the step of the form.",
                        impact="moderate",
                        nodes=[node("title", f"<title>{title}</title>")],
                    ),
                )
            )
    return findings
