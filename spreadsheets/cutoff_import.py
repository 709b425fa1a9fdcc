"""The cut-off sheet: a club that already runs goes live with its funds and its open loans (from paper books).

One sheet, one row per fund balance or open loan, a "Loại dòng" (row kind) column saying which.
Not two files: the mechanism reads one sheet, and a club goes live once, all or nothing — its
balances and loans are checked and saved together (loans.services.club_go_live), so a club is
never left live with its cash books but without its loans. It is also how a club accountant
keeps the figures on paper: one summary at the cut-off date. The file is per club or
province-wide (every club's rows in one list); each club has one cut-off date, given on every
one of its rows.

- A balance row: the fund (income-generation or activity) and what it held at the end of the
  cut-off date, its opening balance dated the cut-off date. A fund that held nothing is left out
  (amounts are more than 0 đồng).
- A loan row: the borrower by member code (Person.code, TV000123), or by full name and year of
  birth matched among the club's active members on the cut-off date (accents and case ignored;
  none or several is an error saying how many); the loan's original terms, the principal still
  owed at the cut-off, the next instalment date and what is overdue. The service rebuilds the
  remaining schedule on the club's meeting day; the preview works it out too.

This module is the spreadsheet's front end: it reads the rows, finds what they name and shows
each row's problems under its column. The rules are the services': the preview applies the same
pure checks (loans/take_over.py, funds.services.check_club_day, loans.services.checks) to what
it has read in bulk, and the same rule of whether a club can still go live (GoLiveBooks: its
funds hold nothing but the opening balances of this file, its loans were taken over on this
cut-off date) as the funds page and the service.

Only clubs on which the user holds Cap.FUNDS_GO_LIVE are found (accounts.access.clubs_for); any
other reads as unknown, as the club pages answer 404. Importing the same file again adds
nothing: an opening balance or a loan already taken over with the same figures is recognised
and shown as unchanged.

The preview reads what it needs in a fixed number of queries (clubs, their books — funds and
loans taken over —, closed months, the members alike, their loans in progress), whatever the
number of rows; the service checks everything again at save, and anything it refuses refuses the
whole file.
"""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.access import Cap
from clubs.models import Club
from core.dates import format_date, month_start
from core.money import format_vnd
from core.text import fold
from funds.models import ClosedMonth, FundKind
from funds.services import check_amount, check_club_day
from loans.models import (
    MAX_GRACE_DAYS,
    MAX_MONTHLY_RATE_PERCENT,
    MAX_TERM_MONTHS,
    InterestMethod,
    Loan,
    LoanPurpose,
    RepaymentFrequency,
)
from loans.selectors import go_live_books
from loans.services import GoLiveRefused, club_go_live
from loans.services.checks import check_no_loan_in_progress
from loans.take_over import (
    TAKE_OVER_DEFAULTS,
    GoLiveBooks,
    check_overdue_window,
    check_take_over_dates,
    check_take_over_figures,
    take_over_schedule,
    taken_over_differences,
)
from members.models import MEMBER_CODE_PREFIX, Membership, Person
from spreadsheets.club_import import ERROR_UNKNOWN_CLUB
from spreadsheets.importing import ERROR_REQUIRED, ImportColumn, ImportSpec, Row, RowStatus, missing_columns_message
from spreadsheets.parsers import Amount, Codes, Date, DecimalNumber, Integer, Text
from spreadsheets.workbook import PROGRESS_EVERY, FileRefused, ProgressCallback

ERROR_CUTOFF_DIFFERS = _("Row %(row)s gives this club the cut-off date %(date)s: a club has one cut-off date.")
ERROR_FUND_TWICE = _("Row %(row)s already gives the balance of this fund.")
ERROR_OTHER_KIND_CELL = _("Leave this cell empty on a row of the kind “%(kind)s”.")
ERROR_MEMBER_CODE = _("“%(value)s” is not a member code: member codes look like %(example)s.")
ERROR_NO_BORROWER = _("Give the borrower's member code, or their full name and year of birth.")
ERROR_NO_MEMBER_WITH_CODE = _("No active member of %(club)s on %(date)s has the member code %(code)s.")
ERROR_CODE_NAME_DIFFERS = _("The member code %(code)s is %(name)s, born %(year)s: check the code or the name.")
ERROR_NO_MEMBER_NAMED = _("No active member of %(club)s on %(date)s is named %(name)s and born in %(year)s.")
ERROR_MEMBERS_NAMED = _(
    "%(count)s active members of %(club)s are named %(name)s and born in %(year)s: give the member code instead."
)
ERROR_BORROWER_TWICE = _("Row %(row)s already has a loan of this member: a member has one loan in progress at a time.")
ERROR_TAKEN_OVER_DIFFERS = _(
    "A loan of %(name)s was already taken over at this cut-off date, with other figures: %(columns)s."
)

