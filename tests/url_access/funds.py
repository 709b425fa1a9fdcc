"""The funds pages (docs/domain.md §4): a club's two funds and cash books, the forms that move money, closed
months, and capital by source.

Everyone who sees club A1's funds (Cap.FUNDS_VIEW: staff in scope and the club's board) reads
them; only the club's own board moves money and closes months (Cap.FUNDS_MANAGE): staff get 403.
Province staff reopen a closed month and correct its entries (Cap.FUNDS_CORRECT_CLOSED), area
staff do not. Outsiders never learn that club A1 exists (404). Capital over many clubs is a
report: staff only.
"""

import datetime

from funds.models import CapitalSource, FundKind
from funds.services import contribution_record, month_close
from tests.url_access import STAFF_ONLY, VIEW_CLUB_A1

# The club's board keeps its books; staff in scope only look at them.
KEEP_BOOKS_A1 = {**VIEW_CLUB_A1, "province_staff": 403, "area_staff": 403}
# A closed month is reopened by the province only (and admins).
REOPEN_A1 = {**KEEP_BOOKS_A1, "province_staff": 200, "club_chair": 403}
# A POST-only form: the board's empty POST is sent back to the funds page with a message.
CLOSE_MONTH_A1 = {**KEEP_BOOKS_A1, "club_chair": 302, "admin_user": 302}


def club_a1(world):
    return {"club_pk": world.club_a1.pk}


def income_book_a1(world):
    return {"club_pk": world.club_a1.pk, "kind": FundKind.INCOME}


def open_month_entry_a1(world):
    """An entry of a month the club has not closed (entries of closed months: tests/funds/test_views.py)."""
    fund = world.club_a1.funds.get(kind=FundKind.INCOME)
    entry = contribution_record(
        actor=None, fund=fund, amount=1_000_000, entry_date=datetime.date(2025, 3, 1), source=CapitalSource.MEMBERS
    )
    return {"club_pk": world.club_a1.pk, "entry_pk": entry.pk}


def closed_month_a1(world):
    closed = month_close(actor=None, club=world.club_a1, month=datetime.date(2025, 2, 1))
    return {"club_pk": world.club_a1.pk, "closed_pk": closed.pk}


def sheet_of_a1(world):
    return {"club_pk": world.club_a1.pk, "year": 2025, "month": 3}


PROTECTED = {
    "funds:club-funds": ("get", club_a1, VIEW_CLUB_A1),
    "funds:cash-book": ("get", income_book_a1, VIEW_CLUB_A1),
    "funds:contribution-create": ("get", club_a1, KEEP_BOOKS_A1),
    "funds:spending-create": ("get", club_a1, KEEP_BOOKS_A1),
    "funds:transfer-create": ("get", club_a1, KEEP_BOOKS_A1),
    "funds:opening-balance-create": ("get", club_a1, KEEP_BOOKS_A1),
    "funds:entry-correct": ("get", open_month_entry_a1, KEEP_BOOKS_A1),
    "funds:month-close": ("post", club_a1, CLOSE_MONTH_A1),
    # Staff see the contributions sheet read-only; saving it is the board's (tests/funds/test_contributions_sheet.py).
    "funds:contributions-sheet": ("get", sheet_of_a1, VIEW_CLUB_A1),
    # The usual contributions are the club's rule: its board, or the staff who manage its register.
    "funds:usual-contributions": ("get", club_a1, VIEW_CLUB_A1),
    "funds:month-reopen": ("get", closed_month_a1, REOPEN_A1),
    "funds:capital": ("get", None, STAFF_ONLY),
}
