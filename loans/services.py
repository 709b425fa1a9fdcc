"""Writes to the loan book: rules, applications, decisions, disbursements, repayments, write-offs,
reschedulings and loans taken over from paper.

Every service is atomic, takes the acting user and is audited; money moves through
funds.services.write_entry in the same transaction, so the loan book and the income-generation
fund's cash book always agree. The decisions behind the rules:
- A member applies while an active member of the club, and has one loan in progress at a time
  (loans run in cycles: repaid, then lent again). The cycle is 1 + the loans already closed.
- The rules in force on the approval date are copied onto the loan. A loan larger or longer
  than they allow needs an override reason.
- Repayments are split over the schedule: first the interest of instalments already overdue
  (due before the payment date), oldest first, then their principal, then the instalments
  due on or after the payment date in order, interest before principal. More than everything
  still owed is refused. Paying exactly the payoff (all the principal still owed and the
  interest due so far) closes the loan early: the later instalments' interest is not charged.
- Repayments are recorded in date order: a repayment cannot be dated before the loan's last one.
  A wrong one is reversed (the latest first); its cash entries are corrected, never deleted.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record
from clubs.models import Club
from core.dates import add_months, day_in_month
from core.money import format_vnd
from funds.models import EntryType, Fund, FundKind
from funds.services import ERROR_DATE_IN_FUTURE, check_amount, check_club_date, lock_funds, reverse_entries, write_entry
from loans.models import (
    Allocation,
    DecisionBody,
    Instalment,
    InterestMethod,
    Loan,
    LoanRules,
    LoanStatus,
    Repayment,
    RepaymentFrequency,
    Rescheduling,
)
from loans.schedules import build_schedule, first_due_date, monthly_interest
from members.models import Membership, Person

ERROR_NOT_A_MEMBER = _("%(name)s is not an active member of the club on %(date)s.")
ERROR_LOAN_IN_PROGRESS = _("%(name)s already has a loan in progress (%(status)s): it must be repaid first.")
ERROR_NO_RULES = _("The club has no loan rules in force on %(date)s: record the rules of its regulations first.")
ERROR_RULES_DATE_TAKEN = _("The club already has rules in force from %(date)s: choose another date.")
ERROR_OVER_MAX_AMOUNT = _("The amount is more than the rules allow (%(max)s).")
ERROR_OVER_MAX_TERM = _("The term is longer than the rules allow (%(max)s months).")
ERROR_OVERRIDE_REQUIRED = _("The loan goes beyond the rules in force: %(breaches)s Give the reason it is allowed.")
ERROR_WRONG_STATUS = _("The loan is “%(status)s”: this cannot be done now.")
ERROR_DATE_BEFORE = _("This date cannot be before %(what)s (%(date)s).")
ERROR_REASON_REQUIRED = _("Give the reason.")
ERROR_REFERENCE_REQUIRED = _("Give the reference of the board decision or meeting minutes.")
ERROR_OTHER_CLUB = _("This loan belongs to another club.")
ERROR_OVERPAYMENT = _("Only %(owed)s is still owed on this loan: %(amount)s is too much.")
ERROR_BEFORE_LAST_REPAYMENT = _("The loan's last repayment is dated %(date)s: a new one cannot be earlier.")
ERROR_NOT_LATEST_REPAYMENT = _("Reverse the loan's later repayments first: only the latest can be reversed.")
ERROR_ALREADY_REVERSED = _("This repayment has already been reversed.")
ERROR_REVERSAL_AFTER_RESCHEDULING = _(
    "A rescheduling has replaced the instalments this repayment paid: it can no longer be reversed."
)
ERROR_NOTHING_OWED = _("Nothing is owed on this loan any more.")
ERROR_FIRST_DUE_TOO_EARLY = _("The first due date must be after %(date)s.")
ERROR_TAKE_OVER_OUTSTANDING = _("The principal still owed must be more than 0 and at most the original amount.")
ERROR_TAKE_OVER_DISBURSED = _("The disbursement date must be before the cut-off date.")
ERROR_TAKE_OVER_NEXT_DUE = _("The next instalment must be due after the cut-off date.")
ERROR_TAKE_OVER_OVERDUE = _("Give both the number of instalments overdue and the amount overdue, or neither.")
ERROR_TAKE_OVER_OVERDUE_TOO_MUCH = _("The amount overdue is more than the principal still owed and its interest.")


def _fmt(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def _require_member(*, club: Club, person: Person, on: datetime.date, field: str) -> None:
    if not Membership.objects.active_on(on).filter(club=club, person=person).exists():
        raise ValidationError(
            {field: ValidationError(ERROR_NOT_A_MEMBER, params={"name": person.full_name, "date": _fmt(on)})}
        )


def _require_no_loan_in_progress(borrower: Person) -> None:
    in_progress = Loan.objects.in_progress().filter(borrower=borrower).order_by("pk").first()
    if in_progress is not None:
        raise ValidationError(
            {
                "borrower": ValidationError(
                    ERROR_LOAN_IN_PROGRESS,
                    params={"name": borrower.full_name, "status": in_progress.get_status_display()},
                )
            }
        )


def _next_cycle(club: Club, borrower: Person) -> int:
    """Loans run in cycles: the member's next loan in the club is 1 + the loans they have closed."""
    closed = Loan.objects.filter(club=club, borrower=borrower, status__in=[LoanStatus.REPAID, LoanStatus.WRITTEN_OFF])
    return closed.count() + 1


