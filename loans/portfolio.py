"""Portfolio quality: how much is lent out, how much of it is at risk and how well it is repaid.

Everything is as of a date `on` (and, for the repayment rate and members borrowing, a period whose
two end days are included, counted up to `on`), over clubs already scoped by accounts.access:

- A loan is in the portfolio on `on` when it is out that day (Loan.objects.out_on: disbursed by
  then — a loan taken over from paper: and taken over by then — and not closed, repaid or written
  off, on or before `on`). Its outstanding principal is the amount, less the principal repaid
  before a take-over, less the principal of the repayments paid by `on` that were not reversed.
- An instalment still part of the schedule on `on` (Instalment.objects.live_on) is unpaid by
  what is due on it less what repayments paid by `on` put on it; it is late (past due) when
  something is unpaid after its due date (due_on < on). A loan is as many days overdue (days
  past due) as its oldest late instalment: on − its due date. Its amount overdue is what is
  unpaid on its late ones. This is how CGAP and the MIX Market count days past due (Mifos and
  Fineract likewise): from the contractual due date. The grace days of the club's rules
  (Instalment.late_after) are a tolerance before the board chases a payment (the loan's page
  marks an instalment late only after them); they never reset or hide the days past due.
- PAR30, as CGAP and the MIX Market define it: the whole outstanding principal (past-due and
  future instalments, no interest) of every loan more than 30 days overdue, plus every loan
  rescheduled on or before `on` that is still out, over all the outstanding principal (the gross
  loan portfolio). A rescheduled loan's days overdue count on its new schedule (the instalments
  the rescheduling replaced are cancelled), but however current it is, it stays at risk until it
  is repaid: leaving it out makes PAR look better than it is. PAR30 without the rescheduled loans
  (par30_overdue) is shown beside it. A written-off loan leaves both the numerator and the
  denominator on the day of the write-off. Rescheduled and written-off loans are listed apart.
- Repayment (collection) rate, as CGAP and the MIX Market define it: what was received by `on`
  for the instalments due in the period ÷ what was due on them. A figure as of `on` uses only what
  was known on `on`, so it never changes afterwards: the instalments due in the period up to `on`
  (of loans taken over by then), the repayments paid by `on`. Instalments cancelled before their
  due date (the loan paid off early, or rescheduled) were not due. A rescheduling replaces the
  unpaid part of the instalments it cancels with the new schedule's instalments, which carry the
  same principal: that part is due once, on the new dates, so an instalment the rescheduling
  replaced counts as due only for what was paid on it.
- Members borrowing (had_a_loan_out), over the club's members active on `on`, counted two ways,
  each named for what it counts: members with a loan of the club out on `on`, and members who had
  one out on at least one day of the period (up to `on`). The second is the targets report's
  "members borrowing" (targets.selectors), there over the plan's window of months: the province's
  target of members getting loans (Decision 1336) is about who borrows over a while, not on one
  day, and a loan disbursed before the period and still being repaid in it counts.

Sums are made in the database: per loan and per instalment by correlated subqueries, per club
by grouped queries (core.queries.grouped); districts and the total add the clubs' sums up.
The number of queries is fixed whatever the number of clubs and loans. Day arithmetic (on − 30,
on − 90) is done in Python and only dates are compared in SQL, the same on SQLite and PostgreSQL.

PAR30 has a second form for the reports over thousands of clubs, at_risk_by_club, beside
portfolio_report's; tests/loans/test_portfolio_forms.py checks on random loan books that both give
the same loans and figures. Every query stays linear in the loans: a condition on other rows is
an EXISTS in a WHERE (a semi- or anti-join) or correlated on an index, never an IN (subquery) in
a FILTER or under an OR, which PostgreSQL scans again for every row once the subquery outgrows
its work memory (bench/portfolio_plans.py shows the plans).
"""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db import models
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
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
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from areas.models import UNDER_PROVINCE_DEPTH, AdminScheme, AdminUnit
from clubs.models import Club, ClubQuerySet, MapGrouping
from core.dates import add_months, day_in_month
from core.queries import grouped
from core.shares import share
from core.types import Text
from loans.models import Allocation, Instalment, Loan, LoanStatus, Repayment, Rescheduling
from members.models import Membership

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAR_DAYS = 30


