"""spreadsheets/importing.py: reading, refusing, header matching, parsing and the template.

The club import is the column spec used where one is needed; its database rules are tested in
test_club_import.py.
"""

import datetime
import io
import random
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from openpyxl.utils import quote_sheetname

from core.dates import ERROR_DATE_OUT_OF_RANGE, ERROR_NO_SUCH_DAY
from spreadsheets import importing, parsers, workbook
from spreadsheets import template as templates
from spreadsheets.club_import import CLUB_IMPORT
from spreadsheets.importing import ImportColumn, RowByRowImport, RowError
from spreadsheets.parsers import Codes, Date, Integer, Lines, Text
from spreadsheets.workbook import FileRefused
from tests.spreadsheets.files import CLUB_HEADERS, CLUB_KEYS, club_row, with_extra_member, xlsx
from tests.text import vi

D = datetime.date


def refusal(content, spec=CLUB_IMPORT):
    with pytest.raises(FileRefused) as exc:
        importing.check_file(spec, content)
    return exc.value.messages


def rows_of(content, spec=CLUB_IMPORT):
    rows, _layout = importing.check_file(spec, content)
    return rows


# --- refused files ------------------------------------------------------------------------------


def test_file_over_the_size_limit_is_refused():
    # Random bytes do not compress: the zip stays over 5 MB.
    padding = random.Random(0).randbytes(workbook.MAX_FILE_BYTES)
    content = with_extra_member(xlsx([club_row()]), "xl/media/photo.bin", padding)
    assert len(content) > workbook.MAX_FILE_BYTES
    assert refusal(content) == [str(workbook.ERROR_TOO_LARGE) % {"limit": 5}]


def test_zip_that_unpacks_too_large_is_refused():
    content = with_extra_member(xlsx([club_row()]), "xl/media/zeros.bin", bytes(workbook.MAX_UNPACKED_BYTES))
    assert len(content) < workbook.MAX_FILE_BYTES
    assert refusal(content) == [str(workbook.ERROR_UNPACKED_TOO_LARGE)]


@pytest.mark.parametrize(
    "content",
    [
        "Mã CLB;Tên CLB\n;CLB Một\n".encode(),  # a CSV renamed .xlsx
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),  # an old .xls
        b"PK\x03\x04 but not a zip at all",
        b"",
    ],
    ids=["csv", "xls", "zip-signature-only", "empty"],
)
def test_file_that_is_not_xlsx_is_refused(content):
    assert refusal(content) == [str(workbook.ERROR_NOT_XLSX)]


def test_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(buffer.getvalue()) == [str(workbook.ERROR_NOT_XLSX)]


def test_file_with_macros_is_refused():
    content = with_extra_member(xlsx([club_row()]), "xl/vbaProject.bin", b"\x00macro")
    assert refusal(content) == [str(workbook.ERROR_MACROS)]


def test_formula_cells_are_refused_and_named():
    row = club_row()
    row[8] = "=10+5"
    content = xlsx([club_row(name="CLB Một"), row])
    assert refusal(content) == [str(workbook.ERROR_FORMULAS) % {"cells": "I3"}]


def test_header_row_only_is_refused():
    assert refusal(xlsx([])) == [str(workbook.ERROR_NO_ROWS)]


def test_empty_sheet_is_refused():
    assert refusal(xlsx([], headers=[])) == [str(workbook.ERROR_NO_ROWS)]


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_ROWS", 3)
    assert refusal(xlsx([club_row(name=f"CLB {n}") for n in range(4)])) == [
        str(workbook.ERROR_TOO_MANY_ROWS) % {"limit": 3}
    ]


# --- headers ------------------------------------------------------------------------------------


def test_missing_required_columns_refuse_the_file():
    headers = [header for header in CLUB_HEADERS if header not in {"Tên CLB", "Mã đơn vị hành chính"}]
    content = xlsx([["x"] * len(headers)], headers=headers)
    assert refusal(content) == [
        str(importing.ERROR_MISSING_COLUMNS) % {"columns": "Tên CLB (name), Mã đơn vị hành chính (unit_code)"}
    ]


def test_column_given_twice_refuses_the_file():
    content = xlsx([[*club_row(), "Khác"]], headers=[*CLUB_HEADERS, "name"])
    assert refusal(content) == [str(importing.ERROR_COLUMN_TWICE) % {"header": "name", "first": "B", "second": "J"}]


