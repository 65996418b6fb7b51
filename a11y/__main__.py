"""Command line for auditors and CI.

    python -m a11y audit --base-url URL --out DIR [options]   # exit 0: no violations, 1: violations, 2: usage
    python -m a11y login --role resident-a --base-url URL --out state.json
    python -m a11y list                                        # roles, states and coverage summary

See a11y/README.md."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from a11y import coverage, report
from a11y.crawl import RoleAuth, audit
from a11y.roles import ROLES, manual_sign_in
from a11y.states import MIRROR_STATES, STATES, State


class UsageError(Exception):
    """Wrong command-line input: the message says what to change (exit code 2)."""


def _storage_states(values: list[str]) -> dict[str, str]:
    found = {}
    for value in values:
        role, sep, path = value.partition("=")
        if not sep or role not in ROLES or not path:
            raise UsageError(
                f"--storage-state must look like ROLE=FILE with ROLE one of {', '.join(ROLES)}; got {value!r}"
            )
        if not Path(path).is_file():
            raise UsageError(f"--storage-state {role}: file {path} does not exist")
        found[role] = path
    return found


def statement_data(result, summary: dict) -> dict:
    """What the portal's accessibility statement shows about the last audit."""
    return {
        "last_audit": date.fromisoformat(result.started[:10]).isoformat(),
        "passed": summary["passed"],
        "violations": summary["violations"] + summary["errors"],
        "states": summary["states"],
        "pages": summary["pages"],
        "axe_version": result.axe_version,
        "automated_only": True,
    }


def command_audit(args) -> int:
    states = STATES + MIRROR_STATES if args.mirror else STATES
    if args.role:
        unknown = set(args.role) - set(ROLES)
        if unknown:
            raise UsageError(f"Unknown role(s): {', '.join(sorted(unknown))}. Known: {', '.join(ROLES)}")
        states = [s for s in states if s.role in args.role]
    if args.state:
        unknown = set(args.state) - {s.id for s in states}
        if unknown:
            raise UsageError(f"Unknown state(s): {', '.join(sorted(unknown))}. See: python -m a11y list")
        states = [s for s in states if s.id in args.state]
    if args.page:
        languages = tuple(args.lang or ["nl"])
        extra = [
            State(f"page-{index}", "anonymous", path, f"Extra page {path}", languages=languages)
            for index, path in enumerate(args.page, start=1)
            if path.startswith("/")
        ]
        if len(extra) != len(args.page):
            raise UsageError("--page takes a path that starts with /, e.g. --page /contact")
        states = extra if args.only_pages else states + extra
    if not args.allow_changes:
        states = [s for s in states if not s.changes_data]
    storage = _storage_states(args.storage_state or [])
    if args.no_simulator:
        # Without the simulator, roles without a storage state cannot sign in: leave them out.
        states = [s for s in states if ROLES[s.role].kind is None or s.role in storage]
    auth = {role: RoleAuth(storage_state=storage.get(role), use_simulator=not args.no_simulator) for role in ROLES}
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress = (lambda message: print(message, file=sys.stderr)) if args.verbose else None
    result = audit(
        args.base_url,
        states,
        auth=auth,
        languages=tuple(args.lang) if args.lang else None,
        out_dir=out_dir,
        screenshots=not args.no_screenshots,
        progress=progress,
    )
    json_path, html_path = report.write(result, out_dir)
    summary = report.summary(result)
    if args.statement:
        Path(args.statement).write_text(json.dumps(statement_data(result, summary), indent=2) + "\n", encoding="utf-8")
    print(
        f"{summary['states']} states checked in {result.seconds} s: {summary['violations']} violations, "
        f"{summary['errors']} states not checked, {summary['warnings']} warnings, "
        f"{summary['needs_review']} items that need review."
    )
    print(f"Report: {html_path}  (data: {json_path})")
    return 0 if summary["passed"] and summary["errors"] == 0 else 1


