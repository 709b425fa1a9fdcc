"""The targets report as a PDF to hand to the People's Committee: the official frame (issuer,
national motto, place and date, title), the plan, the sections as tables, the glossary and the
signature block, on A4.

The tables are the rows of the .xlsx export (targets.exporters.report_sheets), so the PDF and the
Excel file cannot disagree. Wide sections (more than PORTRAIT_MAX_COLUMNS columns) go on
landscape pages, after the narrow ones, so that the orientation changes once (one page at most
is left short before the change); the glossary and the signature block close the report on the
last pages. No number is ever broken across lines: each column is at least as wide as its widest
figure and its longest word. Vietnamese needs a Unicode font: DejaVu Sans ships with the product
in targets/fonts (with its licence) and is embedded in the file; system fonts are never read.
Called inside translation.override(the user's language).
"""

import io
import re
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.dates import format_date
from core.money import format_vnd
from core.spreadsheets import Column, Sheet
from targets.exporters import report_sheets
from targets.official import official_frame
from targets.report import TargetReport

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
MARGIN = 15 * mm
PORTRAIT_MAX_COLUMNS = 8
# Each sheet starts with the same three title rows (plan, date, scope), shown once at the top of
# the PDF, and the section's name (its heading here); the rows after them describe the section
# and are printed above its table.
COMMON_TITLE_ROWS = 3
CELL_FONT_SIZE = 7
CELL_PADDING = 2
# A section's heading starts a page rather than end one: it needs room for its notes, the table's
# header and this many rows below it.
ROWS_KEPT_WITH_HEADING = 3


def _register_fonts() -> None:
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)
    return {
        "body": body,
        "bold": ParagraphStyle("bold", parent=body, fontName=BOLD),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("center_bold", parent=body, fontName=BOLD, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=13, leading=17, alignment=TA_CENTER, spaceBefore=6
        ),
        "heading": ParagraphStyle("heading", parent=body, fontName=BOLD, fontSize=10.5, spaceBefore=10, spaceAfter=3),
        "note": ParagraphStyle("note", parent=body, fontSize=8, leading=10),
    }