class Bucket(models.TextChoices):
    """How long a loan has been overdue."""

    DAYS_1_30 = "1-30", _("1–30 days")
    DAYS_31_90 = "31-90", _("31–90 days")
    OVER_90 = "over-90", _("over 90 days")

    @classmethod
    def of(cls, days: int) -> "Bucket":
        if days > 90:
            return cls.OVER_90
        if days > 30:
            return cls.DAYS_31_90
        return cls.DAYS_1_30

    def condition(self, on: datetime.date, field: str = "oldest_late_due") -> Q:
        """The loans (annotated with the due date of their oldest late instalment) in this bucket
        on `on`: days overdue = on − that date, compared as dates."""
        day_30, day_90 = days_before(on, 30), days_before(on, 90)
        if self == Bucket.DAYS_1_30:
            return Q(**{f"{field}__gte": day_30})
        if self == Bucket.DAYS_31_90:
            return Q(**{f"{field}__lt": day_30, f"{field}__gte": day_90})
        return Q(**{f"{field}__lt": day_90})


def days_before(on: datetime.date, days: int) -> datetime.date:
    return on - datetime.timedelta(days=days)


@dataclasses.dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def last_12_months(cls, end: datetime.date) -> "Period":
        """The twelve months up to `end`: 16/03/2024–15/03/2025 for 15/03/2025."""
        return cls.months_up_to(end, 12)

    @classmethod
    def months_up_to(cls, end: datetime.date, months: int) -> "Period":
        """`months` months up to `end`: 16/09/2024–15/03/2025 for 6 months up to 15/03/2025."""
        before = day_in_month(add_months(end, -months), end.day)
        return cls(start=before + datetime.timedelta(days=1), end=end)


# --- figures --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BucketFigure:
    bucket: Bucket
    loans: int
    outstanding: int
    overdue: int

    @property
    def label(self) -> Text:
        return self.bucket.label


@dataclasses.dataclass(frozen=True)
class PortfolioFigures:
    """The portfolio of one club or of a group of clubs on a date, and the repayments of a period."""

    loans: int
    outstanding: int  # principal
    overdue: int  # principal and interest unpaid on late instalments
    par30: int  # outstanding principal of the loans more than 30 days overdue or rescheduled
    par30_overdue: int  # of the loans more than 30 days overdue only (PAR30 without the rescheduled loans)
    buckets: tuple[BucketFigure, ...]
    due: int  # principal and interest due on the instalments due in the period, up to the as-of day
    received: int  # of it, received by the as-of day
    members: int  # active on the date
    borrowing: int  # of them, with a loan out on the date
    borrowing_in_period: int  # of them, with a loan out at some time in the period (up to the date)

    @property
    def par30_share(self) -> Decimal | None:
        return share(self.par30, self.outstanding)

    @property
    def par30_overdue_share(self) -> Decimal | None:
        return share(self.par30_overdue, self.outstanding)

    @property
    def repayment_rate(self) -> Decimal | None:
        return share(self.received, self.due)

    @property
    def borrowing_share(self) -> Decimal | None:
        return share(self.borrowing, self.members)

    @property
    def borrowing_in_period_share(self) -> Decimal | None:
        return share(self.borrowing_in_period, self.members)

    @property
    def late_loans(self) -> int:
        return sum(bucket.loans for bucket in self.buckets)


@dataclasses.dataclass(frozen=True)
class ClubPortfolio:
    club: Club
    on: datetime.date
    period: Period
    figures: PortfolioFigures


@dataclasses.dataclass(frozen=True)
class PortfolioRollup:
    """The clubs of an area (of the whole scope when `unit` is None)."""

    unit: AdminUnit | None
    clubs: int
    figures: PortfolioFigures


