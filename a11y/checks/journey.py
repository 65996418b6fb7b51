"""Keyboard-only journeys (2.1.1 Keyboard, 2.1.2 No keyboard trap): a person who
cannot use a mouse signs in, finds a case, sends a document, gives feedback and signs
out, with Tab, Shift+Tab, Enter, Space, arrow keys and typing only.

Each step says which element it wants to reach; ``tab_to`` presses Tab until focus is
there. Not reaching it is a 2.1.1 failure; focus that stops moving is a 2.1.2 failure.
Journeys need the login simulator and the demo data, and they store a document and
an answer: run them on a test or demo portal only."""

from __future__ import annotations

from a11y.browser import EVENT_WAIT_MS
from a11y.findings import VIOLATION, Finding, node
from a11y.roles import SIGNED_IN_MARK

MATCHES_JS = "selector => !!document.activeElement && document.activeElement.matches(selector)"
ACTIVE_JS = """() => { const a = document.activeElement;
  return a ? a.outerHTML.slice(0, 160) + '@' + [...document.querySelectorAll('*')].indexOf(a) : ''; }"""


class JourneyFailure(AssertionError):
    def __init__(self, finding: Finding) -> None:
        super().__init__(f"{finding.check} ({', '.join(finding.criteria)}): {finding.description}")
        self.finding = finding


def tab_to(page, selector: str, what: str, max_tabs: int = 80) -> None:
    """Press Tab until the focused element matches ``selector``."""
    if page.evaluate(MATCHES_JS, selector):
        return
    previous, stuck = None, 0
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate(MATCHES_JS, selector):
            return
        current = page.evaluate(ACTIVE_JS)
        stuck = stuck + 1 if current == previous else 0
        if stuck >= 2:
            raise JourneyFailure(
                Finding(
                    "keyboard-journey",
                    VIOLATION,
                    ["2.1.2"],
                    f"Keyboard focus got stuck before reaching {what}.",
                    "Do not catch the Tab key.",
                    "critical",
                    nodes=[node(selector, current)],
                )
            )
        previous = current
    raise JourneyFailure(
        Finding(
            "keyboard-journey",
            VIOLATION,
            ["2.1.1"],
            f"{what} cannot be reached with the Tab key ({page.url}).",
            "Make it a real link, button or form field in the Tab order.",
            "critical",
            nodes=[node(selector)],
        )
    )


def activate(page, selector: str, what: str, key: str = "Enter") -> None:
    tab_to(page, selector, what)
    page.keyboard.press(key)
    page.wait_for_load_state("load")


def sign_in_digid(page, base_url: str, bsn: str, level: str) -> None:
    """From the start page to signed in, keyboard only. The radio buttons of a group
    are one Tab stop; the arrow keys choose within it."""
    page.goto(base_url + "/")
    activate(page, "a[href^='/inloggen/digid']", "the 'Sign in with DigiD' link")
    page.wait_for_url("**/simulator/digid/**")
    tab_to(page, "#field-bsn", "the BSN field")
    page.keyboard.type(bsn)
    tab_to(page, "input[name=level]", "the level of assurance")
    levels = page.eval_on_selector_all("input[name=level]", "els => els.map(e => e.value)")
    focused = page.evaluate("() => document.activeElement.value")
    steps = levels.index(level) - levels.index(focused)
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    if (
        not page.evaluate("() => document.activeElement.checked")
        or page.evaluate("() => document.activeElement.value") != level
    ):
        page.keyboard.press("Space")
    activate(page, "button[name=action][value=sign_in]", "the 'Sign in' button")
    page.wait_for_selector(SIGNED_IN_MARK)


def open_case(page, number: str) -> None:
    activate(page, f"a[href='/mijn-zaken/{number}']", f"the link to case {number}")
    page.wait_for_url(f"**/mijn-zaken/{number}*")


def upload(page, path_or_file: dict) -> None:
    """Choose a file with the keyboard: Space on the file field opens the chooser."""

    # Listen for file choosers before the field is reached: Playwright turns on catching the
    # browser's file chooser without waiting for it to be on (``updateSubscription``, fire and
    # forget), so a key pressed right after ``expect_file_chooser`` can open the browser's own
    # chooser before that, and no event comes (a CI run failed so, neither key "worked").
    # Tabbing to the field leaves the browser the time to turn it on.
    def keep_listening(_chooser: object) -> None:
        return None

    page.on("filechooser", keep_listening)
    try:
        tab_to(page, "form.file-upload input[type=file]", "the file field")
        chooser = None
        # Both keys open the chooser; which one a browser honours varies.
        for key in ("Space", "Enter"):
            try:
                with page.expect_file_chooser(timeout=EVENT_WAIT_MS) as opened:
                    page.keyboard.press(key)
                chooser = opened.value
                break
            except Exception:  # Playwright TimeoutError: try the other key
                continue
    finally:
        page.remove_listener("filechooser", keep_listening)
    if chooser is None:
        raise JourneyFailure(
            Finding(
                "keyboard-journey",
                VIOLATION,
                ["2.1.1"],
                "The file field does not open a file chooser with Space or Enter.",
                "Use a native <input type=file>, or a button that opens it on Space and Enter.",
                "critical",
                nodes=[node("form.file-upload input[type=file]")],
            )
        )
    chooser.set_files(files=[path_or_file])
    activate(page, "form.file-upload button[type=submit]", "the 'Send document' button")
    page.wait_for_url("**ontvangen=**")


def give_feedback(page, answer_selector: str = "#feedback-ja") -> None:
    tab_to(page, "input[name=geholpen]", "the 'Did we help you?' choice")
    target = page.eval_on_selector(answer_selector, "el => el.value")
    for _ in range(3):
        if page.evaluate("v => document.activeElement.value === v && document.activeElement.checked", target):
            break
        if page.evaluate("v => document.activeElement.value === v", target):
            page.keyboard.press("Space")
        else:
            page.keyboard.press("ArrowDown")
    activate(page, "form.feedback-form button[type=submit]", "the 'Send answer' button")
    page.wait_for_selector("#case-contact [role=status]")


def sign_out(page) -> None:
    # Shift+Tab is a keyboard user's way back up to the header.
    page.keyboard.press("Shift+Tab")
    activate(page, f"{SIGNED_IN_MARK} button", "the 'Sign out' button")
    page.wait_for_url("**/uitgelogd**")
