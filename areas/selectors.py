"""Reads of the administrative map: the scheme to show, the tree with its club counts, and how
units group under their ancestors (the key every roll-up by area uses)."""

import dataclasses
import datetime

from django.db.models import Exists, Expression, F, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Length, Replace
from django.db.models.lookups import StartsWith

from areas.models import UNDER_PROVINCE_DEPTH, AdminScheme, AdminUnit


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


def scheme_in_force(on: datetime.date) -> AdminScheme | None:
    """The map in force on a day: the one whose units hold it (the units of the earliest map held
    start open, so it holds the days before it too), else the one whose dates hold it (its units
    are not loaded yet); None before every map held. Two queries at most."""
    holding = AdminScheme.objects.filter(Exists(AdminUnit.objects.in_force(on).filter(scheme=OuterRef("pk"))))
    return holding.order_by("-valid_from").first() or AdminScheme.objects.in_force(on).order_by("-valid_from").first()


def unit_tree(*, units: QuerySet[AdminUnit], club_counts: dict[int, dict[str, int]]) -> list[TreeNode]:
    """Nest the given units by parent and add up club counts from each unit to the top.

    Works for any number of levels; units whose parent is not in `units` become roots (an
    area staff member's district is the root of their tree).
    """
    # Keyed as a unit names its parent (parent_id, None for the top of the map).
    nodes: dict[int | None, TreeNode] = {unit.pk: TreeNode(unit=unit) for unit in units.order_by("path")}
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


def _ancestor_at(depth: int, unit: str) -> Subquery:
    """The id of the ancestor, `depth` levels from the top, of a unit (the unit itself at its own
    depth; NULL above it). Levels are data (docs/domain.md §6): found on the path, never by level
    name. `unit`: the lookup from the outer query to the unit ("" from a unit itself, "unit__" from
    a club, "club__unit__" from a loan)."""
    return Subquery(
        AdminUnit.objects.filter(scheme=OuterRef(f"{unit}scheme"))
        .alias(depth=_unit_depth())
        .filter(StartsWith(OuterRef(f"{unit}path"), F("path")), depth=depth)
        .order_by()
        .values("pk")[:1],
        output_field=IntegerField(),
    )


def unit_group_key(depth: int | None, club: str = "") -> F | Subquery:
    """Per unit a club sits in (depth None), or per ancestor at `depth`: the group key of every
    roll-up by area (the scorecard, capital by source, the portfolio, report completeness).
    `club`: the lookup from the rows grouped to their club, e.g. "club__" from a loan."""
    return F(f"{club}unit_id") if depth is None else _ancestor_at(depth, f"{club}unit__")


# --- the district of a unit -------------------------------------------------------------------
#
# The district of a unit is its ancestor right under the province: the unit itself when it is right
# under the province (a district without communes such as Lý Sơn, or a commune of the two-level map
# in force from 1 Jul 2025); none for the province. It is found on the materialized path, whatever
# the number of levels, in two forms that tests/areas/test_districts.py proves equal on random maps:
# district_key in SQL (to group or filter rows in the database) and district_path in Python (for
# rows already fetched with their unit's path).


def district_key(unit: str = "unit__") -> Subquery:
    """The id of the district of a unit, in SQL. `unit`: the lookup from the rows to their unit:
    "unit__" from a club (the default), "club__unit__" from a loan, "" from a unit itself."""
    return _ancestor_at(UNDER_PROVINCE_DEPTH, unit)


def districts(units: QuerySet[AdminUnit]) -> QuerySet[AdminUnit]:
    """The districts among `units`: the units right under their province, those district_key and
    district_path name."""
    return units.alias(depth=_unit_depth()).filter(depth=UNDER_PROVINCE_DEPTH)


def scope_units(*, units: QuerySet[AdminUnit], clubs: QuerySet[Model]) -> QuerySet[AdminUnit]:
    """The top units of a user's scope (`units` from accounts.access) on the maps its clubs
    (`clubs`, a Club queryset) are on: the province for province staff, their district or commune
    for area staff. One query."""
    return (
        units.exclude(parent__in=units)
        .filter(scheme__in=clubs.values("unit__scheme"))
        .select_related("scheme")
        .order_by("path")
    )
