"""The club scorecard against the Decision 1336 standards, per club and rolled up by area.

Every figure is counted in the database per club, in grouped queries (one per table, whatever the
number of clubs or members); a commune's, a district's and the scope's figures are their clubs'
added up (ClubTally). Shares and
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
from typing import TypedDict

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


def poor_people(on: datetime.date) -> QuerySet[HouseholdStatus, PersonId]:
    """The ids of the people whose household status on `on` is poor or near-poor
    (HouseholdStatusQuerySet.in_force: not correlated, so the database works it out once and checks
    each membership against it)."""
    return HouseholdStatus.objects.in_force(on).filter(status__in=POOR_OR_NEAR_POOR).values("person")


def _member_aggregates(on: datetime.date) -> dict[str, Aggregate | Combinable]:
    """Counts over a club's active memberships ("active")."""
    person = "active__person__"
    return {
        "members": Count("active"),
        "older": Count("active", filter=older_condition(on, person)),
        "women": Count("active", filter=Q(**{f"{person}sex": Sex.FEMALE})),
        "poor": Count("active", filter=Q(active__person__in=poor_people(on))),
    }


def _with_members(clubs: ClubQuerySet[Club], on: datetime.date) -> ClubQuerySet[Club]:
    """Clubs joined to their memberships active on `on` (the condition of
    Membership.objects.active_on, in the join so that a club without members still counts)."""
    return clubs.alias(
        active=FilteredRelation("memberships", condition=MembershipQuerySet.active_condition(on, "memberships__"))
    )


@dataclasses.dataclass(frozen=True)
class ClubTally:
    """What a club counts on a date, and what its area's figures add up from: its members by kind,
    the people on its board and its teams by activity area."""

    members: int
    older: int
    women: int
    poor: int
    holders: frozenset[int]  # the people holding a board position
    teams: dict[str, int]  # ActivityArea code → teams working in it

    @property
    def areas(self) -> frozenset[str]:
        return frozenset(self.teams)


