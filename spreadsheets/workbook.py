"""Reading an uploaded Excel file (.xlsx) into rows of cells, safely: the first step of every import.

`read_table(content)` refuses, with a message for people, a file that is too large, is not a real
.xlsx workbook (a document type in any part counts as not one), carries macros, unpacks to too
much data, would take too long or too much memory to read, has too many rows or holds a formula
on its first sheet (FileRefused); otherwise it gives the non-empty rows of the first sheet, each
cell's value as the sheet shows it (a number in a percent cell is the percentage: 1 % is 1).

Before openpyxl reads the file, the parts it would read whole are checked by size, and the shared
strings and the first sheet are streamed through expat, stopping at the first limit passed:
different texts, characters of text, rows and cells (MAX_SHARED_STRINGS, MAX_TEXT_CHARACTERS,
MAX_SHEET_ROWS, MAX_CELLS). A few hundred kilobytes of zipped XML can otherwise hold millions of
texts or rows that openpyxl reads for a minute in hundreds of megabytes.
"""

import dataclasses
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from xml.parsers import expat

from django.utils.translation import gettext_lazy

# openpyxl's own way to find the workbook part, so that the part checked is the part it reads;
# types-openpyxl leaves the private helper out.
from openpyxl.reader.excel import ExcelReader, _find_workbook_part  # type: ignore[attr-defined]
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
)

from core.types import Text

if TYPE_CHECKING:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

MAX_FILE_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: a few megabytes can unpack to gigabytes ("zip bomb").
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# The preview lists every row on one page and the save runs in one web request.
MAX_ROWS = 10_000
# The limits below bound the time and memory of reading a file, whatever its size on disk: 236 KB
# of zipped XML can hold four million different texts, which openpyxl loads before the first row.
# They are checked on the XML itself, read as a stream, before openpyxl reads anything big.
# The rows of the first sheet, as openpyxl numbers them: empty rows count (openpyxl gives every
# row up to the last), so there is room for a title above the list, gaps and formatted empty
# rows under it.
MAX_SHEET_ROWS = 5 * MAX_ROWS
# The cells of the first sheet, each row counted from column A to its last cell (openpyxl gives
# them all): the members' list has about twenty columns; thirty leave room for a
# few more, and reading that many takes openpyxl some seconds.
MAX_CELLS = 30 * MAX_ROWS
# Every different text of the workbook (shared string) is kept in memory by openpyxl; a sheet
# cannot show more different texts than it has cells.
MAX_SHARED_STRINGS = MAX_CELLS
# The characters of those texts and of the first sheet's cells: ten thousand rows of twenty
# columns of fifty characters each, more than any list of the product holds.
MAX_TEXT_CHARACTERS = 10_000_000
# The parts openpyxl reads whole (the workbook, its relations, styles, properties, theme) are
# tens of kilobytes in a workbook Excel writes; openpyxl takes about thirteen times a part's size
# in memory and seconds for a few megabytes (measured on a style table).
MAX_WHOLE_PART_BYTES = 4 * 1024 * 1024
# One piece of markup (a tag with its attributes) is a few hundred bytes in a real sheet; the
# parser keeps an unfinished one in memory.
MAX_MARKUP_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024
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
ERROR_TOO_MANY_SHEET_ROWS = gettext_lazy(
    "The first sheet has more than %(limit)s rows, empty rows included: delete the empty rows under the list "
    "or split it into smaller files."
)
ERROR_TOO_MANY_CELLS = gettext_lazy(
    "The first sheet has more than %(limit)s cells, counting each row up to its last filled column: delete "
    "the columns the import does not need or split the list into smaller files."
)
ERROR_TOO_MANY_TEXTS = gettext_lazy(
    "The file holds too many different texts for one list: split the list into smaller files."
)
ERROR_TOO_MUCH_TEXT = gettext_lazy("The file holds too much text for one list: split the list into smaller files.")

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
        # Links to other workbooks carry copies of their sheets, read whole: the import needs none.
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
        try:
            _check_parts(reader)
            reader.read()
            return _read_first_sheet(reader.wb.worksheets[0], progress)
        except ImportRefused:
            raise
        # A zip that is no workbook fails in many ways (KeyError, ValueError, …), and malformed
        # sheet XML is only found while reading the rows.
        except Exception:
            raise FileRefused([ERROR_NOT_XLSX]) from None
        finally:
            reader.archive.close()


# --- what openpyxl will read, measured first ----------------------------------------------------


def _check_parts(reader: ExcelReader) -> None:
    """Refuse a workbook whose parts would take openpyxl too long or too much memory, reading each
    part as a stream that stops at the first limit passed: the parts openpyxl reads whole must be
    small, the shared strings (read whole before the first row) and the first sheet few enough."""
    archive = reader.archive
    for member in archive.infolist():
        _refuse_document_type(archive, member.filename)
    _refuse_large_part(archive, ARC_CONTENT_TYPES)
    reader.read_manifest()
    workbook_part = _find_workbook_part(reader.package).PartName[1:]
    for name in (workbook_part, ARC_STYLE, ARC_CORE, ARC_CUSTOM, ARC_THEME):
        _refuse_large_part(archive, name)
    for name in archive.namelist():
        if name.endswith(".rels"):
            _refuse_large_part(archive, name)
    reader.read_workbook()
    text = _TextBudget()
    strings = reader.package.find(SHARED_STRINGS)  # type: ignore[no-untyped-call]  # untyped in the stubs
    if strings is not None:
        _scan(archive, strings.PartName[1:], _SharedStringsCounter(text))
    # The first sheet as openpyxl finds it: the first sheet of the workbook that is no chart.
    sheet_part = next(
        (
            relation.target
            for _sheet, relation in reader.parser.find_sheets()
            if relation.target in reader.valid_files and "chartsheet" not in relation.Type
        ),
        None,
    )
    if sheet_part is not None:
        _scan(archive, sheet_part, _SheetCounter(text))


