"""The money pages read on a 360-px phone and on a 1280-px desktop without scrolling sideways:
the cash book, the loan book, the loan portfolio (and its overdue loans) and the scorecard. On a
phone each row is a card, its figures labelled and right-aligned; on a desktop, a table that fits.
"""

import datetime

import pytest

from funds.models import FundKind
from tests.e2e.test_member_register import log_in
from tests.funds.test_selectors import contribute, spend
from tests.loans import books

D = datetime.date
# Every figure of the page within the viewport, and nothing wider than the page (a table in a
# scrolled box counts: the reader would have to scroll it sideways).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const money = [...document.querySelectorAll("[data-money]")].filter(element => element.checkVisibility());
  // The text's own box: a figure too wide for its cell overflows it without widening it.
  const right = element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return range.getBoundingClientRect().right;
  };
  const outside = money.filter(element => right(element) > width + 0.5)
    .map(element => element.outerHTML.slice(0, 120));
  const scrolled = [...document.querySelectorAll("main *")]
    .filter(element => element.clientWidth > 1)  // what is hidden for screen readers only
    .filter(element => element.scrollWidth > element.clientWidth + 1)
    .filter(element => getComputedStyle(element).overflowX !== "visible")
    .map(element => element.outerHTML.slice(0, 120));
  const wide = [...document.querySelectorAll("body *")]
    .filter(element => element.checkVisibility() && element.getBoundingClientRect().right > width + 0.5)
    .map(element => element.outerHTML.slice(0, 120));
  return {scrollWidth: document.documentElement.scrollWidth, figures: money.length, outside, scrolled, wide};
}"""


@pytest.fixture
def books_of_a1(world):
    """Club A1 with a cash book of long descriptions, and loans (one of them overdue today)."""
    club = world.club_a1
    books.open_lending(club)
    books.disbursed_loan(club)
    for day in range(1, 11):
        contribute(
            club,
            987_654_000 // day,
            D(2025, 2, day),
            document_number=f"PT{day:03}",
            contributor="Bà Nguyễn Thị Thanh Hương",
            description="Đóng góp quỹ tăng thu nhập theo nghị quyết họp tháng của câu lạc bộ",
        )
    spend(club, 45_000_000, D(2025, 2, 20), kind=FundKind.INCOME, document_number="PC001")
    return club


@pytest.mark.parametrize("width", [360, 1280])
def test_money_pages_fit_the_screen(
    transactional_db, live_server, books_of_a1, province_staff, chromium, screenshot, width
):
    club = books_of_a1
    pages = {
        "cash-book": f"/funds/club/{club.pk}/income/?start=01/01/2023",
        "loan-book": f"/loans/club/{club.pk}/",
        "portfolio": "/reports/portfolio/",
        "overdue": "/reports/portfolio/overdue/",
        "scorecard": "/reports/scorecard/",
    }
    context = chromium.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
    page = context.new_page()
    log_in(page, live_server, province_staff)
    for name, path in pages.items():
        page.goto(live_server.url + path)
        screenshot(page, f"{name}-{width}")
        measured = page.evaluate(MEASURE)
        assert measured["scrollWidth"] <= width, (name, measured["wide"])
        assert measured["outside"] == [] and measured["scrolled"] == [], (name, measured)
        if name != "scorecard":  # the scorecard counts people, not money
            assert measured["figures"] > 0, name
    context.close()
