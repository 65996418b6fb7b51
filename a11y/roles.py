"""The roles the crawl visits the portal as, and how to sign in as each.

On a deployment with the built-in login simulator (development, test, demo) we
drive the simulator's forms. On a real deployment (real DigiD/eHerkenning) an
auditor signs in by hand once per role (``python -m a11y login``) and passes the
saved Playwright storage state (``--storage-state resident-a=state.json``)."""

from __future__ import annotations

from dataclasses import dataclass

SIGNED_IN_MARK = 'form[action="/uitloggen"]'  # the header's sign-out button


@dataclass(frozen=True)
class Role:
    id: str
    kind: str | None  # None (anonymous), resident, business, staff
    description: str
    fields: tuple[tuple[str, str], ...] = ()  # simulator form fields: (name, value)
    level: str | None = None
    provider: str | None = None  # another sign-in than the kind's own (acting for someone else)

    @property
    def slug(self) -> str:
        if self.provider:
            return self.provider
        return {"resident": "digid", "business": "eherkenning", "staff": "medewerker"}[self.kind]


ROLES: dict[str, Role] = {
    role.id: role
    for role in [
        Role("anonymous", None, "Not signed in"),
        Role("resident-a", "resident", "Jan Jansen (DigiD, BSN 999993653)", (("bsn", "999993653"),), "midden"),
        Role(
            "resident-b",
            "resident",
            "Fatima el Amrani (DigiD substantieel, BSN 999990019)",
            (("bsn", "999990019"),),
            "substantieel",
        ),
        Role(
            "resident-b-midden",
            "resident",
            "Fatima el Amrani at DigiD level midden (too low for her Wmo case)",
            (("bsn", "999990019"),),
            "midden",
        ),
        Role("resident-c", "resident", "Pieter de Vries (DigiD, BSN 123456782)", (("bsn", "123456782"),), "midden"),
        Role(
            "resident-d",
            "resident",
            "Noor Visser (DigiD, BSN 999995522), complaints",
            (("bsn", "999995522"),),
            "midden",
        ),
        Role(
            "business-a",
            "business",
            "Bakkerij De Korenschoof B.V. (eHerkenning, KVK 12345678, whole business)",
            (("kvk", "12345678"),),
            "EH3",
        ),
        Role(
            "business-a-branch",
            "business",
            "Bakkerij De Korenschoof B.V., branch 000012345678 (Marktstraat 5)",
            (("kvk", "12345678"), ("branch", "000012345678")),
            "EH3",
        ),
        Role(
            "business-b",
            "business",
            "Hoveniersbedrijf Groen en Zonen (eHerkenning, KVK 87654321)",
            (("kvk", "87654321"),),
            "EH3",
        ),
        Role(
            "business-c",
            "business",
            "Woonstichting De Linde (eHerkenning, KVK 55667788), more cases than a page holds",
            (("kvk", "55667788"),),
            "EH3",
        ),
        Role(
            "representative",
            "resident",
            "Sanne Bakker acting for her father Henk Bakker (DigiD Machtigen, Wmo, substantieel)",
            (("authorizee", "111222333"), ("representee", "999991036")),
            "substantieel",
            provider="digid-machtigen",
        ),
        Role(
            "bewindvoerder",
            "resident",
            "Bewindvoering Zorgvuldig B.V. for its client Kees Visser (eHerkenning bewindvoering, EH3)",
            (("authorizee", "24681357"), ("acting", "medewerker-1"), ("representee", "999991048")),
            "EH3",
            provider="eherkenning-bewindvoering",
        ),
        Role("staff", "staff", "Eva de Vries, permit officer (staff sign-in)", (("login_id", "e.devries"),)),
        Role("staff-admin", "staff", "Lisa Smit, administrator (staff sign-in)", (("login_id", "l.smit"),)),
    ]
}


class SignInError(RuntimeError):
    """Signing in for a role did not work; the message says where it stopped."""


def simulator_sign_in(page, base_url: str, role: Role) -> None:
    """Sign in through the portal's own sign-in start and the login simulator's form."""
    page.goto(f"{base_url}/inloggen/{role.slug}")
    if "/simulator/" not in page.url:
        raise SignInError(
            f"{role.id}: /inloggen/{role.slug} did not lead to the login simulator (at {page.url}); "
            "on a real deployment use --storage-state"
        )
    for name, value in role.fields:
        page.fill(f"#field-{name}", value)
    if role.level:
        page.check(f"input[name=level][value='{role.level}']")
    page.click("button[name=action][value=sign_in]")
    try:
        page.wait_for_selector(SIGNED_IN_MARK, timeout=10_000)
    except Exception as exc:  # Playwright TimeoutError
        raise SignInError(f"{role.id}: not signed in after the simulator form (at {page.url})") from exc


def manual_sign_in(page, base_url: str, role: Role, timeout_seconds: int = 600) -> None:
    """For ``python -m a11y login``: open the sign-in page in a visible browser and wait
    until the auditor has signed in by hand."""
    page.goto(f"{base_url}/inloggen")
    page.wait_for_selector(SIGNED_IN_MARK, timeout=timeout_seconds * 1000)
