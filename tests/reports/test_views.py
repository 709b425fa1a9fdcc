"""reports/views.py: the scorecard page — figures, date, scope, marks and queries — and the club
scorecard partial for the club page. Status codes per persona are in tests/url_access/reports.py."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from clubs.models import ActivityArea, Club
from core.dates import ERROR_NO_SUCH_DAY
from demo.scenario import CLUBS
from reports import selectors
from reports.forms import ERROR_FUTURE
from tests import factories
from tests.conftest import TODAY, login
from tests.reports.conftest import add_members
from tests.reports.test_selectors import make_clubs
from tests.text import vi_html

URL = reverse("reports:scorecard")
D = datetime.date
NBSP = "\u00a0"


def test_province_staff_sees_the_seed_figures(client, seed_staff):
    province_staff, _city_staff = seed_staff
    response = login(client, province_staff).get(URL, {"on": "24/11/2022"})
    assert response.status_code == 200
    report = response.context["report"]
    assert report.on == D(2022, 11, 24)
    assert (report.total.clubs, report.total.figures.members.count) == (7, 413)
    assert len(report.middle) == 5 and len(report.hosts) == 7 and len(report.clubs) == 7
    total = response.content.decode().split('data-testid="total"')[1].split("</section>")[0]
    assert "Tỉnh Quảng Ngãi" in total
    for shown in ("413", f"70{NBSP}%", f"30{NBSP}%", f"64,9{NBSP}%", "289", "268", "124"):
        assert shown in total, shown
    assert vi_html("%(n)s per club", n=59) in total
    assert vi_html("%(n)s per club", n=41) in total  # older people


def test_each_club_links_to_its_page(client, seed_staff, seed_2022):
    province_staff, _city_staff = seed_staff
    html = login(client, province_staff).get(URL, {"on": "24/11/2022"}).content.decode()
    for club in seed_2022:
        link = f'<a href="{reverse("clubs:club-detail", args=[club.pk])}">{escape(club.name)}</a>'
        assert (link in html) is (club.launch_date is not None), club.name


def test_marks_are_shown_in_words_and_colour(client, seed_staff, seed_2022):
    province_staff, _city_staff = seed_staff
    html = login(client, province_staff).get(URL, {"on": "24/11/2022"}).content.decode()
    row = html.split(f'data-club="{seed_2022[0].code}"')[1].split("</tr>")[0]
    # 42 older people of 59: 71,2 %, above 60–70 %; 17 younger: 28,8 %, below 30–40 %.
    with translation.override("vi"):
        above = escape(str(translation.pgettext("against a standard", "above")))
        below = escape(str(translation.pgettext("against a standard", "below")))
    assert f"71,2{NBSP}%" in row and f'text-bg-info" data-mark="above"><span aria-hidden="true">↑</span> {above}' in row
    assert (
        f"28,8{NBSP}%" in row and f'text-bg-warning" data-mark="below"><span aria-hidden="true">↓</span> {below}' in row
    )


def test_area_staff_see_their_area_only(client, seed_staff):
    _province_staff, city_staff = seed_staff
    response = login(client, city_staff).get(URL, {"on": "24/11/2022"})
    report = response.context["report"]
    assert [unit.name for unit in response.context["scope"]] == ["Thành phố Quảng Ngãi"]
    assert (report.total.clubs, report.total.figures.members.count) == (2, 118)
    assert [row.unit.name for row in report.middle] == ["Thành phố Quảng Ngãi"]
    assert {row.unit.name for row in report.hosts} == {"Xã Tịnh Ấn Tây", "Xã Nghĩa An"}
    assert {score.club.name for score in report.clubs} == {CLUBS[1][1], CLUBS[2][1]}
    html = response.content.decode()
    assert escape(CLUBS[0][1]) not in html and "Huyện Bình Sơn" not in html


def test_district_staff_of_the_personas_map(client, world, area_staff):
    add_members(world.club_a1, 10)
    add_members(world.club_b1, 20)
    response = login(client, area_staff).get(URL)
    report = response.context["report"]
    assert [score.club for score in report.clubs] == [world.club_a1]
    assert [row.unit for row in report.middle] == [world.district_a]
    assert [row.unit for row in report.hosts] == [world.commune_a1]
    assert report.total.figures.members.count == 10
    assert world.club_b1.name not in response.content.decode()


def test_club_board_may_not_open_the_page(client, world, club_chair):
    assert login(client, club_chair).get(URL).status_code == 403
    assert client.get(reverse("exports:download", args=["scorecard", "xlsx"])).status_code == 403


def test_default_date_is_today(client, world, province_staff):
    response = login(client, province_staff).get(URL)
    assert response.context["report"].on == TODAY
    assert "15/03/2025" in response.content.decode()


def test_date_is_read_day_first(client, world, province_staff):
    response = login(client, province_staff).get(URL, {"on": "03/04/2023"})
    assert response.context["report"].on == D(2023, 4, 3)
    assert 'value="03/04/2023"' in response.content.decode()
    assert f"{reverse('exports:download', args=['scorecard', 'xlsx'])}?on=03/04/2023" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message", "params"),
    [
        ("2023/02/01", "Enter a date as dd/mm/yyyy, for example 24/11/2022.", {}),
        ("31/02/2023", ERROR_NO_SUCH_DAY, {"date": "31/02/2023", "month": 2, "year": 2023, "days": 28}),
        ("16/03/2025", ERROR_FUTURE, {}),
    ],
)
def test_a_wrong_date_is_explained_and_today_shown(client, world, province_staff, typed, message, params):
    response = login(client, province_staff).get(URL, {"on": typed})
    assert response.status_code == 200
    assert vi_html(message, **params) in response.content.decode()
    assert response.context["report"].on == TODAY


def test_page_on_a_phone_shows_each_row_as_a_card(client, world, province_staff):
    """Districts, communes and clubs: tables whose rows are cards on a phone, never scrolled
    sideways (tests/e2e/test_layouts.py measures them in a browser)."""
    html = login(client, province_staff).get(URL).content.decode()
    assert html.count("table-cards") == 3
    assert "table-responsive" not in html
    assert '<details class="mb-4" open data-testid="middle">' in html


@pytest.mark.parametrize("count", [2, 20])
def test_page_queries_do_not_grow_with_clubs(client, world, province_staff, django_assert_num_queries, count):
    make_clubs(world, count)
    login(client, province_staff)
    client.get(URL)  # the session and the user's roles are then cached per request as in production
    # session, user, roles (3); scope units (1); the map in force on the report's date (1); the
    # report (9, see test_selectors); nothing per club.
    with django_assert_num_queries(14):
        response = client.get(URL)
    assert len(response.context["report"].clubs) == count + 3


# --- the club page's partial ----------------------------------------------------------------


def test_club_scorecard_partial(world):
    add_members(world.club_a1, 60, women=36, older=43, poor=30)
    factories.BoardPositionFactory(club=world.club_a1, holder=world.club_a1.memberships.first().person)
    factories.TeamFactory(club=world.club_a1, activity_area=ActivityArea.HOME_CARE)
    score = selectors.club_scorecard(club=world.club_a1, on=TODAY)
    assert score.figures.older.share == Decimal("71.7")
    with translation.override("en"):
        html = render_to_string("reports/_club_scorecard.html", {"score": score})
    assert "Scorecard on 15/03/2025" in html
    assert "Decision 1336/QĐ-TTg of 31/08/2020" in html
    assert f"71.7{NBSP}%" in html and 'data-mark="above"' in html  # older people 43 of 60
    assert f"60{NBSP}%" in html and 'data-mark="meets"' in html  # women 36 of 60
    assert "Activity areas with a team: 1 of 8" in html
    assert '3. Volunteer home care<span class="visually-hidden">: has a team' in html
    assert '1. Income generation<span class="visually-hidden">: no team' in html
    assert "not active" not in html


def test_club_scorecard_partial_for_a_club_not_launched(world):
    score = selectors.club_scorecard(club=world.club_a2, on=TODAY)
    with translation.override("en"):
        html = render_to_string("reports/_club_scorecard.html", {"score": score})
    assert "The club is not active on this date: reports do not count it." in html
    assert "—" in html  # no share without members


def test_chair_can_be_shown_the_club_scorecard_in_three_queries(world, club_chair, django_assert_num_queries):
    """What clubs.views.club_detail adds for anyone who may see the club (the chair included): it
    has the club with its status today already."""
    club = Club.objects.with_status(TODAY).get(pk=world.club_a1.pk)
    add_members(club, 5)
    # members, board, teams
    with django_assert_num_queries(3):
        score = selectors.club_scorecard(club=club, on=TODAY, status=club.status)
    assert (score.figures.members.count, score.is_active) == (5, True)


@pytest.mark.parametrize(
    "url_name, query",
    [
        ("reports:scorecard", {"on": "24/11/2022"}),
        ("reports:portfolio", {"on": "24/11/2022"}),
        ("funds:capital", {"on": "24/11/2022"}),
        ("activities:completeness", {}),
        ("activities:all-eight", {}),
    ],
)
def test_reports_over_many_clubs_show_their_club_rows_a_page_at_a_time(
    client, settings, seed_staff, seed_2022, url_name, query
):
    """Every club counts in the report; its table shows settings.REPORT_CLUBS_PER_PAGE rows a page,
    so a page over the country's thousands of clubs stays quick to build and to read."""
    settings.REPORT_CLUBS_PER_PAGE = 3
    client = login(client, seed_staff[0])
    first = client.get(reverse(url_name), query)
    clubs = first.context["report"].clubs
    assert len(clubs) > 3, "the seed gives more clubs than a page holds"
    assert list(first.context["clubs_page"]) == clubs[:3]
    pages = first.context["clubs_page"].paginator.num_pages
    last = client.get(reverse(url_name), {**query, "page": pages})
    assert list(last.context["clubs_page"]) == clubs[(pages - 1) * 3 :]
    assert last.context["report"].clubs == clubs  # the same report, the same order
    assert vi_html("Page %(number)s of %(total)s", number=pages, total=pages) in last.content.decode()
    if url_name == "activities:completeness":  # the clubs to call: as many, and a link to the rest
        follow_up = first.context["report"].follow_up
        assert first.context["follow_up"] == follow_up[:3]
        assert first.context["follow_up_more"] == max(len(follow_up) - 3, 0)
