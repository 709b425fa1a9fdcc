"""loans.services.club_go_live: a running club's books taken over at its cut-off date, all or
nothing, with every rule of loans/take_over.py; and loans.selectors.go_live_books, which reads
what the rule needs for many clubs at once.

The world of tests/conftest.py: clubs decided on 01/03/2022, meeting on the 15th. "Today" is
15/03/2025; the books are cut off on 28/02/2025.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from clubs.models import Club
from funds import services as fund_services
from funds.models import CapitalSource, FundEntry, FundKind
from loans import selectors, services, take_over
from loans.models import Instalment, Loan, LoanPurpose, LoanStatus
from loans.services import checks
from tests import factories
from tests.loans import books

D = datetime.date
CUTOFF = D(2025, 2, 28)
BALANCES = {FundKind.INCOME: 30_000_000, FundKind.ACTIVITY: 4_500_000}
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def dao(club):
    return factories.MembershipFactory(club=club, person__full_name="Nguyễn Thị Đào").person


@pytest.fixture
def binh(club):
    return factories.MembershipFactory(club=club, person__full_name="Trần Văn Bình").person


def loan_of(borrower, **figures):
    """books.PAPER_LOAN: 7.000.000 đ still owed at the cut-off, the instalment of 15/02/2025
    (1.060.000 đ) unpaid."""
    return {
        "borrower": borrower,
        **books.PAPER_LOAN,
        "outstanding": 7_000_000,
        "next_due_on": D(2025, 3, 15),
        "overdue_instalments": 1,
        "overdue_amount": 1_060_000,
        **figures,
    }


def go_live(club, actor, *, cutoff=CUTOFF, balances=BALANCES, loans=()):
    return services.club_go_live(actor=actor, club=club, cutoff=cutoff, balances=balances, loans=list(loans))


def snapshot():
    return (
        set(FundEntry.objects.values_list("pk", flat=True)),
        set(Loan.objects.values_list("pk", flat=True)),
        Instalment.objects.count(),
        AuditEntry.objects.count(),
    )


def refusal(club, actor, **kwargs) -> services.GoLiveRefused:
    """club_go_live's refusal, after checking that nothing was written."""
    before = snapshot()
    with pytest.raises(services.GoLiveRefused) as caught:
        go_live(club, actor, **kwargs)
    assert snapshot() == before
    return caught.value


def test_the_books_are_taken_over(club, treasurer, dao, binh):
    went_live = go_live(club, treasurer, loans=[loan_of(dao), loan_of(binh, overdue_instalments=0, overdue_amount=0)])

    assert {(entry.fund.kind, entry.amount, entry.entry_date) for entry in went_live.openings} == {
        (FundKind.INCOME, 30_000_000, CUTOFF),
        (FundKind.ACTIVITY, 4_500_000, CUTOFF),
    }
    assert [(loan.borrower, loan.go_live_on, loan.status) for loan in went_live.loans] == [
        (dao, CUTOFF, LoanStatus.DISBURSED),
        (binh, CUTOFF, LoanStatus.DISBURSED),
    ]
    # The instalment unpaid at the cut-off falls on the meeting before it.
    first = went_live.loans[0].instalments.order_by("number").first()
    assert (first.due_on, first.principal_due + first.interest_due) == (D(2025, 2, 15), 1_060_000)
    audit = AuditEntry.objects.get(action="loans.club.went_live")
    assert (audit.actor, audit.data["cutoff"]) == (treasurer, "2025-02-28")
    assert audit.data["loans"] == [loan.pk for loan in went_live.loans]
    # The same sheet with loans it forgot may still follow, on the same date.
    books = selectors.go_live_books(clubs=[club])[club.pk]
    assert books.can_go_live and books.refusal(cutoff=D(2025, 1, 31), balances=BALANCES) is not None


def test_going_live_again_takes_over_only_what_is_new(club, treasurer, dao, binh):
    go_live(club, treasurer, loans=[loan_of(dao)])
    before = snapshot()

    again = go_live(club, treasurer, loans=[loan_of(dao), loan_of(binh)])
    assert (again.openings, [loan.borrower for loan in again.loans]) == ([], [binh])
    assert Loan.objects.filter(borrower=dao).count() == 1
    assert set(FundEntry.objects.values_list("pk", flat=True)) == before[0]


def test_all_or_nothing_every_part_refused_is_said(club, treasurer, dao, world):
    outsider = factories.MembershipFactory(club=world.club_b1).person
    exc = refusal(
        club,
        treasurer,
        balances={FundKind.INCOME: 30_000_000, FundKind.ACTIVITY: 0},
        loans=[loan_of(dao), loan_of(outsider)],
    )
    assert exc.club is None
    assert exc.balances[FundKind.ACTIVITY].message_dict == {"amount": [str(fund_services.ERROR_AMOUNT_NOT_POSITIVE)]}
    assert list(exc.loans) == [1]
    assert "borrower" in exc.loans[1].message_dict
    assert len(exc.messages) == 2


