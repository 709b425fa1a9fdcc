"""The home page per role (web/home.py): a club's board sees its club's month, staff what waits
for them in their scope; each with a query count that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from activities.models import ReportStatus
from tests import factories
from tests.activities.queue import NOTHING_DONE, chair, returned, submitted
from tests.conftest import login
from tests.loans import books
from tests.text import vi, vi_html

D = datetime.date
HOME = reverse("home")
pytestmark = pytest.mark.usefixtures("in_english")


def home(client, user) -> str:
    response = login(client, user).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def part(html: str, testid: str) -> str:
    """The element marked data-testid=`testid`, up to the next section."""
    assert f'data-testid="{testid}"' in html, testid
    return html.split(f'data-testid="{testid}"', 1)[1].split("</section>")[0]


def queries(client, url=HOME) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- the chair's home: this month of her club ---------------------------------------------------


def test_the_chair_sees_this_month_of_her_club_each_thing_one_tap_away(client, world, club_chair):
    club = world.club_a1
    books.open_lending(club)
    late = books.disbursed_loan(club, borrower=books.borrower_of(club, "Lê Thị Chậm", phone="0905 333 444"))
    html = home(client, club_chair)
    month = part(html, "this-month")
    assert "03/2025" in month
    assert "15/03/2025" in part(month, "meeting")  # the club's meeting day (15)
    assert vi("not started") in month and "10/04/2025" in month  # the deadline: REPORT_DEADLINE_DAY of April
    assert reverse("activities:report-start", args=[club.pk, 2025, 3]) in month
    # February is overdue (deadline 10/03), and earlier months too: one tap each.
    unsent = part(html, "unsent")
    assert 'data-month="2025-02"' in unsent and reverse("activities:report-start", args=[club.pk, 2025, 2]) in unsent
    actions = part(html, "club-actions")
    assert reverse("loans:collection-sheet", args=[club.pk, 2025, 3]) in actions
    assert reverse("funds:contributions-sheet", args=[club.pk, 2025, 3]) in actions
    assert reverse("members:member-create", args=[club.pk]) in actions
    follow_up = part(html, "follow-up")
    assert "Lê Thị Chậm" in follow_up and 'href="tel:0905333444"' in follow_up
    assert reverse("loans:loan-detail", args=[club.pk, late.pk]) in follow_up
    assert "59" in follow_up  # due 15/01, unpaid on 15/03
    assert 'data-testid="staff-work"' not in html  # a chair has no staff queue


def test_the_meeting_is_the_one_the_month_report_records(client, world, club_chair):
    report = services.report_start(actor=club_chair, club=world.club_a1, month=D(2025, 3, 1))
    services.report_save(actor=club_chair, report=report, sections={}, meeting_date=D(2025, 3, 8))
    month = part(home(client, club_chair), "this-month")
    assert "08/03/2025" in part(month, "meeting")
    assert reverse("activities:report-edit", args=[world.club_a1.pk, 2025, 3]) in month


def test_a_returned_report_is_flagged_on_her_home_and_in_her_list_until_she_resubmits(client, world, club_chair):
    club = world.club_a1
    report = returned(club, D(2025, 2, 1), comment="Thiếu số người dự họp")
    flagged = part(home(client, club_chair), "returned-report")
    assert "02/2025" in flagged and "Thiếu số người dự họp" in flagged
    assert reverse("activities:report-edit", args=[club.pk, 2025, 2]) in flagged
    listing = login(client, club_chair).get(reverse("activities:club-reports", args=[club.pk])).content.decode()
    february = listing.split('data-month="2025-02"')[1].split('data-testid="report-month"')[0]
    assert vi_html("returned") in february and "Thiếu số người dự họp" in february
    assert vi_html("draft") not in february and vi_html("on time") not in february
    assert reverse("activities:report-edit", args=[club.pk, 2025, 2]) in february
    services.report_save(actor=club_chair, report=report, sections=NOTHING_DONE)
    services.report_submit(actor=club_chair, report=report)
    assert 'data-testid="returned-report"' not in home(client, club_chair)


def test_a_chair_sees_only_her_own_club(client, world, club_chair):
    returned(world.club_b1, D(2025, 2, 1), comment="Của câu lạc bộ khác")
    html = home(client, club_chair)
    assert [section for section in html.split('data-testid="club-month"')[1:] if world.club_b1.name in section] == []
    assert "Của câu lạc bộ khác" not in html


def test_the_chair_home_queries_do_not_grow_with_reports_and_loans(client, world, club_chair):
    club = world.club_a1
    books.open_lending(club)
    books.disbursed_loan(club)
    returned(club, D(2025, 1, 1))
    login(client, club_chair)
    before = queries(client)
    for month in (D(2024, 11, 1), D(2024, 12, 1)):
        returned(club, month)
    submitted(club, D(2025, 2, 1))
    for _ in range(3):
        books.disbursed_loan(club)
    assert queries(client) == before


# --- staff: what waits for them in their scope -------------------------------------------------


@pytest.fixture
def waiting_everywhere(world):
    """A report waiting and one returned in each district's club, L's chair with a phone, and a
    loan of A1 59 days overdue (due 15/01, unpaid on 15/03)."""
    submitted(world.club_a1, D(2025, 2, 1))
    submitted(world.club_b1, D(2025, 2, 1))
    returned(world.club_a1, D(2025, 1, 1))
    returned(world.club_b1, D(2025, 1, 1))
    chair(world.club_a1, full_name="Trần Thị Chủ Nhiệm", phone="0905 111 222")
    books.open_lending(world.club_a1)
    books.disbursed_loan(world.club_a1)


def test_area_staff_see_what_waits_for_them_in_their_area_only(client, world, area_staff, waiting_everywhere):
    html = home(client, area_staff)
    work = part(html, "staff-work")
    waiting = part(work, "waiting")
    assert world.club_a1.name in waiting and world.club_b1.name not in waiting
    assert reverse("activities:report-detail", args=[world.club_a1.pk, 2025, 2]) in waiting
    figures = {
        name: part(work, f"figure-{name}").split('class="display-6')[1].split(">")[1].split("<")[0]
        for name in ("waiting", "returned", "missing", "overdue")
    }
    # A1's months from 04/2024 to 12/2024 are missing (9), A2 never launched.
    assert figures == {"waiting": "1", "returned": "1", "missing": "9", "overdue": "1"}
    missing = part(work, "missing")
    assert world.club_a1.name in missing and 'href="tel:0905111222"' in missing
    assert world.club_b1.name not in missing and world.club_l.name not in missing
    assert f"{reverse('reports:portfolio-overdue')}?bucket=over-30" in work


def test_staff_of_another_area_never_see_its_clubs(client, world, other_area_staff, waiting_everywhere):
    work = part(home(client, other_area_staff), "staff-work")
    assert world.club_a1.name not in work and world.club_b1.name in work
    assert 'data-testid="figure-overdue"' in work
    overdue = part(work, "figure-overdue").split('class="display-6')[1].split(">")[1].split("<")[0]
    assert overdue == "0"


def test_province_staff_see_the_province(client, world, province_staff, waiting_everywhere):
    waiting = part(part(home(client, province_staff), "staff-work"), "waiting")
    assert world.club_a1.name in waiting and world.club_b1.name in waiting


def test_the_overdue_figure_opens_the_loans_more_than_30_days_overdue(client, world, province_staff):
    books.open_lending(world.club_a1)
    old = books.disbursed_loan(world.club_a1)  # first due 15/01: 59 days
    recent = books.disbursed_loan(world.club_a1, disbursed_on=D(2025, 1, 20))  # first due 15/02: 28 days
    response = login(client, province_staff).get(reverse("reports:portfolio-overdue"), {"bucket": "over-30"})
    assert [row.loan.pk for row in response.context["rows"]] == [old.pk]
    everything = client.get(reverse("reports:portfolio-overdue"))
    assert {row.loan.pk for row in everything.context["rows"]} == {old.pk, recent.pk}


def more_of_everything(world):
    """More clubs, each with reports waiting, returned and missing, chairs and overdue loans."""
    for number in range(4):
        club = factories.ClubFactory(unit=world.commune_a1 if number % 2 else world.commune_b1)
        submitted(club, D(2025, 2, 1))
        returned(club, D(2025, 1, 1))
        chair(club, full_name=f"Chủ nhiệm {number}", phone=f"0905 000 00{number}")
        books.open_lending(club)
        books.disbursed_loan(club)
    submitted(world.club_a1, D(2024, 12, 1))


@pytest.mark.parametrize("persona", ["province_staff", "area_staff"])
def test_the_staff_home_queries_do_not_grow_with_clubs_reports_and_loans(client, world, request, persona):
    client = login(client, request.getfixturevalue(persona))
    submitted(world.club_a1, D(2025, 2, 1))
    before = queries(client)
    more_of_everything(world)
    assert queries(client) == before


def test_the_staff_home_in_queries(client, world, province_staff, django_assert_num_queries):
    waiting = submitted(world.club_a1, D(2025, 2, 1))
    login(client, province_staff)
    # 1 session, 2 user, 3 role assignments; 4 the map in force today, 5-9 the missing reports
    # (completeness: clubs, status changes, reports, chairs, districts), 10 the clubs by status,
    # 11 the reports waiting (the first five), 12 counted, 13 the returned reports counted, 14 the
    # loans over 30 days overdue counted.
    with django_assert_num_queries(14):
        response = client.get(HOME)
    assert response.context["staff"]["waiting"] == [waiting]
    assert waiting.status == ReportStatus.SUBMITTED
