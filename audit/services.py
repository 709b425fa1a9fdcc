import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from audit.models import AuditEntry
from core.types import Actor, AuthUser


def acting_user(actor: Actor) -> AuthUser | None:
    """The user to record as having done something: None for a command or an anonymous request."""
    return actor if actor is not None and actor.is_authenticated else None


def audit_record(*, actor: Actor, action: str, target: models.Model, data: dict[str, Any] | None = None) -> AuditEntry:
    """Write one audit entry. Called inside the caller's transaction, so it lands or not with the change."""
    return AuditEntry.objects.create(
        actor=acting_user(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        data=data or {},
    )


def audit_record_many(
    *, actor: Actor, action: str, entries: Iterable[tuple[models.Model, dict[str, Any]]]
) -> list[AuditEntry]:
    """audit_record for many targets at once, `entries` as (target, data), in one insert: a write
    over many rows (every club followed onto a new map) records each in its own history."""
    user = acting_user(actor)
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=user,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            target_repr=str(target)[:255],
            data=data,
        )
        for target, data in entries
    )


def changed_fields(instance: models.Model, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the values that differ, in a form JSON can hold."""
    changes = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            changes[field] = [_jsonable(old), _jsonable(new)]
    return changes


def _jsonable(value: object) -> object:
    if isinstance(value, models.Model | Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
