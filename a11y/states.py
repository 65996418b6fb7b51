"""The data-driven list of every page and state the crawl visits, per role.

Covering a new page or state is adding one ``State`` entry. A state is a URL, plus
optional interaction steps that bring the page into the state (filter applied, form
error shown, dialog open, HTMX swap done). The test ``test_every_route_is_covered``
matches these entries against the app's routes, so a new route without an entry here
(or a reason in EXCLUDED_ROUTES) fails loudly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One interaction. action: click, fill, check, select, press, upload, wait_for,
    wait_url, set_value (also for hidden inputs), remove_attribute (e.g. 'required', to
    reach the server's own check as a browser without form validation would), respond (answer requests to a URL
    pattern with a fixed JSON body), fast_forward (Playwright's fake clock)."""

    action: str
    target: str = ""
    value: str = ""
    # upload: (file name, MIME type, content)
    file: tuple[str, str, bytes] | None = None


@dataclass(frozen=True)
class State:
    id: str
    role: str  # a key of a11y.roles.ROLES
    path: str  # where the state starts
    description: str
    steps: tuple[Step, ...] = ()
    status: int = 200  # the HTTP status the start URL must answer with
    languages: tuple[str, ...] = ("nl", "en")
    result_language: str | None = None  # when the steps switch language
    expect: frozenset[str] = frozenset()  # form-errors, announcement, dialog, focus-on-body-ok
    covers: tuple[str, ...] = ()  # more routes this state exercises, e.g. "POST /uitloggen"
    isolated: bool = False  # needs its own fresh signed-in browser context (e.g. signs out)
    fake_clock: bool = False  # install Playwright's clock before loading (timeout dialog)
    keyboard: bool = True  # run the Tab walk on this state
    changes_data: bool = False  # stores something (upload, callback, feedback): the CLI skips it unless
    # --allow-changes, so an audit of a live portal never files real requests

    def page_language(self, language: str) -> str:
        """The language the page is in after the steps, when visited in ``language``."""
        return self.result_language or language


def expect(*names: str) -> frozenset[str]:
    return frozenset(names)


PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOT_A_DOCUMENT = ("notities.txt", "text/plain", b"This is not a PDF, JPG or PNG file.")
CASE = "/mijn-zaken/ZAAK-2026-0000"
STAFF_CASE = "/medewerker/zaken/ZAAK-2026-0000302"
CONFIRM = "/e-mailadres-bevestigen/"
DEMO_TOKEN = "demo-bevestig-pieter-de-vries-0000000000000"  # devtools.demo.DEMO_CONFIRMATION_TOKEN
SIGN_OUT = 'form[action="/uitloggen"] button'
CALENDAR_MAKE = "form[action='/hoe-wij-u-bereiken/agenda'] button"
CALENDAR_STOP = "form[action='/hoe-wij-u-bereiken/agenda/stoppen'] button"
UPLOAD_BUTTON = "form.file-upload button[type=submit]"
# The session-status answer that makes the page think 90 seconds are left.
NEARLY_EXPIRED = '{"signed_in": true, "seconds_left": 90, "warning_seconds": 120}'


def case_states(role: str, numbers: dict[str, str]) -> list[State]:
    return [State(f"case-{number}", role, f"{CASE}{number}", f"Case page: {what}") for number, what in numbers.items()]


