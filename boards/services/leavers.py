"""A member leaving the club leaves its board and teams the same day (boards/receivers.py calls
this when members.services says a membership ended)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from boards.models import BoardPosition, Team, TeamMembership
from boards.services.board import position_close
from boards.services.teams import membership_close
from clubs.models import Club
from core.dates import format_date
from core.errors import refusal
from core.types import Actor
from members.models import Person

ERROR_LEAVER_HOLDS_POSITION = _(
    "The board position “%(title)s” of %(name)s, from %(start)s, runs past this leaving date: "
    "correct the board position first."
)
ERROR_LEAVER_IN_TEAM = _(
    "The time of %(name)s in the team %(team)s, from %(start)s, runs past this leaving date: "
    "correct it on the team's page first."
)


@transaction.atomic
def club_roles_end_for_leaver(*, actor: Actor, person: Person, club: Club, left_on: datetime.date) -> None:
    """A member leaves `club` on `left_on` (members.services.member_leave, and so member_move):
    their board positions and team memberships in that club end that day, and they no longer
    lead its teams. A position or team membership running past that day but not open (or opened
    on or after it) is a contradiction the user must correct: refused, nothing is changed.
    """
    positions = list(
        BoardPosition.objects.select_for_update(of=("self",))
        .filter(club=club, holder=person)
        .not_ended_by(left_on)
        .select_related("club", "role_assignment")
    )
    for position in positions:
        if position.ended_on is not None or position.started_on >= left_on:
            raise refusal(
                ERROR_LEAVER_HOLDS_POSITION,
                name=person.full_name,
                title=position.get_title_display(),
                start=format_date(position.started_on),
            )
    team_memberships = list(
        TeamMembership.objects.select_for_update(of=("self",))
        .filter(team__club=club, person=person)
        .not_ended_by(left_on)
        .select_related("team__club")
    )
    for membership in team_memberships:
        if membership.ended_on is not None or membership.started_on >= left_on:
            raise refusal(
                ERROR_LEAVER_IN_TEAM,
                name=person.full_name,
                team=membership.team.name,
                start=format_date(membership.started_on),
            )
    for position in positions:
        position_close(actor=actor, position=position, ended_on=left_on, action="clubs.board_position.ended")
    for membership in team_memberships:
        membership_close(actor=actor, membership=membership, ended_on=left_on)
    for team in Team.objects.select_for_update().filter(club=club, leader=person, ended_on__isnull=True):
        team.leader = None
        team.save(update_fields=["leader", "updated_at"])
        audit_record(actor=actor, action="clubs.team.updated", target=team, data={"leader": [person.full_name, None]})
