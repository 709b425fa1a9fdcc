"""What waits for staff (web/review.py): the reports to review, the longest waiting first, and
review → next; the reports returned and not sent again; the reports missing, with the chair to
call. Each scoped through accounts.access, with a query count that does not grow with the data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import MonthlyReport, ReportStatus
from tests import factories
from tests.activities.queue import chair, returned, submitted
from tests.clock import NOW
from tests.conftest import login
from tests.text import vi_html

D = datetime.date
QUEUE = reverse("activities:review-queue")
NEXT = reverse("activities:review-next")
RETURNED = reverse("activities:returned")
MISSING = reverse("activities:missing")
pytestmark = pytest.mark.usefixtures("in_english")


def detail(report: MonthlyReport) -> str:
    return reverse("activities:report-detail", args=[report.club_id, report.month.year, report.month.month])


def days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


@pytest.fixture
def queue(world):
    """Waiting: A1's February (sent 3 days ago), A1's January (sent 5 days ago, the longest
    waiting), B1's February (another district, sent 9 days ago)."""
    return {
        "a1_feb": submitted(world.club_a1, D(2025, 2, 1), at=days_ago(3)),
        "a1_jan": submitted(world.club_a1, D(2025, 1, 1), at=days_ago(5)),
        "b1_feb": submitted(world.club_b1, D(2025, 2, 1), at=days_ago(9)),
    }


def test_the_queue_is_the_scope_longest_waiting_first(client, area_staff, province_staff, queue):
    response = login(client, area_staff).get(QUEUE)
    assert list(response.context["page"].object_list) == [queue["a1_jan"], queue["a1_feb"]]
    response = login(client, province_staff).get(QUEUE)
    assert list(response.context["page"].object_list) == [queue["b1_feb"], queue["a1_jan"], queue["a1_feb"]]
    assert detail(queue["b1_feb"]) in response.content.decode()


def test_review_then_next_in_the_reviewer_scope_until_none_waits(client, area_staff, queue):
    login(client, area_staff)
    assert client.get(NEXT)["Location"] == detail(queue["a1_jan"])
    jan = queue["a1_jan"]
    accepted = client.post(reverse("activities:report-accept", args=[jan.club_id, 2025, 1]))
    assert accepted["Location"] == NEXT
    assert client.get(NEXT)["Location"] == detail(queue["a1_feb"])  # never B1's, of another district
    feb = queue["a1_feb"]
    sent_back = client.post(reverse("activities:report-return", args=[feb.club_id, 2025, 2]), {"comment": "Thiếu"})
    assert sent_back["Location"] == NEXT
    empty = client.get(NEXT, follow=True)
    assert empty.redirect_chain == [(QUEUE, 302)]
    assert 'data-testid="none-waiting"' in empty.content.decode()
    statuses = dict(MonthlyReport.objects.filter(club=jan.club).values_list("month", "status"))
    assert statuses == {D(2025, 1, 1): ReportStatus.ACCEPTED, D(2025, 2, 1): ReportStatus.RETURNED}


def test_the_queue_is_paginated(client, world, province_staff, monkeypatch):
    monkeypatch.setattr("web.review.PER_PAGE", 2)
    for month in (D(2024, 10, 1), D(2024, 11, 1), D(2024, 12, 1)):
        submitted(world.club_l, month)
    login(client, province_staff)
    assert len(client.get(QUEUE).context["page"].object_list) == 2
    assert len(client.get(QUEUE, {"page": 2}).context["page"].object_list) == 1


def test_returned_reports_with_the_comment_and_the_chair_to_call(client, world, area_staff):
    returned(world.club_a1, D(2025, 2, 1), comment="Thiếu số người dự họp")
    returned(world.club_b1, D(2025, 2, 1), comment="Của huyện khác")
    # No phone in the member register: the chair's login has one.
    chair(world.club_a1, full_name="Trần Thị Chủ Nhiệm", account_phone="0905 222 333")
    html = login(client, area_staff).get(RETURNED).content.decode()
    assert "Thiếu số người dự họp" in html and "Trần Thị Chủ Nhiệm" in html and 'href="tel:0905222333"' in html
    assert "Của huyện khác" not in html and world.club_b1.name not in html


def test_missing_reports_with_the_chair_to_call(client, world, other_area_staff):
    chair(world.club_b1, full_name="Phạm Thị Ba Vì", phone="0905 444 555")
    submitted(world.club_b1, D(2025, 2, 1))
    response = login(client, other_area_staff).get(MISSING)
    rows = response.context["page"].object_list
    assert [row.club for row in rows] == [world.club_b1]
    # 04/2024–01/2025 past their deadline; February sent, March not yet due.
    assert rows[0].missing_months == [D(2024, month, 1) for month in range(4, 13)] + [D(2025, 1, 1)]
    html = response.content.decode()
    assert 'href="tel:0905444555"' in html and world.club_a1.name not in html


def test_the_completeness_page_shows_the_chair_phone(client, world, province_staff):
    chair(world.club_l, full_name="Lê Thị Đảo", account_phone="0905 666 777")
    chair(world.club_b1, full_name="Phạm Thị Ba Vì")
    html = login(client, province_staff).get(reverse("activities:completeness")).content.decode()
    follow_up = html.split('data-testid="follow-up"')[1].split("</ul>")[0]
    assert 'href="tel:0905666777"' in follow_up
    assert vi_html("No phone recorded") in follow_up  # B1's chair: staff know to ask for it


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [QUEUE, RETURNED, MISSING])
def test_the_lists_queries_do_not_grow_with_clubs_and_reports(client, world, province_staff, url):
    submitted(world.club_a1, D(2025, 2, 1))
    returned(world.club_b1, D(2025, 2, 1))
    login(client, province_staff)
    before = queries(client, url)
    for number in range(4):
        club = factories.ClubFactory(unit=world.commune_a1)
        submitted(club, D(2025, 2, 1))
        returned(club, D(2025, 1, 1))
        chair(club, full_name=f"Chủ nhiệm {number}", phone=f"0905 000 00{number}")
    assert queries(client, url) == before
