"""Files built to be expensive to read are refused early, within bounded time and memory.

Each worst case is written here as raw XML in a deflated zip, so the file stays small on disk
while its XML would make openpyxl work for a long time or hold a lot in memory.
The time and memory checks are ceilings with generous margins, there to catch a check that reads
the whole file again; they are not timings to tune.
"""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.utils import translation

from spreadsheets import workbook
from tests.spreadsheets.files import CLUB_HEADERS, club_row, with_extra_member, xlsx

MAX_SECONDS = 5
MAX_PEAK_BYTES = 150 * 1024 * 1024

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
PACKAGE_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
)
WORKBOOK_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    "</Relationships>"
)
MAIN_NAMESPACE = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
# Written in pieces so that building a file of a hundred megabytes of XML never holds it whole.
PIECE_REPEATS = 100_000


def handmade_xlsx(*, rows: tuple[bytes, int], strings: tuple[bytes, int] = (b"", 0), prolog: bytes = b"") -> bytes:
    """A workbook whose first sheet holds `rows` = (XML of one row, how many times) and whose
    shared strings hold `strings` = (XML of one <si>, how many times); `prolog` goes before the
    sheet's root element."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELATIONS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONS)
        _write_repeated(archive, "xl/sharedStrings.xml", f"<sst {MAIN_NAMESPACE}>".encode(), strings, b"</sst>")
        _write_repeated(
            archive,
            "xl/worksheets/sheet1.xml",
            prolog + f"<worksheet {MAIN_NAMESPACE}><sheetData>".encode(),
            rows,
            b"</sheetData></worksheet>",
        )
    return buffer.getvalue()


def _write_repeated(archive: zipfile.ZipFile, name: str, head: bytes, body: tuple[bytes, int], tail: bytes) -> None:
    piece, count = body
    with archive.open(name, "w", force_zip64=True) as part:
        part.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + head)
        for start in range(0, count, PIECE_REPEATS):
            part.write(piece * min(PIECE_REPEATS, count - start))
        part.write(tail)


def refused_within_bounds(content: bytes) -> list[str]:
    """The refusal's messages in English, checking the time and the peak Python memory to refuse."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with translation.override("en"), pytest.raises(workbook.FileRefused) as refusal:
            workbook.read_table(content)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seconds < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES
    return refusal.value.messages


def english(message, **values) -> str:
    with translation.override("en"):
        return str(message) % values if values else str(message)


def unpacked_bytes(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(member.file_size for member in archive.infolist())


# --- the handmade workbook is one openpyxl reads ------------------------------------------------


def test_a_small_handmade_workbook_reads_through_its_shared_strings():
    content = handmade_xlsx(
        rows=(b'<row><c t="s"><v>0</v></c><c><v>7</v></c></row>', 2), strings=(b"<si><t>Thanh</t></si>", 1)
    )
    assert workbook.read_table(content).rows == [(1, {1: "Thanh", 2: 7}), (2, {1: "Thanh", 2: 7})]


def test_a_workbook_saved_by_openpyxl_reads_as_before():
    content = xlsx([club_row(code="CLB01"), [None] * 9, club_row(name="CLB Hai", meeting_day=3)])
    rows = workbook.read_table(content).rows
    assert rows == [
        (1, dict(enumerate(CLUB_HEADERS, start=1))),
        (2, dict(enumerate(club_row(code="CLB01"), start=1))),
        (4, {number: value for number, value in enumerate(club_row(name="CLB Hai", meeting_day=3), start=1) if value}),
    ]


# --- the worst cases ----------------------------------------------------------------------------


def test_four_million_shared_strings_are_refused_before_openpyxl_loads_them():
    content = handmade_xlsx(
        rows=(b'<row><c t="s"><v>0</v></c></row>', 1), strings=(b"<si><t>Nguyen</t></si>", 4_000_000)
    )
    assert len(content) < workbook.MAX_FILE_BYTES
    assert unpacked_bytes(content) < workbook.MAX_UNPACKED_BYTES
    assert refused_within_bounds(content) == [english(workbook.ERROR_TOO_MANY_TEXTS)]


def test_shared_strings_with_too_much_text_are_refused():
    long_text = b"<si><t>" + b"x" * 100_000 + b"</t></si>"
    content = handmade_xlsx(rows=(b'<row><c t="s"><v>0</v></c></row>', 1), strings=(long_text, 200))
    assert refused_within_bounds(content) == [english(workbook.ERROR_TOO_MUCH_TEXT)]


def test_a_sheet_of_every_row_excel_has_is_refused():
    content = handmade_xlsx(rows=(b"<row><c><v>1</v></c></row>", 1_048_576))
    assert len(content) < workbook.MAX_FILE_BYTES
    assert refused_within_bounds(content) == [
        english(workbook.ERROR_TOO_MANY_SHEET_ROWS, limit=workbook.MAX_SHEET_ROWS)
    ]


def test_one_row_numbered_far_down_counts_the_empty_rows_above_it():
    content = handmade_xlsx(rows=(b'<row r="1048576"><c><v>1</v></c></row>', 1))
    assert refused_within_bounds(content) == [
        english(workbook.ERROR_TOO_MANY_SHEET_ROWS, limit=workbook.MAX_SHEET_ROWS)
    ]


def test_a_few_rows_of_too_many_cells_are_refused():
    content = handmade_xlsx(rows=(b"<row>" + b"<c><v>1</v></c>" * 16_384 + b"</row>", 100))
    assert refused_within_bounds(content) == [english(workbook.ERROR_TOO_MANY_CELLS, limit=workbook.MAX_CELLS)]


def test_one_cell_in_the_last_column_counts_the_empty_cells_before_it():
    content = handmade_xlsx(rows=(b'<row><c r="XFD1"><v>1</v></c></row>', 100))
    assert refused_within_bounds(content) == [english(workbook.ERROR_TOO_MANY_CELLS, limit=workbook.MAX_CELLS)]


def test_a_document_type_is_refused():
    # Entities declared in a document type can expand a few bytes into gigabytes.
    laughs = b'<!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    content = handmade_xlsx(rows=(b"<row><c><v>1</v></c></row>", 2), prolog=laughs)
    assert refused_within_bounds(content) == [english(workbook.ERROR_NOT_XLSX)]


def test_one_endless_tag_is_refused():
    content = handmade_xlsx(rows=(b'<row><c><v>1</v></c></row><row spans="' + b"1" * 50_000_000 + b'"/>', 1))
    assert refused_within_bounds(content) == [english(workbook.ERROR_NOT_XLSX)]


def test_a_part_openpyxl_reads_whole_is_refused_when_large():
    styles = b"<styleSheet/>" + b" " * workbook.MAX_WHOLE_PART_BYTES
    content = with_extra_member(handmade_xlsx(rows=(b"<row><c><v>1</v></c></row>", 2)), "xl/styles.xml", styles)
    assert refused_within_bounds(content) == [english(workbook.ERROR_UNPACKED_TOO_LARGE)]
