"""Choosing where a club registered after a map ended counts on that map, where its unit was
formed from several (clubs.locating.trace_back, clubs.services.locations.club_location_decide),
and changing a decision made before. The maps: tests/clubs/maps.py.

A club registered in 2026 in Xã Nghĩa An (July 2025) traces back to Xã Bình Hiệp (January 2025),
which came from Bình Hiệp and Tịnh Ấn Tây of 2020: on the 2020 map it counts in their district
until province staff choose one. A club in Xã Sơn Hà (Ba Vì Mới + Sơn Thượng) waits on January's map."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from areas.models import AdminUnit
from areas.signals import lineage_loaded
from audit.models import AuditEntry
from clubs import locating
from clubs.models import Club, LocationSource
from clubs.selectors import club_location_choice, location_decisions
from clubs.services import locations, register
from tests.clubs.maps import build_maps, where
from tests.conftest import login
from tests.text import vi_html

D = datetime.date
REG, LIN, DEC = LocationSource.REGISTERED, LocationSource.LINEAGE, LocationSource.DECIDED
TRACED = LocationSource.TRACED_BACK
DECISIONS_URL = reverse("clubs:location-decisions")


@pytest.fixture
def maps(world, province_staff):
    maps = build_maps(world)
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    return maps


@pytest.fixture
def new_clubs(maps, province_staff):
    """Two clubs registered on the map of July 2025, in January 2026."""
    with time_machine.travel(datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        nghia_an = register.club_create(
            actor=province_staff, name="CLB Nghĩa An", unit=maps.nghia_an, decision_date=D(2025, 11, 15)
        )
        son_ha = register.club_create(actor=province_staff, name="CLB Sơn Hà", unit=maps.son_ha)
    return nghia_an, son_ha


# --- the rule ----------------------------------------------------------------------------------


def predecessors_of(links):
    """predecessors() over {unit: [(predecessor, map id, map start, path, ancestors)]}."""
    return lambda unit_id: [locating.Predecessor(*row) for row in links.get(unit_id, [])]


# Unit 30 (map 3, from 2025-07) came from 20 and 21 of map 2 (2025-01, district 200); 20 came
# from 10 of map 1 (2020, district 100), 21 from 11 and 12 of map 1.
LINKS = {
    30: [
        (20, 2, D(2025, 1, 1), "/1/200/20/", ((200, "/1/200/"), (1, "/1/"))),
        (21, 2, D(2025, 1, 1), "/1/200/21/", ((200, "/1/200/"), (1, "/1/"))),
    ],
    20: [(10, 1, D(2020, 2, 1), "/1/100/10/", ((100, "/1/100/"), (1, "/1/")))],
    21: [
        (11, 1, D(2020, 2, 1), "/1/100/11/", ((100, "/1/100/"), (1, "/1/"))),
        (12, 1, D(2020, 2, 1), "/1/100/12/", ((100, "/1/100/"), (1, "/1/"))),
    ],
}


def traced(decided):
    return locating.trace_back(30, D(2025, 7, 1), predecessors_of(LINKS), decided=decided)


def test_the_trace_waits_on_the_nearest_map_where_the_unit_came_from_several():
    places, pending = traced({})
    assert [(p.scheme_id, p.unit_id, p.source) for p in places] == [(2, 200, TRACED), (1, 100, TRACED)]
    assert pending == locating.Pending(scheme_id=2, changed_unit_id=30, candidates=(20, 21), back=True)


def test_a_decision_on_an_earlier_map_is_traced_back_from():
    places, pending = traced({2: 20})
    assert [(p.scheme_id, p.unit_id, p.source) for p in places] == [(2, 20, DEC), (1, 10, TRACED)]
    assert pending is None
    # From 21, the choice moves to the map before: 11 or 12.
    places, pending = traced({2: 21})
    assert [(p.scheme_id, p.unit_id, p.source) for p in places] == [(2, 21, DEC), (1, 100, TRACED)]
    assert pending == locating.Pending(scheme_id=1, changed_unit_id=21, candidates=(11, 12), back=True)
    places, pending = traced({2: 21, 1: 12})
    assert [(p.scheme_id, p.unit_id, p.source) for p in places] == [(2, 21, DEC), (1, 12, DEC)]
    assert pending is None


def test_a_decision_no_longer_among_the_units_is_not_kept():
    places, pending = traced({2: 99})
    assert places[0].unit_id == 200 and pending is not None


# --- the decision ------------------------------------------------------------------------------


def test_a_club_traced_into_a_unit_formed_from_several_waits_for_a_decision(world, new_clubs, maps):
    nghia_an, son_ha = new_clubs
    decisions = {(d.club.name, d.scheme.code): d for d in location_decisions(clubs=Club.objects.all())}
    assert {key: (d.changed.name, [u.name for u in d.candidates], d.back) for key, d in decisions.items()} == {
        (world.club_a1.name, "vn-2025-07"): ("Xã Bình Hiệp", ["Phường An Phú", "Xã Nghĩa An"], False),
        (world.club_a2.name, "vn-2025-07"): ("Xã Bình Hiệp", ["Phường An Phú", "Xã Nghĩa An"], False),
        ("CLB Nghĩa An", "vn-2020"): ("Xã Bình Hiệp", ["Xã Bình Hiệp", "Xã Tịnh Ấn Tây"], True),
        ("CLB Sơn Hà", "vn-2025-01"): ("Xã Sơn Hà", ["Xã Ba Vì Mới", "Xã Sơn Thượng"], True),
    }


def test_deciding_where_a_traced_club_counts_replaces_the_unit_holding_them_all(world, new_clubs, maps, province_staff):
    nghia_an, _son_ha = new_clubs
    location = locations.club_location_decide(
        actor=province_staff, club=nghia_an, unit=world.commune_a2, reason="Hội viên ở thôn Tịnh Ấn Tây"
    )
    assert (location.source, location.decided_by) == (DEC, province_staff)
    assert where(nghia_an) == {
        "vn-2025-07": ("Xã Nghĩa An", REG),
        "vn-2025-01": ("Xã Bình Hiệp", TRACED),
        "vn-2020": ("Xã Tịnh Ấn Tây", DEC),
    }
    entry = AuditEntry.objects.get(action="clubs.club.location_decided", target_id=str(nghia_an.pk))
    assert entry.data == {"map": "vn-2020", "unit": "90102", "reason": "Hội viên ở thôn Tịnh Ấn Tây"}
    assert location_decisions(clubs=Club.objects.filter(pk=nghia_an.pk)) == []


def test_a_decision_on_the_nearer_map_is_traced_further_back(world, new_clubs, maps, province_staff):
    _nghia_an, son_ha = new_clubs
    # Until decided, Sơn Hà counts in district B on January's map, and on 2020's in Ba Vì, the one
    # of its units with a past there.
    assert where(son_ha)["vn-2025-01"] == ("Huyện Miền Núi", TRACED)
    assert where(son_ha)["vn-2020"] == ("Xã Ba Vì", TRACED)
    locations.club_location_decide(actor=province_staff, club=son_ha, unit=maps.son_thuong, reason="Thôn Sơn Thượng")
    # Sơn Thượng has no past on the map of 2020: the club does not count there.
    assert where(son_ha) == {"vn-2025-07": ("Xã Sơn Hà", REG), "vn-2025-01": ("Xã Sơn Thượng", DEC)}


def test_a_traced_back_decision_refuses_a_unit_it_was_not_formed_from_and_saves_once(
    world, new_clubs, maps, province_staff
):
    nghia_an, _son_ha = new_clubs
    with pytest.raises(ValidationError) as refused:
        locations.club_location_decide(actor=province_staff, club=nghia_an, unit=world.commune_b1, reason="Lý do")
    assert refused.value.message_dict == {
        "unit": [str(locations.ERROR_NOT_FORMED_FROM) % {"unit": "Xã Ba Vì", "changed": "Xã Bình Hiệp"}]
    }
    locations.club_location_decide(actor=province_staff, club=nghia_an, unit=world.commune_a1, reason="Lý do")
    with pytest.raises(ValidationError) as twice:
        locations.club_location_decide(actor=province_staff, club=nghia_an, unit=world.commune_a1, reason="Lý do")
    assert twice.value.messages == [
        str(locations.ERROR_ALREADY_LOCATED)
        % {"club": "CLB Nghĩa An", "unit": "Xã Bình Hiệp", "map": world.commune_a1.scheme.name}
    ]
    assert AuditEntry.objects.filter(action="clubs.club.location_decided").count() == 1


def test_a_decision_can_be_changed_with_a_reason(world, maps, province_staff):
    club = world.club_a1
    locations.club_location_decide(actor=province_staff, club=club, unit=maps.an_phu, reason="Thôn 1")
    choice = club_location_choice(club=club, scheme=maps.july)
    assert (choice.current, [u.name for u in choice.candidates]) == (maps.an_phu, ["Phường An Phú", "Xã Nghĩa An"])
    locations.club_location_decide(actor=province_staff, club=club, unit=maps.nghia_an, reason="Nhầm thôn")
    assert where(club)["vn-2025-07"] == ("Xã Nghĩa An", DEC)
    assert club.locations.get(scheme=maps.july).reason == "Nhầm thôn"
    entry = AuditEntry.objects.filter(action="clubs.club.location_decided").latest("pk")
    assert entry.data == {"map": "vn-2025-07", "unit": "21002", "reason": "Nhầm thôn", "replaced": "21001"}
    # Where the lineage leaves no choice, there is nothing to change.
    assert club_location_choice(club=club, scheme=maps.january) is None


# --- the pages ---------------------------------------------------------------------------------


def test_the_decisions_page_asks_where_a_traced_club_counts(client, world, new_clubs, maps, province_staff):
    nghia_an, _son_ha = new_clubs
    html = login(client, province_staff).get(DECISIONS_URL).content.decode()
    assert html.count('data-testid="location-decision"') == 4
    july = maps.nghia_an.scheme
    formed = vi_html(
        "%(changed)s (since %(date)s) was formed from several units of the map “%(map)s”",
        changed="Xã Bình Hiệp",  # where the club is counted in January 2025
        date="01/01/2025",
        map=world.commune_a1.scheme.name,
    )
    assert formed in html
    decide = reverse("clubs:location-decide", args=[nghia_an.pk]) + f"?map={world.commune_a1.scheme_id}"
    assert f'action="{decide}"' in html
    assert july.pk != world.commune_a1.scheme_id


def test_deciding_on_the_page_and_changing_from_the_club_page(client, world, new_clubs, maps, province_staff):
    nghia_an, _son_ha = new_clubs
    client = login(client, province_staff)
    decide = reverse("clubs:location-decide", args=[nghia_an.pk]) + f"?map={world.commune_a1.scheme_id}"
    html = client.get(decide).content.decode()
    assert vi_html("On this map, the club's area was in") in html
    refused = client.post(decide, {"unit": world.commune_a2.pk, "reason": "  "})
    assert refused.status_code == 200 and str(locations.ERROR_DECISION_REASON_REQUIRED) in refused.content.decode()
    response = client.post(decide, {"unit": world.commune_a2.pk, "reason": "Thôn Tịnh Ấn"})
    assert response.status_code == 302 and response.url == DECISIONS_URL
    assert where(nghia_an)["vn-2020"] == ("Xã Tịnh Ấn Tây", DEC)
    # The club page offers to change it; the page says what was decided before.
    club_page = client.get(reverse("clubs:club-detail", args=[nghia_an.pk])).content.decode()
    assert f'href="{decide}"' in club_page
    html = client.get(decide).content.decode()
    assert (
        vi_html(
            "Decided before: %(unit)s. Choose again to change it; the reason says why it changed.",
            unit="Xã Tịnh Ấn Tây",
        )
        in html
    )
    response = client.post(decide, {"unit": world.commune_a1.pk, "reason": "Nhầm"})
    assert response.status_code == 302 and response.url == reverse("clubs:club-detail", args=[nghia_an.pk])
    assert where(nghia_an)["vn-2020"] == ("Xã Bình Hiệp", DEC)


def test_area_staff_see_the_decision_but_cannot_change_it(client, world, new_clubs, maps, province_staff, area_staff):
    nghia_an, _son_ha = new_clubs
    locations.club_location_decide(actor=province_staff, club=nghia_an, unit=world.commune_a2, reason="Thôn")
    decide = reverse("clubs:location-decide", args=[nghia_an.pk]) + f"?map={world.commune_a1.scheme_id}"
    html = login(client, area_staff).get(reverse("clubs:club-detail", args=[nghia_an.pk])).content.decode()
    assert "Thôn" in html and decide not in html
    assert client.get(decide).status_code in (403, 404)


@pytest.mark.parametrize("value", ["abc", "0", "99999", "%00"])
def test_an_unknown_map_is_not_found(client, world, new_clubs, province_staff, value):
    nghia_an, _son_ha = new_clubs
    url = reverse("clubs:location-decide", args=[nghia_an.pk])
    assert login(client, province_staff).get(url, {"map": value}).status_code == 404
