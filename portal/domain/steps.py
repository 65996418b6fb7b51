"""Status progression: which steps of a case are done, current, or still to come.

Why: residents understand a case best as a row of steps ("done / current / to come",
as Mijn Amsterdam shows it). The ZGW Catalogi API gives the ordered status types
(``volgnummer``) and the Zaken API the statuses set so far (with a date); this module
turns the two into that row. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

__all__ = ["Step", "StepState", "current_step", "progress"]

StepState = Literal["done", "current", "to_come"]


@dataclass(frozen=True)
class Step:
    """One status type of the case, as the resident should see it.

    ``reached_on`` is the date the status was (most recently) set; None for steps to come
    and for earlier steps the case skipped. ``is_current`` marks the step the case is at,
    also when that is the final step (then ``state`` is "done"). ``is_final`` marks the
    final status type (ZGW ``isEindstatus``).
    """

    order: int
    key: str
    state: StepState
    reached_on: date | None
    is_current: bool = False
    is_final: bool = False


def _current(history: Sequence[tuple[int, date]], known: set[int]) -> tuple[int, date] | None:
    """The status the case is at: latest by date, then by order (same-day statuses).

    Notifications may arrive out of order, so list order means nothing; history entries
    for status types we do not know are ignored rather than guessed at.
    """
    relevant = [(order, reached) for order, reached in history if order in known]
    if not relevant:
        return None
    return max(relevant, key=lambda entry: (entry[1], entry[0]))


def progress(
    status_type_orders: Sequence[int],
    history: Sequence[tuple[int, date]],
    final_order: int | None = None,
    keys: Mapping[int, str] | None = None,
) -> list[Step]:
    """Every status type in order, each marked done, current or to come.

    * Empty history: nothing reached yet, so every step is "to_come".
    * Steps before the current one are "done", with the latest date they were reached
      (None if the case skipped them). Steps after it are "to_come", even if they were
      reached earlier and the case went back.
    * If the current step is ``final_order`` the case is closed: every step is "done",
      and the final one also has ``is_current``.

    ``keys`` maps an order to a stable key (e.g. a status type's UUID); by default the
    key is the order as text.
    """
    orders = sorted(set(status_type_orders))
    current = _current(history, set(orders))
    reached: dict[int, date] = {}
    for order, reached_on in history:
        if order not in reached or reached_on > reached[order]:
            reached[order] = reached_on
    closed = current is not None and current[0] == final_order
    return [
        _step(order, current, reached, closed, final_order, (keys or {}).get(order, str(order))) for order in orders
    ]


def _step(
    order: int,
    current: tuple[int, date] | None,
    reached: Mapping[int, date],
    closed: bool,
    final_order: int | None,
    key: str,
) -> Step:
    is_final = order == final_order
    if current is None:
        return Step(order, key, "to_come", None, is_final=is_final)
    current_order, current_date = current
    if order == current_order:
        state: StepState = "done" if closed else "current"
        return Step(order, key, state, current_date, is_current=True, is_final=is_final)
    if order < current_order or closed:
        return Step(order, key, "done", reached.get(order), is_final=is_final)
    return Step(order, key, "to_come", None, is_final=is_final)


def current_step(steps: Sequence[Step]) -> Step | None:
    """The step marked ``is_current``, or None when nothing has been reached yet."""
    return next((step for step in steps if step.is_current), None)
