"""Who may do what: the expected answer of EVERY route for five people.

tests/auth/test_access_matrix.py walks all routes of the app and FAILS when a route
has no row here, so a new route cannot ship without someone deciding who may use it.

ADDING A ROW (one line):

    row("GET /medewerker/zaken/{number}", "/medewerker/zaken/ZAAK-2026-0000101",
        anon=SIGN_IN, a=SIGN_IN, b=SIGN_IN, biz=SIGN_IN, staff=200),

- the first argument is "METHOD route-pattern" exactly as declared in the router;
- the second is a concrete URL to request (a string, or a function ``(db) -> str`` when
  the URL needs an id from the demo data, see ``notice_of`` below);
- then the expected outcome for each person: an HTTP status (200, 303, 400, 404, ...)
  or SIGN_IN (a 303 to /inloggen?volgende=...).
- ``data={...}`` sends a form body (POST requests always get a valid CSRF token:
  this table is about authorisation; CSRF is tested separately for every unsafe route).
- ``all=`` sets the same outcome for everyone.

A route with several interesting cases (own case, someone else's case) gets several rows.
The people: anon (not signed in), a = resident A Jan Jansen (BSN 999993653), b = resident B
Fatima el Amrani (999990019), biz = business A KVK 12345678 (company level, no branch),
branch = business A signed in for its Stationsweg branch only (000023456789; gets the
biz outcome unless ``branch=`` says otherwise), staff = e.devries. Residents sign in at
'substantieel', the businesses at EH3.
Someone else's case, document or notice must answer 404, never its contents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, select

SIGN_IN = "sign-in"
ROLES = ("anon", "a", "b", "biz", "branch", "staff")


@dataclass(frozen=True)
class Row:
    route: str  # "GET /mijn-zaken/{number}"
    url: str | Callable[[Session], str]
    expected: dict[str, int | str]
    data: dict = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]


def row(
    route: str,
    url,
    *,
    anon=None,
    a=None,
    b=None,
    biz=None,
    branch=None,
    staff=None,
    all=None,  # noqa: A002
    data=None,
) -> Row:
    expected = {"anon": anon, "a": a, "b": b, "biz": biz, "branch": branch, "staff": staff}
    expected = {role: (all if value is None else value) for role, value in expected.items()}
    if expected["branch"] is None:
        expected["branch"] = expected["biz"]
    missing = [role for role, value in expected.items() if value is None]
    assert not missing, f"{route}: no expected outcome for {missing}"
    return Row(route, url, expected, data or {})


def notice_of(case_number: str) -> Callable[[Session], str]:
    """The URL of the first notice of a case (ids differ per database)."""

    def url(db: Session, suffix: str = "") -> str:
        from portal.models import Case, Notice

        case = db.exec(select(Case).where(Case.number == case_number)).one()
        notice = db.exec(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id)).first()
        return f"/berichten/{notice.id}"

    return url


def notice_read_of(case_number: str) -> Callable[[Session], str]:
    return lambda db: notice_of(case_number)(db) + "/gelezen"


def calendar_feed_of_pieter(db: Session) -> str:
    """A calendar link of resident C (no one in the matrix makes or stops links for him)."""
    import hashlib

    from portal.models import CalendarFeed

    token = "matrix-pieter-calendar-0000000000000000000"
    digest = hashlib.sha256(token.encode()).hexdigest()
    if db.exec(select(CalendarFeed).where(CalendarFeed.token_hash == digest)).first() is None:
        db.add(CalendarFeed(recipient_key="bsn:123456782", token_hash=digest))
        db.commit()
    return f"/agenda/{token}.ics"


MATRIX_DOCUMENT_CASES: set[str] = set()


def matrix_document_key(case_number: str) -> str:
    import hashlib

    return hashlib.sha256(f"matrix:{case_number}".encode()).hexdigest()[:48]


def document_of(case_number: str, via_case: str | None = None) -> Callable[..., str]:
    """The download URL of a (test) document of a case, stored on disk like an upload.
    ``via_case``: ask for it under another case's number (must find nothing)."""

    def url(db: Session, settings) -> str:
        import hashlib

        from portal.models import Case, Document

        case = db.exec(select(Case).where(Case.number == case_number)).one()
        key = matrix_document_key(case_number)
        MATRIX_DOCUMENT_CASES.add(case_number)
        document = db.exec(select(Document).where(Document.storage_key == key)).first()
        if document is None:
            data = b"%PDF-1.4\n%%EOF\n"
            folder = settings.effective_upload_dir
            folder.mkdir(parents=True, exist_ok=True)
            (folder / key).write_bytes(data)
            document = Document(
                case_id=case.id,
                title="Besluit",
                filename="besluit.pdf",
                content_type="application/pdf",
                size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                storage_key=key,
                uploaded_by="municipality",
            )
            db.add(document)
            db.commit()
        return f"/mijn-zaken/{via_case or case_number}/documenten/{document.id}"

    url.wants_settings = True  # type: ignore[attr-defined]
    return url