@dataclasses.dataclass(frozen=True)
class PortfolioReport:
    on: datetime.date
    scheme: AdminScheme | None  # the map its districts are of (clubs.models.MapGrouping)
    period: Period
    total: PortfolioRollup
    districts: list[PortfolioRollup]  # areas right under the province, in the order of the map
    clubs: list[ClubPortfolio]  # highest PAR30 first
    written_off: list[Loan]  # written off in the period
    rescheduled: list[Rescheduling]  # rescheduled in the period


class PortfolioLoanFields(TypedDict):
    """What portfolio_loans annotates on each loan."""

    principal_outstanding: int
    oldest_late_due: datetime.date | None  # None when nothing is late
    amount_overdue: int


if TYPE_CHECKING:
    PortfolioLoan: TypeAlias = WithAnnotations[Loan, PortfolioLoanFields]


@dataclasses.dataclass(frozen=True)
class OverdueLoan:
    loan: "PortfolioLoan"
    on: datetime.date

    @property
    def days_overdue(self) -> int:
        late_since = self.loan.oldest_late_due  # set on every loan overdue_loans keeps
        return 0 if late_since is None else (self.on - late_since).days

    @property
    def bucket(self) -> "Bucket":
        return Bucket.of(self.days_overdue)


# --- expressions ----------------------------------------------------------------------------


def _subquery_sum(rows: QuerySet[Model], expression: Combinable) -> Coalesce:
    """SUM(expression) over `rows` (filtered on an OuterRef) as a correlated subquery; 0 without rows."""
    total = rows.order_by().values(_one=Value(1)).annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=BigIntegerField()), 0)


def _counted_allocations(**lookups: object) -> QuerySet[Allocation]:
    """Allocations of repayments that were not reversed (a reversal means it never happened)."""
    return Allocation.objects.filter(repayment__reversed_on__isnull=True, **lookups)


def _counted_repayments(on: datetime.date, **lookups: object) -> QuerySet[Repayment]:
    """Repayments paid by `on` and not reversed. A repayment's `principal` is what its allocations
    put on principal (loans.services.repayments): reading it spares joining the allocations."""
    return Repayment.objects.filter(reversed_on__isnull=True, paid_on__lte=on, **lookups)


def _outstanding(on: datetime.date) -> CombinedExpression:
    """The loan's (outer row) principal still owed on `on`."""
    repaid = _subquery_sum(_counted_repayments(on, loan=OuterRef("pk")), F("principal"))
    return F("amount") - F("repaid_before_go_live") - repaid


def _late_instalments(on: datetime.date) -> QuerySet[Instalment]:
    """The loan's (outer row) instalments late (past due) on `on`: due before it and not paid in
    full by then (Instalment.settled_on, kept by the repayment services), each with `unpaid`,
    what is still owed on it on `on` (worked out only where it is asked for)."""
    paid = _subquery_sum(
        _counted_allocations(instalment=OuterRef("pk"), repayment__paid_on__lte=on), F("principal") + F("interest")
    )
    return (
        Instalment.objects.live_on(on)
        .filter(loan=OuterRef("pk"), due_on__lt=on)
        .filter(Q(settled_on__isnull=True) | Q(settled_on__gt=on))
        .alias(unpaid=F("principal_due") + F("interest_due") - paid)
    )


def portfolio_loans(*, clubs: ClubQuerySet[Club], on: datetime.date) -> "QuerySet[PortfolioLoan]":
    """The loans of `clubs` in the portfolio on `on`, each with `principal_outstanding`,
    `oldest_late_due` (the due date of its oldest late instalment, None when nothing is late) and
    `amount_overdue`."""
    late = _late_instalments(on)
    return (
        Loan.objects.out_on(on)
        .filter(club__in=clubs)
        .annotate(
            principal_outstanding=_outstanding(on),
            oldest_late_due=Subquery(late.order_by("due_on").values("due_on")[:1]),
            amount_overdue=_subquery_sum(late, F("unpaid")),
        )
        .order_by()
    )


NOT_LATE = ""