BALANCE_LABEL = _("%(fund)s of %(club)s on %(date)s: %(amount)s")
LOAN_LABEL = _("%(name)s (%(code)s), %(club)s: %(outstanding)s of %(amount)s still owed")


class RowKind(models.TextChoices):
    BALANCE = "balance", _("fund balance")
    LOAN = "loan", _("loan")


# What a new loan row's changes say of its club, given to club_go_live once for all its rows.
CLUB_KEYS = ("club", "go_live_on")
# The cells each kind of row fills; the other kind's are left empty.
BALANCE_KEYS = ("fund", "balance")
BORROWER_KEYS = ("member_code", "full_name", "birth_year")
LOAN_REQUIRED_KEYS = (
    "loan_amount",
    "disbursed_on",
    "term_months",
    "monthly_rate",
    "method",
    "repayment",
    "outstanding",
    "next_due_on",
)
LOAN_KEYS = (*BORROWER_KEYS, *LOAN_REQUIRED_KEYS, "overdue_instalments", "overdue_amount", "purpose", "grace_days")


class MemberCode(Text):
    """A member code (TV000123, any case, spaces allowed), read as the person's record number."""

    def empty(self):
        return None

    def parse(self, value):
        text = super().parse(value)
        pk = Person.pk_from_code(text)
        if pk is None:
            raise ValidationError(ERROR_MEMBER_CODE, params={"value": text, "example": f"{MEMBER_CODE_PREFIX}000123"})
        return pk

    def describe(self):
        return str(
            _("A member code, as on the member's page: %(example)s.") % {"example": f"{MEMBER_CODE_PREFIX}000123"}
        )


ROW_KIND_WORDS = Codes(
    {
        # The first word fills the template's drop-down; the label is accepted in the active language.
        RowKind.BALANCE: ("Số dư quỹ", "số dư", "balance", "fund balance", "opening balance", RowKind.BALANCE.label),
        RowKind.LOAN: ("Khoản vay", "vay", "loan", "open loan", RowKind.LOAN.label),
    }
)
FUND_WORDS = Codes(
    {
        FundKind.INCOME: (
            "Quỹ tăng thu nhập",
            "tăng thu nhập",
            "income-generation fund",
            "income-generation",
            FundKind.INCOME.label,
        ),
        FundKind.ACTIVITY: ("Quỹ hoạt động", "hoạt động", "activity fund", FundKind.ACTIVITY.label),
    }
)
METHOD_WORDS = Codes(
    {
        InterestMethod.FLAT: ("Dư nợ ban đầu", "cố định", "flat", InterestMethod.FLAT.label),
        InterestMethod.DECLINING: ("Dư nợ giảm dần", "giảm dần", "declining", InterestMethod.DECLINING.label),
    }
)
REPAYMENT_WORDS = Codes(
    {
        RepaymentFrequency.MONTHLY: (
            "Gốc và lãi hằng tháng",
            "hằng tháng",
            "hàng tháng",
            "monthly",
            RepaymentFrequency.MONTHLY.label,
        ),
        RepaymentFrequency.AT_END: (
            "Gốc cuối kỳ",
            "trả gốc cuối kỳ",
            "cuối kỳ",
            "at end",
            "principal at end",
            RepaymentFrequency.AT_END.label,
        ),
    }
)
PURPOSE_WORDS = Codes(
    {
        LoanPurpose.LIVESTOCK: ("Chăn nuôi", "livestock", LoanPurpose.LIVESTOCK.label),
        LoanPurpose.CROPS: ("Trồng trọt", "crops", LoanPurpose.CROPS.label),
        LoanPurpose.TRADE: ("Buôn bán nhỏ", "buôn bán", "trade", "small trade", LoanPurpose.TRADE.label),
        LoanPurpose.SERVICES: ("Dịch vụ", "services", LoanPurpose.SERVICES.label),
        LoanPurpose.OTHER: ("Khác", "other", LoanPurpose.OTHER.label),
    }
)


