"""The cut-off sheet (spreadsheets/cutoff_import.py): a running club goes live with its fund
balances and open loans — checks, the rebuilt schedules, re-import, scope, pages and command.

The world of tests/conftest.py: clubs decided on 01/03/2022, meeting on the 15th; A1 and A2 in
district A, B1 in district B. "Today" is 15/03/2025; the sheets are cut off on 28/02/2025.
"""

import datetime
import io
import subprocess
import sys
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from audit.models import AuditEntry
from core.money import ERROR_FRACTION
from funds import services as fund_services
from funds.models import CapitalSource, EntryType, FundEntry, FundKind
from loans import selectors, take_over
from loans import services as loan_services
from loans.models import Instalment, InterestMethod, Loan, LoanPurpose, LoanStatus, RepaymentFrequency
from loans.services import checks
from members import services as member_services
from members.models import LeaveReason
from spreadsheets import cutoff_import, importing, parsers, services, template, workbook
from spreadsheets.club_import import ERROR_UNKNOWN_CLUB
from spreadsheets.cutoff_import import CUTOFF_IMPORT
from spreadsheets.importing import Row, RowError, RowsRefused, RowStatus
from spreadsheets.models import SpreadsheetImport
from spreadsheets.workbook import FileRefused
from tests import factories
from tests.conftest import login
from tests.jobs import run_jobs
from tests.spreadsheets.files import CUTOFF_HEADERS, CUTOFF_KEYS, cutoff_balance, cutoff_loan, cutoff_xlsx

D = datetime.date
CUTOFF = D(2025, 2, 28)


def member_of(club, full_name="Nguyễn Thị Đào", birth_year=1950, **membership):
    return factories.MembershipFactory(
        club=club, person__full_name=full_name, person__birth_year=birth_year, **membership
    ).person


@pytest.fixture
def dao(world):
    """The borrower named by her member code."""
    return member_of(world.club_a1)


@pytest.fixture
def binh(world):
    """The borrower named by his name and year of birth."""
    return member_of(world.club_a1, "Trần Văn Bình", 1948)


def binh_loan(club, **values):
    """5.000.000 đ lent on 10/01/2025 for 6 months at 0,6 % a month on the declining balance,
    principal at the end; nothing overdue."""
    terms = {
        "full_name": "tran van binh",
        "birth_year": 1948,
        "loan_amount": 5_000_000,
        "disbursed_on": "10/01/2025",
        "term_months": 6,
        "monthly_rate": "0,6",
        "method": "Dư nợ giảm dần",
        "repayment": "Gốc cuối kỳ",
        "outstanding": 5_000_000,
        "overdue_instalments": None,
        "overdue_amount": None,
        "purpose": "Chăn nuôi",
        "grace_days": 5,
    }
    return cutoff_loan(club, **{**terms, **values})


def club_sheet(club, dao, binh):
    return [
        cutoff_balance(club),
        cutoff_balance(club, fund="Quỹ hoạt động", balance=4_500_000),
        cutoff_loan(club, dao),
        binh_loan(club),
    ]


def import_file(content, actor):
    return services.spreadsheet_import_file(spec=CUTOFF_IMPORT, name="chot-so-lieu.xlsx", content=content, actor=actor)


def preview(content, actor):
    return importing.preview(CUTOFF_IMPORT, content, actor=actor)


def snapshot():
    return (
        set(FundEntry.objects.values_list("pk", "amount", "entry_date")),
        set(Loan.objects.values_list("pk", "amount")),
        Instalment.objects.count(),
        AuditEntry.objects.count(),
    )


def refused_errors(content, actor):
    """The row errors of a refused import, after checking that nothing was written."""
    before = snapshot(), SpreadsheetImport.objects.count()
    with pytest.raises(RowsRefused) as exc:
        import_file(content, actor)
    assert (snapshot(), SpreadsheetImport.objects.count()) == before
    return exc.value.errors


def error(row, key, message):
    return RowError(row, CUTOFF_HEADERS[key] if key else "", str(message))


def schedule(loan):
    return list(loan.instalments.order_by("number").values_list("due_on", "principal_due", "interest_due"))


# --- a clean file ------------------------------------------------------------------------------


