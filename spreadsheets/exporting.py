"""Exporting a page's figures or list as a file: the mechanism every export shares.

An export is an `Exporter`: who may download it, which page it is the file of, how it reads that
page's query string, what it builds and how it writes each format it offers. Every export is
registered in spreadsheets.registry.EXPORTS (where "How to add an export" is) and served by the
one view web/exports.py, which does the same for each:

1. the access check through accounts.access (`export_scope`): the club of the URL for a per-club
   export (`get_club`), else `require_cap` and the user's clubs and units (`clubs_for`,
   `units_for`), handed over as an ExportScope;
2. `form(scope, query)`, the page's form on the query string; when `accepts(form)` is false (a
   wrong date), back to the page with the same query, where the form says what is wrong;
3. `rows_estimate(scope, form)`: when the file would hold more rows than
   settings.EXPORT_IN_REQUEST_MAX_ROWS (`too_large_for_request`), the export is queued as a
   background job (spreadsheets.services.export_job_queue), which does steps 1, 4, 5 and 6 in the
   worker and writes the file to disk (`write_file`); the user follows it on its progress page;
4. `build(scope, form)`: the report or the rows, from the app's selectors (None: nothing to
   export, back to the page too);
5. `write(scope, report, format)`: the file named `filename(scope, report)` plus the format,
   written by core.spreadsheets from `sheets(scope, report)` (.xlsx; CSV holds the one sheet) or
   from the bytes of `pdf(scope, report)`, inside translation.override of the user's language;
6. for an export of `personal_data`, one audit entry (spreadsheets/personal_data.py): who, which
   export in which format, the filters of the query and how many rows the file holds.
"""

import abc
import dataclasses
import datetime
import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from django import forms
from django.conf import settings
from django.http import HttpResponse, QueryDict
from django.utils import timezone

from accounts import access
from accounts.access import Cap
from accounts.models import User
from areas.models import AdminScheme, AdminUnit, AdminUnitQuerySet
from areas.selectors import scope_units
from clubs.models import Club, ClubQuerySet
from core.spreadsheets import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Sheet,
    attachment_response,
    csv_response,
    csv_write,
    xlsx_response,
    xlsx_write,
)
from spreadsheets.workbook import PROGRESS_EVERY

PDF_CONTENT_TYPE = "application/pdf"


class ExportFormat(enum.StrEnum):
    """The file formats, as the URL names them (/exports/scorecard.xlsx)."""

    XLSX = "xlsx"
    CSV = "csv"  # one sheet only: a CSV file holds one table
    PDF = "pdf"

    @property
    def content_type(self) -> str:
        return {"xlsx": XLSX_CONTENT_TYPE, "csv": CSV_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}[self.value]


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


class RowTally:
    """The rows of an export's sheets, counted as the file is written: the audit entry of a
    personal-data export says how many rows left without a second query to count them, and an export
    job reports every PROGRESS_EVERY rows how far it is (`progress`, given the rows written so far)."""

    def __init__(self, progress: Callable[[int], None] | None = None):
        self.count = 0
        self.progress = progress

    def sheets(self, sheets: Sequence[Sheet]) -> list[Sheet]:
        """The sheets, each with its rows counted as they are written (once)."""
        return [dataclasses.replace(sheet, rows=self._rows(sheet.rows)) for sheet in sheets]

    def _rows(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        for row in rows:
            self.count += 1
            if self.progress is not None and self.count % PROGRESS_EVERY == 0:
                self.progress(self.count)
            yield row


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

    def rows_estimate(self, scope: ExportScope, form: PageForm) -> int | None:
        """About how many rows the file will hold, from one cheap count through the app's selectors;
        an export with more than settings.EXPORT_IN_REQUEST_MAX_ROWS is written by a background job
        (`too_large_for_request`). None: figures per club or unit, as few as the page shows."""
        return None

    def file_name(self, scope: ExportScope, report: Report, export_format: ExportFormat) -> str:
        return f"{self.filename(scope, report)}.{export_format}"

    def write(self, scope: ExportScope, report: Report, export_format: ExportFormat) -> ExportFile:
        filename = self.file_name(scope, report, export_format)
        tally = RowTally()
        sheets = tally.sheets(self.sheets(scope, report))
        if export_format == ExportFormat.CSV:
            (sheet,) = sheets
            return ExportFile(csv_response(filename, sheet.columns, sheet.rows), filename, lambda: tally.count)
        return ExportFile(xlsx_response(filename, sheets), filename, lambda: tally.count)

    def write_file(
        self,
        scope: ExportScope,
        report: Report,
        export_format: ExportFormat,
        path: Path,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Write the file to `path` (an export job's), row by row, never whole in memory; the rows it
        holds. `progress` is told the rows written every PROGRESS_EVERY."""
        tally = RowTally(progress)
        sheets = tally.sheets(self.sheets(scope, report))
        if export_format == ExportFormat.CSV:
            (sheet,) = sheets
            with path.open("w", encoding="utf-8", newline="") as stream:
                csv_write(stream, sheet.columns, sheet.rows)
        else:
            xlsx_write(sheets, path)
        return tally.count


class PdfExporter(Exporter[Report, PageForm]):
    """An export that is also a PDF document (the targets report with its official frame)."""

    @abc.abstractmethod
    def pdf(self, scope: ExportScope, report: Report) -> bytes:
        """The PDF document's bytes."""

    def write(self, scope: ExportScope, report: Report, export_format: ExportFormat) -> ExportFile:
        if export_format == ExportFormat.PDF:
            filename = self.file_name(scope, report, export_format)
            return ExportFile(
                attachment_response(filename, self.pdf(scope, report), PDF_CONTENT_TYPE),
                filename,
                lambda: self._pdf_rows(scope, report),
            )
        return super().write(scope, report, export_format)

    def write_file(
        self,
        scope: ExportScope,
        report: Report,
        export_format: ExportFormat,
        path: Path,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        if export_format == ExportFormat.PDF:
            path.write_bytes(self.pdf(scope, report))
            return self._pdf_rows(scope, report)
        return super().write_file(scope, report, export_format, path, progress)

    def _pdf_rows(self, scope: ExportScope, report: Report) -> int:
        # The PDF holds the rows of the sheets.
        return sum(1 for sheet in self.sheets(scope, report) for _row in sheet.rows)


def too_large_for_request(estimate: int | None) -> bool:
    """Whether an export of about `estimate` rows (Exporter.rows_estimate) is written by a background
    job rather than in the web request: the one rule, with settings.EXPORT_IN_REQUEST_MAX_ROWS."""
    return estimate is not None and estimate > settings.EXPORT_IN_REQUEST_MAX_ROWS


def export_scope(user: User, exporter: Exporter[Any, Any], club_pk: int | str | None) -> ExportScope:
    """What `user` may count in `exporter`, as accounts.access decides it now: the club `club_pk` of
    a per-club export (Http404 out of the user's scope), else the user's clubs and units where they
    hold the capability (PermissionDenied without it). The export view asks it for each download,
    an export job again when it runs: a role ended meanwhile is honoured."""
    if exporter.per_club:
        assert club_pk is not None, "a per-club export without its club"
        return ExportScope(user=user, club=access.get_club(user, club_pk, exporter.capability))
    access.require_cap(user, exporter.capability)
    capability = exporter.clubs_capability or exporter.capability
    return ExportScope(user=user, clubs=access.clubs_for(user, capability), units=access.units_for(user, capability))
