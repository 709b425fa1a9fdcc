"""A running club going live: its books taken over from paper at its cut-off date. The rules, as
pure functions (the values in, a refusal or a result out, no database), so that the services
(loans.services.go_live) and the cut-off sheet's preview (spreadsheets/cutoff_import.py) apply
the same ones:

- a loan taken over was lent before the cut-off, its next instalment falls after it, the
  principal still owed is more than 0 and at most the amount lent, and the number and the
  amount of the instalments overdue are given together (check_take_over_dates, _figures);
- the rest of its schedule (take_over_schedule): the overdue instalments fall on the meetings
  before the next one, and must then fall after the disbursement and by the cut-off, so that
  the loan shows its arrears from the start (check_overdue_window);
- a loan already taken over at the cut-off with the same figures is the same loan
  (taken_over_differences);
- a club goes live once (GoLiveBooks.refusal): its funds hold nothing but the opening balances
  of its go-live, and its loans were all taken over on its cut-off date. What a club's books
  hold is read by loans.selectors.go_live_books.

A refusal is a ValidationError on the field of loans.services.club_go_live / loan_take_over it
is about (core.errors.refusal); the cut-off sheet shows it under the column of that field.
"""

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clubs.models import Club
from core.dates import add_months, day_in_month, format_date
from core.errors import refusal
from loans.models import InterestMethod, Loan, LoanPurpose, RepaymentFrequency
from loans.schedules import build_schedule, first_due_date, monthly_interest

ERROR_TAKE_OVER_OUTSTANDING = _("The principal still owed must be more than 0 and at most the original amount.")
ERROR_TAKE_OVER_OVERDUE = _("Give both the number of instalments overdue and the amount overdue, or neither.")
ERROR_TAKE_OVER_OVERDUE_TOO_MUCH = _("The amount overdue is more than the principal still owed and its interest.")
ERROR_TAKE_OVER_DISBURSED = _("The disbursement date must be before the cut-off date.")
ERROR_TAKE_OVER_NEXT_DUE = _("The next instalment must be due after the cut-off date.")
ERROR_OVERDUE_AFTER_CUTOFF = _(
    "The overdue instalments fall on the meetings before the next instalment; the last of them, %(date)s, is after "
    "the cut-off date. Check the next instalment date and the number of instalments overdue."
)
ERROR_OVERDUE_BEFORE_DISBURSEMENT = _(
    "%(count)s instalments overdue would start on %(date)s, not after the disbursement: check the number of "
    "instalments overdue."
)
ERROR_ALREADY_LIVE = _(
    "%(club)s already keeps its cash book in the product (entries from %(date)s): the cut-off sheet is only for "
    "going live. Record what changed on the fund and loan pages."
)
ERROR_OTHER_GO_LIVE = _(
    "%(club)s went live on %(date)s (loans taken over then): its cut-off sheet cannot have another date."
)

# The terms a loan taken over is recognised by (with the principal still owed): the fields of
# loans.services.loan_take_over, as they are stored on the loan.
TAKE_OVER_TERMS = (
    "amount",
    "disbursed_on",
    "term_months",
    "monthly_rate",
    "method",
    "frequency",
    "grace_days",
    "purpose",
)

# What loan_take_over takes for a figure not given: nothing overdue, no grace days, purpose other.
TAKE_OVER_DEFAULTS = {"overdue_instalments": 0, "overdue_amount": 0, "grace_days": 0, "purpose": LoanPurpose.OTHER}

# One row of a schedule taken over: (due date, principal, interest).
ScheduleRow = tuple[datetime.date, int, int]


def _refused(errors: dict[str, ValidationError]) -> None:
    if errors:
        raise ValidationError(errors)


def check_take_over_dates(
    *, go_live_on: datetime.date, disbursed_on: datetime.date | None, next_due_on: datetime.date | None
) -> None:
    """Lent before the cut-off, the next instalment due after it: both refusals at once. A date
    not known (None: a cell left empty) is not compared."""
    errors = {}
    if disbursed_on is not None and disbursed_on >= go_live_on:
        errors["disbursed_on"] = ValidationError(ERROR_TAKE_OVER_DISBURSED)
    if next_due_on is not None and next_due_on <= go_live_on:
        errors["next_due_on"] = ValidationError(ERROR_TAKE_OVER_NEXT_DUE)
    _refused(errors)


def check_take_over_figures(
    *, amount: int | None, outstanding: int | None, overdue_instalments: int | None, overdue_amount: int | None
) -> None:
    """The principal still owed more than 0 and at most the amount lent; the number and the amount
    of the instalments overdue given together (the refusal on the one missing). A figure not known
    (None) is not compared."""
    errors = {}
    if amount is not None and outstanding is not None and not 0 < outstanding <= amount:
        errors["outstanding"] = ValidationError(ERROR_TAKE_OVER_OUTSTANDING)
    if (
        overdue_instalments is not None
        and overdue_amount is not None
        and (overdue_instalments > 0) != (overdue_amount > 0)
    ):
        missing = "overdue_amount" if overdue_instalments else "overdue_instalments"
        errors[missing] = ValidationError(ERROR_TAKE_OVER_OVERDUE)
    _refused(errors)