def test_clean_file_opens_the_cash_books_and_takes_the_loans_over(world, club_chair, dao, binh):
    upload = import_file(cutoff_xlsx(club_sheet(world.club_a1, dao, binh)), club_chair)

    assert upload.result == {"new": 4, "update": 0, "unchanged": 0}
    income = world.club_a1.funds.get(kind=FundKind.INCOME)
    activity = world.club_a1.funds.get(kind=FundKind.ACTIVITY)
    assert list(income.entries.values_list("entry_type", "amount", "entry_date")) == [
        (EntryType.OPENING, 30_000_000, CUTOFF)
    ]
    assert activity.balance() == 4_500_000

    loan = Loan.objects.get(borrower=dao)
    assert (loan.club, loan.status, loan.amount, loan.disbursed_on) == (
        world.club_a1,
        LoanStatus.DISBURSED,
        12_000_000,
        D(2024, 6, 20),
    )
    assert (loan.go_live_on, loan.repaid_before_go_live, loan.monthly_rate) == (CUTOFF, 5_000_000, Decimal("0.5"))
    assert (loan.method, loan.frequency, loan.purpose, loan.grace_days) == (
        InterestMethod.FLAT,
        RepaymentFrequency.MONTHLY,
        LoanPurpose.OTHER,
        0,
    )
    # The unpaid instalment falls on the meeting before the cut-off (60.000 đ of interest first,
    # the rest principal); the 6.000.000 đ left are spread over the meetings to the end of the term.
    assert schedule(loan) == [
        (D(2025, 2, 15), 1_000_000, 60_000),
        (D(2025, 3, 15), 1_500_000, 60_000),
        (D(2025, 4, 15), 1_500_000, 60_000),
        (D(2025, 5, 15), 1_500_000, 60_000),
        (D(2025, 6, 15), 1_500_000, 60_000),
    ]
    assert all(due_on.day == world.club_a1.meeting_day for due_on, _p, _i in schedule(loan))
    assert sum(principal for _d, principal, _i in schedule(loan)) == 7_000_000
    # In arrears from the start: what was due by the cut-off is the amount overdue of the sheet.
    states = selectors.instalment_states(loan)
    assert sum(state.left for state in states if state.instalment.due_on <= CUTOFF) == 1_060_000
    assert [state.instalment.late_after < D(2025, 3, 15) for state in states][:2] == [True, False]

    other = Loan.objects.get(borrower=binh)
    assert (other.method, other.frequency, other.purpose, other.grace_days) == (
        InterestMethod.DECLINING,
        RepaymentFrequency.AT_END,
        LoanPurpose.LIVESTOCK,
        5,
    )
    assert schedule(other) == [
        (D(2025, 3, 15), 0, 30_000),
        (D(2025, 4, 15), 0, 30_000),
        (D(2025, 5, 15), 0, 30_000),
        (D(2025, 6, 15), 0, 30_000),
        (D(2025, 7, 15), 5_000_000, 30_000),
    ]
    assert other.instalments.first().late_after == D(2025, 3, 20)

    audit = AuditEntry.objects.get(action="spreadsheets.cutoff.imported")
    assert audit.actor == club_chair
    assert audit.data == {"file": "chot-so-lieu.xlsx", "new": 4, "update": 0, "unchanged": 0}
    assert AuditEntry.objects.filter(action="loans.loan.taken_over").count() == 2


def test_province_wide_file_with_two_clubs(world, province_staff, dao, binh):
    ba = member_of(world.club_b1, "Đinh Văn Ba", 1952)
    rows = [
        *club_sheet(world.club_a1, dao, binh),
        cutoff_balance(world.club_b1, cutoff_date="31/01/2025", balance=12_500_000),
        cutoff_loan(
            world.club_b1,
            ba,
            cutoff_date="31/01/2025",
            outstanding=4_000_000,
            next_due_on="15/02/2025",
            overdue_instalments=None,
            overdue_amount=None,
        ),
    ]
    assert import_file(cutoff_xlsx(rows), province_staff).result == {"new": 6, "update": 0, "unchanged": 0}
    assert world.club_b1.funds.get(kind=FundKind.INCOME).entries.get().entry_date == D(2025, 1, 31)
    loan = Loan.objects.get(borrower=ba)
    assert (loan.club, loan.go_live_on) == (world.club_b1, D(2025, 1, 31))
    # Nothing overdue: 4.000.000 đ over the five meetings from 15/02 to the end of the term (15/06).
    assert [row[:2] for row in schedule(loan)] == [
        (D(2025, 2, 15), 800_000),
        (D(2025, 3, 15), 800_000),
        (D(2025, 4, 15), 800_000),
        (D(2025, 5, 15), 800_000),
        (D(2025, 6, 15), 800_000),
    ]
    assert Loan.objects.filter(club=world.club_a1).count() == 2


def test_english_headers_and_words_import_the_same(world, province_staff, dao):
    rows = [
        cutoff_balance(world.club_a1, row_kind="balance", fund="activity", balance="4.500.000"),
        cutoff_loan(
            world.club_a1,
            dao,
            row_kind="loan",
            member_code=f" {dao.code.lower()[:4]} {dao.code[4:]} ",
            method="flat",
            repayment="monthly",
            monthly_rate=0.5,
            purpose="trade",
        ),
    ]
    assert import_file(cutoff_xlsx(rows, english=True), province_staff).result["new"] == 2
    assert Loan.objects.get().purpose == LoanPurpose.TRADE
    assert world.club_a1.funds.get(kind=FundKind.ACTIVITY).balance() == 4_500_000


def test_excel_date_and_number_cells_are_read(world, province_staff, dao):
    row = cutoff_loan(
        world.club_a1,
        dao,
        cutoff_date=datetime.datetime(2025, 2, 28),  # noqa: DTZ001 - Excel date cells are naive date-times
        disbursed_on=D(2024, 6, 20),
        next_due_on=D(2025, 3, 15),
        loan_amount=12_000_000.0,
        monthly_rate=Decimal("0.5"),
    )
    assert import_file(cutoff_xlsx([row]), province_staff).result["new"] == 1


