"""'Hoe snel zijn wij?': the pure figures (table tests) and the page's numbers against a
hand-computed fixture (the arithmetic is in the comments)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from devtools.app import create_dev_app as create_app
from portal import clock
from portal.domain.speed import Callback, DecidedCase, Share, median, speed_figures
from portal.models import CallbackRequest, Case, CaseType, Extension, Feedback, Organisation, Role, StatusType
from portal.services.speed import figures_for
from tests.isolated import demo_database

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 12, 0)


# --------------------------------------------------------------------------- pure


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        (0, 0, None),
        (0, 3, 0),
        (1, 3, 33),
        (2, 3, 67),
        (1, 2, 50),
        (1, 8, 13),
        (3, 8, 38),
        (5, 5, 100),
        (1, 200, 1),
    ],
)
def test_share_rounds_half_up(part, whole, percent):
    assert Share(part, whole).percent == percent


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([5], 5.0),
        ([3, 1], 2.0),
        ([1, 9, 3], 3.0),
        ([21, 49, 63, 79, 70, 21], 56.0),
    ],
)
def test_median(values, expected):
    assert median(values) == expected


def decided(received: date, decided_on: date, legal: date, norm: date | None = None, extended=False, late=False):
    return DecidedCase(received, decided_on, legal, norm, extended, late)


@pytest.mark.parametrize(
    ("case", "counted"),
    [
        (decided(date(2025, 5, 1), date(2025, 6, 15), date(2025, 7, 1)), False),  # 365 days ago: outside
        (decided(date(2025, 5, 1), date(2025, 6, 16), date(2025, 7, 1)), True),  # 364 days ago: the first day counted
        (decided(date(2026, 6, 1), TODAY, date(2026, 7, 1)), True),
        (decided(date(2026, 6, 1), TODAY + timedelta(days=1), date(2026, 7, 1)), False),
    ],
)
def test_the_window_is_the_last_365_days(case, counted):
    assert speed_figures([case], [], [], TODAY, NOW, False).decided == int(counted)


@pytest.mark.parametrize(
    ("hours", "answered_after", "counted", "within"),
    [
        (47, None, False, False),  # younger than 48 hours: not yet counted
        (48, None, True, False),
        (72, 48, True, True),  # exactly 48 hours: within
        (72, 49, True, False),
        (100, 1, True, True),
    ],
)
def test_callbacks(hours, answered_after, counted, within):
    requested = NOW - timedelta(hours=hours)
    answered = requested + timedelta(hours=answered_after) if answered_after is not None else None
    share = speed_figures([], [Callback(requested, answered)], [], TODAY, NOW, False).callbacks_within_48h
    assert (share.whole, share.part) == (int(counted), int(within))


def test_too_few_cases_show_no_figures():
    cases = [decided(date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1))] * 4
    assert not speed_figures(cases, [], [], TODAY, NOW, True).enough
    assert speed_figures(cases * 2, [], [], TODAY, NOW, True).enough


# --------------------------------------------------------------------------- the fixture


@pytest.fixture(scope="module")
def speed_engine(database_url: str, tmp_path_factory) -> Iterator[Engine]:
    with demo_database(database_url, tmp_path_factory.mktemp("speed"), TODAY) as engine:
        with Session(engine) as db:
            organisation = db.exec(select(Organisation)).first()
            case_type = CaseType(
                organisation_id=organisation.id,
                code="snelheid",
                name_nl="Snelheidstest",
                name_en="Speed test",
                legal_term="P8W",
                service_norm="P4W",
                extension_allowed=True,
                max_extension="P4W",
                max_extensions=1,
                legal_source="Awb 4:13",
            )
            db.add(case_type)
            db.flush()
            db.add(StatusType(case_type_id=case_type.id, order=1, name_nl="Ontvangen", name_en="Received"))
            db.flush()

            def case(n, received, decided_on, extension=None):
                row = Case(
                    number=f"SNEL-{n}",
                    case_type_id=case_type.id,
                    organisation_id=organisation.id,
                    title_nl="t",
                    title_en="t",
                    received_on=received,
                    decided_on=decided_on,
                    closed_on=decided_on,
                    result="granted",
                )
                db.add(row)
                db.flush()
                db.add(Role(case_id=row.id, role_type="initiator", bsn="999993653"))
                if extension:
                    announced, duration, late = extension
                    db.add(
                        Extension(
                            case_id=row.id,
                            reason_nl="r",
                            reason_en="r",
                            duration=duration,
                            announced_on=announced,
                            previous_deadline_on=announced,
                            new_deadline_on=announced,
                            late=late,
                        )
                    )
                return row

            # receipt -> decision, legal date (8 weeks, Atw), service norm (4 weeks)
            first = case(1, date(2026, 1, 5), date(2026, 1, 26))  # 21 days; legal 2 Mar, norm 2 Feb: both in time
            case(2, date(2026, 2, 2), date(2026, 3, 23))  # 49 days; legal 30 Mar: in time; norm 2 Mar: not
            case(3, date(2026, 2, 9), date(2026, 4, 13))  # 63 days; legal 6 Apr (Easter Monday) -> 7 Apr: late
            case(
                4,
                date(2026, 3, 2),
                date(2026, 5, 20),  # 79 days; extended in time by 4 weeks:
                (date(2026, 4, 1), "P4W", False),
            )  #   27 Apr + 4 weeks = 25 May (Whit Monday) -> 26 May
            case(
                5,
                date(2026, 3, 9),
                date(2026, 5, 18),  # 70 days; legal 4 May; extension on 11 May is late
                (date(2026, 5, 11), "P2W", True),
            )  #   and does not move it: decided late
            case(6, date(2025, 5, 5), date(2025, 6, 1))  # decided 13 months ago: not counted
            case(7, date(2026, 5, 4), date(2026, 5, 25))  # 21 days; norm 1 Jun, legal 29 Jun: both in time
            for requested, handled in [
                (datetime(2026, 6, 1, 9), datetime(2026, 6, 2, 10)),  # 25 hours: within
                (datetime(2026, 6, 1, 9), datetime(2026, 6, 4, 9)),  # 72 hours: not
                (datetime(2026, 6, 5, 9), None),  # open, older than 48 hours: not
                (datetime(2026, 6, 15, 8), None),  # 4 hours old: not counted yet
                (datetime(2026, 6, 10, 9), datetime(2026, 6, 12, 9)),  # exactly 48 hours: within
            ]:
                db.add(
                    CallbackRequest(
                        case_id=first.id,
                        submitter="bsn:999993653",
                        phone="0612345678",
                        idempotency_key=f"speed-{requested.isoformat()}-{handled}",
                        created_at=requested,
                        handled_at=handled,
                    )
                )
            for n, (helped, when) in enumerate(
                [(True, NOW), (True, NOW), (False, NOW), (True, NOW), (False, datetime(2025, 1, 1))]
            ):  # the last one is too old
                db.add(
                    Feedback(case_id=first.id, context=f"c{n}", submitter=f"bsn:{n}", helped=helped, created_at=when)
                )
            db.commit()
        yield engine


def test_figures_equal_the_hand_computed_fixture(speed_engine):
    with Session(speed_engine) as db:
        case_type = db.exec(select(CaseType).where(CaseType.code == "snelheid")).one()
        figures = figures_for(db, case_type, TODAY, NOW)
    assert figures.decided == 6 and figures.enough  # cases 1-5 and 7
    assert (figures.within_legal_term.part, figures.within_legal_term.percent) == (4, 67)  # 1, 2, 4, 7
    assert (figures.within_service_norm.part, figures.within_service_norm.percent) == (2, 33)  # 1, 7
    assert figures.median_days == 56.0  # (49 + 63) / 2
    assert (figures.extended.part, figures.extended.whole, figures.extended.percent) == (2, 6, 33)
    assert (figures.extended_late.part, figures.extended_late.whole, figures.extended_late.percent) == (1, 2, 50)
    assert (figures.callbacks_within_48h.part, figures.callbacks_within_48h.whole) == (2, 4)
    assert (figures.helped.part, figures.helped.whole, figures.helped.percent) == (3, 4, 75)


@pytest.fixture()
def speed_client(settings, speed_engine, migrated_database, monkeypatch) -> Iterator[TestClient]:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(clock, "utcnow", lambda: NOW)
    application = create_app(settings)
    application.state.engine.dispose()
    application.state.engine = speed_engine
    with TestClient(application, base_url="http://127.0.0.1") as client:
        yield client


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "nl",
            [
                "Binnen de wettelijke termijn beslist",
                "67% (4 van 6)",
                "33% (2 van 6)",
                "50% (1 van 2)",
                "50% (2 van 4)",
                "75% (3 van 4)",
                "56,0",
            ],
        ),
        (
            "en",
            [
                "Decided within the legal term",
                "67% (4 of 6)",
                "33% (2 of 6)",
                "50% (1 of 2)",
                "50% (2 of 4)",
                "75% (3 of 4)",
                "56.0",
            ],
        ),
    ],
)
def test_the_page_shows_chart_and_table_with_the_same_numbers(speed_client, language, words):
    speed_client.cookies.set("lang", language)
    page = speed_client.get("/hoe-snel-zijn-wij/snelheid")
    assert page.status_code == 200
    html = page.text
    chart, table = (
        html.split('class="bar-chart"')[1].split("</figure>")[0],
        html.split("<table")[1].split("</table>")[0],
    )
    for word in words[:-1]:
        assert word in chart and word in table, word
    assert words[-1] in table
    assert "bar-chart__fill--p67" in chart and "style=" not in html


def test_unknown_or_internal_case_type_is_404(speed_client):
    assert speed_client.get("/hoe-snel-zijn-wij/bestaat-niet").status_code == 404
    assert speed_client.get("/hoe-snel-zijn-wij").status_code == 200
