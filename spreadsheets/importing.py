"""Importing lists from Excel (.xlsx): the mechanism every import shares.

A file goes through these steps; nothing is written before the last one:

1. `read_table(content)` refuses a file that is too large, is not a real .xlsx workbook, carries
   macros or holds a formula on its first sheet (FileRefused, with messages for people);
2. `match_headers(spec, table)` finds the header row (a title may sit above it) and each column
   by its Vietnamese or English header, ignoring case and accents; a missing required column
   refuses the file, an unknown one is reported and ignored;
3. `parse_rows(spec, table, layout)` parses every row that is not empty with the columns' parsers
   (`check_file` runs steps 1–3: the upload form uses it before keeping a file);
4. `preview(spec, content, actor=…)` then lets the import check the rows against the database in
   a few bulk queries: each row becomes new, update or unchanged, or gets its errors (RowError:
   the row number as Excel shows it, the column, what is wrong);
5. `spreadsheets.services` runs the preview again inside one transaction and, only if no row has
   an error, saves the rows through the app's own services and audits the import.

How to add an import (the member import, for example):

- Describe the columns: `Column(key, header_vi, header_en, parser, required=…, help=…)` with the
  parsers below — Text, Lines, Date, Integer, Amount, DecimalNumber, Codes. A Codes column (sex,
  economic status) and an Integer column with `drop_down=True` get a drop-down list in the
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
      A ValidationError it raises becomes row errors and the whole import is rolled back.
- Register it in spreadsheets.registry.IMPORTS, add `*import_urls(spec)` to spreadsheets/urls.py
  and the access entries to tests/url_access/spreadsheets.py, and add a management command:
  `class Command(ImportCommand): kind = "members"` (see spreadsheets/management/commands/).
"""

import abc
import dataclasses
import datetime
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from core.money import ERROR_FRACTION, parse_vnd
from core.text import fold