def _shown(value, column: Column) -> str:
    """A cell as the page shows it: money in đồng, counts grouped, shares with one decimal."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if column.kind == "money":
        return format_vnd(value)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return number_format(value, 1)


def _cell_styles(size: float) -> dict[str, ParagraphStyle]:
    """Table cells at a font size. Words are never split: the columns are made wide enough."""
    cell = ParagraphStyle("cell", fontName=REGULAR, fontSize=size, leading=size * 1.2, splitLongWords=0)
    return {
        "text": cell,
        "number": ParagraphStyle("cell_number", parent=cell, alignment=TA_RIGHT),
        "header": ParagraphStyle("cell_header", parent=cell, fontName=BOLD),
    }


def _unbroken_width(text: str, font: str, wraps: bool) -> float:
    """The width (at font size 1) the text needs so as not to be broken inside a word, or, if it
    may not wrap at all (a number or an amount, its đ joined by a non-breaking space), whole."""
    pieces = re.split(r"[ \t\n]+", text) if wraps else [text]
    return max(pdfmetrics.stringWidth(piece, font, 1) for piece in pieces)


def _column_widths(header: list[str], body: list[list[str]], columns: list[Column], width: float):
    """The cell font size and the column widths: each column at least as wide as its widest figure
    and its longest word, the room left shared in proportion to the columns' widths in the .xlsx.
    The font gets smaller only if the narrowest columns cannot fit the page at the usual size."""
    unit = [
        max(
            _unbroken_width(title, BOLD, wraps=True),
            *(_unbroken_width(row[index], REGULAR, wraps=column.kind == "text") for row in body),
        )
        for index, (title, column) in enumerate(zip(header, columns, strict=True))
    ]
    padding = 2 * CELL_PADDING + 0.5  # half a point against rounding in reportlab's fitting
    size = min(CELL_FONT_SIZE, (width - padding * len(columns)) / sum(unit))
    minimum = [size * needed + padding for needed in unit]
    free = set(range(len(columns)))
    while free:
        room = width - sum(minimum[index] for index in range(len(columns)) if index not in free)
        weight = sum(columns[index].width for index in free)
        pinched = {index for index in free if columns[index].width * room / weight < minimum[index]}
        if not pinched:
            break
        free -= pinched
    widths = [
        columns[index].width * room / weight if index in free else minimum[index] for index in range(len(columns))
    ]
    return size, widths


def _table(sheet: Sheet, width: float) -> Table:
    columns = list(sheet.columns)
    header = [column.header for column in columns]
    body = [[_shown(value, column) for value, column in zip(row, columns, strict=True)] for row in sheet.rows]
    size, widths = _column_widths(header, body, columns, width)
    styles = _cell_styles(size)
    data = [[Paragraph(escape(title), styles["header"]) for title in header]]
    data += [
        [
            Paragraph(escape(text), styles["text"] if column.kind == "text" else styles["number"])
            for text, column in zip(row, columns, strict=True)
        ]
        for row in body
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ]
        )
    )
    return table


def _section(sheet: Sheet, width: float, shown_on_top: set[str], styles) -> list[Flowable]:
    """The section's heading and notes, then its table, which splits across pages under its
    repeated header row; the heading moves to the next page if its first rows would not follow."""
    lead = [Paragraph(escape(sheet.title), styles["heading"])]
    lead += [
        Paragraph(escape(line), styles["note"])
        for line in sheet.preamble[COMMON_TITLE_ROWS + 1 :]
        if line not in shown_on_top  # the legal basis is on top already
    ]
    table = _table(sheet, width)
    table.wrap(width, 0)
    room = sum(
        paragraph.wrap(width, 0)[1] + paragraph.getSpaceBefore() + paragraph.getSpaceAfter() for paragraph in lead
    )
    room += sum(table._rowHeights[: 1 + ROWS_KEPT_WITH_HEADING])
    return [CondPageBreak(room), *lead, table]


def _frame_header(report: TargetReport, scope: Sequence[str], styles, width: float):
    """The top of the first page, the frame (for the signature block) and the lines shown there."""
    plan = report.plan
    frame = official_frame(
        province=plan.province,
        on=report.on,
        title=_("Report on the targets of the plan %(plan)s") % {"plan": plan.name},
    )
    top = Table(
        [
            [
                Paragraph(escape(frame.issuer.upper()), styles["center_bold"]),
                Paragraph(escape(frame.country), styles["center_bold"]),
            ],
            ["", Paragraph(escape(frame.motto), styles["center_bold"])],
            ["", Paragraph(escape(frame.place_and_date), styles["center"])],
        ],
        colWidths=[width * 0.42, width * 0.58],
    )
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    lines = [
        _("Target plan: %(plan)s") % {"plan": plan.name},
        _("Legal basis: %(basis)s") % {"basis": plan.legal_basis},
        _("Period: %(start)s – %(end)s")
        % {"start": format_date(plan.period_start), "end": format_date(plan.period_end)},
        _("As of: %(date)s") % {"date": format_date(report.on)},
        _("Scope: %(scope)s") % {"scope": ", ".join(scope) or _("your area")},
    ]
    story = [
        top,
        Spacer(1, 6 * mm),
        Paragraph(escape(frame.title.upper()), styles["title"]),
        Spacer(1, 4 * mm),
        *(Paragraph(escape(line), styles["body"]) for line in lines),
    ]
    return story, frame, set(lines)


def _signature_block(frame, styles, width: float) -> Table:
    approved_on_behalf, approved_title = frame.approved_by
    block = Table(
        [
            [
                Paragraph(escape(frame.prepared_by), styles["center_bold"]),
                Paragraph(escape(approved_on_behalf), styles["center_bold"]),
            ],
            ["", Paragraph(escape(approved_title), styles["center_bold"])],
            [
                Paragraph(escape(frame.sign_hint), styles["center"]),
                Paragraph(escape(frame.sign_hint), styles["center"]),
            ],
            ["", ""],
        ],
        colWidths=[width / 2, width / 2],
        rowHeights=[None, None, None, 25 * mm],  # room to sign and stamp
    )
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return block


def pdf_bytes(report: TargetReport, scope_names: Sequence[str]) -> bytes:
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    portrait_size, landscape_size = A4, landscape(A4)
    document = BaseDocTemplate(
        buffer,
        pagesize=portrait_size,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Report on the targets of the plan %(plan)s") % {"plan": report.plan.name},
        author=report.plan.province.name,
    )
    document.addPageTemplates(
        [
            PageTemplate(
                id="portrait",
                frames=[Frame(MARGIN, MARGIN, portrait_size[0] - 2 * MARGIN, portrait_size[1] - 2 * MARGIN)],
                pagesize=portrait_size,
                onPage=_page_number_painter(portrait_size),
            ),
            PageTemplate(
                id="landscape",
                frames=[Frame(MARGIN, MARGIN, landscape_size[0] - 2 * MARGIN, landscape_size[1] - 2 * MARGIN)],
                pagesize=landscape_size,
                onPage=_page_number_painter(landscape_size),
            ),
        ]
    )
    widths = {"portrait": portrait_size[0] - 2 * MARGIN, "landscape": landscape_size[0] - 2 * MARGIN}
    story, frame, shown_on_top = _frame_header(report, scope_names, styles, widths["portrait"])
    *sections, glossary = report_sheets(report, scope_names)  # the glossary comes last
    orientation = "portrait"
    for sheet in [*sorted(sections, key=_is_wide), glossary]:
        if _is_wide(sheet) and orientation == "portrait":
            story += [NextPageTemplate("landscape"), PageBreak()]
            orientation = "landscape"
        story += _section(sheet, widths[orientation], shown_on_top, styles)
    story += [Spacer(1, 8 * mm), KeepTogether([_signature_block(frame, styles, widths[orientation])])]
    document.build(story)
    return buffer.getvalue()


def _is_wide(sheet: Sheet) -> bool:
    return len(sheet.columns) > PORTRAIT_MAX_COLUMNS


def _page_number_painter(page_size: tuple[float, float]):
    """The page number at the bottom right of a page of this size (each orientation has its own)."""
    label = _("Page %(page)s")

    def paint(canvas, document):
        canvas.saveState()
        canvas.setFont(REGULAR, 7)
        canvas.drawRightString(page_size[0] - MARGIN, MARGIN / 2, label % {"page": canvas.getPageNumber()})
        canvas.restoreState()

    return paint
