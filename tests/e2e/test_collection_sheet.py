"""A treasurer takes the repayments at the club meeting on a phone: the collection sheet offers what
each loan owes, one amount is changed to a partial payment, and the whole sheet is saved."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from clubs.models import Club
from core.dates import add_months, day_in_month
from loans.models import Repayment
from tests.e2e.test_member_register import log_in
from tests.loans import books


def test_treasurer_saves_the_meeting_sheet_with_a_partial_payment(
    transactional_db, live_server, world, club_chair, phone_page
):
    page = phone_page
    club = world.club_a1
    # The live server runs on the real clock: the club meets today, Đào's loan fell due at last
    # month's meeting too (unpaid: arrears) and Bình's falls due for the first time today.
    today = timezone.localdate()
    Club.objects.filter(pk=club.pk).update(meeting_day=today.day)
    club.refresh_from_db()
    books.open_lending(club, capital_on=day_in_month(add_months(today, -6), 1))
    dao = books.disbursed_loan(
        club,
        borrower=books.borrower_of(club, "Nguyễn Thị Đào"),
        disbursed_on=day_in_month(add_months(today, -2), 1),
    )
    binh = books.disbursed_loan(
        club,
        borrower=books.borrower_of(club, "Trần Văn Bình"),
        disbursed_on=day_in_month(add_months(today, -1), 1),
    )
    log_in(page, live_server, club_chair)

    page.goto(f"{live_server.url}/loans/club/{club.pk}/collection/{today.year}/{today.month}/")
    dao_row = page.locator(f'[data-testid="sheet-row"][data-loan="{dao.pk}"]')
    binh_row = page.locator(f'[data-testid="sheet-row"][data-loan="{binh.pk}"]')
    # The rows are stacked cards that fit the phone's width.
    box = dao_row.bounding_box()
    assert box is not None and box["width"] <= 360
    expect(dao_row.locator("input")).to_have_value("2.060.000")
    expect(dao_row.get_by_test_id("row-arrears")).to_contain_text("1.030.000")
    expect(binh_row.locator("input")).to_have_value("1.030.000")
    expect(page.get_by_test_id("total-arrears")).to_contain_text("1.030.000")
    expect(page.get_by_test_id("fund-balance")).to_contain_text("38.000.000")

    # Đào brought only part of it.
    dao_row.locator("input").fill("1.500.000")
    expect(page.get_by_test_id("total-entered")).to_contain_text("2.530.000")
    page.locator('[data-testid="collection-sheet"] button[type="submit"]').click()

    expect(page.get_by_role("alert").first).to_contain_text("2.530.000")
    expect(page.get_by_test_id("fund-balance")).to_contain_text("40.530.000")
    # Her payment cleared last month's instalment first: nothing is in arrears any more.
    expect(page.get_by_test_id("total-arrears")).to_have_text(re.compile(r"^\s*0\s*đ\s*$"))
    expect(dao_row.get_by_test_id("row-due")).to_contain_text("560.000")
    expect(dao_row.get_by_test_id("row-paid")).to_be_visible()
    assert sorted(Repayment.objects.filter(paid_on=today).values_list("amount", flat=True)) == [1_030_000, 1_500_000]


def test_what_was_typed_survives_a_lost_connection_and_is_never_saved_twice(
    transactional_db, live_server, world, club_chair, phone_page, screenshot
):
    """The sheet is sent while the connection drops: the first time nothing reaches the server,
    and the phone brings back what was typed; the second time the server saves it but the answer
    is lost, and the phone, told by the server which sheets it saved, brings nothing back."""
    page = phone_page
    club = world.club_a1
    today, loan = books.meeting_today_with_a_loan(club)
    log_in(page, live_server, club_chair)
    url = f"{live_server.url}/loans/club/{club.pk}/collection/{today.year}/{today.month}/"
    amount = page.locator(f'[data-testid="sheet-row"][data-loan="{loan.pk}"] input')
    send = page.locator('[data-testid="collection-sheet"] button[type="submit"]')
    posts = re.compile(r"/loans/club/\d+/collection/")

    page.goto(url)
    amount.fill("700.000")
    page.route(posts, lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    send.click()
    page.wait_for_timeout(500)
    page.unroute(posts)
    page.goto(url)
    expect(page.get_by_test_id("kept-typed")).to_be_visible()
    expect(amount).to_have_value("700.000")
    screenshot(page, "kept-on-the-phone")
    assert not Repayment.objects.filter(loan=loan).exists()

    # This time the server saves it, and the answer never comes back.
    def saved_but_lost(route):
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch(max_redirects=0)
        route.abort()

    page.route(posts, saved_but_lost)
    send.click()
    page.wait_for_timeout(1000)
    page.unroute(posts)
    assert list(Repayment.objects.filter(loan=loan).values_list("amount", flat=True)) == [700_000]
    # The server knows it saved that sheet: the phone drops what it kept and shows the books as
    # they are now, the payment recorded; nothing is brought back to be sent twice.
    page.goto(url)
    expect(page.get_by_test_id("kept-typed")).to_have_count(0)
    expect(page.locator(f'[data-testid="sheet-row"][data-loan="{loan.pk}"]').get_by_test_id("row-paid")).to_be_visible()
    assert list(Repayment.objects.filter(loan=loan).values_list("amount", flat=True)) == [700_000]
