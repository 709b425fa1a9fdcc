"""Writes to the club register: registering a club, changing its details, suspending, resuming
or dissolving it. Each service is atomic, takes the acting user and is audited. Where the club
sits on each map follows from its unit, its decision date and its dissolution: locations.py.

A club's board and teams are written by boards.services, its funds by funds.services (opened on
the clubs.signals.club_created signal this module sends).
"""

import datetime
from collections.abc import Callable
from typing import Any, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import AdminScheme, AdminUnit
from areas.selectors import scheme_in_force
from audit.services import acting_user, audit_record, changed_fields
from clubs.models import (
    Club,
    ClubStatus,
    ClubStatusChange,
    StatusChangeKind,
)
from clubs.services import locations
from clubs.signals import club_created
from core.dates import format_date
from core.text import fold
from core.types import Actor

ERROR_UNIT_HAS_COMMUNES = _("%(unit)s has communes: choose the commune, ward or township the club is in.")
ERROR_UNIT_NOT_IN_FORCE = _("%(unit)s did not exist on the decision date %(date)s.")
ERROR_UNIT_ON_ANOTHER_MAP = _(
    "%(unit)s is a unit of the map “%(unit_map)s”, which was not in force on the decision date %(date)s: "
    "choose a unit of the map in force then, “%(map)s”."
)
ERROR_UNIT_ON_ANOTHER_MAP_TODAY = _(
    "%(unit)s is a unit of the map “%(unit_map)s”, which is not in force today (%(date)s): choose a unit of "
    "the map in force, “%(map)s”, or give the date of the decision of establishment."
)
ERROR_MAP_NOT_LOADED = _(
    "%(unit)s is a unit of the map “%(unit_map)s”, which was not in force on %(date)s; the units of the map "
    "in force then, “%(map)s”, are not loaded yet: ask the administrator to load them."
)
ERROR_DATE_IN_FUTURE = _("The date cannot be in the future.")
ERROR_LAUNCH_BEFORE_DECISION = _("The launch date cannot be before the decision date.")
ERROR_DUPLICATE_NAME = _("There is already a club with this name in %(unit)s.")
ERROR_CHANGE_IN_FUTURE = _("A status change cannot be dated in the future.")
ERROR_CHANGE_BEFORE_LAST = _("The club's last status change is dated %(date)s: a new one cannot be earlier.")
ERROR_CHANGE_NOT_ALLOWED = _("On %(date)s the club is “%(status)s”: a %(change)s is not possible.")
ERROR_REASON_REQUIRED = _("Give the reason for the change.")
ERROR_LAUNCH_AFTER_CHANGE = _("The club's status changed on %(date)s: it must have been launched by then.")
ERROR_DATE_AFTER_DISSOLUTION = _("The club was dissolved on %(date)s: this date cannot be after the dissolution.")
ERROR_CHANGE_BEFORE_START = _(
    "The club's decision of establishment or launch is dated %(date)s: a status change cannot be earlier."
)

# Which status a club must have on the effective date for each change.
ALLOWED_FROM = {
    StatusChangeKind.SUSPENDED: {ClubStatus.ACTIVE},
    StatusChangeKind.RESUMED: {ClubStatus.SUSPENDED},
    StatusChangeKind.DISSOLVED: {ClubStatus.DECIDED, ClubStatus.ACTIVE, ClubStatus.SUSPENDED},
}


class ClubFields(TypedDict, total=False):
    """What a club's page edits, and club_update changes."""

    name: str
    unit: AdminUnit
    hamlets: list[str]
    decision_number: str
    decision_date: datetime.date | None
    decision_issuer: str
    launch_date: datetime.date | None
    meeting_day: int | None
    records_attendance: bool
    notes: str


CLUB_FIELDS = tuple(ClubFields.__annotations__)


def map_on(on: datetime.date) -> tuple[AdminScheme | None, bool]:
    """The map in force on a day (areas.selectors.scheme_in_force) and whether its units are loaded."""
    scheme = scheme_in_force(on)
    return scheme, scheme is not None and scheme.has_units


