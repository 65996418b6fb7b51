"""Scripted checks for what axe-core cannot judge. Each check is a function
``check(page, ctx) -> list[Finding]`` run on every page state after axe; CHECKS
maps the check id (as used in the coverage map) to the function and its criteria."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from a11y.checks import dynamic, forms, keyboard, language, layout, semantics, titles, wcag22


@dataclass(frozen=True)
class Check:
    id: str
    criteria: tuple[str, ...]
    run: Callable | None  # None: the check runs over the whole crawl or as a journey, not per state
    summary: str


CHECKS: dict[str, Check] = {
    check.id: check
    for check in [
        Check("page-title", ("2.4.2",), titles.page_title, "Every page has a descriptive title."),
        Check("unique-title", ("2.4.2",), None, "Different pages have different titles (over the whole crawl)."),
        Check(
            "page-language",
            ("3.1.1", "3.1.2"),
            language.language,
            "<html lang> is the chosen language; blocks of text in the other language carry their own lang (3.1.2).",
        ),
        Check("language-of-parts", ("3.1.2",), None, "Reported by page-language."),
        Check(
            "keyboard",
            ("2.1.1", "2.1.2", "2.4.3", "2.4.7", "2.4.1", "3.2.1"),
            keyboard.keyboard,
            "Tab through the page: every element reached, no trap, focus visible, order follows the DOM, skip link works.",
        ),
        Check("keyboard-trap", ("2.1.2",), None, "Reported by keyboard."),
        Check("keyboard-reach", ("2.1.1",), None, "Reported by keyboard."),
        Check("focus-visible", ("2.4.7",), None, "Reported by keyboard."),
        Check("focus-order", ("2.4.3",), None, "Reported by keyboard."),
        Check("skip-link", ("2.4.1",), None, "Reported by keyboard."),
        Check("on-focus", ("3.2.1",), None, "Reported by keyboard: pressing Tab never loads another page."),
        Check("reflow", ("1.4.10",), layout.reflow, "At 320 CSS px: no sideways scrolling, nothing cut off."),
        Check("text-spacing", ("1.4.12",), layout.text_spacing, "With WCAG text-spacing overrides nothing is lost."),
        Check("resize-text", ("1.4.4",), layout.resize_text, "With text at 200% nothing is lost and text grows."),
        Check("orientation", ("1.3.4",), layout.orientation, "Content shows in portrait and landscape."),
        Check(
            "error-identification",
            ("3.3.1", "3.3.3", "1.3.1"),
            forms.error_identification,
            "Wrong fields have a linked, specific error text; summary links work; focus goes to the errors.",
        ),
        Check("error-suggestion", ("3.3.3",), None, "Reported by error-identification."),
        Check("error-summary-links", ("3.3.1",), None, "Reported by error-identification."),
        Check("error-focus", ("3.3.1", "2.4.3"), None, "Reported by error-identification."),
        Check("status-message", ("4.1.3",), dynamic.status_message, "After a swap the news is in a live region."),
        Check("focus-after-swap", ("2.4.3",), dynamic.focus_after_swap, "After a swap focus is not lost."),
        Check(
            "timeout-warning",
            ("2.2.1", "4.1.2"),
            dynamic.timeout_dialog,
            "The session-timeout warning is a labelled dialog that takes focus and can extend the session.",
        ),
        Check(
            "semantics",
            ("2.5.3", "1.3.5", "1.4.11", "2.4.4"),
            semantics.semantics,
            "Visible text is in the accessible name; personal fields have autocomplete; field borders 3:1; "
            "no 'read more' links.",
        ),
        Check("label-in-name", ("2.5.3",), None, "Reported by semantics."),
        Check("input-purpose", ("1.3.5",), None, "Reported by semantics."),
        Check("non-text-contrast", ("1.4.11",), None, "Reported by semantics."),
        Check("link-purpose", ("2.4.4",), None, "Reported by semantics (a warning)."),
        # WCAG 2.2 (checks/wcag22.py).
        Check(
            "focus-not-obscured",
            ("2.4.11",),
            wcag22.focus_not_obscured,
            "Each element with keyboard focus is not entirely hidden by other content.",
        ),
        Check(
            "dragging", ("2.5.7",), wcag22.dragging, "Nothing needs a dragging movement (drag listeners, draggable)."
        ),
        Check(
            "target-size",
            ("2.5.8",),
            wcag22.target_size,
            "Pointer targets are 24 by 24 px, or spaced so a 24 px circle touches no other target, or inline.",
        ),
        Check(
            "consistent-help",
            ("3.2.6",),
            wcag22.consistent_help,
            "The repeated help (contact page, phone, e-mail) is in the same order on every page (over the crawl).",
        ),
        Check(
            "redundant-entry",
            ("3.3.7",),
            wcag22.redundant_entry,
            "A form shown again with errors keeps everything the person entered.",
        ),
        Check(
            "accessible-authentication",
            ("3.3.8",),
            wcag22.accessible_authentication,
            "No CAPTCHA; password and code fields allow paste and password managers.",
        ),
        Check(
            "idle-timeout-journey",
            ("2.2.1",),
            None,
            "After an idle timeout the sign-in page says why and takes focus (tests/a11y/test_idle_timeout.py).",
        ),
        Check(
            "aria-snapshot",
            ("1.3.1", "4.1.2", "2.4.6"),
            None,
            "Accessibility-tree snapshots of the key pages (tests/a11y/test_aria_snapshots.py): a change to names, "
            "roles or order shows in review.",
        ),
        Check(
            "keyboard-journey",
            ("2.1.1", "2.1.2"),
            None,
            "Sign in, open a case, upload, give feedback and sign out with the keyboard only.",
        ),
    ]
}

# The per-state checks, in the order they run (cheap, non-mutating checks first).
STATE_CHECKS = [
    "page-title",
    "page-language",
    "semantics",
    "error-identification",
    "status-message",
    "focus-after-swap",
    "timeout-warning",
    "redundant-entry",
    "accessible-authentication",
    "dragging",
    "consistent-help",
    "target-size",
    "focus-not-obscured",
    "keyboard",
    "reflow",
    "text-spacing",
    "resize-text",
    "orientation",
]
