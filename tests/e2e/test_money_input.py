"""A treasurer types an amount on a phone: the money box groups the thousands as she types, keeps
the caret where she is typing, and the server saves the whole đồng."""

from playwright.sync_api import expect

from core.money import ERROR_FRACTION
from funds.models import FundEntry
from tests.e2e.test_member_register import log_in
from tests.text import vi


def test_typing_1180000_shows_1_180_000_and_saves_1180000(transactional_db, live_server, world, club_chair, phone_page):
    page = phone_page
    club = world.club_a1
    log_in(page, live_server, club_chair)
    page.goto(f"{live_server.url}/funds/club/{club.pk}/contribution/new/")

    amount = page.locator("#id_amount")
    expect(amount).to_have_attribute("data-input", "money")
    expect(amount).to_have_attribute("inputmode", "numeric")
    amount.click()
    amount.press_sequentially("1180000")
    expect(amount).to_have_value("1.180.000")

    # A digit typed in the middle regroups the number and the caret stays after it: the backspace
    # that follows takes that digit away again, not the last one.
    for _ in range(4):
        amount.press("ArrowLeft")
    amount.press_sequentially("5")
    expect(amount).to_have_value("11.805.000")
    amount.press("Backspace")
    expect(amount).to_have_value("1.180.000")

    page.locator("form button[type=submit].btn-success").click()

    expect(page.get_by_role("alert").first).to_contain_text("1.180.000")
    entry = FundEntry.objects.get(fund__club=club)
    assert entry.amount == 1_180_000


def test_what_is_not_a_grouped_number_is_left_for_the_server_to_judge(
    transactional_db, live_server, world, club_chair, phone_page
):
    page = phone_page
    log_in(page, live_server, club_chair)
    page.goto(f"{live_server.url}/funds/club/{world.club_a1.pk}/contribution/new/")

    amount = page.locator("#id_amount")
    amount.click()
    amount.press_sequentially("1.5")
    expect(amount).to_have_value("1.5")  # not turned into 15
    page.locator("form button[type=submit].btn-success").click()

    summary = page.get_by_test_id("form-errors")
    expect(summary).to_contain_text(vi(ERROR_FRACTION))
    expect(page.locator("#id_amount")).to_have_value("1.5")
    assert not FundEntry.objects.exists()
