"""A running club's books taken over from paper at its cut-off date: its loans still open.

No cash entry is written for a loan taken over: the money left the fund before the cut-off,
and the fund's opening balance is what it held after that.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record
from clubs.models import Club
from core.errors import refusal
from funds.services import check_amount, check_club_date
from loans.models import Loan, LoanStatus
from loans.schedules import ScheduledInstalment
from loans.services.checks import create_instalments, next_cycle, require_member, require_no_loan_in_progress
from loans.take_over import take_over_schedule
from members.models import Person

ERROR_TAKE_OVER_DISBURSED = _("The disbursement date must be before the cut-off date.")
ERROR_TAKE_OVER_NEXT_DUE = _("The next instalment must be due after the cut-off date.")


@transaction.atomic
def loan_take_over(
    *,
    actor,
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
    purpose: str = "other",
) -> Loan:
    """A loan a running club made on paper, taken into the product at its cut-off date."""
    check_amount(amount)
    check_amount(outstanding, "outstanding")
    check_club_date(club=club, day=go_live_on, field="go_live_on")
    check_club_date(club=club, day=disbursed_on, field="disbursed_on", in_closed_month_allowed=True)
    borrower = Person.objects.select_for_update().get(pk=borrower.pk)
    require_member(club=club, person=borrower, on=go_live_on, field="borrower")
    require_no_loan_in_progress(borrower)
    if disbursed_on >= go_live_on:
        raise refusal(ERROR_TAKE_OVER_DISBURSED, field="disbursed_on")
    if next_due_on <= go_live_on:
        raise refusal(ERROR_TAKE_OVER_NEXT_DUE, field="next_due_on")
    meeting_day = club.meeting_day or next_due_on.day
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
            meeting_day=meeting_day,
        )
    except ValueError as exc:
        raise refusal(exc.args[0], field="outstanding") from None
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