def _tallies(clubs: ClubQuerySet[Club], on: datetime.date) -> dict[int, ClubTally]:
    """{club id: ClubTally} of each club of `clubs`: three queries, one scan of the memberships.

    Every figure of an area is its clubs' added up (the people of its boards and the areas of its
    teams as sets, someone on two boards of a commune counting once), so the scorecard scans the
    memberships once for the clubs, the areas and the total, not once for each."""
    figures = grouped(_with_members(clubs, on), F("pk"), _member_aggregates(on))
    holders: dict[int, set[int]] = {}
    for club_id, holder_id in (
        BoardPosition.objects.held_on(on).filter(club__in=clubs).values_list("club_id", "holder_id")
    ):
        holders.setdefault(club_id, set()).add(holder_id)
    teams: dict[int, dict[str, int]] = {}
    for row in (
        Team.objects.held_on(on)
        .filter(club__in=clubs)
        .values("club_id", "activity_area")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        teams.setdefault(row["club_id"], {})[row["activity_area"]] = row["n"]
    return {
        club_id: ClubTally(
            members=row["members"],
            older=row["older"],
            women=row["women"],
            poor=row["poor"],
            holders=frozenset(holders.get(club_id, ())),
            teams=teams.get(club_id, {}),
        )
        for club_id, row in figures.items()
    }


def _per_club(people: int, clubs: int) -> int | None:
    """people / clubs rounded half up to whole people; None without clubs."""
    return (2 * people + clubs) // (2 * clubs) if clubs else None


def _figures(members: int, older: int, women: int, poor: int, standards: ClubStandards) -> Figures:
    return Figures(
        members=Figure(members, standard=standards.members),
        older=Figure(older, share(older, members), standards.older),
        younger=Figure(members - older, share(members - older, members), standards.younger),
        women=Figure(women, share(women, members), standards.women),
        poor=Figure(poor, share(poor, members)),
    )


def _rollup(unit: AdminUnit | None, on: datetime.date, tallies: list[ClubTally], standards: ClubStandards) -> Rollup:
    """The figures of the active clubs `tallies` together."""
    members, older = sum(t.members for t in tallies), sum(t.older for t in tallies)
    clubs = len(tallies)
    return Rollup(
        unit=unit,
        on=on,
        clubs=clubs,
        figures=_figures(members, older, sum(t.women for t in tallies), sum(t.poor for t in tallies), standards),
        members_per_club=_per_club(members, clubs),
        older_per_club=_per_club(older, clubs),
        board_members=len(frozenset().union(*(t.holders for t in tallies))),
        teams=sum(sum(t.teams.values()) for t in tallies),
        areas=len(frozenset().union(*(t.areas for t in tallies))),
        clubs_all_areas=sum(1 for t in tallies if len(t.areas) == ALL_AREAS),
        standards=standards,
    )


def _club_score(club: Club, on: datetime.date, status: str, tally: ClubTally, standards: ClubStandards) -> ClubScore:
    return ClubScore(
        club=club,
        on=on,
        status=status,
        figures=_figures(tally.members, tally.older, tally.women, tally.poor, standards),
        board_size=len(tally.holders),
        teams=sum(tally.teams.values()),
        areas=tally.areas,
        standards=standards,
    )


def _by_area(
    active: ClubQuerySet[Club],
    on: datetime.date,
    tallies: dict[int, ClubTally],
    by_area: MapGrouping,
    standards: ClubStandards,
) -> list[Rollup]:
    """The clubs `tallies` (those of `active`) added up by area of `by_area`, in the order of the
    map: two queries (each club's area, the areas' units)."""
    areas = dict(by_area.rows(active).annotate(group=by_area.key()).values_list("pk", "group").order_by())
    per_area: dict[int, list[ClubTally]] = {}
    for club_id, tally in tallies.items():
        group = areas.get(club_id)
        if group is not None:
            per_area.setdefault(group, []).append(tally)
    units = AdminUnit.objects.select_related("parent").in_bulk(list(per_area))
    rollups = [
        _rollup(units[group], on, group_tallies, standards)
        for group, group_tallies in per_area.items()
        if group in units
    ]
    return sorted(rollups, key=lambda rollup: rollup.unit.path if rollup.unit else "")


# --- selectors ------------------------------------------------------------------------------


def club_scorecards(
    *, clubs: ClubQuerySet[Club], on: datetime.date, standards: ClubStandards = DECISION_1336
) -> list[ClubScore]:
    """The score of each club of `clubs` active on `on`, by name: four queries."""
    active = clubs.active_on(on)
    return _club_scores(active, on, _tallies(active, on), standards)


def _club_scores(
    active: ClubQuerySet[Club], on: datetime.date, tallies: dict[int, ClubTally], standards: ClubStandards
) -> list[ClubScore]:
    clubs_by_name = active.select_related("unit__parent").order_by("name", "pk")
    return [_club_score(club, on, ClubStatus.ACTIVE, tallies[club.pk], standards) for club in clubs_by_name]


def club_scorecard(
    *, club: Club, on: datetime.date, status: str | None = None, standards: ClubStandards = DECISION_1336
) -> ClubScore:
    """The score of one club on a date, whatever its status that day (for the club's page): four
    queries, three when the caller passes the club's `status` on `on` (club_detail has it from
    Club.objects.with_status)."""
    one = Club.objects.filter(pk=club.pk)
    if status is None:
        status = one.with_status(on).values_list("status", flat=True).get()
    return _club_score(club, on, status, _tallies(one, on)[club.pk], standards)


def scorecard_total(
    *, clubs: ClubQuerySet[Club], on: datetime.date, standards: ClubStandards = DECISION_1336
) -> Rollup:
    """All clubs of `clubs` active on `on`, together: three queries."""
    return _rollup(None, on, list(_tallies(clubs.active_on(on), on).values()), standards)


def scorecard_rollup(
    *,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    by_area: MapGrouping,
    standards: ClubStandards = DECISION_1336,
) -> list[Rollup]:
    """The clubs of `clubs` active on `on`, grouped by area, in the order of the map: five queries.

    `by_area` (clubs.models.MapGrouping) with depth None groups by the unit each club sits in on
    the map (a commune, or a district without communes such as Lý Sơn, which counts as one:
    docs/domain.md §6); with depth n by the unit's ancestor n levels from the top of the map
    (PROVINCE_DEPTH, UNDER_PROVINCE_DEPTH). Clubs sitting above that depth, or not on the map,
    are in no group.
    """
    active = clubs.active_on(on)
    return _by_area(active, on, _tallies(active, on), by_area, standards)


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
    active = clubs.active_on(on)
    tallies = _tallies(active, on)
    hosts = _by_area(active, on, tallies, MapGrouping(scheme), standards)
    middle = _by_area(active, on, tallies, MapGrouping(scheme, UNDER_PROVINCE_DEPTH), standards)
    if [rollup.unit for rollup in middle] == [rollup.unit for rollup in hosts]:
        middle = []
    return ScorecardReport(
        on=on,
        scheme=scheme,
        total=_rollup(None, on, list(tallies.values()), standards),
        middle=middle,
        hosts=hosts,
        clubs=_club_scores(active, on, tallies, standards),
        status_counts=club_counts_by_status(clubs=clubs, on=on),
        standards=standards,
    )
