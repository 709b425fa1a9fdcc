"""Reads of the club register: the list, and club counts by unit and by status."""

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from areas.models import AdminScheme, AdminUnit
from clubs.models import Club, ClubQuerySet, MapGrouping
from core.text import fold

if TYPE_CHECKING:
    from clubs.models import ClubWithStatus


def club_list(
    *, clubs: ClubQuerySet[Club], on: datetime.date, q: str = "", unit: AdminUnit | None = None, status: str = ""
) -> "QuerySet[ClubWithStatus]":
    """The clubs of a scope for the list page: status as of `on`, searched and filtered in SQL."""
    rows = clubs.with_status(on).select_related("unit", "unit__parent")
    if q:
        for word in fold(q).split():
            rows = rows.filter(name_folded__contains=word)
    if unit is not None:
        rows = rows.filter(unit__path__startswith=unit.path)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("name_folded", "pk")


def club_counts_by_unit(
    *, clubs: ClubQuerySet[Club], on: datetime.date, scheme: AdminScheme
) -> dict[int, dict[str, int]]:
    """{unit_id: {status: count}} of the units of the map `scheme`, by where each club sits on it
    (MapGrouping), in one grouped query."""
    by_unit = MapGrouping(scheme)
    counts: dict[int, dict[str, int]] = {}
    rows = by_unit.rows(clubs.with_status(on)).order_by().annotate(unit_on_map=by_unit.key())
    for row in rows.values("unit_on_map", "status").annotate(n=Count("pk")):
        counts.setdefault(row["unit_on_map"], {})[row["status"]] = row["n"]
    return counts


def club_counts_by_status(*, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[str, int]:
    rows = clubs.with_status(on).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
