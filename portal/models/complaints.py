"""Complaints about how we treated someone (Awb title 9.1, issue 24).

A complaint is a case of a complaint type (its legal clock, steps, handler and notices
are the case's); this row holds what only a complaint has: what happened and when
(Awb 9:4), who it is about (9:7), the hearing (9:10), the answer that it is not handled
(9:8) and the outcome (9:12). The postponement (9:11(2)) is an ``Extension`` of the case,
counted by the decision-date engine."""

from __future__ import annotations

from datetime import date

from pydantic import NaiveDatetime
from sqlmodel import Field, SQLModel

from portal.clock import utcnow


class Complaint(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", unique=True, description="The complaint's own case")
    about_case_id: int | None = Field(
        default=None, foreign_key="case.id", index=True, description="The case the conduct happened in, if any"
    )
    what_happened: str = Field(max_length=5000, description="Awb 9:4(2)(c): the conduct complained about")
    happened_on: date = Field(description="When it happened (9:8(1)(b): more than a year ago need not be handled)")
    about_employee_id: int | None = Field(
        default=None, foreign_key="employee.id", index=True, description="The person complained about (9:7)"
    )
    about_text: str = Field(default="", max_length=200, description="Who it is about, in the complainant's words")
    contact_phone: str = Field(default="", max_length=20)
    contact_email: str = Field(default="", max_length=254)
    wants_hearing: bool = Field(default=True, description="Awb 9:10: the complainant wishes to be heard")
    hearing_on: date | None = Field(default=None, description="The day of the hearing (9:10(1))")
    hearing_waived: str = Field(default="", max_length=30, description="One of HEARING_WAIVER_GROUNDS (9:10(2))")
    hearing_note: str = Field(default="", max_length=2000)
    not_handled_ground: str = Field(default="", max_length=30, description="One of NOT_HANDLED_GROUNDS (9:8)")
    not_handled_reason: str = Field(default="", max_length=2000)
    judgment: str = Field(default="", max_length=30, description="One of JUDGMENTS (9:12)")
    findings: str = Field(default="", max_length=5000)
    conclusions: str = Field(default="", max_length=5000)
    language: str = Field(default="nl", max_length=2, description="The language the complainant wrote in (lang)")
    answer_language: str = Field(default="nl", max_length=2, description="The language the answer was written in")
    employee_told_at: NaiveDatetime | None = Field(
        default=None, description="When the person complained about was told of it (after assignment)"
    )
    created_at: NaiveDatetime = Field(default_factory=utcnow)
