"""Who is signed in. Stored in the server-side session as a plain dict."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from portal.domain.representation import Representation

PrincipalKind = Literal["resident", "business", "staff"]

# DigiD levels in rising order; eHerkenning levels map onto the same scale
# (EH2 ≈ basis/low, EH2+ ≈ midden, EH3 ≈ substantieel, EH4 ≈ hoog; eIDAS).
DIGID_LEVELS = ("basis", "midden", "substantieel", "hoog")
EHERKENNING_LEVELS = ("EH2", "EH2+", "EH3", "EH4")


def level_rank(level: str | None) -> int:
    """0 for unknown; 1..4 for the levels above (DigiD and eHerkenning alike)."""
    if level in DIGID_LEVELS:
        return DIGID_LEVELS.index(level) + 1
    if level in EHERKENNING_LEVELS:
        return EHERKENNING_LEVELS.index(level) + 1
    return 0


def level_in_scale(level: str | None, kind: str) -> str | None:
    """A required level in the scale of the person's sign-in method: a case type says
    'substantieel'; a business reads that as EH3."""
    rank = level_rank(level)
    if not rank:
        return level
    return (EHERKENNING_LEVELS if kind == "business" else DIGID_LEVELS)[rank - 1]


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    subject: str
    level: str | None = None
    bsn: str | None = None
    kvk: str | None = None
    branch_number: str | None = None
    employee_id: int | None = None
    display_name: str = ""
    provider: str = ""
    roles: tuple[str, ...] = ()  # staff: STAFF_ROLES from the identity provider's claim
    # Acting for someone else (issue 20): ``bsn`` is then the represented person's, so every
    # case rule applies to their cases; ``level`` stays the representative's own.
    representation: Representation | None = None

    @property
    def audit_id(self) -> str:
        """Who acts. A representative is the actor; ``audit_detail`` names the person represented."""
        if self.representation is not None:
            return self.representation.authorizee_audit_id
        if self.kind == "resident":
            # Never write a full BSN into logs: the last three digits identify enough.
            return f"bsn:*****{(self.bsn or '')[-3:]}"
        if self.kind == "business":
            return f"kvk:{self.kvk}" + (f"/{self.branch_number}" if self.branch_number else "")
        return f"employee:{self.employee_id}"

    @property
    def submitter_key(self) -> str:
        """Identifies who submitted feedback or a callback request. A branch login is its
        own submitter: a company-level case is visible to every branch, but one branch's
        callback request (a phone number, a question) is not another branch's to read."""
        if self.kind == "resident":
            return f"bsn:{self.bsn}"
        if self.kind == "business":
            return f"kvk:{self.kvk}" + (f"/{self.branch_number}" if self.branch_number else "")
        return f"employee:{self.employee_id}"

    @property
    def audit_detail(self) -> dict[str, Any]:
        """Both identities for the audit log when acting for someone else; {} otherwise."""
        mandate = self.representation
        if mandate is None:
            return {}
        return {
            "on_behalf_of": mandate.representee_audit_id,
            "representative": mandate.authorizee_audit_id,
            "mandate": mandate.kind,
            "services": list(mandate.services),
        }

    def to_dict(self) -> dict:
        data = asdict(replace(self, representation=None))
        data["representation"] = self.representation.to_dict() if self.representation else None
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> Principal | None:
        if not data:
            return None
        values = {key: data.get(key) for key in cls.__dataclass_fields__ if key in data}
        if "roles" in values:
            values["roles"] = tuple(values["roles"] or ())
        if "representation" in values:
            values["representation"] = Representation.from_dict(values["representation"])
        return cls(**values)
