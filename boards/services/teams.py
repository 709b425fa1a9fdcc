"""The club's teams (tổ / nhóm) and their members: creating, changing and ending a team, putting
people in it and taking them out (docs/domain.md §2).

- A place in a team holds from `started_on` to the day before `ended_on` (core.models.Tenure).
- Team leaders, members and volunteers are current members of the club. A person cared for by
  the home-care team may be an older person of the community who is not a member, recorded as a
  Person all the same (so visits and reports can name them), but not a current member of another
  club (their own club's volunteers care for them). Only teams of the volunteer home care area
  have people cared for.
"""

import datetime
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record, changed_fields
from boards.models import Team, TeamMemberRole, TeamMembership
from boards.services.checks import (
    ERROR_CLUB_DISSOLVED_ON,
    ERROR_DATE_IN_FUTURE,
    require_after_start,
    require_current_member,
    require_past_or_today,
)
from clubs.models import ActivityArea, Club, ClubStatus
from core.dates import format_date
from core.errors import refusal
from core.text import fold
from core.types import Actor
from members.models import Membership, Person
from members.services import person_create

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


class TeamFields(TypedDict, total=False):
    """What a team's page edits, and team_update changes."""

    name: str
    activity_area: str
    leader: Person | None
    started_on: datetime.date
    note: str


TEAM_FIELDS = tuple(TeamFields.__annotations__)


