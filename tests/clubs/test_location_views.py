"""The pages of a club across maps (web/clubs.py): its page, the clubs waiting for a decision, the
decision, the club list's filter by a unit of any map, and the club form on each map. The maps:
tests/clubs/maps.py; "today" is 15/03/2025 (vn-2025-01) unless a test travels."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import AdminUnit
from areas.signals import lineage_loaded
from audit.models import AuditEntry
from clubs.models import Club, ClubLocation, LocationSource
from clubs.services import locations, register
from tests import factories
from tests.clubs.maps import build_maps, where
from tests.conftest import login
from tests.text import vi, vi_html

D = datetime.date
LIST_URL = reverse("clubs:club-list")
CREATE_URL = reverse("clubs:club-create")
DECISIONS_URL = reverse("clubs:location-decisions")


def decide_url(club):
    return reverse("clubs:location-decide", args=[club.pk])


def detail_url(club):
    return reverse("clubs:club-detail", args=[club.pk])


@pytest.fixture
def maps(world, province_staff):
    maps = build_maps(world)
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    return maps


def in_2026():
    return time_machine.travel(datetime.datetime(2026, 1, 10, 9, tzinfo=datetime.UTC), tick=False)


def count_queries(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries)


def split_clubs(world, maps, count):
    """`count` more clubs of Bình Hiệp that wait for a decision."""
    for _ in range(count):
        club = factories.ClubFactory(unit=world.commune_a1)
        ClubLocation.objects.create(club=club, scheme=maps.january, unit=maps.binh_hiep, source=LocationSource.LINEAGE)


# --- the club's page ----------------------------------------------------------------------------


def test_club_page_shows_where_it_sat_on_each_map(client, world, maps, province_staff):
    locations.club_location_decide(actor=province_staff, club=world.club_a2, unit=maps.nghia_an, reason="Thôn Cộng Hòa")
    html = login(client, province_staff).get(detail_url(world.club_a2)).content.decode()
    chain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html.split('data-testid="club-locations"')[1].split("</dd>")[0]))
    until = [vi("until %(date)s", date=date) for date in ("31/12/2024", "30/06/2025")]
    assert f"Xã Tịnh Ấn Tây, Huyện Đồng Bằng ({until[0]}) → Xã Bình Hiệp, Huyện Đồng Bằng ({until[1]})" in chain
    assert "→ Xã Nghĩa An (" + vi("from %(date)s", date="01/07/2025") + ")" in chain
    assert "Thôn Cộng Hòa" in chain
    assert 'data-testid="location-decision-needed"' not in html


def test_club_page_says_it_needs_a_decision(client, world, maps, province_staff, area_staff):
    html = login(client, province_staff).get(detail_url(world.club_a1)).content.decode()
    assert 'data-testid="location-decision-needed"' in html
    assert "Phường An Phú, Xã Nghĩa An" in html
    assert decide_url(world.club_a1) in html
    # Area staff see that a decision is needed; the province makes it.
    html = login(client, area_staff).get(detail_url(world.club_a1)).content.decode()
    assert 'data-testid="location-decision-needed"' in html
    assert decide_url(world.club_a1) not in html


# --- the clubs that wait for a decision ------------------------------------------------------------


def test_decisions_page_lists_the_clubs_with_their_choices(client, world, maps, province_staff):
    response = login(client, province_staff).get(DECISIONS_URL)
    assert response.status_code == 200
    assert [decision.club for decision, _form in response.context["rows"]] == [world.club_a1, world.club_a2]
    html = response.content.decode()
    assert html.count('data-testid="location-decision"') == 2
    july = maps.an_phu.scheme_id
    assert f'id="id_{world.club_a1.pk}_{july}_unit_0"' in html and f'id="id_{world.club_a2.pk}_{july}_unit_0"' in html
    assert html.count(f'value="{maps.an_phu.pk}"') == 2


def test_decisions_page_without_any(client, world, province_staff):
    response = login(client, province_staff).get(DECISIONS_URL)
    assert response.context["rows"] == []


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_decisions_page_is_read_only(client, world, province_staff, method):
    assert getattr(login(client, province_staff), method)(DECISIONS_URL).status_code == 405


def test_decisions_page_query_count_does_not_grow(client, world, maps, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    before = count_queries(client, DECISIONS_URL)
    split_clubs(world, maps, 10)
    assert count_queries(client, DECISIONS_URL) == before
    # 1 session, 2 user, 3 role assignments, 4 the clubs of the scope located in a split unit,
    # 5 their locations, 6 the lineage, 7 the units to choose from.
    with django_assert_num_queries(7):
        response = client.get(DECISIONS_URL)
    assert len(response.context["rows"]) == 12


def test_decide(client, world, maps, province_staff):
    response = login(client, province_staff).post(
        decide_url(world.club_a1), {"unit": maps.an_phu.pk, "reason": "Thôn Liên Trì Tây thuộc An Phú"}
    )
    assert response.status_code == 302
    assert response["Location"] == DECISIONS_URL
    assert where(world.club_a1)["vn-2025-07"] == ("Phường An Phú", LocationSource.DECIDED)
    location = ClubLocation.objects.get(club=world.club_a1, scheme=maps.july)
    assert (location.reason, location.decided_by) == ("Thôn Liên Trì Tây thuộc An Phú", province_staff)
    assert AuditEntry.objects.filter(action="clubs.club.location_decided", actor=province_staff).count() == 1
    response = client.get(DECISIONS_URL)
    assert [decision.club for decision, _form in response.context["rows"]] == [world.club_a2]
    assert "Phường An Phú" in [str(message) for message in response.context["messages"]][0]


def test_decide_without_a_reason_keeps_the_choice(client, world, maps, province_staff):
    response = login(client, province_staff).post(decide_url(world.club_a1), {"unit": maps.nghia_an.pk, "reason": " "})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": [str(locations.ERROR_DECISION_REASON_REQUIRED)]}
    assert re.search(rf'value="{maps.nghia_an.pk}"[^>]*checked', response.content.decode())
    assert "vn-2025-07" not in where(world.club_a1)


def test_decide_refuses_a_unit_not_offered_and_keeps_the_reason(client, world, maps, province_staff):
    response = login(client, province_staff).post(
        decide_url(world.club_a1), {"unit": maps.son_ha.pk, "reason": "Lý do đã gõ"}
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert "Lý do đã gõ" in response.content.decode()
    assert "vn-2025-07" not in where(world.club_a1)


def test_decide_cannot_save_twice(client, world, maps, province_staff):
    client = login(client, province_staff)
    data = {"unit": maps.an_phu.pk, "reason": "Lý do"}
    assert client.post(decide_url(world.club_a1), data).status_code == 302
    response = client.post(decide_url(world.club_a1), data)
    assert response.status_code == 200
    assert response.context["decision"] is None
    assert vi_html("%(club)s waits for no decision: it was probably just made.", club=world.club_a1.name) in (
        response.content.decode()
    )
    assert ClubLocation.objects.filter(club=world.club_a1, source=LocationSource.DECIDED).count() == 1
    assert AuditEntry.objects.filter(action="clubs.club.location_decided").count() == 1


def test_decide_page_of_a_club_that_waits_for_nothing(client, world, maps, province_staff):
    response = login(client, province_staff).get(decide_url(world.club_b1))
    assert response.status_code == 200
    assert response.context["form"] is None


def test_decide_is_for_province_staff_only(client, world, maps, area_staff, other_area_staff):
    data = {"unit": maps.an_phu.pk, "reason": "Lý do"}
    assert login(client, area_staff).post(decide_url(world.club_a1), data).status_code == 403
    assert login(client, other_area_staff).post(decide_url(world.club_a1), data).status_code == 404
    assert "vn-2025-07" not in where(world.club_a1)


# --- the club list: a unit of any map --------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("district_a", {"club_a1", "club_a2"}),  # vn-2020
        ("commune_a2", {"club_a2"}),  # vn-2020
        ("binh_hiep", {"club_a1", "club_a2"}),  # vn-2025-01: A1 kept, A2 merged into it
        ("district_b_january", {"club_b1"}),  # vn-2025-01
        ("an_phu", {"club_a1"}),  # vn-2025-07, after the decision
        ("son_ha", {"club_b1"}),  # vn-2025-07
    ],
)
def test_list_filters_by_a_unit_of_any_map(client, world, maps, province_staff, unit, expected):
    locations.club_location_decide(actor=province_staff, club=world.club_a1, unit=maps.an_phu, reason="Lý do")
    units = {
        "district_a": world.district_a,
        "commune_a2": world.commune_a2,
        "binh_hiep": maps.binh_hiep,
        "district_b_january": maps.district_b,
        "an_phu": maps.an_phu,
        "son_ha": maps.son_ha,
    }
    chosen = units[unit]
    field = "commune" if chosen.level == "commune" else "district"
    response = login(client, province_staff).get(LIST_URL, {"map": chosen.scheme.code, field: chosen.pk})
    assert {club.name for club in response.context["page"].object_list} == {
        getattr(world, name).name for name in expected
    }


def test_list_filter_query_count_does_not_grow(client, world, maps, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    params = {"map": "vn-2025-07", "commune": maps.son_ha.pk}
    before = count_queries(client, LIST_URL, params)
    for _ in range(10):
        club = factories.ClubFactory(unit=world.commune_b1)
        ClubLocation.objects.create(club=club, scheme=maps.july, unit=maps.son_ha, source=LocationSource.LINEAGE)
    assert count_queries(client, LIST_URL, params) == before
    # 1 session, 2 user, 3 role assignments, 4 commune choice validated, 5 district options,
    # 6 commune options, 7 count, 8 page rows (located under the commune: one EXISTS).
    # The 8 of the list filtered, and the map in force today (where each club is shown).
    with django_assert_num_queries(9):
        response = client.get(LIST_URL, params)
    assert len(response.context["page"].object_list) == 11


def test_list_map_select_offers_the_maps_today_first(client, world, maps, province_staff):
    response = login(client, province_staff).get(LIST_URL)
    html = response.content.decode()
    select = html.split('name="map"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]*)"', select) == ["", "vn-2025-01", "vn-2025-07", "vn-2020"]
    assert 'value="vn-2025-01" selected' in select
    commune = html.split('name="commune"')[1].split("</select>")[0]
    assert f'value="{maps.an_phu.pk}" data-map="vn-2025-07"' in commune
    # No district on the map of 1 Jul 2025: its communes are offered once, as communes.
    district = html.split('name="district"')[1].split("</select>")[0]
    assert "vn-2025-07" not in district


# --- the club form on each map -----------------------------------------------------------------------


def form_data(unit, decision_date, **extra):
    return {"name": "CLB Liên thế hệ thôn Mới", "unit": unit.pk, "decision_date": decision_date, **extra}


def test_form_offers_the_units_grouped_by_map_today_first(client, world, maps, province_staff):
    response = login(client, province_staff).get(CREATE_URL)
    html = response.content.decode()
    select = html.split('name="unit"')[1].split("</select>")[0]
    assert re.findall(r'<optgroup label="([^"]*)"', select) == [
        vi("Map in force %(start)s – %(end)s", start="01/01/2025", end="30/06/2025"),
        vi("Map in force since %(start)s", start="01/07/2025"),
        vi("Map in force %(start)s – %(end)s", start="01/02/2020", end="31/12/2024"),
    ]
    assert 'data-today="vn-2025-01"' in select
    assert 'data-map-date="decision_date"' in select


@pytest.mark.parametrize(
    ("unit", "decision_date", "travel"),
    [
        ("commune_a1", "15/06/2022", False),
        ("son_thuong", "10/02/2025", False),
        ("nghia_an", "15/11/2025", True),
        ("nghia_an", "", True),  # no decision date: today's map
    ],
)
def test_form_registers_a_club_on_each_map(client, world, maps, province_staff, unit, decision_date, travel):
    chosen = getattr(world, unit, None) or getattr(maps, unit)
    if travel:
        with in_2026():
            response = login(client, province_staff).post(CREATE_URL, form_data(chosen, decision_date))
    else:
        response = login(client, province_staff).post(CREATE_URL, form_data(chosen, decision_date))
    assert response.status_code == 302
    assert response["Location"].startswith("/clubs/")
    club = Club.objects.get(name="CLB Liên thế hệ thôn Mới")
    assert club.unit == chosen
    assert where(club)[chosen.scheme.code] == (chosen.name, LocationSource.REGISTERED)


def test_form_names_the_map_in_force_on_the_decision_date(client, world, maps, province_staff):
    response = login(client, province_staff).post(CREATE_URL, form_data(world.commune_a1, "10/02/2025"))
    assert response.status_code == 200
    params = {
        "unit": "Xã Bình Hiệp",
        "unit_map": world.province.scheme.name,
        "date": "10/02/2025",
        "map": maps.january.name,
    }
    assert response.context["form"].errors["unit"] == [str(register.ERROR_UNIT_ON_ANOTHER_MAP) % params]
    assert vi_html(register.ERROR_UNIT_ON_ANOTHER_MAP, **params) in response.content.decode()
    assert not Club.objects.filter(name="CLB Liên thế hệ thôn Mới").exists()


def test_form_without_a_decision_date_needs_todays_map(client, world, maps, province_staff):
    response = login(client, province_staff).post(CREATE_URL, form_data(world.commune_a1, ""))
    params = {
        "unit": "Xã Bình Hiệp",
        "unit_map": world.province.scheme.name,
        "date": "15/03/2025",
        "map": maps.january.name,
    }
    assert response.context["form"].errors["unit"] == [str(register.ERROR_UNIT_ON_ANOTHER_MAP_TODAY) % params]


def test_form_says_when_the_map_in_force_is_not_loaded(client, world, province_staff):
    """The map of 1 Jan 2025 is known (areas' migration) but its units are not loaded here."""
    response = login(client, province_staff).post(CREATE_URL, form_data(world.commune_a1, "10/02/2025"))
    assert response.context["form"].errors["unit"] == [
        str(register.ERROR_MAP_NOT_LOADED)
        % {
            "unit": "Xã Bình Hiệp",
            "unit_map": world.province.scheme.name,
            "date": "10/02/2025",
            "map": "Bản đồ hành chính 2025 (01/01/2025 – 30/06/2025)",
        }
    ]


def test_edit_form_moves_the_club_to_a_unit_of_another_map(client, world, maps, province_staff):
    """A club decided in February 2025, registered by mistake on the old map, is put right."""
    club = world.club_b1
    data = {
        "name": club.name,
        "unit": maps.son_thuong.pk,
        "decision_date": "10/02/2025",
        "launch_date": "",
        "meeting_day": "",
    }
    response = login(client, province_staff).post(reverse("clubs:club-update", args=[club.pk]), data)
    assert response.status_code == 302
    assert where(club) == {
        "vn-2025-01": ("Xã Sơn Thượng", LocationSource.REGISTERED),
        "vn-2025-07": ("Xã Sơn Hà", LocationSource.LINEAGE),
    }


# --- the administrative tree of a later map ---------------------------------------------------------


def test_area_tree_counts_the_clubs_located_on_the_map_shown(client, world, maps, province_staff):
    response = login(client, province_staff).get(reverse("areas:unit-tree"), {"scheme": "vn-2025-07"})
    [root] = response.context["roots"]
    assert (root.unit, root.clubs) == (maps.province_july, 2)  # clubs A1 and A2 wait for a decision
    assert {node.unit: node.clubs for node in root.children} == {
        maps.an_phu: 0,
        maps.nghia_an: 0,
        maps.son_ha: 1,
        maps.dac_khu: 1,
    }
    response = client.get(reverse("areas:unit-tree"), {"scheme": "vn-2025-01"})
    [root] = response.context["roots"]
    assert root.clubs == 4


def test_the_list_shows_each_club_where_it_sits_on_todays_map(client, world, maps, province_staff):
    """Club B1 was registered in Xã Ba Vì (2020); on the map in force on 15/03/2025 it sits in Xã
    Ba Vì Mới (renamed): the list shows that, with its district."""
    login(client, province_staff)
    rows = {club.pk: club for club in client.get(reverse("clubs:club-list")).context["page"].object_list}
    assert (rows[world.club_b1.pk].place, rows[world.club_b1.pk].place_district) == ("Xã Ba Vì Mới", "Huyện Miền Núi")
