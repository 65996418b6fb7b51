"""The municipality's catalogue: organisation, teams, handlers, case types and
their status steps. Mirrors the ZGW Catalogi API (names in comments)."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import validates
from sqlmodel import Field, SQLModel

from portal.domain.identifiers import validate_rsin
from portal.models.base import ValidatedModel

# Staff roles (issue 11): a handler works cases of their team, a team lead also reassigns
# them, an administrator manages handlers' contact details.
# Issue 24: a complaints coordinator routes complaints (Awb 9:7) to someone not involved.
STAFF_ROLES = ("handler", "team_lead", "administrator", "complaints_coordinator")


class Organisation(ValidatedModel, table=True):
    """The municipality (ZGW: bronorganisatie)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    rsin: str = Field(max_length=9, unique=True)
    phone: str = Field(max_length=20, description="The 14-number, e.g. '14 0123'")
    email: str = Field(max_length=254)
    visiting_address: str = Field(max_length=300)
    postal_address: str = Field(max_length=300)
    opening_hours_nl: str = Field(default="", max_length=500)
    opening_hours_en: str = Field(default="", max_length=500)
    digital_help_nl: str = Field(
        default="", max_length=1000, description="Where to get help with digital services in person"
    )
    digital_help_en: str = Field(default="", max_length=1000)

    @validates("rsin")
    def _check_rsin(self, _key: str, value: str) -> str:
        return validate_rsin(value)


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    email: str = Field(max_length=254)
    phone: str = Field(default="", max_length=20, description="Team line; empty means the 14-number")


class Employee(SQLModel, table=True):
    """A municipal employee: handler (ZGW rol 'behandelaar', betrokkene 'medewerker')
    and staff user. Direct contact details are shown unless the employee chose not
    to ("ja, tenzij": Den Haag proposal 3)."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    login_id: str = Field(max_length=100, unique=True, description="Subject of the staff sign-in")
    name: str = Field(max_length=200)
    function_nl: str = Field(max_length=200)
    function_en: str = Field(max_length=200)
    email: str = Field(max_length=254)
    direct_phone: str = Field(default="", max_length=20)
    show_direct_contact: bool = True
    is_active: bool = True
    roles: str = Field(
        default="handler",
        max_length=100,
        description="Space-separated STAFF_ROLES as the staff directory records them (the identity provider's claim)",
    )


class CaseType(SQLModel, table=True):
    """ZGW ZaakType. Terms are ISO-8601 durations (doorlooptijd, servicenorm,
    verlengingstermijn) so they map one-to-one to the Catalogi API."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    code: str = Field(max_length=50, unique=True)
    zgw_url: str | None = Field(default=None, max_length=1000)
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    description_nl: str = Field(default="", max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    legal_basis_nl: str = Field(default="", max_length=500, description="e.g. 'Omgevingswet, artikel 16.64'")
    legal_basis_en: str = Field(default="", max_length=500)
    legal_source: str = Field(default="Awb 4:13", max_length=100, description="Short citation shown with the term")
    legal_term: str = Field(default="P8W", max_length=20, description="ZGW doorlooptijd")
    service_norm: str | None = Field(
        default=None, max_length=20, description="ZGW servicenorm: our own, shorter promise"
    )
    extension_allowed: bool = False
    max_extension: str | None = Field(default=None, max_length=20, description="ZGW verlengingstermijn")
    max_extensions: int | None = Field(default=None, description="How many extensions the law allows (Omgevingswet: 1)")
    suspension_allowed: bool = True
    dwangsom_applies: bool = True
    is_public: bool = Field(default=True, description="ZGW indicatieInternOfExtern == 'extern'")
    min_assurance: str = Field(
        default="midden", max_length=20, description="Minimum DigiD level (basis/midden/substantieel/hoog)"
    )
    is_permit: bool = Field(default=False, description="A granted case is a permit with a validity period")
    complaint_committee: bool = Field(
        default=False, description="Complaints: a committee (Awb 9:14) advises, so 10 weeks instead of 6 (9:11(1))"
    )


class StatusType(SQLModel, table=True):
    """ZGW StatusType: an ordered step of a case type."""

    __table_args__ = (UniqueConstraint("case_type_id", "order"),)

    id: int | None = Field(default=None, primary_key=True)
    case_type_id: int = Field(foreign_key="casetype.id", index=True)
    zgw_url: str | None = Field(default=None, max_length=1000, unique=True)
    order: int = Field(description="ZGW volgnummer")
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    resident_text_nl: str = Field(default="", max_length=2000, description="ZGW statustekst")
    resident_text_en: str = Field(default="", max_length=2000)
    is_final: bool = False
    notify: bool = Field(default=True, description="ZGW informeren")


class RequiredDocument(SQLModel, table=True):
    """A document the case type needs from the applicant (early completeness check)."""

    id: int | None = Field(default=None, primary_key=True)
    case_type_id: int = Field(foreign_key="casetype.id", index=True)
    name_nl: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    description_nl: str = Field(default="", max_length=1000)
    description_en: str = Field(default="", max_length=1000)