def _bucket(on: datetime.date) -> Coalesce:
    """The loan's bucket on `on`, NOT_LATE when nothing is late.

    Taken from its oldest late instalment in one subquery of its own: a CASE over the
    oldest_late_due annotation would repeat that subquery in the SQL for each branch.
    """
    day_30, day_90 = days_before(on, 30), days_before(on, 90)
    bucket_of_instalment = Case(
        When(due_on__lt=day_90, then=Value(Bucket.OVER_90.value)),
        When(due_on__lt=day_30, then=Value(Bucket.DAYS_31_90.value)),
        default=Value(Bucket.DAYS_1_30.value),
        output_field=CharField(),
    )
    oldest = _late_instalments(on).order_by("due_on").annotate(bucket=bucket_of_instalment).values("bucket")[:1]
    return Coalesce(Subquery(oldest, output_field=CharField()), Value(NOT_LATE))


def _rescheduled(on: datetime.date) -> Exists:
    """The loan (outer row) was rescheduled on or before `on`: at risk (PAR30) for as long as it
    is out, however current its new schedule is."""
    return Exists(Rescheduling.objects.filter(loan=OuterRef("pk"), rescheduled_on__lte=on))


LOAN_AGGREGATES = {
    "loans": Count("pk"),
    "outstanding": Coalesce(Sum("principal_outstanding"), 0),
    "overdue": Coalesce(Sum("amount_overdue"), 0),
}

# One group's loans (see _loans_by_bucket): {(bucket, rescheduled): its row of LOAN_AGGREGATES}.
BucketRows: TypeAlias = dict[tuple[str, bool], dict[str, Any]]
# What a report groups its figures by: a club's or an area's id, None for one group of everything.
Group: TypeAlias = int | None


def _loans_by_bucket(clubs: ClubQuerySet[Club], on: datetime.date, key: Combinable | None) -> dict[Group, BucketRows]:
    """{group: {(bucket, rescheduled): row}}: the loans grouped by `key`, bucket and whether they
    were rescheduled by `on`, in one query.

    Grouping by bucket too (rather than one FILTER per bucket and figure) keeps each per-loan
    subquery once in the SQL; the few rows of a group are then added up by _figures.
    """
    loans = portfolio_loans(clubs=clubs, on=on).annotate(bucket=_bucket(on), rescheduled=_rescheduled(on))
    keys = ["bucket", "rescheduled"] if key is None else ["group", "bucket", "rescheduled"]
    if key is not None:
        loans = loans.annotate(group=key)
    result: dict[Group, BucketRows] = {}
    for row in loans.values(*keys).annotate(**LOAN_AGGREGATES).order_by():
        result.setdefault(row.get("group"), {})[(row["bucket"], bool(row["rescheduled"]))] = row
    return result


def _members(clubs: ClubQuerySet[Club], on: datetime.date) -> QuerySet[Membership]:
    return Membership.objects.active_on(on).filter(club__in=clubs)


def had_a_loan_out(start: datetime.date, end: datetime.date) -> Exists:
    """Members borrowing, the one rule: the member of the outer Membership row had a loan of its
    club out (Loan.objects.out_during) on at least one day from `start` to `end`. The portfolio
    counts it on the as-of day and over its period, the targets report over the plan's window."""
    return Exists(Loan.objects.out_during(start, end).filter(club=OuterRef("club"), borrower=OuterRef("person")))


def _member_aggregates(on: datetime.date, period: Period) -> dict[str, Count]:
    """Active members, those with a loan out on `on`, those who had one out at some time in the
    period up to `on` (what was known on `on`). The conditions sit in the aggregates, not in
    annotations: aggregate() would drop annotations that only a FILTER refers to."""
    return {
        "members": Count("pk"),
        "borrowing": Count("pk", filter=Q(had_a_loan_out(on, on))),
        "borrowing_in_period": Count("pk", filter=Q(had_a_loan_out(period.start, min(period.end, on)))),
    }


