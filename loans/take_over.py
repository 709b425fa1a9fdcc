"""A running loan taken over from a club's paper books at its cut-off date: the rest of its
schedule, pure arithmetic (no database).

loans.services.go_live writes the loan with this schedule; the cut-off sheet
(spreadsheets/cutoff_import.py) works it out in its preview too.
"""

import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.dates import add_months, day_in_month
from loans.models import InterestMethod, RepaymentFrequency
from loans.schedules import build_schedule, first_due_date, monthly_interest

ERROR_TAKE_OVER_OUTSTANDING = _("The principal still owed must be more than 0 and at most the original amount.")
ERROR_TAKE_OVER_OVERDUE = _("Give both the number of instalments overdue and the amount overdue, or neither.")
ERROR_TAKE_OVER_OVERDUE_TOO_MUCH = _("The amount overdue is more than the principal still owed and its interest.")


def take_over_schedule(
    *,
    amount: int,
    outstanding: int,
    disbursed_on: datetime.date,
    term_months: int,
    monthly_rate: Decimal,
    method: str,
    frequency: str,
    next_due_on: datetime.date,
    overdue_instalments: int,
    overdue_amount: int,
    meeting_day: int,
) -> list[tuple[datetime.date, int, int]]:
    """The rest of a running loan's schedule at the cut-off: (due date, principal, interest) rows.

    - The overdue instalments fall on the meetings before the next due date, one a month. Of the
      amount overdue, the interest of those months is taken first (on the original amount when
      flat, on the principal still owed when declining), the rest is principal.
    - The principal still owed after that is spread over the meetings from the next due date to
      the end of the term (at least one), by the loan's method and frequency.
    Raises ValueError with the message for the row when the figures cannot be right.
    """
    if not 0 < outstanding <= amount:
        raise ValueError(ERROR_TAKE_OVER_OUTSTANDING)
    if (overdue_instalments > 0) != (overdue_amount > 0):
        raise ValueError(ERROR_TAKE_OVER_OVERDUE)
    rows: list[tuple[datetime.date, int, int]] = []
    overdue_principal = 0
    if overdue_instalments:
        interest_base = amount if method == InterestMethod.FLAT else outstanding
        overdue_interest = min(overdue_amount, monthly_interest(interest_base, monthly_rate) * overdue_instalments)
        overdue_principal = overdue_amount - overdue_interest
        if overdue_principal > outstanding:
            raise ValueError(ERROR_TAKE_OVER_OVERDUE_TOO_MUCH)
        dates = [
            day_in_month(add_months(next_due_on, -count), meeting_day) for count in range(overdue_instalments, 0, -1)
        ]
        principal_share = overdue_principal // overdue_instalments
        interest_share = overdue_interest // overdue_instalments
        for index, due_on in enumerate(dates):
            last = index == overdue_instalments - 1
            rows.append(
                (
                    due_on,
                    overdue_principal - principal_share * index if last else principal_share,
                    overdue_interest - interest_share * index if last else interest_share,
                )
            )
    future_principal = outstanding - overdue_principal
    if future_principal:
        last_due = day_in_month(
            add_months(first_due_date(disbursed_on=disbursed_on, meeting_day=meeting_day), term_months - 1), meeting_day
        )
        months_left = max(1, (last_due.year - next_due_on.year) * 12 + last_due.month - next_due_on.month + 1)
        for part in build_schedule(
            amount=future_principal,
            term_months=months_left,
            monthly_rate=monthly_rate,
            method=method,
            frequency=frequency if frequency == RepaymentFrequency.AT_END else RepaymentFrequency.MONTHLY,
            first_due_on=next_due_on,
            meeting_day=meeting_day,
            flat_base=amount,
        ):
            rows.append((part.due_on, part.principal, part.interest))
    return rows
