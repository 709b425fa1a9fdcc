"""The reviewer's queue on a 360-px phone: district staff open their home, review the report that
has waited longest and return it with a comment, go on to the next one and accept it; the chair
finds the returned report flagged on her home, corrects it and sends it again; staff accept it
from their home. Screenshots of each step under artifacts/e2e."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from activities.models import MonthlyReport, ReportStatus
from core.dates import add_months, month_start
from tests.activities.queue import submitted
from tests.e2e.test_member_register import log_in

PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "vi-VN"}


def fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_staff_review_in_order_return_the_chair_resubmits_staff_accept(
    transactional_db, live_server, world, club_chair, area_staff, chromium, phone_page, screenshot
):
    club = world.club_a1
    last_month = add_months(month_start(timezone.localdate()), -1)  # the live server runs on the real clock
    before = add_months(last_month, -1)
    older = submitted(club, before, at=timezone.now() - datetime.timedelta(days=2))
    newer = submitted(club, last_month, at=timezone.now() - datetime.timedelta(days=1))

    staff = phone_page
    log_in(staff, live_server, area_staff)
    waiting = staff.get_by_test_id("waiting-report")
    expect(waiting).to_have_count(2)
    expect(waiting.first).to_have_attribute("data-month", f"{before:%Y-%m}")  # the longest waiting first
    fits_the_phone(staff)
    screenshot(staff, "1-staff-home")

    waiting.first.get_by_test_id("review").click()
    staff.get_by_test_id("comment").fill("Ghi rõ số người tham gia sinh hoạt")
    screenshot(staff, "2-review")
    staff.get_by_test_id("return").click()
    # The next report waiting opens.
    expect(staff.get_by_test_id("review-actions")).to_be_visible()
    assert staff.url.endswith(f"/{last_month.year}/{last_month.month}/report/")
    staff.get_by_test_id("accept").click()
    expect(staff.get_by_test_id("none-waiting")).to_be_visible()
    screenshot(staff, "3-queue-empty")

    # The chair sees the returned report on her home, with the comment, and sends it again.
    chair_context = chromium.new_context(**PHONE)
    chair = chair_context.new_page()
    log_in(chair, live_server, club_chair)
    flagged = chair.get_by_test_id("returned-report")
    expect(flagged).to_contain_text("Ghi rõ số người tham gia sinh hoạt")
    expect(flagged).to_have_attribute("data-month", f"{before:%Y-%m}")
    fits_the_phone(chair)
    screenshot(chair, "4-chair-home-returned")
    flagged.get_by_test_id("fill-report").click()
    chair.wait_for_load_state()
    chair.get_by_test_id("submit").click()
    chair.get_by_test_id("send").click()  # after the page that shows what will be sent
    expect(chair.get_by_test_id("events")).to_be_visible()
    chair.goto(f"{live_server.url}/")
    expect(chair.get_by_test_id("returned-report")).to_have_count(0)
    screenshot(chair, "5-chair-home-resubmitted")
    chair_context.close()

    # Back on the staff's home, it waits again: one tap to review it, and accept.
    staff.goto(f"{live_server.url}/")
    expect(staff.get_by_test_id("waiting-report")).to_have_count(1)
    staff.get_by_test_id("review-next").click()
    staff.get_by_test_id("accept").click()
    expect(staff.get_by_test_id("none-waiting")).to_be_visible()
    statuses = dict(MonthlyReport.objects.filter(pk__in=[older.pk, newer.pk]).values_list("pk", "status"))
    assert statuses == {older.pk: ReportStatus.ACCEPTED, newer.pk: ReportStatus.ACCEPTED}
    events = MonthlyReport.objects.get(pk=older.pk).events.exclude(action="saved").order_by("pk")
    assert list(events.values_list("action", flat=True)) == [
        "started",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
