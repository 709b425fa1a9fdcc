"""A whole loan cycle through the services, with the cash book following every step."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funds.models import CapitalSource, EntryType, FundKind
from funds.services import contribution_record
from loans import services
from loans.models import InterestMethod, LoanPurpose, LoanStatus, RepaymentFrequency
from tests import factories

D = datetime.date


@pytest.fixture
def club(world):
    return world.club_a1


@pytest.fixture
def treasurer(club):
    return factories.board_member(club, username="thuquy")


@pytest.fixture
def income_fund(club, treasurer):
    fund = club.funds.get(kind=FundKind.INCOME)
    contribution_record(
        actor=treasurer, fund=fund, amount=50_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    return fund


@pytest.fixture
def rules(club, treasurer):
    return services.rules_record(
        actor=treasurer,
        club=club,
        effective_from=D(2023, 1, 1),
        max_amount=10_000_000,
        max_term_months=12,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
        grace_days=5,
    )


def disbursed_loan(club, treasurer, *, amount=6_000_000, term=6, on=D(2024, 9, 15)):
    borrower = factories.MembershipFactory(club=club).person
    loan = services.loan_apply(
        actor=treasurer,
        club=club,
        borrower=borrower,
        amount=amount,
        term_months=term,
        purpose=LoanPurpose.LIVESTOCK,
        applied_on=on - datetime.timedelta(days=10),
    )
    loan = services.loan_approve(
        actor=treasurer,
        loan=loan,
        decided_on=on - datetime.timedelta(days=5),
        decision_body="board",
        decision_reference="Biên bản họp BCN",
    )
    return services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=on)


def test_cycle_from_application_to_repaid(club, treasurer, income_fund, rules):
    loan = disbursed_loan(club, treasurer)
    assert income_fund.balance() == 44_000_000
    instalments = list(loan.instalments.order_by("number"))
    assert [i.due_on for i in instalments][:2] == [D(2024, 10, 15), D(2024, 11, 15)]
    assert [i.principal_due for i in instalments] == [1_000_000] * 6
    assert [i.interest_due for i in instalments] == [30_000] * 6
    services.repayment_record(actor=treasurer, loan=loan, amount=1_030_000, paid_on=D(2024, 10, 15))
    assert income_fund.balance() == 45_030_000
    payoff = 5_000_000 + 0  # principal left; no interest due yet on 20/10
    repayment = services.repayment_record(actor=treasurer, loan=loan, amount=payoff, paid_on=D(2024, 10, 20))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID and repayment.closed_loan_early
    assert income_fund.balance() == 50_030_000
    services.repayment_reverse(actor=treasurer, repayment=repayment, reason="nhập nhầm")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.DISBURSED
    assert income_fund.balance() == 45_030_000
    assert income_fund.entries.filter(entry_type=EntryType.CORRECTION).count() == 1


def test_overpayment_refused(club, treasurer, income_fund, rules):
    loan = disbursed_loan(club, treasurer)
    with pytest.raises(ValidationError) as caught:
        services.repayment_record(actor=treasurer, loan=loan, amount=7_000_000, paid_on=D(2024, 10, 15))
    assert "amount" in caught.value.message_dict


def test_write_off_and_reschedule(club, treasurer, income_fund, rules):
    loan = disbursed_loan(club, treasurer)
    services.loan_reschedule(
        actor=treasurer,
        loan=loan,
        on=D(2024, 12, 20),
        term_months=10,
        first_due_on=D(2025, 1, 15),
        reason="thiên tai",
        decision_reference="QĐ 1",
    )
    live = loan.instalments.filter(cancelled_on__isnull=True)
    assert sum(i.principal_due for i in live) == 6_000_000
    assert live.first().interest_due == 30_000 + 90_000  # its own month + the three unpaid months carried
    services.loan_write_off(actor=treasurer, loan=loan, on=D(2025, 3, 1), reason="qua đời", decision_reference="QĐ 2")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WRITTEN_OFF and loan.written_off_amount == 6_000_000


def test_take_over(club, treasurer):
    borrower = factories.MembershipFactory(club=club).person
    loan = services.loan_take_over(
        actor=treasurer,
        club=club,
        borrower=borrower,
        go_live_on=D(2025, 1, 31),
        amount=12_000_000,
        disbursed_on=D(2024, 6, 20),
        term_months=12,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
        outstanding=7_000_000,
        next_due_on=D(2025, 2, 15),
        overdue_instalments=1,
        overdue_amount=1_060_000,
    )
    rows = list(loan.instalments.order_by("number").values_list("due_on", "principal_due", "interest_due"))
    assert rows[0] == (D(2025, 1, 15), 1_000_000, 60_000)
    assert sum(r[1] for r in rows) == 7_000_000
    assert rows[-1][0] == D(2025, 6, 15)
