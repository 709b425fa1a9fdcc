"""Where a club sits on each map (clubs/locating.py, clubs/services/locations.py, the receiver of
areas.signals.lineage_loaded, clubs.selectors.location_decisions): the maps of tests/clubs/maps.py.
"Today" is 15/03/2025 (vn-2025-01 in force) unless a test travels."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from areas.models import AdminUnit
from areas.signals import lineage_loaded
from audit.models import AuditEntry
from clubs import locating
from clubs.models import Club, ClubLocation, LocationSource, StatusChangeKind
from clubs.selectors import club_location_history, location_decisions
from clubs.services import locations, register
from tests import factories
from tests.clubs.maps import build_maps, link_2025, where

D = datetime.date
REG, LIN, DEC = LocationSource.REGISTERED, LocationSource.LINEAGE, LocationSource.DECIDED
TRACED = LocationSource.TRACED_BACK


@pytest.fixture
def maps(world):
    return build_maps(world)


@pytest.fixture
def followed(world, maps, province_staff):
    """The lineage loaded: every club of the world followed."""
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    return maps


def in_2026():
    return time_machine.travel(datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC), tick=False)


# --- following the lineage ---------------------------------------------------------------------


def test_kept_merged_renamed_and_split(world, followed):
    assert where(world.club_a1) == {
        "vn-2020": ("Xã Bình Hiệp", REG),
        "vn-2025-01": ("Xã Bình Hiệp", LIN),  # kept; split on 01/07/2025: waits for a decision
    }
    assert where(world.club_a2) == {
        "vn-2020": ("Xã Tịnh Ấn Tây", REG),
        "vn-2025-01": ("Xã Bình Hiệp", LIN),  # merged into it
    }
    assert where(world.club_b1) == {
        "vn-2020": ("Xã Ba Vì", REG),
        "vn-2025-01": ("Xã Ba Vì Mới", LIN),  # renamed
        "vn-2025-07": ("Xã Sơn Hà", LIN),  # merged
    }
    assert where(world.club_l) == {
        "vn-2020": ("Huyện Lý Sơn", REG),
        "vn-2025-01": ("Huyện Lý Sơn", LIN),
        "vn-2025-07": ("Đặc khu Lý Sơn", LIN),
    }


def test_following_is_audited_per_club(world, followed, province_staff):
    entry = AuditEntry.objects.get(action="clubs.club.located", target_id=str(world.club_b1.pk))
    assert entry.actor == province_staff
    assert entry.data == {"added": {"vn-2025-01": "90201", "vn-2025-07": "21003"}}


def test_following_again_changes_nothing(world, followed, province_staff):
    before = set(ClubLocation.objects.values_list("pk", "club", "scheme", "unit", "source"))
    entries = AuditEntry.objects.count()
    result = locations.club_locations_follow(actor=province_staff)
    assert (result.clubs, result.added, result.dropped, result.pending) == (0, 0, 0, 2)
    assert set(ClubLocation.objects.values_list("pk", "club", "scheme", "unit", "source")) == before
    assert AuditEntry.objects.count() == entries


def test_without_the_lineage_a_club_stays_on_its_map(world, province_staff):
    build_maps(world, lineage=False)
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    assert where(world.club_b1) == {"vn-2020": ("Xã Ba Vì", REG)}
    assert not AuditEntry.objects.exists()


def test_a_club_registered_in_january_2025_is_followed_onto_july(world, maps, province_staff):
    club = register.club_create(
        actor=province_staff, name="CLB Sơn Thượng", unit=maps.son_thuong, decision_date=D(2025, 2, 10)
    )
    assert where(club) == {"vn-2025-01": ("Xã Sơn Thượng", REG), "vn-2025-07": ("Xã Sơn Hà", LIN)}
    entry = AuditEntry.objects.get(action="clubs.club.located")
    assert entry.data == {"added": {"vn-2025-01": "90202", "vn-2025-07": "21003"}}


def test_a_club_decided_in_2019_sits_on_the_earliest_map(world, maps, province_staff):
    """The units of the earliest map held start open (areas.models.AdminUnit)."""
    AdminUnit.objects.filter(scheme=world.province.scheme).update(valid_from=None)
    club = register.club_create(
        actor=province_staff,
        name="CLB Ba Vì 2019",
        unit=AdminUnit.objects.get(pk=world.commune_b1.pk),
        decision_date=D(2019, 5, 1),
        launch_date=D(2019, 6, 1),
    )
    assert where(club) == {
        "vn-2020": ("Xã Ba Vì", REG),
        "vn-2025-01": ("Xã Ba Vì Mới", LIN),
        "vn-2025-07": ("Xã Sơn Hà", LIN),
    }


def test_a_club_registered_in_2026_sits_only_on_the_current_map_and_is_traced_back(world, maps, province_staff):
    """It never sat on the earlier maps; for their reports it is traced back along the lineage: to
    the unit its unit came from (Bình Hiệp), or the one holding all it came from (district A)."""
    with in_2026():
        club = register.club_create(
            actor=province_staff, name="CLB Nghĩa An", unit=maps.nghia_an, decision_date=D(2025, 11, 15)
        )
        without_date = register.club_create(actor=province_staff, name="CLB Không Ngày", unit=maps.son_ha)
    assert where(club) == {
        "vn-2025-07": ("Xã Nghĩa An", REG),
        "vn-2025-01": ("Xã Bình Hiệp", TRACED),
        "vn-2020": ("Huyện Đồng Bằng", TRACED),
    }
    assert where(without_date)["vn-2025-07"] == ("Xã Sơn Hà", REG)
    assert where(without_date)["vn-2025-01"] == ("Huyện Miền Núi", TRACED)  # Ba Vì Mới and Sơn Thượng


def test_a_dissolved_club_is_not_followed_onto_maps_after_its_dissolution(world, maps, province_staff):
    register.club_status_change(
        club=world.club_b1,
        actor=province_staff,
        kind=StatusChangeKind.DISSOLVED,
        effective_on=D(2025, 1, 1),
        reason="Giải thể",
    )
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    # vn-2025-01 starts on the day of the dissolution: the club was gone on it.
    assert where(world.club_b1) == {"vn-2020": ("Xã Ba Vì", REG)}


def test_dissolving_a_followed_club_drops_the_later_maps(world, followed, province_staff):
    register.club_status_change(
        club=world.club_l,
        actor=province_staff,
        kind=StatusChangeKind.DISSOLVED,
        effective_on=D(2025, 2, 1),
        reason="Giải thể",
    )
    assert where(world.club_l) == {"vn-2020": ("Huyện Lý Sơn", REG), "vn-2025-01": ("Huyện Lý Sơn", LIN)}
    entry = AuditEntry.objects.filter(action="clubs.club.located", target_id=str(world.club_l.pk)).latest("pk")
    assert entry.data == {"dropped": {"vn-2025-07": "21004"}}


def test_a_dissolution_after_the_new_map_keeps_it(world, maps, province_staff):
    with in_2026():
        register.club_status_change(
            club=world.club_b1,
            actor=province_staff,
            kind=StatusChangeKind.DISSOLVED,
            effective_on=D(2025, 7, 2),
            reason="Giải thể",
        )
        lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    assert set(where(world.club_b1)) == {"vn-2020", "vn-2025-01", "vn-2025-07"}


def test_moving_a_club_moves_its_registration_and_follows_again(world, followed, province_staff):
    locations.club_location_decide(
        actor=province_staff, club=world.club_a1, unit=followed.an_phu, reason="Thôn ở An Phú"
    )
    register.club_update(club=world.club_a1, actor=province_staff, unit=world.commune_b1, name="CLB Ba Vì Hai")
    assert where(world.club_a1) == {
        "vn-2020": ("Xã Ba Vì", REG),
        "vn-2025-01": ("Xã Ba Vì Mới", LIN),
        "vn-2025-07": ("Xã Sơn Hà", LIN),  # the decision for An Phú no longer follows
    }
    entry = AuditEntry.objects.filter(action="clubs.club.located", target_id=str(world.club_a1.pk)).latest("pk")
    assert entry.data == {
        "added": {"vn-2020": "90201", "vn-2025-01": "90201", "vn-2025-07": "21003"},
        "dropped": {"vn-2020": "90101", "vn-2025-01": "90101", "vn-2025-07": "21001"},
    }


def test_a_reloaded_lineage_drops_what_no_longer_follows(world, followed, province_staff):
    """Ba Vì Mới was found to be split too: its clubs wait for a decision again."""
    from tests.clubs.maps import link

    link(followed.ba_vi, followed.nghia_an, "split")
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    assert where(world.club_b1) == {"vn-2020": ("Xã Ba Vì", REG), "vn-2025-01": ("Xã Ba Vì Mới", LIN)}
    [decision] = location_decisions(clubs=Club.objects.filter(pk=world.club_b1.pk))
    assert decision.candidates == [followed.nghia_an, followed.son_ha]


# --- the bulk follow: a fixed number of queries ---------------------------------------------------


def clubs_in(units, count):
    for number in range(count):
        factories.ClubFactory(unit=units[number % len(units)])


def test_the_receiver_follows_every_club_in_a_fixed_number_of_queries(world, province_staff, django_assert_num_queries):
    maps = build_maps(world, lineage=False)
    link_2025(world, maps)
    units = [world.commune_a1, world.commune_a2, world.commune_b1, world.district_l]
    clubs_in(units, 4)
    # 1 the lineage, 2 the clubs with their registration and dissolution, 3 their stored
    # locations, 4 the insert of the new locations, 5 the insert of the audit entries; 6–7 the
    # savepoint of the service's atomic block and its release.
    with django_assert_num_queries(7):
        lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    ClubLocation.objects.exclude(source=REG).delete()
    clubs_in(units, 40)
    with django_assert_num_queries(7):
        lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    # The world's clubs B1 and L, and 1 + 10 clubs made in each of their units.
    assert ClubLocation.objects.filter(scheme=maps.july).count() == 2 * (1 + 1 + 10)
    # What no longer follows is dropped in one delete, whatever the number: here it takes the
    # place of the insert of locations.
    for club in Club.objects.filter(unit=world.district_l):
        factories.ClubStatusChangeFactory(club=club, kind=StatusChangeKind.DISSOLVED, effective_on=D(2025, 1, 1))
    with django_assert_num_queries(7):
        lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    assert not ClubLocation.objects.filter(club__unit=world.district_l).exclude(source=REG).exists()


# --- deciding where a club sits after a split -----------------------------------------------------


def test_the_pending_decisions_with_their_candidates(world, followed):
    decisions = location_decisions(clubs=Club.objects.all())
    assert [(d.club, d.scheme, d.changed) for d in decisions] == [
        (world.club_a1, followed.july, followed.binh_hiep),
        (world.club_a2, followed.july, followed.binh_hiep),
    ]
    assert decisions[0].candidates == [followed.an_phu, followed.nghia_an]
    assert location_decisions(clubs=Club.objects.filter(pk=world.club_b1.pk)) == []


def test_pending_decisions_take_a_fixed_number_of_queries(world, followed, django_assert_num_queries):
    # 1 clubs located in a split unit, 2 their locations, 3 the lineage, 4 the candidate units.
    with django_assert_num_queries(4):
        location_decisions(clubs=Club.objects.all())
    for _ in range(10):
        club = factories.ClubFactory(unit=world.commune_a1)
        ClubLocation.objects.create(club=club, scheme=followed.january, unit=followed.binh_hiep, source=LIN)
    with django_assert_num_queries(4):
        assert len(location_decisions(clubs=Club.objects.all())) == 12


def test_decide_records_the_unit_and_follows_on(world, followed, province_staff):
    location = locations.club_location_decide(
        actor=province_staff, club=world.club_a1, unit=followed.nghia_an, reason="  Thôn Liên Trì về Nghĩa An  "
    )
    assert (location.source, location.reason, location.decided_by) == (DEC, "Thôn Liên Trì về Nghĩa An", province_staff)
    assert where(world.club_a1)["vn-2025-07"] == ("Xã Nghĩa An", DEC)
    entry = AuditEntry.objects.get(action="clubs.club.location_decided")
    assert (entry.actor, entry.target_id) == (province_staff, str(world.club_a1.pk))
    assert entry.data == {"map": "vn-2025-07", "unit": "21002", "reason": "Thôn Liên Trì về Nghĩa An"}
    assert [d.club for d in location_decisions(clubs=Club.objects.all())] == [world.club_a2]
    # A decision stays when the lineage is followed again.
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    assert where(world.club_a1)["vn-2025-07"] == ("Xã Nghĩa An", DEC)


def test_decide_refuses_a_unit_that_is_not_a_successor(world, followed, province_staff):
    with pytest.raises(ValidationError) as exc:
        locations.club_location_decide(actor=province_staff, club=world.club_a1, unit=followed.son_ha, reason="Lý do")
    assert exc.value.message_dict == {
        "unit": [str(locations.ERROR_NOT_A_SUCCESSOR) % {"unit": "Xã Sơn Hà", "changed": "Xã Bình Hiệp"}]
    }
    assert "vn-2025-07" not in where(world.club_a1)
    assert not AuditEntry.objects.filter(action="clubs.club.location_decided").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_decide_refuses_without_a_reason(world, followed, province_staff, reason):
    with pytest.raises(ValidationError) as exc:
        locations.club_location_decide(actor=province_staff, club=world.club_a1, unit=followed.an_phu, reason=reason)
    assert exc.value.message_dict == {"reason": [str(locations.ERROR_DECISION_REASON_REQUIRED)]}
    assert "vn-2025-07" not in where(world.club_a1)


def test_decide_twice_is_refused(world, followed, province_staff):
    locations.club_location_decide(actor=province_staff, club=world.club_a1, unit=followed.an_phu, reason="Lý do")
    with pytest.raises(ValidationError) as exc:
        locations.club_location_decide(actor=province_staff, club=world.club_a1, unit=followed.an_phu, reason="Lý do")
    assert exc.value.messages == [
        str(locations.ERROR_ALREADY_LOCATED)
        % {"club": world.club_a1.name, "unit": "Phường An Phú", "map": followed.july.name}
    ]
    assert AuditEntry.objects.filter(action="clubs.club.location_decided").count() == 1


def test_decide_refuses_a_club_that_waits_for_nothing(world, followed, province_staff):
    club = Club.objects.get(pk=world.club_a1.pk)
    ClubLocation.objects.filter(club=world.club_b1, scheme=followed.july).delete()
    # Club B1's unit on vn-2025-01 has one successor: no decision to make, even where it is missing.
    with pytest.raises(ValidationError) as exc:
        locations.club_location_decide(actor=province_staff, club=world.club_b1, unit=followed.son_ha, reason="Lý do")
    assert exc.value.messages == [
        str(locations.ERROR_NO_DECISION_NEEDED) % {"club": world.club_b1.name, "map": followed.july.name}
    ]
    with pytest.raises(ValidationError):  # a unit of a map the club does not wait on
        locations.club_location_decide(actor=province_staff, club=club, unit=followed.binh_hiep, reason="Lý do")


def test_history_is_in_map_order(world, followed, province_staff):
    locations.club_location_decide(actor=province_staff, club=world.club_a1, unit=followed.an_phu, reason="Lý do")
    history = club_location_history(club=world.club_a1)
    assert [(location.scheme.code, location.unit.name, location.source) for location in history] == [
        ("vn-2020", "Xã Bình Hiệp", REG),
        ("vn-2025-01", "Xã Bình Hiệp", LIN),
        ("vn-2025-07", "Phường An Phú", DEC),
    ]


# --- the rule alone (clubs/locating.py) ----------------------------------------------------------


def lineage_of(links):
    """successors() over {unit: [(successor, map id, map start)]}."""
    return lambda unit_id: [locating.Successor(unit, scheme, start) for unit, scheme, start in links.get(unit_id, [])]


def test_the_rule_takes_the_nearest_later_map():
    """A lineage that leads from a unit to two later maps: the nearer first, then from there."""
    links = {1: [(30, 3, D(2025, 7, 1)), (20, 2, D(2025, 1, 1))], 20: [(31, 3, D(2025, 7, 1))]}
    placement = locating.place(
        registered=(1, 1), registered_start=D(2020, 2, 1), held=[], successors=lineage_of(links), dissolved_on=None
    )
    assert [(place.scheme_id, place.unit_id) for place in placement.chain] == [(1, 1), (2, 20), (3, 31)]


def test_the_rule_ignores_links_to_earlier_maps():
    links = {20: [(1, 1, D(2020, 2, 1))]}
    placement = locating.place(
        registered=(2, 20), registered_start=D(2025, 1, 1), held=[], successors=lineage_of(links), dissolved_on=None
    )
    assert [(place.scheme_id, place.unit_id) for place in placement.chain] == [(2, 20)]
    assert placement.pending is None


def test_the_rule_keeps_a_decision_only_among_the_successors():
    links = {1: [(20, 2, D(2025, 1, 1)), (21, 2, D(2025, 1, 1))]}
    registered = locating.Held(pk=8, scheme_id=1, unit_id=1, source=LocationSource.REGISTERED)
    stale = locating.Held(pk=9, scheme_id=2, unit_id=99, source=LocationSource.DECIDED)
    placement = locating.place(
        registered=(1, 1),
        registered_start=D(2020, 2, 1),
        held=[registered, stale],
        successors=lineage_of(links),
        dissolved_on=None,
    )
    assert placement.pending == locating.Pending(scheme_id=2, changed_unit_id=1, candidates=(20, 21))
    assert placement.changes([registered, stale]) == ([], [stale])