def _instalments_due(clubs: ClubQuerySet[Club], on: datetime.date, period: Period) -> QuerySet[Instalment]:
    """Instalments due in the period up to `on` and not cancelled before their due date (a loan
    closed early or rescheduled did not owe them), each with what was received on it by `on` and
    what it counts as due: all of it, or, when a rescheduling by `on` replaced it, what was
    received on it (the rest is due on the new schedule).

    As of `on`, only what was known on `on` counts: nothing due after it (a rescheduling after
    `on` may add instalments in the period), no loan taken over from paper after it (its arrears
    were rebuilt with earlier dates), no repayment paid after it."""
    return (
        Instalment.objects.filter(loan__club__in=clubs, due_on__gte=period.start, due_on__lte=min(period.end, on))
        .exclude(loan__go_live_on__gt=on)
        .filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gte=F("due_on")))
        .annotate(
            received_by_then=_subquery_sum(
                _counted_allocations(instalment=OuterRef("pk"), repayment__paid_on__lte=on),
                F("principal") + F("interest"),
            ),
            due_then=Case(
                When(
                    Exists(
                        Rescheduling.objects.filter(
                            loan=OuterRef("loan"), rescheduled_on=OuterRef("cancelled_on"), rescheduled_on__lte=on
                        )
                    ),
                    then=F("received_by_then"),
                ),
                default=F("principal_due") + F("interest_due"),
                output_field=BigIntegerField(),
            ),
        )
    )


REPAYMENT_AGGREGATES = {
    "due": Coalesce(Sum("due_then"), 0),
    "received": Coalesce(Sum("received_by_then"), 0),
}


OVER_30_DAYS = (Bucket.DAYS_31_90, Bucket.OVER_90)


def _figures(loans: BucketRows, members: dict[str, int], repayments: dict[str, int]) -> PortfolioFigures:
    """`loans`: {(bucket, rescheduled): row} of one group (see _loans_by_bucket)."""
    buckets = tuple(
        BucketFigure(
            bucket=bucket,
            **{name: sum(row[name] for (of, _), row in loans.items() if of == bucket) for name in LOAN_AGGREGATES},
        )
        for bucket in Bucket
    )
    over_30_days = sum(figure.outstanding for figure in buckets if figure.bucket in OVER_30_DAYS)
    rescheduled_otherwise = sum(
        row["outstanding"] for (bucket, rescheduled), row in loans.items() if rescheduled and bucket not in OVER_30_DAYS
    )
    return PortfolioFigures(
        loans=sum(row["loans"] for row in loans.values()),
        outstanding=sum(row["outstanding"] for row in loans.values()),
        overdue=sum(row["overdue"] for row in loans.values()),
        par30=over_30_days + rescheduled_otherwise,
        par30_overdue=over_30_days,
        buckets=buckets,
        due=repayments.get("due", 0),
        received=repayments.get("received", 0),
        members=members.get("members", 0),
        borrowing=members.get("borrowing", 0),
        borrowing_in_period=members.get("borrowing_in_period", 0),
    )


def _grouped_figures(
    clubs: ClubQuerySet[Club], on: datetime.date, period: Period, key: Callable[[str], Combinable | None]
) -> dict[Group, PortfolioFigures]:
    """{group: PortfolioFigures} in three grouped queries (loans by bucket, members, instalments).

    `key(club_prefix)` gives the group expression as seen from a row ("club__" from a loan), or None
    for one group of everything.
    """
    loans = _loans_by_bucket(clubs, on, key("club__"))
    members = grouped(_members(clubs, on), key("club__"), _member_aggregates(on, period))
    repayments = grouped(_instalments_due(clubs, on, period), key("loan__club__"), REPAYMENT_AGGREGATES)
    return {
        group: _figures(loans.get(group, {}), members.get(group, {}), repayments.get(group, {}))
        for group in {*loans, *members, *repayments}
    }


def _empty_figures() -> PortfolioFigures:
    return _figures({}, {}, {})


SUMMED_FIGURES = (
    "loans",
    "outstanding",
    "overdue",
    "par30",
    "par30_overdue",
    "due",
    "received",
    "members",
    "borrowing",
    "borrowing_in_period",
)


def added_up(figures: list[PortfolioFigures]) -> PortfolioFigures:
    """The figures of a group of clubs from theirs (each club's members and loans are its own)."""
    buckets = tuple(
        BucketFigure(
            bucket=bucket,
            loans=sum(figure.buckets[index].loans for figure in figures),
            outstanding=sum(figure.buckets[index].outstanding for figure in figures),
            overdue=sum(figure.buckets[index].overdue for figure in figures),
        )
        for index, bucket in enumerate(Bucket)
    )
    return PortfolioFigures(
        buckets=buckets, **{name: sum(getattr(figure, name) for figure in figures) for name in SUMMED_FIGURES}
    )


