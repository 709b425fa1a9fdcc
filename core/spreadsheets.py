"""Writing lists to .xlsx and CSV: typed cells, Vietnamese headers, no formula injection.

Exports hand accountants raw values they can add up: whole đồng as numbers (shown 1.500.000),
dates as dates (shown dd/mm/yyyy). A text that starts like a formula (=, +, -, @) is written as
text in .xlsx and defused in CSV, so a member called "=HYPERLINK(...)" stays a name.
"""

import dataclasses
import datetime
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from defusedcsv import csv
from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
MONEY_FORMAT = "#,##0"
DATE_FORMAT = "dd/mm/yyyy"


@dataclasses.dataclass
class Column:
    header: str
    # "text", "int", "money" or "date": how the cell is typed and shown.
    kind: str = "text"
    width: int = 16


@dataclasses.dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    # Lines written above the header (plan, date, scope…), one cell each.
    preamble: Sequence[str] = ()


def _cell(sheet: WriteOnlyWorksheet, value: Any, column: Column) -> Cell:
    cell = WriteOnlyCell(sheet, value=value)
    if value is None:
        return cell
    if isinstance(value, str):
        # openpyxl would store "=…" as a formula; keep every text a text.
        cell.data_type = "s"
    elif column.kind == "money":
        cell.number_format = MONEY_FORMAT
    elif column.kind == "date" and isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(sheets, buffer)
    return buffer.getvalue()


def xlsx_write(sheets: Sequence[Sheet], target: str | Path | BinaryIO) -> None:
    """Write the workbook to a file path or a binary stream. Write-only: each row goes to a
    temporary file as it is appended, so a large list never sits in memory as cells."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31])
        for index, column in enumerate(spec.columns):
            sheet.column_dimensions[_column_letter(index)].width = column.width
        for line in spec.preamble:
            sheet.append([_cell(sheet, line, Column(""))])
        headers = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=column.header)
            cell.font = bold
            headers.append(cell)
        sheet.append(headers)
        for row in spec.rows:
            sheet.append([_cell(sheet, value, column) for value, column in zip(row, spec.columns, strict=True)])
    workbook.save(target)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def attachment_response(filename: str, content: bytes, content_type: str) -> HttpResponse:
    """A file to download (an .xlsx workbook, a PDF report) rather than a page to show."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    return attachment_response(filename, xlsx_bytes(sheets), XLSX_CONTENT_TYPE)


def csv_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = attachment_response(filename, b"", CSV_CONTENT_TYPE)
    csv_write(response, columns, rows)
    return response


def csv_write(stream: "SupportsWrite[str]", columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    """Write the table row by row to a text stream (a response, a file opened with newline=""):
    UTF-8 with a byte-order mark, so Excel in Vietnam opens the accents right."""
    stream.write("\ufeff")
    writer = csv.writer(stream)
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value for value in row])
