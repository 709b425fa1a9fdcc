"""Reads of a club's loan book: the list, one loan's page and the meeting collection sheet, and
what the services read before they write (a loan's instalments as they stand, its last repayment).

The club comes from accounts.access (already checked by the caller); a loan is only ever looked
up within it. The list and the collection sheet cost the same number of queries however many
loans the club has: every sum is a correlated subquery, never a query per loan.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    F,
    Max,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clubs.models import Club
from core.dates import month_end, month_start
from core.text import fold
from funds.models import EntryType, Fund, FundEntry, FundKind
from funds.selectors import funds_with_balance
from loans.allocation import InstalmentState, payoff
from loans.models import Allocation, Instalment, Loan, LoanStatus, Repayment, Rescheduling
from loans.portfolio import portfolio_loans
from loans.take_over import GoLiveBooks
from members.models import MeetingAttendance
from members.selectors import meeting_attendance


def loan_of_club(*, club: Club, pk: int | str) -> Loan:
    """The loan `pk` of `club` (which accounts.access has checked): 404 when it is another club's."""
    try:
        return Loan.objects.select_related("club__unit", "borrower", "rules").get(club=club, pk=pk)
    except (Loan.DoesNotExist, ValueError, TypeError):
        raise Http404("No loan found.") from None


def _sum(queryset: QuerySet[Model], expression: Combinable) -> Coalesce:
    """SUM(expression) over `queryset` (filtered on an OuterRef) as a subquery; 0 when there are no rows."""
    total = queryset.order_by().values(_one=Value(1)).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=BigIntegerField()), 0)


def _allocations(**lookups: object) -> QuerySet[Allocation]:
    return Allocation.objects.filter(repayment__reversed_on__isnull=True, **lookups)


def _live_instalments(**lookups: object) -> QuerySet[Instalment]:
    return Instalment.objects.filter(loan=OuterRef("pk"), cancelled_on__isnull=True, **lookups)


def _principal_repaid() -> Coalesce:
    return _sum(Repayment.objects.filter(loan=OuterRef("pk"), reversed_on__isnull=True), F("principal"))


def _outstanding_when_open() -> Case:
    """The principal still owed: what was lent (less what was repaid before a take-over) less the
    principal of the repayments not reversed; 0 for a loan that is not out."""
    return Case(
        When(
            status=LoanStatus.DISBURSED,
            then=F("amount") - F("repaid_before_go_live") - _principal_repaid(),
        ),
        default=Value(0),
        output_field=BigIntegerField(),
    )


def income_fund(club: Club) -> Fund:
    """The club's income-generation fund: the one its loans are paid from and repaid into."""
    return Fund.objects.select_related("club").get(club=club, kind=FundKind.INCOME)


def instalment_states(loan: Loan) -> list[InstalmentState]:
    """The loan's schedule as it stands (cancelled instalments left out), oldest first."""
    paid = {
        row["instalment"]: row
        for row in _allocations(instalment__loan=loan)
        .values("instalment")
        .annotate(principal=Sum("principal"), interest=Sum("interest"))
    }
    states = []
    for instalment in loan.instalments.filter(cancelled_on__isnull=True).order_by("number"):
        row = paid.get(instalment.pk, {"principal": 0, "interest": 0})
        states.append(InstalmentState(instalment, row["principal"], row["interest"]))
    return states


def last_repayment_date(loan: Loan) -> datetime.date | None:
    """The date of the loan's latest repayment not reversed (None before any)."""
    return (
        loan.repayments.filter(reversed_on__isnull=True).order_by("-paid_on").values_list("paid_on", flat=True).first()
    )


def go_live_books(*, clubs: Iterable[Club]) -> dict[int, GoLiveBooks]:
    """What the books of each club hold that decides whether it may still go live
    (GoLiveBooks.refusal): two queries, whatever the number of clubs — its funds' entries summed
    up per fund, and the dates its loans were taken over on."""
    clubs_by_pk = {club.pk: club for club in clubs}
    opening = Q(entries__entry_type=EntryType.OPENING)
    funds = (
        Fund.objects.filter(club__in=list(clubs_by_pk))
        .annotate(
            entry_count=Count("entries"),
            opening_count=Count("entries", filter=opening),
            opening_amount=Max("entries__amount", filter=opening),
            first_entry_on=Min("entries__entry_date"),
        )
        .values_list("club_id", "kind", "entry_count", "opening_count", "opening_amount", "first_entry_on")
    )
    first_entry_on: dict[int, datetime.date] = {}
    openings: dict[int, dict[str, tuple[int, datetime.date]]] = {pk: {} for pk in clubs_by_pk}
    other_entries: set[int] = set()
    for club_pk, kind, entry_count, opening_count, opening_amount, first_on in funds:
        if first_on is not None:
            first_entry_on[club_pk] = min(first_on, first_entry_on.get(club_pk, first_on))
        if entry_count == opening_count == 1:
            openings[club_pk][kind] = (opening_amount, first_on)
        elif entry_count:
            other_entries.add(club_pk)
    taken_over_on: dict[int, set[datetime.date]] = {pk: set() for pk in clubs_by_pk}
    taken_over = Loan.objects.filter(club__in=list(clubs_by_pk), go_live_on__isnull=False)
    for club_pk, day in taken_over.values_list("club_id", "go_live_on").order_by().distinct():
        taken_over_on[club_pk].add(day)  # type: ignore[arg-type]  # not None: go_live_on__isnull=False above
    return {
        pk: GoLiveBooks(
            club=club,
            first_entry_on=first_entry_on.get(pk),
            openings=openings[pk],
            other_entries=pk in other_entries,
            taken_over_on=frozenset(taken_over_on[pk]),
        )
        for pk, club in clubs_by_pk.items()
    }


