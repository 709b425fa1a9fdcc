"""loans/take_over.py: the rules a running club's books are taken over by, as pure functions (no
database), which loans.services.club_go_live and the cut-off sheet's preview both apply; and
loans.services.checks.check_no_loan_in_progress, funds.services.check_club_day."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from clubs.models import Club
from funds.models import FundKind
from funds.services import ERROR_DATE_BEFORE_CLUB, ERROR_DATE_IN_FUTURE, ERROR_MONTH_CLOSED, check_club_day
from loans.models import Loan, LoanPurpose, LoanStatus
from loans.services.checks import ERROR_LOAN_IN_PROGRESS, check_no_loan_in_progress
from loans.take_over import (
    ERROR_ALREADY_LIVE,
    ERROR_OTHER_GO_LIVE,
    ERROR_OVERDUE_AFTER_CUTOFF,
    ERROR_OVERDUE_BEFORE_DISBURSEMENT,
    ERROR_TAKE_OVER_DISBURSED,
    ERROR_TAKE_OVER_NEXT_DUE,
    ERROR_TAKE_OVER_OUTSTANDING,
    ERROR_TAKE_OVER_OVERDUE,
    GoLiveBooks,
    check_overdue_window,
    check_take_over_dates,
    check_take_over_figures,
    taken_over_differences,
)
from members.models import Person
from tests.loans import books

D = datetime.date
CUTOFF = D(2025, 2, 28)
pytestmark = pytest.mark.usefixtures("in_english")


def texts(errors) -> dict[str, list[str]]:
    """{field: [message or (message, params)]} as the refusal's message_dict, in the active language
    (parameters are evaluated when the tests are collected, before the language is set)."""

    def text(item):
        if isinstance(item, tuple):
            message, params = item
            return message % params
        return str(item)

    return {field: [text(item) for item in items] for field, items in errors.items()}


def refused(check, **values) -> dict[str, list[str]]:
    """The messages of the check's refusal by field ({} when it passes)."""
    try:
        check(**values)
    except ValidationError as exc:
        return exc.message_dict
    return {}


# --- a loan's dates and figures ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("disbursed_on", "next_due_on", "errors"),
    [
        (D(2024, 6, 20), D(2025, 3, 15), {}),
        (CUTOFF, D(2025, 3, 15), {"disbursed_on": [ERROR_TAKE_OVER_DISBURSED]}),
        (D(2024, 6, 20), CUTOFF, {"next_due_on": [ERROR_TAKE_OVER_NEXT_DUE]}),
        (
            D(2025, 3, 1),
            D(2025, 2, 15),
            {"disbursed_on": [ERROR_TAKE_OVER_DISBURSED], "next_due_on": [ERROR_TAKE_OVER_NEXT_DUE]},
        ),
        (None, None, {}),  # not known: a cell left empty, refused on its own
    ],
)
def test_take_over_dates(disbursed_on, next_due_on, errors):
    values = {"go_live_on": CUTOFF, "disbursed_on": disbursed_on, "next_due_on": next_due_on}
    assert refused(check_take_over_dates, **values) == texts(errors)


@pytest.mark.parametrize(
    ("figures", "errors"),
    [
        ({}, {}),
        ({"outstanding": 12_000_000}, {}),  # nothing repaid yet
        ({"outstanding": 12_000_001}, {"outstanding": [ERROR_TAKE_OVER_OUTSTANDING]}),
        ({"outstanding": 0}, {"outstanding": [ERROR_TAKE_OVER_OUTSTANDING]}),
        ({"outstanding": None}, {}),
        ({"overdue_instalments": 0, "overdue_amount": 0}, {}),
        # The refusal is on the figure left out.
        ({"overdue_amount": 0}, {"overdue_amount": [ERROR_TAKE_OVER_OVERDUE]}),
        ({"overdue_instalments": 0}, {"overdue_instalments": [ERROR_TAKE_OVER_OVERDUE]}),
        ({"overdue_instalments": None, "overdue_amount": 0}, {}),
    ],
)
def test_take_over_figures(figures, errors):
    values = {"amount": 12_000_000, "outstanding": 7_000_000, "overdue_instalments": 1, "overdue_amount": 1_060_000}
    assert refused(check_take_over_figures, **{**values, **figures}) == texts(errors)


def schedule(*due_dates):
    return [(due_on, 1_000_000, 60_000) for due_on in due_dates]


@pytest.mark.parametrize(
    ("rows", "overdue", "errors"),
    [
        (schedule(D(2025, 2, 15), D(2025, 3, 15)), 1, []),
        (schedule(D(2025, 2, 15), D(2025, 3, 15)), 0, []),
        (schedule(D(2025, 3, 15), D(2025, 4, 15)), 1, [(ERROR_OVERDUE_AFTER_CUTOFF, {"date": "15/03/2025"})]),
        (
            schedule(D(2024, 6, 15), D(2024, 7, 15)),
            1,
            [(ERROR_OVERDUE_BEFORE_DISBURSEMENT, {"count": 1, "date": "15/06/2024"})],
        ),
        (
            schedule(D(2024, 6, 15), D(2025, 3, 15)),
            2,
            [
                (ERROR_OVERDUE_AFTER_CUTOFF, {"date": "15/03/2025"}),
                (ERROR_OVERDUE_BEFORE_DISBURSEMENT, {"count": 2, "date": "15/06/2024"}),
            ],
        ),
    ],
)
def test_overdue_window(rows, overdue, errors):
    values = {"schedule": rows, "overdue_instalments": overdue, "go_live_on": CUTOFF, "disbursed_on": D(2024, 6, 20)}
    assert refused(check_overdue_window, **values) == texts({"overdue_instalments": errors} if errors else {})


