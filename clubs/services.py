"""Writes to the club register, its management board and its teams.

Each service is atomic, takes the acting user and is audited.

Board and teams (docs/domain.md §2), the decisions behind the rules:
- Dates: a board position or team membership holds from `started_on` to the day before
  `ended_on`, as a club membership holds until its `left_on`. So a member who leaves on a day
  loses their positions that same day, and a chair replaced on 01/06 hands over that day (the
  old chair's last day is 31/05). A position lasts at least one day. Dates are never in the future.
- One current chair per club: the service says so in words (end the current chair first, or
  ask for the replacement, which ends the current chair's position on the new chair's start
  date); a unique constraint in the database backs it up against any other code path.
- The club-board role of a holder's user account comes from the position: it starts and ends
  with it, in the same transaction (RoleAssignment.valid_to is the last day, included). A
  holder without an account still holds the position; the board then has no login for it.
- Board holders, team leaders, team members and volunteers must be current members of the
  club (the club's register is where the board recruits them, docs/domain.md §2). A person cared for
  by the home-care team may be an older person of the community who is not a member, but is
  recorded as a Person all the same (so visits and reports can name them), and may not be a
  current member of another club (their own club's volunteers care for them). Only teams of
  the volunteer home care area have people cared for.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.models import BoardTitle, Role, RoleAssignment, User
from areas.models import AdminUnit
from audit.services import audit_record, changed_fields
from clubs.models import (
    ActivityArea,
    BoardPosition,
    Club,
    ClubStatus,
    ClubStatusChange,
    StatusChangeKind,
    Team,
    TeamMemberRole,
    TeamMembership,
)
from core.text import fold
from funds.services import funds_open
from members.models import Membership, Person

ERROR_UNIT_HAS_COMMUNES = _("%(unit)s has communes: choose the commune, ward or township the club is in.")
ERROR_UNIT_NOT_IN_FORCE = _("%(unit)s did not exist on the decision date %(date)s.")
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

CLUB_FIELDS = (
    "name",
    "unit",
    "hamlets",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "launch_date",
    "meeting_day",
    "notes",
)


def club_validate(*, club: Club, unit: AdminUnit) -> None:
    """The rules that span the club and its unit, reported field by field."""
    errors: dict[str, list] = {}
    today = timezone.localdate()
    if not unit.is_club_host:
        errors.setdefault("unit", []).append(ValidationError(ERROR_UNIT_HAS_COMMUNES, params={"unit": unit.name}))
    if club.decision_date and not unit.is_in_force(club.decision_date):
        errors.setdefault("unit", []).append(
            ValidationError(
                ERROR_UNIT_NOT_IN_FORCE, params={"unit": unit.name, "date": date_format(club.decision_date, "d/m/Y")}
            )
        )
    for field in ("decision_date", "launch_date"):
        value = getattr(club, field)
        if value and value > today:
            errors.setdefault(field, []).append(ValidationError(ERROR_DATE_IN_FUTURE))
    if club.launch_date and club.decision_date and club.launch_date < club.decision_date:
        errors.setdefault("launch_date", []).append(ValidationError(ERROR_LAUNCH_BEFORE_DECISION))
    first_change = club.status_changes.order_by("effective_on", "pk").first() if club.pk else None
    if first_change and first_change.kind == StatusChangeKind.DISSOLVED:
        # Dissolving a club that was never launched is legitimate; dates after it are not.
        params = {"date": date_format(first_change.effective_on, "d/m/Y")}
        for field in ("decision_date", "launch_date"):
            value = getattr(club, field)
            if value and value > first_change.effective_on:
                errors.setdefault(field, []).append(ValidationError(ERROR_DATE_AFTER_DISSOLUTION, params=params))
    elif first_change and (club.launch_date is None or club.launch_date > first_change.effective_on):
        errors.setdefault("launch_date", []).append(
            ValidationError(ERROR_LAUNCH_AFTER_CHANGE, params={"date": date_format(first_change.effective_on, "d/m/Y")})
        )
    duplicates = Club.objects.filter(unit=unit, name_folded=club.name_folded).exclude(pk=club.pk)
    if duplicates.exists():
        errors.setdefault("name", []).append(ValidationError(ERROR_DUPLICATE_NAME, params={"unit": unit.name}))
    if errors:
        raise ValidationError(errors)


def _next_code() -> str:
    prefix = f"{settings.CLUB_CODE_PREFIX}-"
    last = (
        Club.objects.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def club_create(
    *,
    actor,
    name: str,
    unit: AdminUnit,
    hamlets: list[str] | None = None,
    decision_number: str = "",
    decision_date: datetime.date | None = None,
    decision_issuer: str = "",
    launch_date: datetime.date | None = None,
    meeting_day: int | None = None,
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
    funds_open(club=club)
    audit_record(actor=actor, action="clubs.club.created", target=club, data={"code": club.code, "unit": unit.code})
    return club


@transaction.atomic
def club_update(*, club: Club, actor, **values) -> Club:
    unknown = set(values) - set(CLUB_FIELDS)
    if unknown:
        raise TypeError(f"club_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if "name" in values:
        values["name"] = values["name"].strip()
        values["name_folded"] = fold(values["name"])
    changes = changed_fields(club, values)
    if not changes:
        return club
    for field, value in values.items():
        setattr(club, field, value)
    try:
        club_validate(club=club, unit=club.unit)
        club.full_clean()
    except ValidationError:
        club.refresh_from_db()  # the caller's object keeps the stored values, as the database does
        raise
    club.save(update_fields=[*changes, "updated_at"])
    changes.pop("name_folded", None)
    audit_record(actor=actor, action="clubs.club.updated", target=club, data=changes)
    return club


@transaction.atomic
def club_status_change(
    *, club: Club, actor, kind: StatusChangeKind, effective_on: datetime.date, reason: str
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
            {"effective_on": ValidationError(ERROR_CHANGE_BEFORE_START, params={"date": date_format(start, "d/m/Y")})}
        )
    last = club.status_changes.order_by("-effective_on", "-pk").first()
    if last and effective_on < last.effective_on:
        raise ValidationError(
            {
                "effective_on": ValidationError(
                    ERROR_CHANGE_BEFORE_LAST, params={"date": date_format(last.effective_on, "d/m/Y")}
                )
            }
        )
    status = club.status_on(effective_on)
    if status not in ALLOWED_FROM[kind]:
        raise ValidationError(
            ERROR_CHANGE_NOT_ALLOWED,
            params={
                "status": ClubStatus(status).label,
                "date": date_format(effective_on, "d/m/Y"),
                "change": StatusChangeKind(kind).label,
            },
        )
    change = ClubStatusChange(club=club, kind=kind, effective_on=effective_on, reason=reason.strip(), created_by=actor)
    change.full_clean()
    change.save()
    audit_record(
        actor=actor,
        action=f"clubs.club.{kind}",
        target=club,
        data={"effective_on": effective_on.isoformat(), "reason": change.reason},
    )
    return change


# --- management board ---------------------------------------------------------------------

ERROR_NOT_MEMBER_ON = _("%(name)s is not a member of this club on %(date)s.")
ERROR_NOT_CURRENT_MEMBER = _("%(name)s is not a current member of this club.")
ERROR_HAS_LEFT = _("%(name)s left the club on %(date)s: only current members can be chosen.")
ERROR_CLUB_DISSOLVED_ON = _("The club is dissolved on %(date)s.")
ERROR_SAME_TITLE = _("%(name)s already holds the position “%(title)s” from %(date)s.")
ERROR_CHAIR_CURRENT = _(
    "%(name)s has been the club's chair since %(date)s. End that position first, or tick “Replace the current chair”."
)
ERROR_REPLACE_NOT_AFTER = _("The current chair started on %(date)s: the new chair must start after that day.")
ERROR_CHAIR_OVERLAP = _("The previous chair's position ended on %(date)s: the new chair cannot start before that day.")
ERROR_POSITION_ENDED = _("This position has already ended.")
ERROR_END_NOT_AFTER_START = _("The end date must be after the start date (%(date)s).")
ERROR_HOLDER_HAS_ACCOUNT = _("%(name)s already has the user account %(username)s.")
ERROR_ACCOUNT_TAKEN = _("The user account %(username)s already belongs to %(name)s.")
ERROR_ACCOUNT_NOT_ALLOWED = _(
    "The user account %(username)s belongs to association staff, an administrator or another club's board: "
    "it cannot be used for this club's board."
)
ERROR_ACCOUNT_INACTIVE = _("The user account %(username)s is disabled.")
ERROR_USERNAME_TAKEN = _("The user name %(username)s is already taken.")
ERROR_LEAVER_HOLDS_POSITION = _(
    "The board position “%(title)s” of %(name)s, from %(start)s, runs past this leaving date: "
    "correct the board position first."
)
ERROR_LEAVER_IN_TEAM = _(
    "The time of %(name)s in the team %(team)s, from %(start)s, runs past this leaving date: "
    "correct it on the team's page first."
)

# Characters of generated passwords: no 0/O, 1/l/I, so they can be read out over the phone.
PASSWORD_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12
STAFF_ROLES = (Role.PROVINCE_STAFF, Role.AREA_STAFF)


def _fmt(day: datetime.date) -> str:
    return date_format(day, "d/m/Y")


def _error(field: str | None, message, **params) -> ValidationError:
    error = ValidationError(message, params=params or None)
    return ValidationError({field: error}) if field else error


def _require_current_member(*, person: Person, club: Club, field: str, on: datetime.date | None = None) -> None:
    """`person` is a member of `club` today (and on `on`, when given), with a membership still open.

    The caller's choice list already offers only these people; this is the rule itself, so a
    crafted request, a command or another app gets the same answer.
    """
    today = timezone.localdate()
    day = on or today
    membership = Membership.objects.active_on(day).filter(person=person, club=club).first()
    if membership is None:
        if on is None:
            raise _error(field, ERROR_NOT_CURRENT_MEMBER, name=person.full_name)
        raise _error(field, ERROR_NOT_MEMBER_ON, name=person.full_name, date=_fmt(day))
    if membership.left_on is not None:
        raise _error(field, ERROR_HAS_LEFT, name=person.full_name, date=_fmt(membership.left_on))


def _require_not_dissolved(*, club: Club, on: datetime.date, field: str) -> None:
    if club.status_on(on) == ClubStatus.DISSOLVED:
        raise _error(field, ERROR_CLUB_DISSOLVED_ON, date=_fmt(on))


def _require_past_or_today(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise _error(field, ERROR_DATE_IN_FUTURE)


def _require_after_start(*, ended_on: datetime.date, started_on: datetime.date, field: str = "ended_on") -> None:
    if ended_on <= started_on:
        raise _error(field, ERROR_END_NOT_AFTER_START, date=_fmt(started_on))


def _account_refusal(*, user: User, club: Club):
    """Why `user` cannot be the login of a board member of `club`, or None.

    Staff and administrator accounts keep their wider roles to themselves, and an account of
    another club's board is someone else's: linking either would hand one person's access to another.
    """
    if not user.is_active:
        return ERROR_ACCOUNT_INACTIVE
    if user.is_superuser or user.is_staff:
        return ERROR_ACCOUNT_NOT_ALLOWED
    roles = RoleAssignment.objects.filter(user=user)
    if roles.filter(Q(role__in=STAFF_ROLES) | (Q(role=Role.CLUB_BOARD) & ~Q(club=club))).exists():
        return ERROR_ACCOUNT_NOT_ALLOWED
    return None


def _board_account(*, actor, club: Club, holder: Person, user: User | None, new_username: str) -> str:
    """Link an existing account to the holder, or create one; returns the generated password or ""."""
    if user is None and not new_username:
        return ""
    field = "user" if user is not None else "new_username"
    if holder.user_id is not None:
        raise _error(field, ERROR_HOLDER_HAS_ACCOUNT, name=holder.full_name, username=holder.user.username)
    password = ""
    if user is not None:
        user = User.objects.select_for_update().get(pk=user.pk)
        owner = Person.objects.filter(user=user).first()
        if owner is not None:
            raise _error(field, ERROR_ACCOUNT_TAKEN, username=user.username, name=owner.full_name)
        refusal = _account_refusal(user=user, club=club)
        if refusal is not None:
            raise _error(field, refusal, username=user.username)
    else:
        username = new_username.strip()
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise ValidationError({field: exc.error_list}) from None
        if User.objects.filter(username__iexact=username).exists():
            raise _error(field, ERROR_USERNAME_TAKEN, username=username)
        password = get_random_string(PASSWORD_LENGTH, PASSWORD_CHARS)
        user = User(username=username, full_name=holder.full_name, phone=holder.phone)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save()
        audit_record(actor=actor, action="accounts.user.created", target=user, data={"for": holder.full_name})
    holder.user = user
    holder.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor, action="members.person.account_linked", target=holder, data={"username": user.username})
    return password


def _position_close(*, actor, position: BoardPosition, ended_on: datetime.date, action: str) -> None:
    """End a position and the club-board role it gave, in the caller's transaction."""
    position.ended_on = ended_on
    position.full_clean()
    position.save(update_fields=["ended_on"])
    data = {"club": position.club.code, "title": position.title, "ended_on": ended_on.isoformat()}
    assignment = position.role_assignment
    if assignment is not None:
        # The role's valid_to is the last day it holds, included; the position's end day is not.
        last_day = ended_on - datetime.timedelta(days=1)
        if assignment.valid_to is None or assignment.valid_to > last_day:
            assignment.valid_to = last_day
            assignment.full_clean()
            assignment.save(update_fields=["valid_to"])
        data["role_valid_to"] = assignment.valid_to.isoformat()
    audit_record(actor=actor, action=action, target=position, data=data)


