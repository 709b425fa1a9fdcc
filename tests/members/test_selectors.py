"""Reads of the member register that pages offer choices from."""

import datetime

from clubs.models import Club, StatusChangeKind
from members import selectors
from tests import factories

D = datetime.date
TODAY = D(2025, 3, 15)


def test_a_member_may_be_moved_to_any_other_club_given_that_is_not_dissolved(world):
    membership = factories.MembershipFactory(club=world.club_a1)
    factories.ClubStatusChangeFactory(club=world.club_b1, kind=StatusChangeKind.DISSOLVED, effective_on=D(2025, 1, 12))
    # Dissolved after today: still offered today.
    factories.ClubStatusChangeFactory(club=world.club_l, kind=StatusChangeKind.DISSOLVED, effective_on=D(2025, 6, 1))

    destinations = selectors.move_destinations(clubs=Club.objects.all(), membership=membership, on=TODAY)

    assert set(destinations) == {world.club_a2, world.club_l}


def test_move_destinations_stay_among_the_clubs_given(world):
    membership = factories.MembershipFactory(club=world.club_a1)

    destinations = selectors.move_destinations(
        clubs=Club.objects.filter(pk__in=[world.club_a1.pk, world.club_b1.pk]), membership=membership, on=TODAY
    )

    assert list(destinations) == [world.club_b1]
