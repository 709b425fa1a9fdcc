"""Writes to the member register: people, their memberships and household status.

Every service is atomic, takes the acting user and writes an audit entry. Rules that span rows
(one club at a time, no joining before being born or after the club was dissolved) are checked
here; rules on one row are in the models and the database.
"""

import datetime
import re
from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import acting_user, audit_record, changed_fields
from clubs.models import Club, ClubStatus
from core.dates import format_date
from core.errors import Refusals, refusal
from core.text import fold, vietnamese_sort_key
from core.types import Actor, AuthUser, Text
from members.models import Ethnicity, HouseholdStatus, LeaveReason, MeetingAttendance, Membership, Person
from members.signals import membership_ended

MAX_AGE = 120

ERROR_IN_FUTURE = _("The date cannot be in the future.")
ERROR_BIRTH_YEAR_RANGE = _("The year of birth must be between %(first)s and %(last)s.")
ERROR_BIRTH_YEAR_MISMATCH = _("The year of birth does not match the date of birth.")
ERROR_BIRTH_MISSING = _("Give the date of birth or at least the year of birth.")
ERROR_CITIZEN_ID_FORMAT = _("A citizen ID number has 12 digits (or 9 for an old identity card).")
ERROR_CITIZEN_ID_TAKEN = _("This citizen ID number is already recorded for %(name)s.")
ERROR_CITIZEN_ID_TAKEN_UNSEEN = _(
    "This citizen ID number is already recorded for a person in another club. Province staff can help."
)
ERROR_PHONE_FORMAT = _("A phone number has digits only, for example 0912 345 678.")
ERROR_ALREADY_MEMBER = _("%(name)s is already a member of %(club)s: record a move instead.")
ERROR_JOIN_BEFORE_BIRTH = _("The joining date is before the person was born.")
ERROR_JOIN_BEFORE_LAST_LEAVE = _("%(name)s left a club on %(date)s: a new membership cannot start earlier.")
ERROR_JOIN_BEFORE_DECISION = _("The club's decision of establishment is dated %(date)s: members cannot join earlier.")
ERROR_CLUB_DISSOLVED = _("The club is dissolved on that date: it cannot take members.")
ERROR_PRESENT_NOT_MEMBER = _("Only the club's members on the day of the meeting can be marked present.")
ERROR_LEAVE_BEFORE_JOIN = _("The leaving date cannot be before the joining date (%(date)s).")
ERROR_ALREADY_LEFT = _("This membership has already ended.")
ERROR_SAME_CLUB = _("Choose another club: the member is already in this one.")
ERROR_STATUS_BEFORE_BIRTH = _("The status cannot start before the person was born.")

PERSON_FIELDS = (
    "full_name",
    "sex",
    "birth_date",
    "birth_year",
    "ethnicity",
    "hamlet",
    "phone",
    "citizen_id",
    "has_disability",
    "lives_alone",
    "receives_home_care",
    "is_home_care_volunteer",
    "notes",
)


class PersonDetails(TypedDict, total=False):
    """A person's data beyond their name, sex and year of birth (person_create's optional arguments)."""

    birth_date: datetime.date | None
    ethnicity: Ethnicity | None
    hamlet: str
    phone: str
    citizen_id: str
    has_disability: bool
    lives_alone: bool
    receives_home_care: bool
    is_home_care_volunteer: bool
    notes: str


class PersonFields(PersonDetails, total=False):
    """Any of a person's own data (PERSON_FIELDS): what person_update changes."""

    full_name: str
    sex: str
    birth_year: int | None


_PHONE = re.compile(r"^\+?[0-9 .]{8,16}$")
_CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")


def validate_phone(phone: str) -> None:
    """A phone number as the service stores it; the person form checks it with the other fields."""
    if phone and not _PHONE.match(" ".join(phone.split())):
        raise ValidationError(ERROR_PHONE_FORMAT, code="phone")


def validate_citizen_id(number: str) -> None:
    """A citizen ID number (spaces ignored, as the service drops them); the form checks it too."""
    if number and not _CITIZEN_ID.match("".join(number.split())):
        raise ValidationError(ERROR_CITIZEN_ID_FORMAT, code="citizen_id")


