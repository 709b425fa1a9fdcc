"""Importing lists from Excel (.xlsx): the mechanism every import shares.

A file goes through these steps; nothing is written before the last one:

1. `read_table(content)` refuses a file that is too large, is not a real .xlsx workbook, carries
   macros, would take too long or too much memory to read (spreadsheets/workbook.py counts its
   texts, rows and cells while streaming, before reading it) or holds a formula on its first sheet
   (FileRefused, with messages for people);
2. `match_headers(spec, table)` finds the header row (a title may sit above it) and each column
   by its Vietnamese or English header, ignoring case and accents; a missing required column
   refuses the file, an unknown one is reported and ignored;
3. `parse_rows(spec, table, layout)` parses every row that is not empty with the columns' parsers,
   skipping example rows (their first cell starts with “VD:”, as the template's grey row does;
   `check_file` runs steps 1–3: the upload form uses it before keeping a file);
4. `preview(spec, content, actor=…)` then lets the import check the rows against the database in
   a few bulk queries: each row becomes new, update or unchanged, or gets its errors (RowError:
   the row number as Excel shows it, the column, what is wrong);
5. `spreadsheets.services` runs the preview again inside one transaction and, only if no row has
   an error, saves the rows through the app's own services and audits the import.

How to add an import (the member import, for example):

- Describe the columns: `ImportColumn(key, header_vi, header_en, parser, required=…, help=…)` with
  the parsers of spreadsheets/parsers.py — Text, Lines, Date, Integer, Amount, DecimalNumber,
  Codes. A Codes column (sex, economic status) and an Integer column with `drop_down=True` get a drop-down list in the
  downloadable template. Rows of several kinds (the cut-off sheet's balances and loans) share one
  sheet with a Codes column saying the kind: `field_columns_for(row)` then maps each kind's fields.
- Subclass ImportSpec (spreadsheets/club_import.py is the example): set `kind`, `url_prefix`,
  `title`, `capability` (who may use it on the web, checked through accounts.access), `columns`,
  `sheet_title`, `list_url_name`, `list_title`, `field_columns` where a service's field names
  differ from the column keys, and write two methods:
    - `check(rows, actor=…)`: look up in bulk what the rows refer to (the query count must not
      grow with the rows), then for each row set `row.status` (and `row.target` / `row.changes`)
      or call `row.add_error(key, message)`. `row.values` holds the parsed cells of the columns
      present in the file; `row.invalid` the keys whose cell did not parse. `actor` is None for
      a system import from the command line; otherwise scope every lookup with accounts.access.
    - `save_row(row, actor=…)`: write one checked row through the app's service (member_create…).
      A ValidationError it raises becomes row errors and the whole import is rolled back. Rows
      written together by one service call override `save(rows, actor=…)` instead (the cut-off
      sheet: a club's rows through loans.services.club_go_live).
- Register it in spreadsheets.registry.IMPORTS, add `*import_routes(spec)` to web/urls.py
  and the access entries to tests/url_access/spreadsheets.py, and add a management command:
  `class Command(ImportCommand): kind = "members"` (see spreadsheets/management/commands/).
"""

import abc
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from accounts.access import AnyUser
from clubs.models import Club
from core.text import fold
from core.types import Actor, Text
from spreadsheets.parsers import Parser
from spreadsheets.workbook import (
    ERROR_NO_ROWS,
    PROGRESS_EVERY,
    FileRefused,
    ImportRefused,
    ProgressCallback,
    Table,
    is_blank,
    read_table,
)

ERROR_MISSING_COLUMNS = gettext_lazy("Missing column(s): %(columns)s.")
ERROR_COLUMN_TWICE = gettext_lazy("The column %(header)s appears twice (columns %(first)s and %(second)s).")
ERROR_REQUIRED = gettext_lazy("This cell cannot be empty.")
ROW_ERROR = gettext_lazy("Row %(row)s, column %(column)s: %(message)s")
ROW_ERROR_WITHOUT_COLUMN = gettext_lazy("Row %(row)s: %(message)s")

# How far down a title may push the header row.
HEADER_SEARCH_ROWS = 10
# A row whose first cell starts so is an example (the template's grey row): it is never imported.
EXAMPLE_MARK = "VD:"
EXAMPLE_MARKS = tuple(fold(mark) for mark in (EXAMPLE_MARK, "Ví dụ:"))


class RowsRefused(ImportRefused):
    """Some rows have errors, so none is saved."""

    def __init__(self, errors: Sequence["RowError"]):
        self.errors = list(errors)
        super().__init__([str(error) for error in self.errors])


@dataclasses.dataclass(frozen=True)
class RowError:
    row: int  # as Excel shows it
    column: str  # the header as written in the file; empty when the problem is the whole row
    message: str

    def __str__(self) -> str:
        if self.column:
            return str(ROW_ERROR) % {"row": self.row, "column": self.column, "message": self.message}
        return str(ROW_ERROR_WITHOUT_COLUMN) % {"row": self.row, "message": self.message}


