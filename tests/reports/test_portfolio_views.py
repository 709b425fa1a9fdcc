"""The portfolio pages and export: figures shown, dates and period, scope, filters, pagination,
typed .xlsx cells and queries. Status codes per persona are in tests/url_access/reports.py.

The loans are those of tests/reports/test_portfolio.py: on 21/12/2024 A1 is 67 days overdue on
6.000.000, A2 up to date on 3.000.000, B1 36 days overdue on 5.000.000, L 6 days on 4.000.000.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.html import escape

from accounts.services import user_language_set
from core.dates import ERROR_NO_SUCH_DAY
from core.money import format_vnd
from loans import services
from loans.portfolio import Bucket, Period
from reports.forms import ERROR_FUTURE, ERROR_PERIOD_ORDER
from tests import factories
from tests.conftest import TODAY, login
from tests.reports.test_exporters import table, workbook
from tests.reports.test_portfolio import INSTALMENT, ROLLUP_DAY, lend, lend_in_four_clubs, lend_many, set_up_club
from tests.text import vi_html
from web import reports as views

URL = reverse("reports:portfolio")
OVERDUE_URL = reverse("reports:portfolio-overdue")
EXPORT_URL = reverse("exports:download", args=["portfolio", "xlsx"])
D = datetime.date
NBSP = "\u00a0"
ON = {"on": "21/12/2024", "period_from": "01/10/2024", "period_to": "31/12/2024"}


@pytest.fixture
def four_clubs(world):
    return lend_in_four_clubs(world)


def test_province_staff_see_totals_districts_and_clubs(client, four_clubs, province_staff):
    world = four_clubs
    response = login(client, province_staff).get(URL, ON)
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.on, report.period) == (ROLLUP_DAY, Period(D(2024, 10, 1), D(2024, 12, 31)))
    html = response.content.decode()
    total = html.split('data-testid="total"')[1].split("</section>")[0]
    assert "Tỉnh Quảng Ngãi" in total
    # PAR30 with its numerator and denominator; the repayment rate likewise.
    par30 = f"{format_vnd(11_000_000)} ÷ {format_vnd(18_000_000)}"
    repaid = f"{format_vnd(6 * INSTALMENT)} ÷ {format_vnd(12 * INSTALMENT)}"
    for shown in (f"61,1{NBSP}%", par30, f"50{NBSP}%", repaid):
        assert shown in total, shown
    assert [rollup.unit for rollup in report.districts] == [world.district_a, world.district_b, world.district_l]
    clubs = html.split('data-testid="clubs"')[1]
    positions = [clubs.index(f'data-club="{club.code}"') for club in (world.club_a1, world.club_b1, world.club_l)]
    assert positions == sorted(positions)


def test_the_formulas_are_on_the_page(client, world, province_staff):
    html = login(client, province_staff).get(URL).content.decode()
    glossary = html.split('data-testid="glossary"')[1]
    assert (
        vi_html(
            "Outstanding principal of the loans more than 30 days overdue and of every rescheduled loan still "
            "outstanding ÷ all outstanding principal, as CGAP and the MIX Market define it. The whole outstanding "
            "principal of such a loan counts, not only what is overdue; interest does not. A rescheduled loan "
            "counts however well it is repaid on its new schedule, until it is repaid in full: leaving it out "
            "would make the portfolio look healthier than it is. PAR30 without rescheduled loans, shown beside "
            "it, counts only the loans more than 30 days overdue."
        )
        in glossary
    )
    assert "PAR30" in glossary and vi_html("Repayment rate") in glossary
    assert (
        vi_html(
            "These figures follow the definitions microfinance uses everywhere, those of CGAP and the MIX Market "
            "(Mifos and Fineract count them the same way), so that they can be compared with other lenders' and "
            "are never made to look better than they are."
        )
        in glossary
    )
    days_overdue = vi_html(
        "An instalment is late when part of it is still unpaid after its due date. Days overdue of a loan = "
        "as-of date − due date of its oldest instalment not fully paid: 1–30, 31–90 or over 90 days. They count "
        "from the due date of the loan's schedule, as CGAP and the MIX Market count days past due: the grace "
        "days of a club's rules only say when the board chases a payment, they never reset or shorten the days "
        "overdue. Amount overdue = what is unpaid on the late instalments."
    )
    assert days_overdue in glossary
    repayment_rate = vi_html(
        "What was received by the as-of date for the instalments due in the period ÷ what was due on them, as "
        "CGAP and the MIX Market define the repayment (collection) rate. Only what was known on the as-of date "
        "counts — the instalments due by then, the repayments paid by then — so the rate of a date never changes "
        "afterwards. Instalments cancelled before their due date, after an early payoff or a rescheduling, were "
        "not due. What a rescheduling spread over a new schedule is due once, on the new dates: of the "
        "instalments it replaced, only what was paid on them counts."
    )
    assert repayment_rate in glossary
    members = vi_html(
        "Active members on the as-of date with a loan of their club out on that date ÷ active members; and active "
        "members who had one out on at least one day of the period, up to the as-of date ÷ active members. The "
        "second is the “members borrowing” of the targets report, counted there over the plan's window of months. "
        "A loan is out from its disbursement (or its take-over from paper) until the day before it is repaid or "
        "written off."
    )
    assert members in glossary


def test_club_links_to_its_loan_book(client, four_clubs, province_staff):
    html = login(client, province_staff).get(URL, ON).content.decode()
    club = four_clubs.club_a1
    try:
        target = reverse("loans:loan-list", args=[club.pk])
    except NoReverseMatch:  # the loan book is being built alongside; the club page until then
        target = reverse("clubs:club-detail", args=[club.pk])
    assert f'<a href="{target}">{escape(club.name)}</a>' in html


def test_written_off_and_rescheduled_loans_have_their_own_sections(client, world, province_staff):
    club = world.club_a1
    treasurer = set_up_club(club)
    written_off = lend(club, treasurer)
    services.loan_write_off(
        actor=treasurer, loan=written_off, on=D(2025, 1, 10), reason="Người vay qua đời", decision_reference="QĐ 02"
    )
    rescheduled = lend(club, treasurer)
    services.loan_reschedule(
        actor=treasurer,
        loan=rescheduled,
        on=D(2024, 12, 20),
        term_months=10,
        first_due_on=D(2025, 1, 15),
        reason="Lũ lụt",
        decision_reference="QĐ 01",
    )
    html = login(client, province_staff).get(URL).content.decode()
    section = html.split('data-testid="written-off"')[1].split("</section>")[0]
    assert "Người vay qua đời" in section and "QĐ 02" in section and "10/01/2025" in section
    assert format_vnd(6_000_000) in section
    section = html.split('data-testid="rescheduled"')[1].split("</section>")[0]
    assert "Lũ lụt" in section and "20/12/2024" in section
    # On the day of the write-off, before the new schedule's first due date: the written-off loan
    # has left the portfolio; the rescheduled one is at risk as a rescheduled loan only.
    html = client.get(URL, {"on": "10/01/2025"}).content.decode()
    assert f">{format_vnd(6_000_000)} ÷ {format_vnd(6_000_000)}<" in figure(html, "par30")
    assert f">{format_vnd(0)} ÷ {format_vnd(6_000_000)}<" in figure(html, "par30-overdue")


def figure(html, name):
    """One figure of the page's total card."""
    total = html.split('data-testid="total"')[1].split("</section>")[0]
    return total.split(f'data-figure="{name}"')[1].split("data-figure=")[0]