def _check_person(person: Person, refusals: Refusals, people_seen: QuerySet[Person] | None) -> None:
    """Field rules of a person, added to `refusals` so a form shows them all at once.

    `people_seen`: the people the actor may see (accounts.access.people_seen, which this layer
    cannot import); the holder of a citizen ID number already recorded is named only when among
    them, and never when it is None."""
    today = timezone.localdate()

    def add(field: str, message: Text, **params: object) -> None:
        refusals.add(message, field=field, **params)

    if person.birth_date is not None:
        if person.birth_date > today:
            add("birth_date", ERROR_IN_FUTURE)
        if person.birth_year is None:
            person.birth_year = person.birth_date.year
        elif person.birth_year != person.birth_date.year:
            add("birth_year", ERROR_BIRTH_YEAR_MISMATCH)
    if person.birth_year is None:
        add("birth_year", ERROR_BIRTH_MISSING)
    elif not today.year - MAX_AGE <= person.birth_year <= today.year:
        add("birth_year", ERROR_BIRTH_YEAR_RANGE, first=today.year - MAX_AGE, last=today.year)
    if person.citizen_id:
        if not _CITIZEN_ID.match(person.citizen_id):
            add("citizen_id", ERROR_CITIZEN_ID_FORMAT)
        else:
            holder = Person.objects.filter(citizen_id=person.citizen_id).exclude(pk=person.pk).first()
            if holder is not None and people_seen is not None and people_seen.filter(pk=holder.pk).exists():
                add("citizen_id", ERROR_CITIZEN_ID_TAKEN, name=holder.full_name)
            elif holder is not None:
                add("citizen_id", ERROR_CITIZEN_ID_TAKEN_UNSEEN)
    if person.phone and not _PHONE.match(person.phone):
        add("phone", ERROR_PHONE_FORMAT)


def _born(person: Person) -> datetime.date | None:
    """The earliest day the person can have been born on; None while the birth is not known."""
    if person.birth_date is not None:
        return person.birth_date
    return datetime.date(person.birth_year, 1, 1) if person.birth_year else None


def _check_joining(*, club: Club, joined_on: datetime.date, born: datetime.date | None, refusals: Refusals) -> None:
    """The rules of a joining date that hold for anyone joining `club`."""
    if joined_on > timezone.localdate():
        refusals.add(ERROR_IN_FUTURE, field="joined_on")
    if born is not None and joined_on < born:
        refusals.add(ERROR_JOIN_BEFORE_BIRTH, field="joined_on")
    if club.decision_date and joined_on < club.decision_date:
        refusals.add(ERROR_JOIN_BEFORE_DECISION, field="joined_on", date=format_date(club.decision_date))
    if club.status_on(joined_on) == ClubStatus.DISSOLVED:
        refusals.add(ERROR_CLUB_DISSOLVED, field="joined_on")


def _check_status_from(
    *, valid_from: datetime.date, born: datetime.date | None, refusals: Refusals, field: str = "valid_from"
) -> None:
    """The rules of the day a household status holds from, told on `field`."""
    if valid_from > timezone.localdate():
        refusals.add(ERROR_IN_FUTURE, field=field)
    if born is not None and valid_from < born:
        refusals.add(ERROR_STATUS_BEFORE_BIRTH, field=field)


def _normalise(fields: PersonFields) -> dict[str, Any]:
    values: dict[str, Any] = {**fields}
    for field in ("full_name", "hamlet", "phone", "citizen_id", "notes"):
        if field in values and values[field] is not None:
            values[field] = " ".join(str(values[field]).split()) if field != "notes" else values[field].strip()
    if "citizen_id" in values:
        values["citizen_id"] = values["citizen_id"].replace(" ", "")
    if "full_name" in values:
        folded = fold(values["full_name"])
        values["name_folded"] = folded
        values["sort_key"] = vietnamese_sort_key(values["full_name"])
    return values