def check_overdue_window(
    *,
    schedule: Sequence[ScheduleRow],
    overdue_instalments: int,
    go_live_on: datetime.date,
    disbursed_on: datetime.date,
) -> None:
    """The overdue instalments of the schedule taken over (its first rows) fall by the cut-off, so
    that the loan is in arrears from the start, and after the disbursement."""
    overdue = schedule[:overdue_instalments]
    if not overdue:
        return
    errors = []
    if overdue[-1][0] > go_live_on:
        errors.append(ValidationError(ERROR_OVERDUE_AFTER_CUTOFF, params={"date": format_date(overdue[-1][0])}))
    if overdue[0][0] <= disbursed_on:
        params = {"count": overdue_instalments, "date": format_date(overdue[0][0])}
        errors.append(ValidationError(ERROR_OVERDUE_BEFORE_DISBURSEMENT, params=params))
    _refused({"overdue_instalments": ValidationError(errors)} if errors else {})


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
    meeting_day: int | None,
) -> list[ScheduleRow]:
    """The rest of a running loan's schedule at the cut-off: (due date, principal, interest) rows.

    - The overdue instalments fall on the meetings before the next due date, one a month. Of the
      amount overdue, the interest of those months is taken first (on the original amount when
      flat, on the principal still owed when declining), the rest is principal.
    - The principal still owed after that is spread over the meetings from the next due date to
      the end of the term (at least one), by the loan's method and frequency.
    - The meetings are on the club's meeting day; a club without one meets on the day of the
      month of the next instalment.
    Raises ValueError with the message when the figures cannot be right (check_take_over_figures,
    or an amount overdue larger than what is owed).
    """
    try:
        check_take_over_figures(
            amount=amount,
            outstanding=outstanding,
            overdue_instalments=overdue_instalments,
            overdue_amount=overdue_amount,
        )
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    meeting_day = meeting_day or next_due_on.day
    rows: list[ScheduleRow] = []
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


def taken_over_differences(
    loan: Loan, *, club: Club, go_live_on: datetime.date, outstanding: int, **terms: object
) -> list[str] | None:
    """Whether `loan` is the take-over, at the club's cut-off, of a loan with these figures (the
    TAKE_OVER_TERMS and the principal still owed): None when it is no take-over of the club on
    that date, else the fields that differ — none when it is the same loan, taken over already."""
    if loan.club_id != club.pk or loan.go_live_on != go_live_on:
        return None
    differences = [field for field in TAKE_OVER_TERMS if getattr(loan, field) != terms[field]]
    if loan.amount - loan.repaid_before_go_live != outstanding:
        differences.append("outstanding")
    return differences


@dataclasses.dataclass(frozen=True)
class GoLiveBooks:
    """What a club's books already hold that decides whether it may still go live, as
    loans.selectors.go_live_books reads it."""

    club: Club
    first_entry_on: datetime.date | None  # the earliest entry of its funds
    # fund kind → (amount, date) of the opening balance that is the fund's only entry
    openings: Mapping[str, tuple[int, datetime.date]]
    other_entries: bool  # a fund holds anything but one opening balance
    taken_over_on: frozenset[datetime.date]  # the dates its loans were taken over on

    def refusal(self, *, cutoff: datetime.date | None, balances: Mapping[str, int | None]) -> ValidationError | None:
        """Why the club cannot go live on `cutoff` with `balances` ({fund kind: amount}), or None.

        A club goes live once: its funds may hold only the opening balances of this go-live (the
        same amount, dated the cut-off: taken over already), and its loans taken over so far
        must have been taken over on the cut-off date (a go-live in several files).
        """
        kept = self.other_entries or any(
            (balances.get(kind), cutoff) != opening for kind, opening in self.openings.items()
        )
        if kept and self.first_entry_on is not None:
            return refusal(ERROR_ALREADY_LIVE, field="club", club=self.club.name, date=format_date(self.first_entry_on))
        other_dates = self.taken_over_on - ({cutoff} if cutoff is not None else set())
        if other_dates:
            return refusal(ERROR_OTHER_GO_LIVE, field="club", club=self.club.name, date=format_date(min(other_dates)))
        return None

    @property
    def can_go_live(self) -> bool:
        """Whether a cut-off sheet can still take the books over: the one that repeats what was
        taken over already (its balances, on its date) with more loans, if nothing else."""
        dates = {on for _amount, on in self.openings.values()} | self.taken_over_on
        balances = {kind: amount for kind, (amount, _on) in self.openings.items()}
        return self.refusal(cutoff=min(dates, default=None), balances=balances) is None
