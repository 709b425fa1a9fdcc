"""Writes to the administrative map: units loaded from a file, the lineage between maps with the
units it derives, and the open starts of the earliest maps."""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from areas.lineage import LineagePlan, PlannedUnit, lineage_plan
from areas.lineage_files import LineageFile
from areas.models import AdminScheme, AdminUnit, Kind, Level, UnitClassification, UnitLink
from areas.signals import lineage_loaded
from areas.unit_files import UnitFile, UnitRecord
from audit.services import acting_user, audit_record
from core.dates import format_date
from core.errors import refusal
from core.types import Actor


@dataclasses.dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[str, int] = dataclasses.field(default_factory=dict)
    # Units already there whose start open_starts_refresh opened or closed after the load.
    starts_changed: int = 0
    created_pks: set[int] = dataclasses.field(default_factory=set)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.starts_changed)


@transaction.atomic(durable=True)
def admin_units_load(
    *, scheme: AdminScheme, province_code: str, province_name: str, unit_file: UnitFile, actor: Actor = None
) -> LoadResult:
    """Create or update the units of one province in a scheme from a checked file: its districts
    and their communes (three levels), or communes right under the province (two levels).

    Idempotent: loading the same file again changes nothing. A unit whose name, kind, area
    type, parent or former province changed in the file is updated in place, so clubs attached
    to it stay. A unit the lineage had derived becomes the file's. The open starts are then
    refreshed (open_starts_refresh).
    """
    existing = {unit.code: unit for unit in AdminUnit.objects.filter(scheme=scheme)}
    result = LoadResult()

    province = _upsert(
        existing,
        result,
        scheme=scheme,
        record=UnitRecord(
            code=province_code, name=province_name, kind=Kind.PROVINCE, area_type="", parent_code=None, line=0
        ),
        level=Level.PROVINCE,
        parent=None,
    )
    # Keyed as a commune names its parent: its district's code, None when right under the province.
    parents: dict[str | None, AdminUnit] = {None: province}
    for record in unit_file.districts:
        parents[record.code] = _upsert(
            existing, result, scheme=scheme, record=record, level=Level.DISTRICT, parent=province
        )
    for record in unit_file.communes:
        _upsert(existing, result, scheme=scheme, record=record, level=Level.COMMUNE, parent=parents[record.parent_code])
    # Units created here were given their scheme's start a moment ago: opening them is part of
    # their creation, not a change of their own.
    result.starts_changed = len(open_starts_refresh() - result.created_pks)

    result.by_level = {
        Level.PROVINCE: 1,
        Level.DISTRICT: len(unit_file.districts),
        Level.COMMUNE: len(unit_file.communes),
    }
    if result.changed:
        audit_record(
            actor=actor,
            action="areas.units.loaded",
            target=scheme,
            data={
                "province": province_code,
                "created": result.created,
                "updated": result.updated,
                "starts_changed": result.starts_changed,
            },
        )
    return result


def _upsert(
    existing: dict[str, AdminUnit],
    result: LoadResult,
    *,
    scheme: AdminScheme,
    record: UnitRecord,
    level: str,
    parent: AdminUnit | None,
) -> AdminUnit:
    values: dict[str, object] = {
        "name": record.name,
        "level": level,
        "kind": record.kind,
        "area_type": record.area_type,
        "parent_id": parent.pk if parent else None,
        "path": f"{parent.path if parent else '/'}{record.code}/",
        "former_province": record.former_province,
        "derived": False,
    }
    unit = existing.get(record.code)
    if unit is None:
        unit = AdminUnit(
            scheme=scheme, code=record.code, valid_from=scheme.valid_from, valid_until=scheme.valid_until, **values
        )
        unit.full_clean()
        unit.save()
        result.created += 1
        result.created_pks.add(unit.pk)
        return unit
    changed = [field for field, value in values.items() if getattr(unit, field) != value]
    if not changed:
        result.unchanged += 1
        return unit
    for field in changed:
        setattr(unit, field, values[field])
    unit.full_clean()
    unit.save(update_fields=changed)
    result.updated += 1
    return unit


ERROR_CLASSIFICATION_DATE_TAKEN = _(
    "%(unit)s already has a classification from %(date)s: change that one in the admin."
)
ERROR_CLASSIFICATION_OUTSIDE_UNIT = _("%(unit)s did not exist on %(date)s.")
ERROR_CLASSIFICATION_NOT_A_CHANGE = _("From %(date)s %(unit)s is already classified so: nothing to record.")