def test_a_rate_in_a_percent_cell_reads_as_the_percentage_shown(world, province_staff, dao):
    """0,5 % typed in a cell formatted as a percentage is stored 0.005: it is read as 0,5 (% a month)."""
    book = openpyxl.load_workbook(io.BytesIO(cutoff_xlsx([cutoff_loan(world.club_a1, dao, monthly_rate=0.005)])))
    rate = book.active.cell(row=2, column=CUTOFF_KEYS.index("monthly_rate") + 1)
    rate.number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    assert import_file(buffer.getvalue(), province_staff).result["new"] == 1
    assert Loan.objects.get().monthly_rate == Decimal("0.5")


@pytest.mark.parametrize(
    ("value", "number_format", "read"),
    [
        (0.01, "0%", 1),
        (0.005, "0.00%", Decimal("0.5")),
        (0.007, "0.0%", Decimal("0.7")),  # not 0.7000000000000001
        (0.5, "General", 0.5),
        (0.5, '0.0"%"', 0.5),  # a % sign written as text: Excel shows the number as it is
        ("0,5%", "@", "0,5%"),
    ],
)
def test_percent_cells_are_read_as_shown(value, number_format, read):
    assert workbook.shown_value(value, number_format) == read


def test_balances_only_need_no_loan_columns(world, province_staff):
    keys = ["club_code", "row_kind", "cutoff_date", "fund", "balance"]
    content = cutoff_xlsx([cutoff_balance(world.club_a1), cutoff_balance(world.club_a2)], keys=keys)
    assert import_file(content, province_staff).result["new"] == 2


def test_system_import_works_on_every_club(world, dao):
    content = cutoff_xlsx([cutoff_balance(world.club_b1), cutoff_loan(world.club_a1, dao)])
    assert import_file(content, None).result["new"] == 2


# --- the parsers of amounts and rates (spreadsheets.importing) -------------------------------------


@pytest.mark.parametrize(
    ("cell", "amount"),
    [(1_500_000, 1_500_000), (1_500_000.0, 1_500_000), ("1.500.000", 1_500_000), ("1,500,000 đ", 1_500_000), (0, 0)],
)
def test_amount_cells(cell, amount):
    assert parsers.Amount().parse(cell) == amount


@pytest.mark.parametrize("cell", [1500.5, "1.500,5", "-5", -5, True, D(2025, 1, 1), "mười nghìn"])
def test_amount_cells_refused(cell):
    with pytest.raises(ValidationError):
        parsers.Amount().parse(cell)


RATE = parsers.DecimalNumber(min_value=Decimal(0), max_value=Decimal(10), places=3)


@pytest.mark.parametrize(
    ("cell", "rate"),
    [(0.5, "0.500"), ("0,5", "0.500"), ("0.5 %", "0.500"), (0.7, "0.700"), (Decimal("1.25"), "1.250"), (0, "0.000")],
)
def test_rate_cells(cell, rate):
    assert RATE.parse(cell) == Decimal(rate)
    assert str(RATE.parse(cell)) == rate


@pytest.mark.parametrize("cell", ["năm", "nan", "inf", 10.5, "-1", "0,1234", True, D(2025, 1, 1)])
def test_rate_cells_refused(cell):
    with pytest.raises(ValidationError):
        RATE.parse(cell)


# --- re-importing ----------------------------------------------------------------------------------


def test_reimporting_the_same_file_adds_nothing(world, club_chair, dao, binh):
    content = cutoff_xlsx(club_sheet(world.club_a1, dao, binh))
    import_file(content, club_chair)
    before = snapshot()[:3]

    result = preview(content, club_chair)
    assert result.is_clean and not result.has_changes
    assert [row.status for row in result.rows] == [RowStatus.UNCHANGED] * 4
    assert import_file(content, club_chair).result == {"new": 0, "update": 0, "unchanged": 4}
    assert snapshot()[:3] == before


def test_a_loan_added_to_a_sheet_already_imported_is_new(world, club_chair, dao, binh):
    import_file(cutoff_xlsx(club_sheet(world.club_a1, dao, binh)[:3]), club_chair)
    result = preview(cutoff_xlsx(club_sheet(world.club_a1, dao, binh)), club_chair)
    assert [row.status for row in result.rows] == [RowStatus.UNCHANGED] * 3 + [RowStatus.NEW]


def test_a_loan_taken_over_with_other_figures(world, club_chair, dao):
    import_file(cutoff_xlsx([cutoff_loan(world.club_a1, dao)]), club_chair)
    errors = refused_errors(cutoff_xlsx([cutoff_loan(world.club_a1, dao, outstanding=6_500_000)]), club_chair)
    columns = CUTOFF_HEADERS["outstanding"]
    message = cutoff_import.ERROR_TAKEN_OVER_DIFFERS % {"name": dao.full_name, "columns": columns}
    assert errors == [error(2, None, message)]


# --- bad rows -------------------------------------------------------------------------------------


