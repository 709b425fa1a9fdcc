"""Exporting a page's figures or list as a file: the mechanism every export shares.

An export is an `Exporter`: who may download it, which page it is the file of, how it reads that
page's query string, what it builds and how it writes each format it offers. Every export is
registered in spreadsheets.registry.EXPORTS (where "How to add an export" is) and served by the
one view web/exports.py, which does the same for each:

1. the access check through accounts.access: the club of the URL for a per-club export
   (`get_club`), else `require_cap` and the user's clubs and units (`clubs_for`, `units_for`),
   handed over as an ExportScope;
2. `form(scope, query)`, the page's form on the query string; when `accepts(form)` is false (a
   wrong date), back to the page with the same query, where the form says what is wrong;
3. `build(scope, form)`: the report or the rows, from the app's selectors (None: nothing to
   export, back to the page too);
4. `write(scope, report, format)`: the file named `filename(scope, report)` plus the format,
   written by core.spreadsheets from `sheets(scope, report)` (.xlsx; CSV holds the one sheet) or
   from the bytes of `pdf(scope, report)`, inside translation.override of the user's language;
5. for an export of `personal_data`, one audit entry (spreadsheets/personal_data.py): who, which
   export in which format, the filters of the query and how many rows the file holds.
"""

import abc
import dataclasses
import datetime
import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from django import forms
from django.http import HttpResponse, QueryDict
from django.utils import timezone

from accounts.access import Cap
from accounts.models import User
from areas.models import AdminScheme, AdminUnit, AdminUnitQuerySet
from areas.selectors import scope_units
from clubs.models import Club, ClubQuerySet
from core.spreadsheets import Sheet, attachment_response, csv_response, xlsx_response

PDF_CONTENT_TYPE = "application/pdf"


class ExportFormat(enum.StrEnum):
    """The file formats, as the URL names them (/exports/scorecard.xlsx)."""

    XLSX = "xlsx"
    CSV = "csv"  # one sheet only: a CSV file holds one table
    PDF = "pdf"


@dataclasses.dataclass
class ExportScope:
    """Who asks and what they may count, as accounts.access decided it (web/exports.py): the club of
    the URL for a per-club export, else the clubs and units where the user holds the capability."""

    user: User
    club: Club | None = None
    clubs: ClubQuerySet[Club] = dataclasses.field(default_factory=Club.objects.none)
    units: AdminUnitQuerySet = dataclasses.field(default_factory=AdminUnit.objects.none)
    today: datetime.date = dataclasses.field(default_factory=timezone.localdate)

    @property
    def club_of_url(self) -> Club:
        """The club of a per-club export (Exporter.per_club): web/exports.py always gives it one."""
        assert self.club is not None, "a per-club export without its club"
        return self.club

    def names(self, scheme: AdminScheme | None) -> list[str]:
        """The top units of the user's area on the map a report is grouped on, named in its title
        rows ("Scope: …")."""
        return [unit.name for unit in scope_units(units=self.units, scheme=scheme)]


class CountedRows:
    """A sheet's rows, counted as the file is written: the audit entry of a personal-data export says
    how many rows left without a second query to count them."""

    def __init__(self, rows: Iterable[Sequence[Any]]):
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def counted(sheets: Sequence[Sheet]) -> list[tuple[Sheet, CountedRows]]:
    """Each sheet with its rows counted as they are written."""
    pairs = []
    for sheet in sheets:
        rows = CountedRows(sheet.rows)
        pairs.append((dataclasses.replace(sheet, rows=rows), rows))
    return pairs


@dataclasses.dataclass
class ExportFile:
    """A written export: the response that carries it, its file name and its number of rows (counted
    when asked: a PDF counts the rows of its sheets only for an audit entry)."""

    response: HttpResponse
    filename: str
    count_rows: Callable[[], int]


Report = TypeVar("Report")
PageForm = TypeVar("PageForm", bound=forms.Form)


class Exporter(abc.ABC, Generic[Report, PageForm]):
    """One export. Set the class attributes, write `build`, `filename` and `sheets` (.xlsx and CSV);
    an export that is also a PDF is a PdfExporter (spreadsheets.registry has the product's). Its type
    names what `build` returns and the page's form: Exporter[CapitalReport, AsOfForm]."""

    identifier: str  # in the URL, /exports/<identifier>.<format>: "scorecard"
    formats: ClassVar[tuple[ExportFormat, ...]] = (ExportFormat.XLSX,)  # any other answers 404
    capability: Cap  # who may download it: 403 without it (404 for a club out of the user's scope)
    # The clubs it counts are those where the user holds this (default: `capability`).
    clubs_capability: Cap | None = None
    per_club: bool = False  # about the club of the URL (/exports/club/<pk>/…), not the user's clubs
    page: str  # the URL name of the page it is the file of: back to it when the query is wrong
    form_class: type[PageForm]  # the page's form
    # Whether the file lists people (names with their details, loans or payments): producing it
    # writes an audit entry. No default: every export says (tests/spreadsheets/test_personal_data.py).
    personal_data: bool

    def form(self, scope: ExportScope, query: QueryDict) -> PageForm:
        """The page's form on the query string (unbound when it is empty, as on the page)."""
        return self.form_class(query or None)

    def accepts(self, form: PageForm) -> bool:
        """Whether the query can be exported; if not, back to the page, which says what is wrong."""
        return not form.is_bound or form.is_valid()

    def page_args(self, scope: ExportScope) -> list[int | str]:
        return [scope.club.pk] if scope.club is not None else []

    @abc.abstractmethod
    def build(self, scope: ExportScope, form: PageForm) -> Report | None:
        """The report or the rows to write, from the app's selectors; None when there is nothing to
        export (back to the page, which says why)."""

    @abc.abstractmethod
    def filename(self, scope: ExportScope, report: Report) -> str:
        """The name of the file without its extension (the format's)."""

    @abc.abstractmethod
    def sheets(self, scope: ExportScope, report: Report) -> Sequence[Sheet]:
        """The sheets of the .xlsx workbook; the CSV file is the one sheet of an export offering CSV."""

    def write(self, scope: ExportScope, report: Report, export_format: ExportFormat) -> ExportFile:
        filename = f"{self.filename(scope, report)}.{export_format}"
        sheets = counted(self.sheets(scope, report))

        def count_rows() -> int:
            return sum(rows.count for _sheet, rows in sheets)

        if export_format == ExportFormat.CSV:
            ((sheet, _rows),) = sheets
            return ExportFile(csv_response(filename, sheet.columns, sheet.rows), filename, count_rows)
        return ExportFile(xlsx_response(filename, [sheet for sheet, _rows in sheets]), filename, count_rows)


class PdfExporter(Exporter[Report, PageForm]):
    """An export that is also a PDF document (the targets report with its official frame)."""

    @abc.abstractmethod
    def pdf(self, scope: ExportScope, report: Report) -> bytes:
        """The PDF document's bytes."""

    def write(self, scope: ExportScope, report: Report, export_format: ExportFormat) -> ExportFile:
        if export_format == ExportFormat.PDF:
            filename = f"{self.filename(scope, report)}.{export_format}"

            def count_rows() -> int:
                # The PDF holds the rows of the sheets.
                return sum(1 for sheet in self.sheets(scope, report) for _row in sheet.rows)

            return ExportFile(
                attachment_response(filename, self.pdf(scope, report), PDF_CONTENT_TYPE), filename, count_rows
            )
        return super().write(scope, report, export_format)