def test_english_headers_are_accepted():
    rows = rows_of(xlsx([club_row()], headers=CLUB_KEYS))
    assert rows[0].values["name"] == "CLB Liên thế hệ thôn Mới"
    assert rows[0].values["decision_date"] == D(2024, 3, 1)


@pytest.mark.parametrize(
    ("name_header", "unit_header"),
    [
        ("TÊN CLB", "MÃ ĐƠN VỊ HÀNH CHÍNH"),
        ("ten clb", "ma don vi hanh chinh"),
        ("  Tên   clb ", "Mã Đơn Vị Hành Chính"),
        ("Name", "Unit code"),
        ("NAME", "unit_CODE"),
    ],
)
def test_headers_match_ignoring_case_accents_and_spaces(name_header, unit_header):
    content = xlsx([["CLB Một", "90101"]], headers=[name_header, unit_header])
    rows = rows_of(content)
    assert rows[0].values == {"name": "CLB Một", "unit_code": "90101"}


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing():
    content = xlsx([["90101", "15/04/2024", "CLB Một"]], headers=["unit_code", "Ngày ra mắt", "Tên CLB"])
    rows = rows_of(content)
    assert rows[0].values == {"unit_code": "90101", "launch_date": D(2024, 4, 15), "name": "CLB Một"}


def test_unknown_headers_are_reported_and_ignored():
    content = xlsx([[1, *club_row(), "ghi chú"]], headers=["STT", *CLUB_HEADERS, "Ghi chú"])
    rows, layout = importing.check_file(CLUB_IMPORT, content)
    assert layout.unknown == ["STT", "Ghi chú"]
    assert "STT" not in rows[0].values


def test_errors_name_the_column_as_written_in_the_file():
    content = xlsx([["CLB Một", "90101", "hôm qua"]], headers=["name", "unit_code", "decision_date"])
    assert [str(error) for error in rows_of(content)[0].errors] == [
        str(importing.ROW_ERROR) % {"row": 2, "column": "decision_date", "message": parsers.ERROR_DATE}
    ]


# --- rows ---------------------------------------------------------------------------------------


def test_empty_rows_are_skipped_and_rows_keep_excel_numbers():
    content = xlsx([club_row(name="CLB Một"), [None] * 9, ["  "] * 9, club_row(name="CLB Hai")])
    assert [(row.number, row.values["name"]) for row in rows_of(content)] == [(2, "CLB Một"), (5, "CLB Hai")]


def test_rows_filled_only_in_unknown_columns_are_empty():
    content = xlsx([[1, *club_row()], [2, *[None] * 9], [3]], headers=["STT", *CLUB_HEADERS])
    assert [row.number for row in rows_of(content)] == [2]


def test_header_row_may_be_below_blank_rows_and_a_title():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(["DANH SÁCH CÂU LẠC BỘ LIÊN THẾ HỆ TỰ GIÚP NHAU"])
    sheet.append(["Tính đến ngày 15/03/2025"])
    sheet.append(CLUB_HEADERS)
    sheet.append(club_row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows, layout = importing.check_file(CLUB_IMPORT, buffer.getvalue())
    assert [row.number for row in rows] == [5]
    assert layout.unknown == []


def test_without_a_known_header_the_first_row_is_the_header():
    content = xlsx([["CLB Một", "90101"]], headers=["Tên câu lạc bộ", "Mã xã"])
    assert refusal(content) == [
        str(importing.ERROR_MISSING_COLUMNS) % {"columns": "Tên CLB (name), Mã đơn vị hành chính (unit_code)"}
    ]


def test_every_error_of_a_row_is_collected():
    content = xlsx([club_row(name=None, decision_date="30/02/2024", meeting_day=40)])
    errors = rows_of(content)[0].errors
    assert errors == [
        RowError(2, "Tên CLB", str(importing.ERROR_REQUIRED)),
        RowError(2, "Ngày quyết định", vi(ERROR_NO_SUCH_DAY, date="30/02/2024", month=2, year=2024, days=29)),
        RowError(2, "Ngày sinh hoạt", str(parsers.ERROR_NUMBER_RANGE) % {"min": 1, "max": 31}),
    ]


def test_empty_optional_cells_get_empty_values():
    content = xlsx([["CLB Một", "90101", None, None, None, None, None, None, None]], headers=CLUB_HEADERS[1:])
    assert rows_of(content)[0].values == {
        "name": "CLB Một",
        "unit_code": "90101",
        "hamlets": [],
        "decision_number": "",
        "decision_date": None,
        "decision_issuer": "",
        "launch_date": None,
        "meeting_day": None,
    }


def test_row_error_reads_row_column_and_message():
    with translation.override("en"):
        assert str(RowError(5, "Ngày quyết định", "The date cannot be in the future.")) == (
            "Row 5, column Ngày quyết định: The date cannot be in the future."
        )
        assert str(RowError(5, "", "Something is wrong.")) == "Row 5: Something is wrong."


# --- parsers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # openpyxl gives an Excel date cell as a naive datetime: Excel has no time zones.
        (datetime.datetime(2022, 11, 24), D(2022, 11, 24)),  # noqa: DTZ001
        (D(2022, 11, 24), D(2022, 11, 24)),
        ("24/11/2022", D(2022, 11, 24)),
        ("3/4/2025", D(2025, 4, 3)),  # 3 April, never 4 March
        ("24-11-2022", D(2022, 11, 24)),
        ("24.11.2022", D(2022, 11, 24)),
        (" 2022-11-24 ", D(2022, 11, 24)),
    ],
)
def test_date_parser_reads_date_cells_and_day_first_text(value, expected):
    assert Date().parse(value) == expected


