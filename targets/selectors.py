"""The province targets report: how far a target plan is from each target, on any date.

What is counted, for a plan and a date `on` (the "as of" date), over clubs and units already
scoped by accounts.access (the whole province for province staff and for the command):

- Clubs and units are those of the plan's map (`plan.scheme`) under its province: the 2025
  targets of Quảng Ngãi are counted on the districts and communes of 2020–2024 (docs/domain.md §6).
- New clubs: clubs whose date — the decision of establishment, or the launch, as the plan says
  (`plan.new_club_date`; a club without a decision date is dated by its launch) — falls in the
  plan's period, up to `on`; of them, those launched by `on`. Per year of that date and per
  district. Against the target and against the pace: target × the share of the period's days
  elapsed on `on`.
- Members of the new clubs: their members on `on`.
- Coverage, per coverage group of the plan: units that host clubs (communes, wards, townships,
  and a district without communes such as Lý Sơn, which counts as one unit: docs/domain.md §6) of the
  group's area types, in force on `on` (on the map's last day once the map is replaced), with at
  least `plan.coverage_min_clubs` clubs active on `on`, over all those units. Per district too.
- Club measures, over the clubs active on `on` (the denominator of each share):
  - both funds: the income-generation fund and the activity fund both have a positive balance
    at the end of `on`;
  - all 8 activities: each of the eight areas was active (activities.selectors) in at least
    `plan.activity_min_months` accepted monthly reports of the window — the `plan.window_months`
    months up to and including the month of `on`;
  - members borrowing: active members of the club who had a loan of the club out on at least one
    day of the window (Period.months_up_to), the portfolio's rule (loans.portfolio.had_a_loan_out:
    its "members who had a loan out during the period", over this window);
  - the combined test: all 8 activities, and a share of the club's own members borrowing at
    least `plan.club_borrowing_threshold`.
- Member composition, board and teams: the scorecard (reports.selectors) of the active clubs;
  their capital by source on `on` (funds.selectors); PAR30 on `on` of the plan's clubs with loans
  out, whatever their status (loans.portfolio.at_risk_by_club).

Every figure is counted in grouped queries; the number of queries does not depend on the number
of clubs, members or units (tests/targets/test_query_counts.py).
"""

import dataclasses
import datetime
import enum
import functools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import gettext_lazy as _

from activities.models import MonthlyReport, ReportStatus
from activities.selectors import area_months
from areas.models import AdminUnit, Level
from areas.selectors import UNDER_PROVINCE_DEPTH, district_key, district_path, districts
from clubs.models import ALL_AREAS, Club, ClubStatus
from clubs.selectors import club_counts_by_status
from core.dates import add_months, month_start
from core.shares import share
from funds.models import FundKind
from funds.selectors import Capital, CapitalRollup, capital_rollup, capital_total, fund_balances
from loans.portfolio import AtRisk, Period, at_risk_by_club, had_a_loan_out
from members.models import Membership
from reports.selectors import Rollup, scorecard_total
from targets.models import CoverageTarget, NewClubDate, TargetPlan

FUND_KINDS = tuple(FundKind.values)


class ClubMeasure(enum.StrEnum):
    """The measures taken club by club: the keys of the "clubs behind a figure" list."""

    BOTH_FUNDS = "both_funds"
    ALL_ACTIVITIES = "all_activities"
    BORROWING = "borrowing"  # the club's own members borrowing at least the plan's threshold
    COMBINED = "combined"


# What each measure is called on the summary, the tables and the lists behind them.
MEASURE_LABELS = {
    ClubMeasure.BOTH_FUNDS: _("Clubs with both funds"),
    ClubMeasure.ALL_ACTIVITIES: _("Clubs doing all 8 activities"),
    ClubMeasure.BORROWING: _("Clubs with enough members borrowing"),
    ClubMeasure.COMBINED: _("Clubs doing all 8 activities with enough members borrowing"),
}