# --- selectors ------------------------------------------------------------------------------


def report_clubs(clubs: ClubQuerySet[Club], on: datetime.date) -> ClubQuerySet[Club]:
    """The clubs of `clubs` the report covers: those active on `on`, and any other (suspended,
    dissolved) that still has loans out then: its members still owe the fund."""
    # EXISTS, correlated on the club's index of loans: an IN over the loans out would be scanned
    # again for every club once it no longer fits in PostgreSQL's work_mem.
    with_loans = Exists(Loan.objects.out_on(on).filter(club=OuterRef("pk")))
    return Club.objects.filter(pk__in=clubs.values("pk")).filter(
        Q(pk__in=clubs.active_on(on).values("pk")) | Q(with_loans)
    )


def club_portfolio(club: Club, on: datetime.date, period: Period | None = None) -> ClubPortfolio:
    """One club's figures, whatever its status (for the club's loan pages): three queries.

    The period defaults to the twelve months up to `on`."""
    period = period or Period.last_12_months(on)
    figures = _grouped_figures(Club.objects.filter(pk=club.pk), on, period, lambda prefix: None)
    return ClubPortfolio(club=club, on=on, period=period, figures=figures[None])


def portfolio_report(
    *, clubs: ClubQuerySet[Club], on: datetime.date, period: Period, scheme: AdminScheme | None
) -> PortfolioReport:
    """The portfolio page and its export, for clubs already scoped by accounts.access, by district
    of the map `scheme`: 7 queries (listed in tests/reports/test_portfolio.py) whatever the number
    of clubs and loans."""
    covered = report_clubs(clubs, on)
    by_club = _grouped_figures(covered, on, period, lambda prefix: F(f"{prefix}id"))
    districts_on_map = MapGrouping(scheme, UNDER_PROVINCE_DEPTH)
    club_list = list(
        districts_on_map.rows(covered.select_related("unit__parent"), unplaced=True)
        .annotate(district=districts_on_map.key())
        .order_by("pk")
    )
    # The districts and the total are the clubs' figures added up: every figure is a sum, so the
    # per-loan subqueries run once, for the clubs, rather than once per level.
    club_figures_by_district: dict[Group, list[PortfolioFigures]] = {}
    for club in club_list:
        club_figures_by_district.setdefault(club.district, []).append(by_club.get(club.pk) or _empty_figures())
    by_district = {group: added_up(figures) for group, figures in club_figures_by_district.items()}
    total = added_up(list(by_district.values()))
    clubs_per_district = Counter(club.district for club in club_list)
    units = AdminUnit.objects.select_related("parent").in_bulk([group for group in by_district if group is not None])
    districts = sorted(
        (
            PortfolioRollup(unit=units[group], clubs=clubs_per_district[group], figures=figures)
            for group, figures in by_district.items()
            if group in units
        ),
        key=lambda rollup: rollup.unit.path if rollup.unit else "",
    )
    club_rows = [
        ClubPortfolio(club=club, on=on, period=period, figures=by_club.get(club.pk) or _empty_figures())
        for club in club_list
    ]
    club_rows.sort(key=_riskiest_first)
    return PortfolioReport(
        on=on,
        scheme=scheme,
        period=period,
        total=PortfolioRollup(unit=None, clubs=len(club_list), figures=total),
        districts=districts,
        clubs=club_rows,
        written_off=written_off_loans(clubs=covered, period=period),
        rescheduled=rescheduled_loans(clubs=covered, period=period),
    )


def _riskiest_first(row: ClubPortfolio) -> tuple[bool, Decimal | int, int, str, int]:
    par = row.figures.par30_share
    return (par is None, -(par or 0), -row.figures.outstanding, row.club.name, row.club.pk)