@transaction.atomic
def unit_classify(
    *, actor: Actor, unit: AdminUnit, area_type: str, is_border: bool, valid_from: datetime.date, reason: str
) -> UnitClassification:
    """Record an official classification of `unit` from `valid_from` (a decision changed its area
    type or made it a border commune), with the reason. Reports dated from then count it so."""
    unit = AdminUnit.objects.select_for_update().get(pk=unit.pk)
    params = {"unit": unit.name, "date": format_date(valid_from)}
    if not unit.is_in_force(valid_from):
        raise refusal(ERROR_CLASSIFICATION_OUTSIDE_UNIT, field="valid_from", **params)
    if unit.classifications.filter(valid_from=valid_from).exists():
        raise refusal(ERROR_CLASSIFICATION_DATE_TAKEN, field="valid_from", **params)
    if unit.classification_on(valid_from) == (area_type, is_border):
        raise refusal(ERROR_CLASSIFICATION_NOT_A_CHANGE, **params)
    classification = UnitClassification(
        unit=unit,
        area_type=area_type,
        is_border=is_border,
        valid_from=valid_from,
        reason=reason.strip(),
        created_by=acting_user(actor),
    )
    classification.full_clean()
    classification.save()
    audit_record(
        actor=actor,
        action="areas.unit.classified",
        target=unit,
        data={"area_type": area_type, "is_border": is_border, "valid_from": valid_from.isoformat()},
    )
    return classification


@dataclasses.dataclass
class LineageResult:
    links_created: int = 0
    links_updated: int = 0
    links_unchanged: int = 0
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    # Units already there whose start open_starts_refresh opened or closed after the load.
    starts_changed: int = 0
    # "vn-2020 → vn-2025-01": number of links, per pair of maps in the file.
    links_by_pair: dict[str, int] = dataclasses.field(default_factory=dict)
    # Derived units per scheme code and level.
    derived_by_scheme: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.links_created or self.links_updated or self.units_created or self.units_updated or self.starts_changed
        )

    @property
    def links(self) -> int:
        return self.links_created + self.links_updated + self.links_unchanged

    @property
    def derived_units(self) -> int:
        return self.units_created + self.units_updated + self.units_unchanged


@transaction.atomic(durable=True)
def lineage_load(*, actor: Actor, lineage_file: LineageFile) -> LineageResult:
    """Load the links between maps of a checked lineage file, with the units of the maps it derives
    (areas/lineage.py: the map of 1 Jan 2025), then refresh the open starts.

    Refused as a whole (areas.lineage_files.LineageFileError, nothing written) when a unit it names
    is unknown, a unit of an old map has no successor, or a unit cannot be derived. Idempotent:
    loading the same file again changes nothing. When anything changed, the load is audited and
    areas.signals.lineage_loaded is sent, inside the transaction: the club register follows the
    clubs onto the later maps, and a receiver that raises refuses the load.
    """
    plan = lineage_plan(lineage_file)
    result = LineageResult()
    created_pks: set[int] = set()
    written = _derived_units_write(plan, result, created_pks)
    _links_write(plan, result, written)
    result.starts_changed = len(open_starts_refresh() - created_pks)
    for old, new in plan.scheme_pairs:
        result.links_by_pair[f"{old.code} → {new.code}"] = sum(
            1 for link in plan.links if link.predecessor.scheme == old and link.successor.scheme == new
        )
    if result.changed:
        audit_record(
            actor=actor,
            action="areas.lineage.loaded",
            target=plan.scheme_pairs[-1][1],
            data={
                "links": {"created": result.links_created, "updated": result.links_updated},
                "derived_units": {"created": result.units_created, "updated": result.units_updated},
                "starts_changed": result.starts_changed,
            },
        )
        lineage_loaded.send(sender=UnitLink, actor=actor)
    return result


