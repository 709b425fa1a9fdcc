"""Access across the maps of 2025 (accounts/access.py with ClubQuerySet.located_condition): staff
of an abolished district keep their clubs, staff of a commune of the new map see the clubs that the
lineage or a decision brought into it. The maps: tests/clubs/maps.py."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import access
from accounts.access import CAPABILITIES, Cap
from accounts.models import Role, User
from areas.models import AdminUnit
from areas.signals import lineage_loaded
from clubs.models import LOCATION_UNITS, Club
from clubs.services import locations, register
from tests import factories
from tests.clubs.maps import build_maps

D = datetime.date


def staff_of(unit, username, role=Role.AREA_STAFF):
    user = factories.UserFactory(username=username)
    factories.RoleAssignmentFactory(user=user, role=role, area=unit, valid_from=D(2020, 1, 1))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def maps(world, province_staff):
    maps = build_maps(world)
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    # Club A1 was decided into An Phú; club A2 still waits for its decision.
    locations.club_location_decide(actor=province_staff, club=world.club_a1, unit=maps.an_phu, reason="Thôn Liên Trì")
    return maps


@pytest.fixture
def new_club(maps, province_staff):
    """A club registered in 2026 in Nghĩa An, on the map of 1 Jul 2025 only."""
    with time_machine.travel(datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        return register.club_create(
            actor=province_staff, name="CLB Nghĩa An", unit=maps.nghia_an, decision_date=D(2025, 11, 15)
        )


def seen(user, cap=Cap.CLUB_VIEW):
    return set(access.clubs_for(user, cap))


def test_old_district_staff_keep_their_clubs(world, maps, area_staff, new_club):
    """Staff of district A (vn-2020) keep the clubs registered there, wherever the new map put them,
    and see the clubs registered since in units that came from it alone (traced back into it)."""
    assert seen(area_staff) == {world.club_a1, world.club_a2, new_club}


def test_staff_of_the_january_district_see_its_clubs(world, maps, new_club):
    """District A carried on, with the same code, on the map of 1 Jan 2025: its staff there see the
    clubs that sit in it on that map, and a club registered on it in February."""
    club = register.club_create(actor=None, name="CLB Tháng Hai", unit=maps.binh_hiep, decision_date=D(2025, 2, 10))
    staff = staff_of(maps.district_a, "huyen_a_2025")
    assert seen(staff) == {world.club_a1, world.club_a2, club, new_club}


def test_new_commune_staff_see_the_clubs_that_came_into_it(world, maps, new_club):
    an_phu = staff_of(maps.an_phu, "phuong_an_phu")
    nghia_an = staff_of(maps.nghia_an, "xa_nghia_an")
    son_ha = staff_of(maps.son_ha, "xa_son_ha")
    assert seen(an_phu) == {world.club_a1}  # decided into An Phú
    assert seen(nghia_an) == {new_club}  # club A2 waits for its decision: in neither part yet
    assert seen(son_ha) == {world.club_b1}  # Ba Vì, renamed then merged
    assert access.get_club(son_ha, world.club_b1.pk, Cap.CLUB_MANAGE) == world.club_b1


def test_province_staff_on_either_map_see_every_club(world, maps, province_staff, new_club):
    """The province's path is the same on every map: its staff, on the map of 2020 or on the map of
    1 Jul 2025, see the clubs registered under it on any map, and decide for club A2."""
    everyone = {world.club_a1, world.club_a2, world.club_b1, world.club_l, new_club}
    new_province = staff_of(maps.province_july, "tinh_moi", role=Role.PROVINCE_STAFF)
    for staff in (province_staff, new_province):
        assert seen(staff) == everyone
        assert seen(staff, Cap.LOCATION_DECIDE) == everyone


def test_staff_of_a_commune_merged_away_keep_its_clubs(world, maps):
    """Tịnh Ấn Tây (A2) was merged into Bình Hiệp on 1 Jan 2025: its staff keep club A2."""
    assert seen(staff_of(world.commune_a2, "xa_tinh_an_tay")) == {world.club_a2}


def test_the_club_list_filters_are_the_located_clubs(world, maps, new_club):
    # The new club is counted, on the earlier maps, where the lineage traces it back.
    assert set(Club.objects.located_under(world.district_a)) == {world.club_a1, world.club_a2, new_club}
    assert set(Club.objects.located_under(maps.binh_hiep)) == {world.club_a1, world.club_a2, new_club}
    assert set(Club.objects.located_under(maps.an_phu)) == {world.club_a1}
    assert set(Club.objects.located_under(maps.nghia_an)) == {new_club}
    assert set(Club.objects.located_under(maps.province_july)) == {world.club_a1, world.club_b1, world.club_l, new_club}


@pytest.mark.parametrize("cap", [Cap.CLUB_VIEW, Cap.CLUB_MANAGE, Cap.LOCATION_DECIDE, Cap.FUNDS_MANAGE])
def test_caps_on_club_agrees_with_clubs_for_across_maps(world, maps, area_staff, province_staff, new_club, cap):
    """The check of one club (Club.is_located_under) and the queryset (located_condition) never
    disagree, whether the club's locations were prefetched or not."""
    users = [
        area_staff,
        province_staff,
        staff_of(maps.district_a, "huyen_a_2025"),
        staff_of(maps.an_phu, "phuong_an_phu"),
        staff_of(maps.nghia_an, "xa_nghia_an"),
        staff_of(maps.son_ha, "xa_son_ha"),
        staff_of(maps.province_july, "tinh_moi", role=Role.PROVINCE_STAFF),
        factories.board_member(world.club_b1, username="chunhiem_b1"),
        AnonymousUser(),
    ]
    for user in users:
        in_scope = seen(user, cap)
        for club in Club.objects.select_related("unit"):
            assert access.can_on_club(user, club, cap) == (club in in_scope), (user, club, cap)
        for club in Club.objects.select_related("unit").prefetch_related(LOCATION_UNITS):
            assert access.can_on_club(user, club, cap) == (club in in_scope), (user, club, cap)


def test_caps_on_club_reads_locations_only_for_a_staff_role_on_another_map(world, maps, area_staff):
    an_phu = staff_of(maps.an_phu, "phuong_an_phu")
    for user in (area_staff, an_phu):
        access.assignments(user)
    club = Club.objects.select_related("unit").get(pk=world.club_a1.pk)
    with CaptureQueriesContext(connection) as queries:
        assert access.caps_on_club(area_staff, club) == CAPABILITIES[Role.AREA_STAFF]
    assert len(queries) == 0  # a staff role on the club's registration map: its unit decides
    with CaptureQueriesContext(connection) as queries:
        assert access.caps_on_club(an_phu, club) == CAPABILITIES[Role.AREA_STAFF]
        assert access.caps_on_club(an_phu, club) == CAPABILITIES[Role.AREA_STAFF]
    assert len(queries) == 1  # the club's locations, read once
    club = Club.objects.select_related("unit").prefetch_related(LOCATION_UNITS).get(pk=world.club_a1.pk)
    with CaptureQueriesContext(connection) as queries:
        assert access.caps_on_club(an_phu, club) == CAPABILITIES[Role.AREA_STAFF]
    assert len(queries) == 0


def test_only_province_staff_decide_where_a_club_sits():
    assert Cap.LOCATION_DECIDE in CAPABILITIES[Role.PROVINCE_STAFF]
    assert Cap.LOCATION_DECIDE not in CAPABILITIES[Role.AREA_STAFF] | CAPABILITIES[Role.CLUB_BOARD]
