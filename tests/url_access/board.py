"""The club's management board and teams (boards app, docs/domain.md §2).

The board is changed by association staff only (Cap.BOARD_MANAGE): the club's own board sees
it but may not appoint itself (403). Teams are kept by staff in scope and the club's own board
(Cap.TEAM_MANAGE). Outsiders never learn that club A1 exists (404).
"""

from accounts.models import BoardTitle
from clubs.models import ActivityArea
from tests import factories
from tests.url_access import MANAGE_CLUB_A1, VIEW_CLUB_A1, WORK_IN_CLUB_A1, club_a1


def board_position_a1(world):
    position = factories.BoardPositionFactory(club=world.club_a1, title=BoardTitle.VICE_CHAIR)
    return {"pk": world.club_a1.pk, "position_pk": position.pk}


def team_a1(world):
    team = factories.TeamFactory(club=world.club_a1)
    return {"pk": world.club_a1.pk, "team_pk": team.pk}


def home_care_team_a1(world):
    team = factories.TeamFactory(club=world.club_a1, activity_area=ActivityArea.HOME_CARE)
    return {"pk": world.club_a1.pk, "team_pk": team.pk}


def team_membership_a1(world):
    membership = factories.TeamMembershipFactory(team__club=world.club_a1)
    return {"pk": world.club_a1.pk, "team_pk": membership.team.pk, "membership_pk": membership.pk}


PROTECTED = {
    "boards:board-position-create": ("get", club_a1, MANAGE_CLUB_A1),
    "boards:board-position-end": ("get", board_position_a1, MANAGE_CLUB_A1),
    "boards:team-create": ("get", club_a1, WORK_IN_CLUB_A1),
    "boards:team-detail": ("get", team_a1, VIEW_CLUB_A1),
    "boards:team-update": ("get", team_a1, WORK_IN_CLUB_A1),
    "boards:team-end": ("get", team_a1, WORK_IN_CLUB_A1),
    "boards:team-member-add": ("get", home_care_team_a1, WORK_IN_CLUB_A1),
    "boards:team-cared-for-create": ("get", home_care_team_a1, WORK_IN_CLUB_A1),
    "boards:team-member-end": ("get", team_membership_a1, WORK_IN_CLUB_A1),
}