def bad_row_cases():
    too_much = 1_000_000_001
    return [
        # (the row's values, the column of the error, the message)
        ("balance", {"balance": 0}, "balance", fund_services.ERROR_AMOUNT_NOT_POSITIVE),
        ("balance", {"balance": 1500.5}, "balance", ERROR_FRACTION),
        (
            "balance",
            {"balance": too_much},
            "balance",
            fund_services.ERROR_AMOUNT_TOO_LARGE
            % {"amount": "1.000.000.001\u00a0đ", "ceiling": "1.000.000.000\u00a0đ"},
        ),
        ("balance", {"balance": None}, "balance", importing.ERROR_REQUIRED),
        ("balance", {"fund": "Quỹ khác"}, "fund", None),
        ("balance", {"cutoff_date": "16/03/2025"}, "cutoff_date", fund_services.ERROR_DATE_IN_FUTURE),
        (
            "balance",
            {"cutoff_date": "28/02/2022"},
            "cutoff_date",
            fund_services.ERROR_DATE_BEFORE_CLUB % {"date": "01/03/2022"},
        ),
        (
            "balance",
            {"loan_amount": 5_000_000},
            "loan_amount",
            cutoff_import.ERROR_OTHER_KIND_CELL % {"kind": cutoff_import.RowKind.BALANCE.label},
        ),
        ("loan", {"outstanding": 12_500_000}, "outstanding", take_over.ERROR_TAKE_OVER_OUTSTANDING),
        ("loan", {"outstanding": 0}, "outstanding", fund_services.ERROR_AMOUNT_NOT_POSITIVE),
        ("loan", {"loan_amount": None}, "loan_amount", importing.ERROR_REQUIRED),
        ("loan", {"disbursed_on": "28/02/2025"}, "disbursed_on", take_over.ERROR_TAKE_OVER_DISBURSED),
        ("loan", {"next_due_on": "28/02/2025"}, "next_due_on", take_over.ERROR_TAKE_OVER_NEXT_DUE),
        ("loan", {"overdue_amount": None}, "overdue_amount", take_over.ERROR_TAKE_OVER_OVERDUE),
        ("loan", {"overdue_instalments": 0}, "overdue_instalments", take_over.ERROR_TAKE_OVER_OVERDUE),
        ("loan", {"overdue_amount": 9_000_000}, "overdue_amount", take_over.ERROR_TAKE_OVER_OVERDUE_TOO_MUCH),
        (
            "loan",
            {"next_due_on": "15/04/2025"},
            "overdue_instalments",
            take_over.ERROR_OVERDUE_AFTER_CUTOFF % {"date": "15/03/2025"},
        ),
        (
            "loan",
            {"overdue_instalments": 9, "overdue_amount": 7_000_000},
            "overdue_instalments",
            take_over.ERROR_OVERDUE_BEFORE_DISBURSEMENT % {"count": 9, "date": "15/06/2024"},
        ),
        ("loan", {"monthly_rate": "10,5"}, "monthly_rate", parsers.ERROR_DECIMAL_RANGE % {"min": 0, "max": 10}),
        ("loan", {"monthly_rate": "0,1234"}, "monthly_rate", parsers.ERROR_DECIMAL_PLACES % {"places": 3}),
        ("loan", {"member_code": "AB12"}, "member_code", None),
        ("loan", {"member_code": None}, "member_code", cutoff_import.ERROR_NO_BORROWER),
        (
            "loan",
            {"fund": "Quỹ tăng thu nhập"},
            "fund",
            cutoff_import.ERROR_OTHER_KIND_CELL % {"kind": cutoff_import.RowKind.LOAN.label},
        ),
    ]


@pytest.mark.parametrize(("kind", "values", "key", "message"), bad_row_cases())
def test_bad_row(world, province_staff, dao, kind, values, key, message):
    row = cutoff_balance(world.club_a1, **values) if kind == "balance" else cutoff_loan(world.club_a1, dao, **values)
    (only,) = refused_errors(cutoff_xlsx([row]), province_staff)
    assert (only.row, only.column) == (2, CUTOFF_HEADERS[key])
    if message is not None:
        assert only.message == str(message)


def test_two_cut_off_dates_for_one_club(world, province_staff, dao):
    rows = [cutoff_balance(world.club_a1), cutoff_loan(world.club_a1, dao, cutoff_date="31/01/2025")]
    message = cutoff_import.ERROR_CUTOFF_DIFFERS % {"row": 2, "date": "28/02/2025"}
    assert refused_errors(cutoff_xlsx(rows), province_staff) == [error(3, "cutoff_date", message)]


def test_the_same_fund_twice(world, province_staff):
    rows = [cutoff_balance(world.club_a1), cutoff_balance(world.club_a1, balance=1_000_000)]
    message = cutoff_import.ERROR_FUND_TWICE % {"row": 2}
    assert refused_errors(cutoff_xlsx(rows), province_staff) == [error(3, "fund", message)]


def test_the_same_borrower_twice(world, province_staff, dao):
    rows = [cutoff_loan(world.club_a1, dao), cutoff_loan(world.club_a1, dao, loan_amount=8_000_000)]
    message = cutoff_import.ERROR_BORROWER_TWICE % {"row": 2}
    assert refused_errors(cutoff_xlsx(rows), province_staff) == [error(3, None, message)]


def test_borrower_who_is_no_active_member_at_the_cut_off(world, province_staff):
    joined_later = member_of(world.club_a1, joined_on=D(2025, 3, 1))
    left = member_of(world.club_a1, "Lê Thị Hai", 1951, left_on=D(2025, 1, 10), leave_reason="moved")
    elsewhere = member_of(world.club_b1, "Lê Thị Ba", 1953)
    rows = [cutoff_loan(world.club_a1, person) for person in (joined_later, left, elsewhere)]
    params = {"club": world.club_a1.name, "date": "28/02/2025"}
    assert refused_errors(cutoff_xlsx(rows), province_staff) == [
        error(number, "member_code", cutoff_import.ERROR_NO_MEMBER_WITH_CODE % {**params, "code": person.code})
        for number, person in enumerate((joined_later, left, elsewhere), start=2)
    ]


