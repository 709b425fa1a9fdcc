"""Reading an uploaded Excel file (.xlsx) into rows of cells, safely: the first step of every import.

`read_table(content)` refuses, with a message for people, a file that is too large, is not a real
.xlsx workbook, carries macros, unpacks to too much data, has too many rows or holds a formula
on its first sheet (FileRefused); otherwise it gives the non-empty rows of the first sheet, each
cell's value as the sheet shows it (a number in a percent cell is the percentage: 1 % is 1).
"""

import dataclasses
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import openpyxl
from django.utils.translation import gettext_lazy

from core.types import Text

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

MAX_FILE_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: a few megabytes can unpack to gigabytes ("zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# The preview lists every row on one page and the save runs in one web request.
MAX_ROWS = 10_000
PROGRESS_EVERY = 500
ZIP_SIGNATURE = b"PK\x03\x04"

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

# The parts of a number format that Excel shows as they are: quoted text, an escaped character.
LITERAL_IN_FORMAT = re.compile(r'"[^"]*"|\\.')

# How many formula cells a refusal names: enough to find them, short enough to read.
FORMULA_CELLS_SHOWN = 10

ProgressCallback = Callable[[str, int, int | None], None]
"""Called every PROGRESS_EVERY rows with a stage ("read" or "save"), the rows done and the total if known."""


class ImportRefused(Exception):
    """The file cannot be imported; `messages` says why, in the active language."""

    def __init__(self, messages: Sequence[Text]):
        self.messages = [str(message) for message in messages]
        super().__init__("\n".join(self.messages))


class FileRefused(ImportRefused):
    """The file as a whole: size, format, macros, formulas, headers, no rows."""


@dataclasses.dataclass
class Table:
    """The non-empty rows of the first sheet: (row number, {column number: value})."""

    rows: list[tuple[int, dict[int, Any]]]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown_value(value: Any, number_format: str | None) -> Any:
    """A cell's value as the sheet shows it. A number in a percent format is stored a hundred times
    smaller than it reads (an interest rate typed 1 % is 0.01): it is read as the percentage, 1,
    through its text so that 0,5 % stays exactly 0.5. Other values are read as they are."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if "%" not in LITERAL_IN_FORMAT.sub("", number_format or ""):
        return value
    percentage = Decimal(repr(value)) * 100
    return int(percentage) if percentage == percentage.to_integral_value() else percentage.normalize()


def read_table(content: bytes, progress: ProgressCallback | None = None) -> Table:
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


def _read_first_sheet(sheet: "ReadOnlyWorksheet", progress: ProgressCallback | None) -> Table:
    # The dimension some programs write is wrong; read the rows that are really there.
    sheet.reset_dimensions()
    rows: list[tuple[int, dict[int, Any]]] = []
    formulas: list[str] = []
    for cells in sheet.rows:
        values: dict[int, Any] = {}
        number = 0  # the row's number, from its first value
        for cell in cells:
            if is_blank(cell.value):
                continue
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
                continue
            # A read-only sheet's cells are ReadOnlyCell, typed by types-openpyxl as a worksheet's
            # Cell or MergedCell, whose row and column may be None.
            values[cell.column] = shown_value(cell.value, cell.number_format)  # type: ignore[index]
            number = cell.row  # type: ignore[assignment]
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
