"""The cash book and capital as .xlsx: opened with openpyxl, rows and typed cells checked."""

import datetime
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from funds.forms import ERROR_PERIOD_REVERSED
from funds.models import CapitalSource, EntryType, FundKind
from funds.services import entry_correct
from tests import factories
from tests.conftest import login
from tests.funds.test_selectors import contribute, lend_with_interest, spend

D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CAPITAL_URL = reverse("exports:download", args=["capital", "xlsx"])


def in_vi(message, **params):
    with translation.override("vi"):
        text = translation.gettext(message)
    return text % params if params else text


def export_url(club, kind=FundKind.INCOME):
    return reverse("exports:club-download", args=[club.pk, f"cash-book-{kind}", "xlsx"])


def sheet_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def test_cash_book_in_the_layout_of_a_paper_book(client, world, club_chair):
    club = world.club_a1
    contribute(club, 5_000_000, D(2023, 6, 1))
    contribute(club, 1_000_000, D(2024, 1, 5), document_number="PT01", contributor="Bà Hoa")
    spend(club, 400_000, D(2024, 2, 1), kind=FundKind.INCOME, document_number="PC01", purpose="Mua sổ")
    response = login(client, club_chair).get(export_url(club), {"start": "01/01/2024", "end": "31/12/2024"})
    assert f"cash-book-{club.code}-income-20240101-20241231.xlsx" in response["Content-Disposition"]
    (rows,) = sheet_rows(response).values()
    assert rows[0][0] == in_vi("RECEIPTS AND PAYMENTS BOOK")
    assert club.name in rows[1][0] and club.code in rows[1][0]
    assert in_vi("income-generation fund") in rows[2][0]
    assert rows[3][0] == in_vi("From %(start)s to %(end)s", start="01/01/2024", end="31/12/2024")
    header = rows[4]
    assert header == [
        in_vi(label)
        for label in ("Date", "Receipt no.", "Payment voucher no.", "Description", "Money in", "Money out", "Balance")
    ]
    opening, receipt, payment, totals = rows[5:]
    assert opening[0].date() == D(2024, 1, 1) and opening[3] == in_vi("Opening balance")
    assert opening[6] == 5_000_000
    assert (receipt[0].date(), *receipt[1:3]) == (D(2024, 1, 5), "PT01", None)
    assert "Bà Hoa" in receipt[3] and receipt[4:] == [1_000_000, None, 6_000_000]
    assert payment[1:3] == [None, "PC01"] and "Mua sổ" in payment[3]
    assert payment[4:] == [None, 400_000, 5_600_000]
    assert totals[0].date() == D(2024, 12, 31)
    assert totals[4:] == [1_000_000, 400_000, 5_600_000]
    assert all(isinstance(value, int) for value in receipt[4:] if value is not None)


def test_cells_are_typed(client, world, club_chair):
    contribute(world.club_a1, 1_000_000, D(2025, 1, 5))
    response = login(client, club_chair).get(export_url(world.club_a1))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    entry = list(sheet.iter_rows(min_row=7, max_row=7))[0]
    assert entry[0].is_date and entry[0].number_format == "dd/mm/yyyy"
    assert entry[4].data_type == "n" and entry[4].number_format == "#,##0"


def test_export_has_the_same_filters_as_the_page(client, world, club_chair):
    club = world.club_a1
    contribute(club, 2_000_000, D(2024, 1, 5))
    spend(club, 300_000, D(2024, 2, 1), kind=FundKind.INCOME)
    response = login(client, club_chair).get(
        export_url(club), {"start": "01/01/2024", "end": "31/12/2024", "entry_type": EntryType.SPENDING}
    )
    (rows,) = sheet_rows(response).values()
    assert in_vi("activity spending") in rows[4][0]  # the type is named above the table
    opening, spending, totals = rows[6:]
    assert spending[4:] == [None, 300_000, None]  # no running balance in a book of one type
    assert (opening[6], totals[4:]) == (0, [0, 300_000, 1_700_000])


