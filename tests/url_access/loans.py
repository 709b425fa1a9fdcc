from loans import services
from tests.loans import books
from tests.url_access import VIEW_CLUB_A1

# Staff read a club's loan book; only the club's own board writes in it (FUNDS_MANAGE).
KEEP_BOOKS_OF_A1 = {**VIEW_CLUB_A1, "province_staff": 403, "area_staff": 403}


def club_a1(world):
    return {"club_pk": world.club_a1.pk}


def lending_a1(world):
    books.open_lending(world.club_a1)
    return club_a1(world)


def sheet_of_a1(world):
    books.open_lending(world.club_a1)
    books.disbursed_loan(world.club_a1)
    return {"club_pk": world.club_a1.pk, "year": 2025, "month": 3}


def loan_of_a1(make):
    """kwargs for a page of one loan of club A1 in the state the page acts on."""

    def kwargs(world):
        books.open_lending(world.club_a1)
        loan = make(world.club_a1)
        return {"club_pk": world.club_a1.pk, "pk": loan.pk}

    return kwargs


def repayment_of_a1(world):
    books.open_lending(world.club_a1)
    loan = books.disbursed_loan(world.club_a1)
    repayment = services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=books.D(2025, 1, 15))
    return {"club_pk": world.club_a1.pk, "pk": loan.pk, "repayment_pk": repayment.pk}


applied = loan_of_a1(books.applied_loan)
approved = loan_of_a1(books.approved_loan)
disbursed = loan_of_a1(books.disbursed_loan)


def meeting_of_a1(world):
    return {"club_pk": world.club_a1.pk, "year": 2025, "month": 3, "day": 15}


PROTECTED = {
    "loans:rules": ("get", lending_a1, VIEW_CLUB_A1),
    "loans:rules-create": ("get", club_a1, KEEP_BOOKS_OF_A1),
    "loans:loan-list": ("get", lending_a1, VIEW_CLUB_A1),
    "loans:loan-create": ("get", lending_a1, KEEP_BOOKS_OF_A1),
    "loans:loan-detail": ("get", disbursed, VIEW_CLUB_A1),
    "loans:loan-approve": ("get", applied, KEEP_BOOKS_OF_A1),
    "loans:loan-reject": ("get", applied, KEEP_BOOKS_OF_A1),
    "loans:loan-disburse": ("get", approved, KEEP_BOOKS_OF_A1),
    "loans:repayment-create": ("get", disbursed, KEEP_BOOKS_OF_A1),
    "loans:repayment-reverse": ("get", repayment_of_a1, KEEP_BOOKS_OF_A1),
    "loans:loan-write-off": ("get", disbursed, KEEP_BOOKS_OF_A1),
    "loans:loan-reschedule": ("get", disbursed, KEEP_BOOKS_OF_A1),
    # Staff see the sheet read-only; saving it is the board's (tests/loans/test_collection_sheet.py).
    "loans:collection-sheet": ("get", sheet_of_a1, VIEW_CLUB_A1),
    "loans:meeting-summary": ("get", meeting_of_a1, VIEW_CLUB_A1),
}