def test_borrower_by_name_none_or_several(world, province_staff, binh):
    member_of(world.club_a1, "Trần Văn Bình", 1948)  # a namesake born the same year
    rows = [binh_loan(world.club_a1), binh_loan(world.club_a1, full_name="Trần Văn Bảy")]
    params = {"club": world.club_a1.name, "date": "28/02/2025", "year": 1948}
    assert refused_errors(cutoff_xlsx(rows), province_staff) == [
        error(2, "full_name", cutoff_import.ERROR_MEMBERS_NAMED % {**params, "count": 2, "name": "tran van binh"}),
        error(3, "full_name", cutoff_import.ERROR_NO_MEMBER_NAMED % {**params, "name": "Trần Văn Bảy"}),
    ]


def test_member_code_of_someone_else_than_the_name(world, province_staff, dao, binh):
    row = cutoff_loan(world.club_a1, dao, full_name=binh.full_name, birth_year=binh.birth_year)
    message = cutoff_import.ERROR_CODE_NAME_DIFFERS % {"code": dao.code, "name": dao.full_name, "year": 1950}
    assert refused_errors(cutoff_xlsx([row]), province_staff) == [error(2, "member_code", message)]


def test_borrower_with_a_loan_in_progress(world, province_staff, dao):
    loan_services.rules_record(
        actor=province_staff,
        club=world.club_a1,
        effective_from=D(2024, 1, 1),
        max_amount=10_000_000,
        max_term_months=12,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
    )
    loan_services.loan_apply(
        actor=province_staff,
        club=world.club_a1,
        borrower=dao,
        amount=3_000_000,
        term_months=6,
        purpose=LoanPurpose.CROPS,
        applied_on=D(2025, 3, 1),
    )
    message = checks.ERROR_LOAN_IN_PROGRESS % {"name": dao.full_name, "status": LoanStatus.APPLIED.label}
    assert refused_errors(cutoff_xlsx([cutoff_loan(world.club_a1, dao)]), province_staff) == [error(2, None, message)]


def test_a_club_already_live_is_refused(world, province_staff, dao):
    fund_services.contribution_record(
        actor=province_staff,
        fund=world.club_a1.funds.get(kind=FundKind.INCOME),
        amount=2_000_000,
        entry_date=D(2025, 1, 5),
        source=CapitalSource.MEMBERS,
    )
    rows = [cutoff_balance(world.club_a1), cutoff_loan(world.club_a1, dao), cutoff_balance(world.club_b1)]
    message = take_over.ERROR_ALREADY_LIVE % {"club": world.club_a1.name, "date": "05/01/2025"}
    assert refused_errors(cutoff_xlsx(rows), province_staff) == [
        error(2, "club_code", message),
        error(3, "club_code", message),
    ]


def test_an_opening_balance_other_than_the_files_is_refused(world, province_staff):
    fund_services.opening_balance_record(
        actor=province_staff, fund=world.club_a1.funds.get(kind=FundKind.INCOME), amount=29_000_000, entry_date=CUTOFF
    )
    message = take_over.ERROR_ALREADY_LIVE % {"club": world.club_a1.name, "date": "28/02/2025"}
    assert refused_errors(cutoff_xlsx([cutoff_balance(world.club_a1)]), province_staff) == [
        error(2, "club_code", message)
    ]


def test_loans_taken_over_at_another_cut_off(world, province_staff, dao, binh):
    import_file(cutoff_xlsx([binh_loan(world.club_a1, cutoff_date="31/01/2025")]), province_staff)
    message = take_over.ERROR_OTHER_GO_LIVE % {"club": world.club_a1.name, "date": "31/01/2025"}
    assert refused_errors(cutoff_xlsx([cutoff_loan(world.club_a1, dao)]), province_staff) == [
        error(2, "club_code", message)
    ]


def test_a_cut_off_in_a_closed_month(world, province_staff):
    fund_services.month_close(actor=province_staff, club=world.club_a1, month=D(2025, 2, 1))
    message = fund_services.ERROR_MONTH_CLOSED % {"month": "02/2025"}
    assert refused_errors(cutoff_xlsx([cutoff_balance(world.club_a1)]), province_staff) == [
        error(2, "cutoff_date", message)
    ]


def test_file_mixing_good_and_bad_rows_saves_nothing(world, province_staff, dao, binh):
    rows = [*club_sheet(world.club_a1, dao, binh), cutoff_balance(world.club_b1, balance=0)]
    errors = refused_errors(cutoff_xlsx(rows), province_staff)
    assert errors == [error(6, "balance", fund_services.ERROR_AMOUNT_NOT_POSITIVE)]
    result = preview(cutoff_xlsx(rows), province_staff)
    assert [row.status for row in result.rows] == [RowStatus.NEW] * 4 + [None]


