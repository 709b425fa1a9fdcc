"""Reads of the administrative map: the scheme to show, the tree with its club counts and the
lineage of its units, and how units group under their ancestors (the key every roll-up by area
uses)."""

import dataclasses
import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Case, Exists, Expression, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Length, Replace
from django.db.models.lookups import Exact, LessThan, StartsWith

from areas.models import UNDER_PROVINCE_DEPTH, AdminScheme, AdminUnit, AreaType, Change, UnitLink

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Loaded(TypedDict):
    has_units: bool
    starts_open: bool


if TYPE_CHECKING:
    # A scheme as map_schemes() gives it.
    MapScheme: TypeAlias = WithAnnotations[AdminScheme, _Loaded]


@dataclasses.dataclass
class UnitLineage:
    """The names of the units a unit came from, on the map before, and went to, on the map after."""

    came_from: list[str] = dataclasses.field(default_factory=list)
    went_to: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class TreeNode:
    unit: AdminUnit
    children: list["TreeNode"] = dataclasses.field(default_factory=list)
    clubs: int = 0
    active_clubs: int = 0
    lineage: UnitLineage = dataclasses.field(default_factory=UnitLineage)


def map_schemes() -> "list[MapScheme]":
    """Every scheme, oldest first, each with `has_units` (whether units of it are loaded) and
    `starts_open` (whether some of its units hold before its start: the earliest map held of a
    province, areas.services.open_starts_refresh)."""
    units = AdminUnit.objects.filter(scheme=OuterRef("pk"))
    return list(
        AdminScheme.objects.annotate(
            has_units=Exists(units), starts_open=Exists(units.filter(valid_from__isnull=True))
        ).order_by("valid_from")
    )


def unit_today(unit: AdminUnit, on: datetime.date) -> dict[str, object]:
    """The unit's area type and border status in force on `on` (AdminUnitQuerySet.with_classification_on),
    with the area type's label."""
    area_type, is_border = unit.classification_on(on)
    return {"area_type": AreaType(area_type).label if area_type else "", "is_border": is_border}


def scheme_in_force(on: datetime.date, schemes: "list[MapScheme] | None" = None) -> "MapScheme | None":
    """The map in force on a day, by its dates; a day before the earliest map loaded falls to that
    map when its units start open (a club older than it sits in it). None when no map holds the day.
    `schemes`: map_schemes() when the caller has them already (no query then; else one)."""
    schemes = schemes if schemes is not None else map_schemes()
    holding = [scheme for scheme in schemes if scheme.is_in_force(on)]
    if holding:
        return holding[-1]
    earliest = next((scheme for scheme in schemes if scheme.has_units), None)
    return earliest if earliest is not None and earliest.starts_open and on < earliest.valid_from else None


def scheme_default(on: datetime.date, schemes: "list[MapScheme] | None" = None) -> AdminScheme | None:
    """The map a page shows, or a report groups clubs on, for a day: the map in force then
    (scheme_in_force) if its units are loaded, else the latest map loaded."""
    schemes = schemes if schemes is not None else map_schemes()
    scheme = scheme_in_force(on, schemes)
    if scheme is not None and scheme.has_units:
        return scheme
    loaded = [scheme for scheme in schemes if scheme.has_units]
    return loaded[-1] if loaded else None


def unit_lineage(scheme: AdminScheme) -> dict[int, UnitLineage]:
    """Where each unit of a map came from and where it went, by unit id: the names of the units of
    the maps before and after, in the order of the map. A kept unit (the same code and name) has
    nothing to tell and is left out. One query, however many units."""
    columns = (
        *("predecessor_id", "predecessor__scheme_id", "predecessor__name", "predecessor__path"),
        *("successor_id", "successor__scheme_id", "successor__name", "successor__path"),
    )
    links = UnitLink.objects.exclude(change=Change.KEPT).order_by()
    # Two halves in one statement, rather than an OR across the two joins.
    rows = (
        links.filter(successor__scheme=scheme)
        .values_list(*columns)
        .union(links.filter(predecessor__scheme=scheme).values_list(*columns), all=True)
    )
    lineage: dict[int, UnitLineage] = {}
    for row in sorted(rows, key=lambda row: (row[3], row[7])):
        predecessor, predecessor_scheme, predecessor_name, _path, successor, successor_scheme, successor_name, _ = row
        if successor_scheme == scheme.pk:
            lineage.setdefault(successor, UnitLineage()).came_from.append(predecessor_name)
        if predecessor_scheme == scheme.pk:
            lineage.setdefault(predecessor, UnitLineage()).went_to.append(successor_name)
    return lineage