def unit_not_in_force(
    unit: AdminUnit,
    decision_date: datetime.date | None,
    *,
    placing: bool,
    maps: Callable[[datetime.date], tuple[AdminScheme | None, bool]] = map_on,
) -> ValidationError | None:
    """The refusal of a unit that was not in force when the club was decided, naming the map that
    was, so that the user knows which to choose from.

    A club sits in a unit of the map in force on its decision date; without a decision date, of
    the map in force today. `placing`: the unit is being chosen (a new club, a changed unit or
    decision date): a club registered without a decision date keeps its unit when the map changes.
    `maps`: map_on, or what an import read once per day; asked on refusal only."""
    if decision_date is None and not placing:
        return None
    on = decision_date or timezone.localdate()
    if unit.is_in_force(on):
        return None
    in_force, loaded = maps(on)
    if in_force is None:
        return ValidationError(ERROR_UNIT_NOT_IN_FORCE, params={"unit": unit.name, "date": format_date(on)})
    params = {"unit": unit.name, "unit_map": unit.scheme.name, "date": format_date(on), "map": in_force.name}
    if not loaded:
        return ValidationError(ERROR_MAP_NOT_LOADED, params=params)
    return ValidationError(
        ERROR_UNIT_ON_ANOTHER_MAP if decision_date else ERROR_UNIT_ON_ANOTHER_MAP_TODAY, params=params
    )


def club_validate(*, club: Club, unit: AdminUnit, placing: bool = True) -> None:
    """The rules that span the club and its unit, reported field by field. `placing`: the club's
    unit is being chosen (unit_not_in_force)."""
    errors: dict[str, list[ValidationError]] = {}
    today = timezone.localdate()
    if not unit.is_club_host:
        errors.setdefault("unit", []).append(ValidationError(ERROR_UNIT_HAS_COMMUNES, params={"unit": unit.name}))
    not_in_force = unit_not_in_force(unit, club.decision_date, placing=placing)
    if not_in_force is not None:
        errors.setdefault("unit", []).append(not_in_force)
    for field in ("decision_date", "launch_date"):
        value = getattr(club, field)
        if value and value > today:
            errors.setdefault(field, []).append(ValidationError(ERROR_DATE_IN_FUTURE))
    if club.launch_date and club.decision_date and club.launch_date < club.decision_date:
        errors.setdefault("launch_date", []).append(ValidationError(ERROR_LAUNCH_BEFORE_DECISION))
    first_change = club.status_changes.order_by("effective_on", "pk").first() if club.pk else None
    if first_change and first_change.kind == StatusChangeKind.DISSOLVED:
        # Dissolving a club that was never launched is legitimate; dates after it are not.
        params = {"date": format_date(first_change.effective_on)}
        for field in ("decision_date", "launch_date"):
            value = getattr(club, field)
            if value and value > first_change.effective_on:
                errors.setdefault(field, []).append(ValidationError(ERROR_DATE_AFTER_DISSOLUTION, params=params))
    elif first_change and (club.launch_date is None or club.launch_date > first_change.effective_on):
        errors.setdefault("launch_date", []).append(
            ValidationError(ERROR_LAUNCH_AFTER_CHANGE, params={"date": format_date(first_change.effective_on)})
        )
    duplicates = Club.objects.filter(unit=unit, name_folded=club.name_folded).exclude(pk=club.pk)
    if duplicates.exists():
        errors.setdefault("name", []).append(ValidationError(ERROR_DUPLICATE_NAME, params={"unit": unit.name}))
    if errors:
        raise ValidationError(errors)


def club_code(number: int) -> str:
    """The code of the province's club numbered `number`: the prefix and at least four digits (QNG-0001)."""
    return f"{settings.CLUB_CODE_PREFIX}-{number:04d}"