def _require_not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: ERROR_DATE_IN_FUTURE})


def _require_not_before(day: datetime.date, earliest: datetime.date, what, field: str) -> None:
    if day < earliest:
        raise ValidationError(
            {field: ValidationError(ERROR_DATE_BEFORE, params={"what": what, "date": _fmt(earliest)})}
        )


def _require_status(loan: Loan, *statuses: str) -> None:
    if loan.status not in statuses:
        raise ValidationError(ERROR_WRONG_STATUS, params={"status": loan.get_status_display()})


def _locked(loan: Loan) -> Loan:
    return Loan.objects.select_for_update().select_related("club", "borrower").get(pk=loan.pk)


def income_fund(club: Club) -> Fund:
    return Fund.objects.select_related("club").get(club=club, kind=FundKind.INCOME)


# --- rules --------------------------------------------------------------------------------


@transaction.atomic
def rules_record(
    *,
    actor,
    club: Club,
    effective_from: datetime.date,
    max_amount: int,
    max_term_months: int,
    monthly_rate: Decimal,
    method: str,
    frequency: str,
    grace_days: int = 0,
    regulation_reference: str = "",
) -> LoanRules:
    """A new version of the club's loan rules, in force from `effective_from` until the next one."""
    check_amount(max_amount, "max_amount")
    check_club_date(club=club, day=effective_from, field="effective_from", in_closed_month_allowed=True)
    if LoanRules.objects.filter(club=club, effective_from=effective_from).exists():
        raise ValidationError(
            {"effective_from": ValidationError(ERROR_RULES_DATE_TAKEN, params={"date": _fmt(effective_from)})}
        )
    rules = LoanRules(
        club=club,
        effective_from=effective_from,
        max_amount=max_amount,
        max_term_months=max_term_months,
        monthly_rate=monthly_rate,
        method=method,
        frequency=frequency,
        grace_days=grace_days,
        regulation_reference=regulation_reference.strip(),
        created_by=acting_user(actor),
    )
    rules.full_clean(exclude=["created_by"])  # None when a command writes
    rules.save()
    audit_record(
        actor=actor,
        action="loans.rules.recorded",
        target=rules,
        data={
            "club": club.code,
            "effective_from": effective_from.isoformat(),
            "max_amount": max_amount,
            "max_term_months": max_term_months,
            "monthly_rate": str(monthly_rate),
            "method": method,
            "frequency": frequency,
            "grace_days": grace_days,
        },
    )
    return rules


def rules_breaches(*, amount: int, term_months: int, rules: LoanRules) -> list[str]:
    """What in a loan goes beyond the rules, in words (empty when it keeps to them)."""
    breaches = []
    if amount > rules.max_amount:
        breaches.append(str(ERROR_OVER_MAX_AMOUNT % {"max": format_vnd(rules.max_amount)}))
    if term_months > rules.max_term_months:
        breaches.append(str(ERROR_OVER_MAX_TERM % {"max": rules.max_term_months}))
    return breaches


def _rules_on(club: Club, on: datetime.date, field: str) -> LoanRules:
    rules = LoanRules.objects.in_force(club, on)
    if rules is None:
        raise ValidationError({field: ValidationError(ERROR_NO_RULES, params={"date": _fmt(on)})})
    return rules


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
        raise ValidationError(
            {"override_reason": ValidationError(ERROR_OVERRIDE_REQUIRED, params={"breaches": " ".join(breaches)})}
        )