def unit_tree(
    *,
    units: QuerySet[AdminUnit],
    club_counts: dict[int, dict[str, int]],
    lineage: dict[int, UnitLineage] | None = None,
) -> list[TreeNode]:
    """Nest the given units by parent and add up club counts from each unit to the top; give each
    its lineage (unit_lineage) when there is one.

    Works for any number of levels; units whose parent is not in `units` become roots (an
    area staff member's district is the root of their tree).
    """
    lineage = lineage or {}
    # Keyed as a unit names its parent (parent_id, None for the top of the map).
    nodes: dict[int | None, TreeNode] = {
        unit.pk: TreeNode(unit=unit, lineage=lineage.get(unit.pk, UnitLineage())) for unit in units.order_by("path")
    }
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


def _unit_depth(unit: str = "") -> Expression:
    path = f"{unit}path"
    return Length(path) - Length(Replace(path, Value("/"), Value(""))) - Value(1)


# How many parents up _ancestor_at reaches through joins: a commune two levels under its
# district's parent is as deep as the maps go (province, district, commune); a deeper unit is
# still grouped right, by the path, at the cost of a lookup per row.
ANCESTOR_JOINS = 2


def _ancestor_by_path(depth: int, unit: str) -> Subquery:
    return Subquery(
        AdminUnit.objects.filter(scheme=OuterRef(f"{unit}scheme"))
        .alias(depth=_unit_depth())
        .filter(StartsWith(OuterRef(f"{unit}path"), F("path")), depth=depth)
        .order_by()
        .values("pk")[:1],
        output_field=IntegerField(),
    )


def _ancestor_at(depth: int, unit: str) -> Case:
    """The id of the ancestor, `depth` levels from the top, of a unit (the unit itself at its own
    depth; NULL above it). Levels are data (docs/domain.md §6): found on the path, never by level
    name. `unit`: the lookup from the outer query to the unit ("" from a unit itself, "unit__" from
    a club, "club__unit__" from a loan).

    The unit itself or one of its first ANCESTOR_JOINS parents, chosen by the unit's depth: column
    reads and a join on the parents, which the database does once for all the rows. A subquery per
    row, the path prefix test kept only for deeper units, made every roll-up by district read the
    units once per row grouped: 800.000 lookups for the capital of 2.000 clubs, 8 s of the 8,2 s.
    """
    unit_depth = _unit_depth(unit)
    return Case(
        *(
            When(Exact(unit_depth, depth + up), then=F(f"{unit}{'parent__' * up}id"))
            for up in range(ANCESTOR_JOINS + 1)
        ),
        When(LessThan(unit_depth, depth), then=Value(None)),
        default=_ancestor_by_path(depth, unit),
        output_field=IntegerField(),
    )


def unit_group_key(depth: int | None, unit: str) -> F | Case:
    """Per unit (depth None), or per ancestor at `depth`: the group key of every roll-up by area
    (clubs.models.MapGrouping, the unit a club sits in on the map reported). `unit`: the lookup from
    the rows grouped to the unit, e.g. "map_location__unit"."""
    return F(f"{unit}_id") if depth is None else _ancestor_at(depth, f"{unit}__")


# --- the district of a unit -------------------------------------------------------------------
#
# The district of a unit is its ancestor right under the province: the unit itself when it is right
# under the province (a district without communes such as Lý Sơn, or a commune of the two-level map
# in force from 1 Jul 2025); none for the province. It is found on the materialized path, whatever
# the number of levels, in two forms that tests/areas/test_districts.py proves equal on random maps:
# district_key in SQL (to group or filter rows in the database) and district_path in Python (for
# rows already fetched with their unit's path).


def district_key(unit: str) -> Case:
    """The id of the district of a unit, in SQL. `unit`: the lookup from the rows to their unit: ""
    from a unit itself, "map_location__unit__" from rows joined to where their club sits on a map
    (clubs.models.MapGrouping, which groups clubs by district so)."""
    return _ancestor_at(UNDER_PROVINCE_DEPTH, unit)


def districts(units: QuerySet[AdminUnit]) -> QuerySet[AdminUnit]:
    """The districts among `units`: the units right under their province, those district_key and
    district_path name."""
    return units.alias(depth=_unit_depth()).filter(depth=UNDER_PROVINCE_DEPTH)


def scope_units(*, units: QuerySet[AdminUnit], scheme: AdminScheme | None) -> QuerySet[AdminUnit]:
    """The top units of a user's scope (`units` from accounts.access) on the map a report groups
    clubs on: the province for province staff, their district or commune for area staff. One query."""
    return units.exclude(parent__in=units).filter(scheme=scheme).select_related("scheme").order_by("path")