STATES: list[State] = [
    # --- anonymous: general pages ---------------------------------------------------
    State("home", "anonymous", "/", "Start page"),
    State("contact", "anonymous", "/contact", "Contact page"),
    State("accessibility-statement", "anonymous", "/toegankelijkheid", "Accessibility statement"),
    State("not-found", "anonymous", "/deze-pagina-bestaat-niet", "Error page: page not found", status=404),
    State("method-not-allowed", "anonymous", "/uitloggen", "Error page: action not possible here", status=405),
    State("bad-request", "anonymous", "/inloggen?volgende=/" + "a" * 2001, "Error page: request not valid", status=422),
    State(
        "language-switched",
        "anonymous",
        "/contact",
        "Contact page after choosing English in the header",
        steps=(Step("click", "a[hreflang=en]"), Step("wait_for", "html[lang=en]")),
        languages=("nl",),
        result_language="en",
        covers=("GET /taal/{language}",),
    ),
    State(
        "language-switched-back",
        "anonymous",
        "/",
        "Start page after choosing Nederlands in the header",
        steps=(Step("click", "a[hreflang=nl]"), Step("wait_for", "html[lang=nl]")),
        languages=("en",),
        result_language="nl",
    ),
    # --- anonymous: signing in (portal pages and the login simulator) ----------------
    State("sign-in-choice", "anonymous", "/inloggen", "Sign-in: choose DigiD or eHerkenning"),
    State(
        "sign-in-choice-level",
        "anonymous",
        "/inloggen?niveau=substantieel&volgende=/mijn-zaken",
        "Sign-in: choose, when a page needs a higher level",
    ),
    State("sign-in-required", "anonymous", "/mijn-zaken", "A personal page without signing in: sent to sign-in"),
    State(
        "sign-in-unknown-provider", "anonymous", "/inloggen/onbekend", "Sign-in with an unknown provider", status=404
    ),
    State(
        "simulator-digid",
        "anonymous",
        "/inloggen/digid",
        "Login simulator: DigiD",
        covers=("GET /simulator/{slug}/authorize",),
    ),
    State("simulator-eherkenning", "anonymous", "/inloggen/eherkenning", "Login simulator: eHerkenning"),
    State("simulator-staff", "anonymous", "/inloggen/medewerker", "Login simulator: staff"),
    # --- acting for someone else (issue 20) ---------------------------------------------
    State("simulator-digid-machtigen", "anonymous", "/inloggen/digid-machtigen", "Login simulator: DigiD Machtigen"),
    State(
        "simulator-eherkenning-bewindvoering",
        "anonymous",
        "/inloggen/eherkenning-bewindvoering",
        "Login simulator: eHerkenning bewindvoering",
    ),
    State(
        "simulator-machtigen-errors",
        "anonymous",
        "/inloggen/digid-machtigen",
        "Login simulator: DigiD Machtigen sent empty, errors shown",
        steps=(Step("click", "button[name=action][value=sign_in]"), Step("wait_for", ".error-summary")),
        expect=expect("form-errors"),
    ),
    State(
        "sign-in-mandate-refused",
        "anonymous",
        "/inloggen/digid-machtigen",
        "Sign-in refused: a mandate for a service this municipality does not handle",
        steps=(
            Step("fill", "#field-authorizee", "111222333"),
            Step("fill", "#field-representee", "999991036"),
            Step("check", "input[name=service][value='00000000-0000-4000-8000-000000000000']"),
            Step("click", "button[name=action][value=sign_in]"),
            Step("wait_url", r"/inloggen/digid-machtigen/callback"),
        ),
    ),
    State("representative-overview", "representative", "/mijn-zaken", "Acting for someone: My cases with the banner"),
    State(
        "representative-case",
        "representative",
        f"{CASE}601",
        "Acting for someone: the father's Wmo case (in the mandate)",
    ),
    State(
        "representative-case-outside-mandate",
        "representative",
        f"{CASE}602",
        "Acting for someone: the father's permit, outside the mandate (not found)",
        status=404,
    ),
    State("representative-inbox", "representative", "/berichten", "Acting for someone: messages about mandated cases"),
    State(
        "representative-reach", "representative", "/hoe-wij-u-bereiken", "Acting for someone: how we reach the father"
    ),
    State(
        "representative-stopped",
        "representative",
        "/mijn-zaken",
        "Acting for someone: stopped, with a way back to one's own cases",
        steps=(
            Step("click", "form[action='/namens/stoppen'] button"),
            Step("wait_url", r"/namens/gestopt"),
        ),
        isolated=True,
        covers=("POST /namens/stoppen", "GET /namens/gestopt"),
    ),
    State(
        "bewindvoerder-overview", "bewindvoerder", "/mijn-zaken", "Bewindvoerder: the client's cases with the banner"
    ),
    State("bewindvoerder-case", "bewindvoerder", f"{CASE}604", "Bewindvoerder: the client's social assistance case"),
    State(
        "simulator-form-errors",
        "anonymous",
        "/inloggen/digid",
        "Login simulator: form sent empty, errors shown",
        steps=(Step("click", "button[name=action][value=sign_in]"), Step("wait_for", ".error-summary")),
        expect=expect("form-errors"),
        covers=("POST /simulator/{slug}/authorize",),
    ),
    State(
        "simulator-eherkenning-errors",
        "anonymous",
        "/inloggen/eherkenning",
        "Login simulator: eHerkenning with a wrong KVK number",
        steps=(
            Step("fill", "#field-kvk", "1234"),
            Step("click", "button[name=action][value=sign_in]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
    ),
    State(
        "sign-in-cancelled",
        "anonymous",
        "/inloggen/digid",
        "Sign-in cancelled at the provider",
        steps=(Step("click", "button[name=action][value=cancel]"), Step("wait_url", r"/inloggen/digid/callback")),
        covers=("GET /inloggen/{slug}/callback",),
    ),
    State(
        "form-expired",
        "anonymous",
        "/inloggen/digid",
        "Error page: a form whose safety code expired (CSRF)",
        steps=(
            Step("set_value", "input[name=csrf_token]", "expired"),
            Step("fill", "#field-bsn", "999993653"),
            Step("click", "button[name=action][value=sign_in]"),
            Step("wait_for", "h1"),
        ),
    ),
    State("signed-out-page", "anonymous", "/uitgelogd", "Signed out"),
    State("email-confirm-valid", "anonymous", CONFIRM + DEMO_TOKEN, "E-mail confirmation link: confirm button"),
    State(
        "email-confirm-expired",
        "anonymous",
        CONFIRM + "demo-verlopen-pieter-de-vries-000000000000",
        "E-mail confirmation link: expired",
        status=410,
    ),
    State(
        "email-confirm-unknown",
        "anonymous",
        CONFIRM + "onbekende-link",
        "E-mail confirmation link: unknown",
        status=404,
    ),
    State(
        "email-confirmed",
        "anonymous",
        CONFIRM + DEMO_TOKEN,
        "E-mail confirmation link: address confirmed",
        steps=(
            Step("click", "form[action='/e-mailadres-bevestigen'] button"),
            Step("wait_for", "a[href='/hoe-wij-u-bereiken']"),
        ),
        languages=("nl",),
        changes_data=True,
        covers=("POST /e-mailadres-bevestigen",),
    ),
    State(
        "simulator-sent-items",
        "anonymous",
        "/simulator/verzonden",
        "Login simulator: sent items (e-mail, SMS, letters)",
    ),
    State("speed-index", "anonymous", "/hoe-snel-zijn-wij", "How fast are we: the kinds of cases"),
    State("speed-case-type", "anonymous", "/hoe-snel-zijn-wij/kapvergunning", "How fast are we: one kind of case"),
    State(
        "speed-case-type-chart",
        "anonymous",
        "/hoe-snel-zijn-wij/parkeervergunning",
        "How fast are we: a kind of case with enough decisions for figures, table and chart",
    ),
    State("speed-unknown", "anonymous", "/hoe-snel-zijn-wij/bestaat-niet", "How fast are we: unknown kind", status=404),
    # --- resident A: Jan Jansen --------------------------------------------------------
    State("case-list", "resident-a", "/mijn-zaken", "My cases: overview"),
    State(
        "document-not-found",
        "resident-a",
        f"{CASE}101/documenten/999999",
        "Error page: a document that is not in this case (the download route answers files otherwise)",
        status=404,
    ),
    State(
        "case-list-filtered",
        "resident-a",
        "/mijn-zaken",
        "My cases: filter 'closed' applied (HTMX swap)",
        steps=(
            Step("check", "#status-closed"),
            Step("click", "form.case-filters button[type=submit]"),
            Step("wait_for", "#case-results h2:focus"),
        ),
        expect=expect("announcement"),
    ),
    State(
        "case-list-filter-url",
        "resident-a",
        "/mijn-zaken?status=open&type=kapvergunning",
        "My cases: filters in the address (without JavaScript)",
    ),
    State("case-list-no-results", "resident-a", "/mijn-zaken?zoek=bestaat-niet", "My cases: search without results"),
    State(
        "case-list-bad-filter",
        "resident-a",
        "/mijn-zaken?status=kapot&type=onbekend",
        "My cases: filter values that do not exist",
        status=400,
    ),
    *case_states(
        "resident-a",
        {
            "101": "extended in time",
            "102": "just received, no handler yet",
            "103": "granted and closed",
            "104": "completed report",
            "105": "extended too late",
        },
    ),
    State("case-of-someone-else", "resident-a", f"{CASE}201", "Someone else's case: not found", status=404),
    State(
        "callback-errors",
        "resident-a",
        f"{CASE}101",
        "Case page: call-back form sent without phone (HTMX)",
        steps=(Step("click", "form.callback-form button[type=submit]"), Step("wait_for", "#callback-phone-error")),
        expect=expect("form-errors", "announcement"),
    ),
    State(
        "callback-sent",
        "resident-a",
        f"{CASE}101",
        "Case page: call-back requested (HTMX)",
        steps=(
            Step("fill", "#callback-phone", "0612345678"),
            Step("click", "form.callback-form button[type=submit]"),
            Step("wait_for", "[data-focus-after-swap]:focus"),
        ),
        expect=expect("announcement"),
        languages=("nl",),
        changes_data=True,
        covers=("POST /mijn-zaken/{number}/terugbellen",),
    ),
    State(
        "feedback-errors",
        "resident-a",
        f"{CASE}104",
        "Case page: feedback sent without an answer (HTMX)",
        steps=(Step("click", "form.feedback-form button[type=submit]"), Step("wait_for", "#feedback-helped-error")),
        expect=expect("form-errors", "announcement"),
    ),
    State(
        "feedback-sent",
        "resident-a",
        f"{CASE}104",
        "Case page: feedback given (HTMX)",
        steps=(
            Step("check", "#feedback-ja"),
            Step("click", "form.feedback-form button[type=submit]"),
            Step("wait_for", "#case-contact [role=status]"),
        ),
        expect=expect("announcement"),
        languages=("nl",),
        changes_data=True,
        covers=("POST /mijn-zaken/{number}/feedback",),
    ),
    State("inbox", "resident-a", "/berichten", "Messages: list with unread messages"),
    State(
        "message",
        "resident-a",
        "/berichten",
        "Messages: one message opened",
        steps=(Step("click", ".inbox-item__subject a"), Step("wait_url", r"/berichten/\d+")),
        covers=("GET /berichten/{notice_id}",),
    ),
    State(
        "message-marked-read",
        "resident-a",
        "/berichten",
        "Messages: one marked as read (HTMX)",
        steps=(Step("click", "form[hx-post$='/gelezen'] button"), Step("wait_for", "[data-focus-after-swap]:focus")),
        languages=("nl",),
        changes_data=True,
        covers=("POST /berichten/{notice_id}/gelezen",),
    ),
    State(
        "timeout-warning",
        "resident-a",
        "/mijn-zaken",
        "Session-timeout warning open (2.2.1)",
        steps=(
            Step("respond", "**/sessie/status", NEARLY_EXPIRED),
            Step("fast_forward", value="14:00"),
            Step("wait_for", "dialog#session-warning[open]"),
        ),
        expect=expect("dialog"),
        fake_clock=True,
        covers=("GET /sessie/status",),
    ),
    State(
        "timeout-extended",
        "resident-a",
        "/mijn-zaken",
        "Session-timeout warning: 'stay signed in' chosen",
        # The visitor was somewhere on the page (Tab to the skip link): focus must return there.
        steps=(
            Step("press", "", "Tab"),
            Step("respond", "**/sessie/status", NEARLY_EXPIRED),
            Step("fast_forward", value="14:00"),
            Step("wait_for", "dialog#session-warning[open]"),
            Step("press", "", "Enter"),
            Step("wait_for", "#live-region:not(:empty)"),
        ),
        expect=expect("announcement"),
        fake_clock=True,
        languages=("nl",),
        covers=("POST /sessie/verlengen",),
    ),
    State(
        "signed-out",
        "resident-a",
        "/mijn-zaken",
        "Signing out",
        steps=(Step("click", SIGN_OUT), Step("wait_url", r"/uitgelogd")),
        isolated=True,
        languages=("nl",),
        covers=("POST /uitloggen",),
    ),
    # --- resident B: Fatima el Amrani (DigiD substantieel) -----------------------------
    State("case-list-b", "resident-b", "/mijn-zaken", "My cases: overview (Wmo, social assistance, objection)"),
    *case_states(
        "resident-b",
        {
            "201": "waiting for a document",
            "202": "overdue without decision",
            "203": "objection, handler without direct contact",
        },
    ),
    State(
        "upload-errors",
        "resident-b",
        f"{CASE}201",
        "Case page: upload of a file type we do not accept",
        steps=(
            Step("upload", "form.file-upload input[type=file]", file=NOT_A_DOCUMENT),
            Step("click", UPLOAD_BUTTON),
            Step("wait_for", ".file-upload .form-error"),
        ),
        expect=expect("form-errors"),
        covers=("POST /mijn-zaken/{number}/documenten",),
    ),
    State(
        "upload-empty",
        "resident-b",
        f"{CASE}201",
        "Case page: upload sent without a file",
        steps=(
            Step("remove_attribute", "form.file-upload input[type=file]", "required"),
            Step("click", UPLOAD_BUTTON),
            Step("wait_for", ".file-upload .form-error"),
        ),
        expect=expect("form-errors"),
    ),
    State(
        "upload-sent",
        "resident-b",
        f"{CASE}201",
        "Case page: document received",
        steps=(
            Step("upload", "form.file-upload input[type=file]", file=("verklaring.pdf", "application/pdf", PDF)),
            Step("click", UPLOAD_BUTTON),
            Step("wait_url", r"ontvangen="),
        ),
        languages=("nl",),
        changes_data=True,
    ),
    State("inbox-b", "resident-b", "/berichten", "Messages of resident B"),
    # --- resident B signed in at a lower level than her Wmo case needs ----------------
    State("assurance-too-low", "resident-b-midden", f"{CASE}201", "Case that needs DigiD substantieel", status=403),
    # --- complaints (issue 24, Awb title 9.1) -----------------------------------------------
    State("complaint-form", "resident-a", "/klacht-indienen", "Complaint form without a case"),
    State("complaint-form-case", "resident-a", "/klacht-indienen?zaak=ZAAK-2026-0000101", "Complaint form from a case"),
    State(
        "complaint-form-errors",
        "resident-a",
        "/klacht-indienen?zaak=ZAAK-2026-0000101",
        "Complaint form sent empty: messages at the fields and in the summary",
        steps=(
            Step("fill", "#field-happened_on", "2099-01-01"),
            Step("click", ".complaint-form button[type=submit]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
        covers=("POST /klacht-indienen",),
    ),
    State(
        "complaint-form-other-case",
        "resident-a",
        "/klacht-indienen?zaak=ZAAK-2026-0000301",
        "Complaint form about someone else's case: not found",
        status=404,
    ),
    *case_states(
        "resident-d",
        {
            "701": "complaint just received, nobody handles it yet",
            "702": "complaint: hearing planned",
            "703": "complaint postponed once (Awb 9:11)",
            "704": "complaint answered, with the ombudsman",
            "705": "complaint not handled (Awb 9:8)",
        },
    ),
    State("case-list-d", "resident-d", "/mijn-zaken", "My cases: only complaints"),
    # --- resident C: Pieter de Vries ---------------------------------------------------------
    *case_states(
        "resident-c",
        {
            "301": "refused and closed",
            "302": "service norm shorter than the legal term",
            "303": "extended longer than the law allows, overdue",
            "304": "document asked for without a due date",
        },
    ),
    # --- business A: Bakkerij De Korenschoof (whole business) -----------------------------
    State("case-list-business", "business-a", "/mijn-zaken", "My cases: business with branches"),
    State("case-list-pages", "business-c", "/mijn-zaken", "My cases: more than a page (a link to the next page)"),
    State(
        "case-list-next-page",
        "business-c",
        "/mijn-zaken",
        "My cases: the next page (HTMX swap), with a link back to the first",
        steps=(Step("click", "#case-results a[rel=next]"), Step("wait_for", "#case-results h2:focus")),
        expect=expect("announcement"),
    ),
    State(
        "case-list-more-than",
        "business-c",
        "/mijn-zaken?zoek=voorbeeldstad",
        "My cases: a search that finds more than it counts (PORTAL_SEARCH_COUNT_LIMIT, 25 in the tests), with a hint",
    ),
    State("permits", "business-a", "/mijn-vergunningen", "My permits: one expiring soon"),
    *case_states(
        "business-a",
        {
            "401": "horeca permit, expires soon",
            "402": "event permit in progress",
            "403": "just received",
            "404": "company-level parking permit",
        },
    ),
    State("inbox-business", "business-a", "/berichten", "Messages of a business"),
    # --- business A, signed in for one branch ---------------------------------------------
    State("reach-branch", "business-a-branch", "/hoe-wij-u-bereiken", "How we reach you: a branch with its own choice"),
    State(
        "reach-branch-inherits",
        "business-a-branch",
        "/hoe-wij-u-bereiken",
        "How we reach you: the branch goes back to the company's choice",
        steps=(Step("click", "form[action$='/bedrijfskeuze'] button"), Step("wait_for", ".alert--ok")),
        languages=("nl",),
        changes_data=True,
        covers=("POST /hoe-wij-u-bereiken/bedrijfskeuze",),
    ),
    State("case-list-branch", "business-a-branch", "/mijn-zaken", "My cases: signed in for one branch"),
    # --- business B: Hoveniersbedrijf Groen en Zonen --------------------------------------
    State("reach-empty", "business-b", "/hoe-wij-u-bereiken", "How we reach you: nothing chosen yet (inbox only)"),
    State(
        "reach-errors",
        "business-b",
        "/hoe-wij-u-bereiken",
        "How we reach you: e-mail, SMS and letter chosen with a wrong address and number and no postal address",
        steps=(
            Step("check", "#field-channel-email"),
            Step("check", "#field-channel-sms"),
            Step("check", "#field-channel-letter"),
            Step("fill", "#field-email", "info@"),
            Step("fill", "#field-phone", "020 555 9876"),
            Step("click", "form.reach-form button[type=submit]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
        covers=("POST /hoe-wij-u-bereiken",),
    ),
    State(
        "reach-pending",
        "business-b",
        "/hoe-wij-u-bereiken",
        "How we reach you: saved, a link sent to the new e-mail address",
        steps=(
            Step("check", "#field-channel-email"),
            Step("fill", "#field-email", "info@groenenzonen.example"),
            Step("click", "form.reach-form button[type=submit]"),
            Step("wait_for", ".alert--ok"),
        ),
        languages=("nl",),
        changes_data=True,
    ),
    State("permits-none", "business-b", "/mijn-vergunningen", "My permits: none yet"),
    *case_states("business-b", {"501": "waiting for documents", "502": "report in progress"}),
    # --- the personal calendar link (issue 19): made, shown once, the page with a link, stopped --------
    State(
        "calendar-link-new",
        "resident-a",
        "/hoe-wij-u-bereiken",
        "Calendar link: a new secret link, shown once, with how to add it and who can see the dates",
        steps=(Step("click", CALENDAR_MAKE), Step("wait_for", "#calendar-link")),
        changes_data=True,
        covers=("POST /hoe-wij-u-bereiken/agenda",),
    ),
    State(
        "reach-calendar-active",
        "resident-a",
        "/hoe-wij-u-bereiken",
        "How we reach you: with a calendar link (make a new one, or stop it)",
        steps=(
            Step("click", CALENDAR_MAKE),
            Step("wait_for", "#calendar-link"),
            Step("click", "main a[href='/hoe-wij-u-bereiken']"),
            Step("wait_for", CALENDAR_STOP),
        ),
        changes_data=True,
    ),
    State(
        "calendar-link-stopped",
        "resident-a",
        "/hoe-wij-u-bereiken",
        "Calendar link: stopped",
        steps=(
            Step("click", CALENDAR_MAKE),
            Step("wait_for", "#calendar-link"),
            Step("click", "main a[href='/hoe-wij-u-bereiken']"),
            Step("click", CALENDAR_STOP),
            Step("wait_for", ".alert--ok"),
        ),
        changes_data=True,
        covers=("POST /hoe-wij-u-bereiken/agenda/stoppen",),
    ),
    # --- staff ---------------------------------------------------------------------------------
    State("staff-home", "staff", "/", "Start page for an employee"),
    State("staff-worklist", "staff", "/medewerker", "Worklist of an employee, with decision-date warnings"),
    State("staff-queue", "staff", "/medewerker/werkvoorraad", "Console: team work queue by deadline risk"),
    State(
        "staff-queue-filtered",
        "staff",
        "/medewerker/werkvoorraad?risico=overdue&soort=omgevingsvergunning-regulier",
        "Console: work queue filtered (without JavaScript)",
    ),
    State("staff-case", "staff", STAFF_CASE, "Console: case page with every action"),
    State(
        "staff-case-other-team",
        "staff",
        "/medewerker/zaken/ZAAK-2026-0000201",
        "Console: another team's case",
        status=404,
    ),
    State(
        "staff-status-preview",
        "staff",
        STAFF_CASE,
        "Console: status step with the resident's text previewed",
        steps=(Step("click", "#status button[value=preview]"), Step("wait_for", "#status .resident-preview")),
        covers=("POST /medewerker/zaken/{number}/status",),
    ),
    State(
        "staff-extension-preview",
        "staff",
        STAFF_CASE,
        "Console: extension with the engine's new date (preview)",
        steps=(
            Step("select", "#field-duration", "P2W"),
            Step("fill", "#field-reason_nl", "Advies nodig"),
            Step("click", "#extension button[value=preview]"),
            Step("wait_for", "#extension .resident-preview"),
        ),
        covers=("POST /medewerker/zaken/{number}/verlenging",),
    ),
    State(
        "staff-extension-refused",
        "staff",
        STAFF_CASE,
        "Console: extension refused (longer than allowed)",
        steps=(
            Step("select", "#field-duration", "P8W"),
            Step("fill", "#field-reason_nl", "Druk"),
            Step("click", "#extension button[value=preview]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
    ),
    State(
        "staff-documents-refused",
        "staff",
        STAFF_CASE,
        "Console: document request without a due date",
        steps=(
            Step("fill", "#field-title_nl", "Tekening"),
            Step("click", "#documents form button[type=submit]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/documenten",),
    ),
    State(
        "staff-message-refused",
        "staff",
        STAFF_CASE,
        "Console: message without a subject",
        steps=(
            Step("remove_attribute", "#field-subject_nl", "required"),
            Step("click", "#message button[type=submit]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/bericht",),
    ),
    State(
        "staff-decision-refused",
        "staff",
        STAFF_CASE,
        "Console: decision without a result or letter",
        steps=(Step("click", "#decision button[type=submit]"), Step("wait_for", ".error-summary")),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/besluit",),
    ),
    State(
        "staff-handler-refused",
        "staff",
        STAFF_CASE,
        "Console: assigning the handler who already has the case",
        steps=(Step("click", "#handler button[type=submit]"), Step("wait_for", ".error-summary")),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/behandelaar",),
    ),
    State(
        "staff-resume-refused",
        "staff",
        "/medewerker/zaken/ZAAK-2026-0000501",
        "Console: ending a suspension with a date in the future",
        steps=(
            Step("fill", "#field-resumed_on", "2099-01-01"),
            Step("click", "#resumed button[type=submit]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/hervatten",),
    ),
    State(
        "staff-complaint-about-me-hidden",
        "staff",
        "/medewerker/zaken/ZAAK-2026-0000701",
        "Console: a complaint about this employee, not yet assigned (Awb 9:7)",
        status=404,
    ),
    State(
        "staff-complaint-about-me",
        "staff",
        "/medewerker/zaken/ZAAK-2026-0000703",
        "Console: a complaint about this employee, assigned: read only",
    ),
    State(
        "staff-coordinator-queue",
        "staff-admin",
        "/medewerker/werkvoorraad",
        "Console: coordinator's queue with complaints",
    ),
    State(
        "staff-complaint-routing",
        "staff-admin",
        "/medewerker/zaken/ZAAK-2026-0000701",
        "Console: a complaint to route to someone not involved",
    ),
    State(
        "staff-complaint-routing-refused",
        "staff-admin",
        "/medewerker/zaken/ZAAK-2026-0000701",
        "Console: routing a complaint to the person it is about (refused, Awb 9:7)",
        steps=(
            Step("select", "#field-handler", "Eva de Vries"),
            Step("click", "#handler button[type=submit]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
    ),
    State(
        "staff-complaint-hearing-refused",
        "staff-admin",
        "/medewerker/zaken/ZAAK-2026-0000701",
        "Console: hearing without a day or a reason (Awb 9:10)",
        steps=(Step("click", "#hearing button[type=submit]"), Step("wait_for", ".error-summary")),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/klacht/horen",),
    ),
    State(
        "staff-complaint-not-handled-refused",
        "staff-admin",
        "/medewerker/zaken/ZAAK-2026-0000701",
        "Console: not handling a complaint without a reason (Awb 9:8)",
        steps=(Step("click", "#not_handled button[type=submit]"), Step("wait_for", ".error-summary")),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/klacht/niet-behandelen",),
    ),
    State(
        "staff-complaint-outcome-refused",
        "staff-admin",
        "/medewerker/zaken/ZAAK-2026-0000701",
        "Console: answering a complaint before it is assigned and heard (Awb 9:7, 9:10)",
        steps=(Step("click", "#outcome button[type=submit]"), Step("wait_for", ".error-summary")),
        expect=expect("form-errors"),
        covers=("POST /medewerker/zaken/{number}/klacht/oordeel",),
    ),
    State(
        "staff-given-up", "staff", "/medewerker/verzending", "Console: messages we could not deliver, with 'send again'"
    ),
    State("staff-templates", "staff", "/medewerker/berichtsjablonen", "Console: the kinds of notice templates"),
    State(
        "staff-template-extension",
        "staff",
        "/medewerker/berichtsjablonen/extension",
        "Console: the extension notice by e-mail, SMS and letter, Dutch and English",
        covers=("GET /medewerker/berichtsjablonen/{kind}/{language}/brief.pdf",),
    ),
    State(
        "staff-template-extension-late",
        "staff",
        "/medewerker/berichtsjablonen/extension?voorbeeld=late",
        "Console: the extension notice announced too late, with what the resident may do",
    ),
    State(
        "staff-resend",
        "staff",
        "/medewerker/verzending",
        "Console: a message sent again (if one was given up)",
        steps=(Step("click", "form[action$='/opnieuw'] button"), Step("wait_for", ".alert--ok")),
        languages=("nl",),
        changes_data=True,
        covers=("POST /medewerker/verzending/{delivery_id}/opnieuw",),
    ),
    State(
        "staff-handlers",
        "staff-admin",
        "/medewerker/behandelaars",
        "Console: handlers' contact details (administrator)",
    ),
    State(
        "staff-handlers-refused",
        "staff-admin",
        "/medewerker/behandelaars",
        "Console: contact details refused",
        steps=(
            Step("fill", "form[action$='/1'] input[name=email]", "geen-adres"),
            Step("click", "form[action$='/1'] button[type=submit]"),
            Step("wait_for", ".error-summary"),
        ),
        expect=expect("form-errors"),
        covers=("POST /medewerker/behandelaars/{employee_id}",),
    ),
]


# States that exist only when the portal mirrors a ZGW case system (issue 12), with the case
# system down: the pages show the portal's own copy with "last updated on …" and say a case
# could not be refreshed. Crawled by ``python -m a11y audit --mirror`` against a portal in
# mirror mode, and in tests/zgw/test_browser.py against one whose fake case system answers 503.
MIRROR_STATES: list[State] = [
    State(
        "mirror-overview-case-system-down",
        "resident-a",
        "/mijn-zaken",
        "My cases, mirror mode, case system down: our copy with 'last updated on' and a case marked not refreshed",
    ),
    State(
        "mirror-case-not-refreshed",
        "resident-a",
        f"{CASE}101",
        "Case page, mirror mode: a case that could not be refreshed, with when it was last updated",
    ),
    State(
        "mirror-case-last-updated",
        "resident-a",
        f"{CASE}104",
        "Case page, mirror mode, case system down: another case shown from our copy",
    ),
]

# Routes that are not pages a person looks at, with the reason.
EXCLUDED_ROUTES: dict[str, str] = {
    "GET /healthz": "Liveness probe for monitoring: plain JSON, no page.",
    "GET /readyz": "Readiness probe for monitoring: plain JSON, no page.",
    "GET /metrics": "Prometheus metrics for the operators' scraper: plain text behind a bearer token, no page.",
    "GET /simulator/{slug}/.well-known/openid-configuration": "OIDC discovery document (JSON for the portal, no page).",
    "GET /simulator/{slug}/jwks": "OIDC signing keys (JSON for the portal, no page).",
    "POST /simulator/{slug}/token": "OIDC token endpoint (server to server, no page).",
    "GET /simulator/{slug}/userinfo": "OIDC userinfo endpoint (server to server, no page).",
    "GET /simulator/{slug}/logout": "Redirects straight back to /uitgelogd, which state signed-out-page checks.",
    "POST /api/zgw/notificaties": "Notificaties webhook: server to server, problem+json, no page.",
    "GET /agenda/{token}.ics": "The personal calendar feed (text/calendar for a calendar program, no page); "
    "tests/cases/test_calendar_feed.py parses it with the icalendar library.",
    **dict.fromkeys(
        (
            "GET /api/v1/cases/{number}",
            "GET /api/v1/openapi.json",
            "POST /api/v1/cases",
            *(
                f"POST /api/v1/cases/{{number}}/{part}"
                for part in (
                    "decisions",
                    "document-requests",
                    "extensions",
                    "handler",
                    "messages",
                    "parties",
                    "statuses",
                )
            ),
        ),
        "The case API (JSON for client systems with a bearer token, no page); tests/api checks it, "
        "schemathesis included.",
    ),
    "GET /simulator/verzonden/brieven/{batch}/{name}": "A letter PDF from the print batch (not a web page); the letter's "
    "tags, title and language are checked in tests/notify.",
    "GET /simulator/verzonden/e-mail/{name}": "An e-mail as the mail sink received it (the mail program's view, "
    "sandboxed); its body is the same macro the staff template preview "
    "shows, which state staff-template-extension checks.",
    "POST /medewerker/zaken/{number}/terugbellen": "The form appears only when a resident asked for a call back "
    "(state callback-sent, run order dependent); tests/staff/test_console.py posts it.",
}


def states_for(role: str | None = None, ids: set[str] | None = None) -> list[State]:
    return [s for s in STATES if (role is None or s.role == role) and (ids is None or s.id in ids)]


# --- route coverage -------------------------------------------------------------------


def app_routes(app) -> list[tuple[str, str]]:
    """(METHOD, path template) for every route of a Starlette/FastAPI app, mounts included,
    static files excluded. HEAD is left out (it answers like GET)."""
    from starlette.routing import Mount

    found: list[tuple[str, str]] = []

    def visit(routes, prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                if route.path.rstrip("/") == "/static" or not hasattr(route, "routes") or not route.routes:
                    continue
                visit(route.routes, prefix + route.path)
            elif hasattr(route, "original_router"):
                # FastAPI >= 0.16x keeps included routers as branches instead of copying routes.
                context = getattr(route, "include_context", None)
                visit(route.original_router.routes, prefix + (getattr(context, "prefix", "") or ""))
            elif hasattr(route, "methods") and route.methods:
                for method in sorted(route.methods - {"HEAD"}):
                    found.append((method, prefix + route.path))

    visit(app.routes, "")
    return found


def _regex(template: str) -> re.Pattern:
    pattern = re.sub(r"\{[^}:]+:path\}", r".+", template)
    pattern = re.sub(r"\{[^}]+\}", r"[^/]+", pattern)
    return re.compile(f"^{pattern}$")


def route_coverage(app, states: list[State] | None = None) -> dict[str, list[str]]:
    """Which states cover each route: {"GET /mijn-zaken": ["case-list", ...]}; routes no
    state covers have an empty list, unless they are in EXCLUDED_ROUTES."""
    states = STATES if states is None else states
    routes = app_routes(app)
    coverage = {f"{method} {path}": [] for method, path in routes if f"{method} {path}" not in EXCLUDED_ROUTES}
    compiled = [(method, path, _regex(path)) for method, path in routes]
    for state in states:
        start = state.path.split("?")[0].split("#")[0]
        for method, path, regex in compiled:
            key = f"{method} {path}"
            if key in coverage and method == "GET" and regex.match(start):
                coverage[key].append(state.id)
                break
        for covered in state.covers:
            if covered in coverage:
                coverage[covered].append(state.id)
    return coverage