# --- the loan cycle -----------------------------------------------------------------------


@transaction.atomic
def loan_apply(
    *,
    actor,
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
    _require_member(club=club, person=borrower, on=applied_on, field="borrower")
    _require_no_loan_in_progress(borrower)
    rules = _rules_on(club, applied_on, "applied_on")
    loan = Loan(
        club=club,
        borrower=borrower,
        cycle=_next_cycle(club, borrower),
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
    _require_not_future(decided_on, "decided_on")
    _require_not_before(decided_on, loan.applied_on, _("the application"), "decided_on")
    if decision_body not in DecisionBody.values:
        raise ValidationError({"decision_body": _("Say who decided: the board or a members' meeting.")})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": ERROR_REFERENCE_REQUIRED})


@transaction.atomic
def loan_approve(
    *,
    actor,
    loan: Loan,
    decided_on: datetime.date,
    decision_body: str,
    decision_reference: str,
    override_reason: str | None = None,
) -> Loan:
    """Approve an application; the rules in force on the decision date are copied onto the loan."""
    loan = _locked(loan)
    _require_status(loan, LoanStatus.APPLIED)
    _check_decision(
        loan=loan, decided_on=decided_on, decision_body=decision_body, decision_reference=decision_reference
    )
    _require_member(club=loan.club, person=loan.borrower, on=decided_on, field="decided_on")
    rules = _rules_on(loan.club, decided_on, "decided_on")
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
    *, actor, loan: Loan, decided_on: datetime.date, decision_body: str, decision_reference: str, reason: str
) -> Loan:
    loan = _locked(loan)
    _require_status(loan, LoanStatus.APPLIED)
    _check_decision(
        loan=loan, decided_on=decided_on, decision_body=decision_body, decision_reference=decision_reference
    )
    if not reason.strip():
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
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


def _create_instalments(loan: Loan, schedule) -> list[Instalment]:
    grace = datetime.timedelta(days=loan.grace_days)
    return Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            number=part.number,
            due_on=part.due_on,
            late_after=part.due_on + grace,
            principal_due=part.principal,
            interest_due=part.interest,
        )
        for part in schedule
    )