def _home_club_id(person: Person) -> int | None:
    """The club a person's audit entries belong to: their home membership's (Person.home_membership)."""
    home = person.home_membership()
    return home.club_id if home is not None else None


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    full_name: str,
    sex: str,
    birth_year: int | None = None,
    club: Club | None = None,
    people_seen: QuerySet[Person] | None = None,
    **fields: Unpack[PersonDetails],
) -> Person:
    """A person in the register; `club`: the club they are recorded for (joining it, cared for by
    its team), which their audit entry belongs to before any membership says so; `people_seen`: see
    _check_person."""
    person = _new_person(full_name=full_name, sex=sex, birth_year=birth_year, **fields)
    refusals = Refusals()
    _check_person(person, refusals, people_seen)
    refusals.raise_any()
    return _person_insert(actor=actor, person=person, club=club)


def _new_person(**fields: Unpack[PersonFields]) -> Person:
    """An unsaved person of `fields`, normalised; a field a person lacks is a programming error."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unexpected person fields: {', '.join(sorted(unknown))}")
    return Person(**_normalise(fields))


def _person_insert(*, actor: Actor, person: Person, club: Club | None) -> Person:
    """Save a person whose rules were checked (_check_person); `club`: see person_create."""
    person.full_clean()
    person.save()
    audit_record(
        actor=actor, action="members.person.created", target=person, club_id=club.pk if club is not None else None
    )
    return person


@transaction.atomic
def person_update(
    *, actor: Actor, person: Person, people_seen: QuerySet[Person] | None = None, **fields: Unpack[PersonFields]
) -> Person:
    """Change a person's own data; `people_seen`: see _check_person."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"person_update() got unexpected fields: {', '.join(sorted(unknown))}")
    values = _normalise(fields)
    changes = changed_fields(person, values)
    if not changes:
        return person
    for field, value in values.items():
        setattr(person, field, value)
    refusals = Refusals()
    _check_person(person, refusals, people_seen)
    try:
        refusals.raise_any()
        person.full_clean()
    except ValidationError:
        person.refresh_from_db()
        raise
    person.save(update_fields=[*changes, "updated_at"])
    for private in ("name_folded", "sort_key"):
        changes.pop(private, None)
    if "citizen_id" in changes:
        # The audit log is read by more people than may see the number.
        changes["citizen_id"] = ["…", "…"]
    audit_record(
        actor=actor, action="members.person.updated", target=person, data=changes, club_id=_home_club_id(person)
    )
    return person


@transaction.atomic
def household_status_set(
    *, actor: Actor, person: Person, status: str, valid_from: datetime.date, note: str = "", club: Club | None = None
) -> HouseholdStatus:
    """Record the household's status from a date; the same date again replaces that entry.

    `club`: the club the person is joining, when that is why (their audit entry's club, read from
    their memberships otherwise: an import of many members saves the query for each)."""
    refusals = Refusals()
    _check_status_from(valid_from=valid_from, born=_born(person), refusals=refusals)
    refusals.raise_any()
    entry, created = HouseholdStatus.objects.get_or_create(
        person=person, valid_from=valid_from, defaults={"status": status, "note": note}
    )
    if not created and (entry.status, entry.note) == (status, note):
        return entry
    old_status = None if created else entry.status
    entry.status, entry.note = status, note
    entry.full_clean()
    entry.save()
    audit_record(
        actor=actor,
        action="members.household_status.set",
        target=person,
        club_id=club.pk if club is not None else _home_club_id(person),
        data={"status": [old_status, status], "valid_from": valid_from.isoformat()},
    )
    return entry


