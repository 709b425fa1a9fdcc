"""What the loan services share: the checks they make before writing, locking a loan and writing
its instalments. The checks raise ValidationError (core.errors.refusal) on the field they are about."""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clubs.models import Club
from core.dates import format_date
from core.errors import refusal
from core.types import Text
from funds.services import ERROR_DATE_IN_FUTURE
from loans.allocation import settled_on
from loans.models import Allocation, Instalment, Loan, LoanStatus
from loans.schedules import ScheduledInstalment
from members.models import Membership, Person

ERROR_NOT_A_MEMBER = _("%(name)s is not an active member of the club on %(date)s.")
ERROR_LOAN_IN_PROGRESS = _("%(name)s already has a loan in progress (%(status)s): it must be repaid first.")
ERROR_WRONG_STATUS = _("The loan is “%(status)s”: this cannot be done now.")
ERROR_DATE_BEFORE = _("This date cannot be before %(what)s (%(date)s).")
ERROR_REASON_REQUIRED = _("Give the reason.")
ERROR_REFERENCE_REQUIRED = _("Give the reference of the board decision or meeting minutes.")
ERROR_FIRST_DUE_TOO_EARLY = _("The first due date must be after %(date)s.")


def require_member(*, club: Club, person: Person, on: datetime.date, field: str) -> None:
    if not Membership.objects.active_on(on).filter(club=club, person=person).exists():
        raise refusal(ERROR_NOT_A_MEMBER, field=field, name=person.full_name, date=format_date(on))


def check_no_loan_in_progress(*, borrower: Person, loan: Loan | None) -> None:
    """A member has one loan in progress at a time: `loan`, the borrower's first loan in progress
    (Loan.objects.in_progress), must be None. No query: the cut-off sheet's preview calls it too."""
    if loan is not None:
        status = loan.get_status_display()
        raise refusal(ERROR_LOAN_IN_PROGRESS, field="borrower", name=borrower.full_name, status=status)


def loan_in_progress(borrower: Person) -> Loan | None:
    return Loan.objects.in_progress().filter(borrower=borrower).order_by("pk").first()


def require_no_loan_in_progress(borrower: Person) -> None:
    check_no_loan_in_progress(borrower=borrower, loan=loan_in_progress(borrower))


def next_cycle(club: Club, borrower: Person) -> int:
    """Loans run in cycles: the member's next loan in the club is 1 + the loans they have closed."""
    closed = Loan.objects.filter(club=club, borrower=borrower, status__in=[LoanStatus.REPAID, LoanStatus.WRITTEN_OFF])
    return closed.count() + 1


def require_not_future(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise refusal(ERROR_DATE_IN_FUTURE, field=field)


def require_not_before(day: datetime.date, earliest: datetime.date | None, what: Text, field: str) -> None:
    """`day` is not before `earliest`, the day of an earlier step (none yet: nothing to compare)."""
    if earliest is not None and day < earliest:
        raise refusal(ERROR_DATE_BEFORE, field=field, what=what, date=format_date(earliest))


def require_first_due_after(first_due_on: datetime.date, day: datetime.date) -> None:
    """A schedule starts after the day it is made (a disbursement, a rescheduling)."""
    if first_due_on <= day:
        raise refusal(ERROR_FIRST_DUE_TOO_EARLY, field="first_due_on", date=format_date(day))


def require_status(loan: Loan, *statuses: str) -> None:
    if loan.status not in statuses:
        raise refusal(ERROR_WRONG_STATUS, status=loan.get_status_display())


def require_reason(reason: str) -> None:
    if not reason.strip():
        raise refusal(ERROR_REASON_REQUIRED, field="reason")


def require_reference(decision_reference: str) -> None:
    if not decision_reference.strip():
        raise refusal(ERROR_REFERENCE_REQUIRED, field="decision_reference")


def locked(loan: Loan) -> Loan:
    """The loan again, locked for the rest of the transaction: two writers of one loan take turns."""
    return Loan.objects.select_for_update().select_related("club", "borrower").get(pk=loan.pk)


def create_instalments(loan: Loan, schedule: Iterable[ScheduledInstalment]) -> list[Instalment]:
    """The loan's instalments, each late after the loan's grace days."""
    grace = datetime.timedelta(days=loan.grace_days)
    return Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            number=part.number,
            due_on=part.due_on,
            late_after=part.due_on + grace,
            principal_due=part.principal,
            interest_due=part.interest,
            settled_on=settled_on(due=part.principal + part.interest, due_on=part.due_on, payments=()),
        )
        for part in schedule
    )


def settle(instalments: QuerySet[Instalment]) -> None:
    """Work `instalments`' settled_on out again from their allocations of repayments not reversed
    (loans.allocation.settled_on), after a repayment was recorded or reversed: two queries, and a
    third to save those that changed."""
    rows = list(instalments.only("pk", "due_on", "principal_due", "interest_due", "settled_on"))
    payments: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    counted = Allocation.objects.filter(instalment__in=instalments.values("pk"), repayment__reversed_on__isnull=True)
    for instalment_id, day, principal, interest in counted.order_by("repayment__paid_on", "repayment_id").values_list(
        "instalment_id", "repayment__paid_on", "principal", "interest"
    ):
        payments[instalment_id].append((day, principal + interest))
    changed = []
    for row in rows:
        paid_in_full = settled_on(due=row.amount_due, due_on=row.due_on, payments=payments[row.pk])
        if paid_in_full != row.settled_on:
            row.settled_on = paid_in_full
            changed.append(row)
    Instalment.objects.bulk_update(changed, ["settled_on"], batch_size=1000)
