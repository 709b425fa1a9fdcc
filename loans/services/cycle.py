"""A loan's cycle: the application, the decision (approval or rejection) and the disbursement.

- A member applies while an active member of the club, and has one loan in progress at a time
  (loans run in cycles: repaid, then lent again). The cycle is 1 + the loans already closed.
- The rules in force on the approval date are copied onto the loan. A loan larger or longer
  than they allow needs an override reason.
- The disbursement pays the loan out of the income-generation fund (funds.services.write_entry,
  in the same transaction) and writes its schedule.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record
from clubs.models import Club
from core.errors import refusal
from core.types import Actor
from funds.models import EntryType
from funds.services import check_amount, check_club_date, lock_funds, write_entry
from loans.models import DecisionBody, Loan, LoanRules, LoanStatus
from loans.schedules import build_schedule, first_due_date
from loans.selectors import income_fund
from loans.services.checks import (
    create_instalments,
    locked,
    next_cycle,
    require_first_due_after,
    require_member,
    require_no_loan_in_progress,
    require_not_before,
    require_not_future,
    require_reason,
    require_reference,
    require_status,
)
from loans.services.rules import rules_breaches, rules_on
from members.models import Person

ERROR_OVERRIDE_REQUIRED = _("The loan goes beyond the rules in force: %(breaches)s Give the reason it is allowed.")
ERROR_DECISION_BODY = _("Say who decided: the board or a members' meeting.")


def _copy_terms(loan: Loan, rules: LoanRules) -> None:
    loan.rules = rules
    loan.monthly_rate, loan.method, loan.frequency, loan.grace_days = (
        rules.monthly_rate,
        rules.method,
        rules.frequency,
        rules.grace_days,
    )


def _check_override(loan: Loan, rules: LoanRules) -> None:
    breaches = rules_breaches(amount=loan.amount, term_months=loan.term_months, rules=rules)
    if breaches and not loan.override_reason.strip():
        raise refusal(ERROR_OVERRIDE_REQUIRED, field="override_reason", breaches=" ".join(breaches))


@transaction.atomic
def loan_apply(
    *,
    actor: Actor,
    club: Club,
    borrower: Person,
    amount: int,
    term_months: int,
    purpose: str,
    applied_on: datetime.date,
    purpose_note: str = "",
    guarantor: str = "",
    override_reason: str = "",
) -> Loan:
    check_amount(amount)
    check_club_date(club=club, day=applied_on, field="applied_on", in_closed_month_allowed=True)
    # Lock the borrower so that two applications at once cannot both pass the one-loan check.
    borrower = Person.objects.select_for_update().get(pk=borrower.pk)
    require_member(club=club, person=borrower, on=applied_on, field="borrower")
    require_no_loan_in_progress(borrower)
    rules = rules_on(club, applied_on, "applied_on")
    loan = Loan(
        club=club,
        borrower=borrower,
        cycle=next_cycle(club, borrower),
        amount=amount,
        term_months=term_months,
        purpose=purpose,
        purpose_note=purpose_note.strip(),
        guarantor=guarantor.strip(),
        override_reason=override_reason.strip(),
        applied_on=applied_on,
        created_by=acting_user(actor),
    )
    _copy_terms(loan, rules)
    loan.full_clean(exclude=["created_by"])
    loan.save()
    audit_record(
        actor=actor,
        action="loans.loan.applied",
        target=loan,
        data={"club": club.code, "amount": amount, "term_months": term_months, "applied_on": applied_on.isoformat()},
    )
    return loan


def _check_decision(*, loan: Loan, decided_on: datetime.date, decision_body: str, decision_reference: str) -> None:
    require_not_future(decided_on, "decided_on")
    require_not_before(decided_on, loan.applied_on, _("the application"), "decided_on")
    if decision_body not in DecisionBody.values:
        raise refusal(ERROR_DECISION_BODY, field="decision_body")
    require_reference(decision_reference)


@transaction.atomic
def loan_approve(
    *,
    actor: Actor,
    loan: Loan,
    decided_on: datetime.date,
    decision_body: str,
    decision_reference: str,
    override_reason: str | None = None,
) -> Loan:
    """Approve an application; the rules in force on the decision date are copied onto the loan."""
    loan = locked(loan)
    require_status(loan, LoanStatus.APPLIED)
    _check_decision(
        loan=loan, decided_on=decided_on, decision_body=decision_body, decision_reference=decision_reference
    )
    require_member(club=loan.club, person=loan.borrower, on=decided_on, field="decided_on")
    rules = rules_on(loan.club, decided_on, "decided_on")
    if override_reason is not None:
        loan.override_reason = override_reason.strip()
    _copy_terms(loan, rules)
    _check_override(loan, rules)
    loan.status = LoanStatus.APPROVED
    loan.decided_on, loan.decision_body, loan.decision_reference = decided_on, decision_body, decision_reference.strip()
    loan.full_clean(exclude=["created_by"])
    loan.save()
    audit_record(
        actor=actor,
        action="loans.loan.approved",
        target=loan,
        data={
            "status": [LoanStatus.APPLIED, LoanStatus.APPROVED],
            "decided_on": decided_on.isoformat(),
            "decision_reference": loan.decision_reference,
            "override_reason": loan.override_reason,
        },
    )
    return loan


@transaction.atomic
def loan_reject(
    *, actor: Actor, loan: Loan, decided_on: datetime.date, decision_body: str, decision_reference: str, reason: str
) -> Loan:
    loan = locked(loan)
    require_status(loan, LoanStatus.APPLIED)
    _check_decision(
        loan=loan, decided_on=decided_on, decision_body=decision_body, decision_reference=decision_reference
    )
    require_reason(reason)
    loan.status = LoanStatus.REJECTED
    loan.decided_on, loan.decision_body, loan.decision_reference = decided_on, decision_body, decision_reference.strip()
    loan.rejection_reason = reason.strip()
    loan.save()
    audit_record(
        actor=actor,
        action="loans.loan.rejected",
        target=loan,
        data={"status": [LoanStatus.APPLIED, LoanStatus.REJECTED], "reason": loan.rejection_reason},
    )
    return loan


@transaction.atomic
def loan_disburse(
    *, actor: Actor, loan: Loan, disbursed_on: datetime.date, first_due_on: datetime.date | None = None
) -> Loan:
    """Pay the loan out of the income-generation fund and create its repayment schedule."""
    loan = locked(loan)
    require_status(loan, LoanStatus.APPROVED)
    require_not_before(disbursed_on, loan.decided_on, _("the approval"), "disbursed_on")
    require_member(club=loan.club, person=loan.borrower, on=disbursed_on, field="disbursed_on")
    # Without a meeting day, instalments fall on the day of the month of the chosen first due date,
    # or of the disbursement (31/01 → 28/02, 31/03…), not on the day a short month cut it to.
    meeting_day = loan.club.meeting_day or (first_due_on or disbursed_on).day
    first_due_on = first_due_on or first_due_date(disbursed_on=disbursed_on, meeting_day=meeting_day)
    require_first_due_after(first_due_on, disbursed_on)
    (fund,) = lock_funds(income_fund(loan.club))
    try:
        entry = write_entry(
            actor=actor,
            fund=fund,
            entry_type=EntryType.DISBURSEMENT,
            amount=loan.amount,
            entry_date=disbursed_on,
            loan_id=loan.pk,
            description=str(loan.borrower),
        )
    except ValidationError as exc:
        # The fund's messages speak of the entry's date; on this form it is the disbursement date.
        raise ValidationError({"disbursed_on": exc.messages}) from None
    schedule = build_schedule(
        amount=loan.amount,
        term_months=loan.term_months,
        monthly_rate=loan.monthly_rate,
        method=loan.method,
        frequency=loan.frequency,
        first_due_on=first_due_on,
        meeting_day=meeting_day,
    )
    create_instalments(loan, schedule)
    loan.status, loan.disbursed_on = LoanStatus.DISBURSED, disbursed_on
    loan.save(update_fields=["status", "disbursed_on"])
    audit_record(
        actor=actor,
        action="loans.loan.disbursed",
        target=loan,
        data={
            "status": [LoanStatus.APPROVED, LoanStatus.DISBURSED],
            "disbursed_on": disbursed_on.isoformat(),
            "entry": entry.pk,
            "instalments": len(schedule),
        },
    )
    return loan