def test_defaults_are_today_and_the_last_12_months(client, world, province_staff):
    response = login(client, province_staff).get(URL)
    assert response.context["report"].on == TODAY
    assert response.context["report"].period == Period(D(2024, 3, 16), TODAY)
    html = response.content.decode()
    assert f"{EXPORT_URL}?on=15/03/2025&amp;period_from=16/03/2024&amp;period_to=15/03/2025" in html


def test_period_follows_the_as_of_date(client, world, province_staff):
    response = login(client, province_staff).get(URL, {"on": "30/06/2024"})
    assert response.context["report"].period == Period(D(2023, 7, 1), D(2024, 6, 30))


@pytest.mark.parametrize(
    ("query", "message", "params"),
    [
        ({"period_to": "16/03/2025"}, ERROR_FUTURE, {}),
        ({"period_from": "01/02/2025", "period_to": "01/01/2025"}, ERROR_PERIOD_ORDER, {}),
        ({"on": "2024/02/01"}, "Enter a date as dd/mm/yyyy, for example 24/11/2022.", {}),
        ({"on": "31/02/2024"}, ERROR_NO_SUCH_DAY, {"date": "31/02/2024", "month": 2, "year": 2024, "days": 29}),
    ],
)
def test_wrong_dates_are_explained_and_the_defaults_shown(client, world, province_staff, query, message, params):
    response = login(client, province_staff).get(URL, query)
    assert response.status_code == 200
    assert vi_html(message, **params) in response.content.decode()
    assert response.context["report"].period == Period.last_12_months(TODAY)
    # The export of a wrong form goes back to the page, which says what is wrong.
    export = client.get(EXPORT_URL, query)
    assert export.status_code == 302 and export["Location"].startswith(URL)