@transaction.atomic
def loan_disburse(*, actor, loan: Loan, disbursed_on: datetime.date, first_due_on: datetime.date | None = None) -> Loan:
    """Pay the loan out of the income-generation fund and create its repayment schedule."""
    loan = _locked(loan)
    _require_status(loan, LoanStatus.APPROVED)
    _require_not_before(disbursed_on, loan.decided_on, _("the approval"), "disbursed_on")
    _require_member(club=loan.club, person=loan.borrower, on=disbursed_on, field="disbursed_on")
    # Without a meeting day, instalments fall on the day of the month of the chosen first due date,
    # or of the disbursement (31/01 → 28/02, 31/03…), not on the day a short month cut it to.
    meeting_day = loan.club.meeting_day or (first_due_on or disbursed_on).day
    first_due_on = first_due_on or first_due_date(disbursed_on=disbursed_on, meeting_day=meeting_day)
    if first_due_on <= disbursed_on:
        raise ValidationError(
            {"first_due_on": ValidationError(ERROR_FIRST_DUE_TOO_EARLY, params={"date": _fmt(disbursed_on)})}
        )
    (fund,) = lock_funds(income_fund(loan.club))
    try:
        entry = write_entry(
            actor=actor,
            fund=fund,
            entry_type=EntryType.DISBURSEMENT,
            amount=loan.amount,
            entry_date=disbursed_on,
            loan=loan,
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
    _create_instalments(loan, schedule)
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


# --- repayments ---------------------------------------------------------------------------


class InstalmentState:
    """An instalment with what has been paid on it so far (repayments not reversed)."""

    def __init__(self, instalment: Instalment, principal_paid: int, interest_paid: int):
        self.instalment = instalment
        self.principal_left = instalment.principal_due - principal_paid
        self.interest_left = instalment.interest_due - interest_paid

    @property
    def left(self) -> int:
        return self.principal_left + self.interest_left


def instalment_states(loan: Loan) -> list[InstalmentState]:
    """The loan's schedule as it stands (cancelled instalments left out), oldest first."""
    paid = {
        row["instalment"]: row
        for row in Allocation.objects.filter(instalment__loan=loan, repayment__reversed_on__isnull=True)
        .values("instalment")
        .annotate(principal=Sum("principal"), interest=Sum("interest"))
    }
    states = []
    for instalment in loan.instalments.filter(cancelled_on__isnull=True).order_by("number"):
        row = paid.get(instalment.pk, {"principal": 0, "interest": 0})
        states.append(InstalmentState(instalment, row["principal"], row["interest"]))
    return states


def payoff(states: list[InstalmentState], on: datetime.date) -> int:
    """What closes the loan on `on`: all the principal still owed and the interest due by then."""
    return sum(state.principal_left for state in states) + sum(
        state.interest_left for state in states if state.instalment.due_on <= on
    )


def allocate(states: list[InstalmentState], amount: int, paid_on: datetime.date) -> tuple[dict, bool]:
    """Split `amount` over the schedule: {instalment: [principal, interest]} and whether it closes the loan early.

    Raises ValidationError when the amount is more than everything still owed.
    """
    owed = sum(state.left for state in states)
    if owed == 0:
        raise ValidationError(ERROR_NOTHING_OWED)
    early_payoff = payoff(states, paid_on)
    closes_early = amount == early_payoff < owed
    if amount > owed:
        raise ValidationError(
            {
                "amount": ValidationError(
                    ERROR_OVERPAYMENT, params={"owed": format_vnd(owed), "amount": format_vnd(amount)}
                )
            }
        )
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


def _require_same_club(loan: Loan, club: Club | None) -> None:
    if club is not None and loan.club_id != club.pk:
        raise ValidationError(ERROR_OTHER_CLUB)


@transaction.atomic
def repayment_record(
    *, actor, loan: Loan, amount: int, paid_on: datetime.date, note: str = "", club: Club | None = None
) -> Repayment:
    """Record money a borrower paid back; `club` is the club the payment was taken in, when known."""
    check_amount(amount)
    loan = _locked(loan)
    _require_same_club(loan, club)
    _require_status(loan, LoanStatus.DISBURSED)
    check_club_date(club=loan.club, day=paid_on, field="paid_on")
    _require_not_before(paid_on, loan.disbursed_on, _("the disbursement"), "paid_on")
    last = (
        loan.repayments.filter(reversed_on__isnull=True).order_by("-paid_on").values_list("paid_on", flat=True).first()
    )
    if last and paid_on < last:
        raise ValidationError({"paid_on": ValidationError(ERROR_BEFORE_LAST_REPAYMENT, params={"date": _fmt(last)})})
    if loan.go_live_on:
        _require_not_before(paid_on, loan.go_live_on, _("the take-over of the loan"), "paid_on")
    states = instalment_states(loan)
    split, closes_early = allocate(states, amount, paid_on)
    principal = sum(parts[0] for parts in split.values())
    interest = sum(parts[1] for parts in split.values())
    repayment = Repayment.objects.create(
        loan=loan,
        paid_on=paid_on,
        amount=amount,
        principal=principal,
        interest=interest,
        note=note.strip(),
        closed_loan_early=closes_early,
        created_by=acting_user(actor),
    )
    Allocation.objects.bulk_create(
        Allocation(repayment=repayment, instalment=instalment, principal=parts[0], interest=parts[1])
        for instalment, parts in split.items()
    )
    (fund,) = lock_funds(income_fund(loan.club))
    for entry_type, part in ((EntryType.PRINCIPAL, principal), (EntryType.INTEREST, interest)):
        if part:
            write_entry(
                actor=actor,
                fund=fund,
                entry_type=entry_type,
                amount=part,
                entry_date=paid_on,
                loan=loan,
                repayment=repayment,
                description=str(loan.borrower),
            )
    if closes_early:
        loan.instalments.filter(cancelled_on__isnull=True, due_on__gt=paid_on).update(cancelled_on=paid_on)
    if all(state.left == 0 for state in states) or closes_early:
        loan.status, loan.closed_on = LoanStatus.REPAID, paid_on
        loan.save(update_fields=["status", "closed_on"])
    audit_record(
        actor=actor,
        action="loans.repayment.recorded",
        target=loan,
        data={
            "repayment": repayment.pk,
            "amount": amount,
            "principal": principal,
            "interest": interest,
            "paid_on": paid_on.isoformat(),
            "status": loan.status,
        },
    )
    return repayment


def _closed_early_by(loan: Loan, repayment: Repayment):
    """The instalments a repayment that paid the loan off early cancelled (none for any other repayment).

    A rescheduling of the same day cancels instalments on that date too; those it replaced are
    numbered before its new schedule, which is the last `term_months` instalments of the loan.
    """
    if not repayment.closed_loan_early:
        return Instalment.objects.none()
    cancelled = loan.instalments.filter(cancelled_on=repayment.paid_on, due_on__gt=repayment.paid_on)
    rescheduling = loan.reschedulings.filter(rescheduled_on=repayment.paid_on).order_by("-pk").first()
    if rescheduling is not None:
        last_number = loan.instalments.aggregate(last=Max("number"))["last"]
        cancelled = cancelled.filter(number__gt=last_number - rescheduling.term_months)
    return cancelled


@transaction.atomic
def repayment_reverse(
    *,
    actor,
    repayment: Repayment,
    reason: str,
    reversed_on: datetime.date | None = None,
    in_closed_month_allowed: bool = False,
) -> Repayment:
    """Undo a repayment recorded by mistake: its cash entries are corrected, its allocations no longer count."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
    loan = _locked(repayment.loan)
    repayment = Repayment.objects.select_for_update().get(pk=repayment.pk)
    if repayment.reversed_on is not None:
        raise ValidationError(ERROR_ALREADY_REVERSED)
    # A written-off loan's loss was fixed on the day of the write-off: no repayment comes back into it.
    _require_status(loan, LoanStatus.DISBURSED, LoanStatus.REPAID)
    later = loan.repayments.filter(reversed_on__isnull=True).exclude(pk=repayment.pk)
    if later.filter(Q(paid_on__gt=repayment.paid_on) | Q(paid_on=repayment.paid_on, pk__gt=repayment.pk)).exists():
        raise ValidationError(ERROR_NOT_LATEST_REPAYMENT)
    closed_early = _closed_early_by(loan, repayment)
    # What a rescheduling replaced was rescheduled net of this repayment: undoing it would lose that principal.
    if (
        repayment.allocations.filter(instalment__cancelled_on__isnull=False)
        .exclude(instalment__in=closed_early)
        .exists()
    ):
        raise ValidationError(ERROR_REVERSAL_AFTER_RESCHEDULING)
    reversed_on = reversed_on or timezone.localdate()
    reverse_entries(
        actor=actor,
        entries=list(repayment.entries.not_reversed().select_related("fund__club").filter(corrects__isnull=True)),
        entry_date=reversed_on,
        reason=reason,
        in_closed_month_allowed=in_closed_month_allowed,
    )
    repayment.reversed_on, repayment.reversal_reason = reversed_on, reason
    repayment.save(update_fields=["reversed_on", "reversal_reason"])
    closed_early.update(cancelled_on=None)
    if loan.status == LoanStatus.REPAID:
        loan.status, loan.closed_on = LoanStatus.DISBURSED, None
        loan.save(update_fields=["status", "closed_on"])
    audit_record(
        actor=actor,
        action="loans.repayment.reversed",
        target=loan,
        data={"repayment": repayment.pk, "amount": repayment.amount, "reason": reason, "status": loan.status},
    )
    return repayment


def _outstanding_principal(states: list[InstalmentState]) -> int:
    return sum(state.principal_left for state in states)


def _check_board_decision(*, on: datetime.date, reason: str, decision_reference: str, loan: Loan) -> None:
    _require_not_future(on, "on")
    _require_not_before(on, loan.disbursed_on, _("the disbursement"), "on")
    # What is owed is known from the repayments up to that day: a decision cannot go before them.
    last = (
        loan.repayments.filter(reversed_on__isnull=True).order_by("-paid_on").values_list("paid_on", flat=True).first()
    )
    if last:
        _require_not_before(on, last, _("the last repayment"), "on")
    if not reason.strip():
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
    if not decision_reference.strip():
        raise ValidationError({"decision_reference": ERROR_REFERENCE_REQUIRED})


@transaction.atomic
def loan_write_off(*, actor, loan: Loan, on: datetime.date, reason: str, decision_reference: str) -> Loan:
    """Give up what a borrower still owes (death, disaster…), by board decision; reported separately."""
    loan = _locked(loan)
    _require_status(loan, LoanStatus.DISBURSED)
    _check_board_decision(on=on, reason=reason, decision_reference=decision_reference, loan=loan)
    check_club_date(club=loan.club, day=on, field="on")
    states = instalment_states(loan)
    written_off = _outstanding_principal(states)
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
    actor,
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
    loan = _locked(loan)
    _require_status(loan, LoanStatus.DISBURSED)
    _check_board_decision(on=on, reason=reason, decision_reference=decision_reference, loan=loan)
    check_club_date(club=loan.club, day=on, field="on")
    if first_due_on <= on:
        raise ValidationError({"first_due_on": ValidationError(ERROR_FIRST_DUE_TOO_EARLY, params={"date": _fmt(on)})})
    states = instalment_states(loan)
    principal = _outstanding_principal(states)
    if principal == 0:
        raise ValidationError(ERROR_NOTHING_OWED)
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
    _create_instalments(loan, schedule)
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


# --- loans taken over from paper (the cut-off sheet) ---------------------------------------


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
    """A loan a running club made on paper, taken into the product at its cut-off date.

    No cash entry is written: the money left the fund before the cut-off, and the fund's
    opening balance is what it held after that.
    """
    check_amount(amount)
    check_amount(outstanding, "outstanding")
    check_club_date(club=club, day=go_live_on, field="go_live_on")
    check_club_date(club=club, day=disbursed_on, field="disbursed_on", in_closed_month_allowed=True)
    borrower = Person.objects.select_for_update().get(pk=borrower.pk)
    _require_member(club=club, person=borrower, on=go_live_on, field="borrower")
    _require_no_loan_in_progress(borrower)
    if disbursed_on >= go_live_on:
        raise ValidationError({"disbursed_on": ERROR_TAKE_OVER_DISBURSED})
    if next_due_on <= go_live_on:
        raise ValidationError({"next_due_on": ERROR_TAKE_OVER_NEXT_DUE})
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
        raise ValidationError({"outstanding": exc.args[0]}) from None
    loan = Loan(
        club=club,
        borrower=borrower,
        cycle=_next_cycle(club, borrower),
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
    grace = datetime.timedelta(days=grace_days)
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            number=number,
            due_on=due_on,
            late_after=due_on + grace,
            principal_due=principal,
            interest_due=interest,
        )
        for number, (due_on, principal, interest) in enumerate(rows, start=1)
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


# --- the meeting collection sheet ------------------------------------------------------------

ERROR_SHEET_EMPTY = _("No amount was entered: there is nothing to save.")
ERROR_SHEET_UNKNOWN_LOAN = _("This loan does not exist.")


@transaction.atomic
def collection_sheet_record(*, actor, club: Club, paid_on: datetime.date, amounts: dict[int, int]) -> list[Repayment]:
    """Record the repayments taken at a club meeting: all of them, or none.

    `amounts` maps loan ids to what each borrower paid (0: nothing). Each amount goes through
    repayment_record with `club`, so a loan of another club is refused like any other bad row.
    Every row is tried, so that the treasurer sees all the problems at once; when any is refused,
    nothing is saved and the ValidationError maps each refused loan's id to its messages.
    """
    check_club_date(club=club, day=paid_on, field="paid_on")
    paying = {pk: amount for pk, amount in amounts.items() if amount}
    if not paying:
        raise ValidationError(ERROR_SHEET_EMPTY)
    loans = Loan.objects.in_bulk(list(paying))
    repayments, errors = [], {}
    for pk, amount in sorted(paying.items()):
        if pk not in loans:
            errors[pk] = [ERROR_SHEET_UNKNOWN_LOAN]
            continue
        try:
            # A refused row rolls back to its own savepoint, so the other rows can still be tried.
            repayments.append(repayment_record(actor=actor, loan=loans[pk], amount=amount, paid_on=paid_on, club=club))
        except ValidationError as exc:
            errors[pk] = exc.messages
    if errors:
        raise ValidationError(errors)
    audit_record(
        actor=actor,
        action="loans.collection_sheet.recorded",
        target=club,
        data={
            "paid_on": paid_on.isoformat(),
            "repayments": [repayment.pk for repayment in repayments],
            "total": sum(repayment.amount for repayment in repayments),
        },
    )
    return repayments