@transaction.atomic
def board_position_start(
    *,
    actor,
    club: Club,
    holder: Person,
    title: str,
    started_on: datetime.date,
    note: str = "",
    replace_current: bool = False,
    user: User | None = None,
    new_username: str = "",
) -> BoardPosition:
    """Appoint a member of the club to its board from a date.

    `replace_current`: for a chair, end the current chair's position on `started_on`.
    `user` / `new_username`: link an existing account to the holder, or create one, so the
    position can give it the club-board role. A created account's password is generated here and
    returned once, on the position as `new_password` (never stored in clear).
    """
    if user is not None and new_username:
        raise TypeError("board_position_start() takes user or new_username, not both")
    # Lock the club: two appointments of a chair at once are serialised, the second sees the first.
    club = Club.objects.select_for_update().get(pk=club.pk)
    holder = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=holder.pk)
    title = BoardTitle(title)
    _require_past_or_today(started_on, "started_on")
    _require_current_member(person=holder, club=club, on=started_on, field="holder")
    _require_not_dissolved(club=club, on=started_on, field="started_on")
    same = (
        BoardPosition.objects.filter(holder=holder, title=title)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=started_on))
        .order_by("started_on")
        .first()
    )
    if same is not None:
        raise _error(None, ERROR_SAME_TITLE, name=holder.full_name, title=title.label, date=_fmt(same.started_on))
    replaced = None
    if title == BoardTitle.CHAIR:
        current = club.board_positions.current().filter(title=BoardTitle.CHAIR).select_related("holder").first()
        if current is not None and not replace_current:
            raise _error(
                "replace_current", ERROR_CHAIR_CURRENT, name=current.holder.full_name, date=_fmt(current.started_on)
            )
        if current is not None and started_on <= current.started_on:
            raise _error("started_on", ERROR_REPLACE_NOT_AFTER, date=_fmt(current.started_on))
        earlier = club.board_positions.filter(title=BoardTitle.CHAIR, ended_on__gt=started_on).order_by("-ended_on")
        if earlier.exists():
            raise _error("started_on", ERROR_CHAIR_OVERLAP, date=_fmt(earlier.first().ended_on))
        replaced = current
    password = _board_account(actor=actor, club=club, holder=holder, user=user, new_username=new_username)
    if replaced is not None:
        _position_close(actor=actor, position=replaced, ended_on=started_on, action="clubs.board_position.replaced")
    position = BoardPosition(club=club, holder=holder, title=title, started_on=started_on, note=note.strip())
    if holder.user is not None:
        assignment = RoleAssignment(
            user=holder.user, role=Role.CLUB_BOARD, club=club, title=title, valid_from=started_on
        )
        assignment.full_clean()
        assignment.save()
        position.role_assignment = assignment
    position.full_clean()
    position.save()
    audit_record(
        actor=actor,
        action="clubs.board_position.started",
        target=position,
        data={
            "club": club.code,
            "holder": holder.full_name,
            "title": title.value,
            "started_on": started_on.isoformat(),
            "account": holder.user.username if holder.user else None,
        },
    )
    position.new_password = password
    return position