def test_cell_errors_and_rule_errors_of_a_row_are_all_reported(world, province_staff, dao):
    row = cutoff_loan(world.club_a1, dao, term_months=0, disbursed_on="01/03/2025", next_due_on="10/02/2025")
    errors = refused_errors(cutoff_xlsx([row]), province_staff)
    assert [error.column for error in errors] == [
        CUTOFF_HEADERS["term_months"],
        CUTOFF_HEADERS["disbursed_on"],
        CUTOFF_HEADERS["next_due_on"],
    ]


def test_file_with_loans_but_no_borrower_columns_is_refused(world, province_staff, dao):
    keys = [key for key in CUTOFF_KEYS if key not in {"member_code", "full_name", "outstanding"}]
    with pytest.raises(FileRefused) as exc:
        preview(cutoff_xlsx([cutoff_loan(world.club_a1, dao)], keys=keys), province_staff)
    assert exc.value.messages == [
        str(
            importing.ERROR_MISSING_COLUMNS
            % {"columns": "Mã thành viên (member_code), Dư nợ gốc ngày chốt (outstanding)"}
        )
    ]


def test_a_service_refusal_is_reported_under_the_rows_column(world):
    """What the services refuse is keyed by their fields: each kind of row maps them to its columns."""
    headers = CUTOFF_HEADERS
    for kind, values, field, key in (
        ("balance", {}, "amount", "balance"),
        ("balance", {}, "entry_date", "cutoff_date"),
        ("loan", {"member_code": 7}, "amount", "loan_amount"),
        ("loan", {"member_code": 7}, "borrower", "member_code"),
        ("loan", {"full_name": "Lê Ba"}, "borrower", "full_name"),
        ("loan", {}, "frequency", "repayment"),
    ):
        row = Row(number=5, values={"row_kind": kind, **values}, headers=headers)
        CUTOFF_IMPORT.add_service_errors(row, ValidationError({field: "Không được."}))
        assert row.errors == [RowError(5, headers[key], "Không được.")]


def test_what_the_service_refuses_at_save_refuses_the_club_rows(world, province_staff, dao, monkeypatch):
    """The preview and the save apply the same rules; what changed in between (here, an entry
    written meanwhile) is refused by club_go_live, on every row of the club, and nothing stays."""

    def go_live_after_a_contribution(**kwargs):
        fund_services.contribution_record(
            actor=province_staff,
            fund=world.club_a1.funds.get(kind=FundKind.ACTIVITY),
            amount=100_000,
            entry_date=D(2025, 3, 1),
            source=CapitalSource.MEMBERS,
        )
        return loan_services.club_go_live(**kwargs)

    monkeypatch.setattr(cutoff_import, "club_go_live", go_live_after_a_contribution)
    rows = [cutoff_balance(world.club_a1), cutoff_loan(world.club_a1, dao), cutoff_balance(world.club_b1)]
    message = take_over.ERROR_ALREADY_LIVE % {"club": world.club_a1.name, "date": "01/03/2025"}
    assert refused_errors(cutoff_xlsx(rows), province_staff) == [
        error(2, "club_code", message),
        error(3, "club_code", message),
    ]


def test_a_loan_the_service_refuses_at_save_is_shown_on_its_row(world, province_staff, dao, binh, monkeypatch):
    def go_live_after_dao_left(**kwargs):
        member_services.member_leave(
            actor=province_staff, membership=dao.memberships.get(), left_on=D(2025, 2, 20), reason=LeaveReason.MOVED
        )
        return loan_services.club_go_live(**kwargs)

    monkeypatch.setattr(cutoff_import, "club_go_live", go_live_after_dao_left)
    message = checks.ERROR_NOT_A_MEMBER % {"name": dao.full_name, "date": "28/02/2025"}
    assert refused_errors(cutoff_xlsx(club_sheet(world.club_a1, dao, binh)), province_staff) == [
        error(4, "member_code", message)
    ]


# --- scope -----------------------------------------------------------------------------------------


def test_club_board_cannot_import_into_another_club(world, club_chair, dao):
    rows = [cutoff_balance(world.club_a1), cutoff_balance(world.club_b1)]
    assert refused_errors(cutoff_xlsx(rows), club_chair) == [
        error(3, "club_code", ERROR_UNKNOWN_CLUB % {"code": world.club_b1.code})
    ]
    assert not FundEntry.objects.exists()


# --- queries ---------------------------------------------------------------------------------------


def sheet_of(world, count):
    """Both clubs' balances and `count` loans over the two clubs, half by member code, half by name."""
    rows = [cutoff_balance(world.club_a1), cutoff_balance(world.club_b1)]
    for n in range(count):
        club = world.club_a1 if n % 2 else world.club_b1
        person = member_of(club, f"Người Vay Số {n}", 1950)
        if n % 4 < 2:
            rows.append(cutoff_loan(club, person))
        else:
            rows.append(cutoff_loan(club, full_name=person.full_name, birth_year=1950))
    return cutoff_xlsx(rows)


def test_preview_queries_do_not_grow_with_rows(world, province_staff, django_assert_num_queries):
    small, large = sheet_of(world, 2), sheet_of(world, 40)
    preview(small, province_staff)  # the user's role assignments are cached on the user from here
    # clubs, their funds, their entries, their closed months, the members the rows name, their loans
    with django_assert_num_queries(6):
        result = preview(small, province_staff)
    assert result.counts["new"] == 4
    with django_assert_num_queries(6):
        result = preview(large, province_staff)
    assert result.counts["new"] == 42


