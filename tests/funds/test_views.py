"""funds/views.py: the club's funds page, the cash book (filters, pages, running balance, print),
the entry forms, corrections and closed months by role, and the capital page. Status codes per
persona are in tests/url_access/funds.py."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.text import capfirst

from audit.models import AuditEntry
from core.money import format_vnd
from funds import services
from funds.forms import ERROR_PERIOD_REVERSED
from funds.models import CapitalSource, ClosedMonth, EntryType, FundEntry, FundKind
from tests import factories
from tests.conftest import login
from tests.funds.test_selectors import contribute, fund, lend_with_interest, spend
from tests.once import sent_once
from tests.text import vi_html

D = datetime.date


def money(amount):
    return escape(format_vnd(amount))


def funds_url(club):
    return reverse("funds:club-funds", args=[club.pk])


def book_url(club, kind=FundKind.INCOME):
    return reverse("funds:cash-book", args=[club.pk, kind])


def html_of(response):
    assert response.status_code == 200
    return response.content.decode()


def entry_row(html, entry):
    """The table row of one entry."""
    match = re.search(rf'<tr id="entry-{entry.pk}".*?</tr>', html, re.S)
    assert match, f"no row for entry {entry.pk}"
    return match.group(0)


# --- the club's funds ---------------------------------------------------------------------------


def test_funds_page_shows_balances_capital_and_the_board_buttons(client, world, club_chair):
    club = world.club_a1
    contribute(club, 12_000_000, D(2024, 1, 10))
    contribute(club, 500_000, D(2024, 2, 10), kind=FundKind.ACTIVITY, source=CapitalSource.DONOR)
    html = html_of(login(client, club_chair).get(funds_url(club)))
    income = html.split('data-testid="fund-income"')[1].split("</section>")[0]
    assert money(12_000_000) in income
    assert book_url(club) in income
    assert reverse("funds:contribution-create", args=[club.pk]) + "?fund=income" in income
    assert reverse("funds:opening-balance-create", args=[club.pk]) + "?fund=income" in income
    capital = html.split('data-testid="capital"')[1].split("</section>")[0]
    assert money(12_500_000) in capital
    assert 'data-testid="close-form"' in html
    assert reverse("funds:capital") not in html  # the capital of many clubs is for staff


def test_staff_read_the_funds_without_buttons(client, world, area_staff):
    html = html_of(login(client, area_staff).get(funds_url(world.club_a1)))
    assert book_url(world.club_a1) in html
    for name in ("funds:contribution-create", "funds:spending-create", "funds:transfer-create", "funds:month-close"):
        assert reverse(name, args=[world.club_a1.pk]) not in html
    assert reverse("funds:capital") in html


def test_fund_names_read_in_sentence_case(client, world, club_chair):
    """Fund names as Vietnamese writes them ("Quỹ tăng thu nhập"), never capitalised word by word."""
    login(client, club_chair)
    funds_page = html_of(client.get(funds_url(world.club_a1)))
    book = html_of(client.get(book_url(world.club_a1)))
    for kind in FundKind:
        name = capfirst(vi_html(kind.label))
        assert f'<h2 class="h5" id="fund-{kind}">{name}</h2>' in funds_page
    assert f"{vi_html('Cash book')}: {capfirst(vi_html(FundKind.INCOME.label))}</h1>" in book
    assert "text-capitalize" not in funds_page + book


def test_opening_balance_is_offered_only_while_the_fund_has_none(client, world, club_chair):
    club = world.club_a1
    services.opening_balance_record(actor=None, fund=fund(club), amount=3_000_000, entry_date=D(2024, 1, 1))
    html = html_of(login(client, club_chair).get(funds_url(club)))
    assert 'data-testid="opening-income"' not in html
    assert 'data-testid="opening-activity"' in html
    form = html_of(client.get(reverse("funds:opening-balance-create", args=[club.pk])))
    assert 'value="activity"' in form and 'value="income"' not in form


def test_opening_balance_form_sends_back_when_both_funds_have_one(client, world, club_chair):
    club = world.club_a1
    for kind in FundKind:
        services.opening_balance_record(actor=None, fund=fund(club, kind), amount=1_000_000, entry_date=D(2024, 1, 1))
    response = login(client, club_chair).get(reverse("funds:opening-balance-create", args=[club.pk]), follow=True)
    assert response.redirect_chain[-1][0] == funds_url(club)
    assert vi_html("Both funds have their opening balance. Correct it in the cash book if it is wrong.") in html_of(
        response
    )


def test_club_page_links_to_the_funds(client, world, club_chair, area_staff):
    for user in (club_chair, area_staff):
        html = html_of(login(client, user).get(reverse("clubs:club-detail", args=[world.club_a1.pk])))
        card = html.split('data-testid="funds-card"')[1].split("</section>")[0]
        assert funds_url(world.club_a1) in card


# --- the cash book ------------------------------------------------------------------------------


@pytest.fixture
def year_2024(world):
    """A1's income fund: 5.000.000 in 2023, then 2024: +1.000.000 (PT01), +2.000.000 (PT02),
    −400.000 (PC01), +300.000; and one entry in 2025."""
    club = world.club_a1
    contribute(club, 5_000_000, D(2023, 6, 1))
    entries = [
        contribute(club, 1_000_000, D(2024, 1, 5), document_number="PT01", contributor="Bà Lê Thị Hoa"),
        contribute(club, 2_000_000, D(2024, 1, 5), document_number="PT02", source=CapitalSource.DONOR),
        spend(club, 400_000, D(2024, 2, 1), kind=FundKind.INCOME, document_number="PC01", purpose="Mua sổ sách"),
        contribute(club, 300_000, D(2024, 3, 1)),
    ]
    contribute(club, 700_000, D(2025, 1, 20))
    return entries


def test_cash_book_defaults_to_the_current_year(client, world, club_chair, year_2024):
    response = login(client, club_chair).get(book_url(world.club_a1))
    book = response.context["book"]
    # This year up to today (15/03/2025): the balance shown is today's, never one dated later.
    assert (book.start, book.end) == (D(2025, 1, 1), D(2025, 3, 15))
    assert (book.opening, book.money_in, book.closing) == (7_900_000, 700_000, 8_600_000)
    assert len(response.context["rows"]) == 1
    summary = html_of(response).split('data-testid="summary"')[1].split("</dl>")[0]
    assert "15/03/2025" in summary and "31/12/2025" not in summary


def test_cash_book_asked_past_today_shows_the_balance_of_today(client, world, club_chair, year_2024):
    response = login(client, club_chair).get(book_url(world.club_a1), {"start": "01/01/2025", "end": "31/12/2026"})
    assert response.context["book"].end == D(2025, 3, 15)
    html = html_of(response)
    assert "31/12/2026" not in html.split('data-testid="summary"')[1].split("</dl>")[0]
    totals = html.split('data-testid="totals-row"')[1].split("</tr>")[0]
    assert "15/03/2025" in totals and money(8_600_000) in totals


def test_cash_book_of_a_period_with_running_balance_and_totals(client, world, club_chair, year_2024):
    html = html_of(login(client, club_chair).get(book_url(world.club_a1), {"start": "01/01/2024", "end": "31/12/2024"}))
    opening = html.split('data-testid="opening-row"')[1].split("</tr>")[0]
    assert money(5_000_000) in opening
    first = entry_row(html, year_2024[0])
    assert "PT01" in first and "Bà Lê Thị Hoa" in first and money(6_000_000) in first
    assert money(7_600_000) in entry_row(html, year_2024[2]) and "Mua sổ sách" in entry_row(html, year_2024[2])
    totals = html.split('data-testid="totals-row"')[1].split("</tr>")[0]
    assert money(3_300_000) in totals and money(400_000) in totals and money(7_900_000) in totals
    assert entry_row(html, year_2024[3]).count(money(7_900_000)) == 1


def test_cash_book_filtered_by_type(client, world, club_chair, year_2024):
    response = login(client, club_chair).get(
        book_url(world.club_a1), {"start": "01/01/2024", "end": "31/12/2024", "entry_type": EntryType.SPENDING}
    )
    assert [row.entry for row in response.context["rows"]] == [year_2024[2]]
    html = html_of(response)
    assert 'data-testid="opening-row"' not in html  # no running balance on a book of one type
    assert money(7_600_000) not in html


def test_cash_book_refuses_a_reversed_period(client, world, club_chair, year_2024):
    response = login(client, club_chair).get(book_url(world.club_a1), {"start": "01/12/2024", "end": "01/01/2024"})
    html = html_of(response)
    assert vi_html(str(ERROR_PERIOD_REVERSED)) in html
    assert response.context["book"].start == D(2025, 1, 1)  # the current year until it is put right


def test_unknown_fund_kind_is_404(client, world, club_chair):
    response = login(client, club_chair).get(reverse("funds:cash-book", args=[world.club_a1.pk, "savings"]))
    assert response.status_code == 404


def test_running_balance_is_right_on_every_page(client, world, club_chair, settings):
    settings.ENTRIES_PER_PAGE = 4
    club = world.club_a1
    amounts = [100_000 * (number + 1) for number in range(10)]
    entries = [contribute(club, amount, D(2024, 5, 1 + number // 3)) for number, amount in enumerate(amounts)]
    client = login(client, club_chair)
    query = {"start": "01/01/2024", "end": "31/12/2024"}
    seen = []
    for page in (1, 2, 3):
        response = client.get(book_url(club), {**query, "page": page})
        seen += [(row.entry, row.balance) for row in response.context["rows"]]
        html = html_of(response)
        assert ('data-testid="opening-row"' in html) is (page == 1)
        assert ('data-testid="totals-row"' in html) is (page == 3)
    running = [sum(amounts[: number + 1]) for number in range(10)]
    assert seen == list(zip(entries, running, strict=True))
    assert money(running[4]) in entry_row(html_of(client.get(book_url(club), {**query, "page": 2})), entries[4])


def test_printable_book_holds_the_whole_period(client, world, club_chair, settings):
    settings.ENTRIES_PER_PAGE = 4
    for number in range(6):
        contribute(world.club_a1, 100_000, D(2024, 5, 1 + number))
    response = login(client, club_chair).get(book_url(world.club_a1), {"start": "01/01/2024", "print": "1"})
    assert len(response.context["rows"]) == 6
    html = html_of(response)
    assert 'data-testid="totals-row"' in html and 'aria-label="Pages"' not in html


def test_print_stylesheet_and_header(client, world, club_chair, year_2024):
    html = html_of(login(client, club_chair).get(book_url(world.club_a1), {"start": "01/01/2024", "end": "31/12/2024"}))
    assert re.search(r'<link rel="stylesheet" href="[^"]*css/print[^"]*\.css" media="print">', html)
    header = html.split('data-testid="print-header"')[1].split("</header>")[0]
    assert escape(world.club_a1.name) in header
    assert "01/01/2024" in header and "31/12/2024" in header
    assert vi_html("income-generation fund") in header
    filters = re.search(r'<form [^>]*data-testid="filters"', html).group(0)
    assert "d-print-none" in filters


def test_loan_entries_show_the_borrower_and_cannot_be_corrected_here(client, world, club_chair):
    club = world.club_a1
    contribute(club, 20_000_000, D(2024, 1, 10))
    loan = lend_with_interest(club)
    response = login(client, club_chair).get(book_url(club), {"start": "01/01/2024", "end": "31/12/2024"})
    html = html_of(response)
    loan_rows = [row for row in response.context["rows"] if row.entry.loan_id]
    assert [row.entry.entry_type for row in loan_rows] == [
        EntryType.DISBURSEMENT,
        EntryType.PRINCIPAL,
        EntryType.INTEREST,
    ]
    for row in loan_rows:
        shown = entry_row(html, row.entry)
        assert "Trần Thị Bưởi" in shown
        assert 'data-testid="correct"' not in shown
        assert f'href="{loan.get_absolute_url()}"' in shown


def test_a_correction_is_shown_as_such_and_linked_both_ways(client, world, club_chair):
    club = world.club_a1
    wrong = contribute(club, 900_000, D(2024, 4, 2), document_number="PT09")
    (correction,) = services.entry_correct(actor=club_chair, entry=wrong, entry_date=D(2024, 4, 5), reason="Ghi trùng")
    html = html_of(login(client, club_chair).get(book_url(club), {"start": "01/01/2024", "end": "31/12/2024"}))
    corrected = entry_row(html, wrong)
    assert f"#entry-{correction.pk}" in corrected
    assert 'data-testid="correct"' not in corrected
    reversing = entry_row(html, correction)
    assert "Ghi trùng" in reversing and f"#entry-{wrong.pk}" in reversing
    assert 'data-testid="correct"' not in reversing
    assert "start=02/04/2024" in reversing.replace("%2F", "/")


def test_correct_button_by_role_and_closed_month(client, world, club_chair, province_staff, area_staff):
    club = world.club_a1
    closed_entry = contribute(club, 1_000_000, D(2025, 1, 10))
    open_entry = contribute(club, 1_000_000, D(2025, 3, 1))
    services.month_close(actor=None, club=club, month=D(2025, 1, 1))
    expected = {club_chair: (False, True), province_staff: (True, False), area_staff: (False, False)}
    for user, (on_closed, on_open) in expected.items():
        html = html_of(login(client, user).get(book_url(club)))
        assert ('data-testid="correct"' in entry_row(html, closed_entry)) is on_closed, user
        assert ('data-testid="correct"' in entry_row(html, open_entry)) is on_open, user


def test_cash_book_queries_do_not_grow_with_entries(client, world, club_chair, django_assert_num_queries):
    club = world.club_a1
    client = login(client, club_chair)
    contribute(club, 1_000_000, D(2025, 1, 2))
    # 1 session, 2 user, 3 role assignments, 4 the club (in view), 5 the club with FUNDS_VIEW,
    # 6 the fund, 7 the book's four totals, 8 the number of entries, 9 the page of entries with
    # their loans and corrections, 10 closed months, 11 the balance before the page.
    with django_assert_num_queries(11):
        client.get(book_url(club))
    for number in range(30):
        entry = contribute(club, 10_000 + number, D(2025, 2, 1 + number % 20))
        if number % 10 == 0:
            services.entry_correct(actor=None, entry=entry, entry_date=D(2025, 3, 1), reason="sai")
    services.month_close(actor=None, club=club, month=D(2025, 2, 1))
    with django_assert_num_queries(11):
        response = client.get(book_url(club))
    assert len(response.context["rows"]) == 34


# --- entry forms --------------------------------------------------------------------------------


def test_contribution_saved(client, world, club_chair):
    club = world.club_a1
    response = login(client, club_chair).post(
        reverse("funds:contribution-create", args=[club.pk]),
        sent_once(
            {
                "fund": "income",
                "entry_date": "03/02/2025",
                "amount": "1.500.000",
                "source": CapitalSource.CARE_FUND,
                "contributor": "Hội NCT xã",
                "document_number": "PT05",
            }
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == book_url(club)
    entry = FundEntry.objects.get(fund__club=club)
    assert (entry.entry_date, entry.amount, entry.source, entry.document_number) == (
        D(2025, 2, 3),
        1_500_000,
        CapitalSource.CARE_FUND,
        "PT05",
    )
    assert entry.created_by == club_chair
    assert money(1_500_000) in html_of(response)
    assert AuditEntry.objects.filter(action="funds.entry.recorded").count() == 1


def test_contribution_in_the_future_is_refused_with_the_message(client, world, club_chair):
    response = login(client, club_chair).post(
        reverse("funds:contribution-create", args=[world.club_a1.pk]),
        sent_once({"fund": "income", "entry_date": "16/03/2025", "amount": "1000000", "source": CapitalSource.MEMBERS}),
    )
    assert vi_html(str(services.ERROR_DATE_IN_FUTURE)) in html_of(response)
    assert not FundEntry.objects.exists()


def test_contribution_form_preselects_the_fund(client, world, club_chair):
    url = reverse("funds:contribution-create", args=[world.club_a1.pk])
    html = html_of(login(client, club_chair).get(url, {"fund": "activity"}))
    assert re.search(r'value="activity"[^>]*checked', html)
    assert "15/03/2025" in html  # the date defaults to today


def test_spending_more_than_the_fund_holds_is_refused(client, world, club_chair):
    club = world.club_a1
    contribute(club, 200_000, D(2025, 1, 5), kind=FundKind.ACTIVITY)
    response = login(client, club_chair).post(
        reverse("funds:spending-create", args=[club.pk]),
        sent_once({"fund": "activity", "entry_date": "10/03/2025", "amount": "500.000", "purpose": "Thăm ốm"}),
    )
    message = vi_html(
        str(services.ERROR_NOT_ENOUGH),
        fund=vi_html("activity fund"),
        balance=format_vnd(200_000),
        date="10/03/2025",
        amount=format_vnd(500_000),
    )
    assert message in html_of(response)
    assert not FundEntry.objects.filter(entry_type=EntryType.SPENDING).exists()


def test_spending_saved(client, world, club_chair):
    club = world.club_a1
    contribute(club, 800_000, D(2025, 1, 5), kind=FundKind.ACTIVITY)
    response = login(client, club_chair).post(
        reverse("funds:spending-create", args=[club.pk]),
        sent_once(
            {
                "fund": "activity",
                "entry_date": "10/03/2025",
                "amount": "300.000",
                "purpose": "Thăm ốm",
                "document_number": "PC2",
            }
        ),
    )
    assert response.status_code == 302 and response["Location"] == book_url(club, FundKind.ACTIVITY)
    spending = FundEntry.objects.get(entry_type=EntryType.SPENDING)
    assert (spending.description, spending.document_number, fund(club, FundKind.ACTIVITY).balance()) == (
        "Thăm ốm",
        "PC2",
        500_000,
    )


def test_transfer_moves_money_to_the_other_fund(client, world, club_chair):
    club = world.club_a1
    contribute(club, 5_000_000, D(2025, 1, 5))
    response = login(client, club_chair).post(
        reverse("funds:transfer-create", args=[club.pk]),
        sent_once(
            {"from_fund": "income", "entry_date": "01/03/2025", "amount": "2.000.000", "description": "Theo nghị quyết"}
        ),
    )
    assert response.status_code == 302
    assert (fund(club).balance(), fund(club, FundKind.ACTIVITY).balance()) == (3_000_000, 2_000_000)
    out = FundEntry.objects.get(entry_type=EntryType.TRANSFER_OUT)
    assert out.counterpart.fund.kind == FundKind.ACTIVITY


def test_transfer_of_money_the_fund_does_not_hold_is_refused(client, world, club_chair):
    response = login(client, club_chair).post(
        reverse("funds:transfer-create", args=[world.club_a1.pk]),
        sent_once({"from_fund": "activity", "entry_date": "01/03/2025", "amount": "100.000"}),
    )
    message = vi_html(
        str(services.ERROR_NOT_ENOUGH),
        fund=vi_html("activity fund"),
        balance=format_vnd(0),
        date="01/03/2025",
        amount=format_vnd(100_000),
    )
    assert message in html_of(response)
    assert not FundEntry.objects.exists()


def test_opening_balance_saved_and_a_late_one_refused(client, world, club_chair):
    club = world.club_a1
    contribute(club, 100_000, D(2024, 1, 5), kind=FundKind.ACTIVITY)
    client = login(client, club_chair)
    url = reverse("funds:opening-balance-create", args=[club.pk])
    response = client.post(url, sent_once({"fund": "income", "entry_date": "31/12/2023", "amount": "25.000.000"}))
    assert response.status_code == 302
    assert fund(club).entries.get().entry_type == EntryType.OPENING
    response = client.post(url, sent_once({"fund": "activity", "entry_date": "01/02/2024", "amount": "1.000.000"}))
    assert vi_html(str(services.ERROR_OPENING_AFTER_ENTRIES), date="05/01/2024") in html_of(response)
    assert not fund(club, FundKind.ACTIVITY).entries.filter(entry_type=EntryType.OPENING).exists()


def test_bad_amount_is_a_form_error(client, world, club_chair):
    response = login(client, club_chair).post(
        reverse("funds:contribution-create", args=[world.club_a1.pk]),
        sent_once({"fund": "income", "entry_date": "01/03/2025", "amount": "1,5", "source": CapitalSource.MEMBERS}),
    )
    assert response.context["form"].errors["amount"]
    assert not FundEntry.objects.exists()


# --- corrections --------------------------------------------------------------------------------


def correct_url(entry):
    return reverse("funds:entry-correct", args=[entry.fund.club_id, entry.pk])


def test_board_corrects_an_entry_of_an_open_month(client, world, club_chair):
    entry = contribute(world.club_a1, 600_000, D(2025, 3, 2))
    client = login(client, club_chair)
    html = html_of(client.get(correct_url(entry)))
    assert "15/03/2025" in html and money(600_000) in html
    response = client.post(correct_url(entry), {"entry_date": "15/03/2025", "reason": "Nhập nhầm số tiền"})
    assert response.status_code == 302 and response["Location"] == book_url(world.club_a1)
    correction = FundEntry.objects.get(corrects=entry)
    assert (correction.direction, correction.description) == (-1, "Nhập nhầm số tiền")
    assert fund(world.club_a1).balance() == 0


def test_correction_needs_a_reason(client, world, club_chair):
    entry = contribute(world.club_a1, 600_000, D(2025, 3, 2))
    response = login(client, club_chair).post(correct_url(entry), {"entry_date": "15/03/2025", "reason": ""})
    assert response.context["form"].errors["reason"]
    assert not FundEntry.objects.filter(corrects=entry).exists()


def test_board_cannot_correct_an_entry_of_a_closed_month(client, world, club_chair):
    entry = contribute(world.club_a1, 600_000, D(2025, 2, 2))
    services.month_close(actor=None, club=world.club_a1, month=D(2025, 2, 1))
    client = login(client, club_chair)
    html = html_of(client.get(correct_url(entry)))
    assert 'class="alert alert-warning"' in html
    response = client.post(correct_url(entry), {"entry_date": "15/03/2025", "reason": "Sai"})
    assert vi_html(str(services.ERROR_MONTH_CLOSED_CORRECTION), month="02/2025") in html_of(response)
    assert not FundEntry.objects.filter(corrects=entry).exists()


def test_province_staff_correct_an_entry_of_a_closed_month(client, world, province_staff):
    entry = contribute(world.club_a1, 600_000, D(2025, 2, 2))
    services.month_close(actor=None, club=world.club_a1, month=D(2025, 2, 1))
    response = login(client, province_staff).post(correct_url(entry), {"entry_date": "28/02/2025", "reason": "Sai"})
    assert response.status_code == 302
    correction = FundEntry.objects.get(corrects=entry)
    assert (correction.entry_date, correction.created_by) == (D(2025, 2, 28), province_staff)


@pytest.mark.parametrize(
    ("persona", "closed", "status"),
    [
        ("province_staff", False, 403),  # an open month's books are the board's
        ("area_staff", True, 403),
        ("area_staff", False, 403),
        ("other_chair", False, 404),
        ("admin_user", True, 200),
    ],
)
def test_who_may_open_the_correction_form(client, world, request, persona, closed, status):
    entry = contribute(world.club_a1, 600_000, D(2025, 2, 2))
    if closed:
        services.month_close(actor=None, club=world.club_a1, month=D(2025, 2, 1))
    response = login(client, request.getfixturevalue(persona)).get(correct_url(entry))
    assert response.status_code == status


def test_entry_of_another_club_is_404(client, world, club_chair):
    entry = contribute(world.club_b1, 600_000, D(2025, 2, 2))
    response = login(client, club_chair).get(reverse("funds:entry-correct", args=[world.club_a1.pk, entry.pk]))
    assert response.status_code == 404


def test_loan_entry_is_refused_with_the_message(client, world, club_chair):
    contribute(world.club_a1, 20_000_000, D(2024, 1, 10))
    lend_with_interest(world.club_a1)
    disbursement = FundEntry.objects.get(entry_type=EntryType.DISBURSEMENT)
    response = login(client, club_chair).post(correct_url(disbursement), {"entry_date": "15/03/2025", "reason": "x"})
    assert vi_html(str(services.ERROR_LOAN_ENTRY)) in html_of(response)
    assert not FundEntry.objects.filter(corrects=disbursement).exists()


# --- closed months ------------------------------------------------------------------------------


def test_board_closes_a_month(client, world, club_chair):
    club = world.club_a1
    response = login(client, club_chair).post(
        reverse("funds:month-close", args=[club.pk]), {"month": "2025-02-01"}, follow=True
    )
    assert response.redirect_chain[-1][0] == funds_url(club)
    closed = ClosedMonth.objects.get(club=club)
    assert (closed.month, closed.closed_by) == (D(2025, 2, 1), club_chair)
    html = html_of(response)
    listed = html.split('data-testid="closed-months"')[1]
    assert "02/2025" in listed
    assert 'value="2025-02-01"' not in listed  # no longer offered
    assert reverse("funds:month-reopen", args=[club.pk, closed.pk]) not in html  # the board does not reopen


def test_closing_a_month_not_offered_is_refused_with_a_message(client, world, club_chair):
    club = world.club_a1
    services.month_close(actor=None, club=club, month=D(2025, 2, 1))
    response = login(client, club_chair).post(
        reverse("funds:month-close", args=[club.pk]), {"month": "2025-02-01"}, follow=True
    )
    assert vi_html("Choose one of the months offered.") in html_of(response)
    assert ClosedMonth.objects.filter(club=club).count() == 1


def test_closing_is_refused_before_the_meeting(client, world, club_chair):
    club = world.club_a1
    club.meeting_day = 20
    club.save(update_fields=["meeting_day"])
    response = login(client, club_chair).post(
        reverse("funds:month-close", args=[club.pk]), {"month": "2025-03-01"}, follow=True
    )
    assert vi_html("Choose one of the months offered.") in html_of(response)
    offered = response.context["close_form"].fields["month"].choices
    assert offered[0] == ("2025-02-01", "02/2025")
    assert not ClosedMonth.objects.exists()


def test_month_close_is_post_only(client, world, club_chair):
    response = login(client, club_chair).get(reverse("funds:month-close", args=[world.club_a1.pk]))
    assert response.status_code == 405


def test_staff_may_not_close_a_month(client, world, province_staff):
    response = login(client, province_staff).post(
        reverse("funds:month-close", args=[world.club_a1.pk]), {"month": "2025-02-01"}
    )
    assert response.status_code == 403
    assert not ClosedMonth.objects.exists()


def test_province_staff_reopen_a_month_with_a_reason(client, world, province_staff):
    club = world.club_a1
    closed = services.month_close(actor=None, club=club, month=D(2025, 2, 1))
    client = login(client, province_staff)
    assert reverse("funds:month-reopen", args=[club.pk, closed.pk]) in html_of(client.get(funds_url(club)))
    url = reverse("funds:month-reopen", args=[club.pk, closed.pk])
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"]
    assert ClosedMonth.objects.exists()
    response = client.post(url, {"reason": "Sửa phiếu thu sai số"}, follow=True)
    assert response.redirect_chain[-1][0] == funds_url(club)
    assert not ClosedMonth.objects.exists()
    assert AuditEntry.objects.get(action="funds.month.reopened").data["reason"] == "Sửa phiếu thu sai số"


# --- capital ------------------------------------------------------------------------------------


def test_capital_page_for_staff(client, world, province_staff):
    contribute(world.club_a1, 10_000_000, D(2024, 1, 10))
    contribute(world.club_b1, 4_000_000, D(2024, 5, 1), source=CapitalSource.LOCAL_BUDGET)
    response = login(client, province_staff).get(reverse("funds:capital"))
    html = html_of(response)
    total = html.split('data-testid="total"')[1].split("</section>")[0]
    assert money(14_000_000) in total and escape(world.province.name) in total
    districts = html.split('data-testid="districts"')[1].split("</table>")[0]
    assert f'data-unit="{world.district_a.code}"' in districts and f'data-unit="{world.district_b.code}"' in districts
    clubs = html.split('data-testid="clubs"')[1]
    assert funds_url(world.club_l) in clubs  # a club without capital is listed too


def test_capital_page_as_of_a_date_and_within_the_area(client, world, area_staff):
    contribute(world.club_a1, 10_000_000, D(2024, 1, 10))
    contribute(world.club_a1, 1_000_000, D(2025, 1, 10))
    contribute(world.club_b1, 4_000_000, D(2024, 5, 1))
    response = login(client, area_staff).get(reverse("funds:capital"), {"on": "31/12/2024"})
    report = response.context["report"]
    assert (report.on, report.total.total) == (D(2024, 12, 31), 10_000_000)
    assert {line.club for line in report.clubs} == {world.club_a1, world.club_a2}


def test_capital_page_queries_do_not_grow_with_clubs(client, world, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    contribute(world.club_a1, 1_000_000, D(2024, 1, 10))
    # 1 session, 2 user, 3 role assignments, 4 the scope's top units, 5 the map in force on the
    # report's date, 6–11 the report (per club: the months ended, the days since and what was
    # corrected since; the clubs, their districts and the districts' units).
    with django_assert_num_queries(11):
        client.get(reverse("funds:capital"))
    for number in range(10):
        club = factories.ClubFactory(unit=world.commune_a2 if number % 2 else world.commune_b1)
        contribute(club, 1_000_000 + number, D(2024, 2, 1), source=CapitalSource.DONOR)
    with django_assert_num_queries(11):
        response = client.get(reverse("funds:capital"))
    assert len(response.context["report"].clubs) == 14


def test_the_cut_off_sheet_is_offered_while_the_books_are_empty(client, world, club_chair, area_staff):
    url = reverse("funds:club-funds", args=[world.club_a1.pk])
    login(client, club_chair)
    assert 'data-testid="go-live"' in client.get(url).content.decode()
    login(client, area_staff)  # reads the books, does not take them over
    assert 'data-testid="go-live"' not in client.get(url).content.decode()
    fund = world.club_a1.funds.get(kind=FundKind.ACTIVITY)
    services.contribution_record(
        actor=club_chair, fund=fund, amount=100_000, entry_date=datetime.date(2025, 3, 1), source=CapitalSource.MEMBERS
    )
    login(client, club_chair)
    assert 'data-testid="go-live"' not in client.get(url).content.decode()
