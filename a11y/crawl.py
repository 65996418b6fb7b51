"""Visit every state for every role, run axe-core and the scripted checks, and
collect the findings.

Speed (the whole crawl runs in ``make test``): one browser; one context per role,
signed in once and reused; axe injected once per page load; each state scanned once
per language. States that change the session (sign-out, fake clock) get their own
short-lived context.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from a11y import axe
from a11y.browser import DESKTOP_VIEWPORT, EVENT_WAIT_MS
from a11y.checks import CHECKS, STATE_CHECKS
from a11y.checks.context import CheckContext
from a11y.checks.dynamic import SAME_DOCUMENT_JS, before_steps
from a11y.checks.titles import duplicate_titles
from a11y.checks.wcag22 import inconsistent_help
from a11y.findings import ERROR, NEEDS_REVIEW, VIOLATION, WARNING, Finding, node
from a11y.roles import ROLES, Role, SignInError, simulator_sign_in
from a11y.states import State, Step

LANGUAGE_COOKIE = "lang"
# The keyboard walk runs in both languages (WCAG 2.2 audit): longer English or Dutch words
# change what wraps, what a sticky element covers and so what focus can reach.
LANGUAGE_NEUTRAL_CHECKS = {"text-spacing", "resize-text", "orientation", "dragging", "accessible-authentication"}


@dataclass
class StateResult:
    state: str
    role: str
    language: str
    description: str
    url: str
    title: str = ""
    status: int | None = None
    seconds: float = 0.0
    findings: list[Finding] = field(default_factory=list)
    screenshot: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step of the visit
    tab_stops: int | None = None  # how many elements the Tab walk reached (None: no walk)
    help: list[str] | None = None  # the repeated help on the page, in order (3.2.6)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in (VIOLATION, ERROR)]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == WARNING]

    @property
    def needs_review(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == NEEDS_REVIEW]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["findings"] = [f.to_dict() for f in self.findings]
        return data


@dataclass
class AuditResult:
    base_url: str
    started: str
    axe_version: str
    results: list[StateResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def violation_count(self) -> int:
        return sum(len(r.violations) for r in self.results)

    @property
    def warning_count(self) -> int:
        return sum(len(r.warnings) for r in self.results)

    def findings(self, kind: str | None = None) -> list[tuple[StateResult, Finding]]:
        return [(r, f) for r in self.results for f in r.findings if kind is None or f.kind == kind]


@dataclass
class RoleAuth:
    """How a context gets signed in for a role: a saved storage state, or the simulator."""

    storage_state: str | None = None
    use_simulator: bool = True


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def run_step(page, step: Step) -> None:
    if step.action == "click":
        page.click(step.target)
    elif step.action == "fill":
        page.fill(step.target, step.value)
    elif step.action == "check":
        page.check(step.target)
    elif step.action == "select":
        page.select_option(step.target, step.value)
    elif step.action == "press":
        if step.target:
            page.press(step.target, step.value)
        else:
            page.keyboard.press(step.value)
    elif step.action == "upload":
        name, mime, content = step.file
        page.set_input_files(step.target, files=[{"name": name, "mimeType": mime, "buffer": content}])
    elif step.action == "wait_for":
        page.wait_for_selector(step.target, timeout=EVENT_WAIT_MS)
    elif step.action == "fast_forward":
        page.clock.fast_forward(step.value)
    elif step.action == "set_value":
        page.eval_on_selector(step.target, "(el, value) => { el.value = value; }", step.value)
    elif step.action == "remove_attribute":
        page.eval_on_selector(step.target, "(el, name) => el.removeAttribute(name)", step.value)
    elif step.action == "respond":
        body = step.value
        page.route(step.target, lambda route: route.fulfill(status=200, content_type="application/json", body=body))
    elif step.action == "wait_url":
        page.wait_for_url(re.compile(step.target), timeout=EVENT_WAIT_MS)
    else:
        raise ValueError(f"Unknown step action {step.action!r}")
    if step.action in ("click", "press"):
        # Let a form post or an HTMX swap finish before the next step or the scan.
        page.wait_for_load_state("load")


class Crawler:
    def __init__(
        self,
        browser,
        base_url: str,
        *,
        auth: dict[str, RoleAuth] | None = None,
        languages: tuple[str, ...] | None = None,
        checks: list[str] | None = None,
        out_dir: Path | None = None,
        screenshots: bool = True,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.auth = auth or {}
        self.languages = languages
        self.checks = STATE_CHECKS if checks is None else checks
        self.out_dir = out_dir
        self.screenshots = screenshots and out_dir is not None
        self.progress = progress or (lambda message: None)

    # --- contexts ------------------------------------------------------------------

    def new_context(self, role: Role, language: str = "nl"):
        auth = self.auth.get(role.id, RoleAuth())
        options = {"base_url": self.base_url, "locale": "nl-NL", "viewport": DESKTOP_VIEWPORT}
        if role.kind and auth.storage_state:
            options["storage_state"] = auth.storage_state
        context = self.browser.new_context(**options)
        context.set_default_timeout(10_000)
        # Registering axe once per context is much faster than sending its 650 kB source
        # with every page load (see axe.py on why this does not weaken the page's CSP).
        context.add_init_script(path=str(axe.AXE_PATH))
        page = context.new_page()
        if role.kind and not auth.storage_state:
            if not auth.use_simulator:
                raise SignInError(f"{role.id}: no storage state given and the simulator is switched off")
            simulator_sign_in(page, self.base_url, role)
        return context, page

    def set_language(self, context, language: str) -> None:
        context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": self.base_url}])

    # --- the crawl -----------------------------------------------------------------

    def run(self, states: list[State], page_language: str | None = None) -> AuditResult:
        """Visit every state in each of its languages. With ``page_language``, only the
        visits whose page ends up in that language (the state's language, or the one its
        steps switch to): part of a crawl, each visit with the checks a whole crawl runs on
        it, and the checks across pages (titles, help) complete, because they compare the
        pages of one language. The test suite runs the Dutch and English parts side by side."""
        started = time.monotonic()
        audit = AuditResult(
            base_url=self.base_url, started=datetime.now(UTC).isoformat(timespec="seconds"), axe_version=axe.AXE_VERSION
        )
        self._form_error_states = {s.id for s in states if "form-errors" in s.expect}
        states = [state for state in states if self._visited_languages(state, page_language)]
        roles = list(dict.fromkeys(state.role for state in states))
        for role_id in roles:
            role = ROLES[role_id]
            role_states = [s for s in states if s.role == role_id]
            shared = [s for s in role_states if not (s.isolated or s.fake_clock)]
            own = [s for s in role_states if s.isolated or s.fake_clock]
            if shared:
                try:
                    context, page = self.new_context(role)
                except Exception as exc:  # sign-in failed: every state of the role is an error
                    audit.results += [
                        self._error(s, lang, f"Could not sign in: {exc}")
                        for s in shared
                        for lang in self._visited_languages(s, page_language)
                    ]
                else:
                    try:
                        for state in shared:
                            for language in self._visited_languages(state, page_language):
                                audit.results.append(self.visit(context, page, state, language))
                    finally:
                        context.close()
            for state in own:
                for language in self._visited_languages(state, page_language):
                    try:
                        context, page = self.new_context(role)
                    except Exception as exc:
                        audit.results.append(self._error(state, language, f"Could not sign in: {exc}"))
                        continue
                    try:
                        audit.results.append(self.visit(context, page, state, language))
                    finally:
                        context.close()
        self._check_titles(audit)
        self._check_help(audit)
        audit.seconds = round(time.monotonic() - started, 1)
        return audit

    def _visited_languages(self, state: State, page_language: str | None) -> tuple[str, ...]:
        return tuple(
            language for language in self._languages(state) if page_language in (None, state.page_language(language))
        )

    def _languages(self, state: State) -> tuple[str, ...]:
        if self.languages is None:
            return state.languages
        chosen = tuple(lang for lang in state.languages if lang in self.languages)
        return chosen or state.languages[:1]

    def _error(self, state: State, language: str, message: str) -> StateResult:
        return StateResult(
            state.id,
            state.role,
            language,
            state.description,
            self.base_url + state.path,
            findings=[
                Finding(
                    "crawl",
                    ERROR,
                    [],
                    message,
                    "Make the state reachable again, or update a11y/states.py if the page changed.",
                )
            ],
        )

    def visit(self, context, page, state: State, language: str) -> StateResult:
        began = time.monotonic()
        url = self.base_url + state.path
        # The result carries the language the page is in after the steps (a language switch).
        result = StateResult(state.id, state.role, state.page_language(language), state.description, url)
        self.progress(f"{state.role:<11} {language} {state.id}")
        try:
            self.set_language(context, language)
            if state.fake_clock:
                page.clock.install()
            response = page.goto(url, wait_until="load")
            result.status = response.status if response else None
            if result.status != state.status:
                result.findings.append(
                    Finding(
                        "crawl",
                        ERROR,
                        [],
                        f"{state.path} answered {result.status}, expected {state.status}.",
                        "Check the page still exists and the demo data is loaded.",
                        nodes=[node(url)],
                    )
                )
                return result
            lap = time.monotonic()
            result.timings["load"] = round(lap - began, 3)
            before_steps(page)
            for step in state.steps:
                run_step(page, step)
            navigated = bool(state.steps) and not page.evaluate(SAME_DOCUMENT_JS)
            result.url = page.url
            ctx = CheckContext(
                state.id,
                state.page_language(language),
                state.expect,
                interacted=bool(state.steps),
                navigated_by_steps=navigated,
                filled=tuple(
                    (step.action, step.target, step.value)
                    for step in state.steps
                    if step.action in ("fill", "check", "select")
                ),
            )
            lap = self._lap(result, "steps", lap)
            result.findings += axe.run(page)
            lap = self._lap(result, "axe", lap)
            for check_id in self._checks_for(state, language):
                result.findings += CHECKS[check_id].run(page, ctx)
                lap = self._lap(result, check_id, lap)
            result.title = ctx.extra.get("title", page.title())
            result.tab_stops = ctx.extra.get("tab_stops")
            result.help = ctx.extra.get("help")
            if self.screenshots and result.findings:
                result.screenshot = self._screenshot(page, state, language, result)
        except Exception as exc:  # any failure to reach or check the state is reported, never hidden
            result.findings.append(
                Finding(
                    "crawl",
                    ERROR,
                    [],
                    f"The state could not be checked: {exc}".strip()[:1000],
                    "Fix the state's steps in a11y/states.py or the page.",
                    nodes=[node(url)],
                )
            )
        finally:
            result.seconds = round(time.monotonic() - began, 2)
        return result

    @staticmethod
    def _lap(result: StateResult, name: str, since: float) -> float:
        now = time.monotonic()
        result.timings[name] = round(now - since, 3)
        return now

    def _checks_for(self, state: State, language: str) -> list[str]:
        """Every check runs on the first language of a state. The other language gets the
        checks whose outcome depends on the words (axe, titles, language, errors, dynamic
        news, reflow of longer words), not the keyboard walk and zoom checks, whose result
        depends on the markup and CSS only: this keeps the crawl fast."""
        first = language == self._languages(state)[0]
        checks = [c for c in self.checks if first or c not in LANGUAGE_NEUTRAL_CHECKS]
        if not state.keyboard:
            checks = [c for c in checks if c != "keyboard"]
        return checks

    def _screenshot(self, page, state: State, language: str, result: StateResult) -> str:
        folder = self.out_dir / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{_slug(state.role)}--{_slug(state.id)}--{language}"
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        # Element screenshots: the first nodes of each violation (the auditor sees the culprit)
        # and every element axe left for review (the auditor judges it from the picture).
        for index, finding in enumerate(result.findings):
            if finding.kind not in (VIOLATION, NEEDS_REVIEW):
                continue
            for node_index, item in enumerate(finding.nodes if finding.kind == NEEDS_REVIEW else finding.nodes[:3]):
                if ">>>" in item.selector:
                    continue
                path = folder / f"{name}--{index}-{node_index}.png"
                try:
                    locator = page.locator(item.selector).first
                    if locator.is_visible(timeout=200):
                        locator.screenshot(path=str(path), timeout=1000)
                        item.screenshot = f"screenshots/{path.name}"
                except Exception:  # an element that cannot be photographed is still reported
                    continue
        return f"screenshots/{name}.png"

    def _check_help(self, audit: AuditResult) -> None:
        """3.2.6: the repeated help is in the same order on every page of a language."""
        index = {(r.state, r.language): r for r in audit.results}
        for language, pages in _help_pages(audit).items():
            for state_id, finding in inconsistent_help(pages):
                index[(state_id, language)].findings.append(finding)

    def _check_titles(self, audit: AuditResult) -> None:
        by_language: dict[str, list] = {}
        for result in audit.results:
            # A form shown again with errors is the same page (often at its POST address).
            if result.state in self._form_error_states:
                continue
            if result.status and result.status < 400 and result.title:
                path = result.url.split("?")[0].split("#")[0]
                by_language.setdefault(result.language, []).append((result.state, path, result.title))
        index = {(r.state, r.language): r for r in audit.results}
        for language, pages in by_language.items():
            for state_id, finding in duplicate_titles(pages):
                index[(state_id, language)].findings.append(finding)


def _help_pages(audit: AuditResult) -> dict[str, list[tuple[str, str, list[str]]]]:
    pages: dict[str, list[tuple[str, str, list[str]]]] = {}
    for result in audit.results:
        if result.help is not None and result.status and result.status < 400:
            pages.setdefault(result.language, []).append((result.state, result.url, result.help))
    return pages


def audit(base_url: str, states: list[State], **options) -> AuditResult:
    """Start Chromium, crawl, close it. For the CLI; tests reuse their browser with Crawler."""
    from playwright.sync_api import sync_playwright

    from a11y.browser import launch

    # Check the pinned axe-core before spending minutes on a crawl with the wrong one.
    if axe.file_version() != axe.AXE_VERSION:
        raise RuntimeError(f"{axe.AXE_PATH} is axe-core {axe.file_version()}, the suite is pinned to {axe.AXE_VERSION}")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            return Crawler(browser, base_url, **options).run(states)
        finally:
            browser.close()
