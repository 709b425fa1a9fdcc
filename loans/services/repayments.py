"""Repayments: recorded (one, or a meeting's collection sheet at once) and reversed.

- A repayment is split over the schedule by loans.allocation.allocate; its principal and interest
  are written to the income-generation fund's cash book in the same transaction.
- Repayments are recorded in date order: a repayment cannot be dated before the loan's last one.
  A wrong one is reversed (the latest first); its cash entries are corrected, never deleted.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record
from clubs.models import Club
from core.dates import format_date
from core.errors import refusal
from core.once import check_version
from core.types import Actor
from funds.models import EntryType
from funds.selectors import books_version
from funds.services import check_amount, check_club_date, lock_funds, reverse_entries, write_entry
from loans.allocation import allocate
from loans.models import Allocation, Instalment, InstalmentQuerySet, Loan, LoanStatus, Repayment
from loans.selectors import income_fund, instalment_states, last_repayment_date
from loans.services.checks import locked, require_not_before, require_reason, require_status, settle

ERROR_OTHER_CLUB = _("This loan belongs to another club.")
ERROR_BEFORE_LAST_REPAYMENT = _("The loan's last repayment is dated %(date)s: a new one cannot be earlier.")
ERROR_NOT_LATEST_REPAYMENT = _("Reverse the loan's later repayments first: only the latest can be reversed.")
ERROR_ALREADY_REVERSED = _("This repayment has already been reversed.")
ERROR_REVERSAL_AFTER_RESCHEDULING = _(
    "A rescheduling has replaced the instalments this repayment paid: it can no longer be reversed."
)
ERROR_SHEET_EMPTY = _("No amount was entered: there is nothing to save.")
ERROR_SHEET_UNKNOWN_LOAN = _("This loan does not exist.")


def _require_same_club(loan: Loan, club: Club | None) -> None:
    if club is not None and loan.club_id != club.pk:
        raise refusal(ERROR_OTHER_CLUB)


@transaction.atomic
def repayment_record(
    *, actor: Actor, loan: Loan, amount: int, paid_on: datetime.date, note: str = "", club: Club | None = None
) -> Repayment:
    """Record money a borrower paid back; `club` is the club the payment was taken in, when known."""
    check_amount(amount)
    loan = locked(loan)
    _require_same_club(loan, club)
    require_status(loan, LoanStatus.DISBURSED)
    check_club_date(club=loan.club, day=paid_on, field="paid_on")
    require_not_before(paid_on, loan.disbursed_on, _("the disbursement"), "paid_on")
    last = last_repayment_date(loan)
    if last and paid_on < last:
        raise refusal(ERROR_BEFORE_LAST_REPAYMENT, field="paid_on", date=format_date(last))
    if loan.go_live_on:
        require_not_before(paid_on, loan.go_live_on, _("the take-over of the loan"), "paid_on")
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
    settle(Instalment.objects.filter(pk__in=[instalment.pk for instalment in split]))
    (fund,) = lock_funds(income_fund(loan.club))
    for entry_type, part in ((EntryType.PRINCIPAL, principal), (EntryType.INTEREST, interest)):
        if part:
            write_entry(
                actor=actor,
                fund=fund,
                entry_type=entry_type,
                amount=part,
                entry_date=paid_on,
                loan_id=loan.pk,
                repayment_id=repayment.pk,
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


def _closed_early_by(loan: Loan, repayment: Repayment) -> InstalmentQuerySet[Instalment]:
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
    actor: Actor,
    repayment: Repayment,
    reason: str,
    reversed_on: datetime.date | None = None,
    in_closed_month_allowed: bool = False,
) -> Repayment:
    """Undo a repayment recorded by mistake: its cash entries are corrected, its allocations no longer count."""
    require_reason(reason)
    reason = reason.strip()
    loan = locked(repayment.loan)
    repayment = Repayment.objects.select_for_update().get(pk=repayment.pk)
    if repayment.reversed_on is not None:
        raise refusal(ERROR_ALREADY_REVERSED)
    # A written-off loan's loss was fixed on the day of the write-off: no repayment comes back into it.
    require_status(loan, LoanStatus.DISBURSED, LoanStatus.REPAID)
    later = loan.repayments.filter(reversed_on__isnull=True).exclude(pk=repayment.pk)
    if later.filter(Q(paid_on__gt=repayment.paid_on) | Q(paid_on=repayment.paid_on, pk__gt=repayment.pk)).exists():
        raise refusal(ERROR_NOT_LATEST_REPAYMENT)
    closed_early = _closed_early_by(loan, repayment)
    # What a rescheduling replaced was rescheduled net of this repayment: undoing it would lose that principal.
    if (
        repayment.allocations.filter(instalment__cancelled_on__isnull=False)
        .exclude(instalment__in=closed_early)
        .exists()
    ):
        raise refusal(ERROR_REVERSAL_AFTER_RESCHEDULING)
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
    settle(Instalment.objects.filter(allocations__repayment=repayment))
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


# --- the meeting collection sheet ------------------------------------------------------------


@transaction.atomic
def collection_sheet_record(
    *, actor: Actor, club: Club, paid_on: datetime.date, amounts: dict[int, int], version: int | None = None
) -> list[Repayment]:
    """Record the repayments taken at a club meeting: all of them, or none.

    `amounts` maps loan ids to what each borrower paid (0: nothing). Each amount goes through
    repayment_record with `club`, so a loan of another club is refused like any other bad row.
    Every row is tried, so that the treasurer sees all the problems at once; when any is refused,
    nothing is saved and the ValidationError maps each refused loan's id to its messages.

    `version` is the version of the club's loan books the sheet was opened at
    (funds.selectors.books_version with loans): a sheet saved over a newer one (the same meeting
    saved from another phone) is refused (core.once.StaleVersion). It is checked with the sheet's
    loans and then the income-generation fund locked, in the order repayment_record locks them,
    so that the second of two sheets saved at once waits for the first and then sees it.
    """
    paying = {pk: amount for pk, amount in amounts.items() if amount}
    loans = Loan.objects.select_for_update().order_by("pk").in_bulk(list(paying))
    lock_funds(income_fund(club))
    check_version(opened_at=version, current=books_version(club=club, loans=True))
    check_club_date(club=club, day=paid_on, field="paid_on")
    if not paying:
        raise refusal(ERROR_SHEET_EMPTY)
    repayments: list[Repayment] = []
    # Keyed by the loan whose row is refused; the sheet puts each on that loan's field.
    errors: dict[int, list[str]] = {}
    for pk, amount in sorted(paying.items()):
        if pk not in loans:
            errors[pk] = [str(ERROR_SHEET_UNKNOWN_LOAN)]
            continue
        try:
            # A refused row rolls back to its own savepoint, so the other rows can still be tried.
            repayments.append(repayment_record(actor=actor, loan=loans[pk], amount=amount, paid_on=paid_on, club=club))
        except ValidationError as exc:
            errors[pk] = exc.messages
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]  # keys are loan ids, not field names
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
