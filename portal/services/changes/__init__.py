"""One path for every change to a case (issue 11).

Each change is one function in a module of its own. It validates (with the deadline
engine for anything about dates), takes the case's optimistic lock, writes the change,
the audit row and the resident notice (with its outbox rows) in the caller's session, and
commits once at the end. A refusal raises ``ChangeRefused`` (naming the field, with a
translated message) after rolling back: nothing is changed. The staff console, the case
API and the ZGW sync call these functions; none writes case tables directly.
"""

from portal.services.changes.base import Actor, CaseNotFound, ChangeRefused

__all__ = ["Actor", "CaseNotFound", "ChangeRefused"]