# --- figures ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Progress:
    """One target of the plan against what is counted: the progress bars and the summary table.

    `percent` targets compare the share numerator ÷ denominator with `target` (a percent);
    count targets compare `numerator` with `target` (and with `pace` when the plan's period is
    not over).
    """

    key: str
    label: str
    numerator: int
    denominator: int | None
    target: Decimal | int
    percent: bool
    pace: Decimal | None = None

    @property
    def value(self) -> Decimal | int | None:
        return share(self.numerator, self.denominator) if self.percent else self.numerator

    @property
    def share(self) -> Decimal | None:
        return self.value if self.percent else None

    @property
    def progress(self) -> Decimal | None:
        """How far along the target, in percent (100 when reached; may exceed 100)."""
        value = self.value
        if value is None or not self.target:
            return None
        return share(value, self.target)

    @property
    def met(self) -> bool | None:
        value = self.value
        return None if value is None else value >= self.target

    @property
    def on_pace(self) -> bool | None:
        return None if self.pace is None else self.numerator >= self.pace

    @property
    def gap(self) -> Decimal | int | None:
        """What is still missing to reach the target (0 when reached)."""
        value = self.value
        return None if value is None else max(self.target - value, 0)


@dataclasses.dataclass
class NewClubsRow:
    """New clubs of one year or one district (unit None: the whole scope)."""

    unit: AdminUnit | None = None
    year: int | None = None
    counted: int = 0  # new in the period (by the plan's date)
    launched: int = 0  # of them, launched by the report date
    members: int = 0  # members of the new clubs on the report date

    @property
    def not_launched(self) -> int:
        return self.counted - self.launched


@dataclasses.dataclass(frozen=True)
class NewClubs:
    total: NewClubsRow
    years: list[NewClubsRow]  # every year of the period up to the report date
    districts: list[NewClubsRow]
    target: int
    per_year: int
    members_target: int
    pace: Decimal  # target × the share of the period gone by (selectors.pace)


@dataclasses.dataclass
class CoverageRow:
    """The host units of a coverage group, in one district (unit) or in all (unit None)."""

    unit: AdminUnit | None
    units: int = 0
    covered: int = 0

    @property
    def share(self) -> Decimal | None:
        return share(self.covered, self.units)

    @property
    def uncovered(self) -> int:
        return self.units - self.covered


@dataclasses.dataclass(frozen=True)
class CoverageGroup:
    target: CoverageTarget
    total: CoverageRow
    districts: list[CoverageRow]
    # District-level units counted as one unit themselves (no communes: Lý Sơn), for the rule.
    units_without_communes: list[AdminUnit]

    @property
    def met(self) -> bool | None:
        return None if self.total.share is None else self.total.share >= self.target.share


@dataclasses.dataclass(frozen=True)
class ClubRow:
    """One active club's measures."""

    club: Club
    district: AdminUnit | None
    members: int
    borrowers: int
    balances: dict[str, int]  # FundKind value → balance at the end of the report date
    areas_done: int  # of the eight areas, those carried out in the window
    borrowing_threshold: Decimal

    # Each measure is worked out once per row (the roll-ups and the lists read them many times).
    @functools.cached_property
    def both_funds(self) -> bool:
        return all(self.balances.get(kind, 0) > 0 for kind in FUND_KINDS)

    @property
    def fund_balances(self) -> list[tuple[FundKind, int]]:
        """Each fund in its order with its balance at the end of the report date."""
        return [(FundKind(kind), self.balances.get(kind, 0)) for kind in FUND_KINDS]

    @functools.cached_property
    def all_activities(self) -> bool:
        return self.areas_done == ALL_AREAS

    @property
    def borrowing_share(self) -> Decimal | None:
        return share(self.borrowers, self.members)

    @functools.cached_property
    def borrowing(self) -> bool:
        # In whole numbers: borrowers / members ≥ threshold %, without rounding the share first.
        return self.members > 0 and self.borrowers * 100 >= self.borrowing_threshold * self.members

    @functools.cached_property
    def combined(self) -> bool:
        return self.all_activities and self.borrowing

    def meets(self, measure: ClubMeasure) -> bool:
        return getattr(self, measure.value)


