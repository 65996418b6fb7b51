"""The handler's worklist: own open cases, unassigned cases, decision-date warnings."""

from sqlmodel import select

from portal.models import AuditLog
from tests.auth_helpers import sign_in_resident, sign_in_staff


def worklist_html(client, login_id="e.devries"):
    sign_in_staff(client, login_id)
    response = client.get("/medewerker")
    assert response.status_code == 200
    return response.text


def test_handler_sees_own_open_cases_most_urgent_first(client):
    html = worklist_html(client)
    assert "Mijn werkvoorraad" in html
    mine, unassigned = html.split("Zaken zonder behandelaar", 1)
    # Eva de Vries handles the permits 0000101 and 0000105 (open) but not the closed 0000103.
    assert "ZAAK-2026-0000101" in mine and "ZAAK-2026-0000105" in mine
    assert "ZAAK-2026-0000103" not in html
    # 0000105's extension came too late: the original date has passed, so it comes first.
    assert mine.index("ZAAK-2026-0000105") < mine.index("ZAAK-2026-0000101")
    assert "Verlenging niet geldig" in mine


def test_cases_without_handler_are_listed_separately(client):
    html = worklist_html(client)
    unassigned = html.split("Zaken zonder behandelaar", 1)[1]
    assert "ZAAK-2026-0000102" in unassigned and "ZAAK-2026-0000403" in unassigned


def test_overdue_case_warns_about_notice_of_default(client):
    html = worklist_html(client, "l.smit")
    assert "ZAAK-2026-0000202" in html
    assert "Beslisdatum is voorbij" in html
    assert "in gebreke stellen (Awb 4:17)" in html


def test_worklist_view_is_audited(client, db):
    before = len(db.exec(select(AuditLog).where(AuditLog.action == "staff.view_worklist")).all())
    worklist_html(client)
    after = db.exec(select(AuditLog).where(AuditLog.action == "staff.view_worklist")).all()
    assert len(after) == before + 1
    assert after[-1].actor_kind == "staff"


def test_residents_cannot_open_the_worklist(client):
    sign_in_resident(client, "999993653")
    response = client.get("/medewerker", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/inloggen")


def test_english_worklist(client):
    client.cookies.set("lang", "en")
    html = worklist_html(client)
    assert "My worklist" in html and "Cases you handle" in html


def row_of(html: str, number: str) -> str:
    start = html.index(number)
    return html[start : html.index("</tr>", start)]


def test_worklist_uses_the_legal_date_and_the_staff_warnings(client):
    html = worklist_html(client)
    mine = html.split("Zaken zonder behandelaar", 1)[0]
    # 0000105: the late extension did not revive the term; 0000303: only the lawful 6 weeks count.
    for number in ("ZAAK-2026-0000105", "ZAAK-2026-0000303"):
        row = row_of(mine, number)
        assert "Beslisdatum is voorbij" in row and "Verlenging niet geldig" in row, number
        assert "Alleen wat de wet toestaat, telt: de wettelijke datum is" in row, number
    # 0000304: the request has no due date, so the term keeps running: staff must set one.
    row = row_of(mine, "ZAAK-2026-0000304")
    assert "Geef een uiterste datum" in row and "ECLI:NL:RVS:2016:2527" in row
    assert "Wacht op de aanvrager" not in row
