"""funds/selectors.py: balances as of a date, the cash book and its running balance, capital by
source per club and rolled up, and query counts that do not grow with clubs or entries.

Data is written through the services (tests/loans/test_loan_cycle.py shows the loan cycle)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import UNDER_PROVINCE_DEPTH
from areas.selectors import scheme_default
from clubs.models import Club, MapGrouping
from funds import selectors
from funds.models import CAPITAL_COLUMNS, CapitalSource, ClosedMonth, EntryType, FundKind
from funds.services import (
    contribution_record,
    entry_correct,
    month_close,
    opening_balance_record,
    spending_record,
    transfer_record,
)
from loans import services as loan_services
from loans.models import InterestMethod, LoanPurpose, RepaymentFrequency
from tests import factories
from tests.funds.capital_rule import capital_by_rule, columns_of

D = datetime.date


def fund(club, kind=FundKind.INCOME):
    return club.funds.get(kind=kind)


def contribute(club, amount, day, *, kind=FundKind.INCOME, source=CapitalSource.MEMBERS, **fields):
    return contribution_record(
        actor=None, fund=fund(club, kind), amount=amount, entry_date=day, source=source, **fields
    )


def spend(club, amount, day, *, kind=FundKind.ACTIVITY, purpose="Thăm hội viên ốm", **fields):
    return spending_record(actor=None, fund=fund(club, kind), amount=amount, entry_date=day, purpose=purpose, **fields)


def lend_with_interest(club, *, treasurer=None):
    """A 6-million loan disbursed 15/09/2024 at 0,5 % a month flat, and its first instalment paid
    on 15/10/2024: 1.000.000 principal and 30.000 interest. Returns the loan."""
    treasurer = treasurer or factories.board_member(club)
    loan_services.rules_record(
        actor=treasurer,
        club=club,
        effective_from=D(2023, 1, 1),
        max_amount=10_000_000,
        max_term_months=12,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
    )
    borrower = factories.MembershipFactory(club=club, person__full_name="Trần Thị Bưởi").person
    loan = loan_services.loan_apply(
        actor=treasurer,
        club=club,
        borrower=borrower,
        amount=6_000_000,
        term_months=6,
        purpose=LoanPurpose.LIVESTOCK,
        applied_on=D(2024, 9, 5),
    )
    loan = loan_services.loan_approve(
        actor=treasurer, loan=loan, decided_on=D(2024, 9, 10), decision_body="board", decision_reference="Biên bản"
    )
    loan = loan_services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15))
    loan_services.repayment_record(actor=treasurer, loan=loan, amount=1_030_000, paid_on=D(2024, 10, 15))
    return loan


def only(*clubs):
    return Club.objects.filter(pk__in=[club.pk for club in clubs])


# --- balances ---------------------------------------------------------------------------------


def test_fund_balances_as_of_a_date(world):
    a1, b1 = world.club_a1, world.club_b1
    contribute(a1, 10_000_000, D(2024, 1, 10))
    contribute(a1, 2_000_000, D(2024, 3, 1), kind=FundKind.ACTIVITY)
    transfer_record(
        actor=None, from_fund=fund(a1), to_fund=fund(a1, FundKind.ACTIVITY), amount=1_000_000, entry_date=D(2024, 6, 1)
    )
    spend(a1, 500_000, D(2024, 6, 2))
    contribute(b1, 7_000_000, D(2024, 2, 1))
    clubs = only(a1, b1, world.club_l)
    assert selectors.fund_balances(clubs=clubs, on=D(2024, 1, 9)) == {
        a1.pk: {"income": 0, "activity": 0},
        b1.pk: {"income": 0, "activity": 0},
        world.club_l.pk: {"income": 0, "activity": 0},
    }
    assert selectors.fund_balances(clubs=clubs, on=D(2024, 3, 1))[a1.pk] == {
        "income": 10_000_000,
        "activity": 2_000_000,
    }
    on_june = selectors.fund_balances(clubs=clubs, on=D(2024, 6, 2))
    assert on_june[a1.pk] == {"income": 9_000_000, "activity": 2_500_000}
    assert on_june[b1.pk] == {"income": 7_000_000, "activity": 0}


def test_a_correction_takes_the_money_back_from_its_date(world):
    entry = contribute(world.club_a1, 3_000_000, D(2024, 5, 1))
    entry_correct(actor=None, entry=entry, entry_date=D(2024, 5, 20), reason="ghi nhầm")
    clubs = only(world.club_a1)
    assert selectors.fund_balances(clubs=clubs, on=D(2024, 5, 19))[world.club_a1.pk]["income"] == 3_000_000
    assert selectors.fund_balances(clubs=clubs, on=D(2024, 5, 20))[world.club_a1.pk]["income"] == 0


def test_fund_balances_take_three_queries_whatever_the_number_of_clubs(world, django_assert_num_queries):
    for club in (world.club_a1, world.club_b1):
        contribute(club, 1_000_000, D(2024, 1, 10))
    # 1 the funds, 2 their months ended before the day's, 3 the entries of the days since.
    with django_assert_num_queries(3):
        assert len(selectors.fund_balances(clubs=Club.objects.all(), on=D(2025, 1, 1))) == 4
    for number in range(6):
        contribute(factories.ClubFactory(unit=world.commune_b1), 1_000_000 + number, D(2024, 1, 10))
    with django_assert_num_queries(3):
        assert len(selectors.fund_balances(clubs=Club.objects.all(), on=D(2025, 1, 1))) == 10


def test_reports_over_many_clubs_read_only_the_entries_of_the_days_since_the_last_month(world):
    """Capital and balances read the months ended from their totals (funds.models.FundMonth): no
    query reads an entry dated before the first day of the report's month, except those a
    correction dated since reversed. What they read grows with the months, not the entries."""
    contribute(world.club_a1, 1_000_000, D(2024, 1, 10))
    on = D(2025, 3, 15)
    with CaptureQueriesContext(connection) as queries:
        selectors.club_capital(clubs=Club.objects.all(), on=on)
        selectors.fund_balances(clubs=Club.objects.all(), on=on)
    reading_entries = [q["sql"] for q in queries.captured_queries if 'FROM "funds_fundentry"' in q["sql"]]
    assert len(reading_entries) == 3
    since = "'2025-03-01'"
    for sql in reading_entries:
        # The entries dated since the month began, or those its corrections dated since reversed.
        assert f'"funds_fundentry"."entry_date" >= {since}' in sql or re.search(
            rf'T\d+\."entry_date" >= {since}', sql
        ), sql


def test_club_funds_come_income_first_with_their_opening(world):
    opening_balance_record(
        actor=None, fund=fund(world.club_a1, FundKind.ACTIVITY), amount=800_000, entry_date=D(2024, 1, 1)
    )
    income, activity = selectors.club_funds(club=world.club_a1, on=D(2025, 3, 15))
    assert (income.kind, income.balance_on, income.has_opening) == (FundKind.INCOME, 0, False)
    assert (activity.kind, activity.balance_on, activity.has_opening) == (FundKind.ACTIVITY, 800_000, True)


def test_a_corrected_opening_balance_is_no_longer_the_funds_opening(world):
    """The page offers to record the opening again exactly when the service accepts it."""
    activity = fund(world.club_a1, FundKind.ACTIVITY)
    opening = opening_balance_record(actor=None, fund=activity, amount=800_000, entry_date=D(2024, 1, 1))
    entry_correct(actor=None, entry=opening, entry_date=D(2024, 1, 5), reason="sai số")
    _income, activity_row = selectors.club_funds(club=world.club_a1, on=D(2025, 3, 15))
    assert (activity_row.balance_on, activity_row.has_opening) == (0, False)
    opening_balance_record(actor=None, fund=activity, amount=700_000, entry_date=D(2024, 1, 1))
    assert selectors.club_funds(club=world.club_a1, on=D(2025, 3, 15))[1].has_opening


def test_a_closed_month_holds_every_day_of_that_month_only(world):
    month_close(actor=None, club=world.club_a1, month=D(2025, 1, 1))
    assert ClosedMonth.objects.holds(world.club_a1, D(2025, 1, 1))
    assert ClosedMonth.objects.holds(world.club_a1, D(2025, 1, 31))
    assert not ClosedMonth.objects.holds(world.club_a1, D(2024, 12, 31))
    assert not ClosedMonth.objects.holds(world.club_a1, D(2025, 2, 1))
    assert not ClosedMonth.objects.holds(world.club_b1, D(2025, 1, 15))  # another club's books


# --- the cash book ----------------------------------------------------------------------------


@pytest.fixture
def book_entries(world):
    """Income fund of A1: 5.000.000 in 2023, then five entries in 2024."""
    club = world.club_a1
    contribute(club, 5_000_000, D(2023, 6, 1))
    entries = [
        contribute(club, 1_000_000, D(2024, 1, 5), document_number="PT01"),
        contribute(club, 2_000_000, D(2024, 1, 5), document_number="PT02", source=CapitalSource.DONOR),
        spend(club, 400_000, D(2024, 2, 1), kind=FundKind.INCOME, document_number="PC01"),
        contribute(club, 300_000, D(2024, 3, 1)),
        spend(club, 100_000, D(2024, 12, 31), kind=FundKind.INCOME),
    ]
    return entries


def test_cash_book_totals_and_running_balance(world, book_entries):
    book = selectors.cash_book(fund=fund(world.club_a1), start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert (book.opening, book.money_in, book.money_out, book.closing) == (5_000_000, 3_300_000, 500_000, 7_800_000)
    rows = selectors.cash_book_rows(book, book.entries)
    assert [row.entry for row in rows] == book_entries
    assert [row.balance for row in rows] == [6_000_000, 8_000_000, 7_600_000, 7_900_000, 7_800_000]
    assert [(row.money_in, row.money_out) for row in rows][2] == (None, 400_000)


def test_a_period_past_today_ends_today(world, book_entries):
    """A balance is never dated in the future: the book asked to the end of the year ends today
    (15/03/2025 in the tests), with today's balance."""
    contribute(world.club_a1, 200_000, D(2025, 3, 15))
    book = selectors.cash_book(fund=fund(world.club_a1), start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert (book.start, book.end) == (D(2025, 1, 1), D(2025, 3, 15))
    assert (book.opening, book.money_in, book.closing) == (7_800_000, 200_000, 8_000_000)


def test_a_later_page_starts_from_the_balance_before_it(world, book_entries):
    book = selectors.cash_book(fund=fund(world.club_a1), start=D(2024, 1, 1), end=D(2024, 12, 31))
    # The second entry is on the same day as the first: the balance before it counts the first.
    rows = selectors.cash_book_rows(book, list(book.entries)[1:3])
    assert [row.balance for row in rows] == [8_000_000, 7_600_000]


def test_cash_book_of_one_type_has_no_running_balance(world, book_entries):
    book = selectors.cash_book(
        fund=fund(world.club_a1), start=D(2024, 1, 1), end=D(2024, 6, 30), entry_type=EntryType.SPENDING
    )
    assert (book.opening, book.money_in, book.money_out, book.closing) == (5_000_000, 0, 400_000, 7_900_000)
    assert not book.running
    assert [row.balance for row in selectors.cash_book_rows(book, book.entries)] == [None]


def test_cash_book_queries_do_not_grow_with_entries(world, book_entries):
    income = fund(world.club_a1)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            book = selectors.cash_book(fund=income, start=D(2024, 1, 1), end=D(2024, 12, 31))
            rows = selectors.cash_book_rows(book, book.entries)
            # What the page shows of each row, read without a query of its own.
            shown = [(row.entry.loan, row.entry.corrects, row.corrected_by, row.correctable) for row in rows]
        return len(queries), len(shown)

    before = measure()
    entry_correct(actor=None, entry=book_entries[3], entry_date=D(2024, 3, 2), reason="sai")
    for day in range(1, 20):
        contribute(world.club_a1, 10_000 * day, D(2024, 4, day))
    after = measure()
    # 1 the four totals, 2 the entries with loans, corrections and what they correct, 3 closed
    # months, 4 the balance before the first entry.
    assert (before[0], after[0]) == (4, 4)
    assert after[1] == before[1] + 20


def test_closable_months_are_those_whose_meeting_is_over(world):
    club = world.club_a1  # meets on the 15th; today is 15/03/2025
    months = selectors.closable_months(club=club, closed={D(2025, 2, 1)}, today=D(2025, 3, 15))
    assert months[:3] == [D(2025, 3, 1), D(2025, 1, 1), D(2024, 12, 1)]
    assert len(months) == selectors.CLOSABLE_MONTHS - 1
    assert selectors.closable_months(club=club, closed=set(), today=D(2025, 3, 14))[0] == D(2025, 2, 1)


# --- capital by source ------------------------------------------------------------------------


@pytest.fixture
def capital_world(world):
    """A1: members 10M + Care Fund 5M (income), donor 3M (activity), opening 2M, a loan paying
    30.000 interest, a members' contribution of 1M corrected; B1: local budget 4M; L: nothing."""
    a1 = world.club_a1
    opening_balance_record(actor=None, fund=fund(a1, FundKind.ACTIVITY), amount=2_000_000, entry_date=D(2023, 1, 1))
    contribute(a1, 10_000_000, D(2024, 1, 10))
    contribute(a1, 5_000_000, D(2024, 2, 10), source=CapitalSource.CARE_FUND)
    contribute(a1, 3_000_000, D(2024, 3, 10), kind=FundKind.ACTIVITY, source=CapitalSource.DONOR)
    mistaken = contribute(a1, 1_000_000, D(2024, 4, 10))
    entry_correct(actor=None, entry=mistaken, entry_date=D(2024, 4, 20), reason="trùng phiếu thu")
    lend_with_interest(a1)
    contribute(world.club_b1, 4_000_000, D(2024, 5, 1), source=CapitalSource.LOCAL_BUDGET)
    return world


def test_capital_per_club_by_source(capital_world):
    world = capital_world
    capital = selectors.club_capital(clubs=Club.objects.all(), on=D(2025, 3, 15))
    a1 = capital[world.club_a1.pk]
    assert a1.by_source[CapitalSource.MEMBERS] == 10_000_000  # the corrected million is left out
    assert a1.by_source[CapitalSource.CARE_FUND] == 5_000_000
    assert a1.by_source[CapitalSource.DONOR] == 3_000_000
    assert (a1.contributions, a1.opening, a1.interest, a1.total) == (18_000_000, 2_000_000, 30_000, 20_030_000)
    assert capital[world.club_b1.pk].by_source[CapitalSource.LOCAL_BUDGET] == 4_000_000
    assert world.club_l.pk not in capital and world.club_a2.pk not in capital


def test_capital_as_of_a_date(capital_world):
    world = capital_world
    # 15/04/2024: the mistaken million is not corrected yet, the loan not yet paid.
    a1 = selectors.club_capital(clubs=Club.objects.all(), on=D(2024, 4, 15))[world.club_a1.pk]
    assert (a1.by_source[CapitalSource.MEMBERS], a1.interest) == (11_000_000, 0)
    assert world.club_b1.pk not in selectors.club_capital(clubs=Club.objects.all(), on=D(2024, 4, 30))


def test_interest_of_a_reversed_repayment_leaves_capital_on_the_reversal_day(world):
    contribute(world.club_a1, 10_000_000, D(2024, 1, 10))
    loan = lend_with_interest(world.club_a1)
    repayment = loan.repayments.get()
    loan_services.repayment_reverse(actor=None, repayment=repayment, reason="nhầm", reversed_on=D(2024, 10, 20))
    clubs = only(world.club_a1)
    for day, interest in ((D(2024, 10, 15), 30_000), (D(2024, 10, 19), 30_000), (D(2024, 10, 20), 0)):
        assert selectors.club_capital(clubs=clubs, on=day)[world.club_a1.pk].interest == interest, day
        assert selectors.capital_added_up(selectors.club_capital(clubs=clubs, on=day).values()).interest == interest, (
            day
        )


def test_capital_rolled_up_by_district_and_for_the_scope(capital_world):
    world = capital_world
    report = selectors.capital_by_source(
        clubs=Club.objects.all(), on=D(2025, 3, 15), scheme=scheme_default(D(2025, 3, 15))
    )
    assert report.total.total == 20_030_000 + 4_000_000
    assert report.total.clubs_with_capital == 2
    assert report.total.by_source[CapitalSource.LOCAL_BUDGET] == 4_000_000
    districts = {rollup.unit: rollup.capital for rollup in report.districts}
    assert set(districts) == {world.district_a, world.district_b}
    assert (districts[world.district_a].total, districts[world.district_a].clubs_with_capital) == (20_030_000, 1)
    assert districts[world.district_b].total == 4_000_000
    by_club = {line.club: line.capital for line in report.clubs}
    assert set(by_club) == {world.club_a1, world.club_a2, world.club_b1, world.club_l}
    assert by_club[world.club_l] == selectors.NO_CAPITAL


def test_capital_of_a_scope_leaves_other_clubs_out(capital_world):
    world = capital_world
    report = selectors.capital_by_source(
        clubs=only(world.club_b1, world.club_l), on=D(2025, 3, 15), scheme=scheme_default(D(2025, 3, 15))
    )
    assert report.total.total == 4_000_000
    assert [rollup.unit for rollup in report.districts] == [world.district_b]


def test_capital_queries_do_not_grow_with_clubs(capital_world, django_assert_num_queries):
    world = capital_world
    scheme = scheme_default(D(2025, 3, 15))
    # 1–3 per club (the months ended, the days since and what was corrected since), 4 the clubs'
    # districts, 5 the districts' units, 6 the clubs.
    with django_assert_num_queries(6):
        small = selectors.capital_by_source(clubs=Club.objects.all(), on=D(2025, 3, 15), scheme=scheme)
    for number in range(8):
        club = factories.ClubFactory(unit=world.commune_b1 if number % 2 else world.district_l)
        contribute(club, 1_000_000, D(2024, 1, 1), source=CapitalSource.FUNDRAISING)
        spend(club, 100_000, D(2024, 2, 1), kind=FundKind.INCOME)  # spending is no capital
    with django_assert_num_queries(6):
        large = selectors.capital_by_source(clubs=Club.objects.all(), on=D(2025, 3, 15), scheme=scheme)
    assert len(large.clubs) == len(small.clubs) + 8
    assert large.total.by_source[CapitalSource.FUNDRAISING] == 8_000_000
    assert large.total.clubs_with_capital == 10
    # The districts added up from the clubs are the rule's capital of their clubs added up.
    by_rule = capital_by_rule(clubs=Club.objects.all(), on=D(2025, 3, 15))
    by_district = MapGrouping(scheme, UNDER_PROVINCE_DEPTH)
    district_of = dict(
        by_district.rows(Club.objects.all()).annotate(group=by_district.key()).values_list("pk", "group")
    )
    expected: dict[int, dict[str, int]] = {}
    for club_id, columns in by_rule.items():
        added = expected.setdefault(district_of[club_id], dict.fromkeys(columns, 0))
        for column, amount in columns.items():
            added[column] += amount
    assert {rollup.unit.pk: columns_of(rollup.capital) for rollup in large.districts} == expected
    assert columns_of(large.total) == {column: sum(c[column] for c in by_rule.values()) for column in CAPITAL_COLUMNS}
