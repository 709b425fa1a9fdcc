"""A loan that cannot be repaid as agreed, by board decision: written off, or rescheduled.

Neither rewrites history: the unpaid instalments are cancelled on the day of the decision (what
was paid on them stays), and a rescheduling adds a new schedule for what is still owed.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record
from core.errors import refusal
from core.types import Actor
from funds.services import check_club_date
from loans.allocation import ERROR_NOTHING_OWED, outstanding_principal
from loans.models import Instalment, Loan, LoanStatus, Rescheduling
from loans.schedules import build_schedule
from loans.selectors import instalment_states, last_repayment_date
from loans.services.checks import (
    create_instalments,
    locked,
    require_first_due_after,
    require_not_before,
    require_not_future,
    require_reason,
    require_reference,
    require_status,
)


def _check_board_decision(*, on: datetime.date, reason: str, decision_reference: str, loan: Loan) -> None:
    require_not_future(on, "on")
    require_not_before(on, loan.disbursed_on, _("the disbursement"), "on")
    # What is owed is known from the repayments up to that day: a decision cannot go before them.
    last = last_repayment_date(loan)
    if last:
        require_not_before(on, last, _("the last repayment"), "on")
    require_reason(reason)
    require_reference(decision_reference)


@transaction.atomic
def loan_write_off(*, actor: Actor, loan: Loan, on: datetime.date, reason: str, decision_reference: str) -> Loan:
    """Give up what a borrower still owes (death, disaster…), by board decision; reported separately."""
    loan = locked(loan)
    require_status(loan, LoanStatus.DISBURSED)
    _check_board_decision(on=on, reason=reason, decision_reference=decision_reference, loan=loan)
    check_club_date(club=loan.club, day=on, field="on")
    states = instalment_states(loan)
    written_off = outstanding_principal(states)
    loan.instalments.filter(cancelled_on__isnull=True).filter(
        pk__in=[state.instalment.pk for state in states if state.left]
    ).update(cancelled_on=on)
    loan.status, loan.closed_on = LoanStatus.WRITTEN_OFF, on
    loan.write_off_reason, loan.write_off_reference = reason.strip(), decision_reference.strip()
    loan.written_off_amount = written_off
    loan.save(update_fields=["status", "closed_on", "write_off_reason", "write_off_reference", "written_off_amount"])
    audit_record(
        actor=actor,
        action="loans.loan.written_off",
        target=loan,
        data={
            "status": [LoanStatus.DISBURSED, LoanStatus.WRITTEN_OFF],
            "principal": written_off,
            "reason": loan.write_off_reason,
        },
    )
    return loan


@transaction.atomic
def loan_reschedule(
    *,
    actor: Actor,
    loan: Loan,
    on: datetime.date,
    term_months: int,
    first_due_on: datetime.date,
    reason: str,
    decision_reference: str,
) -> Rescheduling:
    """Spread what is still owed over a new schedule, by board decision.

    The unpaid instalments are cancelled (what was paid on them stays); the principal still owed
    gets a new schedule on the loan's rate and method, and the unpaid interest already due is
    added to the first new instalment, so nothing owed is lost.
    """
    loan = locked(loan)
    require_status(loan, LoanStatus.DISBURSED)
    _check_board_decision(on=on, reason=reason, decision_reference=decision_reference, loan=loan)
    check_club_date(club=loan.club, day=on, field="on")
    require_first_due_after(first_due_on, on)
    states = instalment_states(loan)
    principal = outstanding_principal(states)
    if principal == 0:
        raise refusal(ERROR_NOTHING_OWED)
    interest_carried = sum(state.interest_left for state in states if state.instalment.due_on <= on)
    open_states = [state for state in states if state.left]
    Instalment.objects.filter(pk__in=[state.instalment.pk for state in open_states]).update(cancelled_on=on)
    last_number = loan.instalments.order_by("-number").values_list("number", flat=True).first() or 0
    schedule = build_schedule(
        amount=principal,
        term_months=term_months,
        monthly_rate=loan.monthly_rate,
        method=loan.method,
        frequency=loan.frequency,
        first_due_on=first_due_on,
        meeting_day=loan.club.meeting_day or first_due_on.day,
        first_number=last_number + 1,
    )
    create_instalments(loan, schedule)
    if interest_carried:
        first = loan.instalments.get(number=last_number + 1)
        Instalment.objects.filter(pk=first.pk).update(interest_due=first.interest_due + interest_carried)
    rescheduling = Rescheduling.objects.create(
        loan=loan,
        rescheduled_on=on,
        term_months=term_months,
        first_due_on=first_due_on,
        principal=principal,
        interest_carried=interest_carried,
        reason=reason.strip(),
        decision_reference=decision_reference.strip(),
        created_by=acting_user(actor),
    )
    audit_record(
        actor=actor,
        action="loans.loan.rescheduled",
        target=loan,
        data={
            "on": on.isoformat(),
            "term_months": term_months,
            "principal": principal,
            "interest_carried": interest_carried,
            "cancelled_instalments": len(open_states),
        },
    )
    return rescheduling