# --- the loan book --------------------------------------------------------------------------


def loan_book(*, club: Club, status: str = "", q: str = "") -> QuerySet[Loan]:
    """The club's loans, newest application first, each with `principal_outstanding` and
    `next_due_on` (its earliest live instalment not fully paid), searched on the folded name."""
    loans = Loan.objects.filter(club=club)
    if status:
        loans = loans.filter(status=status)
    for word in fold(q).split():
        loans = loans.filter(borrower__name_folded__contains=word)
    not_fully_paid = (
        _live_instalments()
        .annotate(paid=_sum(_allocations(instalment=OuterRef("pk")), F("principal") + F("interest")))
        .filter(paid__lt=F("principal_due") + F("interest_due"))
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return (
        loans.select_related("borrower")
        .annotate(principal_outstanding=_outstanding_when_open(), next_due_on=Subquery(not_fully_paid))
        .order_by("-applied_on", "-pk")
    )


@dataclasses.dataclass(frozen=True)
class BookTotals:
    loans_outstanding: int
    principal_outstanding: int


def loan_book_totals(*, club: Club) -> BookTotals:
    """How many loans are out and the principal they still owe (one query)."""
    totals = (
        Loan.objects.filter(club=club, status=LoanStatus.DISBURSED)
        .annotate(outstanding=_outstanding_when_open())
        .aggregate(loans=Coalesce(Sum(Value(1)), 0), principal=Coalesce(Sum("outstanding"), 0))
    )
    return BookTotals(loans_outstanding=totals["loans"], principal_outstanding=totals["principal"])


# --- one loan ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ScheduleRow:
    instalment: Instalment
    paid: int
    left: int
    late: bool
    cancelled_because: str


@dataclasses.dataclass(frozen=True)
class LoanPage:
    schedule: list[ScheduleRow]
    repayments: list[Repayment]
    reversible: Repayment | None  # the latest repayment not reversed: the only one that can be
    reschedulings: list[Rescheduling]
    entries: list[FundEntry]
    principal_outstanding: int
    due_today: int  # unpaid on the live instalments due by today
    late_amount: int  # of which past their grace period
    payoff_today: int  # what closes the loan today


def _cancel_reason(
    day: datetime.date, loan: Loan, rescheduled_on: set[datetime.date], paid_off_on: set[datetime.date]
) -> str:
    """Why an instalment cancelled on `day` is no longer owed."""
    params = {"date": date_format(day, "SHORT_DATE_FORMAT")}
    if day in rescheduled_on:
        return _("replaced by the rescheduling of %(date)s") % params
    if loan.status == LoanStatus.WRITTEN_OFF and day == loan.closed_on:
        return _("written off on %(date)s") % params
    if day in paid_off_on:
        return _("not owed: the loan was paid off early on %(date)s") % params
    return _("cancelled on %(date)s") % params


def loan_page(*, loan: Loan, on: datetime.date) -> LoanPage:
    """Everything the loan's page shows, as of `on` (today): the schedule with what each
    instalment has been paid, the repayments, reschedulings and cash-book entries."""
    instalments = loan.instalments.annotate(
        principal_paid=_sum(_allocations(instalment=OuterRef("pk")), F("principal")),
        interest_paid=_sum(_allocations(instalment=OuterRef("pk")), F("interest")),
    ).order_by("number")
    repayments = list(loan.repayments.select_related("created_by").order_by("paid_on", "pk"))
    reschedulings = list(loan.reschedulings.select_related("created_by").order_by("rescheduled_on", "pk"))
    rescheduled_on = {rescheduling.rescheduled_on for rescheduling in reschedulings}
    paid_off_on = {
        repayment.paid_on for repayment in repayments if repayment.closed_loan_early and repayment.reversed_on is None
    }
    schedule, live = [], []
    for instalment in instalments:
        paid = instalment.principal_paid + instalment.interest_paid
        left = instalment.amount_due - paid
        cancelled_on = instalment.cancelled_on
        cancelled = cancelled_on is not None
        if not cancelled:
            live.append(InstalmentState(instalment, instalment.principal_paid, instalment.interest_paid))
        schedule.append(
            ScheduleRow(
                instalment=instalment,
                paid=paid,
                left=0 if cancelled else left,
                late=not cancelled and left > 0 and instalment.late_after < on,
                cancelled_because=_cancel_reason(cancelled_on, loan, rescheduled_on, paid_off_on)
                if cancelled_on
                else "",
            )
        )
    not_reversed = [repayment for repayment in repayments if repayment.reversed_on is None]
    is_open = loan.status == LoanStatus.DISBURSED
    return LoanPage(
        schedule=schedule,
        repayments=repayments,
        reversible=not_reversed[-1] if not_reversed else None,
        reschedulings=reschedulings,
        entries=list(loan.entries.select_related("fund", "created_by").order_by("entry_date", "pk")),
        principal_outstanding=sum(state.principal_left for state in live) if is_open else 0,
        due_today=sum(row.left for row in schedule if row.instalment.due_on <= on),
        late_amount=sum(row.left for row in schedule if row.late),
        payoff_today=payoff(live, on) if is_open else 0,
    )


# --- the meeting collection sheet -------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SheetRow:
    loan: Loan
    due: int  # unpaid on its live instalments due on or before the meeting, arrears included
    arrears: int  # of which instalments due at earlier meetings
    paid_this_month: int  # repayments (not reversed) already recorded in the meeting's month
    principal_outstanding: int

    @property
    def prefill(self) -> int:
        """The amount offered at the meeting: what is due, unless something was already recorded
        this month (so that saving the sheet twice does not take the money twice)."""
        return 0 if self.paid_this_month else self.due


def collection_sheet(*, club: Club, meeting_on: datetime.date) -> list[SheetRow]:
    """Every loan of the club that is open (its repayments can be recorded) and was out on the
    day of the meeting (Loan.objects.out_on), with what is due at the meeting of `meeting_on`.
    One query, whatever the number of loans."""

    def unpaid(**due_lookups: datetime.date) -> CombinedExpression:
        owed = _sum(_live_instalments(**due_lookups), F("principal_due") + F("interest_due"))
        paid = _sum(
            _allocations(
                instalment__loan=OuterRef("pk"),
                instalment__cancelled_on__isnull=True,
                **{f"instalment__{key}": value for key, value in due_lookups.items()},
            ),
            F("principal") + F("interest"),
        )
        return owed - paid

    paid_this_month = _sum(
        Repayment.objects.filter(
            loan=OuterRef("pk"),
            reversed_on__isnull=True,
            paid_on__gte=month_start(meeting_on),
            paid_on__lte=month_end(meeting_on),
        ),
        F("amount"),
    )
    loans = (
        Loan.objects.out_on(meeting_on)
        .filter(club=club, status=LoanStatus.DISBURSED)
        .select_related("borrower")
        .annotate(
            due=unpaid(due_on__lte=meeting_on),
            arrears=unpaid(due_on__lt=meeting_on),
            paid_this_month=paid_this_month,
            outstanding=_outstanding_when_open(),
        )
        .order_by("borrower__sort_key", "pk")
    )
    return [
        SheetRow(
            loan=loan,
            due=loan.due,
            arrears=loan.arrears,
            paid_this_month=loan.paid_this_month,
            principal_outstanding=loan.outstanding,
        )
        for loan in loans
    ]


def collection_paid_on(*, meeting_on: datetime.date, today: datetime.date) -> datetime.date:
    """The date the collection sheet of the meeting of `meeting_on` gives its payments: the
    meeting's, once that day has come; before it, today (a meeting held early), and never a day
    before the meeting's month (the sheet of a month to come offers its first day, which the
    service refuses as a date in the future until then).

    A read rather than a default of services.collection_sheet_record: the sheet shows this date
    before anything is recorded and the treasurer may change it, so the service records the date
    it is given."""
    if meeting_on <= today:
        return meeting_on
    return max(today, month_start(meeting_on))


# --- after the meeting: its summary ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MeetingFund:
    fund: Fund
    opening: int  # at the end of the day before
    closing: int  # at the end of the meeting's day


@dataclasses.dataclass(frozen=True)
class MeetingSummary:
    """What a club's books recorded on the day of a meeting (entries and repayments reversed
    since are left out)."""

    on: datetime.date
    contributions: list[FundEntry]
    repayments: list[Repayment]
    loans: list[Loan]  # paid out that day
    funds: list[MeetingFund]
    # Who was present, one row per member on the sheet; empty when the club recorded none that day.
    attendance: list[MeetingAttendance]

    @property
    def present(self) -> list[MeetingAttendance]:
        return [row for row in self.attendance if row.present]

    @property
    def rows_listed(self) -> int:
        """The rows of the printed summary that list people (those present, contributions,
        repayments, new loans): what the audit entry of its print counts."""
        return len(self.present) + len(self.contributions) + len(self.repayments) + len(self.loans)

    @property
    def contributed(self) -> int:
        return sum(entry.amount for entry in self.contributions)

    @property
    def repaid(self) -> int:
        return sum(repayment.amount for repayment in self.repayments)

    @property
    def lent(self) -> int:
        return sum(loan.amount for loan in self.loans)


def meeting_summary(*, club: Club, on: datetime.date) -> MeetingSummary:
    """The summary of the club's meeting of `on`: six queries, whatever the number of members,
    entries and loans."""
    order = FundKind.values
    closing = {fund.pk: fund for fund in funds_with_balance(club.funds.all(), on)}
    opening = {fund.pk: fund.balance_on for fund in funds_with_balance(club.funds.all(), on - datetime.timedelta(1))}
    return MeetingSummary(
        on=on,
        contributions=list(
            FundEntry.objects.not_reversed()
            .filter(fund__club=club, entry_type=EntryType.CONTRIBUTION, entry_date=on)
            .select_related("fund")
            .order_by("fund__kind", "contributor", "pk")
        ),
        repayments=list(
            Repayment.objects.filter(loan__club=club, paid_on=on, reversed_on__isnull=True)
            .select_related("loan__borrower")
            .order_by("loan__borrower__sort_key", "pk")
        ),
        loans=list(Loan.objects.filter(club=club, disbursed_on=on).select_related("borrower").order_by("pk")),
        funds=sorted(
            (MeetingFund(fund, opening[pk], fund.balance_on) for pk, fund in closing.items()),
            key=lambda row: order.index(row.fund.kind),
        ),
        attendance=meeting_attendance(club=club, on=on),
    )


@dataclasses.dataclass(frozen=True)
class MonthLending:
    """A club's lending in one month, for the income-generation section of its monthly report."""

    month: datetime.date
    on: datetime.date  # the month's last day, or today for the current month
    loans_disbursed: int
    amount_disbursed: int
    amount_repaid: int  # principal and interest of the repayments made in the month (not reversed)
    borrowers: int  # members with a loan out at `on`
    loans_in_arrears: int  # of those loans, the ones with a late instalment at `on`


def _month_of(field: str) -> Cast:
    """The first day of the month of a date column, as a date: comparing it with another date
    column (a monthly report's month) is an equality the database can hash-join on."""
    return Cast(TruncMonth(field), DateField())


def loans_disbursed_in(*, club: Club | OuterRef, month: datetime.date | OuterRef) -> QuerySet[Loan]:
    """The loans `club` disbursed through its loan book in the month starting `month`; both may be
    OuterRefs (a report's club and month). Loans taken over from the paper books at a cut-off are
    left out: they were lent before the club kept its books here."""
    return Loan.objects.alias(disbursed_month=_month_of("disbursed_on")).filter(
        # django-stubs checks a lookup given a union as if it were a value, never an expression.
        club=club,  # type: ignore[misc]
        disbursed_month=month,
        go_live_on__isnull=True,
    )


def repayments_in(*, club: Club | OuterRef, month: datetime.date | OuterRef) -> QuerySet[Repayment]:
    """The repayments on `club`'s loans paid in the month starting `month` and not reversed; both
    may be OuterRefs (a report's club and month)."""
    return Repayment.objects.alias(paid_month=_month_of("paid_on")).filter(
        # django-stubs checks a lookup given a union as if it were a value, never an expression.
        loan__club=club,  # type: ignore[misc]
        paid_month=month,
        reversed_on__isnull=True,
    )


def month_lending(*, club: Club, month: datetime.date, today: datetime.date) -> MonthLending:
    """Three queries, whatever the number of loans (the monthly report does not type these again)."""
    start, end = month_start(month), month_end(month)
    on = min(end, today)
    disbursed = loans_disbursed_in(club=club, month=start).aggregate(
        count=Count("pk"), amount=Coalesce(Sum("amount"), 0)
    )
    repaid = repayments_in(club=club, month=start).aggregate(amount=Coalesce(Sum("amount"), 0))
    out = portfolio_loans(clubs=Club.objects.filter(pk=club.pk), on=on).aggregate(
        borrowers=Count("borrower", distinct=True), late=Count("pk", filter=Q(oldest_late_due__isnull=False))
    )
    return MonthLending(
        month=start,
        on=on,
        loans_disbursed=disbursed["count"],
        amount_disbursed=disbursed["amount"],
        amount_repaid=repaid["amount"],
        borrowers=out["borrowers"],
        loans_in_arrears=out["late"],
    )