def _written_off_in(clubs: ClubQuerySet[Club], period: Period) -> QuerySet[Loan]:
    return Loan.objects.filter(
        club__in=clubs, status=LoanStatus.WRITTEN_OFF, closed_on__gte=period.start, closed_on__lte=period.end
    )


def _rescheduled_in(clubs: ClubQuerySet[Club], period: Period) -> QuerySet[Rescheduling]:
    return Rescheduling.objects.filter(
        loan__club__in=clubs, rescheduled_on__gte=period.start, rescheduled_on__lte=period.end
    )


def written_off_loans(*, clubs: ClubQuerySet[Club], period: Period) -> list[Loan]:
    """Loans written off in the period, latest first: one query."""
    return list(_written_off_in(clubs, period).select_related("club", "borrower").order_by("-closed_on", "-pk"))


def rescheduled_loans(*, clubs: ClubQuerySet[Club], period: Period) -> list[Rescheduling]:
    """Reschedulings decided in the period, latest first: one query."""
    return list(
        _rescheduled_in(clubs, period).select_related("loan__club", "loan__borrower").order_by("-rescheduled_on", "-pk")
    )


def portfolio_rows_count(*, clubs: ClubQuerySet[Club], on: datetime.date, period: Period) -> int:
    """The rows of portfolio_report's lists, without building it (how large its export is): the
    clubs it covers, the loans written off and those rescheduled in the period. Three counts."""
    covered = report_clubs(clubs, on)
    return covered.count() + _written_off_in(covered, period).count() + _rescheduled_in(covered, period).count()


# The overdue loans' filter for PAR30's loans overdue (more than PAR_DAYS): the two buckets past it.
OVER_PAR_DAYS = f"over-{PAR_DAYS}"


def overdue_loans(
    *,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    bucket: str = "",
    district: int | None = None,
    scheme: AdminScheme | None = None,
) -> "QuerySet[PortfolioLoan]":
    """The loans of `clubs` overdue on `on`, most days overdue first, optionally of one bucket (or
    OVER_PAR_DAYS: more than PAR_DAYS overdue, the rule of _over_days) and of one area right under
    the province (`district`: its id, on the map `scheme`)."""
    # django-stubs reads a lookup on an annotation (__isnull) as the annotation itself.
    loans = portfolio_loans(clubs=clubs, on=on).filter(oldest_late_due__isnull=False)  # type: ignore[misc]
    if bucket == OVER_PAR_DAYS:
        loans = loans.filter(oldest_late_due__lt=days_before(on, PAR_DAYS))
    elif bucket:
        loans = loans.filter(Bucket(bucket).condition(on))
    if district is not None and scheme is not None:
        districts_on_map = MapGrouping(scheme, UNDER_PROVINCE_DEPTH)
        loans = districts_on_map.rows(loans, "club__").alias(district=districts_on_map.key()).filter(district=district)
    return loans.select_related("club__unit", "borrower").order_by("oldest_late_due", "club__name", "pk")


def overdue_rows(loans: Iterable["PortfolioLoan"], on: datetime.date) -> list[OverdueLoan]:
    """The loans of one page of overdue_loans, with their days overdue and bucket."""
    return [OverdueLoan(loan=loan, on=on) for loan in loans]


def district_choices(clubs: ClubQuerySet[Club], scheme: AdminScheme | None) -> list[tuple[int, str]]:
    """(id, name) of the areas right under the province that `clubs` sit in on the map `scheme`,
    in map order: one query."""
    districts_on_map = MapGrouping(scheme, UNDER_PROVINCE_DEPTH)
    district_ids = districts_on_map.rows(clubs).annotate(district=districts_on_map.key()).values("district")
    return list(AdminUnit.objects.filter(pk__in=district_ids).order_by("path").values_list("pk", "name"))


# --- portfolio at risk only, for reports over many clubs -----------------------------------------


