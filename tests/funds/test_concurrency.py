"""Two people saving at the same moment cannot spend the same money twice.

The services lock the fund (and the loan) rows with SELECT … FOR UPDATE; only PostgreSQL runs
two writers at once (SQLite serialises them), so these tests need it. Each test runs in real
transactions (transaction=True) with two threads released together by a barrier; each thread
has its own database connection and closes it at its end.
"""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from funds.models import CapitalSource, EntryType, FundKind
from funds.services import contribution_record, spending_record, transfer_record
from loans import selectors
from loans import services as loans
from loans.models import Allocation, InterestMethod, LoanPurpose, LoanStatus, RepaymentFrequency
from tests import factories

D = datetime.date

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) are only contended on PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def race(*actions):
    """Run the actions in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action()
        except Exception as exc:  # the test examines every outcome
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, action)) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def split_outcomes(outcomes):
    refused = [outcome for outcome in outcomes if isinstance(outcome, ValidationError)]
    others = [outcome for outcome in outcomes if isinstance(outcome, Exception) and outcome not in refused]
    assert not others, others
    return [outcome for outcome in outcomes if not isinstance(outcome, Exception)], refused


def assert_books_hold(fund):
    """The balance is the sum of the entries, and never below zero at the end of any day."""
    entries = list(fund.entries.all())
    assert fund.balance() == sum(entry.amount * entry.direction for entry in entries)
    for day in {entry.entry_date for entry in entries}:
        assert sum(entry.amount * entry.direction for entry in entries if entry.entry_date <= day) >= 0


@pytest.fixture
def rules(club, treasurer):
    return loans.rules_record(
        actor=treasurer,
        club=club,
        effective_from=D(2023, 1, 1),
        max_amount=10_000_000,
        max_term_months=12,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
    )


def approved_loan(club, treasurer, amount=6_000_000):
    borrower = factories.MembershipFactory(club=club).person
    loan = loans.loan_apply(
        actor=treasurer,
        club=club,
        borrower=borrower,
        amount=amount,
        term_months=6,
        purpose=LoanPurpose.TRADE,
        applied_on=D(2024, 9, 1),
    )
    return loans.loan_approve(
        actor=treasurer, loan=loan, decided_on=D(2024, 9, 5), decision_body="board", decision_reference="BB"
    )


def test_two_spendings_of_the_same_money(club, treasurer):
    fund = club.funds.get(kind=FundKind.ACTIVITY)
    contribution_record(
        actor=treasurer, fund=fund, amount=1_000_000, entry_date=D(2025, 1, 10), source=CapitalSource.MEMBERS
    )

    def spend():
        return spending_record(
            actor=treasurer, fund=fund, amount=600_000, entry_date=D(2025, 2, 1), purpose="Thăm hội viên ốm"
        )

    done, refused = split_outcomes(race(spend, spend))
    assert len(done) == 1 and len(refused) == 1
    assert "amount" in refused[0].message_dict
    assert fund.balance() == 400_000
    assert_books_hold(fund)


def test_a_transfer_and_a_spending_of_the_same_money(club, treasurer):
    income = club.funds.get(kind=FundKind.INCOME)
    activity = club.funds.get(kind=FundKind.ACTIVITY)
    contribution_record(
        actor=treasurer, fund=income, amount=1_000_000, entry_date=D(2025, 1, 10), source=CapitalSource.MEMBERS
    )

    def transfer():
        return transfer_record(
            actor=treasurer, from_fund=income, to_fund=activity, amount=700_000, entry_date=D(2025, 2, 1)
        )

    def spend():
        # A backdated spending: it must see the transfer that may be saved at the same moment.
        return spending_record(actor=treasurer, fund=income, amount=700_000, entry_date=D(2025, 1, 20), purpose="Khác")

    done, refused = split_outcomes(race(transfer, spend))
    assert len(done) == 1 and len(refused) == 1
    assert income.balance() == 300_000
    assert_books_hold(income)
    assert_books_hold(activity)


def test_two_disbursements_the_fund_can_cover_once(club, treasurer, rules):
    fund = club.funds.get(kind=FundKind.INCOME)
    contribution_record(
        actor=treasurer, fund=fund, amount=10_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    first, second = approved_loan(club, treasurer), approved_loan(club, treasurer)

    def disburse(loan):
        return lambda: loans.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15))

    done, refused = split_outcomes(race(disburse(first), disburse(second)))
    assert len(done) == 1 and len(refused) == 1
    assert "disbursed_on" in refused[0].message_dict
    assert fund.balance() == 4_000_000
    statuses = sorted(club.loans.values_list("status", flat=True))
    assert statuses == [LoanStatus.APPROVED, LoanStatus.DISBURSED]
    refused_loan = club.loans.get(status=LoanStatus.APPROVED)
    assert not refused_loan.instalments.exists() and not refused_loan.entries.exists()
    assert fund.entries.filter(entry_type=EntryType.DISBURSEMENT).count() == 1
    assert_books_hold(fund)


def test_two_repayments_at_once_do_not_over_allocate(club, treasurer, rules):
    fund = club.funds.get(kind=FundKind.INCOME)
    contribution_record(
        actor=treasurer, fund=fund, amount=10_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    loan = loans.loan_disburse(actor=treasurer, loan=approved_loan(club, treasurer), disbursed_on=D(2024, 9, 15))
    owed = 6_180_000

    def repay():
        return loans.repayment_record(actor=treasurer, loan=loan, amount=4_000_000, paid_on=D(2025, 3, 15))

    done, refused = split_outcomes(race(repay, repay))
    assert len(done) == 1 and len(refused) == 1
    assert "amount" in refused[0].message_dict
    for instalment in loan.instalments.all():
        paid = Allocation.objects.filter(instalment=instalment, repayment__reversed_on__isnull=True)
        assert sum(allocation.principal for allocation in paid) <= instalment.principal_due
        assert sum(allocation.interest for allocation in paid) <= instalment.interest_due
    states = selectors.instalment_states(loan)
    assert sum(state.left for state in states) == owed - 4_000_000
    assert fund.balance() == 10_000_000 - 6_000_000 + 4_000_000
    assert_books_hold(fund)


def test_two_repayments_that_together_fit_both_go_through(club, treasurer, rules):
    fund = club.funds.get(kind=FundKind.INCOME)
    contribution_record(
        actor=treasurer, fund=fund, amount=10_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    loan = loans.loan_disburse(actor=treasurer, loan=approved_loan(club, treasurer), disbursed_on=D(2024, 9, 15))

    def repay():
        return loans.repayment_record(actor=treasurer, loan=loan, amount=3_090_000, paid_on=D(2025, 3, 15))

    done, refused = split_outcomes(race(repay, repay))
    assert len(done) == 2 and not refused
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    assert sum(state.left for state in selectors.instalment_states(loan)) == 0
    assert fund.balance() == 10_000_000 - 6_000_000 + 6_180_000