@dataclasses.dataclass
class ClubRollup:
    """The club measures of a district (unit) or of the whole scope (unit None)."""

    unit: AdminUnit | None
    clubs: int = 0
    both_funds: int = 0
    all_activities: int = 0
    borrowing: int = 0
    combined: int = 0
    members: int = 0
    borrowers: int = 0

    def add(self, row: ClubRow) -> None:
        self.clubs += 1
        self.members += row.members
        self.borrowers += row.borrowers
        self.both_funds += row.both_funds
        self.all_activities += row.all_activities
        self.borrowing += row.borrowing
        self.combined += row.combined

    def share_of(self, measure: str) -> Decimal | None:
        return share(getattr(self, measure), self.clubs)

    @property
    def borrowers_share(self) -> Decimal | None:
        return share(self.borrowers, self.members)


@dataclasses.dataclass(frozen=True)
class TargetReport:
    plan: TargetPlan
    on: datetime.date
    window: Period
    elapsed: Decimal  # share of the period's days elapsed on the report date, in percent
    coverage_on: datetime.date  # the day the units are counted on (the map's last day at the latest)
    new_clubs: NewClubs
    coverage: list[CoverageGroup]
    club_total: ClubRollup
    club_districts: list[ClubRollup]
    clubs: list[ClubRow]
    scorecard: Rollup
    status_counts: dict[str, int]
    capital: Capital  # of the active clubs
    capital_districts: list[CapitalRollup]
    portfolio: "PortfolioAtRisk"

    @property
    def decided(self) -> int:
        """Clubs of the scope with a decision of establishment by the report date, whatever their status."""
        return sum(self.status_counts.values())

    @property
    def status_list(self) -> list[tuple[ClubStatus, int]]:
        return [(status, self.status_counts[status]) for status in ClubStatus if self.status_counts.get(status)]

    @property
    def progress(self) -> list[Progress]:
        """Every target of the plan against its figure, in the order of the plan."""
        plan = self.plan
        total = self.club_total
        rows = [
            Progress(
                "new_clubs",
                _("New clubs"),
                self.new_clubs.total.counted,
                None,
                plan.new_clubs,
                percent=False,
                pace=self.new_clubs.pace,
            ),
            Progress(
                "new_club_members",
                _("Members of the new clubs"),
                self.new_clubs.total.members,
                None,
                plan.new_club_members,
                percent=False,
                pace=pace(plan.new_club_members, plan, self.on),
            ),
        ]
        rows += [
            Progress(
                f"coverage-{group.target.pk}",
                _("Coverage: %(group)s") % {"group": group.target.name},
                group.total.covered,
                group.total.units,
                group.target.share,
                percent=True,
            )
            for group in self.coverage
        ]
        rows += [
            Progress(
                ClubMeasure.BOTH_FUNDS,
                MEASURE_LABELS[ClubMeasure.BOTH_FUNDS],
                total.both_funds,
                total.clubs,
                plan.both_funds_share,
                percent=True,
            ),
            Progress(
                ClubMeasure.ALL_ACTIVITIES,
                MEASURE_LABELS[ClubMeasure.ALL_ACTIVITIES],
                total.all_activities,
                total.clubs,
                plan.all_activities_share,
                percent=True,
            ),
            Progress(
                "members_borrowing",
                _("Members borrowing"),
                total.borrowers,
                total.members,
                plan.members_borrowing_share,
                percent=True,
            ),
            Progress(
                ClubMeasure.COMBINED,
                MEASURE_LABELS[ClubMeasure.COMBINED],
                total.combined,
                total.clubs,
                plan.combined_share,
                percent=True,
            ),
        ]
        return rows


# --- helpers ----------------------------------------------------------------------------------


def _days_gone(plan: TargetPlan, on: datetime.date) -> tuple[int, int]:
    """(days of the period gone by at the end of `on`, days of the period)."""
    days = (plan.period_end - plan.period_start).days + 1
    return min(max((on - plan.period_start).days + 1, 0), days), days