MAX_FILE_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: a few megabytes can unpack to gigabytes ("zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# The preview lists every row on one page and the save runs in one web request.
MAX_ROWS = 10_000
PROGRESS_EVERY = 500
ZIP_SIGNATURE = b"PK\x03\x04"
# 24/11/2022 (also with - or .), or 2022-11-24; four-digit years only, so "24/11/22" is refused.
DAY_FIRST = re.compile(r"(?P<day>[0-9]{1,2})[/.-](?P<month>[0-9]{1,2})[/.-](?P<year>[0-9]{4})")
ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")

ERROR_TOO_LARGE = gettext_lazy("The file is larger than %(limit)s MB: split the list into smaller files.")
ERROR_UNPACKED_TOO_LARGE = gettext_lazy("The file holds too much data: split the list into smaller files.")
ERROR_NOT_XLSX = gettext_lazy(
    "This is not an Excel .xlsx file. Open it in Excel, save it as “Excel Workbook (.xlsx)” and upload it again."
)
ERROR_MACROS = gettext_lazy(
    "The file contains macros. Save it as “Excel Workbook (.xlsx)”, without macros, and upload it again."
)
ERROR_FORMULAS = gettext_lazy(
    "The file contains formulas (cells %(cells)s). Replace them with their values (Copy, then Paste Values) "
    "and upload it again."
)
ERROR_NO_ROWS = gettext_lazy("The file has no rows to import under the header row.")
ERROR_TOO_MANY_ROWS = gettext_lazy("The file has more than %(limit)s rows: split it into smaller files.")
ERROR_MISSING_COLUMNS = gettext_lazy("Missing column(s): %(columns)s.")
ERROR_COLUMN_TWICE = gettext_lazy("The column %(header)s appears twice (columns %(first)s and %(second)s).")
ERROR_REQUIRED = gettext_lazy("This cell cannot be empty.")
ERROR_TOO_LONG = gettext_lazy("At most %(limit)s characters (this one has %(length)s).")
ERROR_DATE_NOT_TEXT = gettext_lazy("Enter text here, not a date.")
ERROR_DATE = gettext_lazy("Enter a date as dd/mm/yyyy, for example 24/11/2022.")
ERROR_WHOLE_NUMBER = gettext_lazy("Enter a whole number.")
ERROR_NUMBER_RANGE = gettext_lazy("Enter a whole number from %(min)s to %(max)s.")
ERROR_DECIMAL = gettext_lazy("Enter a number, for example 0,5.")
ERROR_DECIMAL_PLACES = gettext_lazy("At most %(places)s digits after the decimal comma.")
ERROR_DECIMAL_RANGE = gettext_lazy("Enter a number from %(min)s to %(max)s.")
ERROR_UNKNOWN_CODE = gettext_lazy("Unknown value “%(value)s”: use one of %(choices)s.")
ROW_ERROR = gettext_lazy("Row %(row)s, column %(column)s: %(message)s")
ROW_ERROR_WITHOUT_COLUMN = gettext_lazy("Row %(row)s: %(message)s")

# How far down a title may push the header row.
HEADER_SEARCH_ROWS = 10
# How many formula cells a refusal names: enough to find them, short enough to read.
FORMULA_CELLS_SHOWN = 10

Progress = Callable[[str, int, int | None], None]
"""Called every PROGRESS_EVERY rows with a stage ("read" or "save"), the rows done and the total if known."""


class ImportRefused(Exception):
    """The file cannot be imported; `messages` says why, in the active language."""

    def __init__(self, messages: Sequence[str]):
        self.messages = [str(message) for message in messages]
        super().__init__("\n".join(self.messages))


class FileRefused(ImportRefused):
    """The file as a whole: size, format, macros, formulas, headers, no rows."""


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

    def __str__(self):
        if self.column:
            return str(ROW_ERROR) % {"row": self.row, "column": self.column, "message": self.message}
        return str(ROW_ERROR_WITHOUT_COLUMN) % {"row": self.row, "message": self.message}


# --- parsers: one non-empty cell → a Python value, or ValidationError -----------------------


class Parser(abc.ABC):
    number_format = "General"  # how the template formats the column

    def empty(self) -> Any:
        """The value of an empty cell."""
        return None

    @abc.abstractmethod
    def parse(self, value: Any) -> Any:
        """The cell's value as the import wants it; raise ValidationError with a plain message."""

    def choices(self) -> list:
        """Values offered in the template's drop-down list; none by default."""
        return []

    def describe(self) -> str:
        """What to type, for the instructions sheet."""
        return ""


@dataclasses.dataclass(frozen=True)
class Text(Parser):
    max_length: int
    # Codes (21010, QNG-0001) are text: a number would lose its leading zeros.
    code: bool = False

    @property
    def number_format(self):
        return "@" if self.code else "General"

    def empty(self):
        return ""

    def parse(self, value):
        if isinstance(value, datetime.date):
            raise ValidationError(ERROR_DATE_NOT_TEXT)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if len(text) > self.max_length:
            raise ValidationError(ERROR_TOO_LONG, params={"limit": self.max_length, "length": len(text)})
        return text

    def describe(self):
        return _("Text, at most %(limit)s characters.") % {"limit": self.max_length}


@dataclasses.dataclass(frozen=True)
class Lines(Parser):
    """Several entries in one cell, separated by ";" or line breaks (Alt+Enter in Excel)."""

    def empty(self):
        return []

    def parse(self, value):
        return [part.strip() for part in re.split(r"[;\n]", str(value)) if part.strip()]

    def describe(self):
        return _("One or more, separated by ; or line breaks.")


@dataclasses.dataclass(frozen=True)
class Date(Parser):
    """A date cell, or text typed dd/mm/yyyy: 03/04/2025 is 3 April, whatever the language."""

    number_format = "dd/mm/yyyy"

    def parse(self, value):
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            day = value
        elif isinstance(value, str):
            day = self._from_text(value.strip())
        else:
            raise ValidationError(ERROR_DATE)
        # A typo such as 0202 for 2022 would otherwise pass as a real date.
        if day.year < 1900:
            raise ValidationError(ERROR_DATE)
        return day

    def _from_text(self, text):
        match = DAY_FIRST.fullmatch(text) or ISO_DATE.fullmatch(text)
        if match is None:
            raise ValidationError(ERROR_DATE)
        try:
            return datetime.date(int(match["year"]), int(match["month"]), int(match["day"]))
        except ValueError:  # 31/02/2024
            raise ValidationError(ERROR_DATE) from None

    def describe(self):
        return _("A date, dd/mm/yyyy (24/11/2022).")


@dataclasses.dataclass(frozen=True)
class Integer(Parser):
    min_value: int
    max_value: int
    # A short range (days of the month) is easier picked from a list than typed.
    drop_down: bool = False

    def parse(self, value):
        if isinstance(value, bool):
            raise ValidationError(ERROR_WHOLE_NUMBER)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
            value = int(value.strip())
        if not isinstance(value, int):
            raise ValidationError(ERROR_WHOLE_NUMBER)
        if not self.min_value <= value <= self.max_value:
            raise ValidationError(ERROR_NUMBER_RANGE, params={"min": self.min_value, "max": self.max_value})
        return value

    def choices(self):
        return list(range(self.min_value, self.max_value + 1)) if self.drop_down else []

    def describe(self):
        return _("A whole number from %(min)s to %(max)s.") % {"min": self.min_value, "max": self.max_value}


@dataclasses.dataclass(frozen=True)
class Amount(Parser):
    """Whole đồng: a number cell, or text typed 12.500.000, 12,500,000 or 12500000 (core.money.parse_vnd).

    Whether 0 or a large amount is allowed is the import's rule (funds.services.check_amount).
    """

    number_format = "#,##0"

    def parse(self, value):
        if isinstance(value, (bool, datetime.date)):
            raise ValidationError(ERROR_WHOLE_NUMBER)
        if isinstance(value, float):
            if not value.is_integer():
                raise ValidationError(ERROR_FRACTION)
            value = int(value)
        # A number cell is read as its digits: parse_vnd refuses a negative one with its message.
        return parse_vnd(str(value))

    def describe(self):
        return _("A whole number of đồng, e.g. 12.500.000.")


@dataclasses.dataclass(frozen=True)
class DecimalNumber(Parser):
    """A number with a few decimals (a rate per month: 0,5): a number cell, or text with a decimal
    comma or point; a trailing % is allowed. Read through its text, so 0.7 stays exactly 0.7."""

    min_value: Decimal
    max_value: Decimal
    places: int

    def parse(self, value):
        if isinstance(value, (bool, datetime.date)):
            raise ValidationError(ERROR_DECIMAL)
        text = str(value).strip().removesuffix("%").strip().replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(ERROR_DECIMAL) from None
        if not number.is_finite():
            raise ValidationError(ERROR_DECIMAL)
        if number.normalize().as_tuple().exponent < -self.places:
            raise ValidationError(ERROR_DECIMAL_PLACES, params={"places": self.places})
        if not self.min_value <= number <= self.max_value:
            raise ValidationError(ERROR_DECIMAL_RANGE, params={"min": self.min_value, "max": self.max_value})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def describe(self):
        return _("A number from %(min)s to %(max)s, at most %(places)s decimals, e.g. 0,5.") % {
            "min": self.min_value,
            "max": self.max_value,
            "places": self.places,
        }


@dataclasses.dataclass(frozen=True, eq=False)
class Codes(Parser):
    """A coded column: {code: words accepted for it}; the first word fills the template's drop-down.

    The code itself is accepted too, and every word is matched ignoring case and accents
    ("nu" finds "Nữ").
    """

    options: Mapping[str, Sequence[str]]

    def parse(self, value):
        wanted = fold(str(value))
        for code, words in self.options.items():
            if wanted in {fold(code), *(fold(word) for word in words)}:
                return code
        raise ValidationError(
            ERROR_UNKNOWN_CODE, params={"value": str(value).strip(), "choices": ", ".join(self.choices())}
        )

    def choices(self):
        return [words[0] for words in self.options.values()]

    def describe(self):
        return _("One of: %(choices)s.") % {"choices": ", ".join(self.choices())}


# --- the description of one import --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    key: str  # the canonical name, also the field the value is for
    header_vi: str  # the header of the template; not translated, it is part of the file format
    header_en: str
    parser: Parser
    required: bool = False  # the column must be there and no row may leave it empty
    help: str = ""  # for the instructions sheet (gettext_lazy)
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

    def add_error(self, key: str | None, message) -> None:
        """`key`: the column the problem is in, or None for the row as a whole."""
        column = self.headers.get(key, "") if key else ""
        self.errors.append(RowError(self.number, column, str(message)))


class ImportSpec(abc.ABC):
    kind: str  # in URL names, the command name and the audit action: "clubs"
    url_prefix: str  # URL names are spreadsheets:<url_prefix>-import…: "club"
    title: str
    capability: str  # an accounts.access.Cap
    columns: Sequence[Column]
    sheet_title: str
    list_url_name: str  # where the imported rows are listed: breadcrumbs and the page after import
    list_title: str
    instructions: Sequence[str] = ()  # lines for the instructions sheet, after the general ones
    # A service's ValidationError is keyed by model field: the column each field comes from.
    field_columns: Mapping[str, str] = {}

    @abc.abstractmethod
    def check(self, rows: list[Row], *, actor) -> None:
        """Validate every row, in bulk, adding RowErrors; nothing is written."""

    @abc.abstractmethod
    def save_row(self, row: Row, *, actor) -> None:
        """Write one clean row through the app's services (inside the import's transaction)."""

    def offered_clubs(self, user):
        """The clubs an import into clubs names on its upload page, or None for other imports."""
        return None

    def column_for(self, header: str) -> Column | None:
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


# --- reading --------------------------------------------------------------------------------


@dataclasses.dataclass
class Table:
    """The non-empty rows of the first sheet: (row number, {column number: value})."""

    rows: list[tuple[int, dict[int, Any]]]


@dataclasses.dataclass
class Layout:
    header_index: int  # the header row's position in Table.rows: the data rows follow it
    columns: dict[str, int]  # column key → column number in the file
    headers: dict[str, str]  # column key → header as written in the file, else the Vietnamese one
    unknown: list[str]  # headers no column matches: ignored, and shown to the user


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(content: bytes, progress: Progress | None = None) -> Table:
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused([ERROR_TOO_LARGE % {"limit": MAX_FILE_BYTES // (1024 * 1024)}])
    # Check the bytes, not the name: a renamed .xls or .csv starts differently.
    if not content.startswith(ZIP_SIGNATURE):
        raise FileRefused([ERROR_NOT_XLSX])
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        raise FileRefused([ERROR_NOT_XLSX]) from None
    if any(member.filename.lower().endswith("vbaproject.bin") for member in members):
        raise FileRefused([ERROR_MACROS])
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise FileRefused([ERROR_UNPACKED_TOO_LARGE])
    # openpyxl warns about parts it drops (extensions, odd styles): only the values matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        except Exception:  # a zip that is no workbook fails in many ways (KeyError, ValueError, …)
            raise FileRefused([ERROR_NOT_XLSX]) from None
        try:
            return _read_first_sheet(workbook.worksheets[0], progress)
        except ImportRefused:
            raise
        except Exception:  # malformed sheet XML is only found while reading the rows
            raise FileRefused([ERROR_NOT_XLSX]) from None
        finally:
            workbook.close()


def _read_first_sheet(sheet, progress: Progress | None) -> Table:
    # The dimension some programs write is wrong; read the rows that are really there.
    sheet.reset_dimensions()
    rows: list[tuple[int, dict[int, Any]]] = []
    formulas: list[str] = []
    for cells in sheet.iter_rows():
        values = {}
        number = None
        for cell in cells:
            if is_blank(cell.value):
                continue
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
                continue
            values[cell.column] = cell.value
            number = cell.row
        if not values:
            continue
        rows.append((number, values))
        if len(rows) > MAX_ROWS + 1:  # the data rows and their header row
            raise FileRefused([ERROR_TOO_MANY_ROWS % {"limit": MAX_ROWS}])
        if progress and len(rows) % PROGRESS_EVERY == 0:
            progress("read", len(rows), None)
    if formulas:
        shown = ", ".join(formulas[:FORMULA_CELLS_SHOWN]) + ("…" if len(formulas) > FORMULA_CELLS_SHOWN else "")
        raise FileRefused([ERROR_FORMULAS % {"cells": shown}])
    if not rows:
        raise FileRefused([ERROR_NO_ROWS])
    return Table(rows=rows)


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


def missing_columns_message(columns: Sequence[Column]) -> str:
    """Missing column(s): Mã CLB (club_code), …: both headers, so that either language finds them."""
    return ERROR_MISSING_COLUMNS % {
        "columns": ", ".join(f"{column.header_vi} ({column.header_en})" for column in columns)
    }


def parse_rows(spec: ImportSpec, table: Table, layout: Layout) -> list[Row]:
    by_key = {column.key: column for column in spec.columns}
    rows = []
    for number, cells in table.rows[layout.header_index + 1 :]:
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


def check_file(spec: ImportSpec, content: bytes, progress: Progress | None = None) -> tuple[list[Row], Layout]:
    """Everything that needs no database: refuses the file, or returns its parsed rows."""
    table = read_table(content, progress)
    layout = match_headers(spec, table)
    return parse_rows(spec, table, layout), layout


def preview(spec: ImportSpec, content: bytes, *, actor, progress: Progress | None = None) -> Preview:
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


# --- the template to download -----------------------------------------------------------------

# Rows of the template that get the drop-down lists: the whole importable range.
TEMPLATE_ROWS = MAX_ROWS


def template_xlsx(spec: ImportSpec) -> bytes:
    """An empty list with the Vietnamese headers, an instructions sheet and drop-down lists.

    A normal (not write-only) workbook: data validation needs one. The instructions are written
    in the active language.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(spec.sheet_title)[:31]
    instructions = workbook.create_sheet(_("Instructions")[:31])
    lists = None
    bold = Font(bold=True)
    for number, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(number)
        sheet.cell(row=1, column=number, value=column.header_vi).font = bold
        sheet.column_dimensions[letter].width = column.width
        sheet.column_dimensions[letter].number_format = column.parser.number_format
        choices = column.parser.choices()
        if not choices:
            continue
        # Lists live on a hidden sheet: a list typed into the rule is capped at 255 characters
        # and breaks on commas inside the values.
        if lists is None:
            lists = workbook.create_sheet(_("Lists")[:31])
            lists.sheet_state = "hidden"
        list_column = get_column_letter(number)
        for index, choice in enumerate(choices, start=1):
            lists.cell(row=index, column=number, value=choice)
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists.title)}!${list_column}$1:${list_column}${len(choices)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Value not in the list"),
            error=_("Choose a value from the list."),
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    _write_instructions(instructions, spec, bold)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_instructions(sheet, spec: ImportSpec, bold: Font) -> None:
    general = [
        _(
            "Enter the list on the first sheet (“%(sheet)s”), one row each, under the header row. "
            "Vietnamese or English headers are both accepted, in any order; other columns are ignored."
        )
        % {"sheet": spec.sheet_title},
        _("Type values, not formulas: a file with formulas or macros is refused."),
        _("At most %(size)s MB and %(rows)s rows. Empty rows are skipped.")
        % {"size": MAX_FILE_BYTES // (1024 * 1024), "rows": MAX_ROWS},
        _("Nothing is saved unless every row is correct; importing the same file again changes nothing."),
        *[str(line) for line in spec.instructions],
    ]
    sheet.append([str(spec.title)])
    sheet["A1"].font = bold
    for line in general:
        sheet.append([line])
    sheet.append([])
    sheet.append([_("Column"), _("English header"), _("Required"), _("Format"), _("What to enter")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for column in spec.columns:
        sheet.append(
            [
                column.header_vi,
                column.header_en,
                _("yes") if column.required else _("no"),
                column.parser.describe(),
                str(column.help),
            ]
        )
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (28, 18, 10, 36, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=len(general) + 3):
        for cell in row:
            cell.alignment = wrap
