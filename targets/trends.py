"""Trends across the map reforms: clubs, members and coverage at the end of each year, each year
counted on the map in force on its last day (the district map until 2024, the map of 1 Jan 2025
for 30/06/2025, the two-level map of 1 Jul 2025 from the end of 2025), so that a series spans the
reforms without losing its years. Where the map changed from one point to the next the point says
so, and the chart marks it: coverage is a share of that map's units, which are other units.

The province is the plan's by its code on each map (Quảng Ngãi is 51 on all three; from 1 Jul 2025
it includes the former Kon Tum). A year is a few grouped queries whatever the number of clubs;
the years are those of the series, not of the data.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import Count, QuerySet

from areas.models import AdminScheme, AdminUnit
from areas.selectors import map_schemes, scheme_default
from clubs.models import Club, ClubQuerySet, MapGrouping
from core.queries import grouped
from core.shares import share
from members.models import Membership

# How many years a series shows at least, ending with the report's year.
TREND_YEARS = 5


@dataclasses.dataclass(frozen=True)
class TrendPoint:
    year: int
    day: datetime.date  # the day counted: 31 December, or the report's date in its own year
    scheme: AdminScheme | None  # the map counted on
    clubs: int  # active on `day`, located in the province on that map
    members: int  # members of those clubs on `day`
    units: int  # units of the map in the province that host clubs, in force on `day`
    covered: int  # of them, with at least `min_clubs` active clubs
    map_changed: bool  # the map differs from the previous point's

    @property
    def coverage(self) -> Decimal | None:
        return share(self.covered, self.units)


def trend_years(first_year: int, on: datetime.date) -> list[int]:
    """The years of a series ending with `on`'s year: from `first_year`, at least TREND_YEARS."""
    return list(range(min(first_year, on.year - TREND_YEARS + 1), on.year + 1))


def yearly_trend(
    *,
    clubs: ClubQuerySet[Club],
    units: QuerySet[AdminUnit],
    province_code: str,
    years: list[int],
    on: datetime.date,
    min_clubs: int = 1,
) -> list[TrendPoint]:
    """One point per year of `years`, for the clubs and units of the user's scope (accounts.access):
    one query for the maps, then three per year."""
    schemes = map_schemes()
    points: list[TrendPoint] = []
    for year in years:
        day = min(datetime.date(year, 12, 31), on)
        scheme = scheme_default(day, schemes)
        points.append(
            _point(
                clubs=clubs,
                units=units,
                province_code=province_code,
                year=year,
                day=day,
                scheme=scheme,
                min_clubs=min_clubs,
                map_changed=bool(points) and points[-1].scheme != scheme,
            )
        )
    return points


def _point(
    *,
    clubs: ClubQuerySet[Club],
    units: QuerySet[AdminUnit],
    province_code: str,
    year: int,
    day: datetime.date,
    scheme: AdminScheme | None,
    min_clubs: int,
    map_changed: bool,
) -> TrendPoint:
    province_path = f"/{province_code}/"  # the province's units on any map start with it
    by_unit = MapGrouping(scheme)
    active = by_unit.rows(clubs.active_on(day)).filter(**{f"{by_unit.unit_path()}__startswith": province_path})
    per_unit = grouped(active, by_unit.key(), {"n": Count("pk")})
    members = Membership.objects.active_on(day).filter(club__in=active.values("pk")).count()
    hosts = list(
        AdminUnit.objects.club_hosts()
        .in_force(day)
        .filter(scheme=scheme, path__startswith=province_path, pk__in=units.values("pk"))
        .values_list("pk", flat=True)
    )
    return TrendPoint(
        year=year,
        day=day,
        scheme=scheme,
        clubs=sum(row["n"] for row in per_unit.values()),
        members=members,
        units=len(hosts),
        covered=sum(1 for pk in hosts if per_unit.get(pk, {}).get("n", 0) >= min_clubs),
        map_changed=map_changed,
    )