class CutoffImport(ImportSpec):
    kind = "cutoff"
    url_prefix = "cutoff"
    title = _("Import the cut-off sheet")
    capability = Cap.FUNDS_GO_LIVE
    sheet_title = _("Cut-off")
    # No page lists funds of every club yet: after the import, the clubs (their pages lead to the funds).
    list_url_name = "clubs:club-list"
    list_title = _("Clubs")
    columns = (
        ImportColumn(
            "club_code",
            "Mã CLB",
            "club_code",
            Text(32, code=True),
            required=True,
            help=_("The code of the club, e.g. QNG-0001, on every row."),
            width=14,
        ),
        ImportColumn(
            "row_kind",
            "Loại dòng",
            "row_kind",
            ROW_KIND_WORDS,
            required=True,
            help=_("“Số dư quỹ” for a fund's balance, “Khoản vay” for a loan not yet repaid."),
            width=14,
        ),
        ImportColumn(
            "cutoff_date",
            "Ngày chốt số liệu",
            "cutoff_date",
            Date(),
            required=True,
            help=_(
                "The day the figures are taken at, the same on every row of a club; not in the future. The "
                "opening balances are dated that day."
            ),
            width=16,
        ),
        ImportColumn("fund", "Quỹ", "fund", FUND_WORDS, help=_("Balance rows: the fund."), width=20),
        ImportColumn(
            "balance",
            "Số dư",
            "balance",
            Amount(),
            help=_("Balance rows: what the fund held at the end of the cut-off date, in đồng."),
            width=16,
        ),
        ImportColumn(
            "member_code",
            "Mã thành viên",
            "member_code",
            MemberCode(16, code=True),
            help=_(
                "Loan rows: the borrower's member code, on their member page. Or leave it empty and give the "
                "two columns below."
            ),
            width=14,
        ),
        ImportColumn(
            "full_name",
            "Họ và tên",
            "full_name",
            Text(200),
            help=_(
                "Loan rows, instead of the member code: the borrower's full name (accents and case are not compared)."
            ),
            width=26,
        ),
        ImportColumn(
            "birth_year",
            "Năm sinh",
            "birth_year",
            Integer(1880, 2200),
            help=_("Loan rows, with the full name: the borrower's year of birth."),
            width=10,
        ),
        ImportColumn(
            "loan_amount",
            "Số tiền vay",
            "loan_amount",
            Amount(),
            help=_("Loan rows: the amount lent, in đồng."),
            width=16,
        ),
        ImportColumn(
            "disbursed_on",
            "Ngày giải ngân",
            "disbursed_on",
            Date(),
            help=_("Loan rows: the day the money was lent; before the cut-off date."),
            width=14,
        ),
        ImportColumn(
            "term_months",
            "Thời hạn (tháng)",
            "term_months",
            Integer(1, MAX_TERM_MONTHS),
            help=_("Loan rows: the loan's term in months."),
            width=12,
        ),
        ImportColumn(
            "monthly_rate",
            "Lãi suất (%/tháng)",
            "monthly_rate",
            DecimalNumber(min_value=Decimal(0), max_value=Decimal(MAX_MONTHLY_RATE_PERCENT), places=3),
            help=_("Loan rows: the interest rate in percent per month, e.g. 0,5; 0 for a loan without interest."),
            width=14,
        ),
        ImportColumn(
            "method",
            "Cách tính lãi",
            "method",
            METHOD_WORDS,
            help=_("Loan rows: interest on the original amount, or on the declining balance."),
            width=18,
        ),
        ImportColumn(
            "repayment",
            "Cách trả nợ",
            "repayment",
            REPAYMENT_WORDS,
            help=_("Loan rows: principal and interest every month, or interest every month and principal at the end."),
            width=22,
        ),
        ImportColumn(
            "outstanding",
            "Dư nợ gốc ngày chốt",
            "outstanding",
            Amount(),
            help=_("Loan rows: the principal still owed at the end of the cut-off date, overdue principal included."),
            width=16,
        ),
        ImportColumn(
            "next_due_on",
            "Ngày trả kỳ tới",
            "next_due_on",
            Date(),
            help=_("Loan rows: the date of the next instalment, the first meeting after the cut-off date."),
            width=14,
        ),
        ImportColumn(
            "overdue_instalments",
            "Số kỳ quá hạn",
            "overdue_instalments",
            Integer(0, MAX_TERM_MONTHS),
            help=_("Loan rows: how many instalments were due and not paid at the cut-off date; empty or 0 if none."),
            width=12,
        ),
        ImportColumn(
            "overdue_amount",
            "Số tiền quá hạn",
            "overdue_amount",
            Amount(),
            help=_("Loan rows: what those instalments still owe, principal and interest, in đồng; empty or 0 if none."),
            width=16,
        ),
        ImportColumn(
            "purpose",
            "Mục đích vay",
            "purpose",
            PURPOSE_WORDS,
            help=_("Loan rows, if known: what the money is for. Empty: other."),
            width=16,
        ),
        ImportColumn(
            "grace_days",
            "Số ngày ân hạn",
            "grace_days",
            Integer(0, MAX_GRACE_DAYS),
            help=_("Loan rows, if the regulations give one: days after the due date before an instalment is late."),
            width=12,
        ),
    )
    examples = (
        {
            "club_code": "QNG-0001",
            "row_kind": "Số dư quỹ",
            "cutoff_date": datetime.date(2025, 2, 28),
            "fund": "Quỹ tăng thu nhập",
            "balance": 30_000_000,
        },
        {
            "club_code": "QNG-0001",
            "row_kind": "Khoản vay",
            "cutoff_date": datetime.date(2025, 2, 28),
            "member_code": "TV000123",
            "loan_amount": 12_000_000,
            "disbursed_on": datetime.date(2024, 6, 20),
            "term_months": 12,
            "monthly_rate": 0.5,
            "method": "Dư nợ ban đầu",
            "repayment": "Gốc và lãi hằng tháng",
            "outstanding": 7_000_000,
            "next_due_on": datetime.date(2025, 3, 15),
            "overdue_instalments": 1,
            "overdue_amount": 1_060_000,
            "purpose": "Chăn nuôi",
        },
    )
    instructions = (
        _(
            "One sheet holds the whole cut-off: in the column Loại dòng, “Số dư quỹ” for the balance of a fund and "
            "“Khoản vay” for a loan not yet repaid. Fill in the columns of that kind of row; leave the others empty."
        ),
        _(
            "The file may hold one club or several (a list for a whole province). Each club has one cut-off date, "
            "given on every one of its rows."
        ),
        _(
            "Fund balances: one row per fund, with what it held at the end of the cut-off date. Leave out a fund "
            "that held nothing."
        ),
        _(
            "Loans: one row per loan not fully repaid at the cut-off date. Give the borrower's member code (on the "
            "member's page, e.g. TV000123), or their full name and year of birth; the borrower must be an active "
            "member of the club on the cut-off date."
        ),
        _(
            "The product rebuilds each loan's remaining instalments on the club's meeting day: the overdue ones on "
            "the meetings before the next instalment, the principal still owed after them spread over the rest of "
            "the term."
        ),
        _(
            "The cut-off sheet is for going live: a club whose cash book already has entries in the product is "
            "refused. Importing the same file again adds nothing."
        ),
    )

    def field_columns_for(self, row: Row) -> Mapping[str, str]:
        # club_go_live's refusals about the club as a whole: its code, its cut-off date.
        club = {"club": "club_code", "cutoff": "cutoff_date"}
        if row.values.get("row_kind") == RowKind.BALANCE:
            return {**club, "amount": "balance", "entry_date": "cutoff_date"}
        borrower = "member_code" if row.values.get("member_code") else "full_name"
        return {
            **club,
            "amount": "loan_amount",
            "frequency": "repayment",
            "go_live_on": "cutoff_date",
            "borrower": borrower,
        }

    def check(self, rows: list[Row], *, actor) -> None:
        _require_columns(rows)
        lookup = _Lookup(rows, actor)
        cutoffs: dict[int, tuple[datetime.date, int]] = {}  # club → (its cut-off date, the row giving it)
        rows_of_club: dict[int, list[Row]] = {}
        seen_funds: dict[tuple[int, str], int] = {}
        seen_borrowers: dict[int, int] = {}
        for row in rows:
            club = self._club(row, lookup)
            cutoff = self._cutoff(row, club, cutoffs, lookup)
            kind = row.values.get("row_kind")
            _check_other_kind_empty(row, kind)
            if club is not None:
                rows_of_club.setdefault(club.pk, []).append(row)
            if kind == RowKind.BALANCE:
                self._balance(row, club, cutoff, lookup, seen_funds)
            elif kind == RowKind.LOAN:
                self._loan(row, club, cutoff, lookup, seen_borrowers)
        for club_pk, club_rows in rows_of_club.items():
            cutoff = cutoffs[club_pk][0] if club_pk in cutoffs else None
            self._check_can_go_live(club_rows, cutoff, lookup.books[club_pk])

    def save(self, rows: list[Row], *, actor, progress: ProgressCallback | None = None) -> list[Row]:
        """Each club's rows through loans.services.club_go_live, together. Its balances are all
        given (unchanged ones too: the service recognises them, and a club may hold no other);
        its new loans. A club with nothing new is left alone."""
        failed: list[Row] = []
        rows_of_club: dict[str, list[Row]] = {}
        for row in rows:
            rows_of_club.setdefault(row.values["club_code"].upper(), []).append(row)
        for done, club_rows in enumerate(rows_of_club.values(), start=1):
            new = [row for row in club_rows if row.status == RowStatus.NEW]
            if new:
                failed += self._go_live(club_rows, new, actor=actor)
            if progress and done % PROGRESS_EVERY == 0:
                progress("save", done, len(rows_of_club))
        return failed

    def _go_live(self, rows: list[Row], new: list[Row], *, actor) -> list[Row]:
        """One club's rows (`new`: those to write) through club_go_live; the rows it refused."""
        balances = [row for row in rows if row.values["row_kind"] == RowKind.BALANCE]
        loans = [row for row in new if row.values["row_kind"] == RowKind.LOAN]
        try:
            club_go_live(
                actor=actor,
                club=new[0].changes["club"],
                cutoff=new[0].values["cutoff_date"],
                balances={row.values["fund"]: row.values["balance"] for row in balances},
                loans=[
                    {key: row.changes[key] for key in row.changes if key not in ("club", "go_live_on")} for row in loans
                ],
            )
        except GoLiveRefused as exc:
            refused = [(row, exc.club) for row in rows] if exc.club else []
            refused += [
                (row, exc.balances[row.values["fund"]]) for row in balances if row.values["fund"] in exc.balances
            ]
            refused += [(row, exc.loans[position]) for position, row in enumerate(loans) if position in exc.loans]
            for row, error in refused:
                self.add_service_errors(row, error)
            return sorted((row for row, _error in refused), key=lambda row: row.number)
        return []

    def _add_refusal(self, row: Row, check, **values) -> None:
        """Apply a rule of the services to the row's values: its refusal under the columns of its fields."""
        try:
            check(**values)
        except ValidationError as exc:
            self.add_service_errors(row, exc)

    # --- every row -----------------------------------------------------------------------------

    def _club(self, row: Row, lookup: "_Lookup") -> Club | None:
        code = (row.values.get("club_code") or "").upper()
        if not code:
            return None
        club = lookup.clubs_by_code.get(code)
        if club is None:
            row.add_error("club_code", ERROR_UNKNOWN_CLUB % {"code": code})
        return club

    def _cutoff(
        self,
        row: Row,
        club: Club | None,
        cutoffs: dict[int, tuple[datetime.date, int]],
        lookup: "_Lookup",
    ) -> datetime.date | None:
        cutoff = row.values.get("cutoff_date")
        if cutoff is None:
            return None
        closed = club is not None and (club.pk, month_start(cutoff)) in lookup.closed_months
        self._add_refusal(row, check_club_day, club=club, day=cutoff, field="cutoff_date", month_closed=closed)
        if club is None:
            return cutoff
        first = cutoffs.setdefault(club.pk, (cutoff, row.number))
        if first[0] != cutoff:
            row.add_error("cutoff_date", ERROR_CUTOFF_DIFFERS % {"row": first[1], "date": format_date(first[0])})
        return cutoff

    def _check_can_go_live(self, rows: list[Row], cutoff: datetime.date | None, books: GoLiveBooks) -> None:
        """Refuse every row of a club that cannot go live with the balances of this file."""
        balances: dict[str, int | None] = {}
        for row in rows:
            if row.values.get("row_kind") == RowKind.BALANCE and row.values.get("fund"):
                balances.setdefault(row.values["fund"], row.values.get("balance"))
        refused = books.refusal(cutoff=cutoff, balances=balances)
        if refused is not None:
            for row in rows:
                self.add_service_errors(row, refused)

    # --- a fund's balance ----------------------------------------------------------------------

    def _balance(
        self,
        row: Row,
        club: Club | None,
        cutoff: datetime.date | None,
        lookup: "_Lookup",
        seen: dict[tuple[int, str], int],
    ) -> None:
        _require_cells(row, BALANCE_KEYS)
        kind, amount = row.values.get("fund"), row.values.get("balance")
        if amount is not None:
            _check_amount(row, "balance")
        if club is None or kind is None:
            return
        if amount is not None and cutoff is not None:
            params = {
                "fund": FundKind(kind).label,
                "club": club.name,
                "date": format_date(cutoff),
                "amount": format_vnd(amount),
            }
            row.label = BALANCE_LABEL % params
        if (club.pk, kind) in seen:
            row.add_error("fund", ERROR_FUND_TWICE % {"row": seen[club.pk, kind]})
        else:
            seen[club.pk, kind] = row.number
        if row.errors:
            return
        if lookup.books[club.pk].openings.get(kind) == (amount, cutoff):
            row.status = RowStatus.UNCHANGED
            return
        row.status, row.changes = RowStatus.NEW, {"club": club, "fund": kind, "amount": amount, "entry_date": cutoff}

    # --- an open loan --------------------------------------------------------------------------

    def _loan(
        self,
        row: Row,
        club: Club | None,
        cutoff: datetime.date | None,
        lookup: "_Lookup",
        seen: dict[int, int],
    ) -> None:
        _require_cells(row, LOAN_REQUIRED_KEYS)
        borrower = self._borrower(row, club, cutoff, lookup)
        values = _loan_values(row)
        # A figure whose cell is wrong is left out of the rules that compare it with another.
        known = {key: values[key] for key in ("loan_amount", "outstanding") if values[key] is not None}
        for key in list(known):
            if not _check_amount(row, key):
                del known[key]
        if values["overdue_amount"]:
            _check_amount(row, "overdue_amount")
        if values["disbursed_on"] is not None:
            self._add_refusal(row, check_club_day, club=club, day=values["disbursed_on"], field="disbursed_on")
        if cutoff is not None:
            dates = {key: values[key] for key in ("disbursed_on", "next_due_on")}
            self._add_refusal(row, check_take_over_dates, go_live_on=cutoff, **dates)
        overdue_known = {"overdue_instalments", "overdue_amount"}.isdisjoint(row.invalid)
        self._add_refusal(
            row,
            check_take_over_figures,
            amount=known.get("loan_amount"),
            outstanding=known.get("outstanding"),
            overdue_instalments=values["overdue_instalments"] if overdue_known else None,
            overdue_amount=values["overdue_amount"] if overdue_known else None,
        )
        if borrower is not None and club is not None:
            row.label = LOAN_LABEL % {
                "name": borrower.full_name,
                "code": borrower.code,
                "club": club.name,
                "outstanding": format_vnd(values["outstanding"] or 0),
                "amount": format_vnd(values["loan_amount"] or 0),
            }
            if borrower.pk in seen:
                row.add_error(None, ERROR_BORROWER_TWICE % {"row": seen[borrower.pk]})
            else:
                seen[borrower.pk] = row.number
        if row.errors or borrower is None or club is None or cutoff is None:
            return  # no borrower is found without the club and its cut-off
        self._check_schedule(row, club, cutoff, values)
        if not row.errors:
            self._decide_loan(row, club, borrower, cutoff, values, lookup)

    def _borrower(self, row: Row, club: Club | None, cutoff: datetime.date | None, lookup: "_Lookup") -> Person | None:
        """The borrower among the club's active members on the cut-off date: by code, else by name and year."""
        pk, name, year = (row.values.get(key) for key in BORROWER_KEYS)
        name = name or ""
        if row.invalid.intersection(BORROWER_KEYS):
            return None
        if not pk and not (name and year):
            row.add_error("member_code" if not name else "birth_year", ERROR_NO_BORROWER)
            return None
        if club is None or cutoff is None:
            return None
        members = lookup.members_on(club, cutoff)
        params: dict[str, object] = {"club": club.name, "date": format_date(cutoff)}
        if pk:
            person = next((person for person in members if person.pk == pk), None)
            code = Person(pk=pk).code
            if person is None:
                row.add_error("member_code", ERROR_NO_MEMBER_WITH_CODE % {**params, "code": code})
                return None
            if (name and fold(name) != person.name_folded) or (year and year != person.birth_year):
                params = {"code": code, "name": person.full_name, "year": person.birth_year}
                row.add_error("member_code", ERROR_CODE_NAME_DIFFERS % params)
                return None
            return person
        alike = [person for person in members if (person.name_folded, person.birth_year) == (fold(name), year)]
        params = {**params, "name": name, "year": year}
        if not alike:
            row.add_error("full_name", ERROR_NO_MEMBER_NAMED % params)
            return None
        if len(alike) > 1:
            row.add_error("full_name", ERROR_MEMBERS_NAMED % {**params, "count": len(alike)})
            return None
        return alike[0]

    def _check_schedule(self, row: Row, club: Club, cutoff: datetime.date, values: dict) -> None:
        """The remaining schedule club_go_live will write, and the rule on its overdue instalments."""
        try:
            schedule = take_over_schedule(
                amount=values["loan_amount"],
                outstanding=values["outstanding"],
                disbursed_on=values["disbursed_on"],
                term_months=values["term_months"],
                monthly_rate=values["monthly_rate"],
                method=values["method"],
                frequency=values["repayment"],
                next_due_on=values["next_due_on"],
                overdue_instalments=values["overdue_instalments"],
                overdue_amount=values["overdue_amount"],
                meeting_day=club.meeting_day,
            )
        except ValueError as exc:
            row.add_error("overdue_amount", exc.args[0])
            return
        self._add_refusal(
            row,
            check_overdue_window,
            schedule=schedule,
            overdue_instalments=values["overdue_instalments"],
            go_live_on=cutoff,
            disbursed_on=values["disbursed_on"],
        )

    def _decide_loan(
        self, row: Row, club: Club, borrower: Person, cutoff: datetime.date, values: dict, lookup: "_Lookup"
    ) -> None:
        figures = {
            "amount": values["loan_amount"],
            "disbursed_on": values["disbursed_on"],
            "term_months": values["term_months"],
            "monthly_rate": values["monthly_rate"],
            "method": values["method"],
            "frequency": values["repayment"],
            "grace_days": values["grace_days"],
            "purpose": values["purpose"],
            "outstanding": values["outstanding"],
        }
        in_progress = next(iter(lookup.loans_in_progress.get(borrower.pk, [])), None)
        if in_progress is not None:
            differences = taken_over_differences(in_progress, club=club, go_live_on=cutoff, **figures)
            if differences == []:
                row.status, row.target = RowStatus.UNCHANGED, in_progress
                return
            if differences:
                columns = self.field_columns_for(row)
                params = {
                    "name": borrower.full_name,
                    "columns": ", ".join(row.headers[columns.get(field, field)] for field in differences),
                }
                row.add_error(None, ERROR_TAKEN_OVER_DIFFERS % params)
                return
        try:
            check_no_loan_in_progress(borrower=borrower, loan=in_progress)
        except ValidationError as exc:
            # On the row as a whole: the loan in progress is in none of its cells.
            for message in exc.messages:
                row.add_error(None, message)
            return
        row.status = RowStatus.NEW
        row.changes = {
            **figures,
            "club": club,
            "borrower": borrower,
            "go_live_on": cutoff,
            "next_due_on": values["next_due_on"],
            "overdue_instalments": values["overdue_instalments"],
            "overdue_amount": values["overdue_amount"],
        }