def _refuse_large_part(archive: zipfile.ZipFile, name: str) -> None:
    try:
        size = archive.getinfo(name).file_size
    except KeyError:
        return
    if size > MAX_WHOLE_PART_BYTES:
        raise FileRefused([ERROR_UNPACKED_TOO_LARGE])


class _StopScan(Exception):
    """The scan has seen what it looked for."""


def _refuse_document_type(archive: zipfile.ZipFile, name: str) -> None:
    """A document type can declare entities that expand a few bytes into gigabytes ("billion
    laughs"); Excel never writes one. Only the start of each part is read: a document type comes
    before the first element. A part that is no XML (an image) stops the scan, and openpyxl does
    not read it as XML."""
    parser = _new_parser()

    def first_element(_name: str, _attributes: dict[str, str]) -> None:
        raise _StopScan

    parser.StartElementHandler = first_element
    try:
        _feed(archive, name, parser)
    except (_StopScan, expat.ExpatError):
        return


def _refuse_doctype(*_declaration: object) -> None:
    raise FileRefused([ERROR_NOT_XLSX])


def _new_parser() -> "expat.XMLParserType":
    # The namespace separator makes names "namespace local", read by their local part.
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    # Text comes in pieces of at most the buffer's size, joined where the XML splits it.
    parser.buffer_text = True
    return parser


def _feed(archive: zipfile.ZipFile, name: str, parser: "expat.XMLParserType") -> None:
    """Stream a part through the parser; expat keeps an unfinished piece of markup (one tag with
    its attributes) in memory, so a piece longer than MAX_MARKUP_BYTES is refused."""
    position_before = -1
    unread_since_event = 0
    with archive.open(name) as part:
        while chunk := part.read(CHUNK_BYTES):
            parser.Parse(chunk, False)
            # The parser's position moves with every piece of markup it has read to the end.
            position = parser.CurrentByteIndex
            unread_since_event = unread_since_event + len(chunk) if position == position_before else 0
            if unread_since_event > MAX_MARKUP_BYTES:
                raise FileRefused([ERROR_NOT_XLSX])
            position_before = position
    parser.Parse(b"", True)


def _scan(archive: zipfile.ZipFile, name: str, counter: "_SharedStringsCounter | _SheetCounter") -> None:
    # Only the starts of elements and the text: every handler called costs time on every cell.
    parser = _new_parser()
    parser.StartElementHandler = counter.start
    parser.CharacterDataHandler = counter.text
    _feed(archive, name, parser)


# The elements as the parser names them; openpyxl reads only these, in the main namespace.
STRING_ELEMENT = f"{SHEET_MAIN_NS} si"
ROW_ELEMENT = f"{SHEET_MAIN_NS} row"
CELL_ELEMENT = f"{SHEET_MAIN_NS} c"


class _TextBudget:
    """The characters of text of the shared strings and of the first sheet, which openpyxl keeps
    (the strings) or gives as values to keep in the table (the sheet's). All the text of both
    parts counts: the little between tags (Excel writes no spaces there) costs less than telling
    it apart on every cell."""

    def __init__(self) -> None:
        self.characters = 0

    def spend(self, text: str) -> None:
        self.characters += len(text)
        if self.characters > MAX_TEXT_CHARACTERS:
            raise FileRefused([ERROR_TOO_MUCH_TEXT])


class _SharedStringsCounter:
    """Counts the different texts (<si>) and their characters."""

    def __init__(self, budget: _TextBudget) -> None:
        self.text = budget.spend
        self.strings = 0

    def start(self, name: str, _attributes: dict[str, str]) -> None:
        if name == STRING_ELEMENT:
            self.strings += 1
            if self.strings > MAX_SHARED_STRINGS:
                raise FileRefused([ERROR_TOO_MANY_TEXTS])


class _SheetCounter:
    """Counts the rows and cells openpyxl will give, as openpyxl numbers them: a row or a cell
    without its number follows the one before, and a row reaches from column A to its last cell,
    so one cell far to the right costs a whole row of empty cells."""

    def __init__(self, budget: _TextBudget) -> None:
        self.text = budget.spend
        self.row = 0
        self.column = 0
        self.row_width = 0
        self.cells = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == CELL_ELEMENT:
            reference = attributes.get("r")
            self.column = (
                column_index_from_string(coordinate_from_string(reference)[0]) if reference else self.column + 1
            )
            if self.column > self.row_width:
                self.row_width = self.column
                if self.cells + self.row_width > MAX_CELLS:
                    raise FileRefused([ERROR_TOO_MANY_CELLS % {"limit": MAX_CELLS}])
        elif name == ROW_ELEMENT:
            self.cells += self.row_width
            self.row = int(float(attributes["r"])) if "r" in attributes else self.row + 1
            if self.row > MAX_SHEET_ROWS:
                raise FileRefused([ERROR_TOO_MANY_SHEET_ROWS % {"limit": MAX_SHEET_ROWS}])
            self.column = self.row_width = 0


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
