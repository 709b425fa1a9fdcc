"""A club chair reports last month on a phone: two areas filled in, the page left and the draft
found again (saved as she typed), "no activity" on the rest, checked and submitted; district staff
return it with a comment, the chair fixes it and sends it again, staff accept it. Nothing typed is
lost: a figure the server cannot read, a reload, a lost connection."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from activities.models import MonthlyReport, ReportStatus
from clubs.models import ActivityArea
from core.dates import add_months, month_start
from tests.e2e.test_member_register import log_in

SAVED = re.compile(r"\d\d:\d\d")


def card(page, area):
    return page.locator(f'[data-testid="area-card"][data-area="{area}"]')


def test_chair_reports_the_month_staff_return_then_accept(
    transactional_db, live_server, world, club_chair, area_staff, chromium, phone_page
):
    page = phone_page
    club = world.club_a1
    month = add_months(month_start(timezone.localdate()), -1)  # the live server runs on the real clock
    log_in(page, live_server, club_chair)

    page.goto(f"{live_server.url}/activities/club/{club.pk}/")
    page.locator(f'[data-testid="report-month"][data-month="{month:%Y-%m}"]').get_by_test_id("start-report").click()
    # The form's script (autosave, the warning on leaving) runs once the page has loaded: typing
    # before it would change nothing it watches, which happens on a busy machine.
    page.wait_for_load_state()
    expect(card(page, ActivityArea.HEALTH)).to_be_visible()
    box = card(page, ActivityArea.HEALTH).bounding_box()
    assert box is not None and box["width"] <= 360

    card(page, ActivityArea.HEALTH).locator('[data-field="health_talks"]').fill("2")
    card(page, ActivityArea.LEARNING).locator('[data-field="sessions"]').fill("3")
    card(page, ActivityArea.LEARNING).get_by_test_id("note").fill("Học về phòng chống té ngã")
    expect(page.get_by_test_id("autosave-status")).to_have_text(SAVED, timeout=10_000)

    # She leaves, and finds her draft again.
    edit_url = page.url
    page.goto(f"{live_server.url}/activities/club/{club.pk}/")
    page.locator(f'[data-testid="report-month"][data-month="{month:%Y-%m}"]').get_by_test_id("open-report").click()
    expect(card(page, ActivityArea.HEALTH).locator('[data-field="health_talks"]')).to_have_value("2")
    expect(card(page, ActivityArea.LEARNING).get_by_test_id("note")).to_have_value("Học về phòng chống té ngã")

    for area in ActivityArea:
        if area not in (ActivityArea.HEALTH, ActivityArea.LEARNING):
            card(page, area).get_by_test_id("no-activity").check()
    page.get_by_test_id("submit").click()
    page.get_by_test_id("send").click()  # after the page that shows what will be sent
    expect(page.get_by_test_id("events")).to_be_visible()
    report = MonthlyReport.objects.get(club=club, month=month)
    assert report.status == ReportStatus.SUBMITTED

    # District staff return it with a comment.
    staff_context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    staff = staff_context.new_page()
    log_in(staff, live_server, area_staff)
    detail_url = f"{live_server.url}/activities/club/{club.pk}/{month.year}/{month.month}/report/"
    staff.goto(detail_url)
    staff.get_by_test_id("comment").fill("Ghi rõ số người tham gia sinh hoạt")
    staff.get_by_test_id("return").click()
    expect(staff.get_by_test_id("none-waiting")).to_be_visible()  # on to the next report: none waits

    # The chair sees the comment, fixes the report and sends it again.
    page.goto(edit_url)
    expect(page.get_by_test_id("staff-comment")).to_contain_text("Ghi rõ số người tham gia sinh hoạt")
    page.locator("#id_meeting_topics").fill("Sinh hoạt định kỳ, 25 người tham gia")
    page.get_by_test_id("submit").click()
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("events")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.meeting_topics.startswith("Sinh hoạt")

    staff.goto(detail_url)
    staff.get_by_test_id("accept").click()
    expect(staff.get_by_test_id("none-waiting")).to_be_visible()
    staff_context.close()
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    assert list(report.events.exclude(action="saved").values_list("action", flat=True)) == [
        "started",
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    # Accepted: the form is locked, the chair lands on the report.
    page.goto(edit_url)
    expect(page.get_by_test_id("edit-report")).to_have_count(0)
    expect(page.get_by_test_id("events")).to_be_visible()


def test_leaving_with_unsaved_changes_asks_first(transactional_db, live_server, world, club_chair, phone_page):
    page = phone_page
    club = world.club_a1
    month = add_months(month_start(timezone.localdate()), -1)
    log_in(page, live_server, club_chair)
    page.goto(f"{live_server.url}/activities/club/{club.pk}/")
    page.locator(f'[data-testid="report-month"][data-month="{month:%Y-%m}"]').get_by_test_id("start-report").click()
    # The form's script (autosave, the warning on leaving) runs once the page has loaded: typing
    # before it would change nothing it watches, which happens on a busy machine.
    page.wait_for_load_state()
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    card(page, ActivityArea.CULTURE).locator('[data-field="performances"]').fill("1")
    # Waits for the dialog however busy the machine is (a fixed pause was too short under load).
    with page.expect_event("dialog"):
        page.evaluate("window.location.href = '/'")
    assert dialogs == ["beforeunload"]


def test_nothing_typed_is_lost_through_errors_reloads_and_a_lost_connection(
    transactional_db, live_server, world, club_chair, phone_page, screenshot
):
    page = phone_page
    club = world.club_a1
    month = add_months(month_start(timezone.localdate()), -1)
    meeting_day = f"12/{month:%m/%Y}"
    log_in(page, live_server, club_chair)
    page.goto(f"{live_server.url}/activities/club/{club.pk}/")
    page.locator(f'[data-testid="report-month"][data-month="{month:%Y-%m}"]').get_by_test_id("start-report").click()
    page.wait_for_load_state()
    edit_url = page.url
    fees = card(page, ActivityArea.RESOURCES).locator('[data-field="member_fees"]')
    performances = card(page, ActivityArea.CULTURE).locator('[data-field="performances"]')
    status = page.get_by_test_id("autosave-status")

    page.locator("#id_meeting_date").fill(meeting_day)
    fees.fill("1.180.000")
    performances.fill("2 lần")  # not a number: kept as typed, with its error
    expect(status).to_have_class(re.compile("alert-warning"), timeout=10_000)
    expect(status).to_have_text(SAVED)
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    summary.get_by_role("link").click()
    expect(performances).to_be_focused()
    expect(status).to_have_class(re.compile("alert-warning"))  # leaving the box changed nothing
    screenshot(page, "kept-with-its-error")

    page.reload()
    expect(page.locator("#id_meeting_date")).to_have_value(meeting_day)
    expect(fees).to_have_value("1.180.000")
    expect(performances).to_have_value("2 lần")
    expect(card(page, ActivityArea.CULTURE).get_by_test_id("area-error")).to_be_visible()

    # The connection drops: the figure stays on the phone, and comes back after a reload.
    page.route(
        re.compile(r"/activities/club/"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    sessions = card(page, ActivityArea.LEARNING).locator('[data-field="sessions"]')
    sessions.fill("3")
    expect(status).to_have_class(re.compile("alert-danger"), timeout=10_000)
    screenshot(page, "no-connection")
    page.unroute(re.compile(r"/activities/club/"))
    page.goto(edit_url)
    expect(sessions).to_have_value("3")
    expect(status).to_have_text(SAVED, timeout=10_000)

    performances.fill("2")
    expect(status).to_have_class(re.compile("alert-success"), timeout=10_000)
    expect(summary).to_be_hidden()
    for area in ActivityArea:
        if area not in (ActivityArea.CULTURE, ActivityArea.RESOURCES, ActivityArea.LEARNING):
            card(page, area).get_by_test_id("no-activity").check()
    page.get_by_test_id("submit").click()
    confirm = page.get_by_test_id("confirm-form")
    expect(confirm).to_be_visible()
    expect(page.locator('[data-testid="section"][data-area="resources"]')).to_contain_text("1.180.000")
    screenshot(page, "check-before-sending")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("events")).to_be_visible()
    report = MonthlyReport.objects.get(club=club, month=month)
    assert report.status == ReportStatus.SUBMITTED and report.meeting_date.day == 12
    values = {section.area: section.values for section in report.sections.all()}
    assert values[ActivityArea.RESOURCES]["member_fees"] == 1_180_000
    assert (values[ActivityArea.CULTURE]["performances"], values[ActivityArea.LEARNING]["sessions"]) == (2, 3)