@transaction.atomic
def board_position_end(*, actor, position: BoardPosition, ended_on: datetime.date) -> BoardPosition:
    """End a board position from a day (not held that day); the account's club-board role ends with it."""
    position = (
        BoardPosition.objects.select_for_update(of=("self",))
        .select_related("club", "role_assignment")
        .get(pk=position.pk)
    )
    if position.ended_on is not None:
        raise _error(None, ERROR_POSITION_ENDED)
    _require_past_or_today(ended_on, "ended_on")
    _require_after_start(ended_on=ended_on, started_on=position.started_on)
    _position_close(actor=actor, position=position, ended_on=ended_on, action="clubs.board_position.ended")
    return position


# --- teams ----------------------------------------------------------------------------------

ERROR_TEAM_NAME_TAKEN = _("The club already has a current team called %(name)s.")
ERROR_TEAM_BEFORE_CLUB = _("The club's decision of establishment is dated %(date)s: a team cannot start earlier.")
ERROR_TEAM_ENDED = _("This team has ended: it can no longer be changed.")
ERROR_TEAM_START_AFTER_MEMBERS = _("A member joined the team on %(date)s: the team cannot start later than that.")
ERROR_TEAM_END_BEFORE_MEMBER = _("%(name)s joined the team on %(date)s: the team must end after that day.")
ERROR_TEAM_END_BEFORE_LEFT = _("%(name)s was in the team until %(date)s: the team cannot end earlier.")
ERROR_AREA_HAS_CARED_FOR = _(
    "The team has people cared for: only a volunteer home care team can have them. End their team membership first."
)
ERROR_MEMBER_BEFORE_TEAM = _("The team started on %(date)s: nobody can join it earlier.")
ERROR_CARED_FOR_HOME_CARE_ONLY = _("Only a volunteer home care team has people cared for.")
ERROR_CARED_FOR_OTHER_CLUB = _("%(name)s is a member of %(club)s: that club's volunteers care for them.")
ERROR_ALREADY_IN_TEAM = _("%(name)s is already in this team.")
ERROR_TEAM_OVERLAP = _("%(name)s was in this team until %(date)s: they can join again from that day.")
ERROR_TEAM_MEMBERSHIP_ENDED = _("This team membership has already ended.")

