"""Table tests for the done / current / to-come status row."""

from datetime import date

import pytest

from portal.domain.steps import Step, current_step, progress

ORDERS = [1, 2, 3, 4]
JAN5, JAN7, JAN10, JAN12, FEB1 = (
    date(2026, 1, 5),
    date(2026, 1, 7),
    date(2026, 1, 10),
    date(2026, 1, 12),
    date(2026, 2, 1),
)


def rows(steps):
    return [(s.order, s.state, s.reached_on, s.is_current) for s in steps]


@pytest.mark.parametrize(
    "history, expected",
    [
        pytest.param(
            [],
            [
                (1, "to_come", None, False),
                (2, "to_come", None, False),
                (3, "to_come", None, False),
                (4, "to_come", None, False),
            ],
            id="empty-history-nothing-reached",
        ),
        pytest.param(
            [(1, JAN5)],
            [
                (1, "current", JAN5, True),
                (2, "to_come", None, False),
                (3, "to_come", None, False),
                (4, "to_come", None, False),
            ],
            id="first-reached",
        ),
        pytest.param(
            [(1, JAN5), (2, JAN7)],
            [
                (1, "done", JAN5, False),
                (2, "current", JAN7, True),
                (3, "to_come", None, False),
                (4, "to_come", None, False),
            ],
            id="second-current",
        ),
        pytest.param(
            [(1, JAN5), (3, JAN10)],
            [
                (1, "done", JAN5, False),
                (2, "done", None, False),
                (3, "current", JAN10, True),
                (4, "to_come", None, False),
            ],
            id="skipped-step-done-without-date",
        ),
        pytest.param(
            [(3, JAN10), (1, JAN5), (2, JAN7)],
            [
                (1, "done", JAN5, False),
                (2, "done", JAN7, False),
                (3, "current", JAN10, True),
                (4, "to_come", None, False),
            ],
            id="history-out-of-order-latest-date-wins",
        ),
        pytest.param(
            [(1, JAN5), (2, JAN7), (3, JAN10), (2, JAN12)],
            [
                (1, "done", JAN5, False),
                (2, "current", JAN12, True),
                (3, "to_come", None, False),
                (4, "to_come", None, False),
            ],
            id="went-back-later-step-to-come-again",
        ),
        pytest.param(
            [(2, JAN5), (1, JAN5)],
            [
                (1, "done", JAN5, False),
                (2, "current", JAN5, True),
                (3, "to_come", None, False),
                (4, "to_come", None, False),
            ],
            id="same-day-highest-order-wins",
        ),
        pytest.param(
            [(1, JAN5), (9, FEB1)],
            [
                (1, "current", JAN5, True),
                (2, "to_come", None, False),
                (3, "to_come", None, False),
                (4, "to_come", None, False),
            ],
            id="unknown-status-type-ignored",
        ),
        pytest.param(
            [(1, JAN5), (1, JAN10), (2, JAN12)],
            [
                (1, "done", JAN10, False),
                (2, "current", JAN12, True),
                (3, "to_come", None, False),
                (4, "to_come", None, False),
            ],
            id="reached-twice-latest-date-shown",
        ),
    ],
)
def test_progress(history, expected):
    assert rows(progress(ORDERS, history, final_order=4)) == expected


def test_final_status_all_done_and_final_is_current():
    steps = progress(ORDERS, [(1, JAN5), (2, JAN7), (4, FEB1)], final_order=4)
    assert rows(steps) == [
        (1, "done", JAN5, False),
        (2, "done", JAN7, False),
        (3, "done", None, False),
        (4, "done", FEB1, True),
    ]
    assert [s.is_final for s in steps] == [False, False, False, True]
    assert current_step(steps) == Step(4, "4", "done", FEB1, is_current=True, is_final=True)


def test_final_not_reached_is_marked_final_and_to_come():
    steps = progress(ORDERS, [(1, JAN5), (2, JAN7)], final_order=4)
    assert (steps[3].state, steps[3].is_final, steps[3].is_current) == ("to_come", True, False)


def test_without_final_order_last_step_stays_current():
    steps = progress(ORDERS, [(4, FEB1)])
    assert (steps[3].state, steps[3].is_final) == ("current", False)


def test_orders_sorted_and_deduplicated_with_keys():
    steps = progress([30, 10, 20, 10], [(20, JAN5)], keys={10: "ontvangen", 20: "in_behandeling"})
    assert [(s.order, s.key, s.state) for s in steps] == [
        (10, "ontvangen", "done"),
        (20, "in_behandeling", "current"),
        (30, "30", "to_come"),
    ]


def test_current_step_none_when_nothing_reached():
    assert current_step(progress(ORDERS, [])) is None