@dataclasses.dataclass(frozen=True)
class AtRisk:
    """Outstanding principal and, of it, the principal at risk (PAR30: loans more than 30 days
    overdue or rescheduled) and that of the loans more than 30 days overdue only."""

    outstanding: int = 0
    par30: int = 0
    par30_overdue: int = 0

    @property
    def par30_share(self) -> Decimal | None:
        return share(self.par30, self.outstanding)

    @property
    def par30_overdue_share(self) -> Decimal | None:
        return share(self.par30_overdue, self.outstanding)

    def __add__(self, other: "AtRisk") -> "AtRisk":
        return AtRisk(
            self.outstanding + other.outstanding,
            self.par30 + other.par30,
            self.par30_overdue + other.par30_overdue,
        )


def _over_days(on: datetime.date, days: int) -> Exists:
    """The loan (outer row) is more than `days` overdue on `on`: it has a late instalment (not
    fully paid by `on`) due before on − days. A loan is as many days overdue as its oldest late
    instalment, so this is the rule of portfolio_report's buckets. In a WHERE, the database joins
    it as a semi-join (NOT: an anti-join) in one pass over the instalments."""
    return Exists(_late_instalments(on).filter(due_on__lt=days_before(on, days)))


def _sums_by_club(
    rows: QuerySet[Loan], club: str, parts: dict[str, tuple[Q | Exists | None, Combinable]]
) -> dict[int, dict[str, int]]:
    """{club id: {part: SUM(its total) over the rows of the part}} in one query; `parts` maps each
    part's name to its condition (None: all the rows) and the expression it adds up.

    One grouped scan of `rows` per part, restricted by the part's condition in its WHERE, put
    together with UNION ALL. A condition on a subquery (EXISTS) in a WHERE becomes a semi- or
    anti-join, linear in the rows; the same condition in a FILTER of the aggregate, or as
    `IN (subquery)`, would be a sub-plan the database may run again for every row once the
    subquery's rows outgrow its work memory.
    """
    queries = [
        (rows if condition is None else rows.filter(condition))
        .values(group=F(club))
        .annotate(part=Value(name, output_field=CharField()), total=Coalesce(Sum(total), 0))
        .order_by()
        for name, (condition, total) in parts.items()
    ]
    first, *others = queries
    result: dict[int, dict[str, int]] = {}
    for row in first.union(*others, all=True):
        result.setdefault(row["group"], {})[row["part"]] = row["total"]
    return result


def at_risk_by_club(*, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[int, AtRisk]:
    """{club id: AtRisk} on `on` for the clubs with loans out: the figures of portfolio_report's
    PAR30 with and without the rescheduled loans (tests/loans/test_portfolio_forms.py checks both
    forms on random loan books), in two queries whose plans stay linear, so that a report over
    thousands of clubs and loans stays fast (bench/targets.py, bench/portfolio_plans.py):

    - per club, over the loans out: what was lent (less what was repaid before a take-over), with
      no subquery; and the outstanding principal (portfolio_loans' per-loan sum, index lookups)
      of the loans at risk only, in two parts with no OR between them: those more than 30 days
      overdue (a semi-join on their late instalments), and those rescheduled (a semi-join on the
      reschedulings) that are not (checked per rescheduled loan). Not an anti-join for the
      latter: the planner cannot tell how many loans pass "not overdue", guesses one, and then
      loops over every club for each of them;
    - per club, the principal of the repayments counted by `on` on all the loans out.
    """
    loans = Loan.objects.out_on(on).filter(club__in=clubs)
    over = _over_days(on, PAR_DAYS)
    sums = _sums_by_club(
        loans,
        "club",
        {
            "lent": (None, F("amount") - F("repaid_before_go_live")),
            "over": (over, _outstanding(on)),
            "rescheduled": (_rescheduled(on), Case(When(over, then=Value(0)), default=_outstanding(on))),
        },
    )
    repaid = {
        row["club"]: row["repaid"]
        for row in _counted_repayments(on)
        .filter(Exists(loans.filter(pk=OuterRef("loan"))))
        .values(club=F("loan__club"))
        .annotate(repaid=Sum("principal"))
        .order_by()
    }
    return {
        club: AtRisk(
            outstanding=parts["lent"] - repaid.get(club, 0),
            par30=parts.get("over", 0) + parts.get("rescheduled", 0),
            par30_overdue=parts.get("over", 0),
        )
        for club, parts in sums.items()
    }