def test_area_staff_see_their_district_only(client, four_clubs, area_staff):
    world = four_clubs
    response = login(client, area_staff).get(URL, ON)
    report = response.context["report"]
    assert [row.club for row in report.clubs] == [world.club_a1, world.club_a2]
    assert [rollup.unit for rollup in report.districts] == [world.district_a]
    assert report.total.figures.outstanding == 9_000_000
    assert [unit.name for unit in response.context["scope"]] == [world.district_a.name]
    assert escape(world.club_b1.name) not in response.content.decode()
    overdue = client.get(OVERDUE_URL, {"on": "21/12/2024"})
    assert [row.loan.club for row in overdue.context["rows"]] == [world.club_a1]
    assert list(overdue.context["filters"].fields["district"].choices)[1:] == [
        (world.district_a.pk, world.district_a.name)
    ]


def test_club_board_may_not_open_the_pages(client, world, club_chair):
    login(client, club_chair)
    for url in (URL, OVERDUE_URL, EXPORT_URL):
        assert client.get(url).status_code == 403


# --- the overdue loans ----------------------------------------------------------------------


def test_overdue_list_shows_borrower_phone_amounts_and_days(client, four_clubs, province_staff):
    world = four_clubs
    loan_a1 = world.club_a1.loans.get()
    loan_a1.borrower.phone = "0905 123 456"
    loan_a1.borrower.save(update_fields=["phone"])
    response = login(client, province_staff).get(OVERDUE_URL, {"on": "21/12/2024"})
    rows = response.context["rows"]
    assert [(row.loan.club, row.days_overdue) for row in rows] == [
        (world.club_a1, 67),
        (world.club_b1, 36),
        (world.club_l, 6),
    ]
    html = response.content.decode()
    first = html.split(f'data-loan="{loan_a1.pk}"')[1].split("</tr>")[0]
    assert escape(loan_a1.borrower.full_name) in first and "0905 123 456" in first
    assert format_vnd(3 * INSTALMENT) in first and format_vnd(6_000_000) in first and ">67<" in first
    assert vi_html("31–90 days") in first


def test_overdue_list_filters_by_bucket_and_district(client, four_clubs, province_staff):
    world = four_clubs
    login(client, province_staff)
    recent = client.get(OVERDUE_URL, {"on": "21/12/2024", "bucket": Bucket.DAYS_1_30})
    assert [row.loan.club for row in recent.context["rows"]] == [world.club_l]
    in_b = client.get(OVERDUE_URL, {"on": "21/12/2024", "district": world.district_b.pk})
    assert [row.loan.club for row in in_b.context["rows"]] == [world.club_b1]
    nothing = client.get(OVERDUE_URL, {"on": "21/12/2024", "bucket": Bucket.OVER_90})
    assert nothing.context["rows"] == [] and vi_html("No loan is overdue.") in nothing.content.decode()


def test_a_district_outside_the_scope_selects_nothing(client, four_clubs, area_staff):
    response = login(client, area_staff).get(OVERDUE_URL, {"on": "21/12/2024", "district": four_clubs.district_b.pk})
    assert response.context["rows"] == []
    assert vi_html("Correct the filters above to see the loans.") in response.content.decode()


def test_overdue_list_is_paginated_and_keeps_the_filters(client, world, province_staff, monkeypatch):
    monkeypatch.setattr(views, "OVERDUE_PER_PAGE", 2)
    lend_many(world.club_a1, 5)
    login(client, province_staff)
    first = client.get(OVERDUE_URL, {"on": "21/12/2024", "bucket": Bucket.DAYS_31_90})
    assert first.context["page"].paginator.count == 5 and len(first.context["rows"]) == 2
    assert "?on=21%2F12%2F2024&amp;bucket=31-90&amp;page=2" in first.content.decode()
    last = client.get(OVERDUE_URL, {"on": "21/12/2024", "bucket": Bucket.DAYS_31_90, "page": 3})
    assert len(last.context["rows"]) == 1


# --- the export -----------------------------------------------------------------------------


def test_export_has_typed_figures_and_the_same_rows(client, four_clubs, province_staff):
    world = four_clubs
    book = workbook(login(client, province_staff).get(EXPORT_URL, ON))
    assert len(book.sheetnames) == 4  # clubs, roll-ups, written off, rescheduled
    preamble, clubs = table(book.worksheets[0])
    assert "21/12/2024" in preamble[1]
    with translation.override("vi"):
        code, outstanding, par30 = (
            translation.gettext("Club code"),
            translation.gettext("Outstanding principal (đồng)"),
            translation.gettext("PAR30 (%)"),
        )
    assert [row[code] for row in clubs] == [c.code for c in (world.club_a1, world.club_b1, world.club_l, world.club_a2)]
    assert (clubs[0][outstanding], clubs[0][par30]) == (6_000_000, 100)
    assert isinstance(clubs[0][outstanding], int)
    _preamble, rollups = table(book.worksheets[1])
    assert [row[outstanding] for row in rollups] == [18_000_000, 9_000_000, 5_000_000, 4_000_000]
    assert Decimal(str(rollups[0][par30])) == Decimal("61.1")