def next_club_number() -> int:
    """The number the next club's code takes: one after the highest so far."""
    prefix = f"{settings.CLUB_CODE_PREFIX}-"
    last = (
        Club.objects.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    return int(last.removeprefix(prefix)) + 1 if last else 1


def _next_code() -> str:
    return club_code(next_club_number())


@transaction.atomic
def club_create(
    *,
    actor: Actor,
    name: str,
    unit: AdminUnit,
    hamlets: list[str] | None = None,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    decision_issuer: str = "",
    launch_date: datetime.date | None = None,
    meeting_day: int | None = None,
    records_attendance: bool = False,
    notes: str = "",
) -> Club:
    club = Club(
        name=name.strip(),
        name_folded=fold(name),
        unit=unit,
        hamlets=hamlets or [],
        decision_number=decision_number,
        decision_date=decision_date,
        decision_issuer=decision_issuer,
        launch_date=launch_date,
        meeting_day=meeting_day,
        records_attendance=records_attendance,
        notes=notes,
    )
    club_validate(club=club, unit=unit)
    # Two people registering at once may compute the same next code; the unique constraint
    # refuses the second, which then takes the following number.
    for _attempt in range(5):
        club.code = _next_code()
        club.full_clean(exclude=["code"])
        try:
            with transaction.atomic():
                club.save()
            break
        except IntegrityError:
            if not Club.objects.filter(code=club.code).exists():
                raise
    else:
        raise IntegrityError("Could not allocate a club code.")
    audit_record(actor=actor, action="clubs.club.created", target=club, data={"code": club.code, "unit": unit.code})
    # Located in its unit on the unit's map, and followed onto the later maps.
    locations.club_place(actor=actor, club=club)
    # Its two funds open with it (funds receives it).
    club_created.send(sender=Club, actor=actor, club=club)
    return club


@transaction.atomic
def club_update(*, club: Club, actor: Actor, **fields: Unpack[ClubFields]) -> Club:
    unknown = set(fields) - set(CLUB_FIELDS)
    if unknown:
        raise TypeError(f"club_update() got unexpected fields: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {**fields}
    if "name" in fields:
        values["name"] = fields["name"].strip()
        values["name_folded"] = fold(fields["name"])
    changes = changed_fields(club, values)
    if not changes:
        return club
    for field, value in values.items():
        setattr(club, field, value)
    # A new unit or decision date places the club anew (unit_not_in_force).
    placing = bool(changes.keys() & {"unit", "decision_date"})
    try:
        club_validate(club=club, unit=club.unit, placing=placing)
        club.full_clean()
    except ValidationError:
        club.refresh_from_db()  # the caller's object keeps the stored values, as the database does
        raise
    club.save(update_fields=[*changes, "updated_at"])
    changes.pop("name_folded", None)
    audit_record(actor=actor, action="clubs.club.updated", target=club, data=changes)
    if "unit" in changes:
        # Its registered location moves with it, and the later ones are followed again (a new
        # decision date alone changes none: the unit, in force on it, stays where it was).
        locations.club_follow(actor=actor, club=club)
    return club


@transaction.atomic
def club_status_change(
    *, club: Club, actor: Actor, kind: StatusChangeKind, effective_on: datetime.date, reason: str
) -> ClubStatusChange:
    """Suspend, resume or dissolve a club from a date, with the reason."""
    # Lock the club so two people changing its status at once are serialised.
    club = Club.objects.select_for_update().get(pk=club.pk)
    if not reason.strip():
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": ERROR_CHANGE_IN_FUTURE})
    start = max((day for day in (club.decision_date, club.launch_date) if day), default=None)
    if start and effective_on < start:
        raise ValidationError(
            {"effective_on": ValidationError(ERROR_CHANGE_BEFORE_START, params={"date": format_date(start)})}
        )
    last = club.status_changes.order_by("-effective_on", "-pk").first()
    if last and effective_on < last.effective_on:
        raise ValidationError(
            {"effective_on": ValidationError(ERROR_CHANGE_BEFORE_LAST, params={"date": format_date(last.effective_on)})}
        )
    status = club.status_on(effective_on)
    if status not in ALLOWED_FROM[kind]:
        raise ValidationError(
            ERROR_CHANGE_NOT_ALLOWED,
            params={
                "status": ClubStatus(status).label,
                "date": format_date(effective_on),
                "change": StatusChangeKind(kind).label,
            },
        )
    change = ClubStatusChange(
        club=club, kind=kind, effective_on=effective_on, reason=reason.strip(), created_by=acting_user(actor)
    )
    change.full_clean()
    change.save()
    audit_record(
        actor=actor,
        action=f"clubs.club.{kind}",
        target=club,
        data={"effective_on": effective_on.isoformat(), "reason": change.reason},
    )
    if kind == StatusChangeKind.DISSOLVED:
        # No location on the maps that start after it.
        locations.club_follow(actor=actor, club=club)
    return change