@transaction.atomic
def membership_start(*, actor: Actor, person: Person, club: Club, joined_on: datetime.date) -> Membership:
    """Make a person a member of a club from a date (a new member, or one re-joining)."""
    # Lock the person so two simultaneous joins cannot both pass the "one club at a time" check.
    person = Person.objects.select_for_update().get(pk=person.pk)
    refusals = Refusals()
    current = person.memberships.filter(left_on__isnull=True).select_related("club").first()
    if current is not None:
        refusals.add(ERROR_ALREADY_MEMBER, name=person.full_name, club=current.club.name)
    last = person.memberships.order_by("-left_on").first()
    if last is not None and last.left_on is not None and joined_on < last.left_on:
        refusals.add(
            ERROR_JOIN_BEFORE_LAST_LEAVE, field="joined_on", name=person.full_name, date=format_date(last.left_on)
        )
    _check_joining(club=club, joined_on=joined_on, born=_born(person), refusals=refusals)
    refusals.raise_any()
    return _membership_insert(actor=actor, person=person, club=club, joined_on=joined_on)


def _membership_insert(*, actor: Actor, person: Person, club: Club, joined_on: datetime.date) -> Membership:
    """Save a membership whose joining date was checked (_check_joining, and for a person already
    recorded their other memberships)."""
    membership = Membership(person=person, club=club, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="members.membership.started",
        target=person,
        club_id=club.pk,
        data={"club": club.code, "joined_on": joined_on.isoformat()},
    )
    return membership


@transaction.atomic
def member_join(
    *,
    actor: Actor,
    club: Club,
    joined_on: datetime.date,
    economic_status: str,
    status_from: datetime.date | None = None,
    full_name: str,
    sex: str,
    birth_year: int | None = None,
    people_seen: QuerySet[Person] | None = None,
    **person_fields: Unpack[PersonDetails],
) -> Membership:
    """A new person joins: the person, their household status and the membership, all or nothing.

    `status_from`: from when the economic status holds (default: the joining date). Every rule
    of the three is checked before anything is written, so all that is wrong is told at once.
    `people_seen`: see _check_person.
    """
    newcomer = _new_person(full_name=full_name, sex=sex, birth_year=birth_year, **person_fields)
    refusals = Refusals()
    _check_person(newcomer, refusals, people_seen)
    born = _born(newcomer)
    _check_joining(club=club, joined_on=joined_on, born=born, refusals=refusals)
    if status_from is not None:  # otherwise the joining date, checked above
        _check_status_from(valid_from=status_from, born=born, refusals=refusals, field="status_from")
    refusals.raise_any()
    # A new person has no other membership to check against: what was checked above is all.
    person = _person_insert(actor=actor, person=newcomer, club=club)
    membership = _membership_insert(actor=actor, person=person, club=club, joined_on=joined_on)
    try:
        household_status_set(
            actor=actor, person=person, status=economic_status, valid_from=status_from or joined_on, club=club
        )
    except ValidationError as exc:
        # Reported on the field the person filled in, not on the stored entry's.
        messages = exc.message_dict.get("valid_from", exc.messages)
        raise ValidationError({"status_from" if status_from else "joined_on": messages}) from None
    return membership


@transaction.atomic
def member_leave(
    *, actor: Actor, membership: Membership, left_on: datetime.date, reason: str, note: str = ""
) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise ValidationError(ERROR_ALREADY_LEFT)
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": ERROR_IN_FUTURE})
    if left_on < membership.joined_on:
        raise ValidationError(
            {"left_on": ValidationError(ERROR_LEAVE_BEFORE_JOIN, params={"date": format_date(membership.joined_on)})}
        )
    membership.left_on, membership.leave_reason, membership.leave_note = left_on, reason, note.strip()
    membership.full_clean()
    membership.save(update_fields=["left_on", "leave_reason", "leave_note"])
    # Board seats and team places in the club end the day the member leaves (boards receives it).
    membership_ended.send(
        sender=Membership, actor=actor, person=membership.person, club=membership.club, left_on=left_on
    )
    audit_record(
        actor=actor,
        action="members.membership.ended",
        target=membership.person,
        club_id=membership.club_id,
        data={"club": membership.club.code, "left_on": left_on.isoformat(), "reason": reason},
    )
    return membership


@transaction.atomic
def member_move(*, actor: Actor, membership: Membership, to_club: Club, moved_on: datetime.date) -> Membership:
    """Leave one club and join another on the same day: one person, two memberships, no gap."""
    if to_club.pk == membership.club_id:
        raise ValidationError({"to_club": ERROR_SAME_CLUB})
    member_leave(actor=actor, membership=membership, left_on=moved_on, reason=LeaveReason.MOVED)
    return membership_start(actor=actor, person=membership.person, club=to_club, joined_on=moved_on)