TEAM_FIELDS = ("name", "activity_area", "leader", "started_on", "note")


def _team_validate(*, team: Team) -> None:
    """The rules of a team's own fields, reported field by field."""
    errors: dict[str, list] = {}
    club = team.club
    if team.started_on > timezone.localdate():
        errors.setdefault("started_on", []).append(ValidationError(ERROR_DATE_IN_FUTURE))
    elif club.decision_date and team.started_on < club.decision_date:
        errors.setdefault("started_on", []).append(
            ValidationError(ERROR_TEAM_BEFORE_CLUB, params={"date": _fmt(club.decision_date)})
        )
    elif club.status_on(team.started_on) == ClubStatus.DISSOLVED:
        errors.setdefault("started_on", []).append(
            ValidationError(ERROR_CLUB_DISSOLVED_ON, params={"date": _fmt(team.started_on)})
        )
    folded = fold(team.name)
    others = Team.objects.filter(club=club, ended_on__isnull=True).exclude(pk=team.pk).values_list("name", flat=True)
    if any(fold(name) == folded for name in others):
        errors.setdefault("name", []).append(ValidationError(ERROR_TEAM_NAME_TAKEN, params={"name": team.name}))
    if team.leader is not None:
        try:
            _require_current_member(person=team.leader, club=club, field="leader")
        except ValidationError as exc:
            errors.setdefault("leader", []).extend(exc.error_dict["leader"])
    if team.pk is not None:
        first = team.memberships.order_by("started_on").values_list("started_on", flat=True).first()
        if first is not None and team.started_on > first:
            errors.setdefault("started_on", []).append(
                ValidationError(ERROR_TEAM_START_AFTER_MEMBERS, params={"date": _fmt(first)})
            )
        if (
            team.activity_area != ActivityArea.HOME_CARE
            and team.memberships.filter(role=TeamMemberRole.CARED_FOR, ended_on__isnull=True).exists()
        ):
            errors.setdefault("activity_area", []).append(ValidationError(ERROR_AREA_HAS_CARED_FOR))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def team_create(
    *,
    actor,
    club: Club,
    name: str,
    activity_area: str,
    started_on: datetime.date,
    leader: Person | None = None,
    note: str = "",
) -> Team:
    club = Club.objects.select_for_update().get(pk=club.pk)  # two teams of the same name at once
    team = Team(
        club=club,
        name=" ".join(name.split()),
        activity_area=ActivityArea(activity_area),
        leader=leader,
        started_on=started_on,
        note=note.strip(),
    )
    _team_validate(team=team)
    team.full_clean()
    team.save()
    audit_record(
        actor=actor,
        action="clubs.team.created",
        target=team,
        data={
            "club": club.code,
            "activity_area": team.activity_area,
            "leader": leader.full_name if leader else None,
            "started_on": started_on.isoformat(),
        },
    )
    return team


