"""activities/report_views.py: the completeness and "all eight activities" pages — period and year
filters, scope, the follow-up list and query counts. Status codes per persona are in
tests/url_access/activities_completeness.py."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import BoardTitle
from activities import report_forms
from clubs.models import ActivityArea
from tests import factories
from tests.activities.test_selectors import EVERY_AREA_ACTIVE, accept, at, submit
from tests.conftest import login
from tests.text import vi_html

COMPLETENESS = reverse("activities:completeness")
ALL_EIGHT = reverse("activities:all-eight")
D = datetime.date
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def actor(db):
    return factories.UserFactory(username="nguoigui")


@pytest.fixture
def reports(world, actor):
    """January 2025: A1 on time, B1 late, L missing; B1's chair has a phone."""
    submit(actor, world.club_a1, D(2025, 1, 1), at(2025, 2, 10, 23, 59, 59))
    submit(actor, world.club_b1, D(2025, 1, 1), at(2025, 2, 11, 0, 0, 30))
    chair = factories.MembershipFactory(
        club=world.club_b1, person=factories.PersonFactory(full_name="Phạm Thị Chủ Nhiệm", phone="0905 111 222")
    ).person
    factories.BoardPositionFactory(club=world.club_b1, holder=chair, title=BoardTitle.CHAIR)


def test_the_default_period_is_the_last_twelve_complete_months_and_the_current_one(client, province_staff):
    response = login(client, province_staff).get(COMPLETENESS)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.start, report.end) == (D(2024, 3, 1), D(2025, 3, 1))
    # A1, B1 and L active all along (A2 never launched): 13 months each, March not yet due.
    assert report.total.counts.expected == 39
    assert report.total.counts.not_yet_due == 3


def test_the_period_reads_as_months(client, province_staff):
    """In Vietnamese a month is "tháng 01/2025", never "ngày 01/2025" (a day)."""
    html = login(client, province_staff).get(COMPLETENESS, {"start": "01/2025", "end": "02/2025"}).content.decode()
    assert vi_html("From %(start)s to %(end)s", context="months", start="01/2025", end="02/2025") in html
    assert "ngày 01/2025" not in html


def test_the_period_filter_and_the_follow_up_list(client, province_staff, world, reports):
    response = login(client, province_staff).get(COMPLETENESS, {"start": "01/2025", "end": "2025-01"})
    report = response.context["report"]
    assert (report.start, report.end) == (D(2025, 1, 1), D(2025, 1, 1))
    counts = report.total.counts
    assert (counts.expected, counts.submitted, counts.on_time, counts.late, counts.missing) == (3, 2, 1, 1, 1)
    html = response.content.decode()
    follow_up = html.split('data-testid="follow-up"')[1].split("</ul>")[0]
    assert world.club_b1.code in follow_up and world.club_l.code in follow_up
    assert world.club_a1.code not in follow_up
    assert 'href="tel:0905111222"' in follow_up and "Phạm Thị Chủ Nhiệm" in follow_up
    assert [group.unit for group in report.districts] == [world.district_a, world.district_b, world.district_l]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"start": "02/2025", "end": "01/2025"}, "start", report_forms.ERROR_MONTH_ORDER),
        ({"end": "04/2025"}, "end", report_forms.ERROR_FUTURE_MONTH),
        ({"start": "01/2019", "end": "03/2025"}, "start", report_forms.ERROR_TOO_LONG % {"months": 60}),
    ],
)
def test_a_wrong_period_is_explained_and_the_default_shown(client, province_staff, query, field, message):
    response = login(client, province_staff).get(COMPLETENESS, query)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [str(message)]
    assert (response.context["report"].start, response.context["report"].end) == (D(2024, 3, 1), D(2025, 3, 1))


@pytest.mark.parametrize(
    ("persona", "clubs"),
    [("province_staff", {"a1", "b1", "l"}), ("area_staff", {"a1"}), ("other_area_staff", {"b1"})],
)
def test_staff_see_only_their_area(request, client, world, reports, persona, clubs):
    expected = {getattr(world, f"club_{name}") for name in clubs}
    user = request.getfixturevalue(persona)
    completeness = login(client, user).get(COMPLETENESS, {"start": "01/2025", "end": "01/2025"}).context["report"]
    assert {row.club for row in completeness.clubs} == expected
    assert {row.club for row in completeness.follow_up} <= expected
    all_eight = client.get(ALL_EIGHT, {"year": "2025"}).context["report"]
    assert {row.club for row in all_eight.clubs} == expected


def test_the_all_eight_page(client, province_staff, world, actor):
    factories.MembershipFactory.create_batch(2, club=world.club_a1)
    accept(actor, world.club_a1, D(2025, 1, 1), EVERY_AREA_ACTIVE)
    response = login(client, province_staff).get(ALL_EIGHT, {"year": "2025"})
    report = response.context["report"]
    assert (report.year, report.min_months) == (2025, 1)
    assert (report.total.clubs, report.total.all_eight) == (3, 1)
    html = response.content.decode()
    row = html.split(f'data-club="{world.club_a1.code}"')[1].split("</tr>")[0]
    assert 'data-testid="all-eight-yes"' in row
    assert str(ActivityArea.INCOME.label) in html
    # The rule, in the page's language: income generation counts from the loan book or an advice session.
    assert "giải ngân khoản vay hoặc thu được tiền trả nợ trong tháng (theo sổ theo dõi cho vay)" in html
    assert response.context["form"]["year"].value() == "2025"


def test_the_all_eight_page_refuses_a_future_year(client, province_staff):
    response = login(client, province_staff).get(ALL_EIGHT, {"year": "2026"})
    assert response.context["form"].errors["year"] == [str(report_forms.ERROR_FUTURE_YEAR)]
    assert response.context["report"].year == 2025


def queries(client, url, query) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def test_the_pages_run_a_fixed_number_of_queries(client, province_staff, world, actor, reports):
    login(client, province_staff)
    before = queries(client, COMPLETENESS, {"start": "01/2025", "end": "01/2025"}), queries(client, ALL_EIGHT, {})
    for _ in range(3):
        club = factories.ClubFactory(unit=world.commune_b1)
        chair = factories.MembershipFactory(club=club, person=factories.PersonFactory(phone="0912")).person
        factories.BoardPositionFactory(club=club, holder=chair, title=BoardTitle.CHAIR)
        accept(actor, club, D(2025, 2, 1), EVERY_AREA_ACTIVE)
    after = queries(client, COMPLETENESS, {"start": "01/2024", "end": "03/2025"}), queries(client, ALL_EIGHT, {})
    assert before == after
