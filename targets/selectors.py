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

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, TypedDict, TypeVar, cast

from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, ExtractYear

from activities.models import MonthlyReport, ReportStatus
from activities.selectors import area_months
from areas.models import UNDER_PROVINCE_DEPTH, AdminUnit, Level, district_path
from areas.selectors import districts
from clubs.models import Club, ClubQuerySet, MapGrouping
from clubs.selectors import club_counts_by_status
from core.dates import add_months, month_start
from core.queries import grouped
from funds.selectors import capital_added_up, capital_rollup, club_capital, fund_balances
from loans.portfolio import AtRisk, Period, at_risk_by_club, had_a_loan_out
from members.models import Membership
from reports.selectors import scorecard_total
from targets.models import CoverageTarget, NewClubDate, TargetPlan
from targets.report import (
    AtRiskRow,
    ClubRollup,
    ClubRow,
    CoverageGroup,
    CoverageRow,
    NewClubs,
    NewClubsRow,
    PortfolioAtRisk,
    TargetReport,
    elapsed_share,
    pace,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from areas.models import ClassifiedUnit

# --- helpers ----------------------------------------------------------------------------------


def plan_clubs(plan: TargetPlan, clubs: ClubQuerySet[Club]) -> ClubQuerySet[Club]:
    """The clubs of `clubs` the plan counts: located on its map under its province, whatever
    map they were registered on (ClubQuerySet.located_under)."""
    return clubs.located_under(plan.province)


def on_plan_map(plan: TargetPlan, depth: int | None = None) -> MapGrouping:
    """The plan's clubs grouped by where they sit on its map (by unit, or by district with
    depth=UNDER_PROVINCE_DEPTH)."""
    return MapGrouping(plan.scheme, depth)


def _club_date(plan: TargetPlan) -> Combinable:
    if plan.new_club_date == NewClubDate.LAUNCH:
        return F("launch_date")
    return Coalesce("decision_date", "launch_date")


class PlanDate(TypedDict):
    """What new_clubs_queryset annotates on each club: the date that makes it new."""

    plan_date: datetime.date


def new_clubs_queryset(
    plan: TargetPlan, clubs: ClubQuerySet[Club], on: datetime.date
) -> "ClubQuerySet[WithAnnotations[Club, PlanDate]]":
    """The clubs new in the plan's period up to `on`, each with `plan_date` (the date that counts)."""
    end = min(on, plan.period_end)
    return (
        plan_clubs(plan, clubs)
        .alias(plan_date=_club_date(plan))
        .filter(plan_date__gte=plan.period_start, plan_date__lte=end)
    )


def plan_districts(plan: TargetPlan) -> QuerySet[AdminUnit]:
    """The districts of the plan's map under its province (areas.selectors.districts)."""
    return districts(AdminUnit.objects.filter(scheme=plan.scheme).under(plan.province))


# The districts of a plan by path (districts_by_path): keyed as areas.models.district_path gives
# it, which is None for the province itself.
DistrictsByPath = dict[str | None, AdminUnit]


def districts_by_path(plan: TargetPlan) -> DistrictsByPath:
    """The districts of the plan, by path (what areas.models.district_path gives): one query."""
    return {unit.path: unit for unit in plan_districts(plan)}


class _OfUnit(Protocol):
    @property
    def unit(self) -> AdminUnit | None: ...


_Row = TypeVar("_Row", bound=_OfUnit)


def _ordered(rows: Iterable[_Row]) -> list[_Row]:
    """Rows of districts in the order of the map."""
    return sorted(rows, key=lambda row: row.unit.path if row.unit else "")


# --- sections ---------------------------------------------------------------------------------


def _new_clubs(plan: TargetPlan, clubs: ClubQuerySet[Club], on: datetime.date, districts: DistrictsByPath) -> NewClubs:
    """Two queries: the new clubs (one row each, with district and year), their members per club.
    Adding up per district and year is done here: grouping the members by district in SQL would
    look the district up once per member."""
    new = new_clubs_queryset(plan, clubs, on)
    by_unit = on_plan_map(plan)
    club_rows = (
        by_unit.rows(new)
        .annotate(year=ExtractYear("plan_date"), path=F(by_unit.unit_path()))
        .values("pk", "path", "year", "launch_date")
    )
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
        key = district_path(row["path"])
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
    last_day = plan.scheme.last_day
    if last_day is not None and on > last_day:
        return last_day
    return max(on, plan.scheme.valid_from)


def host_units(plan: TargetPlan, units: QuerySet[AdminUnit], on: datetime.date) -> QuerySet[AdminUnit]:
    """The units of the plan's map that host clubs, in force on the coverage day, within `units`,
    with their classification on that day (area_type_on, is_border_on)."""
    day = coverage_day(plan, on)
    return (
        AdminUnit.objects.club_hosts()
        .in_force(day)
        .with_classification_on(day)
        .filter(scheme=plan.scheme, path__startswith=plan.province.path, pk__in=units.values("pk"))
    )


def active_clubs_per_unit(plan: TargetPlan, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[int, int]:
    """{unit id: clubs active on `on`} for the plan's clubs: one grouped query."""
    by_unit = on_plan_map(plan)
    rows = grouped(by_unit.rows(plan_clubs(plan, clubs).active_on(on)), by_unit.key(), {"n": Count("pk")})
    return {unit_id: row["n"] for unit_id, row in rows.items()}


def _coverage(
    plan: TargetPlan,
    clubs: ClubQuerySet[Club],
    units: QuerySet[AdminUnit],
    on: datetime.date,
    districts: DistrictsByPath,
    targets: list[CoverageTarget],
) -> list[CoverageGroup]:
    """Two queries: the host units, the active clubs per unit."""
    per_unit = active_clubs_per_unit(plan, clubs, on)
    hosts = cast("list[ClassifiedUnit]", list(host_units(plan, units, on).only("pk", "path", "name", "level")))
    groups = []
    for target in targets:
        total = CoverageRow(None)
        by_district: dict[int | None, CoverageRow] = {}
        alone: list[AdminUnit] = []
        for unit in hosts:
            if not target.includes(unit.area_type_on, unit.is_border_on):
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


def club_rows(
    plan: TargetPlan, clubs: ClubQuerySet[Club], on: datetime.date, districts: DistrictsByPath
) -> list[ClubRow]:
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
    by_unit = on_plan_map(plan)
    placed = by_unit.rows(active.select_related("unit")).annotate(map_path=F(by_unit.unit_path()))
    for club in placed.only("pk", "code", "name", "unit__code", "unit__name", "unit__path"):
        counts = members.get(club.pk, {})
        rows.append(
            ClubRow(
                club=club,
                district=districts.get(district_path(club.map_path)),
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
    by_district: dict[int | None, ClubRollup] = {}
    for row in rows:
        key = row.district.pk if row.district else None
        if key not in by_district:
            by_district[key] = ClubRollup(row.district)
        by_district[key].add(row)
        total.add(row)
    return total, _ordered(rollup for rollup in by_district.values() if rollup.unit)


def portfolio_at_risk(
    clubs: ClubQuerySet[Club], on: datetime.date, districts: DistrictsByPath, by_unit: MapGrouping
) -> PortfolioAtRisk:
    """PAR30 of the clubs' loans (loans.portfolio.at_risk_by_club, whatever the club's status:
    its members still owe the fund), per district (where `by_unit` places the clubs) and in
    total: three queries."""
    by_club = at_risk_by_club(clubs=clubs, on=on)
    club_paths = dict(by_unit.rows(clubs).values_list("pk", by_unit.unit_path()))
    per_district: defaultdict[str | None, AtRisk] = defaultdict(AtRisk)
    for club_id, figures in by_club.items():
        per_district[district_path(club_paths[club_id])] += figures
    total = sum(per_district.values(), AtRisk())
    rows = [AtRiskRow(districts[key], figures) for key, figures in per_district.items() if key in districts]
    return PortfolioAtRisk(total=AtRiskRow(None, total), districts=_ordered(rows))


# --- the report -------------------------------------------------------------------------------


def target_report(
    *, plan: TargetPlan, clubs: ClubQuerySet[Club], units: QuerySet[AdminUnit], on: datetime.date
) -> TargetReport:
    """The whole report for the clubs and units of the user's scope (accounts.access), or of the
    province (the command): a fixed number of queries, whatever the number of clubs and members."""
    counted = plan_clubs(plan, clubs)
    districts = districts_by_path(plan)
    elapsed = elapsed_share(plan, on)
    rows = club_rows(plan, clubs, on, districts)
    club_total, club_districts = _club_rollups(rows)
    active = counted.active_on(on)
    capital = club_capital(clubs=active, on=on)
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
        capital=capital_added_up(capital.values()),
        capital_districts=capital_rollup(
            clubs=active, per_club=capital, by_area=on_plan_map(plan, UNDER_PROVINCE_DEPTH)
        ),
        portfolio=portfolio_at_risk(counted, on, districts, on_plan_map(plan)),
    )


# --- the plans --------------------------------------------------------------------------------


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


def plan_district(plan: TargetPlan, district_id: int | None) -> AdminUnit | None:
    """A district of the plan's province (a unit right under it), by id; None for another id."""
    if district_id is None:
        return None
    return plan_districts(plan).filter(pk=district_id).first()
