from tests import factories
from tests.url_access import ALL_SIGNED_IN_200, MANAGE_CLUB_A1, VIEW_CLUB_A1, WORK_IN_CLUB_A1


def member_of_a1(world):
    """A current member of club A1: what club A1's board and district A's staff may see and change."""
    membership = factories.MembershipFactory(club=world.club_a1)
    return {"pk": membership.person.pk}


def club_a1(world):
    return {"club_pk": world.club_a1.pk}


# Moving a member touches two clubs' registers: association staff only, never the club board.
MOVE_MEMBER_OF_A1 = MANAGE_CLUB_A1

PROTECTED = {
    "members:member-list": ("get", None, ALL_SIGNED_IN_200),
    "members:member-create": ("get", club_a1, WORK_IN_CLUB_A1),
    "members:member-detail": ("get", member_of_a1, VIEW_CLUB_A1),
    "members:member-update": ("get", member_of_a1, WORK_IN_CLUB_A1),
    "members:member-status": ("get", member_of_a1, WORK_IN_CLUB_A1),
    "members:member-leave": ("get", member_of_a1, WORK_IN_CLUB_A1),
    "members:member-move": ("get", member_of_a1, MOVE_MEMBER_OF_A1),
}
