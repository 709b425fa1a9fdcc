"""Reading the .xlsx files the exports answer with."""

import io

from openpyxl import load_workbook

from core.spreadsheets import XLSX_CONTENT_TYPE


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(response.content))


def table(sheet):
    """(title rows, rows under the header as dicts by header). Title rows have one cell each."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if row[1] is not None)
    header = rows[start]
    assert len(set(header)) == len(header), "every column has its own header"
    return [line[0] for line in rows[:start]], [dict(zip(header, row, strict=True)) for row in rows[start + 1 :]]