# --- the template ------------------------------------------------------------------------------------


def test_template_has_the_headers_drop_downs_and_instructions(world):
    workbook = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(CUTOFF_IMPORT)))
    sheet, instructions, lists = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == list(CUTOFF_HEADERS.values())
    assert lists.sheet_state == "hidden"
    ranges = {str(validation.sqref).split(":")[0] for validation in sheet.data_validations.dataValidation}
    # Loại dòng (B), Quỹ (D), Cách tính lãi (M), Cách trả nợ (N), Mục đích vay (S)
    assert ranges == {"B2", "D2", "M2", "N2", "S2"}
    assert [cell.value for cell in lists["B"] if cell.value] == ["Số dư quỹ", "Khoản vay"]
    assert [cell.value for cell in lists["D"] if cell.value] == ["Quỹ tăng thu nhập", "Quỹ hoạt động"]
    text = "\n".join(str(cell.value) for row in instructions.iter_rows() for cell in row if cell.value)
    assert all(str(line) in text for line in CUTOFF_IMPORT.instructions)


def test_a_filled_in_template_imports(world, province_staff, dao):
    workbook = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(CUTOFF_IMPORT)))
    sheet = workbook.worksheets[0]
    for row in (cutoff_balance(world.club_a1), cutoff_loan(world.club_a1, dao)):
        sheet.append([row.get(column.key) for column in CUTOFF_IMPORT.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_file(buffer.getvalue(), province_staff).result["new"] == 2


# --- web pages -------------------------------------------------------------------------------------

UPLOAD_URL = reverse("spreadsheets:cutoff-import")
TEMPLATE_URL = reverse("spreadsheets:cutoff-import-template")


def preview_url(upload):
    return reverse("spreadsheets:cutoff-import-preview", args=[upload.pk])


def confirm_url(upload):
    return reverse("spreadsheets:cutoff-import-confirm", args=[upload.pk])


def upload_file(client, content):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile("chot-so-lieu.xlsx", content)})


def test_template_download_in_the_users_language(client, world, club_chair):
    response = login(client, club_chair).get(TEMPLATE_URL)
    assert response["Content-Disposition"] == 'attachment; filename="cutoff-template.xlsx"'
    with translation.override("vi"):
        title = gettext("Instructions")
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[1] == title

    club_chair.language = "en"
    club_chair.save(update_fields=["language"])
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(TEMPLATE_URL).content))
    assert workbook.sheetnames[1] == "Instructions"
    text = [cell.value for cell in workbook["Instructions"]["A"] if cell.value]
    with translation.override("en"):
        assert str(CUTOFF_IMPORT.instructions[0]) in text


def test_area_staff_may_not_import(client, world, area_staff):
    assert login(client, area_staff).get(UPLOAD_URL).status_code == 403


def test_chair_uploads_sees_row_errors_fixes_imports_and_reimports(client, world, club_chair, dao, binh):
    client = login(client, club_chair)
    bad = club_sheet(world.club_a1, dao, binh)
    bad[2] = cutoff_loan(world.club_a1, dao, outstanding=13_000_000)
    response = upload_file(client, cutoff_xlsx(bad))
    upload = SpreadsheetImport.objects.get()
    assert response["Location"] == preview_url(upload)
    page = client.get(preview_url(upload)).content.decode()
    with translation.override("vi"):
        line = str(error(4, "outstanding", take_over.ERROR_TAKE_OVER_OUTSTANDING))
    assert escape(line) in page
    assert confirm_url(upload) not in page

    upload_file(client, cutoff_xlsx(club_sheet(world.club_a1, dao, binh)))
    upload = SpreadsheetImport.objects.pending().get()
    response = client.get(preview_url(upload))
    assert response.context["preview"]["counts"] == {"new": 4, "update": 0, "unchanged": 0}
    assert escape(f"{dao.full_name} ({dao.code})") in response.content.decode()
    response = client.post(confirm_url(upload))
    assert response["Location"] == reverse("spreadsheets:cutoff-import-progress", args=[upload.pk])
    assert run_jobs() == 1
    assert Loan.objects.filter(club=world.club_a1).count() == 2

    upload_file(client, cutoff_xlsx(club_sheet(world.club_a1, dao, binh)))
    response = client.get(preview_url(SpreadsheetImport.objects.pending().get()))
    assert response.context["preview"]["counts"] == {"new": 0, "update": 0, "unchanged": 4}
    page = response.content.decode()
    assert escape(gettext("Nothing to import: every row is already registered as it is.")) in page


def books_empty(world, actor, dao):
    pass


def books_with_a_contribution(world, actor, dao):
    fund_services.contribution_record(
        actor=actor,
        fund=world.club_a1.funds.get(kind=FundKind.INCOME),
        amount=2_000_000,
        entry_date=D(2025, 1, 5),
        source=CapitalSource.MEMBERS,
    )


def books_live_with_balances(world, actor, dao):
    balances = [cutoff_balance(world.club_a1), cutoff_balance(world.club_a1, fund="Quỹ hoạt động")]
    import_file(cutoff_xlsx(balances), actor)


def books_live_with_a_loan_on_another_date(world, actor, dao):
    loan = cutoff_loan(world.club_a1, dao, cutoff_date="31/01/2025", overdue_instalments=None, overdue_amount=None)
    import_file(cutoff_xlsx([loan]), actor)


