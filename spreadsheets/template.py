"""The template of an import to download: the columns with their headers, formats and drop-down
lists, and an instructions sheet saying what to type in each."""

import io

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from spreadsheets.importing import EXAMPLE_MARK, ImportSpec
from spreadsheets.workbook import MAX_FILE_BYTES, MAX_ROWS

# --- the template to download -----------------------------------------------------------------

# Rows of the template that get the drop-down lists: the whole importable range.
TEMPLATE_ROWS = MAX_ROWS
# The example rows stand apart from what people type: grey italics, and “VD:” in the first cell.
EXAMPLE_FONT = Font(italic=True, color="808080")


def template_xlsx(spec: ImportSpec) -> bytes:
    """An empty list with the Vietnamese headers, an instructions sheet and drop-down lists.

    A normal (not write-only) workbook: data validation needs one. The instructions are written
    in the active language.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.worksheets[0]  # a new workbook's one sheet
    sheet.title = str(spec.sheet_title)[:31]
    instructions = workbook.create_sheet(_("Instructions")[:31])
    lists = None
    bold = Font(bold=True)
    for number, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(number)
        sheet.cell(row=1, column=number, value=column.header_vi).font = bold
        sheet.column_dimensions[letter].width = column.width
        sheet.column_dimensions[letter].number_format = column.parser.number_format
        choices = column.parser.choices()
        if not choices:
            continue
        # Lists live on a hidden sheet: a list typed into the rule is capped at 255 characters
        # and breaks on commas inside the values.
        if lists is None:
            lists = workbook.create_sheet(_("Lists")[:31])
            lists.sheet_state = "hidden"
        list_column = get_column_letter(number)
        for index, choice in enumerate(choices, start=1):
            lists.cell(row=index, column=number, value=choice)
        validation = DataValidation(
            type="list",
            formula1=f"{quote_sheetname(lists.title)}!${list_column}$1:${list_column}${len(choices)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Value not in the list"),
            error=_("Choose a value from the list."),
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    _write_examples(sheet, spec)
    sheet.freeze_panes = "A2"
    _write_instructions(instructions, spec, bold)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_examples(sheet, spec: ImportSpec) -> None:
    """The spec's example rows under the header, the first cell marked “VD:”: the import skips them."""
    for index, example in enumerate(spec.examples, start=2):
        for number, column in enumerate(spec.columns, start=1):
            value = example.get(column.key)
            if number == 1:
                value = f"{EXAMPLE_MARK} {'' if value is None else value}".strip()
            cell = sheet.cell(row=index, column=number, value=value)
            cell.font = EXAMPLE_FONT
            cell.number_format = column.parser.number_format


def _write_instructions(sheet, spec: ImportSpec, bold: Font) -> None:
    examples = (
        [
            _(
                "The grey rows starting with “%(mark)s” are examples: they are never imported. Type over them "
                "or leave them."
            )
            % {"mark": EXAMPLE_MARK}
        ]
        if spec.examples
        else []
    )
    general = [
        _(
            "Enter the list on the first sheet (“%(sheet)s”), one row each, under the header row. "
            "Vietnamese or English headers are both accepted, in any order; other columns are ignored."
        )
        % {"sheet": spec.sheet_title},
        _("Type values, not formulas: a file with formulas or macros is refused."),
        _("At most %(size)s MB and %(rows)s rows. Empty rows are skipped.")
        % {"size": MAX_FILE_BYTES // (1024 * 1024), "rows": MAX_ROWS},
        _("Nothing is saved unless every row is correct; importing the same file again changes nothing."),
        *examples,
        *[str(line) for line in spec.instructions],
    ]
    sheet.append([str(spec.title)])
    sheet["A1"].font = bold
    for line in general:
        sheet.append([line])
    sheet.append([])
    sheet.append([_("Column"), _("English header"), _("Required"), _("Format"), _("What to enter")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for column in spec.columns:
        sheet.append(
            [
                column.header_vi,
                column.header_en,
                _("yes") if column.required else _("no"),
                column.parser.describe(),
                str(column.help),
            ]
        )
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (28, 18, 10, 36, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=len(general) + 3):
        for cell in row:
            cell.alignment = wrap
