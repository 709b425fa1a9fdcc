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


# --- the cut-off sheet (spreadsheets/cutoff_import.py) ------------------------------------------

CUTOFF_HEADERS = {
    "club_code": "Mã CLB",
    "row_kind": "Loại dòng",
    "cutoff_date": "Ngày chốt số liệu",
    "fund": "Quỹ",
    "balance": "Số dư",
    "member_code": "Mã thành viên",
    "full_name": "Họ và tên",
    "birth_year": "Năm sinh",
    "loan_amount": "Số tiền vay",
    "disbursed_on": "Ngày giải ngân",
    "term_months": "Thời hạn (tháng)",
    "monthly_rate": "Lãi suất (%/tháng)",
    "method": "Cách tính lãi",
    "repayment": "Cách trả nợ",
    "outstanding": "Dư nợ gốc ngày chốt",
    "next_due_on": "Ngày trả kỳ tới",
    "overdue_instalments": "Số kỳ quá hạn",
    "overdue_amount": "Số tiền quá hạn",
    "purpose": "Mục đích vay",
    "grace_days": "Số ngày ân hạn",
}
CUTOFF_KEYS = list(CUTOFF_HEADERS)


def cutoff_balance(club, **values):
    """A fund balance row (dict of column key → cell) for `club`, at the cut-off of 28/02/2025."""
    return {
        "club_code": club.code,
        "row_kind": "Số dư quỹ",
        "cutoff_date": "28/02/2025",
        "fund": "Quỹ tăng thu nhập",
        "balance": 30_000_000,
        **values,
    }


def cutoff_loan(club, person=None, **values):
    """An open loan row for `club`, the borrower by `person`'s member code unless the values say otherwise.

    12.000.000 đ lent on 20/06/2024 over 12 months at 0,5 % a month (flat, monthly): 7.000.000 đ of
    principal still owed at 28/02/2025, the instalment of 15/02/2025 (1.060.000 đ) unpaid.
    """
    return {
        "club_code": club.code,
        "row_kind": "Khoản vay",
        "cutoff_date": "28/02/2025",
        "member_code": person.code if person is not None else None,
        "loan_amount": 12_000_000,
        "disbursed_on": "20/06/2024",
        "term_months": 12,
        "monthly_rate": 0.5,
        "method": "Dư nợ ban đầu",
        "repayment": "Gốc và lãi hằng tháng",
        "outstanding": 7_000_000,
        "next_due_on": "15/03/2025",
        "overdue_instalments": 1,
        "overdue_amount": 1_060_000,
        **values,
    }


def cutoff_xlsx(rows, keys=CUTOFF_KEYS, english=False) -> bytes:
    """The cut-off sheet with the columns `keys` (Vietnamese headers, or the English ones)."""
    headers = list(keys) if english else [CUTOFF_HEADERS[key] for key in keys]
    return xlsx([[row.get(key) for key in keys] for row in rows], headers=headers)
