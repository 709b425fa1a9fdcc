"""Reads of the funds: balances, the cash book (sổ thu chi) and capital by source.

Every figure is summed in the database in grouped queries, a fixed number whatever the number of
clubs or entries. A balance on a day is the sum of the signed entries dated up to that day
(corrections included: they reverse what they correct). Capital counts what a club has raised
and still stands on the day: contributions, opening balances taken over from the paper books and
loan interest, each left out once a correction dated by then has reversed it.

Over many clubs (the targets report, the capital page) both are read from the funds' month
totals for the months ended before the day, and from the entries only for the days since
(funds/months.py): what the reports read grows with the clubs and the months, not the entries.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone

from areas.models import UNDER_PROVINCE_DEPTH, AdminScheme, AdminUnit
from clubs.models import Club, ClubQuerySet, MapGrouping
from core.dates import add_months, month_start
from core.once import Version
from core.types import Text
from funds.models import (
    CAPITAL_COLUMNS,
    CAPITAL_TYPES,
    LOAN_ENTRY_TYPES,
    CapitalSource,
    ClosedMonth,
    EntryType,
    Fund,
    FundEntry,
    FundKind,
    FundMonth,
    capital_column,
)
from members.models import MembershipQuerySet, Person

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def _total(expression: Combinable, condition: Q | None = None) -> Coalesce:
    """SUM(expression) over the rows meeting `condition`, 0 when there are none."""
    return Coalesce(Sum(expression, filter=condition), 0)


def _signed(relation: str = "") -> Combinable:
    return F(f"{relation}amount") * F(f"{relation}direction")


# --- balances ---------------------------------------------------------------------------------


class FundBalance(TypedDict):
    """What funds_with_balance annotates on each fund."""

    balance_on: int


class ClubFund(FundBalance):
    """What club_funds annotates on each of the club's funds."""

    has_opening: bool


if TYPE_CHECKING:
    FundWithBalance: TypeAlias = WithAnnotations[Fund, FundBalance]


def funds_with_balance(funds: QuerySet[Fund], on: datetime.date) -> "QuerySet[FundWithBalance]":
    """The funds, each with `balance_on`: its balance at the end of `on` (in the same query)."""
    return funds.annotate(balance_on=_total(_signed("entries__"), Q(entries__entry_date__lte=on)))