A_CASE = "/mijn-zaken/ZAAK-2026-0000101"
STAFF_CASE = "/medewerker/zaken/ZAAK-2026-0000"
B_CASE = "/mijn-zaken/ZAAK-2026-0000201"  # Wmo: needs 'substantieel'
BIZ_CASE = "/mijn-zaken/ZAAK-2026-0000404"  # company level
BRANCH_CASE = "/mijn-zaken/ZAAK-2026-0000401"  # branch 000012345678 (Marktstraat), not the branch login's
OWN_BRANCH_CASE = "/mijn-zaken/ZAAK-2026-0000402"  # branch 000023456789 (Stationsweg), the branch login's
NO_CASE = "/mijn-zaken/ZAAK-2099-9999999"
APPLICANT_ONLY = {"anon": SIGN_IN, "staff": SIGN_IN}

ROWS: list[Row] = [
    # -- public pages
    row("GET /", "/", all=200),
    row("GET /contact", "/contact", all=200),
    row("GET /hoe-snel-zijn-wij", "/hoe-snel-zijn-wij", all=200),
    row("GET /hoe-snel-zijn-wij/{code}", "/hoe-snel-zijn-wij/kapvergunning", all=200),
    row("GET /hoe-snel-zijn-wij/{code}", "/hoe-snel-zijn-wij/bestaat-niet", all=404),
    row("GET /toegankelijkheid", "/toegankelijkheid", all=200),
    row("GET /taal/{language}", "/taal/en?terug=/contact", all=303),
    row("GET /healthz", "/healthz", all=200),
    row("GET /readyz", "/readyz", all=200),
    # Prometheus: only a scraper with PORTAL_METRICS_TOKEN (not set here, and no person has it).
    row("GET /metrics", "/metrics", all=404),
    # -- sign-in and session (issue 4)
    row("GET /inloggen", "/inloggen", all=200),
    row("GET /inloggen/{slug}", "/inloggen/digid", all=303),
    row("GET /inloggen/{slug}", "/inloggen/onbekend", all=404),
    row("GET /inloggen/{slug}/callback", "/inloggen/digid/callback", all=400),
    row("GET /uitgelogd", "/uitgelogd", all=200),
    row("GET /sessie/status", "/sessie/status", all=200),
    row("POST /sessie/verlengen", "/sessie/verlengen", anon=303, a=303, b=303, biz=303, staff=303),
    row("POST /uitloggen", "/uitloggen", all=303),
    # -- acting for someone else (issue 20): stopping only ends a representative's session
    # (tests/auth/test_representation.py); for anyone else it is a redirect home, nothing more.
    row("POST /namens/stoppen", "/namens/stoppen", all=303),
    row("GET /namens/gestopt", "/namens/gestopt", all=200),
    # -- the simulator (an OIDC provider of its own; the portal is its only client)
    row(
        "GET /simulator/{slug}/.well-known/openid-configuration",
        "/simulator/digid/.well-known/openid-configuration",
        all=200,
    ),
    row(
        "GET /simulator/{slug}/.well-known/openid-configuration",
        "/simulator/onbekend/.well-known/openid-configuration",
        all=404,
    ),
    row("GET /simulator/{slug}/jwks", "/simulator/eherkenning/jwks", all=200),
    row("GET /simulator/{slug}/authorize", "/simulator/digid/authorize?client_id=someone-else", all=400),
    row("POST /simulator/{slug}/authorize", "/simulator/digid/authorize", all=400, data={"client_id": "someone-else"}),
    row("POST /simulator/{slug}/token", "/simulator/digid/token", all=401, data={"grant_type": "authorization_code"}),
    row("GET /simulator/{slug}/userinfo", "/simulator/digid/userinfo", all=401),
    row(
        "GET /simulator/{slug}/logout",
        "/simulator/digid/logout?post_logout_redirect_uri=https://evil.example/",
        all=400,
    ),
    # -- cases (issue: case pages)
    row("GET /mijn-zaken", "/mijn-zaken", **APPLICANT_ONLY, a=200, b=200, biz=200),
    row("GET /mijn-zaken/{number}", A_CASE, **APPLICANT_ONLY, a=200, b=404, biz=404),
    row("GET /mijn-zaken/{number}", B_CASE, **APPLICANT_ONLY, a=404, b=200, biz=404),
    row("GET /mijn-zaken/{number}", BIZ_CASE, **APPLICANT_ONLY, a=404, b=404, biz=200),
    row("GET /mijn-zaken/{number}", BRANCH_CASE, **APPLICANT_ONLY, a=404, b=404, biz=200, branch=404),
    row("GET /mijn-zaken/{number}", OWN_BRANCH_CASE, **APPLICANT_ONLY, a=404, b=404, biz=200),
    row("GET /mijn-zaken/{number}", NO_CASE, **APPLICANT_ONLY, a=404, b=404, biz=404),
    row("GET /mijn-zaken/{number}", "/mijn-zaken/..%2F..%2Fetc", all=404),
    row("POST /mijn-zaken/{number}/documenten", B_CASE + "/documenten", **APPLICANT_ONLY, a=404, b=400, biz=404),
    row("POST /mijn-zaken/{number}/terugbellen", A_CASE + "/terugbellen", **APPLICANT_ONLY, a=400, b=404, biz=404),
    row("POST /mijn-zaken/{number}/feedback", A_CASE + "/feedback", **APPLICANT_ONLY, a=400, b=404, biz=404),
    # another branch's case: a branch login finds nothing to post to (the company login does)
    row(
        "POST /mijn-zaken/{number}/documenten",
        BRANCH_CASE + "/documenten",
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=400,
        branch=404,
    ),
    row(
        "POST /mijn-zaken/{number}/terugbellen",
        BRANCH_CASE + "/terugbellen",
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=400,
        branch=404,
    ),
    row(
        "POST /mijn-zaken/{number}/feedback",
        BRANCH_CASE + "/feedback",
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=400,
        branch=404,
    ),
    # -- document downloads (issue 12): authorised per object; someone else's document is 404
    row(
        "GET /mijn-zaken/{number}/documenten/{document_id}",
        document_of("ZAAK-2026-0000101"),
        **APPLICANT_ONLY,
        a=200,
        b=404,
        biz=404,
    ),
    row(
        "GET /mijn-zaken/{number}/documenten/{document_id}",
        document_of("ZAAK-2026-0000201"),
        **APPLICANT_ONLY,
        a=404,
        b=200,
        biz=404,
    ),
    # B's document asked for under A's own case number: A owns the case, not the document
    row(
        "GET /mijn-zaken/{number}/documenten/{document_id}",
        document_of("ZAAK-2026-0000201", via_case="ZAAK-2026-0000101"),
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=404,
    ),
    row(
        "GET /mijn-zaken/{number}/documenten/{document_id}",
        A_CASE + "/documenten/not-a-number",
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=404,
    ),
    row(
        "GET /mijn-zaken/{number}/documenten/{document_id}",
        document_of("ZAAK-2026-0000401"),
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=200,
        branch=404,
    ),
    # -- the Notificaties webhook: server to server, off without ZGW settings (problem+json 404)
    row("POST /api/zgw/notificaties", "/api/zgw/notificaties", all=404),
    # -- messages
    row("GET /berichten", "/berichten", **APPLICANT_ONLY, a=200, b=200, biz=200),
    row("GET /berichten/{notice_id}", notice_of("ZAAK-2026-0000101"), **APPLICANT_ONLY, a=200, b=404, biz=404),
    row("GET /berichten/{notice_id}", notice_of("ZAAK-2026-0000202"), **APPLICANT_ONLY, a=404, b=200, biz=404),
    row("GET /berichten/{notice_id}", "/berichten/not-a-number", **APPLICANT_ONLY, a=404, b=404, biz=404),
    row(
        "GET /berichten/{notice_id}",
        notice_of("ZAAK-2026-0000401"),
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=200,
        branch=404,
    ),
    row("GET /berichten/{notice_id}", notice_of("ZAAK-2026-0000402"), **APPLICANT_ONLY, a=404, b=404, biz=200),
    row(
        "POST /berichten/{notice_id}/gelezen",
        notice_read_of("ZAAK-2026-0000301"),
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=404,
    ),
    row(
        "POST /berichten/{notice_id}/gelezen",
        notice_read_of("ZAAK-2026-0000401"),
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=303,
        branch=404,
    ),
    # -- permits
    row("GET /mijn-vergunningen", "/mijn-vergunningen", **APPLICANT_ONLY, a=200, b=200, biz=200),
    # -- staff
    row("GET /medewerker", "/medewerker", anon=SIGN_IN, a=SIGN_IN, b=SIGN_IN, biz=SIGN_IN, staff=200),
    # Staff console (issue 11). staff = Eva de Vries, handler and team lead of the permits team. Every
    # POST below is refused by the change's own check (422, nothing stored) or is another team's case (404).
    row("GET /medewerker/werkvoorraad", "/medewerker/werkvoorraad", all=SIGN_IN, staff=200),
    row("GET /medewerker/zaken/{number}", f"{STAFF_CASE}101", all=SIGN_IN, staff=200),
    row("GET /medewerker/zaken/{number}", f"{STAFF_CASE}201", all=SIGN_IN, staff=404),  # another team's
    row("GET /medewerker/zaken/{number}", f"{STAFF_CASE}999", all=SIGN_IN, staff=404),
    *[
        row(
            f"POST /medewerker/zaken/{{number}}/{action}",
            f"{STAFF_CASE}{number}/{action}",
            all=SIGN_IN,
            staff=expected,
            data={"version": "1", **data},
        )
        for number, expected in (("101", 422), ("201", 404))
        for action, data in (
            ("status", {"status": "", "action": "save"}),
            ("behandelaar", {"handler": ""}),
            ("documenten", {"title_nl": "x", "due_on": ""}),
            ("hervatten", {"resumed_on": ""}),
            ("verlenging", {"duration": "", "reason_nl": "", "action": "preview"}),
            ("besluit", {"result": ""}),
            ("bericht", {"subject_nl": "", "body_nl": ""}),
        )
    ],
    row(
        "POST /medewerker/zaken/{number}/terugbellen",
        f"{STAFF_CASE}101/terugbellen",
        all=SIGN_IN,
        staff=404,
        data={"version": "1", "callback": "999999"},
    ),  # no such open callback request on this case
    # Complaints (issue 24, Awb 9:7). Eva de Vries is the person complained about in 0701 (nobody
    # handles it yet: she may not even see it) and 0703 (assigned to Mohamed Bakker: she may read
    # it, never change it); 0702 is about someone else and she is no complaints coordinator.
    row("GET /medewerker/zaken/{number}", f"{STAFF_CASE}701", all=SIGN_IN, staff=404),
    row("GET /medewerker/zaken/{number}", f"{STAFF_CASE}702", all=SIGN_IN, staff=404),
    row("GET /medewerker/zaken/{number}", f"{STAFF_CASE}703", all=SIGN_IN, staff=200),
    *[
        row(
            f"POST /medewerker/zaken/{{number}}/{action}",
            f"{STAFF_CASE}{number}/{action}",
            all=SIGN_IN,
            staff=expected,
            data={"version": "1", **data},
        )
        for number, expected in (("101", 422), ("701", 404), ("703", 404))
        for action, data in (
            ("klacht/horen", {"hearing_on": "", "waived": ""}),
            ("klacht/niet-behandelen", {"ground": "", "reason": ""}),
            ("klacht/oordeel", {"judgment": "", "findings": ""}),
        )
    ],
    row(
        "POST /medewerker/zaken/{number}/behandelaar",
        f"{STAFF_CASE}703/behandelaar",
        all=SIGN_IN,
        staff=404,
        data={"version": "1", "handler": "1"},
    ),  # read-only for the person complained about
    row("GET /medewerker/behandelaars", "/medewerker/behandelaars", all=SIGN_IN, staff=404),  # administrators only
    row(
        "POST /medewerker/behandelaars/{employee_id}",
        "/medewerker/behandelaars/1",
        all=SIGN_IN,
        staff=404,
        data={"email": "x@example.nl"},
    ),
    # -- how we reach you (issue 13). Each applicant sees and changes only their own choice; the POST
    # below is refused by the form check (422, nothing stored); going back to the company's choice is a
    # no-op for anyone but a branch with a choice of its own (the Stationsweg branch has none).
    # The complaint form (issue 24): with or without a case; only a case the person may see.
    row("GET /klacht-indienen", "/klacht-indienen", **APPLICANT_ONLY, a=200, b=200, biz=200),
    row("GET /klacht-indienen", "/klacht-indienen?zaak=ZAAK-2026-0000101", **APPLICANT_ONLY, a=200, b=404, biz=404),
    row("GET /klacht-indienen", "/klacht-indienen?zaak=ZAAK-2026-0000301", **APPLICANT_ONLY, a=404, b=404, biz=404),
    row(
        "POST /klacht-indienen",
        "/klacht-indienen",
        **APPLICANT_ONLY,
        a=422,
        b=422,
        biz=422,
        data={"what_happened": "", "wants_hearing": ""},
    ),
    row(
        "POST /klacht-indienen",
        "/klacht-indienen",
        **APPLICANT_ONLY,
        a=404,
        b=404,
        biz=404,
        data={"zaak": "ZAAK-2026-0000301", "what_happened": "x"},
    ),  # someone else's case: not found, nothing filed
    row("GET /mijn-zaken/{number}", "/mijn-zaken/ZAAK-2026-0000701", **APPLICANT_ONLY, a=404, b=404, biz=404),
    row("GET /hoe-wij-u-bereiken", "/hoe-wij-u-bereiken", **APPLICANT_ONLY, a=200, b=200, biz=200),
    row(
        "POST /hoe-wij-u-bereiken",
        "/hoe-wij-u-bereiken",
        **APPLICANT_ONLY,
        a=422,
        b=422,
        biz=422,
        data={"language": "de"},
    ),
    row(
        "POST /hoe-wij-u-bereiken/bedrijfskeuze",
        "/hoe-wij-u-bereiken/bedrijfskeuze",
        **APPLICANT_ONLY,
        a=303,
        b=303,
        biz=303,
    ),
    # The personal calendar link (issue 19): made and stopped by the applicant for themselves only;
    # the feed needs no sign-in (the secret link is the proof, as for a calendar program): a
    # link that exists answers anyone who has it, an unknown one 404.
    row("POST /hoe-wij-u-bereiken/agenda", "/hoe-wij-u-bereiken/agenda", **APPLICANT_ONLY, a=200, b=200, biz=200),
    row(
        "POST /hoe-wij-u-bereiken/agenda/stoppen",
        "/hoe-wij-u-bereiken/agenda/stoppen",
        **APPLICANT_ONLY,
        a=200,
        b=200,
        biz=200,
    ),
    row("GET /agenda/{token}.ics", "/agenda/onbekend.ics", all=404),
    row("GET /agenda/{token}.ics", calendar_feed_of_pieter, all=200),
    # The confirmation link needs no sign-in (the token is the proof); unknown 404, expired 410.
    row("GET /e-mailadres-bevestigen/{token}", "/e-mailadres-bevestigen/onbekend", all=404),
    row(
        "GET /e-mailadres-bevestigen/{token}",
        "/e-mailadres-bevestigen/demo-verlopen-pieter-de-vries-000000000000",
        all=410,
    ),
    row("POST /e-mailadres-bevestigen", "/e-mailadres-bevestigen", all=404, data={"token": "onbekend"}),
    # Staff only: given-up deliveries and the template preview.
    row("GET /medewerker/verzending", "/medewerker/verzending", all=SIGN_IN, staff=200),
    row(
        "POST /medewerker/verzending/{delivery_id}/opnieuw",
        "/medewerker/verzending/999999/opnieuw",
        all=SIGN_IN,
        staff=404,
    ),
    row("GET /medewerker/berichtsjablonen", "/medewerker/berichtsjablonen", all=SIGN_IN, staff=200),
    row("GET /medewerker/berichtsjablonen/{kind}", "/medewerker/berichtsjablonen/extension", all=SIGN_IN, staff=200),
    row("GET /medewerker/berichtsjablonen/{kind}", "/medewerker/berichtsjablonen/onbekend", all=SIGN_IN, staff=404),
    row(
        "GET /medewerker/berichtsjablonen/{kind}/{language}/brief.pdf",
        "/medewerker/berichtsjablonen/decision/en/brief.pdf",
        all=SIGN_IN,
        staff=200,
    ),
    # The simulator's sent items: a development tool, mounted only with the simulator (never in production).
    row("GET /simulator/verzonden", "/simulator/verzonden", all=200),
    row("GET /simulator/verzonden/brieven/{batch}/{name}", "/simulator/verzonden/brieven/2026-01-01/x.pdf", all=404),
    row("GET /simulator/verzonden/e-mail/{name}", "/simulator/verzonden/e-mail/99999.eml", all=404),
]
