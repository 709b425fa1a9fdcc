"""The lists behind the targets report's figures (the dashboard's drill-down pages): the new
clubs, the active clubs behind a club measure, the units behind a coverage figure — each of a
district or of the whole scope, counted as targets/selectors.py counts the figure it explains."""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import Count, F, Q, QuerySet

from areas.models import AdminUnit, district_path
from areas.selectors import district_key
from clubs.models import Club, ClubQuerySet
from members.models import Membership
from targets.models import CoverageTarget, TargetPlan
from targets.report import ClubMeasure, ClubRow
from targets.selectors import club_rows, districts_by_path, host_units, new_clubs_queryset, on_plan_map, plan_clubs


@dataclasses.dataclass(frozen=True)
class NewClubLine:
    """One club counted as new: `club` carries its `status` on the report date."""

    club: Club
    district: AdminUnit | None
    counted_on: datetime.date  # the date that makes it new (plan.new_club_date)
    members: int  # on the report date


def new_club_list(
    plan: TargetPlan,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    *,
    district: AdminUnit | None = None,
    year: int | None = None,
    launched: bool | None = None,
) -> list[NewClubLine]:
    """The clubs behind the new-club figures (all, of a district, of a year, launched or not by
    `on`), by district, date and name: three queries."""
    districts = districts_by_path(plan)
    new = new_clubs_queryset(plan, clubs, on).annotate(counted_on=F("plan_date"))
    by_unit = on_plan_map(plan)
    new = by_unit.rows(new)
    if district is not None:
        new = new.filter(**{f"{by_unit.unit_path()}__startswith": district.path})
    if year is not None:
        # django-stubs reads a transform of an annotation (__year) as the annotation itself.
        new = new.filter(plan_date__year=year)  # type: ignore[misc]
    if launched is not None:
        launched_by = Q(launch_date__lte=on)
        new = new.filter(launched_by) if launched else new.exclude(launched_by)
    listed = list(new.with_status(on).select_related("unit").annotate(map_path=F(by_unit.unit_path())))
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
            district=districts.get(district_path(club.map_path)),
            counted_on=club.counted_on,  # type: ignore[attr-defined]  # annotated above, not in with_status's type
            members=members.get(club.pk, 0),
        )
        for club in listed
    ]
    return sorted(
        lines, key=lambda line: (line.district.path if line.district else "", line.counted_on, line.club.name)
    )


def club_list(
    plan: TargetPlan,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    *,
    measure: ClubMeasure | None = None,
    met: bool | None = None,
    district: AdminUnit | None = None,
) -> list[ClubRow]:
    """The active clubs behind a club measure (those meeting it, or not), in a district or in
    the whole scope: the queries of club_rows and one for the districts."""
    rows = club_rows(plan, clubs, on, districts_by_path(plan))
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
    clubs: ClubQuerySet[Club],
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
    districts = districts_by_path(plan)
    hosts = host_units(plan, units, on)
    if group is not None:
        hosts = hosts.filter(group.unit_condition())
    if district is not None:
        hosts = hosts.alias(district_pk=district_key("")).filter(district_pk=district.pk)
    per_unit: dict[int, list[Club]] = defaultdict(list)
    by_unit = on_plan_map(plan)
    active = (
        by_unit.rows(plan_clubs(plan, clubs).active_on(on))
        .filter(**{f"{by_unit.unit_id()}__in": hosts.values("pk")})
        .annotate(map_unit=F(by_unit.unit_id()))
    )
    for club in active.only("pk", "name", "code").order_by("name", "pk"):
        per_unit[club.map_unit].append(club)
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