# --- a loan in progress, a loan taken over already ------------------------------------------------


def test_no_loan_in_progress():
    borrower = Person(full_name="Nguyễn Thị Đào")
    assert refused(check_no_loan_in_progress, borrower=borrower, loan=None) == {}
    loan = Loan(status=LoanStatus.APPLIED)
    message = ERROR_LOAN_IN_PROGRESS % {"name": "Nguyễn Thị Đào", "status": "applied"}
    assert refused(check_no_loan_in_progress, borrower=borrower, loan=loan) == {"borrower": [message]}


TERMS = {**books.PAPER_LOAN, "grace_days": 0, "purpose": LoanPurpose.OTHER}


def test_a_loan_taken_over_already_is_recognised_by_its_figures():
    club, other = Club(pk=1), Club(pk=2)
    loan = Loan(club_id=1, go_live_on=CUTOFF, repaid_before_go_live=5_000_000, **TERMS)
    given = {**TERMS, "outstanding": 7_000_000, "next_due_on": D(2025, 3, 15)}  # the schedule is not compared
    assert taken_over_differences(loan, club=club, go_live_on=CUTOFF, **given) == []
    changed = {**given, "term_months": 10, "outstanding": 6_000_000}
    assert taken_over_differences(loan, club=club, go_live_on=CUTOFF, **changed) == ["term_months", "outstanding"]
    # Another club's, or taken over on another date: another loan.
    assert taken_over_differences(loan, club=other, go_live_on=CUTOFF, **given) is None
    assert taken_over_differences(loan, club=club, go_live_on=D(2025, 1, 31), **given) is None


# --- a club goes live once ---------------------------------------------------------------------------

CLUB = Club(pk=1, name="CLB Liên thế hệ thôn Mới")


def books(*, openings=None, other_entries=False, first_entry_on=None, taken_over_on=()):
    openings = openings or {}
    if first_entry_on is None and openings:
        first_entry_on = min(on for _amount, on in openings.values())
    return GoLiveBooks(
        club=CLUB,
        first_entry_on=first_entry_on,
        openings=openings,
        other_entries=other_entries,
        taken_over_on=frozenset(taken_over_on),
    )


def refusal_of(club_books, *, cutoff=CUTOFF, balances=None):
    refusal = club_books.refusal(cutoff=cutoff, balances=balances or {})
    return None if refusal is None else refusal.message_dict


def already_live(date):
    return {"club": [ERROR_ALREADY_LIVE % {"club": CLUB.name, "date": date}]}


INCOME, ACTIVITY = FundKind.INCOME, FundKind.ACTIVITY


def test_empty_books_go_live_on_any_date():
    assert refusal_of(books()) is None
    assert refusal_of(books(), balances={INCOME: 30_000_000}) is None
    assert books().can_go_live


def test_books_kept_in_the_product_cannot_go_live():
    kept = books(other_entries=True, first_entry_on=D(2025, 1, 5))
    assert refusal_of(kept) == already_live("05/01/2025")
    assert not kept.can_go_live


def test_the_opening_balances_of_this_go_live_are_no_obstacle():
    live = books(openings={INCOME: (30_000_000, CUTOFF)})
    assert refusal_of(live, balances={INCOME: 30_000_000, ACTIVITY: 4_500_000}) is None
    assert live.can_go_live  # the same balances again, with the loans forgotten
    # Another amount, another date, or left out of the file: books kept already.
    assert refusal_of(live, balances={INCOME: 29_000_000}) == already_live("28/02/2025")
    assert refusal_of(live, cutoff=D(2025, 1, 31), balances={INCOME: 30_000_000}) == already_live("28/02/2025")
    assert refusal_of(live, balances={ACTIVITY: 4_500_000}) == already_live("28/02/2025")


def test_opening_balances_of_two_dates_cannot_go_live():
    two_dates = books(openings={INCOME: (30_000_000, CUTOFF), ACTIVITY: (4_500_000, D(2025, 1, 31))})
    assert not two_dates.can_go_live


def test_loans_taken_over_on_another_date():
    loans_only = books(taken_over_on=[D(2025, 1, 31)])
    message = ERROR_OTHER_GO_LIVE % {"club": CLUB.name, "date": "31/01/2025"}
    assert refusal_of(loans_only) == {"club": [message]}
    assert refusal_of(loans_only, cutoff=D(2025, 1, 31)) is None
    assert loans_only.can_go_live
    mixed = books(openings={INCOME: (30_000_000, CUTOFF)}, taken_over_on=[D(2025, 1, 31)])
    assert not mixed.can_go_live


# --- a club's date, without a query --------------------------------------------------------------------


def test_club_day(world):
    club = world.club_a1  # decided on 01/03/2022
    assert refused(check_club_day, club=club, day=CUTOFF, field="cutoff") == {}
    assert refused(check_club_day, club=club, day=D(2025, 3, 16), field="cutoff") == {
        "cutoff": [str(ERROR_DATE_IN_FUTURE)]
    }
    assert refused(check_club_day, club=club, day=D(2022, 2, 28), field="cutoff") == {
        "cutoff": [ERROR_DATE_BEFORE_CLUB % {"date": "01/03/2022"}]
    }
    assert refused(check_club_day, club=club, day=CUTOFF, field="cutoff", month_closed=True) == {
        "cutoff": [ERROR_MONTH_CLOSED % {"month": "02/2025"}]
    }
    # A club not known: only the future is refused.
    assert refused(check_club_day, club=None, day=D(2022, 2, 28), field="cutoff") == {}