@transaction.atomic
def team_update(*, actor, team: Team, **values) -> Team:
    unknown = set(values) - set(TEAM_FIELDS)
    if unknown:
        raise TypeError(f"team_update() got unexpected fields: {', '.join(sorted(unknown))}")
    team = Team.objects.select_for_update(of=("self",)).select_related("club", "leader").get(pk=team.pk)
    if team.ended_on is not None:
        raise _error(None, ERROR_TEAM_ENDED)
    if "name" in values:
        values["name"] = " ".join(values["name"].split())
    if "note" in values:
        values["note"] = values["note"].strip()
    changes = changed_fields(team, values)
    if not changes:
        return team
    for field, value in values.items():
        setattr(team, field, value)
    _team_validate(team=team)
    team.full_clean()
    team.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=actor, action="clubs.team.updated", target=team, data=changes)
    return team


@transaction.atomic
def team_end(*, actor, team: Team, ended_on: datetime.date) -> Team:
    """End a team from a day; its members' team memberships end with it."""
    team = Team.objects.select_for_update(of=("self",)).select_related("club").get(pk=team.pk)
    if team.ended_on is not None:
        raise _error(None, ERROR_TEAM_ENDED)
    _require_past_or_today(ended_on, "ended_on")
    _require_after_start(ended_on=ended_on, started_on=team.started_on)
    # Everyone still in the team leaves with it; nobody's time in it may run past its end.
    running = list(
        team.memberships.select_for_update(of=("self",))
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=ended_on))
        .select_related("person")
    )
    for membership in running:
        if membership.ended_on is not None:
            raise _error(
                "ended_on", ERROR_TEAM_END_BEFORE_LEFT, name=membership.person.full_name, date=_fmt(membership.ended_on)
            )
        if ended_on <= membership.started_on:
            raise _error(
                "ended_on",
                ERROR_TEAM_END_BEFORE_MEMBER,
                name=membership.person.full_name,
                date=_fmt(membership.started_on),
            )
    for membership in running:  # all open: a closed one running past the end was refused
        membership.ended_on = ended_on
        membership.full_clean()
        membership.save(update_fields=["ended_on"])
    team.ended_on = ended_on
    team.full_clean()
    team.save(update_fields=["ended_on", "updated_at"])
    audit_record(
        actor=actor,
        action="clubs.team.ended",
        target=team,
        data={"ended_on": ended_on.isoformat(), "memberships_ended": len(running)},
    )
    return team


