"""web/areas.py: the administrative tree with club counts (clubs, of which active) on each map."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from areas.models import AdminScheme, AdminUnit
from clubs.models import ClubLocation, LocationSource
from tests import factories
from tests.conftest import login
from tests.text import vi, vi_html

URL = reverse("areas:unit-tree")
NO_UNITS = "No administrative units are loaded for this map in your area."


def by_name(nodes):
    return {node.unit.name: node for node in nodes}


def test_province_staff_sees_every_district_with_counts(client, world, province_staff):
    response = login(client, province_staff).get(URL)
    assert response.status_code == 200
    [root] = response.context["roots"]
    assert root.unit == world.province
    assert (root.clubs, root.active_clubs) == (4, 3)
    districts = by_name(root.children)
    assert list(districts) == ["Huyện Đồng Bằng", "Huyện Miền Núi", "Huyện Lý Sơn"]
    district_a = districts["Huyện Đồng Bằng"]
    assert (district_a.clubs, district_a.active_clubs) == (2, 1)
    communes = by_name(district_a.children)
    assert (communes["Xã Bình Hiệp"].clubs, communes["Xã Bình Hiệp"].active_clubs) == (1, 1)
    assert (communes["Xã Tịnh Ấn Tây"].clubs, communes["Xã Tịnh Ấn Tây"].active_clubs) == (1, 0)
    assert (districts["Huyện Miền Núi"].clubs, districts["Huyện Miền Núi"].active_clubs) == (1, 1)


def test_district_counts_are_shown_on_the_page(client, world, province_staff):
    html = login(client, province_staff).get(URL).content.decode()
    assert "<strong>Huyện Đồng Bằng</strong>" in html
    summary = html[html.index("<strong>Huyện Đồng Bằng</strong>") :]
    assert summary.split("</span>")[0].endswith(">2 (1)")
    assert "<strong>Tỉnh Quảng Ngãi</strong>" in html


def test_a_district_without_communes_is_a_leaf_with_its_own_clubs(client, world, province_staff):
    response = login(client, province_staff).get(URL)
    [root] = response.context["roots"]
    ly_son = by_name(root.children)["Huyện Lý Sơn"]
    assert ly_son.children == []
    assert (ly_son.clubs, ly_son.active_clubs) == (1, 1)
    html = response.content.decode()
    # A leaf links to the club list filtered on it, with its count.
    link = f'<a href="{reverse("clubs:club-list")}?commune={world.district_l.pk}">Huyện Lý Sơn</a>'
    assert link in html
    assert html[html.index(link) :].split("</span>")[0].endswith(">1 (1)")


def test_counts_follow_status_changes(client, world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, effective_on=datetime.date(2025, 3, 1))
    factories.ClubStatusChangeFactory(club=world.club_b1, effective_on=datetime.date(2025, 3, 16))
    [root] = login(client, province_staff).get(URL).context["roots"]
    districts = by_name(root.children)
    assert (districts["Huyện Đồng Bằng"].clubs, districts["Huyện Đồng Bằng"].active_clubs) == (2, 0)
    # Suspended from tomorrow: still active today.
    assert (districts["Huyện Miền Núi"].clubs, districts["Huyện Miền Núi"].active_clubs) == (1, 1)


def test_area_staff_sees_only_their_district(client, world, area_staff):
    response = login(client, area_staff).get(URL)
    [root] = response.context["roots"]
    assert root.unit == world.district_a
    assert (root.clubs, root.active_clubs) == (2, 1)
    assert {node.unit for node in root.children} == {world.commune_a1, world.commune_a2}
    html = response.content.decode()
    assert "Huyện Miền Núi" not in html
    assert "Xã Ba Vì" not in html
    assert "Huyện Lý Sơn" not in html
    assert "Tỉnh Quảng Ngãi" not in html


def test_unknown_scheme_is_not_found(client, world, province_staff):
    response = login(client, province_staff).get(URL, {"scheme": "unknown"})
    assert response.status_code == 404


def test_a_scheme_without_units_says_so(client, world, province_staff):
    AdminScheme.objects.create(code="vn-2025", name="Bản đồ hành chính 2025", valid_from=datetime.date(2025, 1, 1))
    response = login(client, province_staff).get(URL, {"scheme": "vn-2025"})
    assert response.status_code == 200
    assert response.context["scheme"].code == "vn-2025"
    assert response.context["roots"] == []
    assert vi_html(NO_UNITS) in response.content.decode()


def test_default_scheme_is_the_latest_loaded_one(client, world, province_staff):
    """On 15/03/2025 the 2025 map is in force but has no units yet: the loaded 2020 map is shown."""
    AdminScheme.objects.create(code="vn-2025", name="Bản đồ hành chính 2025", valid_from=datetime.date(2025, 1, 1))
    response = login(client, province_staff).get(URL)
    assert response.context["scheme"].code == "vn-2020"
    assert len(response.context["roots"]) == 1
    html = response.content.decode()
    # The map shown is marked; a map without units cannot be opened.
    assert '<a class="nav-link active" aria-current="page" href="?scheme=vn-2020">' in html
    assert 'href="?scheme=vn-2025"' not in html
    assert '<span class="nav-link disabled"' in html


def test_no_scheme_at_all_says_so(client, db):
    staff = factories.UserFactory(username="quantri_rong", is_superuser=True, is_staff=True)
    response = login(client, staff).get(URL)
    assert response.status_code == 200
    assert response.context["scheme"] is None
    assert vi_html(NO_UNITS) in response.content.decode()


def test_the_scheme_in_force_is_preferred_when_loaded(client, world, province_staff):
    scheme = AdminScheme.objects.create(
        code="vn-2025", name="Bản đồ hành chính 2025", valid_from=datetime.date(2025, 1, 1)
    )
    factories.province(scheme=scheme, code="51", name="Tỉnh Quảng Ngãi (2025)")
    response = login(client, province_staff).get(URL)
    assert response.context["scheme"] == scheme
    [root] = response.context["roots"]
    assert root.unit.name == "Tỉnh Quảng Ngãi (2025)"


# --- The real maps and their lineage -------------------------------------------------------


@pytest.fixture
def quang_ngai_staff(maps_with_lineage):
    """Province staff of Quảng Ngãi (code 51: every map's Quảng Ngãi, not the Kon Tum of 1 Jan 2025)."""
    user = factories.UserFactory(username="tinh")
    province = AdminUnit.objects.get(scheme__code="vn-2020", code="51")
    factories.RoleAssignmentFactory(user=user, role=Role.PROVINCE_STAFF, area=province)
    return user


def node_named(nodes, name):
    for node in nodes:
        if node.unit.name == name:
            return node
        found = node_named(node.children, name)
        if found is not None:
            return found
    return None


def test_opens_on_the_map_in_force_today_with_the_others_one_click_away(client, quang_ngai_staff):
    """On 15/03/2025 the map of 1 Jan 2025 (derived from the lineage) is in force."""
    response = login(client, quang_ngai_staff).get(URL)

    assert response.context["scheme"].code == "vn-2025-01"
    html = response.content.decode()
    assert '<a class="nav-link active" aria-current="page" href="?scheme=vn-2025-01">' in html
    assert f"{vi('in force today')}</a>" in html
    for code in ("vn-2020", "vn-2025-07"):
        assert f'<a class="nav-link border" href="?scheme={code}">' in html
    [root] = response.context["roots"]
    assert root.unit.name == "Tỉnh Quảng Ngãi"
    assert len(root.children) == 13
    assert sum(len(district.children) for district in root.children) == 170


def test_units_show_where_they_came_from_and_went(client, quang_ngai_staff):
    response = login(client, quang_ngai_staff).get(URL, {"scheme": "vn-2025-01"})
    roots = response.context["roots"]

    an_phu = node_named(roots, "Xã An Phú")
    assert an_phu.lineage.came_from == ["Xã Nghĩa Phú", "Xã Nghĩa An"]
    assert an_phu.lineage.went_to == ["Xã An Phú"]  # 21034 of 1 Jul 2025, with others
    tra_bui = node_named(roots, "Xã Trà Bùi")
    assert tra_bui.lineage.came_from == []  # kept from 2020: nothing to tell
    assert tra_bui.lineage.went_to == ["Xã Cà Đam", "Xã Tây Trà Bồng"]
    ly_son = node_named(roots, "Huyện Lý Sơn")
    assert (ly_son.lineage.came_from, ly_son.lineage.went_to) == ([], ["Đặc khu Lý Sơn"])
    html = response.content.decode()
    assert "← Xã Nghĩa Phú, Xã Nghĩa An</span>" in html
    assert "→ Xã Cà Đam, Xã Tây Trà Bồng</span>" in html


def test_the_two_level_map_nests_communes_under_the_province_and_counts_their_clubs(client, quang_ngai_staff):
    commune = AdminUnit.objects.get(scheme__code="vn-2025-07", code="21548")
    factories.ClubFactory(unit=commune, name="CLB Liên thế hệ An Vĩnh")
    factories.ClubFactory(unit=commune, name="CLB Liên thế hệ An Hải", launch_date=None)

    response = login(client, quang_ngai_staff).get(URL, {"scheme": "vn-2025-07"})

    [root] = response.context["roots"]
    assert root.unit.name == "Tỉnh Quảng Ngãi"
    assert len(root.children) == 96
    assert all(not node.children for node in root.children)
    assert (root.clubs, root.active_clubs) == (2, 1)
    ly_son = node_named(root.children, "Đặc khu Lý Sơn")
    assert (ly_son.clubs, ly_son.active_clubs) == (2, 1)
    assert ly_son.lineage.came_from == ["Huyện Lý Sơn"]
    html = response.content.decode()
    link = f'<a href="{reverse("clubs:club-list")}?commune={commune.pk}">Đặc khu Lý Sơn</a>'
    assert link in html
    assert html[html.index(link) :].split("</span>")[0].endswith(">2 (1)")
    assert "← Huyện Lý Sơn</span>" in html


def test_each_map_counts_clubs_where_they_sit_on_it(client, quang_ngai_staff):
    """A club registered in Xã Nghĩa An in 2022 sits in Xã An Phú on the maps of 2025 (its
    locations): each map's tree counts it there, not in the unit it was registered in."""
    nghia_an = AdminUnit.objects.get(scheme__code="vn-2020", code="21262")
    club = factories.ClubFactory(unit=nghia_an, name="CLB Liên thế hệ Nghĩa An")
    for scheme, code in (("vn-2025-01", "21262"), ("vn-2025-07", "21034")):
        unit = AdminUnit.objects.get(scheme__code=scheme, code=code)
        ClubLocation.objects.create(club=club, scheme=unit.scheme, unit=unit, source=LocationSource.LINEAGE)
    login(client, quang_ngai_staff)
    for scheme, name in (("vn-2020", "Xã Nghĩa An"), ("vn-2025-01", "Xã An Phú"), ("vn-2025-07", "Xã An Phú")):
        roots = client.get(URL, {"scheme": scheme}).context["roots"]
        assert (roots[0].clubs, node_named(roots, name).clubs) == (1, 1), scheme


def test_older_map_shows_where_its_units_went(client, quang_ngai_staff):
    roots = login(client, quang_ngai_staff).get(URL, {"scheme": "vn-2020"}).context["roots"]

    assert node_named(roots, "Xã Nghĩa An").lineage.went_to == ["Xã An Phú"]
    assert node_named(roots, "Xã Nghĩa An").lineage.came_from == []


@pytest.mark.parametrize("scheme", ["vn-2020", "vn-2025-01", "vn-2025-07"])
def test_tree_with_lineage_takes_as_many_queries_as_the_small_map(
    client, quang_ngai_staff, django_assert_num_queries, scheme
):
    """The same 7 queries as the personas' map of 7 units without lineage
    (tests/clubs/test_views.py), for 97 to 287 units and hundreds of links."""
    client = login(client, quang_ngai_staff)
    # 1 session, 2 user, 3 role assignments, 4 schemes with whether their units are loaded,
    # 5 units in scope, 6 club counts grouped by unit and status, 7 the lineage of the map.
    with django_assert_num_queries(7):
        client.get(URL, {"scheme": scheme})
