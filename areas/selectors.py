import dataclasses
import datetime

from django.db.models import Exists, OuterRef, QuerySet

from areas.models import AdminScheme, AdminUnit


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