@transaction.atomic
def team_member_add(
    *, actor, team: Team, person: Person, role: str, started_on: datetime.date, note: str = ""
) -> TeamMembership:
    """Put a person in a team from a day: a member or volunteer of the club, or someone cared for."""
    team = Team.objects.select_for_update(of=("self",)).select_related("club").get(pk=team.pk)
    role = TeamMemberRole(role)
    if team.ended_on is not None:
        raise _error(None, ERROR_TEAM_ENDED)
    _require_past_or_today(started_on, "started_on")
    if started_on < team.started_on:
        raise _error("started_on", ERROR_MEMBER_BEFORE_TEAM, date=_fmt(team.started_on))
    if role == TeamMemberRole.CARED_FOR:
        if not team.is_home_care:
            raise _error("role", ERROR_CARED_FOR_HOME_CARE_ONLY)
        elsewhere = (
            Membership.objects.filter(person=person, left_on__isnull=True)
            .exclude(club=team.club)
            .select_related("club")
            .first()
        )
        if elsewhere is not None:
            raise _error("person", ERROR_CARED_FOR_OTHER_CLUB, name=person.full_name, club=elsewhere.club.name)
    else:
        _require_current_member(person=person, club=team.club, on=started_on, field="person")
    previous = team.memberships.filter(person=person).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=started_on))
    previous = previous.order_by("-started_on").first()
    if previous is not None and previous.ended_on is None:
        raise _error("person", ERROR_ALREADY_IN_TEAM, name=person.full_name)
    if previous is not None:
        raise _error("started_on", ERROR_TEAM_OVERLAP, name=person.full_name, date=_fmt(previous.ended_on))
    membership = TeamMembership(team=team, person=person, role=role, started_on=started_on, note=note.strip())
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="clubs.team_membership.started",
        target=membership,
        data={
            "club": team.club.code,
            "team": team.name,
            "person": person.full_name,
            "role": role.value,
            "started_on": started_on.isoformat(),
        },
    )
    return membership