def _require_columns(rows: list[Row]) -> None:
    """Refuse a file that lacks a column its kinds of rows need (rather than an error on every row)."""
    present = set(rows[0].values) | rows[0].invalid
    kinds = {row.values.get("row_kind") for row in rows}
    needed: list[str] = []
    if RowKind.BALANCE in kinds:
        needed += BALANCE_KEYS
    if RowKind.LOAN in kinds:
        needed += LOAN_REQUIRED_KEYS
        if "member_code" not in present and not {"full_name", "birth_year"} <= present:
            needed += ("member_code",)
    missing = [column for column in CUTOFF_IMPORT.columns if column.key in needed and column.key not in present]
    if missing:
        raise FileRefused([missing_columns_message(missing)])


def _check_other_kind_empty(row: Row, kind: str | None) -> None:
    if kind is None:
        return
    others = LOAN_KEYS if kind == RowKind.BALANCE else BALANCE_KEYS
    for key in others:
        if key not in row.invalid and row.values.get(key) not in (None, "", 0):
            row.add_error(key, ERROR_OTHER_KIND_CELL % {"kind": RowKind(kind).label})


def _require_cells(row: Row, keys) -> None:
    for key in keys:
        if key not in row.invalid and row.values.get(key) is None:
            row.add_error(key, ERROR_REQUIRED)


