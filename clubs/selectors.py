"""Reads of the club register: the list, and club counts by unit and by status."""

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from areas.models import AdminUnit
from clubs.models import Club, ClubQuerySet
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


def club_counts_by_unit(*, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[int, dict[str, int]]:
    """{unit_id: {status: count}} in one grouped query."""
    counts: dict[int, dict[str, int]] = {}
    for row in clubs.with_status(on).order_by().values("unit_id", "status").annotate(n=Count("pk")):
        counts.setdefault(row["unit_id"], {})[row["status"]] = row["n"]
    return counts


def club_counts_by_status(*, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[str, int]:
    rows = clubs.with_status(on).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}