@transaction.atomic
def member_rejoin(
    *,
    actor: Actor,
    person: Person,
    club: Club,
    joined_on: datetime.date,
    economic_status: str = "",
    status_from: datetime.date | None = None,
) -> Membership:
    """A person already recorded joins `club`: one person record for life, never a second one.

    A former member re-joins; a current member of another club moves here (leaves it that day).
    Whether the actor may take the person from that club is decided by the caller's access check.
    The household status is recorded from `status_from` (default: the joining date) when it is not
    already the one in force then. Errors are reported on this function's own arguments.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    current = person.memberships.filter(left_on__isnull=True).first()
    try:
        if current is not None and current.club_id != club.pk:
            membership = member_move(actor=actor, membership=current, to_club=club, moved_on=joined_on)
        else:
            membership = membership_start(actor=actor, person=person, club=club, joined_on=joined_on)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "left_on" in exc.error_dict:
            # Moving earlier than the person joined their current club: it is the joining date that is wrong.
            raise ValidationError({"joined_on": exc.error_dict["left_on"]}) from None
        raise
    if economic_status:
        valid_from = status_from or joined_on
        in_force = Person.objects.with_economic_status(valid_from).values_list(
            "economic_status",  # type: ignore[misc]  # annotated by with_economic_status, unknown to django-stubs
            flat=True,
        )
        if in_force.get(pk=person.pk) != economic_status:
            try:
                household_status_set(
                    actor=actor, person=person, status=economic_status, valid_from=valid_from, club=club
                )
            except ValidationError as exc:
                messages = exc.message_dict.get("valid_from", exc.messages)
                raise ValidationError({"status_from" if status_from else "joined_on": messages}) from None
    return membership


@transaction.atomic
def person_account_link(*, actor: Actor, person: Person, user: AuthUser) -> None:
    """Give a person a user account (a board member's login): one account per person, one person
    per account (the database's one-to-one backs it up)."""
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit_record(
        actor=actor,
        action="members.person.account_linked",
        target=person,
        data={"username": user.username},
        club_id=_home_club_id(person),
    )


def meeting_attendance_record(
    *, actor: Actor, club: Club, meeting_on: datetime.date, members: Sequence[Person], present: set[int]
) -> list[MeetingAttendance]:
    """Record who of `members` (the club's members on the day, as its contributions sheet lists
    them) was present at the club's meeting of `meeting_on`: `present` holds their person ids.

    Called inside the contributions sheet's transaction (funds.services.contributions_sheet_record),
    so attendance is saved with the money or not at all. A sheet saved again that day (a second
    round of contributions) updates the rows, one per member and meeting: never a second row."""
    if not present <= {person.pk for person in members}:
        raise refusal(ERROR_PRESENT_NOT_MEMBER)
    user = acting_user(actor)
    recorded = {row.person_id: row for row in MeetingAttendance.objects.filter(club=club, meeting_on=meeting_on)}
    rows, new, changed = [], [], []
    for person in members:
        row = recorded.get(person.pk)
        if row is None:
            row = MeetingAttendance(club=club, meeting_on=meeting_on, person=person, present=person.pk in present)
            row.recorded_by = user
            new.append(row)
        elif row.present != (person.pk in present):
            row.present, row.recorded_by = person.pk in present, user
            changed.append(row)
        rows.append(row)
    MeetingAttendance.objects.bulk_create(new)
    now = timezone.now()  # bulk_update leaves auto_now fields as they were
    for row in changed:
        row.recorded_at = now
    MeetingAttendance.objects.bulk_update(changed, ["present", "recorded_by", "recorded_at"])
    audit_record(
        actor=actor,
        action="members.attendance.recorded",
        target=club,
        data={"date": meeting_on.isoformat(), "present": sorted(present), "members": len(members)},
    )
    return rows
