"""The scorecard export: an .xlsx with typed numbers, the date on every sheet, scoped like the page."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.services import user_language_set
from demo.scenario import CLUBS
from tests.conftest import login
from tests.reports.conftest import add_members
from tests.reports.test_selectors import make_clubs
from tests.text import vi
from tests.workbooks import table, workbook

URL = reverse("exports:download", args=["scorecard", "xlsx"])


def test_export_of_the_seed_figures(client, seed_staff):
    province_staff, _city_staff = seed_staff
    response = login(client, province_staff).get(URL, {"on": "24/11/2022"})
    assert response["Content-Disposition"] == 'attachment; filename="scorecard-2022-11-24.xlsx"'
    book = workbook(response)
    assert book.sheetnames == [vi("Clubs"), vi("Roll-ups")]
    clubs_preamble, clubs = table(book[vi("Clubs")])
    areas_preamble, areas = table(book[vi("Roll-ups")])
    for preamble in (clubs_preamble, areas_preamble):
        assert any("24/11/2022" in line for line in preamble)
        assert any("Tỉnh Quảng Ngãi" in line for line in preamble)

    assert len(clubs) == 7
    first = next(row for row in clubs if row[vi("Club")] == CLUBS[0][1])
    assert first[vi("Members")] == 59 and isinstance(first[vi("Members")], int)
    assert first[vi("Older people")] == 42
    assert first[vi("Older people (%)")] == pytest.approx(71.2)
    assert isinstance(first[vi("Older people (%)")], float)
    assert first[vi("Commune")] == "Xã Bình Hiệp" and first[vi("District")] == "Huyện Bình Sơn"
    with translation.override("vi"):
        assert first[vi("Older people against the standard")] == translation.pgettext("against a standard", "above")
        assert first[vi("Members against the standard")] == translation.pgettext("against a standard", "meets")

    total = areas[0]
    assert total[vi("Active clubs")] == 7
    assert (total[vi("Members")], total[vi("Members per club")], total[vi("Older people per club")]) == (413, 59, 41)
    assert (total[vi("Older people")], total[vi("Women")], total[vi("Poor or near-poor")]) == (289, 289, 268)
    assert total[vi("Older people (%)")] == pytest.approx(70.0)
    assert total[vi("Poor or near-poor (%)")] == pytest.approx(64.9)
    assert sum(row[vi("Members")] for row in areas[1:]) == 2 * 413  # districts, then communes
    assert len(areas) == 1 + 5 + 7


def test_export_is_scoped_like_the_page(client, world, area_staff):
    add_members(world.club_a1, 12)
    add_members(world.club_b1, 30)
    _preamble, clubs = table(workbook(login(client, area_staff).get(URL)).worksheets[0])
    assert [row[vi("Club")] for row in clubs] == [world.club_a1.name]
    _preamble, areas = table(workbook(client.get(URL)).worksheets[1])
    assert [row[vi("Unit")] for row in areas] == ["Huyện Đồng Bằng", "Huyện Đồng Bằng", "Xã Bình Hiệp"]
    assert [row[vi("Members")] for row in areas] == [12, 12, 12]


def test_export_in_the_users_language(client, world, province_staff):
    user_language_set(user=province_staff, language="en")
    book = workbook(login(client, province_staff).get(URL))
    assert book.sheetnames == ["Clubs", "Roll-ups"]
    preamble, _clubs = table(book["Clubs"])
    assert "As of: 15/03/2025" in preamble
    user_language_set(user=province_staff, language="vi")
    book = workbook(client.get(URL))
    assert book.sheetnames[0] == vi("Clubs") == "Câu lạc bộ"


def test_a_wrong_date_goes_back_to_the_page(client, world, province_staff):
    response = login(client, province_staff).get(URL, {"on": "32/01/2023"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('reports:scorecard')}?on=32%2F01%2F2023"


@pytest.mark.parametrize("count", [2, 20])
def test_export_queries_do_not_grow_with_clubs(client, world, province_staff, django_assert_num_queries, count):
    make_clubs(world, count)
    login(client, province_staff)
    client.get(URL)
    # session, user, roles (3); scope units (1); the map in force on the report's date (1); the
    # report (9: the clubs' members, board and teams; each club's commune and district and their
    # units; the clubs; the clubs by status); nothing per club.
    with django_assert_num_queries(14):
        response = client.get(URL)
    assert len(table(workbook(response).worksheets[0])[1]) == count + 3
