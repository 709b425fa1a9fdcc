"""Every import and every export the product offers: the web views and the commands find them here.

IMPORTS, by kind: the Excel imports (spreadsheets/importing.py says how to add one).

EXPORTS, by identifier: every file a page offers for download, each an Exporter
(spreadsheets/exporting.py), all served by the one view web/exports.py at
/exports/<identifier>.<format> (the user's clubs, URL name exports:download) or
/exports/club/<club pk>/<identifier>.<format> (one club, exports:club-download).

How to add an export (the scorecard's, for example):

- Write the sheets next to the app's selectors, in the app's exporters.py: functions that take the
  report and return core.spreadsheets.Sheets with typed Columns (text, int, money, date) and the
  date and scope in the title rows (reports/exporters.py: scorecard_sheets). Headers are plain
  gettext: the view renders inside translation.override of the user's language. A PDF is a
  function that returns bytes (targets/pdf.py).
- Describe it below with a subclass of Exporter[its report, the page's form]: `identifier`,
  `formats`, `capability` (who may download it, checked through accounts.access), `per_club`
  (about the club of the URL, else the user's clubs), `page` (the URL name of the page it is the
  file of), `form_class` (that page's form on the same query string) and `personal_data` (whether
  the file lists people: then every download is audited with its filters and rows); then `build(scope, form)`
  from the app's selectors on `scope.clubs` or `scope.club_of_url`, `filename(scope, report)`
  without the extension, and `sheets(scope, report)` and/or `pdf(scope, report)`. An export whose
  rows grow with the register or the books (people, entries, loans) also gives `rows_estimate(scope,
  form)`, one count through the app's selectors: over settings.EXPORT_IN_REQUEST_MAX_ROWS it is
  written by a background job (spreadsheets.services.export_job_queue). Add it to EXPORTS.
- Link the page to it: {% url 'exports:download' 'scorecard' 'xlsx' %}?<the page's query>.
- Decide who gets what in tests/url_access/exports.py, one row per format: the permission matrix
  fetches each for every persona. tests/spreadsheets/test_export_registry.py checks that every
  format has its row, answers with its file in as many queries with more data (add what your
  export counts to its `grow` if it is not there yet) and that the formats not offered answer 404.
  Test the file's content next to the app's other tests (tests/reports/test_exporters.py).
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import QueryDict

from accounts import access
from accounts.access import Cap
from areas.selectors import scheme_default
from clubs.forms import ClubFilterForm
from core.spreadsheets import Sheet
from funds.exporters import capital_sheets, cash_book_sheet
from funds.forms import CashBookFilterForm
from funds.models import FundKind
from funds.selectors import BookRow, CapitalReport, CashBook, capital_by_source, cash_book_rows
from loans.portfolio import PortfolioReport, portfolio_report, portfolio_rows_count
from members.forms import MemberFilterForm
from reports.exporters import portfolio_sheets, scorecard_sheets
from reports.forms import AsOfForm, PortfolioForm
from reports.selectors import ScorecardReport, scorecard_report
from spreadsheets.club_import import CLUB_IMPORT
from spreadsheets.cutoff_import import CUTOFF_IMPORT
from spreadsheets.exporters import club_list_sheet, member_list_sheet
from spreadsheets.exporting import Exporter, ExportFormat, ExportScope, PdfExporter
from spreadsheets.importing import ImportSpec
from spreadsheets.member_import import MEMBER_IMPORT
from targets.exporters import report_sheets
from targets.forms import TargetReportForm
from targets.pdf import pdf_bytes
from targets.report import TargetReport
from targets.selectors import target_report

if TYPE_CHECKING:
    from clubs.models import ClubWithStatus
    from members.selectors import MemberListRow

IMPORTS: dict[str, ImportSpec] = {spec.kind: spec for spec in (CLUB_IMPORT, MEMBER_IMPORT, CUTOFF_IMPORT)}


# --- a club's funds -------------------------------------------------------------------------------


class CashBookExport(Exporter[tuple[CashBook, list[BookRow]], CashBookFilterForm]):
    """A fund's cash book (sổ thu chi) over the period and entry type of the cash book page: one
    export per kind of fund, as each fund has its own page."""

    capability = Cap.FUNDS_VIEW
    per_club = True
    page = "funds:cash-book"
    form_class = CashBookFilterForm
    personal_data = True  # entries name the contributor or the borrower

    def __init__(self, kind: FundKind):
        self.kind = kind
        self.identifier = f"cash-book-{kind}"

    def page_args(self, scope: ExportScope) -> list[int | str]:
        return [scope.club_of_url.pk, self.kind]

    def rows_estimate(self, scope: ExportScope, form: CashBookFilterForm) -> int:
        return self._book(scope, form).entries.count() + 2  # with the opening and the closing lines

    def build(self, scope: ExportScope, form: CashBookFilterForm) -> tuple[CashBook, list[BookRow]]:
        book = self._book(scope, form)
        return book, cash_book_rows(book, book.entries)

    def _book(self, scope: ExportScope, form: CashBookFilterForm) -> CashBook:
        return form.book(scope.club_of_url.funds.select_related("club").get(kind=self.kind))

    def filename(self, scope: ExportScope, report: tuple[CashBook, list[BookRow]]) -> str:
        book, _rows = report
        return f"cash-book-{scope.club_of_url.code}-{self.kind}-{book.start:%Y%m%d}-{book.end:%Y%m%d}"

    def sheets(self, scope: ExportScope, report: tuple[CashBook, list[BookRow]]) -> Sequence[Sheet]:
        return [cash_book_sheet(*report)]


class CapitalExport(Exporter[CapitalReport, AsOfForm]):
    identifier = "capital"
    capability = Cap.REPORT_VIEW
    clubs_capability = Cap.FUNDS_VIEW  # the clubs whose books the user reads
    page = "funds:capital"
    form_class = AsOfForm
    personal_data = False  # sums per club and unit

    def build(self, scope: ExportScope, form: AsOfForm) -> CapitalReport:
        return capital_by_source(clubs=scope.clubs, on=form.as_of(), scheme=scheme_default(form.as_of()))

    def filename(self, scope: ExportScope, report: CapitalReport) -> str:
        return f"capital-{report.on:%Y-%m-%d}"

    def sheets(self, scope: ExportScope, report: CapitalReport) -> Sequence[Sheet]:
        return capital_sheets(report, scope.names(report.scheme))


# --- reports over the user's clubs ----------------------------------------------------------------


class ScorecardExport(Exporter[ScorecardReport, AsOfForm]):
    identifier = "scorecard"
    capability = Cap.REPORT_VIEW
    page = "reports:scorecard"
    form_class = AsOfForm
    personal_data = False  # counts per club and unit

    def build(self, scope: ExportScope, form: AsOfForm) -> ScorecardReport:
        return scorecard_report(clubs=scope.clubs, on=form.as_of(), scheme=scheme_default(form.as_of()))

    def filename(self, scope: ExportScope, report: ScorecardReport) -> str:
        return f"scorecard-{report.on:%Y-%m-%d}"

    def sheets(self, scope: ExportScope, report: ScorecardReport) -> Sequence[Sheet]:
        return scorecard_sheets(report, scope.names(report.scheme))


class PortfolioExport(Exporter[PortfolioReport, PortfolioForm]):
    identifier = "portfolio"
    capability = Cap.REPORT_VIEW
    clubs_capability = Cap.FUNDS_VIEW  # the clubs whose loan books the user reads
    page = "reports:portfolio"
    form_class = PortfolioForm
    personal_data = True  # the written-off and rescheduled loans name their borrowers

    def rows_estimate(self, scope: ExportScope, form: PortfolioForm) -> int:
        return portfolio_rows_count(clubs=scope.clubs, on=form.as_of(), period=form.period())

    def build(self, scope: ExportScope, form: PortfolioForm) -> PortfolioReport:
        on = form.as_of()
        return portfolio_report(clubs=scope.clubs, on=on, period=form.period(), scheme=scheme_default(on))

    def filename(self, scope: ExportScope, report: PortfolioReport) -> str:
        return f"portfolio-{report.on:%Y-%m-%d}"

    def sheets(self, scope: ExportScope, report: PortfolioReport) -> Sequence[Sheet]:
        return portfolio_sheets(report, scope.names(report.scheme))


class TargetsExport(PdfExporter[TargetReport, TargetReportForm]):
    """The targets report: a sheet per section, or the PDF with the official frame (the same rows)."""

    identifier = "targets"
    formats = (ExportFormat.XLSX, ExportFormat.PDF)
    capability = Cap.REPORT_VIEW
    page = "targets:dashboard"
    form_class = TargetReportForm
    personal_data = False  # figures per club and unit

    def build(self, scope: ExportScope, form: TargetReportForm) -> TargetReport | None:
        plan = form.chosen_plan()
        if plan is None:  # the dashboard says there is no plan yet
            return None
        return target_report(plan=plan, clubs=scope.clubs, units=scope.units, on=form.as_of())

    def filename(self, scope: ExportScope, report: TargetReport) -> str:
        return f"targets-{report.plan.code}-{report.on:%Y-%m-%d}"

    def sheets(self, scope: ExportScope, report: TargetReport) -> Sequence[Sheet]:
        return report_sheets(report, scope.names(report.plan.scheme))

    def pdf(self, scope: ExportScope, report: TargetReport) -> bytes:
        return pdf_bytes(report, scope.names(report.plan.scheme))


# --- the lists: what the list page shows for the same query, every page of it -----------------------


class ClubListExport(Exporter["QuerySet[ClubWithStatus]", ClubFilterForm]):
    identifier = "clubs"
    formats = (ExportFormat.XLSX, ExportFormat.CSV)
    capability = Cap.CLUB_VIEW
    page = "clubs:club-list"
    form_class = ClubFilterForm
    personal_data = False  # clubs, not people
    # No rows_estimate: a row per club, as many as the scorecard's, always written in the request.

    def form(self, scope: ExportScope, query: QueryDict) -> ClubFilterForm:
        return ClubFilterForm(query or None, units=scope.units)

    def accepts(self, form: ClubFilterForm) -> bool:
        return True  # as on the page, a filter that does not hold is left out

    def build(self, scope: ExportScope, form: ClubFilterForm) -> "QuerySet[ClubWithStatus]":
        return form.clubs(clubs=scope.clubs, on=scope.today)

    def filename(self, scope: ExportScope, report: "QuerySet[ClubWithStatus]") -> str:
        return f"clubs-{scope.today:%Y-%m-%d}"

    def sheets(self, scope: ExportScope, report: "QuerySet[ClubWithStatus]") -> Sequence[Sheet]:
        return [club_list_sheet(report)]


class MemberListExport(Exporter["QuerySet[MemberListRow]", MemberFilterForm]):
    identifier = "members"
    formats = (ExportFormat.XLSX, ExportFormat.CSV)
    capability = Cap.MEMBER_VIEW
    page = "members:member-list"
    form_class = MemberFilterForm
    personal_data = True

    def form(self, scope: ExportScope, query: QueryDict) -> MemberFilterForm:
        # As the member list: the same clubs and the same filters give the same rows.
        return MemberFilterForm(query or None, clubs=scope.clubs)

    def accepts(self, form: MemberFilterForm) -> bool:
        return True  # as on the page, a filter that does not hold is left out

    def rows_estimate(self, scope: ExportScope, form: MemberFilterForm) -> int:
        return form.rows(clubs=scope.clubs, on=scope.today).count()

    def build(self, scope: ExportScope, form: MemberFilterForm) -> "QuerySet[MemberListRow]":
        return form.rows(clubs=scope.clubs, on=scope.today)

    def filename(self, scope: ExportScope, report: "QuerySet[MemberListRow]") -> str:
        return f"members-{scope.today:%Y-%m-%d}"

    def sheets(self, scope: ExportScope, report: "QuerySet[MemberListRow]") -> Sequence[Sheet]:
        show_citizen_id = access.has_cap(scope.user, Cap.CITIZEN_ID_VIEW)
        return [member_list_sheet(report, on=scope.today, show_citizen_id=show_citizen_id)]


EXPORTS: dict[str, Exporter[Any, Any]] = {
    exporter.identifier: exporter
    for exporter in (
        CashBookExport(FundKind.INCOME),
        CashBookExport(FundKind.ACTIVITY),
        CapitalExport(),
        ScorecardExport(),
        PortfolioExport(),
        TargetsExport(),
        ClubListExport(),
        MemberListExport(),
    )
}