# --- the description of one import --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ImportColumn:
    key: str  # the canonical name, also the field the value is for
    header_vi: str  # the header of the template; not translated, it is part of the file format
    header_en: str
    parser: Parser
    required: bool = False  # the column must be there and no row may leave it empty
    help: Text = ""  # for the instructions sheet (gettext_lazy)
    width: int = 20


def header_key(text: str) -> str:
    """The key headers are compared on: "Ngày Quyết Định" matches "ngay quyet dinh", "Decision date" "decision_date"."""
    return fold(str(text).replace("_", " "))


class RowStatus(models.TextChoices):
    NEW = "new", gettext_lazy("new")
    UPDATE = "update", gettext_lazy("update")
    UNCHANGED = "unchanged", gettext_lazy("unchanged")


@dataclasses.dataclass
class Row:
    number: int  # as Excel shows it
    values: dict[str, Any]  # column key → parsed value, for the columns present in the file
    headers: Mapping[str, str]  # column key → header as written in the file (shared by all rows)
    invalid: set[str] = dataclasses.field(default_factory=set)  # keys whose cell did not parse
    errors: list[RowError] = dataclasses.field(default_factory=list)
    status: RowStatus | None = None
    target: Any = None  # the existing object the row updates or matches
    changes: dict[str, Any] = dataclasses.field(default_factory=dict)  # what the save will write
    label: str = ""  # how the preview names the row, e.g. the club and its commune
    changed_columns: list[str] = dataclasses.field(default_factory=list)

    def add_error(self, key: str | None, message: Text) -> None:
        """`key`: the column the problem is in, or None for the row as a whole."""
        column = self.headers.get(key, "") if key else ""
        self.errors.append(RowError(self.number, column, str(message)))


class ImportSpec(abc.ABC):
    kind: str  # in URL names, the command name and the audit action: "clubs"
    url_prefix: str  # URL names are spreadsheets:<url_prefix>-import…: "club"
    title: Text
    capability: str  # an accounts.access.Cap
    columns: Sequence[ImportColumn]
    sheet_title: Text
    list_url_name: str  # where the imported rows are listed: breadcrumbs and the page after import
    list_title: Text
    instructions: Sequence[Text] = ()  # lines for the instructions sheet, after the general ones
    # Rows of the template's example ({column key: value}), marked “VD:” and never imported.
    examples: Sequence[Mapping[str, Any]] = ()
    # A service's ValidationError is keyed by model field: the column each field comes from.
    field_columns: Mapping[str, str] = {}

    @abc.abstractmethod
    def check(self, rows: list[Row], *, actor: Actor) -> None:
        """Validate every row, in bulk, adding RowErrors; nothing is written."""

    @abc.abstractmethod
    def save(self, rows: list[Row], *, actor: Actor, progress: ProgressCallback | None = None) -> list[Row]:
        """Write the checked rows through the app's services (inside the import's transaction).
        Returns the rows a service refused, its refusal on them."""

    def offered_clubs(self, user: AnyUser) -> QuerySet[Club] | None:
        """The clubs an import into clubs names on its upload page, or None for other imports."""
        return None

    def column_for(self, header: str) -> ImportColumn | None:
        key = header_key(header)
        for column in self.columns:
            if key in {header_key(column.header_vi), header_key(column.header_en)}:
                return column
        return None

    def field_columns_for(self, row: Row) -> Mapping[str, str]:
        """The column each service field comes from, for this row (rows of several kinds differ)."""
        return self.field_columns

    def add_service_errors(self, row: Row, exc: ValidationError) -> None:
        """Turn a service's ValidationError into row errors, each under the column it is about."""
        if not hasattr(exc, "error_dict"):
            for message in exc.messages:
                row.add_error(None, message)
            return
        field_columns = self.field_columns_for(row)
        for field, messages in exc.message_dict.items():
            key = None if field == NON_FIELD_ERRORS else field_columns.get(field, field)
            for message in messages:
                row.add_error(key, message)


class RowByRowImport(ImportSpec):
    """An import whose rows are saved one by one, each through one service call (clubs, members)."""

    @abc.abstractmethod
    def save_row(self, row: Row, *, actor: Actor) -> None:
        """Write one clean row through the app's services (inside the import's transaction)."""

    def save(self, rows: list[Row], *, actor: Actor, progress: ProgressCallback | None = None) -> list[Row]:
        """Each new or changed row through save_row; a row a service refuses gets its refusal."""
        to_save = [row for row in rows if row.status != RowStatus.UNCHANGED]
        failed = []
        for done, row in enumerate(to_save, start=1):
            try:
                self.save_row(row, actor=actor)
            except ValidationError as exc:
                # The service's own checks found what the preview did not: report it with the others.
                self.add_service_errors(row, exc)
                failed.append(row)
            if progress and done % PROGRESS_EVERY == 0:
                progress("save", done, len(to_save))
        return failed


# --- reading the rows ----------------------------------------------------------------------


@dataclasses.dataclass
class Layout:
    header_index: int  # the header row's position in Table.rows: the data rows follow it
    columns: dict[str, int]  # column key → column number in the file
    headers: dict[str, str]  # column key → header as written in the file, else the Vietnamese one
    unknown: list[str]  # headers no column matches: ignored, and shown to the user