def pace(target: int, plan: TargetPlan, on: datetime.date) -> Decimal:
    """target × the days gone ÷ the period's days, to one decimal rounded half up (from the exact
    fraction: the elapsed share shown is rounded)."""
    gone, days = _days_gone(plan, on)
    return (Decimal(target * gone) / days).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def elapsed_share(plan: TargetPlan, on: datetime.date) -> Decimal:
    """The share of the period's days gone by at the end of `on`, in percent (0–100, one decimal)."""
    gone, days = _days_gone(plan, on)
    return share(gone, days) or Decimal(0)


def plan_clubs(plan: TargetPlan, clubs: QuerySet[Club]) -> QuerySet[Club]:
    """The clubs of `clubs` the plan counts: on its map, under its province."""
    return clubs.filter(unit__scheme=plan.scheme, unit__path__startswith=plan.province.path)


def _club_date(plan: TargetPlan):
    if plan.new_club_date == NewClubDate.LAUNCH:
        return F("launch_date")
    return Coalesce("decision_date", "launch_date")


def new_clubs_queryset(plan: TargetPlan, clubs: QuerySet[Club], on: datetime.date) -> QuerySet[Club]:
    """The clubs new in the plan's period up to `on`, each with `plan_date` (the date that counts)."""
    end = min(on, plan.period_end)
    return (
        plan_clubs(plan, clubs)
        .alias(plan_date=_club_date(plan))
        .filter(plan_date__gte=plan.period_start, plan_date__lte=end)
    )


def _plan_districts(plan: TargetPlan) -> QuerySet[AdminUnit]:
    """The districts of the plan's map under its province (areas.selectors.districts)."""
    return districts(AdminUnit.objects.filter(scheme=plan.scheme).under(plan.province))


def _districts(plan: TargetPlan) -> dict[str, AdminUnit]:
    """The districts of the plan, by path (what areas.selectors.district_path gives): one query."""
    return {unit.path: unit for unit in _plan_districts(plan)}


def _ordered(rows, key=lambda row: row.unit.path if row.unit else ""):
    return sorted(rows, key=key)


# --- sections ---------------------------------------------------------------------------------


def _new_clubs(plan: TargetPlan, clubs: QuerySet[Club], on: datetime.date, districts) -> NewClubs:
    """Two queries: the new clubs (one row each, with district and year), their members per club.
    Adding up per district and year is done here: grouping the members by district in SQL would
    look the district up once per member."""
    new = new_clubs_queryset(plan, clubs, on)
    club_rows = new.annotate(year=ExtractYear("plan_date")).values("pk", "unit__path", "year", "launch_date")
    members = dict(
        Membership.objects.active_on(on)
        .filter(club__in=new.values("pk"))
        .values("club")
        .annotate(n=Count("pk"))
        .values_list("club", "n")
        .order_by()
    )
    last_year = min(on, plan.period_end).year
    years = {year: NewClubsRow(year=year) for year in plan.years if year <= last_year}
    by_district: dict[str | None, NewClubsRow] = {}
    total = NewClubsRow()
    for row in club_rows:
        key = district_path(row["unit__path"])
        district = by_district.setdefault(key, NewClubsRow(unit=districts.get(key)))
        year = years.setdefault(row["year"], NewClubsRow(year=row["year"]))
        launched = row["launch_date"] is not None and row["launch_date"] <= on
        for target in (district, year, total):
            target.counted += 1
            target.launched += launched
            target.members += members.get(row["pk"], 0)
    return NewClubs(
        total=total,
        years=[years[year] for year in sorted(years)],
        districts=_ordered(row for row in by_district.values() if row.unit is not None),
        target=plan.new_clubs,
        per_year=plan.new_clubs_per_year,
        members_target=plan.new_club_members,
        pace=pace(plan.new_clubs, plan, on),
    )


def coverage_day(plan: TargetPlan, on: datetime.date) -> datetime.date:
    """The day units are counted on: `on`, or the map's last day once the map was replaced."""
    if plan.scheme.valid_until is not None and on >= plan.scheme.valid_until:
        return plan.scheme.last_day
    return max(on, plan.scheme.valid_from)