def test_a_cut_off_date_money_cannot_move_on(club, treasurer, province_staff):
    assert refusal(club, treasurer, cutoff=D(2025, 3, 16)).club.message_dict == {
        "cutoff": [str(fund_services.ERROR_DATE_IN_FUTURE)]
    }
    fund_services.month_close(actor=province_staff, club=club, month=D(2025, 2, 1))
    assert refusal(club, treasurer).club.message_dict == {
        "cutoff": [fund_services.ERROR_MONTH_CLOSED % {"month": "02/2025"}]
    }


def test_a_club_keeping_its_books_already(club, treasurer, dao):
    fund_services.contribution_record(
        actor=treasurer,
        fund=club.funds.get(kind=FundKind.INCOME),
        amount=2_000_000,
        entry_date=D(2025, 1, 5),
        source=CapitalSource.MEMBERS,
    )
    message = take_over.ERROR_ALREADY_LIVE % {"club": club.name, "date": "05/01/2025"}
    assert refusal(club, treasurer, loans=[loan_of(dao)]).club.message_dict == {"club": [message]}


def test_opening_balances_other_than_this_go_lives(club, treasurer):
    go_live(club, treasurer, balances={FundKind.INCOME: 29_000_000})
    message = take_over.ERROR_ALREADY_LIVE % {"club": club.name, "date": "28/02/2025"}
    assert refusal(club, treasurer).club.message_dict == {"club": [message]}


def test_loans_taken_over_on_another_date(club, treasurer, dao, binh):
    go_live(club, treasurer, cutoff=D(2025, 1, 31), balances={}, loans=[loan_of(binh, next_due_on=D(2025, 2, 15))])
    message = take_over.ERROR_OTHER_GO_LIVE % {"club": club.name, "date": "31/01/2025"}
    assert refusal(club, treasurer, loans=[loan_of(dao)]).club.message_dict == {"club": [message]}


def test_overdue_instalments_must_be_due_by_the_cut_off(club, treasurer, dao):
    # Next due on 15/04: the one overdue would fall on 15/03, after the cut-off.
    exc = refusal(club, treasurer, loans=[loan_of(dao, next_due_on=D(2025, 4, 15))])
    message = take_over.ERROR_OVERDUE_AFTER_CUTOFF % {"date": "15/03/2025"}
    assert exc.loans[0].message_dict == {"overdue_instalments": [message]}


def test_a_borrower_with_a_loan_in_progress(club, treasurer, dao):
    go_live(club, treasurer, loans=[loan_of(dao)])
    # Taken over at this cut-off with other figures: not the same loan, and she has one in progress.
    exc = refusal(club, treasurer, loans=[loan_of(dao, outstanding=6_500_000)])
    message = checks.ERROR_LOAN_IN_PROGRESS % {"name": dao.full_name, "status": LoanStatus.DISBURSED.label}
    assert exc.loans[0].message_dict == {"borrower": [message]}


def test_loan_take_over_refuses_overdue_instalments_before_the_disbursement(club, treasurer, dao):
    with pytest.raises(ValidationError) as caught:
        services.loan_take_over(
            actor=treasurer,
            club=club,
            go_live_on=CUTOFF,
            **loan_of(dao, overdue_instalments=9, overdue_amount=7_000_000),
        )
    message = take_over.ERROR_OVERDUE_BEFORE_DISBURSEMENT % {"count": 9, "date": "15/06/2024"}
    assert caught.value.message_dict == {"overdue_instalments": [message]}
    assert not Loan.objects.exists()


def test_go_live_books_queries_do_not_grow_with_clubs(world, treasurer, dao, django_assert_num_queries):
    go_live(world.club_a1, treasurer, loans=[loan_of(dao)])
    for number in range(6):
        factories.ClubFactory(unit=world.commune_a2, name=f"CLB số {number}")
    clubs = list(Club.objects.all())
    # 1 the clubs' funds with their entries summed up, 2 the dates their loans were taken over on
    with django_assert_num_queries(2):
        books = selectors.go_live_books(clubs=clubs)
    assert len(books) == Club.objects.count()
    assert books[world.club_a1.pk].openings == {
        FundKind.INCOME: (30_000_000, CUTOFF),
        FundKind.ACTIVITY: (4_500_000, CUTOFF),
    }
    assert books[world.club_a1.pk].taken_over_on == {CUTOFF}
    assert books[world.club_b1.pk] == take_over.GoLiveBooks(
        club=world.club_b1, first_entry_on=None, openings={}, other_entries=False, taken_over_on=frozenset()
    )


def test_purpose_defaults_as_loan_take_over(club, treasurer, dao):
    (loan,) = go_live(club, treasurer, loans=[loan_of(dao)]).loans
    assert (loan.purpose, loan.grace_days) == (LoanPurpose.OTHER, 0)
