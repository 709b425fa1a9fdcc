"""Real .xlsx files for the import tests, built in memory with openpyxl."""

import io
import zipfile

from openpyxl import Workbook

CLUB_HEADERS = [
    "Mã CLB",
    "Tên CLB",
    "Mã đơn vị hành chính",
    "Thôn, tổ dân phố",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan quyết định",
    "Ngày ra mắt",
    "Ngày sinh hoạt",
]
CLUB_KEYS = [
    "club_code",
    "name",
    "unit_code",
    "hamlets",
    "decision_number",
    "decision_date",
    "decision_issuer",
    "launch_date",
    "meeting_day",
]


def xlsx(rows, headers=CLUB_HEADERS) -> bytes:
    """A workbook whose first sheet has `headers` in row 1 and `rows` below (None = empty cell)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def club_row(
    *,
    code=None,
    name="CLB Liên thế hệ thôn Mới",
    unit="90101",
    hamlets="Thôn Mới",
    decision_number="5/QĐ-UBND",
    decision_date="01/03/2024",
    issuer="UBND xã Bình Hiệp",
    launch_date="15/04/2024",
    meeting_day=15,
):
    return [code, name, unit, hamlets, decision_number, decision_date, issuer, launch_date, meeting_day]


def with_extra_member(content: bytes, name: str, data: bytes = b"") -> bytes:
    """The same workbook with one more file in its zip (vbaProject.bin for a macro-enabled file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()
