"""Writes to the administrative map: units loaded from a file and the open starts of the earliest maps."""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef

from areas.models import AdminScheme, AdminUnit, Kind, Level, UnitLink
from areas.unit_files import UnitFile, UnitRecord
from audit.services import audit_record
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