@pytest.mark.parametrize("value", ["24/11/22", "11/24/2022", "32/01/2024", "hôm nay", 44889])
def test_date_parser_refuses_what_is_not_a_date(value):
    with pytest.raises(ValidationError) as exc:
        Date().parse(value)
    assert exc.value.messages == [str(parsers.ERROR_DATE)]


@pytest.mark.parametrize("value", ["01/01/0202", "31/12/1899", "01/01/2101", "9999-12-31", D(1, 1, 1), D(2101, 1, 1)])
def test_date_parser_refuses_a_date_outside_the_years_the_product_knows(value):
    """The same rule as the date fields of the pages (core.dates.within_years), said in words."""
    with pytest.raises(ValidationError) as exc:
        Date().parse(value)
    assert exc.value.code == "out_of_range"
    assert exc.value.messages == [str(ERROR_DATE_OUT_OF_RANGE) % {"first": "01/01/1900", "last": "31/12/2100"}]


@pytest.mark.parametrize(("value", "expected"), [("01/01/1900", D(1900, 1, 1)), ("2100-12-31", D(2100, 12, 31))])
def test_date_parser_takes_the_first_and_last_days_of_the_years(value, expected):
    assert Date().parse(value) == expected


@pytest.mark.parametrize(
    ("value", "date", "days"), [("31/02/2024", "31/02/2024", 29), ("2023-02-29", "29/02/2023", 28)]
)
def test_date_parser_says_the_calendar_has_no_such_day(value, date, days):
    with pytest.raises(ValidationError) as exc:
        Date().parse(value)
    day, month, year = date.split("/")
    assert exc.value.messages == [vi(ERROR_NO_SUCH_DAY, date=date, month=int(month), year=int(year), days=days)]


@pytest.mark.parametrize(("value", "expected"), [(15, 15), (15.0, 15), ("15", 15), (" 1 ", 1), (31, 31)])
def test_integer_parser(value, expected):
    assert Integer(1, 31).parse(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2.5, parsers.ERROR_WHOLE_NUMBER),
        ("mười", parsers.ERROR_WHOLE_NUMBER),
        (True, parsers.ERROR_WHOLE_NUMBER),
        (0, str(parsers.ERROR_NUMBER_RANGE) % {"min": 1, "max": 31}),
        ("32", str(parsers.ERROR_NUMBER_RANGE) % {"min": 1, "max": 31}),
    ],
)
def test_integer_parser_refuses(value, message):
    with pytest.raises(ValidationError) as exc:
        Integer(1, 31).parse(value)
    assert exc.value.messages == [str(message)]


def test_text_parser_keeps_codes_typed_as_numbers_as_text():
    assert Text(16, code=True).parse(21010) == "21010"
    assert Text(16, code=True).parse(21010.0) == "21010"
    assert Text(16).parse("  CLB Một  ") == "CLB Một"


def test_text_parser_refuses_long_text_and_dates():
    with pytest.raises(ValidationError) as exc:
        Text(5).parse("CLB Một")
    assert exc.value.messages == [str(parsers.ERROR_TOO_LONG) % {"limit": 5, "length": 7}]
    with pytest.raises(ValidationError):
        Text(20).parse(D(2024, 3, 1))


def test_lines_parser_splits_on_semicolons_and_line_breaks():
    assert Lines().parse("Thôn Tân An; Thôn Tân Mỹ\nTổ 4 ;; ") == ["Thôn Tân An", "Thôn Tân Mỹ", "Tổ 4"]


