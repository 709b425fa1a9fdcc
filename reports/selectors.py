"""The club scorecard against the Decision 1336 standards, per club and rolled up by area.

Every figure is counted in the database, in grouped queries (a fixed number per table: clubs,
communes, districts, the whole scope) whatever the number of clubs or members. Shares and
averages are worked out from those counts (core.shares: tenths of a percent rounded half up in
integer arithmetic, so 64,9 % everywhere and never above 100 %); Python turns the grouped rows
into dataclasses and compares the figures shown with the standards (reports/standards.py).

What is counted on a date `on`:
- clubs: those active on `on` (Club.objects.with_status); a club decided but not launched,
  suspended or dissolved is left out of every roll-up;
- members: Membership.objects.active_on(on), joined by then and not yet left;
- older / younger: the age group on `on` (members.models.older_condition);
- poor or near-poor: the household status valid on `on` (the latest entry from before it);
- board: people holding a board position on `on` (BoardPosition.objects.held_on);
- teams: teams working on `on` (Team.objects.held_on), and which of the eight activity areas they
  cover.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import (
    Aggregate,
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
)
from django.db.models.expressions import Combinable

from areas.models import UNDER_PROVINCE_DEPTH, AdminScheme, AdminUnit
from boards.models import BoardPosition, Team
from clubs.models import ALL_AREAS, ActivityArea, Club, ClubQuerySet, ClubStatus, MapGrouping
from clubs.selectors import club_counts_by_status
from core.queries import grouped
from core.shares import share
from members.models import EconomicStatus, HouseholdStatus, MembershipQuerySet, Sex, older_condition
from reports.standards import DECISION_1336, ClubStandards, Mark, Standard

POOR_OR_NEAR_POOR = (EconomicStatus.POOR, EconomicStatus.NEAR_POOR)


@dataclasses.dataclass(frozen=True)
class Figure:
    """A number of people, its share of the members (in %, one decimal) and the standard it meets."""

    count: int
    share: Decimal | None = None
    standard: Standard | None = None

    @property
    def mark(self) -> Mark | None:
        # The figure shown is the one measured, so a mark never contradicts the number beside it.
        if self.standard is None:
            return None
        return self.standard.mark(self.share if self.standard.percent else self.count)


@dataclasses.dataclass(frozen=True)
class Figures:
    """The member figures of a club, or of a group of clubs, on a date."""

    members: Figure
    older: Figure
    younger: Figure
    women: Figure
    poor: Figure


@dataclasses.dataclass(frozen=True)
class ClubScore:
    club: Club
    on: datetime.date
    status: str
    figures: Figures
    board_size: int
    teams: int
    areas: frozenset[str]  # ActivityArea codes with a team working on `on`
    standards: ClubStandards = DECISION_1336
    all_areas: int = ALL_AREAS

    @property
    def is_active(self) -> bool:
        return self.status == ClubStatus.ACTIVE

    @property
    def area_coverage(self) -> list[tuple[ActivityArea, bool]]:
        """The eight areas in their official order, each with whether the club has a team in it."""
        return [(area, area.value in self.areas) for area in ActivityArea]


@dataclasses.dataclass(frozen=True)
class Rollup:
    """The active clubs of an area (of the whole scope when `unit` is None) on a date."""

    unit: AdminUnit | None
    on: datetime.date
    clubs: int
    figures: Figures
    members_per_club: int | None  # rounded to whole people; None without clubs
    older_per_club: int | None
    board_members: int
    teams: int
    areas: int  # how many of the eight areas have a team in at least one of the clubs
    clubs_all_areas: int  # clubs with a team in each of the eight areas
    standards: ClubStandards = DECISION_1336

    @property
    def members_per_club_mark(self) -> Mark | None:
        """The average club against the members standard (50–70)."""
        return None if self.members_per_club is None else self.standards.members.mark(self.members_per_club)


@dataclasses.dataclass(frozen=True)
class ScorecardReport:
    """What the scorecard page and its export show, for clubs already scoped by the caller."""

    on: datetime.date
    scheme: AdminScheme | None  # the map its areas are of (clubs.models.MapGrouping)
    total: Rollup
    # Areas right under the province (districts until 30/06/2025). Empty when that level is the
    # one clubs sit in (after the two-tier reform): the `hosts` table shows it already.
    middle: list[Rollup]
    # The units clubs sit in: communes, and districts without communes such as Lý Sơn.
    hosts: list[Rollup]
    clubs: list[ClubScore]
    status_counts: dict[str, int]
    standards: ClubStandards = DECISION_1336

    all_areas: int = ALL_AREAS

    @property
    def status_list(self) -> list[tuple[ClubStatus, int]]:
        """The clubs of the scope by status on the date, only the statuses that occur."""
        return [(status, self.status_counts[status]) for status in ClubStatus if self.status_counts.get(status)]


# --- expressions ----------------------------------------------------------------------------


class PersonId(TypedDict):
    person: int


def _clubs_with_all_areas(on: datetime.date) -> QuerySet[Team, dict[str, Any]]:
    """The ids of the clubs with a team working in each of the eight areas on `on`.

    Not correlated with the outer query: the database works it out once and checks each row
    against it, rather than once per club × member row."""
    return (
        Team.objects.held_on(on)
        .order_by()
        .values("club")
        .annotate(areas=Count("activity_area", distinct=True))
        .filter(areas=ALL_AREAS)
        .values("club")
    )


def poor_people(on: datetime.date) -> QuerySet[HouseholdStatus, PersonId]:
    """The ids of the people whose household status on `on` is poor or near-poor
    (HouseholdStatusQuerySet.in_force: not correlated, for the same reason as above)."""
    return HouseholdStatus.objects.in_force(on).filter(status__in=POOR_OR_NEAR_POOR).values("person")


def _member_aggregates(on: datetime.date, *, groups: bool) -> dict[str, Aggregate | Combinable]:
    """Counts over the club's active memberships ("active"), then shares and averages from them.

    With `groups`, rows are several clubs: add the number of clubs, the averages per club and
    the clubs with teams in all eight areas.
    """
    person = "active__person__"
    members = Count("active")
    older = Count("active", filter=older_condition(on, person))
    women = Count("active", filter=Q(**{f"{person}sex": Sex.FEMALE}))
    poor = Count("active", filter=Q(active__person__in=poor_people(on)))
    result: dict[str, Aggregate | Combinable] = {"members": members, "older": older, "women": women, "poor": poor}
    if groups:
        # Rows are club × member, hence DISTINCT when counting clubs.
        result["clubs"] = Count("pk", distinct=True)
        result["clubs_all_areas"] = Count("pk", distinct=True, filter=Q(pk__in=_clubs_with_all_areas(on)))
    return result


def _with_members(clubs: ClubQuerySet[Club], on: datetime.date) -> ClubQuerySet[Club]:
    """Clubs joined to their memberships active on `on` (the condition of
    Membership.objects.active_on, in the join so that a club without members still counts)."""
    return clubs.alias(
        active=FilteredRelation("memberships", condition=MembershipQuerySet.active_condition(on, "memberships__"))
    )


def _board_and_teams(
    clubs: ClubQuerySet[Club], on: datetime.date, by_area: MapGrouping | None
) -> tuple[dict[Any, dict[str, Any]], dict[Any, dict[str, Any]]]:
    """People on the boards and teams (with the areas they cover) per area of `by_area`, or all
    together (None): two queries."""
    positions: QuerySet[BoardPosition] = BoardPosition.objects.held_on(on).filter(club__in=clubs)
    teams: QuerySet[Team] = Team.objects.held_on(on).filter(club__in=clubs)
    if by_area is not None:
        positions, teams = by_area.rows(positions, "club__"), by_area.rows(teams, "club__")
    key = by_area.key() if by_area is not None else None
    return (
        grouped(positions, key, {"board_members": Count("holder", distinct=True)}),
        grouped(teams, key, {"teams": Count("pk"), "areas": Count("activity_area", distinct=True)}),
    )


def _per_club(people: int, clubs: int) -> int | None:
    """people / clubs rounded half up to whole people; None without clubs."""
    return (2 * people + clubs) // (2 * clubs) if clubs else None


def _figures(row: dict[str, Any], standards: ClubStandards) -> Figures:
    members, older = row["members"], row["older"]
    return Figures(
        members=Figure(members, standard=standards.members),
        older=Figure(older, share(older, members), standards.older),
        younger=Figure(members - older, share(members - older, members), standards.younger),
        women=Figure(row["women"], share(row["women"], members), standards.women),
        poor=Figure(row["poor"], share(row["poor"], members)),
    )


# --- selectors ------------------------------------------------------------------------------


def club_scorecards(
    *, clubs: ClubQuerySet[Club], on: datetime.date, standards: ClubStandards = DECISION_1336
) -> list[ClubScore]:
    """The score of each club of `clubs` active on `on`, by name: four queries."""
    active = clubs.active_on(on)
    parts = _club_parts(active, on)
    clubs_by_name = active.select_related("unit__parent").order_by("name", "pk")
    return [_club_score(club, on, ClubStatus.ACTIVE, parts, standards) for club in clubs_by_name]


def club_scorecard(
    *, club: Club, on: datetime.date, status: str | None = None, standards: ClubStandards = DECISION_1336
) -> ClubScore:
    """The score of one club on a date, whatever its status that day (for the club's page): four
    queries, three when the caller passes the club's `status` on `on` (club_detail has it from
    Club.objects.with_status)."""
    one = Club.objects.filter(pk=club.pk)
    if status is None:
        status = one.with_status(on).values_list("status", flat=True).get()
    return _club_score(club, on, status, _club_parts(one, on), standards)


# Per club id: member figures, board, and {activity area: teams} (_club_parts).
ClubParts = tuple[dict[Any, dict[str, Any]], dict[Any, dict[str, Any]], dict[int, dict[str, int]]]


def _club_parts(clubs: ClubQuerySet[Club], on: datetime.date) -> ClubParts:
    """Per club id: member figures, board, and {activity area: teams}: three queries."""
    figures = grouped(_with_members(clubs, on), F("pk"), _member_aggregates(on, groups=False))
    board = grouped(
        BoardPosition.objects.held_on(on).filter(club__in=clubs),
        F("club_id"),
        {"board_members": Count("holder", distinct=True)},
    )
    teams: dict[int, dict[str, int]] = {}
    for row in (
        Team.objects.held_on(on)
        .filter(club__in=clubs)
        .values("club_id", "activity_area")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        teams.setdefault(row["club_id"], {})[row["activity_area"]] = row["n"]
    return figures, board, teams


def _club_score(club: Club, on: datetime.date, status: str, parts: ClubParts, standards: ClubStandards) -> ClubScore:
    figures, board, teams = parts
    by_area = teams.get(club.pk, {})
    return ClubScore(
        club=club,
        on=on,
        status=status,
        figures=_figures(figures[club.pk], standards),
        board_size=board.get(club.pk, {}).get("board_members", 0),
        teams=sum(by_area.values()),
        areas=frozenset(by_area),
        standards=standards,
    )


def scorecard_total(
    *, clubs: ClubQuerySet[Club], on: datetime.date, standards: ClubStandards = DECISION_1336
) -> Rollup:
    """All clubs of `clubs` active on `on`, together: three queries."""
    active = clubs.active_on(on)
    figures = grouped(_with_members(active, on), None, _member_aggregates(on, groups=True))
    board, teams = _board_and_teams(active, on, None)
    return _rollup(None, on, figures[None], board.get(None, {}), teams.get(None, {}), standards)


def scorecard_rollup(
    *,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    by_area: MapGrouping,
    standards: ClubStandards = DECISION_1336,
) -> list[Rollup]:
    """The clubs of `clubs` active on `on`, grouped by area, in the order of the map: four queries.

    `by_area` (clubs.models.MapGrouping) with depth None groups by the unit each club sits in on
    the map (a commune, or a district without communes such as Lý Sơn, which counts as one:
    docs/domain.md §6); with depth n by the unit's ancestor n levels from the top of the map
    (PROVINCE_DEPTH, UNDER_PROVINCE_DEPTH). Clubs sitting above that depth, or not on the map,
    are in no group.
    """
    active = clubs.active_on(on)
    figures = grouped(by_area.rows(_with_members(active, on)), by_area.key(), _member_aggregates(on, groups=True))
    board, teams = _board_and_teams(active, on, by_area)
    units = AdminUnit.objects.select_related("parent").in_bulk([group for group in figures if group is not None])
    rollups = [
        _rollup(units[group], on, row, board.get(group, {}), teams.get(group, {}), standards)
        for group, row in figures.items()
        if group in units
    ]
    return sorted(rollups, key=lambda rollup: rollup.unit.path if rollup.unit else "")


def _rollup(
    unit: AdminUnit | None,
    on: datetime.date,
    row: dict[str, Any],
    board: dict[str, Any],
    teams: dict[str, Any],
    standards: ClubStandards,
) -> Rollup:
    return Rollup(
        unit=unit,
        on=on,
        clubs=row["clubs"],
        figures=_figures(row, standards),
        members_per_club=_per_club(row["members"], row["clubs"]),
        older_per_club=_per_club(row["older"], row["clubs"]),
        board_members=board.get("board_members") or 0,
        teams=teams.get("teams") or 0,
        areas=teams.get("areas") or 0,
        clubs_all_areas=row["clubs_all_areas"],
        standards=standards,
    )


def scorecard_report(
    *,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    scheme: AdminScheme | None,
    standards: ClubStandards = DECISION_1336,
) -> ScorecardReport:
    """The page and the export, for clubs already scoped by accounts.access, by area of the map
    `scheme`: a fixed number of queries (listed in tests/reports/test_views.py), whatever the
    number of clubs and members."""
    hosts = scorecard_rollup(clubs=clubs, on=on, by_area=MapGrouping(scheme), standards=standards)
    middle = scorecard_rollup(
        clubs=clubs, on=on, by_area=MapGrouping(scheme, UNDER_PROVINCE_DEPTH), standards=standards
    )
    if [rollup.unit for rollup in middle] == [rollup.unit for rollup in hosts]:
        middle = []
    return ScorecardReport(
        on=on,
        scheme=scheme,
        total=scorecard_total(clubs=clubs, on=on, standards=standards),
        middle=middle,
        hosts=hosts,
        clubs=club_scorecards(clubs=clubs, on=on, standards=standards),
        status_counts=club_counts_by_status(clubs=clubs, on=on),
        standards=standards,
    )