def host_units(plan: TargetPlan, units: QuerySet[AdminUnit], on: datetime.date) -> QuerySet[AdminUnit]:
    """The units of the plan's map that host clubs, in force on the coverage day, within `units`."""
    return (
        AdminUnit.objects.club_hosts()
        .in_force(coverage_day(plan, on))
        .filter(scheme=plan.scheme, path__startswith=plan.province.path, pk__in=units.values("pk"))
    )


def active_clubs_per_unit(plan: TargetPlan, clubs: QuerySet[Club], on: datetime.date) -> dict[int, int]:
    """{unit id: clubs active on `on`} for the plan's clubs: one grouped query."""
    rows = plan_clubs(plan, clubs).active_on(on).values("unit").annotate(n=Count("pk")).order_by()
    return {row["unit"]: row["n"] for row in rows}


def _coverage(plan, clubs, units, on, districts, targets) -> list[CoverageGroup]:
    """Two queries: the host units, the active clubs per unit."""
    per_unit = active_clubs_per_unit(plan, clubs, on)
    hosts = list(host_units(plan, units, on).only("pk", "path", "name", "level", "area_type"))
    groups = []
    for target in targets:
        total = CoverageRow(None)
        by_district: dict[int, CoverageRow] = {}
        alone = []
        for unit in hosts:
            if unit.area_type not in target.area_types:
                continue
            district = districts.get(district_path(unit.path))
            # A host at district level has no communes (AdminUnitQuerySet.club_hosts). Not "its own
            # district": on the two-level map every commune is, and none lacks communes.
            if unit.level == Level.DISTRICT:
                alone.append(unit)
            row = by_district.setdefault(district.pk if district else None, CoverageRow(district))
            covered = per_unit.get(unit.pk, 0) >= plan.coverage_min_clubs
            for counted in (row, total):
                counted.units += 1
                counted.covered += covered
        groups.append(
            CoverageGroup(
                target=target,
                total=total,
                districts=_ordered(row for row in by_district.values() if row.unit is not None),
                units_without_communes=sorted(alone, key=lambda unit: unit.path),
            )
        )
    return groups


def window(plan: TargetPlan, on: datetime.date) -> Period:
    """The window of the club measures: the plan's number of months up to `on`."""
    return Period.months_up_to(on, plan.window_months)


