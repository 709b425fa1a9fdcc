from decimal import Decimal

from django.db import models

from audit.models import AuditEntry


def acting_user(actor):
    """The user to record as having done something: None for a command or an anonymous request."""
    return actor if actor is not None and actor.is_authenticated else None


def audit_record(*, actor, action: str, target: models.Model, data: dict | None = None) -> AuditEntry:
    """Write one audit entry. Called inside the caller's transaction, so it lands or not with the change."""
    return AuditEntry.objects.create(
        actor=acting_user(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        data=data or {},
    )


def changed_fields(instance: models.Model, new_values: dict) -> dict:
    """{field: [old, new]} for the values that differ, in a form JSON can hold."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value):
    if isinstance(value, models.Model | Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