def test_export_has_par30_with_and_without_the_rescheduled_loans(client, world, province_staff):
    club = world.club_a1
    treasurer = set_up_club(club)
    services.loan_reschedule(
        actor=treasurer,
        loan=lend(club, treasurer),
        on=D(2024, 12, 20),
        term_months=10,
        first_due_on=D(2025, 1, 15),
        reason="Lũ lụt",
        decision_reference="QĐ 01",
    )
    user_language_set(user=province_staff, language="en")
    book = workbook(login(client, province_staff).get(EXPORT_URL, {"on": "10/01/2025"}))
    preamble, clubs = table(book["Clubs"])
    assert any("PAR30 without rescheduled loans: of the loans more than 30 days overdue only." in p for p in preamble)
    row = next(row for row in clubs if row["Club code"] == club.code)
    assert (row["PAR30 numerator (đồng)"], row["PAR30 (%)"]) == (6_000_000, 100)
    assert (row["PAR30 without rescheduled loans: numerator (đồng)"], row["PAR30 without rescheduled loans (%)"]) == (
        0,
        0,
    )


def test_export_in_the_users_language_with_the_written_off_loans(client, world, province_staff):
    club = world.club_a1
    treasurer = set_up_club(club)
    services.loan_write_off(
        actor=treasurer, loan=lend(club, treasurer), on=D(2025, 1, 10), reason="Bão số 9", decision_reference="QĐ 02"
    )
    user_language_set(user=province_staff, language="en")
    book = workbook(login(client, province_staff).get(EXPORT_URL))
    assert book.sheetnames == ["Clubs", "Roll-ups", "Written off", "Rescheduled"]
    preamble, written_off = table(book["Written off"])
    assert "As of: 15/03/2025" in preamble and "Repayments and borrowing from 16/03/2024 to 15/03/2025" in preamble
    assert [(row["Principal written off (đồng)"], row["Reason"], row["Decision"]) for row in written_off] == [
        (6_000_000, "Bão số 9", "QĐ 02")
    ]
    assert written_off[0]["Written off on"].date() == D(2025, 1, 10)
    first_row = len(preamble) + 2  # the preamble, the header, then the rows
    assert book["Written off"].cell(row=first_row, column=5).number_format == "dd/mm/yyyy"


@pytest.mark.parametrize("count", [2, 10])
def test_export_queries_do_not_grow_with_clubs(client, world, province_staff, django_assert_num_queries, count):
    for _number in range(count):
        lend_many(factories.ClubFactory(unit=factories.commune(world.district_a, scheme=world.district_a.scheme)), 1)
    login(client, province_staff)
    client.get(URL)
    # session, user, roles (3); scope units (1); the report (13).
    # One more since the map the report groups on is the one in force on its date; one more for the
    # audit entry (the written-off and rescheduled sheets name borrowers: spreadsheets/personal_data.py);
    # three counts for the size of the file, which decides whether a background job writes it
    # (loans.portfolio.portfolio_rows_count).
    with django_assert_num_queries(16):
        book = workbook(client.get(EXPORT_URL))
    assert len(table(book.worksheets[0])[1]) == count + 3


# --- queries --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 10])
def test_page_queries_do_not_grow_with_clubs(client, world, province_staff, django_assert_num_queries, count):
    for number in range(count):
        district = world.district_a if number % 2 else world.district_b
        lend_many(factories.ClubFactory(unit=factories.commune(district, scheme=district.scheme)), 2)
    login(client, province_staff)
    client.get(URL)  # the session and the user's roles are then cached per request as in production
    # session, user, roles (3); scope units (1); the report (13, see test_portfolio); nothing per club.
    # One more since the map the report groups on is the one in force on its date.
    with django_assert_num_queries(12):
        response = client.get(URL, ON)
    assert len(response.context["report"].clubs) == count + 3


@pytest.mark.parametrize("count", [3, 30])
def test_overdue_page_queries_do_not_grow_with_loans(client, world, province_staff, django_assert_num_queries, count):
    lend_many(world.club_a1, count)
    login(client, province_staff)
    client.get(OVERDUE_URL)
    # session, user, roles (3); scope units (1); district choices (1); count and page of loans (2).
    # One more since the map the report groups on is the one in force on its date.
    with django_assert_num_queries(8):
        response = client.get(OVERDUE_URL, {"on": "21/12/2024"})
    assert len(response.context["rows"]) == min(count, views.OVERDUE_PER_PAGE)
    assert all(row.loan.amount_overdue > 0 for row in response.context["rows"])