def _window_months(plan: TargetPlan, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last month of the monthly reports counted: the window's months, ending
    with the month of `on`."""
    last = month_start(on)
    return add_months(last, 1 - plan.window_months), last


def club_rows(plan: TargetPlan, clubs: QuerySet[Club], on: datetime.date, districts) -> list[ClubRow]:
    """The measures of each club active on `on`, by district and name: four queries."""
    active = plan_clubs(plan, clubs).active_on(on)
    period = window(plan, on)
    first_month, last_month = _window_months(plan, on)
    members = {
        row["club"]: row
        for row in Membership.objects.active_on(on)
        .filter(club__in=active)
        .values("club")
        .annotate(members=Count("pk"), borrowers=Count("pk", filter=Q(had_a_loan_out(period.start, period.end))))
        .order_by()
    }
    balances = fund_balances(clubs=active, on=on)
    accepted = MonthlyReport.objects.filter(
        club__in=active, status=ReportStatus.ACCEPTED, month__gte=first_month, month__lte=last_month
    )
    months = area_months(accepted)
    rows = []
    for club in active.select_related("unit").only("pk", "code", "name", "unit__code", "unit__name", "unit__path"):
        counts = members.get(club.pk, {})
        rows.append(
            ClubRow(
                club=club,
                district=districts.get(district_path(club.unit.path)),
                members=counts.get("members", 0),
                borrowers=counts.get("borrowers", 0),
                balances=balances.get(club.pk, {}),
                areas_done=sum(1 for n in months.get(club.pk, {}).values() if n >= plan.activity_min_months),
                borrowing_threshold=plan.club_borrowing_threshold,
            )
        )
    return sorted(rows, key=lambda row: (row.district.path if row.district else "", row.club.name, row.club.pk))


def _club_rollups(rows: list[ClubRow]) -> tuple[ClubRollup, list[ClubRollup]]:
    total = ClubRollup(None)
    by_district: dict = defaultdict(lambda: None)
    for row in rows:
        key = row.district.pk if row.district else None
        if by_district[key] is None:
            by_district[key] = ClubRollup(row.district)
        by_district[key].add(row)
        total.add(row)
    return total, _ordered(rollup for rollup in by_district.values() if rollup is not None and rollup.unit)


@dataclasses.dataclass(frozen=True)
class AtRiskRow:
    unit: AdminUnit | None  # a district; None for the whole scope
    figures: AtRisk


@dataclasses.dataclass(frozen=True)
class PortfolioAtRisk:
    total: AtRiskRow
    districts: list[AtRiskRow]


def portfolio_at_risk(clubs: QuerySet[Club], on: datetime.date, districts) -> PortfolioAtRisk:
    """PAR30 of the clubs' loans (loans.portfolio.at_risk_by_club, whatever the club's status:
    its members still owe the fund), per district and in total: three queries."""
    by_club = at_risk_by_club(clubs=clubs, on=on)
    club_paths = dict(clubs.values_list("pk", "unit__path"))
    per_district: dict = defaultdict(AtRisk)
    for club_id, figures in by_club.items():
        per_district[district_path(club_paths[club_id])] += figures
    total = sum(per_district.values(), AtRisk())
    rows = [AtRiskRow(districts[key], figures) for key, figures in per_district.items() if key in districts]
    return PortfolioAtRisk(total=AtRiskRow(None, total), districts=_ordered(rows))


# --- the report ---------------------------------------------------------------------------------


def target_report(
    *, plan: TargetPlan, clubs: QuerySet[Club], units: QuerySet[AdminUnit], on: datetime.date
) -> TargetReport:
    """The whole report for the clubs and units of the user's scope (accounts.access), or of the
    province (the command): a fixed number of queries, whatever the number of clubs and members."""
    counted = plan_clubs(plan, clubs)
    districts = _districts(plan)
    elapsed = elapsed_share(plan, on)
    rows = club_rows(plan, clubs, on, districts)
    club_total, club_districts = _club_rollups(rows)
    active = counted.active_on(on)
    period = window(plan, on)
    return TargetReport(
        plan=plan,
        on=on,
        window=period,
        elapsed=elapsed,
        coverage_on=coverage_day(plan, on),
        new_clubs=_new_clubs(plan, clubs, on, districts),
        coverage=_coverage(plan, clubs, units, on, districts, list(plan.coverage_targets.all())),
        club_total=club_total,
        club_districts=club_districts,
        clubs=rows,
        scorecard=scorecard_total(clubs=counted, on=on),
        status_counts=club_counts_by_status(
            clubs=counted.filter(Q(decision_date__lte=on) | Q(launch_date__lte=on)), on=on
        ),
        capital=capital_total(clubs=active, on=on),
        capital_districts=capital_rollup(clubs=active, on=on, depth=UNDER_PROVINCE_DEPTH),
        portfolio=portfolio_at_risk(counted, on, districts),
    )


def plan_for(code_or_name: str) -> TargetPlan | None:
    """A plan by its short code or its name (as the command and links name it)."""
    return (
        TargetPlan.objects.select_related("scheme", "province")
        .filter(Q(code=code_or_name) | Q(name=code_or_name))
        .first()
    )


def current_plan(on: datetime.date) -> TargetPlan | None:
    """The plan to show by default: the one whose period holds `on`, else the latest."""
    plans = TargetPlan.objects.select_related("scheme", "province")
    return plans.filter(period_start__lte=on, period_end__gte=on).order_by("-period_start").first() or plans.first()


# --- the lists behind the figures (the dashboard's drill-down pages) ----------------------------


def plan_district(plan: TargetPlan, district_id: int | None) -> AdminUnit | None:
    """A district of the plan's province (a unit right under it), by id; None for another id."""
    if district_id is None:
        return None
    return _plan_districts(plan).filter(pk=district_id).first()