@transaction.atomic
def team_cared_for_add(
    *,
    actor,
    team: Team,
    started_on: datetime.date,
    full_name: str,
    sex: str,
    birth_year: int,
    hamlet: str = "",
    note: str = "",
) -> TeamMembership:
    """Record a person of the community who is not yet in the register, cared for by the home-care team."""
    from members.services import person_create  # members.services imports this module

    team = Team.objects.select_related("club").get(pk=team.pk)
    if not team.is_home_care:
        raise _error(None, ERROR_CARED_FOR_HOME_CARE_ONLY)
    person = person_create(
        actor=actor, full_name=full_name, sex=sex, birth_year=birth_year, hamlet=hamlet, receives_home_care=True
    )
    return team_member_add(
        actor=actor, team=team, person=person, role=TeamMemberRole.CARED_FOR, started_on=started_on, note=note
    )


@transaction.atomic
def team_member_end(*, actor, membership: TeamMembership, ended_on: datetime.date) -> TeamMembership:
    membership = (
        TeamMembership.objects.select_for_update(of=("self",))
        .select_related("team__club", "person")
        .get(pk=membership.pk)
    )
    if membership.ended_on is not None:
        raise _error(None, ERROR_TEAM_MEMBERSHIP_ENDED)
    _require_past_or_today(ended_on, "ended_on")
    _require_after_start(ended_on=ended_on, started_on=membership.started_on)
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="clubs.team_membership.ended",
        target=membership,
        data={"club": membership.team.club.code, "team": membership.team.name, "ended_on": ended_on.isoformat()},
    )
    return membership


@transaction.atomic
def club_roles_end_for_leaver(*, actor, person: Person, club: Club, left_on: datetime.date) -> None:
    """A member leaves `club` on `left_on` (members.services.member_leave, and so member_move):
    their board positions and team memberships in that club end that day, and they no longer
    lead its teams. A position or team membership running past that day but not open (or opened
    on or after it) is a contradiction the user must correct: refused, nothing is changed.
    """
    positions = list(
        BoardPosition.objects.select_for_update(of=("self",))
        .filter(club=club, holder=person)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=left_on))
        .select_related("club", "role_assignment")
    )
    for position in positions:
        if position.ended_on is not None or position.started_on >= left_on:
            raise _error(
                None,
                ERROR_LEAVER_HOLDS_POSITION,
                name=person.full_name,
                title=position.get_title_display(),
                start=_fmt(position.started_on),
            )
    team_memberships = list(
        TeamMembership.objects.select_for_update(of=("self",))
        .filter(team__club=club, person=person)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=left_on))
        .select_related("team__club")
    )
    for membership in team_memberships:
        if membership.ended_on is not None or membership.started_on >= left_on:
            raise _error(
                None,
                ERROR_LEAVER_IN_TEAM,
                name=person.full_name,
                team=membership.team.name,
                start=_fmt(membership.started_on),
            )
    for position in positions:
        _position_close(actor=actor, position=position, ended_on=left_on, action="clubs.board_position.ended")
    for membership in team_memberships:
        membership.ended_on = left_on
        membership.full_clean()
        membership.save(update_fields=["ended_on"])
        audit_record(
            actor=actor,
            action="clubs.team_membership.ended",
            target=membership,
            data={"club": club.code, "team": membership.team.name, "ended_on": left_on.isoformat()},
        )
    for team in Team.objects.select_for_update().filter(club=club, leader=person, ended_on__isnull=True):
        team.leader = None
        team.save(update_fields=["leader", "updated_at"])
        audit_record(actor=actor, action="clubs.team.updated", target=team, data={"leader": [person.full_name, None]})
