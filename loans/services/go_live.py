"""A running club goes live: its books taken over from paper at its cut-off date, all or nothing —
each fund's opening balance and every loan still open (club_go_live). The rules are those of
loans/take_over.py, which the cut-off sheet's preview applies too.

No cash entry is written for a loan taken over: the money left the fund before the cut-off,
and the fund's opening balance is what it held after that.
"""

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import acting_user, audit_record
from clubs.models import Club
from core.errors import refusal
from core.types import Actor
from funds.models import Fund, FundEntry
from funds.services import check_amount, check_club_date, lock_funds, opening_balance_record
from loans.models import Loan, LoanPurpose, LoanStatus
from loans.schedules import ScheduledInstalment
from loans.selectors import go_live_books
from loans.services.checks import (
    create_instalments,
    loan_in_progress,
    next_cycle,
    require_member,
    require_no_loan_in_progress,
)
from loans.take_over import (
    TAKE_OVER_DEFAULTS,
    check_overdue_window,
    check_take_over_dates,
    take_over_schedule,
    taken_over_differences,
)
from members.models import Person


@transaction.atomic
def loan_take_over(
    *,
    actor: Actor,
    club: Club,
    borrower: Person,
    go_live_on: datetime.date,
    amount: int,
    disbursed_on: datetime.date,
    term_months: int,
    monthly_rate: Decimal,
    method: str,
    frequency: str,
    outstanding: int,
    next_due_on: datetime.date,
    overdue_instalments: int = 0,
    overdue_amount: int = 0,
    grace_days: int = 0,
    purpose: str = LoanPurpose.OTHER,
) -> Loan:
    """A loan a running club made on paper, taken into the product at its cut-off date.

    One loan: club_go_live takes a club's books over as a whole, and checks the club may go live.
    """
    check_amount(amount)
    check_amount(outstanding, "outstanding")
    check_club_date(club=club, day=go_live_on, field="go_live_on")
    check_club_date(club=club, day=disbursed_on, field="disbursed_on", in_closed_month_allowed=True)
    borrower = Person.objects.select_for_update().get(pk=borrower.pk)
    require_member(club=club, person=borrower, on=go_live_on, field="borrower")
    require_no_loan_in_progress(borrower)
    check_take_over_dates(go_live_on=go_live_on, disbursed_on=disbursed_on, next_due_on=next_due_on)
    try:
        rows = take_over_schedule(
            amount=amount,
            outstanding=outstanding,
            disbursed_on=disbursed_on,
            term_months=term_months,
            monthly_rate=monthly_rate,
            method=method,
            frequency=frequency,
            next_due_on=next_due_on,
            overdue_instalments=overdue_instalments,
            overdue_amount=overdue_amount,
            meeting_day=club.meeting_day,
        )
    except ValueError as exc:
        # Figures that do not add up are refused on the principal still owed, which they are reckoned from.
        raise refusal(exc.args[0], field="outstanding") from None
    check_overdue_window(
        schedule=rows, overdue_instalments=overdue_instalments, go_live_on=go_live_on, disbursed_on=disbursed_on
    )
    loan = Loan(
        club=club,
        borrower=borrower,
        cycle=next_cycle(club, borrower),
        purpose=purpose,
        amount=amount,
        term_months=term_months,
        monthly_rate=monthly_rate,
        method=method,
        frequency=frequency,
        grace_days=grace_days,
        status=LoanStatus.DISBURSED,
        applied_on=disbursed_on,
        decided_on=disbursed_on,
        disbursed_on=disbursed_on,
        go_live_on=go_live_on,
        repaid_before_go_live=amount - outstanding,
        created_by=acting_user(actor),
    )
    loan.full_clean(exclude=["created_by"])
    loan.save()
    create_instalments(
        loan,
        (
            ScheduledInstalment(number=number, due_on=due_on, principal=principal, interest=interest)
            for number, (due_on, principal, interest) in enumerate(rows, start=1)
        ),
    )
    audit_record(
        actor=actor,
        action="loans.loan.taken_over",
        target=loan,
        data={
            "club": club.code,
            "amount": amount,
            "outstanding": outstanding,
            "go_live_on": go_live_on.isoformat(),
            "overdue_instalments": overdue_instalments,
            "overdue_amount": overdue_amount,
        },
    )
    return loan


