"""areas/views.py: the administrative tree with club counts (clubs, of which active)."""

import datetime

from django.urls import reverse

from areas.models import AdminScheme
from tests import factories
from tests.conftest import login
from tests.text import vi_html

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
    assert '<option value="vn-2020" selected>' in html
    assert '<option value="vn-2025" >' in html


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
