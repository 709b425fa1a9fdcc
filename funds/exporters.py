"""The cash book and capital by source as .xlsx workbooks.

The cash book follows the layout of a Vietnamese receipts-and-payments book (sổ thu chi): title
rows, then date, receipt number, payment voucher number, description, money in, money out and
balance, between an opening balance row and a totals row. Money is typed as whole đồng and dates
as dates, so an accountant can add them up. Called inside translation.override(the user's
language) by the views.
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from core.dates import format_date
from core.spreadsheets import Column, Sheet
from funds.models import CapitalSource, FundEntry
from funds.selectors import BookRow, Capital, CapitalReport, CashBook


def _day(day) -> str:
    return format_date(day)


def entry_description(entry: FundEntry) -> str:
    """What the entry is, in one line: its type, where the money came from or went, its loan and
    what it corrects."""
    parts = [str(entry.get_entry_type_display())]
    if entry.source:
        parts.append(str(entry.get_source_display()))
    if entry.contributor:
        parts.append(entry.contributor)
    if entry.loan is not None:
        parts.append(_("loan of %(name)s") % {"name": entry.loan.borrower.full_name})
    if entry.corrects is not None:
        parts.append(
            _("reverses the %(type)s of %(date)s")
            % {"type": entry.corrects.get_entry_type_display(), "date": _day(entry.corrects.entry_date)}
        )
    if entry.description:
        parts.append(entry.description)
    return " — ".join(parts)


def cash_book_sheet(book: CashBook, rows: Sequence[BookRow]) -> Sheet:
    fund = book.fund
    club = fund.club
    preamble = [
        _("RECEIPTS AND PAYMENTS BOOK"),
        _("Club: %(name)s (%(code)s)") % {"name": club.name, "code": club.code},
        _("Fund: %(fund)s") % {"fund": fund.get_kind_display()},
        _("From %(start)s to %(end)s") % {"start": _day(book.start), "end": _day(book.end)},
    ]
    if book.entry_type:
        preamble.append(
            _("Entries of one type only: %(type)s. The balance column is left empty.") % {"type": book.entry_type_label}
        )
    columns = [
        Column(_("Date"), "date", 12),
        Column(_("Receipt no."), "text", 12),
        Column(_("Payment voucher no."), "text", 12),
        Column(_("Description"), "text", 60),
        Column(_("Money in"), "money", 16),
        Column(_("Money out"), "money", 16),
        Column(_("Balance"), "money", 16),
    ]
    lines = [[book.start, None, None, _("Opening balance"), None, None, book.opening]]
    for row in rows:
        entry = row.entry
        lines.append(
            [
                entry.entry_date,
                entry.document_number if entry.direction > 0 else None,
                entry.document_number if entry.direction < 0 else None,
                entry_description(entry),
                row.money_in,
                row.money_out,
                row.balance,
            ]
        )
    lines.append([book.end, None, None, _("Totals and closing balance"), book.money_in, book.money_out, book.closing])
    return Sheet(title=_("Cash book"), columns=columns, rows=lines, preamble=preamble)


# --- capital by source ------------------------------------------------------------------------


def _capital_columns() -> list[Column]:
    return [
        *(Column(str(source.label), "money", 16) for source in CapitalSource),
        Column(_("Opening balances taken over"), "money", 16),
        Column(_("Loan interest"), "money", 16),
        Column(_("Total capital"), "money", 18),
    ]


def _capital_values(capital: Capital) -> list[int]:
    return [*(amount for _source, amount in capital.sources), capital.opening, capital.interest, capital.total]


def _capital_preamble(report: CapitalReport, scope: Sequence[str]) -> list[str]:
    return [
        _("Capital of the club funds by source"),
        _("As of: %(date)s") % {"date": _day(report.on)},
        _("Scope: %(scope)s") % {"scope": ", ".join(scope) or _("your area")},
    ]


def capital_sheets(report: CapitalReport, scope: Sequence[str]) -> list[Sheet]:
    club_columns = [
        Column(_("Club code"), "text", 12),
        Column(_("Club"), "text", 40),
        Column(_("Commune"), "text", 22),
        Column(_("District"), "text", 22),
        *_capital_columns(),
    ]
    club_rows = []
    for line in report.clubs:
        unit = line.club.unit
        district = unit.district_name
        club_rows.append([line.club.code, line.club.name, unit.name, district, *_capital_values(line.capital)])
    rollup_columns = [
        Column(_("Level"), "text", 14),
        Column(_("Unit code"), "text", 10),
        Column(_("Unit"), "text", 28),
        Column(_("Clubs with capital"), "int", 12),
        *_capital_columns(),
    ]
    total = report.total
    rollup_rows = [[_("All clubs in scope"), "", ", ".join(scope), total.clubs_with_capital, *_capital_values(total)]]
    for rollup in report.districts:
        unit = rollup.unit
        rollup_rows.append(
            [
                str(unit.get_level_display()),
                unit.code,
                unit.name,
                rollup.capital.clubs_with_capital,
                *_capital_values(rollup.capital),
            ]
        )
    preamble = _capital_preamble(report, scope)
    return [
        Sheet(title=_("Clubs"), columns=club_columns, rows=club_rows, preamble=preamble),
        Sheet(title=_("Roll-ups"), columns=rollup_columns, rows=rollup_rows, preamble=preamble),
    ]
