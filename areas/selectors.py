"""Reads of the administrative map: the scheme to show, the tree with its club counts, and how
units group under their ancestors (the key every roll-up by area uses)."""

import dataclasses
import datetime

from django.db.models import Exists, Expression, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Length, Replace
from django.db.models.lookups import StartsWith

from areas.models import AdminScheme, AdminUnit

# Depth of a unit in its scheme's tree, counted on the materialized path: "/51/" is 1 (the
# province), "/51/522/" is 2 (the level right under it: districts until 30/06/2025), and so on.
PROVINCE_DEPTH = 1
UNDER_PROVINCE_DEPTH = 2


@dataclasses.dataclass
class TreeNode:
    unit: AdminUnit
    children: list["TreeNode"] = dataclasses.field(default_factory=list)
    clubs: int = 0
    active_clubs: int = 0


def scheme_default(on: datetime.date) -> AdminScheme | None:
    """The scheme in force on a day if its units are loaded, else the latest loaded one."""
    loaded = AdminScheme.objects.filter(Exists(AdminUnit.objects.filter(scheme=OuterRef("pk")))).order_by("-valid_from")
    for scheme in loaded:
        if scheme.is_in_force(on):
            return scheme
    return loaded.first()


def unit_tree(*, units: QuerySet[AdminUnit], club_counts: dict[int, dict[str, int]]) -> list[TreeNode]:
    """Nest the given units by parent and add up club counts from each unit to the top.

    Works for any number of levels; units whose parent is not in `units` become roots (an
    area staff member's district is the root of their tree).
    """
    nodes = {unit.pk: TreeNode(unit=unit) for unit in units.order_by("path")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    # Deepest first, so each node's total is complete before it is added to its parent.
    for node in sorted(nodes.values(), key=lambda node: node.unit.path.count("/"), reverse=True):
        counts = club_counts.get(node.unit.pk, {})
        node.clubs += sum(counts.values())
        node.active_clubs += counts.get("active", 0)
        parent = nodes.get(node.unit.parent_id)
        if parent is not None:
            parent.clubs += node.clubs
            parent.active_clubs += node.active_clubs
    return roots


def _unit_depth() -> Expression:
    return Length("path") - Length(Replace("path", Value("/"), Value(""))) - Value(1)


def _ancestor_at(depth: int, club: str = "") -> Subquery:
    """The id of the ancestor, `depth` levels from the top, of the unit the club sits in (the unit
    itself at its own depth; NULL above it). Levels are data (docs/domain.md §6): found on the
    path, never by level name. `club`: the lookup from the outer query to the club, e.g. "club__"."""
    return Subquery(
        AdminUnit.objects.filter(scheme=OuterRef(f"{club}unit__scheme"))
        .alias(depth=_unit_depth())
        .filter(StartsWith(OuterRef(f"{club}unit__path"), F("path")), depth=depth)
        .order_by()
        .values("pk")[:1],
        output_field=IntegerField(),
    )


def unit_group_key(depth: int | None, club: str = "") -> Expression:
    """Per unit a club sits in (depth None), or per ancestor at `depth`: the group key of every
    roll-up by area (the scorecard, capital by source, the portfolio, report completeness).
    `club`: the lookup from the rows grouped to their club, e.g. "club__" from a loan."""
    return F(f"{club}unit_id") if depth is None else _ancestor_at(depth, club)


def scope_units(*, units: QuerySet[AdminUnit], clubs: QuerySet) -> QuerySet[AdminUnit]:
    """The top units of a user's scope (`units` from accounts.access) on the maps its clubs
    (`clubs`, a Club queryset) are on: the province for province staff, their district or commune
    for area staff. One query."""
    return (
        units.exclude(parent__in=units)
        .filter(scheme__in=clubs.values("unit__scheme"))
        .select_related("scheme")
        .order_by("path")
    )
