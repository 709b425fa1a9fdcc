"""Repayment schedule arithmetic: pure functions, no database.

The rules (pinned by tests/loans/test_schedules.py):
- Due dates fall on the club's monthly meeting day: the first in the month after the
  disbursement, then one a month (a meeting day past the end of a short month falls on its
  last day). A club without a meeting day uses the day of the month of the disbursement.
- Principal, monthly repayment: every instalment but the last takes the amount ÷ term, rounded
  down to the đồng; the last takes the rest. Principal at the end: all of it in the last one.
- Interest, flat: each month's interest is amount × rate, rounded down; the total is
  amount × rate × term rounded half up, and the last instalment takes the difference.
- Interest, declining balance: each month's interest is the principal still owed at the start
  of that month × rate, rounded half up (with principal at the end, the balance never declines,
  so this is the flat rule).
Rates are percent per month (Decimal); amounts whole đồng (int).
"""

import dataclasses
import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from core.dates import add_months, day_in_month
from loans.models import InterestMethod, RepaymentFrequency

HUNDRED = Decimal(100)


@dataclasses.dataclass(frozen=True)
class ScheduledInstalment:
    number: int
    due_on: datetime.date
    principal: int
    interest: int

    @property
    def amount(self) -> int:
        return self.principal + self.interest


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _round_down(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_DOWN))


def due_dates(*, first_due_on: datetime.date, count: int, meeting_day: int) -> list[datetime.date]:
    """`first_due_on` as chosen (it may be off the meeting day), then the meeting of each following month."""
    return [first_due_on] + [day_in_month(add_months(first_due_on, offset), meeting_day) for offset in range(1, count)]


def first_due_date(*, disbursed_on: datetime.date, meeting_day: int | None) -> datetime.date:
    """The club's meeting in the month after the disbursement."""
    return day_in_month(add_months(disbursed_on, 1), meeting_day or disbursed_on.day)


def monthly_interest(base: int, monthly_rate: Decimal) -> int:
    """One month's interest on `base` đồng, rounded down."""
    return _round_down(base * Decimal(monthly_rate) / HUNDRED)


def principal_parts(*, amount: int, term_months: int, frequency: str) -> list[int]:
    if frequency == RepaymentFrequency.AT_END:
        return [0] * (term_months - 1) + [amount]
    share = amount // term_months
    return [share] * (term_months - 1) + [amount - share * (term_months - 1)]


def interest_parts(
    *, amount: int, principal: list[int], monthly_rate: Decimal, method: str, flat_base: int | None = None
) -> list[int]:
    """Interest per instalment; `flat_base` is what flat interest is charged on (the original
    amount of a loan taken over part-repaid; by default `amount`)."""
    rate = Decimal(monthly_rate) / HUNDRED
    term = len(principal)
    if method == InterestMethod.DECLINING and any(principal[:-1]):
        parts, balance = [], amount
        for part in principal:
            parts.append(_round_half_up(balance * rate))
            balance -= part
        return parts
    base = amount if flat_base is None or method == InterestMethod.DECLINING else flat_base
    monthly = monthly_interest(base, monthly_rate)
    total = _round_half_up(base * rate * term)
    return [monthly] * (term - 1) + [total - monthly * (term - 1)]


def build_schedule(
    *,
    amount: int,
    term_months: int,
    monthly_rate: Decimal,
    method: str,
    frequency: str,
    first_due_on: datetime.date,
    meeting_day: int | None,
    first_number: int = 1,
    flat_base: int | None = None,
) -> list[ScheduledInstalment]:
    """The instalments of `amount` over `term_months` months, the first due on `first_due_on`."""
    if amount <= 0 or term_months < 1:
        raise ValueError("A schedule needs a positive amount and at least one month.")
    principal = principal_parts(amount=amount, term_months=term_months, frequency=frequency)
    interest = interest_parts(
        amount=amount, principal=principal, monthly_rate=monthly_rate, method=method, flat_base=flat_base
    )
    dates = due_dates(first_due_on=first_due_on, count=term_months, meeting_day=meeting_day or first_due_on.day)
    return [
        ScheduledInstalment(
            number=first_number + index, due_on=dates[index], principal=principal[index], interest=interest[index]
        )
        for index in range(term_months)
    ]