SEX = Codes({"M": ["Nam", "male"], "F": ["Nữ", "female"]})


@pytest.mark.parametrize(("value", "code"), [("Nữ", "F"), ("NU", "F"), ("f", "F"), ("nam", "M"), ("Male", "M")])
def test_code_parser_accepts_words_and_codes_ignoring_case_and_accents(value, code):
    assert SEX.parse(value) == code


def test_code_parser_lists_the_choices_when_refusing():
    with pytest.raises(ValidationError) as exc:
        SEX.parse("khác")
    assert exc.value.messages == [str(parsers.ERROR_UNKNOWN_CODE) % {"value": "khác", "choices": "Nam, Nữ"}]


# --- a second import on the same mechanism ------------------------------------------------------


class PeopleImport(RowByRowImport):
    """A minimal import with a coded column, as the member import will have."""

    kind = "people"
    url_prefix = "person"
    title = "People"
    capability = "member.manage"
    sheet_title = "People"
    list_url_name = "home"
    list_title = "Home"
    columns = (
        ImportColumn("full_name", "Họ và tên", "full_name", Text(200), required=True),
        ImportColumn("sex", "Giới tính", "sex", SEX, required=True),
    )

    def check(self, rows, *, actor):
        for row in rows:
            row.status = importing.RowStatus.NEW

    def save_row(self, row, *, actor):
        self.saved.append(row.values)

    saved: list = []


def test_another_spec_reuses_the_mechanism():
    content = xlsx([["Nguyễn Thị Đào", "nữ"], ["Trần Văn A", "x"]], headers=["Họ và tên", "gioi tinh"])
    preview = importing.preview(PeopleImport(), content, actor=None)
    assert preview.rows[0].values == {"full_name": "Nguyễn Thị Đào", "sex": "F"}
    assert preview.rows[0].status == importing.RowStatus.NEW
    assert preview.rows[1].status is None
    assert [error.column for error in preview.errors] == ["gioi tinh"]
    assert preview.counts == {"new": 1, "update": 0, "unchanged": 0}


def test_template_has_a_drop_down_for_a_coded_column():
    workbook = openpyxl.load_workbook(io.BytesIO(templates.template_xlsx(PeopleImport())))
    validation = workbook.worksheets[0].data_validations.dataValidation[0]
    assert str(validation.sqref) == f"B2:B{templates.TEMPLATE_ROWS + 1}"
    lists = workbook.worksheets[2]
    assert [lists.cell(row=n, column=2).value for n in (1, 2)] == ["Nam", "Nữ"]


# --- the template -------------------------------------------------------------------------------


@pytest.fixture
def template():
    return openpyxl.load_workbook(io.BytesIO(templates.template_xlsx(CLUB_IMPORT)))


def test_template_has_the_vietnamese_headers(template):
    sheet = template.worksheets[0]
    assert [cell.value for cell in sheet[1]] == CLUB_HEADERS
    assert sheet.freeze_panes == "A2"


def test_template_has_an_instructions_sheet_explaining_each_column(template):
    instructions = template[translation.gettext("Instructions")]
    cells = [cell.value for row in instructions.iter_rows() for cell in row if cell.value]
    for column in CLUB_IMPORT.columns:
        assert column.header_vi in cells
        assert column.header_en in cells
        assert str(column.help) in cells


def test_template_offers_meeting_days_1_to_31_in_a_drop_down(template):
    sheet = template.worksheets[0]
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert str(validation.sqref) == f"I2:I{templates.TEMPLATE_ROWS + 1}"
    lists = template[translation.gettext("Lists")]
    assert lists.sheet_state == "hidden"
    assert validation.formula1 == f"{quote_sheetname(lists.title)}!$I$1:$I$31"
    assert [lists.cell(row=day, column=9).value for day in range(1, 32)] == list(range(1, 32))


def test_template_keeps_codes_as_text(template):
    sheet = template.worksheets[0]
    assert sheet.column_dimensions["A"].number_format == "@"
    assert sheet.column_dimensions["C"].number_format == "@"


def test_filled_template_reads_back():
    workbook = openpyxl.load_workbook(io.BytesIO(templates.template_xlsx(CLUB_IMPORT)))
    workbook.worksheets[0].append(club_row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = rows_of(buffer.getvalue())
    assert [row.values["name"] for row in rows] == ["CLB Liên thế hệ thôn Mới"]
    assert rows[0].errors == []