def match_headers(spec: ImportSpec, table: Table) -> Layout:
    # Lists kept in Excel often have a title above the headers ("DANH SÁCH CÂU LẠC BỘ…"): the
    # header row is the first of the top rows that names a known column, else the first row.
    header_index = next(
        (
            index
            for index, (_number, values) in enumerate(table.rows[:HEADER_SEARCH_ROWS])
            if any(spec.column_for(str(value)) for value in values.values())
        ),
        0,
    )
    columns: dict[str, int] = {}
    headers = {column.key: column.header_vi for column in spec.columns}
    unknown: list[str] = []
    problems: list[str] = []
    for number, value in sorted(table.rows[header_index][1].items()):
        header = str(value).strip()
        column = spec.column_for(header)
        if column is None:
            unknown.append(header)
        elif column.key in columns:
            problems.append(
                ERROR_COLUMN_TWICE
                % {
                    "header": header,
                    "first": get_column_letter(columns[column.key]),
                    "second": get_column_letter(number),
                }
            )
        else:
            columns[column.key] = number
            headers[column.key] = header
    missing = [column for column in spec.columns if column.required and column.key not in columns]
    if missing:
        problems.append(missing_columns_message(missing))
    if problems:
        raise FileRefused(problems)
    return Layout(header_index=header_index, columns=columns, headers=headers, unknown=unknown)


def missing_columns_message(columns: Sequence[ImportColumn]) -> str:
    """Missing column(s): Mã CLB (club_code), …: both headers, so that either language finds them."""
    return ERROR_MISSING_COLUMNS % {
        "columns": ", ".join(f"{column.header_vi} ({column.header_en})" for column in columns)
    }


def parse_rows(spec: ImportSpec, table: Table, layout: Layout) -> list[Row]:
    by_key = {column.key: column for column in spec.columns}
    rows = []
    for number, cells in table.rows[layout.header_index + 1 :]:
        if is_example(cells):
            continue
        # A row is judged on the known columns only: a filled-down "STT" column makes no row.
        if all(is_blank(cells.get(index)) for index in layout.columns.values()):
            continue
        row = Row(number=number, values={}, headers=layout.headers)
        for key, index in layout.columns.items():
            column = by_key[key]
            raw = cells.get(index)
            if is_blank(raw):
                if column.required:
                    row.invalid.add(key)
                    row.add_error(key, ERROR_REQUIRED)
                else:
                    row.values[key] = column.parser.empty()
                continue
            try:
                row.values[key] = column.parser.parse(raw)
            except ValidationError as exc:
                row.invalid.add(key)
                for message in exc.messages:
                    row.add_error(key, message)
        rows.append(row)
    if not rows:
        raise FileRefused([ERROR_NO_ROWS])
    return rows


def is_example(cells: Mapping[int, Any]) -> bool:
    """Whether a row is an example: its first cell is a text starting with “VD:” (or “Ví dụ:”)."""
    first = cells[min(cells)]
    return isinstance(first, str) and fold(first).startswith(EXAMPLE_MARKS)


@dataclasses.dataclass
class Preview:
    rows: list[Row]
    unknown_headers: list[str]

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]

    @property
    def is_clean(self) -> bool:
        return not any(row.errors for row in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(RowStatus.values, 0)
        for row in self.rows:
            if row.status:
                counts[row.status] += 1
        return counts

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return bool(counts[RowStatus.NEW] or counts[RowStatus.UPDATE])

    def as_json(self) -> dict[str, Any]:
        """What the preview page shows, kept on the upload (SpreadsheetImport.preview): the page
        reads it instead of the file. Messages are kept as the uploader read them."""
        return {
            "counts": self.counts,
            "unknown_headers": self.unknown_headers,
            "is_clean": self.is_clean,
            "has_changes": self.has_changes,
            "errors": [str(error) for error in self.errors],
            "rows": [
                {
                    "number": row.number,
                    "status": row.status.value if row.status else "",
                    "label": row.label,
                    "changed_columns": row.changed_columns,
                    "errors": [{"column": error.column, "message": error.message} for error in row.errors],
                }
                for row in self.rows
            ],
        }


def check_file(spec: ImportSpec, content: bytes, progress: ProgressCallback | None = None) -> tuple[list[Row], Layout]:
    """Everything that needs no database: refuses the file, or returns its parsed rows."""
    table = read_table(content, progress)
    layout = match_headers(spec, table)
    return parse_rows(spec, table, layout), layout


def preview(spec: ImportSpec, content: bytes, *, actor: Actor, progress: ProgressCallback | None = None) -> Preview:
    """What importing the file would do, row by row; writes nothing. `actor` None: a system import."""
    rows, layout = check_file(spec, content, progress)
    spec.check(rows, actor=actor)
    for row in rows:
        if row.errors:
            row.status = None
        elif row.status == RowStatus.UPDATE:
            row.changed_columns = [
                layout.headers.get(spec.field_columns.get(field, field), field) for field in row.changes
            ]
    return Preview(rows=rows, unknown_headers=layout.unknown)
