"""All tables, grouped by concept. Importing this package registers every table
on ``SQLModel.metadata`` (Alembic and the tests rely on that)."""

from portal.models.audit import AuditLog
from portal.models.auth import LoginAttempt, WebSession
from portal.models.cases import (
    Case,
    Document,
    DocumentRequest,
    Extension,
    Role,
    StatusHistory,
    Suspension,
)
from portal.models.catalogue import (
    CaseType,
    Employee,
    Organisation,
    RequiredDocument,
    StatusType,
    Team,
)
from portal.models.complaints import Complaint
from portal.models.contact import CallbackRequest, Feedback, Notice
from portal.models.handling import ApiClient, ApiIdempotency, StaffAlert
from portal.models.listing import CaseListing, CaseListingCount
from portal.models.notify import ContactPreference, Delivery, EmailConfirmation
from portal.models.reminders import CalendarFeed, Reminder
from portal.models.zgw import ZgwJob, ZgwNotification, ZgwPartySync, ZgwRepresentativeRol

__all__ = [
    "ApiClient",
    "ApiIdempotency",
    "StaffAlert",
    "AuditLog",
    "CalendarFeed",
    "CallbackRequest",
    "Case",
    "CaseListing",
    "CaseListingCount",
    "Complaint",
    "ContactPreference",
    "Delivery",
    "EmailConfirmation",
    "CaseType",
    "Document",
    "DocumentRequest",
    "Employee",
    "Extension",
    "Feedback",
    "LoginAttempt",
    "Notice",
    "Organisation",
    "Reminder",
    "RequiredDocument",
    "Role",
    "StatusHistory",
    "StatusType",
    "Suspension",
    "Team",
    "WebSession",
    "ZgwJob",
    "ZgwNotification",
    "ZgwPartySync",
    "ZgwRepresentativeRol",
]
