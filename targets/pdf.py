"""The targets report as a PDF to hand to the People's Committee: the official frame (issuer,
national motto, place and date, title), the plan, the sections as tables, the glossary and the
signature block, on A4.

The tables are the rows of the .xlsx export (targets.exporters.report_sheets), so the PDF and the
Excel file cannot disagree. Wide sections (more than PORTRAIT_MAX_COLUMNS columns) go on
landscape pages. Vietnamese needs a Unicode font: DejaVu Sans ships with the product in
targets/fonts (with its licence) and is embedded in the file; system fonts are never read.
Called inside translation.override(the user's language).
"""

import io
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
        "cell": ParagraphStyle("cell", parent=body, fontSize=7, leading=8.5),
        "cell_number": ParagraphStyle("cell_number", parent=body, fontSize=7, leading=8.5, alignment=TA_RIGHT),
        "cell_header": ParagraphStyle("cell_header", parent=body, fontName=BOLD, fontSize=7, leading=8.5),
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


def _table(sheet: Sheet, width: float, styles) -> Table:
    columns = list(sheet.columns)
    scale = width / sum(column.width for column in columns)
    data = [[Paragraph(escape(column.header), styles["cell_header"]) for column in columns]]
    for row in sheet.rows:
        data.append(
            [
                Paragraph(
                    escape(_shown(value, column)),
                    styles["cell"] if column.kind == "text" else styles["cell_number"],
                )
                for value, column in zip(row, columns, strict=True)
            ]
        )
    table = Table(data, colWidths=[column.width * scale for column in columns], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


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
    page_numbers = _page_number_painter()
    document.addPageTemplates(
        [
            PageTemplate(
                id="portrait",
                frames=[Frame(MARGIN, MARGIN, portrait_size[0] - 2 * MARGIN, portrait_size[1] - 2 * MARGIN)],
                pagesize=portrait_size,
                onPage=page_numbers,
            ),
            PageTemplate(
                id="landscape",
                frames=[Frame(MARGIN, MARGIN, landscape_size[0] - 2 * MARGIN, landscape_size[1] - 2 * MARGIN)],
                pagesize=landscape_size,
                onPage=page_numbers,
            ),
        ]
    )
    widths = {"portrait": portrait_size[0] - 2 * MARGIN, "landscape": landscape_size[0] - 2 * MARGIN}
    story, frame, shown_on_top = _frame_header(report, scope_names, styles, widths["portrait"])
    orientation = "portrait"
    for sheet in report_sheets(report, scope_names):
        wanted = "landscape" if len(sheet.columns) > PORTRAIT_MAX_COLUMNS else "portrait"
        if wanted != orientation:
            story += [NextPageTemplate(wanted), PageBreak()]
            orientation = wanted
        notes = [
            Paragraph(escape(line), styles["note"])
            for line in sheet.preamble[COMMON_TITLE_ROWS + 1 :]
            if line not in shown_on_top  # the legal basis is on top already
        ]
        story.append(KeepTogether([Paragraph(escape(sheet.title), styles["heading"]), *notes]))
        story.append(_table(sheet, widths[orientation], styles))
    story += [Spacer(1, 8 * mm), KeepTogether([_signature_block(frame, styles, widths[orientation])])]
    document.build(story)
    return buffer.getvalue()


def _page_number_painter():
    label = _("Page %(page)s")

    def paint(canvas, document):
        canvas.saveState()
        canvas.setFont(REGULAR, 7)
        canvas.drawRightString(document.pagesize[0] - MARGIN, MARGIN / 2, label % {"page": canvas.getPageNumber()})
        canvas.restoreState()

    return paint