def _check_amount(row: Row, key: str) -> bool:
    """funds.services.check_amount: more than 0 đồng, at most settings.FUNDS_MAX_AMOUNT. Whether it passed."""
    try:
        check_amount(row.values[key], key)
    except ValidationError as exc:
        for message in exc.message_dict[key]:
            row.add_error(key, message)
        return False
    return True


def _loan_values(row: Row) -> dict:
    """The loan's cells, the optional ones as loan_take_over takes them when not given."""
    values = {key: row.values.get(key) for key in LOAN_KEYS}
    for key, default in TAKE_OVER_DEFAULTS.items():
        values[key] = values[key] or default
    return values


class _Lookup:
    """What the rows refer to, read in a fixed number of queries whatever the number of rows."""

    def __init__(self, rows: list[Row], actor):
        codes = {row.values["club_code"].upper() for row in rows if row.values.get("club_code")}
        person_pks = {row.values["member_code"] for row in rows if row.values.get("member_code")}
        names = {fold(row.values["full_name"]) for row in rows if row.values.get("full_name")}
        years = {row.values["birth_year"] for row in rows if row.values.get("birth_year")}

        # None: a system import (command line without --user) works on every club.
        clubs: QuerySet[Club] = Club.objects.all() if actor is None else access.clubs_for(actor, Cap.FUNDS_GO_LIVE)
        # 1 query
        self.clubs_by_code = {club.code: club for club in clubs.filter(code__in=codes)}
        club_pks = [club.pk for club in self.clubs_by_code.values()]

        # 2 queries: what their books hold (their funds' entries, their loans taken over)
        self.books = go_live_books(clubs=self.clubs_by_code.values())
        # 1 query
        self.closed_months = set(ClosedMonth.objects.filter(club__in=club_pks).values_list("club", "month"))

        # 1 query: the members the loan rows may name, with their memberships of these clubs
        memberships = Membership.objects.filter(club__in=club_pks).filter(
            Q(person__in=person_pks) | Q(person__name_folded__in=names, person__birth_year__in=years)
        )
        self.memberships: dict[int, list[Membership]] = {}
        for membership in memberships.select_related("person"):
            self.memberships.setdefault(membership.club_id, []).append(membership)
        people = {membership.person_id for members in self.memberships.values() for membership in members}

        # 1 query: their loans in progress
        self.loans_in_progress: dict[int, list[Loan]] = {}
        for loan in Loan.objects.in_progress().filter(borrower__in=people).order_by("pk"):
            self.loans_in_progress.setdefault(loan.borrower_id, []).append(loan)

    def members_on(self, club: Club, day: datetime.date) -> list[Person]:
        """The people the file may name who are active members of the club on `day` (as Membership.active_on)."""
        people = {
            membership.person.pk: membership.person
            for membership in self.memberships.get(club.pk, [])
            if membership.joined_on <= day and (membership.left_on is None or membership.left_on > day)
        }
        return list(people.values())


CUTOFF_IMPORT = CutoffImport()