def test_loan_and_correction_entries_are_described(client, world, club_chair):
    club = world.club_a1
    contribute(club, 20_000_000, D(2024, 1, 10))
    lend_with_interest(club)
    wrong = contribute(club, 500_000, D(2024, 11, 2))
    entry_correct(actor=None, entry=wrong, entry_date=D(2024, 11, 3), reason="Trùng")
    (rows,) = sheet_rows(login(client, club_chair).get(export_url(club), {"start": "01/01/2024"})).values()
    descriptions = [row[3] for row in rows[6:-1]]
    assert sum("Trần Thị Bưởi" in text for text in descriptions) == 3
    assert any("Trùng" in text and "02/11/2024" in text for text in descriptions)


def test_bad_filters_send_back_to_the_page(client, world, club_chair):
    response = login(client, club_chair).get(
        export_url(world.club_a1), {"start": "01/12/2024", "end": "01/01/2024"}, follow=True
    )
    assert response.redirect_chain[0][0].startswith(reverse("funds:cash-book", args=[world.club_a1.pk, "income"]))
    assert in_vi(str(ERROR_PERIOD_REVERSED)) in response.content.decode()


def test_capital_export(client, world, province_staff):
    contribute(world.club_a1, 10_000_000, D(2024, 1, 10))
    contribute(world.club_a1, 2_000_000, D(2024, 3, 10), source=CapitalSource.CARE_FUND)
    contribute(world.club_b1, 4_000_000, D(2024, 5, 1), source=CapitalSource.LOCAL_BUDGET)
    response = login(client, province_staff).get(CAPITAL_URL, {"on": "31/12/2024"})
    assert "capital-2024-12-31.xlsx" in response["Content-Disposition"]
    sheets = sheet_rows(response)
    clubs, rollups = sheets.values()
    assert clubs[1][0] == in_vi("As of: %(date)s", date="31/12/2024")
    header = clubs[3]
    members = header.index(in_vi(str(CapitalSource.MEMBERS.label)))
    total = header.index(in_vi("Total capital"))
    by_code = {row[0]: row for row in clubs[4:]}
    a1 = by_code[world.club_a1.code]
    assert (a1[members], a1[header.index(in_vi(str(CapitalSource.CARE_FUND.label)))], a1[total]) == (
        10_000_000,
        2_000_000,
        12_000_000,
    )
    assert by_code[world.club_l.code][total] == 0
    scope, *districts = rollups[4:]
    assert scope[3] == 2 and scope[-1] == 16_000_000
    assert {row[1]: row[-1] for row in districts} == {
        world.district_a.code: 12_000_000,
        world.district_b.code: 4_000_000,
    }


def test_capital_export_queries_do_not_grow_with_clubs(client, world, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    url = CAPITAL_URL
    contribute(world.club_a1, 1_000_000, D(2024, 1, 10))
    # 1 session, 2 user, 3 role assignments, 4 the scope's top units, 5 the map in force on the
    # report's date, 6–11 the report (funds.selectors.capital_by_source).
    with django_assert_num_queries(11):
        client.get(url)
    for number in range(6):
        contribute(factories.ClubFactory(unit=world.commune_b1), 1_000_000 + number, D(2024, 2, 1))
    with django_assert_num_queries(11):
        client.get(url)


def test_cash_book_export_queries_do_not_grow_with_entries(client, world, club_chair, django_assert_num_queries):
    club = world.club_a1
    client = login(client, club_chair)
    contribute(club, 1_000_000, D(2025, 1, 2))
    with CaptureQueriesContext(connection) as few:
        client.get(export_url(club))
    for number in range(40):
        entry = contribute(club, 10_000 + number, D(2025, 2, 1 + number % 20))
        if number % 10 == 0:
            entry_correct(actor=None, entry=entry, entry_date=D(2025, 3, 1), reason="sai")
    with django_assert_num_queries(len(few)):
        response = client.get(export_url(club))
    [rows] = sheet_rows(response).values()
    assert len(rows) > 40
