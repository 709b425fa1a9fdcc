import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from audit.models import AuditEntry
from core.text import fold
from core.types import Actor, AuthUser


def acting_user(actor: Actor) -> AuthUser | None:
    """The user to record as having done something: None for a command or an anonymous request."""
    return actor if actor is not None and actor.is_authenticated else None


def club_of(target: models.Model) -> int | None:
    """The club an entry about `target` belongs to, when the target says it: a club is its own,
    a loan, report, team… names its club. Callers pass the club of the others (a person, a cash-book
    entry, a team place)."""
    club_id = target.pk if target._meta.label_lower == "clubs.club" else getattr(target, "club_id", None)
    return club_id if isinstance(club_id, int) else None


def _entry(
    *, user: AuthUser | None, action: str, target: models.Model, data: dict[str, Any], club_id: int | None
) -> AuditEntry:
    target_repr = str(target)[:255]
    return AuditEntry(
        actor=user,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=target_repr,
        target_folded=fold(target_repr)[:255],
        club_id=club_id if club_id is not None else club_of(target),
        data=data,
    )


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    data: dict[str, Any] | None = None,
    club_id: int | None = None,
) -> AuditEntry:
    """Write one audit entry. Called inside the caller's transaction, so it lands or not with the change.

    `action` must have a label in audit.models.ACTION_LABELS (tests/audit/test_labels.py checks
    every code the services write). `club_id`: the club the entry belongs to when the target does not
    name it (club_of)."""
    entry = _entry(user=acting_user(actor), action=action, target=target, data=data or {}, club_id=club_id)
    entry.save(force_insert=True)
    return entry


def audit_record_many(
    *, actor: Actor, action: str, entries: Iterable[tuple[models.Model, dict[str, Any]]]
) -> list[AuditEntry]:
    """audit_record for many targets at once, `entries` as (target, data), in one insert: a write
        over many rows (every club followed onto a new map) records each in its own history. Each
    entry's club is its target's (club_of)."""
    user = acting_user(actor)
    return AuditEntry.objects.bulk_create(
        _entry(user=user, action=action, target=target, data=data, club_id=None) for target, data in entries
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