def books_with_opening_balances_of_two_dates(world, actor, dao):
    for kind, day in ((FundKind.INCOME, CUTOFF), (FundKind.ACTIVITY, D(2025, 1, 31))):
        fund_services.opening_balance_record(
            actor=actor, fund=world.club_a1.funds.get(kind=kind), amount=1_000_000, entry_date=day
        )


@pytest.mark.parametrize(
    ("books", "offered"),
    [
        (books_empty, True),
        (books_with_a_contribution, False),
        (books_live_with_balances, True),
        (books_live_with_a_loan_on_another_date, True),
        (books_with_opening_balances_of_two_dates, False),
    ],
)
def test_the_funds_page_offers_the_sheet_when_the_import_takes_the_club(client, world, club_chair, dao, books, offered):
    """The funds page and the import apply one rule: the page offers the sheet when a sheet taking
    over what the books hold already (its balances, on their date) and one more loan goes through."""
    books(world, club_chair, dao)
    page = login(client, club_chair).get(reverse("funds:club-funds", args=[world.club_a1.pk])).content.decode()
    assert ('data-testid="go-live"' in page) is offered

    openings = FundEntry.objects.filter(fund__club=world.club_a1, entry_type=EntryType.OPENING)
    dates = {entry.entry_date for entry in openings} | set(
        Loan.objects.filter(club=world.club_a1).values_list("go_live_on", flat=True)
    )
    cutoff = f"{min(dates, default=CUTOFF):%d/%m/%Y}"
    fund_words = {FundKind.INCOME: "Quỹ tăng thu nhập", FundKind.ACTIVITY: "Quỹ hoạt động"}
    rows = [
        cutoff_balance(world.club_a1, cutoff_date=cutoff, fund=fund_words[entry.fund.kind], balance=entry.amount)
        for entry in openings.select_related("fund")
    ]
    borrower = member_of(world.club_a1, "Lê Văn Mới", 1955)
    rows.append(cutoff_loan(world.club_a1, borrower, cutoff_date=cutoff, overdue_instalments=0, overdue_amount=0))
    result = preview(cutoff_xlsx(rows), club_chair)
    club_refused = any(error.column == CUTOFF_HEADERS["club_code"] for error in result.errors)
    assert club_refused is not offered


# --- the command -------------------------------------------------------------------------------------


@pytest.fixture
def write(tmp_path):
    def write(content, name="chot-so-lieu.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_cutoff", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_command_imports_a_clean_file(world, write, dao, binh):
    stdout, _stderr = run(write(cutoff_xlsx(club_sheet(world.club_a1, dao, binh))))
    summary = gettext("%(file)s imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
    assert stdout == summary % {"file": "chot-so-lieu.xlsx", "new": 4, "update": 0, "unchanged": 0} + "\n"
    assert Loan.objects.count() == 2
    assert AuditEntry.objects.get(action="spreadsheets.cutoff.imported").actor is None


def test_command_dry_run_saves_nothing(world, write, dao, binh):
    stdout, _stderr = run(write(cutoff_xlsx(club_sheet(world.club_a1, dao, binh))), "--dry-run")
    assert snapshot() == (set(), set(), 0, 0)
    assert not SpreadsheetImport.objects.exists()
    summary = gettext("Dry run, nothing was saved: %(new)s new, %(update)s to update, %(unchanged)s unchanged.")
    assert stdout == summary % {"new": 4, "update": 0, "unchanged": 0} + "\n"


def test_command_prints_every_row_error(world, write, dao):
    path = write(cutoff_xlsx([cutoff_balance(world.club_a1), cutoff_loan(world.club_a1, dao, outstanding=0)]))
    for extra in ([], ["--dry-run"]):
        with pytest.raises(CommandError) as exc:
            run(path, *extra)
        lines = str(exc.value).splitlines()
        assert lines[0] == gettext("%(path)s was not imported, nothing was saved:") % {"path": path}
        assert lines[1:] == [str(error(3, "outstanding", fund_services.ERROR_AMOUNT_NOT_POSITIVE))]
    assert not FundEntry.objects.exists()


def test_command_exits_non_zero_when_the_file_is_refused(write):
    """In a process of its own: manage.py closes the database connections on its way out."""
    path = write(b"Ma CLB;So du\n", name="chot-so-lieu.csv")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_cutoff", path, "--dry-run"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    with translation.override(settings.LANGUAGE_CODE):
        assert str(workbook.ERROR_NOT_XLSX) in done.stderr


def test_command_as_a_club_chair(world, write, club_chair, other_chair, area_staff):
    path = write(cutoff_xlsx([cutoff_balance(world.club_a1)]))
    with pytest.raises(CommandError) as exc:
        run(path, "--user", other_chair.username)
    assert str(exc.value).splitlines()[1:] == [
        str(error(2, "club_code", ERROR_UNKNOWN_CLUB % {"code": world.club_a1.code}))
    ]
    with pytest.raises(CommandError, match=area_staff.username):
        run(path, "--user", area_staff.username)
    run(path, "--user", club_chair.username)
    assert AuditEntry.objects.get(action="spreadsheets.cutoff.imported").actor == club_chair
