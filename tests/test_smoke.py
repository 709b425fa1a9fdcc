from accounts import access
from accounts.access import Cap


def test_world_builds(world, province_staff, area_staff, club_chair):
    assert access.clubs_for(province_staff, Cap.CLUB_VIEW).count() == 4
    assert set(access.clubs_for(area_staff, Cap.CLUB_VIEW)) == {world.club_a1, world.club_a2}
    assert list(access.clubs_for(club_chair, Cap.CLUB_VIEW)) == [world.club_a1]