def command_login(args) -> int:
    from playwright.sync_api import sync_playwright

    from a11y.browser import launch

    role = ROLES.get(args.role)
    if role is None or role.kind is None:
        raise UsageError(f"--role must be one of {', '.join(r for r in ROLES if ROLES[r].kind)}")
    print(
        f"A browser window opens at {args.base_url}/inloggen. Sign in as: {role.description}.\n"
        f"The window closes by itself once you are signed in (you have {args.timeout} seconds)."
    )
    with sync_playwright() as playwright:
        browser = launch(playwright, headless=False)
        context = browser.new_context(base_url=args.base_url)
        page = context.new_page()
        manual_sign_in(page, args.base_url.rstrip("/"), role, timeout_seconds=args.timeout)
        context.storage_state(path=args.out)
        browser.close()
    print(
        f"Saved the signed-in state to {args.out}. Use it with: --storage-state {role.id}={args.out}\n"
        "Keep this file secret and delete it after the audit: it is a live session."
    )
    return 0


def command_list(args) -> int:
    print("Roles:")
    for role in ROLES.values():
        print(f"  {role.id:<12} {role.description}")
    print("\nStates:")
    for state in STATES:
        print(f"  {state.role:<12} {state.id:<36} {state.path}  ({', '.join(state.languages)})")
    print("\nStates of a portal in mirror mode (--mirror):")
    for state in MIRROR_STATES:
        print(f"  {state.role:<12} {state.id:<36} {state.path}  ({', '.join(state.languages)})")
    entries = coverage.criteria()
    automated = sum(1 for c in entries if c["automation"] != "none")
    print(
        f"\nCoverage: {len(entries)} WCAG 2.2 A/AA criteria, {automated} partly automated, "
        f"{len(entries) - automated} manual only (details in the HTML report)."
    )
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m a11y", description="Accessibility audit (WCAG 2.2 AA) of a Mijn Zaken portal."
    )
    commands = main.add_subparsers(dest="command", required=True)

    run = commands.add_parser("audit", help="crawl every page and state, write report.json and report.html")
    run.add_argument("--base-url", required=True, help="the portal, e.g. https://mijnzaken.example.nl")
    run.add_argument("--out", required=True, help="folder for report.json, report.html and screenshots")
    run.add_argument("--role", action="append", help="only these roles (repeatable); default: all")
    run.add_argument("--state", action="append", help="only these state ids (repeatable)")
    run.add_argument("--lang", action="append", choices=["nl", "en"], help="only these languages (repeatable)")
    run.add_argument(
        "--storage-state",
        action="append",
        metavar="ROLE=FILE",
        help="signed-in browser state for a role, made with `python -m a11y login` (repeatable)",
    )
    run.add_argument(
        "--no-simulator",
        action="store_true",
        help="the deployment has no login simulator: check signed-in roles only with --storage-state",
    )
    run.add_argument(
        "--page",
        action="append",
        metavar="PATH",
        help="also check this page (anonymous), e.g. the municipality's own pages (repeatable)",
    )
    run.add_argument("--only-pages", action="store_true", help="check only the --page pages, not the built-in states")
    run.add_argument(
        "--allow-changes",
        action="store_true",
        help="also run states that store something (upload a document, ask for a call back, give "
        "feedback, mark a message read); only on a test or demo portal",
    )
    run.add_argument(
        "--mirror", action="store_true", help="the portal mirrors a ZGW case system: also check its stale-data states"
    )
    run.add_argument("--no-screenshots", action="store_true")
    run.add_argument(
        "--statement",
        metavar="FILE",
        help="also write the date and result for the accessibility statement (portal/accessibility_statement.json)",
    )
    run.add_argument("-v", "--verbose", action="store_true", help="print each state as it is checked")
    run.set_defaults(func=command_audit)

    login = commands.add_parser("login", help="sign in by hand once in a visible browser and save the session")
    login.add_argument("--role", required=True)
    login.add_argument("--base-url", required=True)
    login.add_argument("--out", required=True, help="file to save the Playwright storage state to")
    login.add_argument("--timeout", type=int, default=600, help="seconds to wait for the sign-in")
    login.set_defaults(func=command_login)

    listing = commands.add_parser("list", help="show roles, states and the coverage summary")
    listing.set_defaults(func=command_list)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"python -m a11y {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