@dataclasses.dataclass(frozen=True)
class NewClubLine:
    """One club counted as new: `club` carries its `status` on the report date."""

    club: Club
    district: AdminUnit | None
    counted_on: datetime.date  # the date that makes it new (plan.new_club_date)
    members: int  # on the report date


def new_club_list(
    plan: TargetPlan,
    clubs: QuerySet[Club],
    on: datetime.date,
    *,
    district: AdminUnit | None = None,
    year: int | None = None,
    launched: bool | None = None,
) -> list[NewClubLine]:
    """The clubs behind the new-club figures (all, of a district, of a year, launched or not by
    `on`), by district, date and name: three queries."""
    districts = _districts(plan)
    new = new_clubs_queryset(plan, clubs, on).annotate(counted_on=F("plan_date"))
    if district is not None:
        new = new.alias(district=district_key()).filter(district=district.pk)
    if year is not None:
        new = new.filter(plan_date__year=year)
    if launched is not None:
        launched_by = Q(launch_date__lte=on)
        new = new.filter(launched_by) if launched else new.exclude(launched_by)
    listed = list(new.with_status(on).select_related("unit"))
    members = {
        row["club"]: row["n"]
        for row in Membership.objects.active_on(on)
        .filter(club__in=new.values("pk"))
        .values("club")
        .annotate(n=Count("pk"))
        .order_by()
    }
    lines = [
        NewClubLine(
            club=club,
            district=districts.get(district_path(club.unit.path)),
            counted_on=club.counted_on,
            members=members.get(club.pk, 0),
        )
        for club in listed
    ]
    return sorted(
        lines, key=lambda line: (line.district.path if line.district else "", line.counted_on, line.club.name)
    )


def club_list(
    plan: TargetPlan,
    clubs: QuerySet[Club],
    on: datetime.date,
    *,
    measure: ClubMeasure | None = None,
    met: bool | None = None,
    district: AdminUnit | None = None,
) -> list[ClubRow]:
    """The active clubs behind a club measure (those meeting it, or not), in a district or in
    the whole scope: the queries of club_rows and one for the districts."""
    rows = club_rows(plan, clubs, on, _districts(plan))
    if district is not None:
        rows = [row for row in rows if row.district is not None and row.district.pk == district.pk]
    if measure is not None and met is not None:
        rows = [row for row in rows if row.meets(measure) == met]
    return rows


@dataclasses.dataclass(frozen=True)
class UnitRow:
    """A unit hosting clubs, with the clubs active in it on the report date."""

    unit: AdminUnit
    district: AdminUnit | None
    clubs: list[Club]
    min_clubs: int

    @property
    def covered(self) -> bool:
        return len(self.clubs) >= self.min_clubs


def unit_rows(
    plan: TargetPlan,
    clubs: QuerySet[Club],
    units: QuerySet[AdminUnit],
    on: datetime.date,
    *,
    group: CoverageTarget | None = None,
    district: AdminUnit | None = None,
    covered: bool | None = None,
) -> list[UnitRow]:
    """The units behind a coverage figure — of a group, in a district, covered or not — counted
    as the report counts them (host_units, the clubs active_clubs_per_unit counts), in the order
    of the map: three queries."""
    districts = _districts(plan)
    hosts = host_units(plan, units, on)
    if group is not None:
        hosts = hosts.filter(area_type__in=group.area_types)
    if district is not None:
        hosts = hosts.alias(district=district_key("")).filter(district=district.pk)
    per_unit: dict[int, list[Club]] = defaultdict(list)
    active = plan_clubs(plan, clubs).active_on(on).filter(unit__in=hosts.values("pk"))
    for club in active.only("pk", "name", "code", "unit_id").order_by("name", "pk"):
        per_unit[club.unit_id].append(club)
    rows = [
        UnitRow(
            unit=unit,
            district=districts.get(district_path(unit.path)),
            clubs=per_unit.get(unit.pk, []),
            min_clubs=plan.coverage_min_clubs,
        )
        for unit in hosts.only("pk", "code", "path", "name", "level", "kind", "area_type").order_by("path")
    ]
    return rows if covered is None else [row for row in rows if row.covered == covered]
