"""How a payment is split over a loan's instalments: pure arithmetic, no database.

The rules (pinned by tests/loans/test_services.py):
- A repayment pays first the interest of the instalments already overdue (due before the
  payment date), oldest first, then their principal, then the instalments due on or after the
  payment date in order, interest before principal. More than everything still owed is refused.
- Paying exactly the payoff (all the principal still owed and the interest due so far) closes
  the loan early: the later instalments' interest is not charged.
The instalments as they stand come from loans.selectors.instalment_states.
"""

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from core.errors import refusal
from core.money import format_vnd
from loans.models import Instalment

ERROR_NOTHING_OWED = _("Nothing is owed on this loan any more.")
ERROR_OVERPAYMENT = _("Only %(owed)s is still owed on this loan: %(amount)s is too much.")


class InstalmentState:
    """An instalment with what has been paid on it so far (repayments not reversed)."""

    def __init__(self, instalment: Instalment, principal_paid: int, interest_paid: int):
        self.instalment = instalment
        self.principal_left = instalment.principal_due - principal_paid
        self.interest_left = instalment.interest_due - interest_paid

    @property
    def left(self) -> int:
        return self.principal_left + self.interest_left


def settled_on(
    *, due: int, due_on: datetime.date, payments: Iterable[tuple[datetime.date, int]]
) -> datetime.date | None:
    """When an instalment was paid in full (Instalment.settled_on): the day `payments` (the date and
    the principal and interest of each repayment not reversed that paid it, in the order they
    were made) first add up to what is `due`; its due date when nothing is due (it is never
    late); None while they fall short."""
    if due <= 0:
        return due_on
    paid = 0
    for day, amount in payments:
        paid += amount
        if paid >= due:
            return day
    return None


def outstanding_principal(states: list[InstalmentState]) -> int:
    return sum(state.principal_left for state in states)


def payoff(states: list[InstalmentState], on: datetime.date) -> int:
    """What closes the loan on `on`: all the principal still owed and the interest due by then."""
    return outstanding_principal(states) + sum(state.interest_left for state in states if state.instalment.due_on <= on)


def allocate(
    states: list[InstalmentState], amount: int, paid_on: datetime.date
) -> tuple[dict[Instalment, list[int]], bool]:
    """Split `amount` over the schedule: {instalment: [principal, interest]} and whether it closes the loan early.

    Raises ValidationError when the amount is more than everything still owed.
    """
    owed = sum(state.left for state in states)
    if owed == 0:
        raise refusal(ERROR_NOTHING_OWED)
    early_payoff = payoff(states, paid_on)
    closes_early = amount == early_payoff < owed
    if amount > owed:
        raise refusal(ERROR_OVERPAYMENT, field="amount", owed=format_vnd(owed), amount=format_vnd(amount))
    split: dict[Instalment, list[int]] = {}
    left = amount

    def take(state: InstalmentState, part: str) -> None:
        nonlocal left
        available = getattr(state, f"{part}_left")
        paid = min(available, left)
        if paid:
            setattr(state, f"{part}_left", available - paid)
            split.setdefault(state.instalment, [0, 0])[0 if part == "principal" else 1] += paid
            left -= paid

    overdue = [state for state in states if state.instalment.due_on < paid_on]
    current = [state for state in states if state.instalment.due_on >= paid_on]
    for state in overdue:
        take(state, "interest")
    for state in overdue:
        take(state, "principal")
    if closes_early:
        for state in current:
            if state.instalment.due_on <= paid_on:
                take(state, "interest")
        for state in current:
            take(state, "principal")
    else:
        for state in current:
            take(state, "interest")
            take(state, "principal")
    return split, closes_early