def _derived_units_write(plan: LineagePlan, result: LineageResult, created_pks: set[int]) -> dict[int, AdminUnit]:
    """Create or update the derived units, parents first; the unit of every planned unit, by id()."""
    written: dict[int, AdminUnit] = {}

    def unit_of(planned: PlannedUnit) -> AdminUnit:
        if planned.derive:
            return written[id(planned)]
        assert planned.held is not None  # a unit not derived is one held
        return planned.held

    for planned in plan.derived_units:
        parent = unit_of(planned.parent) if planned.parent is not None else None
        values: dict[str, object] = {
            "name": planned.name,
            "level": planned.level,
            "kind": planned.kind,
            "area_type": planned.area_type,
            "parent_id": parent.pk if parent else None,
            "path": planned.path,
            "former_province": planned.former_province,
            "derived": True,
        }
        by_level = result.derived_by_scheme.setdefault(planned.scheme.code, {})
        by_level[planned.level] = by_level.get(planned.level, 0) + 1
        unit = planned.held
        if unit is None:
            scheme = planned.scheme
            unit = AdminUnit(
                scheme=scheme, code=planned.code, valid_from=scheme.valid_from, valid_until=scheme.valid_until, **values
            )
            unit.full_clean()
            unit.save()
            result.units_created += 1
            created_pks.add(unit.pk)
        else:
            changed = [field for field, value in values.items() if getattr(unit, field) != value]
            if changed:
                for field in changed:
                    setattr(unit, field, values[field])
                unit.full_clean()
                unit.save(update_fields=changed)
                result.units_updated += 1
            else:
                result.units_unchanged += 1
        written[id(planned)] = unit

    for link in plan.links:
        for planned in (link.predecessor, link.successor):
            written.setdefault(id(planned), unit_of(planned))
    return written


def _links_write(plan: LineagePlan, result: LineageResult, units: dict[int, AdminUnit]) -> None:
    pairs = [(units[id(link.predecessor)], units[id(link.successor)], link.change) for link in plan.links]
    existing = {
        (link.predecessor_id, link.successor_id): link
        for link in UnitLink.objects.filter(predecessor__in={predecessor.pk for predecessor, _s, _c in pairs})
    }
    new_links = []
    for predecessor, successor, change in pairs:
        link = existing.get((predecessor.pk, successor.pk))
        if link is None:
            new_links.append(UnitLink(predecessor=predecessor, successor=successor, change=change))
        elif link.change != change:
            link.change = change
            link.full_clean()
            link.save(update_fields=["change"])
            result.links_updated += 1
        else:
            result.links_unchanged += 1
    # In one statement: the file's checks are what full_clean() would check (each pair once, a
    # link always to a later map, so never a unit to itself), and a lineage has hundreds of links.
    UnitLink.objects.bulk_create(new_links)
    result.links_created = len(new_links)


def open_starts_refresh() -> set[int]:
    """Give every unit its start: none (an open start) for a unit of the earliest map held for its
    province that no unit became — a club decided before that map sits in it —, else its scheme's
    start. Called at the end of every load, inside its transaction; returns the ids of the units
    whose start changed.

    "Its province" is the root of its path ("/51/"): the Quảng Ngãi of 2020 and the one of 1 Jul
    2025 share code 51, so the later one does not start open; Kon Tum's units of 1 Jan 2025, the
    first map held for code 62, do. Units are few (hundreds per province): compared in Python.
    """
    units = list(
        AdminUnit.objects.annotate(has_predecessor=Exists(UnitLink.objects.filter(successor=OuterRef("pk"))))
        .order_by()
        .values_list("pk", "path", "valid_from", "has_predecessor", "scheme_id", "scheme__valid_from")
    )
    earliest: dict[str, datetime.date] = {}
    for _pk, path, _from, _linked, _scheme, scheme_start in units:
        root = _province_root(path)
        earliest[root] = min(earliest.get(root, scheme_start), scheme_start)
    to_open: list[int] = []
    to_start: dict[int, list[int]] = {}
    for pk, path, valid_from, has_predecessor, scheme_id, scheme_start in units:
        opens = not has_predecessor and scheme_start == earliest[_province_root(path)]
        if opens and valid_from is not None:
            to_open.append(pk)
        elif not opens and valid_from != scheme_start:
            to_start.setdefault(scheme_id, []).append(pk)
    if to_open:
        AdminUnit.objects.filter(pk__in=to_open).update(valid_from=None)
    for scheme in AdminScheme.objects.filter(pk__in=to_start):
        AdminUnit.objects.filter(pk__in=to_start[scheme.pk]).update(valid_from=scheme.valid_from)
    return {*to_open, *(pk for pks in to_start.values() for pk in pks)}


def _province_root(path: str) -> str:
    """ "/51/" for "/51/522/21010/": the province a unit is in, on any map."""
    return "/" + path.strip("/").split("/")[0] + "/"