def fund_balances(*, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[int, dict[str, int]]:
    """{club id: {fund kind: balance at the end of `on`}} for the clubs' funds: three queries,
    whatever the number of entries. The months ended before `on`'s are read from their totals
    (FundMonth, funds/months.py), the days since from the entries."""
    this_month = month_start(on)
    balances: dict[int, dict[str, int]] = {}
    for club_id, kind in Fund.objects.filter(club__in=clubs).values_list("club_id", "kind"):
        balances.setdefault(club_id, {})[kind] = 0
    months_ended = FundMonth.objects.filter(fund__club__in=clubs, month__lt=this_month).annotate(total=F("net"))
    days_since = FundEntry.objects.filter(fund__club__in=clubs, entry_date__gte=this_month, entry_date__lte=on)
    for rows in (months_ended, days_since.annotate(total=_signed())):
        for row in rows.values(club=F("fund__club_id"), kind=F("fund__kind")).annotate(sum=Sum("total")).order_by():
            balances[row["club"]][row["kind"]] += row["sum"]
    return balances


def club_funds(*, club: Club, on: datetime.date) -> "list[WithAnnotations[Fund, ClubFund]]":
    """The club's two funds (income-generation first), with `balance_on` and `has_opening` (an
    opening balance not corrected): one query."""
    opening = FundEntry.objects.not_reversed().filter(fund=OuterRef("pk"), entry_type=EntryType.OPENING)
    funds = funds_with_balance(club.funds.all(), on).annotate(has_opening=Exists(opening))
    order = FundKind.values
    return sorted(funds, key=lambda fund: order.index(fund.kind))


def books_version(*, club: Club, loans: bool) -> Version:
    """The version of a club's books a meeting sheet is opened at (core.once.check_version): its
    latest cash-book entry of the loans (`loans`: disbursements, repayments and their reversals,
    what the collection sheet shows) or of the rest (contributions, spending, transfers and their
    corrections, what the contributions sheet shows). One query."""
    entry = (
        FundEntry.objects.filter(fund__club=club, loan__isnull=not loans)
        .select_related("created_by")
        .order_by("-pk")
        .first()
    )
    if entry is None:
        return Version(0)
    return Version(entry.pk, entry.created_at, str(entry.created_by) if entry.created_by else "")


def sheet_members(*, club: Club, on: datetime.date) -> QuerySet[Person]:
    """The club's members on the day of a meeting (Membership.objects.active_on), in the
    register's order: the rows of its contributions sheet."""
    # One filter() call: the club and the dates are those of one membership.
    active = MembershipQuerySet.active_condition(on, prefix="memberships__")
    return Person.objects.filter(active, memberships__club=club).order_by("sort_key", "pk")


def sheet_paid(*, club: Club, on: datetime.date) -> dict[tuple[int, str], int]:
    """{(member id, fund kind): amount} of the contributions taken from members on a contributions
    sheet dated `on` and not reversed: the sheet does not offer them again. One query."""
    rows = (
        FundEntry.objects.not_reversed()
        .filter(fund__club=club, entry_type=EntryType.CONTRIBUTION, entry_date=on, member__isnull=False)
        .values("member", "fund__kind")
        .annotate(total=Sum("amount"))
    )
    return {(row["member"], row["fund__kind"]): row["total"] for row in rows}


# How far back the month-close form goes: older months left open stay open until staff close them.
CLOSABLE_MONTHS = 12


def closable_months(*, club: Club, closed: set[datetime.date], today: datetime.date) -> list[datetime.date]:
    """The months the club may close now, newest first: those of the last CLOSABLE_MONTHS whose
    meeting is over (funds.services.month_close) and that are not closed yet. No query."""
    latest = month_start(today) if club.meeting_in(today) <= today else add_months(today, -1)
    candidates = (add_months(latest, -back) for back in range(CLOSABLE_MONTHS))
    return [month for month in candidates if month not in closed]


# --- the cash book ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class CashBook:
    """One fund's receipts and payments over a period, optionally of one entry type only."""

    fund: Fund
    start: datetime.date
    end: datetime.date
    entry_type: str  # "" for every type
    opening: int  # the fund's balance at the end of the day before `start`
    closing: int  # the fund's balance at the end of `end`
    money_in: int  # of the entries shown
    money_out: int
    entries: QuerySet[FundEntry]  # the entries shown, by date

    @property
    def running(self) -> bool:
        """Whether each row can show the fund's balance after it: only when no entry is left out,
        so that the balance column always adds up from the opening to the closing balance."""
        return not self.entry_type

    @property
    def entry_type_label(self) -> Text:
        return EntryType(self.entry_type).label if self.entry_type else ""


def cash_book(*, fund: Fund, start: datetime.date, end: datetime.date, entry_type: str = "") -> CashBook:
    """The book of `fund` from `start` to `end` (both included): one query for its four totals;
    the entries are a queryset, to paginate. A period reaching past today ends today: a balance is
    never dated in the future (no entry is), the book of this year shows today's balance."""
    end = min(end, timezone.localdate())
    shown = Q(entry_date__gte=start, entry_date__lte=end)
    if entry_type:
        shown &= Q(entry_type=entry_type)
    totals = fund.entries.aggregate(
        opening=_total(_signed(), Q(entry_date__lt=start)),
        closing=_total(_signed(), Q(entry_date__lte=end)),
        money_in=_total(F("amount"), shown & Q(direction=1)),
        money_out=_total(F("amount"), shown & Q(direction=-1)),
    )
    entries = (
        fund.entries.filter(shown)
        .select_related("loan__borrower", "corrects", "correction")
        .order_by("entry_date", "pk")
    )
    return CashBook(fund=fund, start=start, end=end, entry_type=entry_type, entries=entries, **totals)


@dataclasses.dataclass(frozen=True)
class BookRow:
    entry: FundEntry
    balance: int | None  # the fund's balance after the entry; None when the book leaves entries out
    in_closed_month: bool

    @property
    def money_in(self) -> int | None:
        return self.entry.amount if self.entry.direction > 0 else None

    @property
    def money_out(self) -> int | None:
        return self.entry.amount if self.entry.direction < 0 else None

    @property
    def corrected_by(self) -> FundEntry | None:
        try:
            return self.entry.correction
        except FundEntry.DoesNotExist:
            return None

    @property
    def correctable(self) -> bool:
        """Whether the cash book may correct the entry: a loan's entries are reversed on the loan's
        page, a correction is never corrected, and an entry is corrected once."""
        entry = self.entry
        return (
            entry.entry_type != EntryType.CORRECTION
            and entry.entry_type not in LOAN_ENTRY_TYPES
            and self.corrected_by is None
        )


def cash_book_rows(book: CashBook, entries: Iterable[FundEntry]) -> list[BookRow]:
    """`entries` (a page of book.entries, or all of them) with the balance after each: the balance
    before the first one is summed in the database, so every page adds up (two queries at most)."""
    entries = list(entries)
    if not entries:
        return []
    first, last = entries[0], entries[-1]
    closed = set(
        ClosedMonth.objects.filter(
            club_id=book.fund.club_id, month__gte=month_start(first.entry_date), month__lte=last.entry_date
        )
        .order_by()
        .values_list("month", flat=True)
    )
    balance = None
    if book.running:
        before = Q(entry_date__lt=first.entry_date) | Q(entry_date=first.entry_date, pk__lt=first.pk)
        balance = book.fund.entries.filter(before).aggregate(total=_total(_signed()))["total"]
    rows = []
    for entry in entries:
        if balance is not None:
            balance += entry.signed_amount
        rows.append(BookRow(entry=entry, balance=balance, in_closed_month=month_start(entry.entry_date) in closed))
    return rows


# --- capital by source ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Capital:
    """What a club (or a group of clubs) has raised by a day, in both funds."""

    by_source: dict[str, int]  # contributions, by CapitalSource value
    opening: int  # opening balances taken over from the paper books
    interest: int  # interest earned on loans
    clubs_with_capital: int

    @property
    def contributions(self) -> int:
        return sum(self.by_source.values())

    @property
    def total(self) -> int:
        return self.contributions + self.opening + self.interest

    @property
    def sources(self) -> list[tuple[CapitalSource, int]]:
        """Each capital source in its order, with the amount contributed from it."""
        return [(source, self.by_source[source.value]) for source in CapitalSource]


NO_CAPITAL = Capital(by_source=dict.fromkeys(CapitalSource.values, 0), opening=0, interest=0, clubs_with_capital=0)


@dataclasses.dataclass(frozen=True)
class ClubCapital:
    club: Club
    capital: Capital


@dataclasses.dataclass(frozen=True)
class CapitalRollup:
    unit: AdminUnit
    capital: Capital


@dataclasses.dataclass(frozen=True)
class CapitalReport:
    on: datetime.date
    scheme: AdminScheme | None  # the map its districts are of (clubs.models.MapGrouping)
    total: Capital  # every club of the scope
    districts: list[CapitalRollup]  # by area right under the province, in the order of the map
    clubs: list[ClubCapital]  # every club of the scope, with or without capital


def _capital(columns: dict[str, int]) -> Capital:
    """A club's capital from its FundMonth capital columns added up."""
    return Capital(
        by_source={source: columns[capital_column(EntryType.CONTRIBUTION, source)] for source in CapitalSource.values},
        opening=columns[capital_column(EntryType.OPENING, "")],
        interest=columns[capital_column(EntryType.INTEREST, "")],
        clubs_with_capital=1,
    )


def club_capital(*, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[int, Capital]:
    """{club id: its capital at the end of `on`} for the clubs with any: three grouped queries,
    whatever the number of entries.

    The months ended before `on`'s are read from their totals (FundMonth, funds/months.py); the
    days since from the entries: the capital entries dated in them that stand at the end of `on`,
    less those of earlier months that a correction dated in them has reversed. Capital amounts
    are positive, so a club has capital standing exactly when its total is above zero.
    """
    this_month = month_start(on)
    totals: dict[int, dict[str, int]] = {}

    def add(club_id: int, column: str, amount: int) -> None:
        columns = totals.setdefault(club_id, dict.fromkeys(CAPITAL_COLUMNS, 0))
        columns[column] += amount

    months_ended = FundMonth.objects.filter(fund__club__in=clubs, month__lt=this_month)
    sums = months_ended.values(club=F("fund__club_id")).annotate(**{c: Sum(c) for c in CAPITAL_COLUMNS}).order_by()
    for row in sums:
        for column in CAPITAL_COLUMNS:
            add(row["club"], column, row[column])
    capital = FundEntry.objects.filter(fund__club__in=clubs, entry_type__in=CAPITAL_TYPES)
    standing = capital.not_reversed(on).filter(entry_date__gte=this_month, entry_date__lte=on)
    reversed_since = capital.filter(
        entry_date__lt=this_month, correction__entry_date__gte=this_month, correction__entry_date__lte=on
    )
    for rows, sign in ((standing, 1), (reversed_since, -1)):
        grouped_rows = rows.values("entry_type", "source", club=F("fund__club_id")).annotate(total=Sum("amount"))
        for row in grouped_rows.order_by():
            add(row["club"], capital_column(row["entry_type"], row["source"]), sign * row["total"])
    return {club_id: _capital(columns) for club_id, columns in totals.items() if sum(columns.values()) > 0}


def capital_added_up(capitals: Iterable[Capital]) -> Capital:
    """The capital of several clubs together: every figure is a sum over the clubs (a club with
    capital counts once in clubs_with_capital), so the clubs' figures add up to it exactly."""
    total = NO_CAPITAL
    for capital in capitals:
        total = Capital(
            by_source={source: total.by_source[source] + capital.by_source[source] for source in CapitalSource.values},
            opening=total.opening + capital.opening,
            interest=total.interest + capital.interest,
            clubs_with_capital=total.clubs_with_capital + capital.clubs_with_capital,
        )
    return total


def capital_rollup(
    *, clubs: ClubQuerySet[Club], per_club: dict[int, Capital], by_area: MapGrouping
) -> list[CapitalRollup]:
    """The capital of the clubs by area (clubs.models.MapGrouping), in the order of the map: the
    clubs' capital (club_capital) added up by the area of each club, two queries. Grouping the
    entries themselves by area found the area of each of the hundreds of thousands of entries,
    and sorted them all by it; the clubs are a few thousand."""
    areas = dict(by_area.rows(clubs).annotate(group=by_area.key()).values_list("pk", "group").order_by())
    per_area: dict[int, list[Capital]] = {}
    for club_id, capital in per_club.items():
        group = areas.get(club_id)
        if group is not None:
            per_area.setdefault(group, []).append(capital)
    units = AdminUnit.objects.select_related("parent").in_bulk(list(per_area))
    rollups = [
        CapitalRollup(unit=units[group], capital=capital_added_up(capitals))
        for group, capitals in per_area.items()
        if group in units
    ]
    return sorted(rollups, key=lambda rollup: rollup.unit.path)


def capital_by_source(*, clubs: ClubQuerySet[Club], on: datetime.date, scheme: AdminScheme | None) -> CapitalReport:
    """The capital page and its export, for clubs already scoped by accounts.access, by district of
    the map `scheme`: four queries (per club, the clubs, their districts and the districts'
    units), whatever the number of clubs and entries."""
    per_club = club_capital(clubs=clubs, on=on)
    return CapitalReport(
        on=on,
        scheme=scheme,
        total=capital_added_up(per_club.values()),
        districts=capital_rollup(clubs=clubs, per_club=per_club, by_area=MapGrouping(scheme, UNDER_PROVINCE_DEPTH)),
        clubs=[
            ClubCapital(club=club, capital=per_club.get(club.pk, NO_CAPITAL))
            for club in clubs.select_related("unit__parent").order_by("unit__path", "name", "pk")
        ],
    )
