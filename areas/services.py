import dataclasses
import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from areas.models import AdminScheme, AdminUnit, Kind, Level, UnitClassification
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

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@transaction.atomic(durable=True)
def admin_units_load(
    *, scheme: AdminScheme, province_code: str, province_name: str, unit_file: UnitFile, actor: Actor = None
) -> LoadResult:
    """Create or update the units of one province in a scheme from a checked file.

    Idempotent: loading the same file again changes nothing. A unit whose name, kind, area
    type or parent changed in the file is updated in place, so clubs attached to it stay.
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
    # Keyed as a commune names its district (a UnitRecord's parent_code, None only for the province).
    districts: dict[str | None, AdminUnit] = {
        record.code: _upsert(existing, result, scheme=scheme, record=record, level=Level.DISTRICT, parent=province)
        for record in unit_file.districts
    }
    for record in unit_file.communes:
        _upsert(
            existing, result, scheme=scheme, record=record, level=Level.COMMUNE, parent=districts[record.parent_code]
        )

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
            data={"province": province_code, "created": result.created, "updated": result.updated},
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
    }
    unit = existing.get(record.code)
    if unit is None:
        unit = AdminUnit(
            scheme=scheme, code=record.code, valid_from=scheme.valid_from, valid_until=scheme.valid_until, **values
        )
        unit.full_clean()
        unit.save()
        result.created += 1
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