def _team_validate(*, team: Team) -> None:
    """The rules of a team's own fields, reported field by field."""
    errors: dict[str, list[ValidationError]] = {}
    club = team.club
    if team.started_on > timezone.localdate():
        errors.setdefault("started_on", []).append(ValidationError(ERROR_DATE_IN_FUTURE))
    elif club.decision_date and team.started_on < club.decision_date:
        errors.setdefault("started_on", []).append(
            ValidationError(ERROR_TEAM_BEFORE_CLUB, params={"date": format_date(club.decision_date)})
        )
    elif club.status_on(team.started_on) == ClubStatus.DISSOLVED:
        errors.setdefault("started_on", []).append(
            ValidationError(ERROR_CLUB_DISSOLVED_ON, params={"date": format_date(team.started_on)})
        )
    folded = fold(team.name)
    others = Team.objects.filter(club=club, ended_on__isnull=True).exclude(pk=team.pk).values_list("name", flat=True)
    if any(fold(name) == folded for name in others):
        errors.setdefault("name", []).append(ValidationError(ERROR_TEAM_NAME_TAKEN, params={"name": team.name}))
    if team.leader is not None:
        try:
            require_current_member(person=team.leader, club=club, field="leader")
        except ValidationError as exc:
            errors.setdefault("leader", []).extend(exc.error_dict["leader"])
    if team.pk is not None:
        first = team.memberships.order_by("started_on").values_list("started_on", flat=True).first()
        if first is not None and team.started_on > first:
            errors.setdefault("started_on", []).append(
                ValidationError(ERROR_TEAM_START_AFTER_MEMBERS, params={"date": format_date(first)})
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
    actor: Actor,
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
def team_update(*, actor: Actor, team: Team, **fields: Unpack[TeamFields]) -> Team:
    unknown = set(fields) - set(TEAM_FIELDS)
    if unknown:
        raise TypeError(f"team_update() got unexpected fields: {', '.join(sorted(unknown))}")
    team = Team.objects.select_for_update(of=("self",)).select_related("club", "leader").get(pk=team.pk)
    if team.ended_on is not None:
        raise refusal(ERROR_TEAM_ENDED)
    values: dict[str, Any] = {**fields}
    if "name" in fields:
        values["name"] = " ".join(fields["name"].split())
    if "note" in fields:
        values["note"] = fields["note"].strip()
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
def team_end(*, actor: Actor, team: Team, ended_on: datetime.date) -> Team:
    """End a team from a day; its members' team memberships end with it."""
    team = Team.objects.select_for_update(of=("self",)).select_related("club").get(pk=team.pk)
    if team.ended_on is not None:
        raise refusal(ERROR_TEAM_ENDED)
    require_past_or_today(ended_on, "ended_on")
    require_after_start(ended_on=ended_on, started_on=team.started_on)
    # Everyone still in the team leaves with it; nobody's time in it may run past its end.
    running = list(team.memberships.select_for_update(of=("self",)).not_ended_by(ended_on).select_related("person"))
    for membership in running:
        if membership.ended_on is not None:
            raise refusal(
                ERROR_TEAM_END_BEFORE_LEFT,
                field="ended_on",
                name=membership.person.full_name,
                date=format_date(membership.ended_on),
            )
        if ended_on <= membership.started_on:
            raise refusal(
                ERROR_TEAM_END_BEFORE_MEMBER,
                field="ended_on",
                name=membership.person.full_name,
                date=format_date(membership.started_on),
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
    *, actor: Actor, team: Team, person: Person, role: str, started_on: datetime.date, note: str = ""
) -> TeamMembership:
    """Put a person in a team from a day: a member or volunteer of the club, or someone cared for."""
    team = Team.objects.select_for_update(of=("self",)).select_related("club").get(pk=team.pk)
    role = TeamMemberRole(role)
    if team.ended_on is not None:
        raise refusal(ERROR_TEAM_ENDED)
    require_past_or_today(started_on, "started_on")
    if started_on < team.started_on:
        raise refusal(ERROR_MEMBER_BEFORE_TEAM, field="started_on", date=format_date(team.started_on))
    if role == TeamMemberRole.CARED_FOR:
        if not team.is_home_care:
            raise refusal(ERROR_CARED_FOR_HOME_CARE_ONLY, field="role")
        elsewhere = (
            Membership.objects.filter(person=person, left_on__isnull=True)
            .exclude(club=team.club)
            .select_related("club")
            .first()
        )
        if elsewhere is not None:
            raise refusal(ERROR_CARED_FOR_OTHER_CLUB, field="person", name=person.full_name, club=elsewhere.club.name)
    else:
        require_current_member(person=person, club=team.club, on=started_on, field="person")
    previous = team.memberships.filter(person=person).not_ended_by(started_on).order_by("-started_on").first()
    if previous is not None and previous.ended_on is None:
        raise refusal(ERROR_ALREADY_IN_TEAM, field="person", name=person.full_name)
    if previous is not None and previous.ended_on is not None:
        raise refusal(
            ERROR_TEAM_OVERLAP, field="started_on", name=person.full_name, date=format_date(previous.ended_on)
        )
    membership = TeamMembership(team=team, person=person, role=role, started_on=started_on, note=note.strip())
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="clubs.team_membership.started",
        target=membership,
        club_id=team.club_id,
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
    actor: Actor,
    team: Team,
    started_on: datetime.date,
    full_name: str,
    sex: str,
    birth_year: int,
    hamlet: str = "",
    note: str = "",
) -> TeamMembership:
    """Record a person of the community who is not yet in the register, cared for by the home-care team."""
    team = Team.objects.select_related("club").get(pk=team.pk)
    if not team.is_home_care:
        raise refusal(ERROR_CARED_FOR_HOME_CARE_ONLY)
    person = person_create(
        actor=actor,
        full_name=full_name,
        sex=sex,
        birth_year=birth_year,
        club=team.club,
        hamlet=hamlet,
        receives_home_care=True,
    )
    return team_member_add(
        actor=actor, team=team, person=person, role=TeamMemberRole.CARED_FOR, started_on=started_on, note=note
    )


@transaction.atomic
def team_member_end(*, actor: Actor, membership: TeamMembership, ended_on: datetime.date) -> TeamMembership:
    membership = (
        TeamMembership.objects.select_for_update(of=("self",))
        .select_related("team__club", "person")
        .get(pk=membership.pk)
    )
    if membership.ended_on is not None:
        raise refusal(ERROR_TEAM_MEMBERSHIP_ENDED)
    require_past_or_today(ended_on, "ended_on")
    require_after_start(ended_on=ended_on, started_on=membership.started_on)
    membership_close(actor=actor, membership=membership, ended_on=ended_on)
    return membership


def membership_close(*, actor: Actor, membership: TeamMembership, ended_on: datetime.date) -> None:
    """End a place in a team, checked by the caller, and audit it (a team member's end, a leaver's places)."""
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    audit_record(
        actor=actor,
        action="clubs.team_membership.ended",
        target=membership,
        club_id=membership.team.club_id,
        data={"club": membership.team.club.code, "team": membership.team.name, "ended_on": ended_on.isoformat()},
    )
