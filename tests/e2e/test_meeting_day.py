"""The chair's meeting day on a 360-px phone, from her home: the contributions sheet with who is
present, the collection sheet, then last month's report typed with "1.180.000", a figure she mistypes, a
reload, the fix and the sending. Nothing typed is lost; every page she opens passes the
accessibility check (tests/e2e/axe.py); screenshots go to artifacts/e2e."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from activities.models import MonthlyReport, ReportStatus
from clubs.models import ActivityArea, Club
from core.dates import add_months, day_in_month, month_start
from funds.models import EntryType, FundEntry, FundKind
from funds.services import usual_contributions_set
from loans.models import Repayment
from tests.e2e.axe import assert_accessible
from tests.e2e.test_member_register import log_in
from tests.loans import books


def card(page, area):
    return page.locator(f'[data-testid="area-card"][data-area="{area}"]')


def test_the_chair_runs_her_meeting_day_from_her_home(
    transactional_db, live_server, world, club_chair, phone_page, screenshot
):
    page = phone_page
    club = world.club_a1
    # The live server runs on the real clock: the club meets today; Bình's loan falls due today.
    today, loan = books.meeting_today_with_a_loan(club)
    usual_contributions_set(actor=None, club=club, amounts={FundKind.INCOME: 20_000, FundKind.ACTIVITY: 10_000})
    Club.objects.filter(pk=club.pk).update(records_attendance=True)  # the club takes attendance
    log_in(page, live_server, club_chair)

    # Her home is this month, one tap to each part of the meeting.
    home = page.url
    expect(page.get_by_test_id("this-month")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "1-home")

    page.get_by_test_id("contributions").first.click()
    sheet = page.get_by_test_id("contributions-sheet")
    expect(sheet).to_be_visible()
    assert_accessible(page)
    screenshot(page, "2-contributions")
    sheet.get_by_test_id("present").first.click()
    sheet.locator('button[type="submit"]').click()
    expect(page.get_by_test_id("meeting-summary")).to_be_visible()
    expect(page.get_by_test_id("attendance-names")).to_be_visible()
    assert_accessible(page)
    contributed = FundEntry.objects.filter(fund__club=club, entry_type=EntryType.CONTRIBUTION, entry_date=today)
    assert contributed.exists() and set(contributed.values_list("amount", flat=True)) <= {20_000, 10_000}

    page.goto(home)
    page.get_by_test_id("collection-sheet").first.click()
    row = page.locator(f'[data-testid="sheet-row"][data-loan="{loan.pk}"]')
    expect(row.locator("input")).to_have_value("1.030.000")
    assert_accessible(page)
    screenshot(page, "3-collection-sheet")
    page.locator('[data-testid="collection-sheet"] button[type="submit"]').click()
    expect(page.get_by_test_id("fund-balance")).to_be_visible()
    assert list(Repayment.objects.filter(loan=loan, paid_on=today).values_list("amount", flat=True)) == [1_030_000]

    # Last month's report: money typed the Vietnamese way, a mistyped figure, a reload.
    month = add_months(month_start(today), -1)
    page.goto(home)
    start = reverse("activities:report-start", args=[club.pk, month.year, month.month])
    page.locator(f'form[action="{start}"]').get_by_test_id("start-report").click()
    page.wait_for_load_state()
    fees = card(page, ActivityArea.RESOURCES).locator('[data-field="member_fees"]')
    performances = card(page, ActivityArea.CULTURE).locator('[data-field="performances"]')
    status = page.get_by_test_id("autosave-status")
    page.locator("#id_meeting_date").fill(f"{day_in_month(month, min(today.day, 28)):%d/%m/%Y}")
    fees.fill("1.180.000")
    performances.fill("2 buổi")
    expect(status).to_have_class(re.compile("alert-warning"), timeout=10_000)
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "4-report-with-an-error")

    page.reload()
    expect(fees).to_have_value("1.180.000")
    expect(performances).to_have_value("2 buổi")
    performances.fill("2")
    expect(status).to_have_class(re.compile("alert-success"), timeout=10_000)
    for area in ActivityArea:
        if area not in (ActivityArea.CULTURE, ActivityArea.RESOURCES):
            card(page, area).get_by_test_id("no-activity").check()
    expect(status).to_have_class(re.compile("alert-success"), timeout=10_000)
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("confirm-form")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "5-check-before-sending")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("events")).to_be_visible()

    report = MonthlyReport.objects.get(club=club, month=month)
    assert report.status == ReportStatus.SUBMITTED
    values = {section.area: section.values for section in report.sections.all()}
    assert values[ActivityArea.RESOURCES]["member_fees"] == 1_180_000
    assert values[ActivityArea.CULTURE]["performances"] == 2
    page.goto(home)
    assert_accessible(page)
    screenshot(page, "6-home-after")