class GoLiveRefused(ValidationError):
    """What club_go_live refused, part by part, so that a caller shows each refusal where it
    belongs: `club` about the club as a whole (its cut-off date, books it keeps already),
    `balances` {fund kind: refusal}, `loans` {position in the list of loans: refusal}."""

    def __init__(
        self,
        *,
        club: ValidationError | None = None,
        balances: Mapping[str, ValidationError] | None = None,
        loans: Mapping[int, ValidationError] | None = None,
    ):
        self.club, self.balances, self.loans = club, dict(balances or {}), dict(loans or {})
        super().__init__([error for error in (club, *self.balances.values(), *self.loans.values()) if error])


@dataclasses.dataclass(frozen=True)
class WentLive:
    """What club_go_live wrote: the opening balances and loans not taken over before."""

    openings: list[FundEntry]
    loans: list[Loan]


@transaction.atomic
def club_go_live(
    *,
    actor: Actor,
    club: Club,
    cutoff: datetime.date,
    balances: Mapping[str, int],
    loans: Sequence[Mapping[str, Any]],
) -> WentLive:
    """Take a running club's books over from paper at `cutoff`: all of it, or nothing.

    `balances` maps fund kinds to what each fund held at the end of the cut-off date (a fund that
    held nothing is left out); `loans` holds the loans still open then, each as the arguments of
    loan_take_over but the actor, the club and the date. The club must be able to go live on
    that date (GoLiveBooks.refusal). What was taken over already at this cut-off with the same
    figures — a file imported again, or with loans added — is recognised and left as it is.
    Every part is tried, so that all the problems are known at once; when any is refused,
    nothing is saved and GoLiveRefused says which.
    """
    # Lock the club's funds: an entry written meanwhile, or a second go-live, waits for this one.
    funds = {fund.kind: fund for fund in lock_funds(*Fund.objects.filter(club=club).select_related("club"))}
    try:
        check_club_date(club=club, day=cutoff, field="cutoff")
    except ValidationError as exc:
        raise GoLiveRefused(club=exc) from None
    books = go_live_books(clubs=[club])[club.pk]
    not_live = books.refusal(cutoff=cutoff, balances=balances)
    if not_live is not None:
        raise GoLiveRefused(club=not_live)
    openings, balance_errors = [], {}
    for kind, amount in balances.items():
        if books.openings.get(kind) == (amount, cutoff):
            continue
        try:
            # A refused part rolls back to its own savepoint, so the other parts can still be tried.
            openings.append(opening_balance_record(actor=actor, fund=funds[kind], amount=amount, entry_date=cutoff))
        except ValidationError as exc:
            balance_errors[kind] = exc
    taken_over, loan_errors = [], {}
    for position, given in enumerate(loans):
        figures = {**TAKE_OVER_DEFAULTS, **given}
        in_progress = loan_in_progress(figures["borrower"])
        if in_progress and taken_over_differences(in_progress, club=club, go_live_on=cutoff, **figures) == []:
            continue
        try:
            taken_over.append(loan_take_over(actor=actor, club=club, go_live_on=cutoff, **figures))
        except ValidationError as exc:
            loan_errors[position] = exc
    if balance_errors or loan_errors:
        raise GoLiveRefused(balances=balance_errors, loans=loan_errors)
    audit_record(
        actor=actor,
        action="loans.club.went_live",
        target=club,
        data={
            "cutoff": cutoff.isoformat(),
            "openings": [entry.pk for entry in openings],
            "loans": [loan.pk for loan in taken_over],
        },
    )
    return WentLive(openings=openings, loans=taken_over)
