"""The loan services, rule by rule: what each one allows, refuses (with its message, nothing half
saved), writes to the cash book and to the audit log.

The standard loan of these tests: 6.000.000 đ over 6 months at 0,5 % a month flat, disbursed on
15/09/2024 in club A1 (meeting day 15): six instalments of 1.000.000 + 30.000, due on the 15th
from 15/10/2024 to 15/03/2025. Today is 15/03/2025.
"""

import datetime
import importlib
import types
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditEntry
from core.money import format_vnd
from funds.models import CapitalSource, ClosedMonth, EntryType, FundKind
from funds.services import ERROR_MONTH_CLOSED_CORRECTION, contribution_record, month_close
from loans import allocation, selectors, services
from loans import take_over as take_over_rules
from loans.models import (
    Allocation,
    Instalment,
    InterestMethod,
    LoanPurpose,
    LoanRules,
    LoanStatus,
    RepaymentFrequency,
)
from loans.services import repayments
from members.models import LeaveReason
from tests import factories
from tests.conftest import TODAY
from tests.loans import books

D = datetime.date
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def fund(club):
    return club.funds.get(kind=FundKind.INCOME)


@pytest.fixture
def funded(fund, treasurer):
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


@pytest.fixture
def member(club):
    return factories.MembershipFactory(club=club).person


def messages_of(caught, field=None):
    error = caught.value
    if field is None:
        return error.messages
    return error.message_dict[field]


APPLIED_ON, DECIDED_ON, DISBURSED_ON = D(2024, 9, 5), D(2024, 9, 10), D(2024, 9, 15)


def apply(club, treasurer, borrower, *, amount=6_000_000, term=6, on=APPLIED_ON, **kwargs):
    return services.loan_apply(
        actor=treasurer,
        club=club,
        borrower=borrower,
        amount=amount,
        term_months=term,
        purpose=LoanPurpose.LIVESTOCK,
        applied_on=on,
        **kwargs,
    )


def approve(loan, treasurer, *, on=DECIDED_ON, **kwargs):
    return services.loan_approve(
        actor=treasurer, loan=loan, decided_on=on, decision_body="board", decision_reference="Biên bản 10/09", **kwargs
    )


def disbursed(club, treasurer, borrower, *, on=DISBURSED_ON, **kwargs):
    loan = approve(
        apply(club, treasurer, borrower, on=on - datetime.timedelta(days=10), **kwargs),
        treasurer,
        on=on - datetime.timedelta(days=5),
    )
    return services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=on)


def repay(loan, treasurer, amount, on, **kwargs):
    return services.repayment_record(actor=treasurer, loan=loan, amount=amount, paid_on=on, **kwargs)


def split_of(repayment):
    return {
        allocation.instalment.number: (allocation.principal, allocation.interest)
        for allocation in Allocation.objects.filter(repayment=repayment).select_related("instalment")
    }


def outstanding(loan):
    return sum(state.principal_left for state in selectors.instalment_states(loan))


def last_audit(action):
    return AuditEntry.objects.filter(action=action).order_by("-pk").first()


# --- rules ----------------------------------------------------------------------------------


def test_rules_versions_the_one_in_force_on_the_approval_date_is_copied(club, treasurer, rules, member):
    newer = services.rules_record(
        actor=treasurer,
        club=club,
        effective_from=D(2024, 9, 8),
        max_amount=20_000_000,
        max_term_months=24,
        monthly_rate=Decimal("0.8"),
        method=InterestMethod.DECLINING,
        frequency=RepaymentFrequency.AT_END,
        grace_days=10,
    )
    assert LoanRules.objects.in_force(club, D(2024, 9, 7)) == rules
    assert LoanRules.objects.in_force(club, D(2024, 9, 8)) == newer
    assert LoanRules.objects.in_force(club, D(2022, 12, 31)) is None
    loan = apply(club, treasurer, member, on=D(2024, 9, 5))
    assert loan.rules == rules  # the application shows the rules of its day
    loan = approve(loan, treasurer, on=D(2024, 9, 10))
    assert loan.rules == newer
    assert (loan.monthly_rate, loan.method, loan.frequency, loan.grace_days) == (
        Decimal("0.8"),
        InterestMethod.DECLINING,
        RepaymentFrequency.AT_END,
        10,
    )


def test_rules_approved_before_the_new_version_keep_the_old_one(club, treasurer, rules, member):
    services.rules_record(
        actor=treasurer,
        club=club,
        effective_from=D(2024, 9, 20),
        max_amount=20_000_000,
        max_term_months=24,
        monthly_rate=Decimal("0.8"),
        method=InterestMethod.DECLINING,
        frequency=RepaymentFrequency.MONTHLY,
    )
    loan = approve(apply(club, treasurer, member), treasurer, on=D(2024, 9, 10))
    assert loan.rules == rules and loan.monthly_rate == Decimal("0.5")


def test_rules_one_version_per_day(club, treasurer, rules):
    with pytest.raises(ValidationError) as caught:
        services.rules_record(
            actor=treasurer,
            club=club,
            effective_from=D(2023, 1, 1),
            max_amount=5_000_000,
            max_term_months=6,
            monthly_rate=Decimal("0"),
            method=InterestMethod.FLAT,
            frequency=RepaymentFrequency.MONTHLY,
        )
    assert messages_of(caught, "effective_from") == [
        "The club already has rules in force from 01/01/2023: choose another date."
    ]
    audit = last_audit("loans.rules.recorded")
    assert audit.data["max_amount"] == 10_000_000 and audit.data["monthly_rate"] == "0.5"


# --- applications ---------------------------------------------------------------------------


def test_apply_not_a_member_of_the_club(club, treasurer, rules, world):
    outsider = factories.MembershipFactory(club=world.club_b1).person
    with pytest.raises(ValidationError) as caught:
        apply(club, treasurer, outsider)
    assert messages_of(caught, "borrower") == [
        f"{outsider.full_name} is not an active member of the club on 05/09/2024."
    ]


def test_apply_member_who_left(club, treasurer, rules):
    former = factories.MembershipFactory(club=club, left_on=D(2024, 9, 5), leave_reason=LeaveReason.MOVED).person
    with pytest.raises(ValidationError) as caught:
        apply(club, treasurer, former, on=D(2024, 9, 5))
    assert "borrower" in caught.value.message_dict
    # The day before leaving, they were still a member.
    assert apply(club, treasurer, former, on=D(2024, 9, 4)).status == LoanStatus.APPLIED


def test_apply_second_loan_in_progress_refused_until_repaid(club, treasurer, rules, funded, member):
    loan = apply(club, treasurer, member)
    assert loan.cycle == 1
    for status_name, step in (("applied", None), ("approved", approve), ("disbursed", "disburse")):
        if step is approve:
            loan = approve(loan, treasurer)
        elif step == "disburse":
            loan = services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15))
        with pytest.raises(ValidationError) as caught:
            apply(club, treasurer, member, on=D(2024, 9, 20))
        assert messages_of(caught, "borrower") == [
            f"{member.full_name} already has a loan in progress ({status_name}): it must be repaid first."
        ]
    repay(loan, treasurer, 6_000_000, D(2024, 9, 20))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    assert apply(club, treasurer, member, on=D(2024, 9, 25)).cycle == 2


def test_apply_after_a_rejection_is_allowed_and_keeps_the_cycle(club, treasurer, rules, member):
    loan = apply(club, treasurer, member)
    services.loan_reject(
        actor=treasurer,
        loan=loan,
        decided_on=D(2024, 9, 10),
        decision_body="meeting",
        decision_reference="Biên bản",
        reason="Chưa đủ vốn",
    )
    assert apply(club, treasurer, member, on=D(2024, 9, 12)).cycle == 1


def test_apply_without_rules_in_force(club, treasurer, member):
    with pytest.raises(ValidationError) as caught:
        apply(club, treasurer, member)
    assert messages_of(caught, "applied_on") == [
        "The club has no loan rules in force on 05/09/2024: record the rules of its regulations first."
    ]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0, "The amount must be more than 0 đồng."),
        (-1_000_000, "The amount must be more than 0 đồng."),
        (Decimal("1500000.5"), "Amounts are whole đồng."),
        ("1500000", "Amounts are whole đồng."),
        (True, "Amounts are whole đồng."),
    ],
)
def test_apply_bad_amounts(club, treasurer, rules, member, amount, message):
    with pytest.raises(ValidationError) as caught:
        apply(club, treasurer, member, amount=amount)
    assert messages_of(caught, "amount") == [message]


def test_apply_amount_over_the_ceiling(club, treasurer, rules, member):
    too_much = settings.FUNDS_MAX_AMOUNT + 1
    with pytest.raises(ValidationError) as caught:
        apply(club, treasurer, member, amount=too_much, override_reason="lớn")
    assert messages_of(caught, "amount") == [
        f"{format_vnd(too_much)} is more than the largest amount the product accepts "
        f"({format_vnd(settings.FUNDS_MAX_AMOUNT)}): check the number of zeros."
    ]
    assert apply(club, treasurer, member, amount=settings.FUNDS_MAX_AMOUNT).amount == settings.FUNDS_MAX_AMOUNT


def test_apply_dates_in_the_future_or_before_the_club(club, treasurer, rules, member):
    with pytest.raises(ValidationError) as caught:
        apply(club, treasurer, member, on=TODAY + datetime.timedelta(days=1))
    assert messages_of(caught, "applied_on") == ["The date cannot be in the future."]
    with pytest.raises(ValidationError) as caught:
        apply(club, treasurer, member, on=D(2022, 2, 28))
    assert messages_of(caught, "applied_on") == [
        "The club was established on 01/03/2022: money cannot move before that."
    ]
    assert apply(club, treasurer, member, on=TODAY).applied_on == TODAY
    assert not club.loans.exclude(applied_on=TODAY).exists()


def test_apply_is_audited(club, treasurer, rules, member):
    loan = apply(club, treasurer, member)
    audit = last_audit("loans.loan.applied")
    assert (audit.actor, audit.target_id) == (treasurer, str(loan.pk))
    assert audit.data == {"club": club.code, "amount": 6_000_000, "term_months": 6, "applied_on": "2024-09-05"}


# --- decisions ------------------------------------------------------------------------------


def test_approve_within_the_rules(club, treasurer, rules, member):
    loan = approve(apply(club, treasurer, member), treasurer)
    assert loan.status == LoanStatus.APPROVED and loan.decided_on == D(2024, 9, 10)
    audit = last_audit("loans.loan.approved")
    assert audit.data["status"] == ["applied", "approved"]


@pytest.mark.parametrize(
    ("amount", "term", "breach"),
    [
        (15_000_000, 6, "The amount is more than the rules allow (10.000.000\u00a0đ)."),
        (6_000_000, 18, "The term is longer than the rules allow (12 months)."),
    ],
)
def test_approve_beyond_the_rules_needs_a_reason(club, treasurer, rules, member, amount, term, breach):
    loan = apply(club, treasurer, member, amount=amount, term=term)
    with pytest.raises(ValidationError) as caught:
        approve(loan, treasurer)
    assert messages_of(caught, "override_reason") == [
        f"The loan goes beyond the rules in force: {breach} Give the reason it is allowed."
    ]
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPLIED and loan.decided_on is None
    with pytest.raises(ValidationError):
        approve(loan, treasurer, override_reason="   ")
    loan = approve(loan, treasurer, override_reason=" Hộ nghèo, nuôi bò sinh sản ")
    assert loan.status == LoanStatus.APPROVED and loan.override_reason == "Hộ nghèo, nuôi bò sinh sản"
    assert last_audit("loans.loan.approved").data["override_reason"] == "Hộ nghèo, nuôi bò sinh sản"


def test_approve_keeps_the_reason_given_with_the_application(club, treasurer, rules, member):
    loan = apply(club, treasurer, member, amount=12_000_000, override_reason="Được họp toàn thể đồng ý")
    assert approve(loan, treasurer).status == LoanStatus.APPROVED


def test_approve_refusals(club, treasurer, rules, member):
    loan = apply(club, treasurer, member)
    with pytest.raises(ValidationError) as caught:
        approve(loan, treasurer, on=D(2024, 9, 4))
    assert messages_of(caught, "decided_on") == ["This date cannot be before the application (05/09/2024)."]
    with pytest.raises(ValidationError) as caught:
        approve(loan, treasurer, on=TODAY + datetime.timedelta(days=1))
    assert messages_of(caught, "decided_on") == ["The date cannot be in the future."]
    with pytest.raises(ValidationError) as caught:
        services.loan_approve(
            actor=treasurer, loan=loan, decided_on=D(2024, 9, 10), decision_body="board", decision_reference=" "
        )
    assert "decision_reference" in caught.value.message_dict
    approve(loan, treasurer)
    with pytest.raises(ValidationError) as caught:
        approve(loan, treasurer)
    assert messages_of(caught) == ["The loan is “approved”: this cannot be done now."]


def test_reject(club, treasurer, rules, member):
    loan = apply(club, treasurer, member)
    kwargs = {"actor": treasurer, "decided_on": D(2024, 9, 10), "decision_body": "meeting", "decision_reference": "BB"}
    with pytest.raises(ValidationError) as caught:
        services.loan_reject(loan=loan, reason=" ", **kwargs)
    assert messages_of(caught, "reason") == ["Give the reason."]
    loan = services.loan_reject(loan=loan, reason="Chưa có phương án", **kwargs)
    assert (loan.status, loan.rejection_reason, loan.decision_body) == (
        LoanStatus.REJECTED,
        "Chưa có phương án",
        "meeting",
    )
    assert last_audit("loans.loan.rejected").data == {"status": ["applied", "rejected"], "reason": "Chưa có phương án"}
    with pytest.raises(ValidationError):
        approve(loan, treasurer)


# --- disbursement ---------------------------------------------------------------------------


def test_disburse_creates_the_schedule_and_the_cash_entry(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    assert loan.status == LoanStatus.DISBURSED and loan.disbursed_on == D(2024, 9, 15)
    rows = list(loan.instalments.values_list("number", "due_on", "late_after", "principal_due", "interest_due"))
    assert rows == [
        (1, D(2024, 10, 15), D(2024, 10, 20), 1_000_000, 30_000),
        (2, D(2024, 11, 15), D(2024, 11, 20), 1_000_000, 30_000),
        (3, D(2024, 12, 15), D(2024, 12, 20), 1_000_000, 30_000),
        (4, D(2025, 1, 15), D(2025, 1, 20), 1_000_000, 30_000),
        (5, D(2025, 2, 15), D(2025, 2, 20), 1_000_000, 30_000),
        (6, D(2025, 3, 15), D(2025, 3, 20), 1_000_000, 30_000),
    ]
    entry = funded.entries.get(entry_type=EntryType.DISBURSEMENT)
    assert (entry.amount, entry.direction, entry.entry_date, entry.loan) == (6_000_000, -1, D(2024, 9, 15), loan)
    assert funded.balance() == 44_000_000
    assert not club.funds.get(kind=FundKind.ACTIVITY).entries.exists()
    audit = last_audit("loans.loan.disbursed")
    assert audit.data == {
        "status": ["approved", "disbursed"],
        "disbursed_on": "2024-09-15",
        "entry": entry.pk,
        "instalments": 6,
    }
    entry_audit = last_audit("funds.entry.recorded")
    assert entry_audit.data["balance"] == [50_000_000, 44_000_000]


def test_disburse_refused_cleanly_when_the_fund_holds_too_little(club, treasurer, rules, fund, member):
    contribution_record(
        actor=treasurer, fund=fund, amount=5_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    loan = approve(apply(club, treasurer, member), treasurer)
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15))
    assert messages_of(caught, "disbursed_on") == [
        "The income-generation fund holds 5.000.000\u00a0đ on 15/09/2024: it cannot pay out 6.000.000\u00a0đ."
    ]
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED and loan.disbursed_on is None
    assert not loan.instalments.exists()
    assert fund.balance() == 5_000_000 and fund.entries.count() == 1
    assert AuditEntry.objects.count() == audits


def test_disburse_refused_when_later_spending_needs_the_money(club, treasurer, rules, fund, member):
    """The fund had the money on the disbursement date, but a payment recorded later relies on it."""
    contribution_record(
        actor=treasurer, fund=fund, amount=8_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    other = factories.MembershipFactory(club=club).person
    disbursed(club, treasurer, other, on=D(2024, 10, 1))  # 6.000.000 out on 01/10
    loan = approve(apply(club, treasurer, member), treasurer)
    with pytest.raises(ValidationError) as caught:
        services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15))
    assert messages_of(caught, "disbursed_on") == [
        "The income-generation fund holds 2.000.000\u00a0đ on 01/10/2024: it cannot pay out 6.000.000\u00a0đ."
    ]


def test_disburse_refusals(club, treasurer, rules, funded, member):
    loan = apply(club, treasurer, member)
    with pytest.raises(ValidationError) as caught:
        services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15))
    assert messages_of(caught) == ["The loan is “applied”: this cannot be done now."]
    loan = approve(loan, treasurer)
    with pytest.raises(ValidationError) as caught:
        services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 9))
    assert messages_of(caught, "disbursed_on") == ["This date cannot be before the approval (10/09/2024)."]
    with pytest.raises(ValidationError) as caught:
        services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=TODAY + datetime.timedelta(days=1))
    assert messages_of(caught, "disbursed_on") == ["The date cannot be in the future."]
    with pytest.raises(ValidationError) as caught:
        services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15), first_due_on=D(2024, 9, 15))
    assert messages_of(caught, "first_due_on") == ["The first due date must be after 15/09/2024."]
    assert not loan.instalments.exists() and funded.balance() == 50_000_000


def test_disburse_with_a_chosen_first_due_date(club, treasurer, rules, funded, member):
    loan = approve(apply(club, treasurer, member), treasurer)
    loan = services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 9, 15), first_due_on=D(2024, 9, 30))
    # The following instalments fall on the club's meeting day.
    assert list(loan.instalments.values_list("due_on", flat=True))[:3] == [
        D(2024, 9, 30),
        D(2024, 10, 15),
        D(2024, 11, 15),
    ]


def test_disburse_meeting_day_31(world, treasurer, rules, member):
    club = world.club_a1
    club.meeting_day = 31
    club.save(update_fields=["meeting_day"])
    fund = club.funds.get(kind=FundKind.INCOME)
    contribution_record(
        actor=treasurer, fund=fund, amount=10_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    loan = approve(apply(club, treasurer, member, term=4, on=D(2024, 1, 5)), treasurer, on=D(2024, 1, 10))
    loan = services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 1, 31))
    assert list(loan.instalments.values_list("due_on", flat=True)) == [
        D(2024, 2, 29),
        D(2024, 3, 31),
        D(2024, 4, 30),
        D(2024, 5, 31),
    ]


def test_disburse_club_without_a_meeting_day_uses_the_disbursement_day(world, treasurer, rules, member):
    club = world.club_a1
    club.meeting_day = None
    club.save(update_fields=["meeting_day"])
    fund = club.funds.get(kind=FundKind.INCOME)
    contribution_record(
        actor=treasurer, fund=fund, amount=10_000_000, entry_date=D(2024, 1, 10), source=CapitalSource.MEMBERS
    )
    loan = approve(apply(club, treasurer, member, term=3, on=D(2025, 1, 5)), treasurer, on=D(2025, 1, 10))
    loan = services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2025, 1, 31))
    # The 31st, every month: 28/02 only because February is short, then back to the 31st.
    assert list(loan.instalments.values_list("due_on", flat=True)) == [D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30)]


# --- repayments -----------------------------------------------------------------------------


def test_repayment_allocation_order_overdue_interest_then_overdue_principal_then_current(
    club, treasurer, rules, funded, member
):
    loan = disbursed(club, treasurer, member)
    # On 10/01/2025 instalments 1-3 (15/10, 15/11, 15/12) are overdue: 90.000 interest first,
    # then their principal, oldest first.
    first = repay(loan, treasurer, 2_000_000, D(2025, 1, 10))
    assert split_of(first) == {1: (1_000_000, 30_000), 2: (910_000, 30_000), 3: (0, 30_000)}
    assert (first.principal, first.interest) == (1_910_000, 90_000)
    # On 15/01/2025: the overdue principal left (90.000 + 1.000.000), then instalment 4 (due
    # that day), its interest before its principal.
    second = repay(loan, treasurer, 1_200_000, D(2025, 1, 15))
    assert split_of(second) == {2: (90_000, 0), 3: (1_000_000, 0), 4: (80_000, 30_000)}
    assert (second.principal, second.interest) == (1_170_000, 30_000)
    assert outstanding(loan) == 6_000_000 - 1_910_000 - 1_170_000
    principal_in = funded.entries.filter(entry_type=EntryType.PRINCIPAL).values_list("amount", flat=True)
    interest_in = funded.entries.filter(entry_type=EntryType.INTEREST).values_list("amount", flat=True)
    assert sorted(principal_in) == [1_170_000, 1_910_000] and sorted(interest_in) == [30_000, 90_000]
    assert funded.balance() == 44_000_000 + 3_200_000
    audit = last_audit("loans.repayment.recorded")
    assert audit.data == {
        "repayment": second.pk,
        "amount": 1_200_000,
        "principal": 1_170_000,
        "interest": 30_000,
        "paid_on": "2025-01-15",
        "status": "disbursed",
    }


def test_repayment_before_anything_is_due_goes_to_the_next_instalments(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    repayment = repay(loan, treasurer, 1_500_000, D(2024, 9, 30))
    assert split_of(repayment) == {1: (1_000_000, 30_000), 2: (440_000, 30_000)}


def test_overpayment_refused_with_the_message(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 6_180_001, D(2024, 10, 15))
    assert messages_of(caught, "amount") == [
        "Only 6.180.000\u00a0đ is still owed on this loan: 6.180.001\u00a0đ is too much."
    ]
    assert not loan.repayments.exists() and funded.balance() == 44_000_000
    # Everything owed, on the last due date, repays the loan without an early closure.
    repayment = repay(loan, treasurer, 6_180_000, D(2025, 3, 15))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID and loan.closed_on == D(2025, 3, 15)
    assert not repayment.closed_loan_early


def test_early_full_repayment_closes_the_loan_without_later_interest(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    # On 20/11: all 5.000.000 of principal and the interest due by then (instalment 2's 30.000).
    assert allocation.payoff(selectors.instalment_states(loan), D(2024, 11, 20)) == 5_030_000
    payoff = repay(loan, treasurer, 5_030_000, D(2024, 11, 20))
    assert payoff.closed_loan_early and (payoff.principal, payoff.interest) == (5_000_000, 30_000)
    assert split_of(payoff) == {
        2: (1_000_000, 30_000),
        3: (1_000_000, 0),
        4: (1_000_000, 0),
        5: (1_000_000, 0),
        6: (1_000_000, 0),
    }
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID and loan.closed_on == D(2024, 11, 20)
    cancelled = dict(loan.instalments.values_list("number", "cancelled_on"))
    assert cancelled == {
        1: None,
        2: None,
        3: D(2024, 11, 20),
        4: D(2024, 11, 20),
        5: D(2024, 11, 20),
        6: D(2024, 11, 20),
    }
    assert funded.balance() == 44_000_000 + 1_030_000 + 5_030_000
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 10_000, D(2024, 11, 25))
    assert messages_of(caught) == ["The loan is “repaid”: this cannot be done now."]


def test_repayment_dated_before_the_last_one_refused(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 1_030_000, D(2024, 10, 14))
    assert messages_of(caught, "paid_on") == [
        "The loan's last repayment is dated 15/10/2024: a new one cannot be earlier."
    ]
    repay(loan, treasurer, 1_030_000, D(2024, 10, 15))  # the same day is fine
    assert loan.repayments.count() == 2


def test_repayment_refusals(club, treasurer, rules, funded, member, world):
    loan = disbursed(club, treasurer, member)
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 1_030_000, D(2024, 10, 15), club=world.club_b1)
    assert messages_of(caught) == ["This loan belongs to another club."]
    repay(loan, treasurer, 1_030_000, D(2024, 10, 15), club=club)
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 1_030_000, D(2024, 9, 14))
    assert "paid_on" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 1_030_000, TODAY + datetime.timedelta(days=1))
    assert messages_of(caught, "paid_on") == ["The date cannot be in the future."]
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 0, D(2024, 11, 15))
    assert "amount" in caught.value.message_dict
    assert loan.repayments.count() == 1


# --- reversal -------------------------------------------------------------------------------


def test_reversal_only_the_latest_and_cash_corrected(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    first = repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    second = repay(loan, treasurer, 1_030_000, D(2024, 11, 15))
    with pytest.raises(ValidationError) as caught:
        services.repayment_reverse(actor=treasurer, repayment=first, reason="nhầm")
    assert messages_of(caught) == ["Reverse the loan's later repayments first: only the latest can be reversed."]
    with pytest.raises(ValidationError) as caught:
        services.repayment_reverse(actor=treasurer, repayment=second, reason=" ")
    assert messages_of(caught, "reason") == ["Give the reason."]
    services.repayment_reverse(actor=treasurer, repayment=second, reason="nhầm người", reversed_on=D(2024, 11, 20))
    second.refresh_from_db()
    assert second.reversed_on == D(2024, 11, 20) and second.reversal_reason == "nhầm người"
    corrections = funded.entries.filter(entry_type=EntryType.CORRECTION)
    assert sorted(corrections.values_list("amount", "direction", "entry_date")) == [
        (30_000, -1, D(2024, 11, 20)),
        (1_000_000, -1, D(2024, 11, 20)),
    ]
    assert funded.balance() == 44_000_000 + 1_030_000
    assert outstanding(loan) == 5_000_000
    with pytest.raises(ValidationError) as caught:
        services.repayment_reverse(actor=treasurer, repayment=second, reason="lại")
    assert messages_of(caught) == ["This repayment has already been reversed."]
    # The earlier one is now the latest.
    services.repayment_reverse(actor=treasurer, repayment=first, reason="nhầm")
    assert funded.balance() == 44_000_000 and outstanding(loan) == 6_000_000
    audit = last_audit("loans.repayment.reversed")
    assert audit.data == {"repayment": first.pk, "amount": 1_030_000, "reason": "nhầm", "status": "disbursed"}


def test_an_instalment_is_paid_in_full_on_the_day_its_repayments_reach_what_is_due(
    club, treasurer, rules, funded, member
):
    """Instalment.settled_on, which the portfolio and PAR30 read to know what is late: set by the
    repayment that completes an instalment, undone by its reversal."""
    loan = disbursed(club, treasurer, member)

    def settled():
        return dict(loan.instalments.order_by("number").values_list("number", "settled_on")[:3])

    assert settled() == {1: None, 2: None, 3: None}
    repay(loan, treasurer, 530_000, D(2024, 10, 15))  # half of the first instalment
    assert settled() == {1: None, 2: None, 3: None}
    completing = repay(loan, treasurer, 1_530_000, D(2024, 11, 12))  # the rest, and the second whole
    assert settled() == {1: D(2024, 11, 12), 2: D(2024, 11, 12), 3: None}
    services.repayment_reverse(actor=treasurer, repayment=completing, reason="nhầm", reversed_on=D(2024, 11, 20))
    assert settled() == {1: None, 2: None, 3: None}
    repay(loan, treasurer, 3_090_000, D(2024, 12, 15))  # the first three instalments
    kept = list(Instalment.objects.order_by("pk").values_list("pk", "settled_on"))
    assert kept[2][1] == D(2024, 12, 15) and kept[3][1] is None

    # The migration that brought the field in works it out the same for the rows already written.
    migration = importlib.import_module("loans.migrations.0003_instalment_settled_on")
    Instalment.objects.update(settled_on=None)
    with connection.cursor() as cursor:
        migration.paid_in_full(None, types.SimpleNamespace(execute=cursor.execute))
    assert list(Instalment.objects.order_by("pk").values_list("pk", "settled_on")) == kept


def test_reversing_an_early_payoff_restores_the_schedule(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    payoff = repay(loan, treasurer, 6_000_000, D(2024, 10, 1))
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    assert loan.instalments.filter(cancelled_on__isnull=False).count() == 6
    services.repayment_reverse(actor=treasurer, repayment=payoff, reason="nhầm")
    loan.refresh_from_db()
    assert loan.status == LoanStatus.DISBURSED and loan.closed_on is None
    assert not loan.instalments.filter(cancelled_on__isnull=False).exists()
    assert outstanding(loan) == 6_000_000 and funded.balance() == 44_000_000
    # A payment after the reversal is split on the restored schedule again.
    assert split_of(repay(loan, treasurer, 1_030_000, D(2024, 10, 15))) == {1: (1_000_000, 30_000)}


def test_reversing_a_payoff_made_the_day_of_a_rescheduling_keeps_the_old_schedule_cancelled(
    club, treasurer, rules, funded, member
):
    loan = disbursed(club, treasurer, member)
    services.loan_reschedule(
        actor=treasurer,
        loan=loan,
        on=D(2024, 12, 20),
        term_months=3,
        first_due_on=D(2025, 1, 15),
        reason="mất mùa",
        decision_reference="QĐ 3",
    )
    live_before = set(loan.instalments.filter(cancelled_on__isnull=True).values_list("number", flat=True))
    payoff = allocation.payoff(selectors.instalment_states(loan), D(2024, 12, 20))
    repayment = repay(loan, treasurer, payoff, D(2024, 12, 20))
    assert repayment.closed_loan_early
    services.repayment_reverse(actor=treasurer, repayment=repayment, reason="nhầm")
    assert set(loan.instalments.filter(cancelled_on__isnull=True).values_list("number", flat=True)) == live_before
    assert outstanding(loan) == 6_000_000


def test_reversal_refused_after_a_rescheduling_that_replaced_what_it_paid(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    partial = repay(loan, treasurer, 500_000, D(2024, 10, 15))  # part of instalment 1
    services.loan_reschedule(
        actor=treasurer,
        loan=loan,
        on=D(2024, 12, 20),
        term_months=6,
        first_due_on=D(2025, 1, 15),
        reason="mất mùa",
        decision_reference="QĐ 3",
    )
    with pytest.raises(ValidationError) as caught:
        services.repayment_reverse(actor=treasurer, repayment=partial, reason="nhầm")
    assert caught.value.messages == [str(repayments.ERROR_REVERSAL_AFTER_RESCHEDULING)]
    assert outstanding(loan) == 6_000_000 - 470_000


def test_reversal_refused_on_a_written_off_loan(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    repayment = repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    services.loan_write_off(actor=treasurer, loan=loan, on=D(2025, 1, 5), reason="qua đời", decision_reference="QĐ")
    with pytest.raises(ValidationError) as caught:
        services.repayment_reverse(actor=treasurer, repayment=repayment, reason="nhầm")
    assert caught.value.messages == ["The loan is “written off”: this cannot be done now."]


# --- write-off, rescheduling ----------------------------------------------------------------


def test_write_off(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    repay(loan, treasurer, 400_000, D(2024, 11, 15))  # instalment 2 in part
    balance = funded.balance()
    with pytest.raises(ValidationError) as caught:
        services.loan_write_off(actor=treasurer, loan=loan, on=D(2025, 1, 5), reason=" ", decision_reference="QĐ")
    assert messages_of(caught, "reason") == ["Give the reason."]
    with pytest.raises(ValidationError) as caught:
        services.loan_write_off(actor=treasurer, loan=loan, on=D(2025, 1, 5), reason="x", decision_reference="")
    assert messages_of(caught, "decision_reference") == ["Give the reference of the board decision or meeting minutes."]
    services.loan_write_off(
        actor=treasurer, loan=loan, on=D(2025, 1, 5), reason=" Qua đời ", decision_reference="QĐ 5/2025"
    )
    loan.refresh_from_db()
    assert (loan.status, loan.closed_on, loan.written_off_amount) == (LoanStatus.WRITTEN_OFF, D(2025, 1, 5), 4_630_000)
    assert (loan.write_off_reason, loan.write_off_reference) == ("Qua đời", "QĐ 5/2025")
    # Instalment 1 was paid and stays; the others are cancelled on the write-off date.
    assert dict(loan.instalments.values_list("number", "cancelled_on")) == {
        1: None,
        2: D(2025, 1, 5),
        3: D(2025, 1, 5),
        4: D(2025, 1, 5),
        5: D(2025, 1, 5),
        6: D(2025, 1, 5),
    }
    # Nothing moves in the cash book: the loss is reported from the loan, not as an entry.
    assert funded.balance() == balance
    assert not funded.entries.filter(entry_date=D(2025, 1, 5)).exists()
    assert last_audit("loans.loan.written_off").data == {
        "status": ["disbursed", "written_off"],
        "principal": 4_630_000,
        "reason": "Qua đời",
    }
    with pytest.raises(ValidationError):
        repay(loan, treasurer, 100_000, D(2025, 1, 10))
    with pytest.raises(ValidationError):
        services.loan_write_off(actor=treasurer, loan=loan, on=D(2025, 1, 6), reason="x", decision_reference="y")


def test_write_off_not_before_the_disbursement_nor_in_the_future(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    for day in (D(2024, 9, 14), TODAY + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            services.loan_write_off(actor=treasurer, loan=loan, on=day, reason="x", decision_reference="y")
        assert "on" in caught.value.message_dict
    loan.refresh_from_db()
    assert loan.status == LoanStatus.DISBURSED


def test_reschedule(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    repay(loan, treasurer, 20_000, D(2024, 11, 15))  # part of instalment 2's interest
    rescheduling = services.loan_reschedule(
        actor=treasurer,
        loan=loan,
        on=D(2024, 12, 20),
        term_months=7,
        first_due_on=D(2025, 1, 15),
        reason=" Lũ lụt ",
        decision_reference="QĐ 7",
    )
    # Unpaid interest already due: 10.000 of instalment 2 and 30.000 of instalment 3.
    assert (rescheduling.principal, rescheduling.interest_carried) == (5_000_000, 40_000)
    assert rescheduling.reason == "Lũ lụt"
    cancelled = dict(loan.instalments.filter(number__lte=6).values_list("number", "cancelled_on"))
    assert cancelled == {
        1: None,
        2: D(2024, 12, 20),
        3: D(2024, 12, 20),
        4: D(2024, 12, 20),
        5: D(2024, 12, 20),
        6: D(2024, 12, 20),
    }
    new = list(loan.instalments.filter(number__gt=6).values_list("number", "due_on", "principal_due", "interest_due"))
    # 5.000.000 ÷ 7 = 714.285 (the last 714.290); flat interest on 5.000.000 at 0,5 % = 25.000.
    assert new == [
        (7, D(2025, 1, 15), 714_285, 25_000 + 40_000),
        (8, D(2025, 2, 15), 714_285, 25_000),
        (9, D(2025, 3, 15), 714_285, 25_000),
        (10, D(2025, 4, 15), 714_285, 25_000),
        (11, D(2025, 5, 15), 714_285, 25_000),
        (12, D(2025, 6, 15), 714_285, 25_000),
        (13, D(2025, 7, 15), 714_290, 25_000),
    ]
    assert sum(row[2] for row in new) == outstanding(loan) == 5_000_000
    audit = last_audit("loans.loan.rescheduled")
    assert audit.data == {
        "on": "2024-12-20",
        "term_months": 7,
        "principal": 5_000_000,
        "interest_carried": 40_000,
        "cancelled_instalments": 5,
    }
    # Paying the first new instalment pays the carried interest first.
    assert split_of(repay(loan, treasurer, 65_000, D(2025, 1, 15))) == {7: (0, 65_000)}


def test_reschedule_refusals(club, treasurer, rules, funded, member):
    loan = disbursed(club, treasurer, member)
    kwargs = {"actor": treasurer, "loan": loan, "term_months": 6, "reason": "x", "decision_reference": "y"}
    with pytest.raises(ValidationError) as caught:
        services.loan_reschedule(on=D(2024, 12, 20), first_due_on=D(2024, 12, 20), **kwargs)
    assert messages_of(caught, "first_due_on") == ["The first due date must be after 20/12/2024."]
    with pytest.raises(ValidationError):
        services.loan_reschedule(on=D(2024, 9, 1), first_due_on=D(2024, 10, 15), **kwargs)
    assert loan.instalments.count() == 6 and not loan.reschedulings.exists()


# --- loans taken over from paper ------------------------------------------------------------

TAKE_OVER = {
    "amount": 12_000_000,
    "disbursed_on": D(2024, 6, 20),
    "term_months": 12,
    "monthly_rate": Decimal("0.5"),
    "frequency": RepaymentFrequency.MONTHLY,
    "next_due_on": D(2025, 2, 15),
    "meeting_day": 15,
}


def take_over_rows(**kwargs):
    arguments = {**TAKE_OVER, "overdue_instalments": 0, "overdue_amount": 0, **kwargs}
    return take_over_rules.take_over_schedule(**arguments)


def test_take_over_schedule_flat_without_arrears():
    # The term ends on 15/06/2025 (first due 15/07/2024 + 11 months): five months from 15/02.
    # Flat interest stays on the original 12.000.000.
    rows = take_over_rows(outstanding=6_000_000, method=InterestMethod.FLAT)
    assert rows == [(D(2025, month, 15), 1_200_000, 60_000) for month in range(2, 7)]


def test_take_over_schedule_declining_without_arrears():
    rows = take_over_rows(outstanding=6_000_000, method=InterestMethod.DECLINING)
    assert rows == [
        (D(2025, 2, 15), 1_200_000, 30_000),
        (D(2025, 3, 15), 1_200_000, 24_000),
        (D(2025, 4, 15), 1_200_000, 18_000),
        (D(2025, 5, 15), 1_200_000, 12_000),
        (D(2025, 6, 15), 1_200_000, 6_000),
    ]


def test_take_over_schedule_declining_with_arrears():
    # Two months overdue, 2.070.000: interest on the 7.000.000 still owed (35.000 a month) first,
    # the rest (2.000.000) is principal; the 5.000.000 left is spread over February to June.
    rows = take_over_rows(
        outstanding=7_000_000, method=InterestMethod.DECLINING, overdue_instalments=2, overdue_amount=2_070_000
    )
    assert rows == [
        (D(2024, 12, 15), 1_000_000, 35_000),
        (D(2025, 1, 15), 1_000_000, 35_000),
        (D(2025, 2, 15), 1_000_000, 25_000),
        (D(2025, 3, 15), 1_000_000, 20_000),
        (D(2025, 4, 15), 1_000_000, 15_000),
        (D(2025, 5, 15), 1_000_000, 10_000),
        (D(2025, 6, 15), 1_000_000, 5_000),
    ]


def test_take_over_schedule_flat_with_arrears_odd_amounts():
    # 3 months overdue, 1.000.000: 3 × 60.000 interest, 820.000 principal (273.333 ×2 + 273.334).
    rows = take_over_rows(
        outstanding=7_000_000, method=InterestMethod.FLAT, overdue_instalments=3, overdue_amount=1_000_000
    )
    assert rows[:3] == [
        (D(2024, 11, 15), 273_333, 60_000),
        (D(2024, 12, 15), 273_333, 60_000),
        (D(2025, 1, 15), 273_334, 60_000),
    ]
    assert rows[3:] == [(D(2025, month, 15), 1_236_000, 60_000) for month in range(2, 7)]
    assert sum(row[1] for row in rows) == 7_000_000


def test_take_over_schedule_arrears_smaller_than_the_interest():
    rows = take_over_rows(
        outstanding=7_000_000, method=InterestMethod.FLAT, overdue_instalments=2, overdue_amount=100_000
    )
    assert rows[:2] == [(D(2024, 12, 15), 0, 50_000), (D(2025, 1, 15), 0, 50_000)]
    assert sum(row[1] for row in rows) == 7_000_000


def test_take_over_schedule_past_the_end_of_the_term_and_principal_at_the_end():
    assert take_over_rows(outstanding=7_000_000, method=InterestMethod.FLAT, next_due_on=D(2025, 9, 15)) == [
        (D(2025, 9, 15), 7_000_000, 60_000)
    ]
    rows = take_over_rows(outstanding=7_000_000, method=InterestMethod.FLAT, frequency=RepaymentFrequency.AT_END)
    assert [row[1] for row in rows] == [0, 0, 0, 0, 7_000_000]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outstanding": 12_000_001}, take_over_rules.ERROR_TAKE_OVER_OUTSTANDING),
        ({"outstanding": 0}, take_over_rules.ERROR_TAKE_OVER_OUTSTANDING),
        ({"outstanding": 7_000_000, "overdue_instalments": 2}, take_over_rules.ERROR_TAKE_OVER_OVERDUE),
        ({"outstanding": 7_000_000, "overdue_amount": 100_000}, take_over_rules.ERROR_TAKE_OVER_OVERDUE),
        (
            {"outstanding": 1_000_000, "overdue_instalments": 1, "overdue_amount": 2_000_000},
            take_over_rules.ERROR_TAKE_OVER_OVERDUE_TOO_MUCH,
        ),
    ],
)
def test_take_over_schedule_refusals(kwargs, message):
    with pytest.raises(ValueError) as caught:
        take_over_rows(method=InterestMethod.FLAT, **kwargs)
    assert caught.value.args[0] == message


def take_over(club, treasurer, borrower, **kwargs):
    arguments = {
        "actor": treasurer,
        "club": club,
        "borrower": borrower,
        "go_live_on": D(2025, 1, 31),
        **books.PAPER_LOAN,
        "outstanding": 7_000_000,
        "next_due_on": D(2025, 2, 15),
    }
    return services.loan_take_over(**{**arguments, **kwargs})


def test_loan_take_over(club, treasurer, member, fund):
    loan = take_over(club, treasurer, member, grace_days=3)
    assert (loan.status, loan.repaid_before_go_live, loan.go_live_on) == (
        LoanStatus.DISBURSED,
        5_000_000,
        D(2025, 1, 31),
    )
    assert outstanding(loan) == 7_000_000
    assert loan.instalments.first().late_after == D(2025, 2, 18)
    assert not fund.entries.exists()  # the money left the fund before the cut-off
    assert last_audit("loans.loan.taken_over").data["outstanding"] == 7_000_000
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 100_000, D(2025, 1, 30))
    assert messages_of(caught, "paid_on") == ["This date cannot be before the take-over of the loan (31/01/2025)."]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"disbursed_on": D(2025, 1, 31)}, "disbursed_on"),
        ({"next_due_on": D(2025, 1, 31)}, "next_due_on"),
        ({"outstanding": 13_000_000}, "outstanding"),
        ({"overdue_instalments": 1}, "outstanding"),
        ({"amount": 0}, "amount"),
    ],
)
def test_loan_take_over_refusals(club, treasurer, member, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        take_over(club, treasurer, member, **kwargs)
    assert field in caught.value.message_dict
    assert not club.loans.exists()


def test_loan_take_over_not_a_member(club, treasurer, world):
    outsider = factories.MembershipFactory(club=world.club_b1).person
    with pytest.raises(ValidationError) as caught:
        take_over(club, treasurer, outsider)
    assert "borrower" in caught.value.message_dict


# --- closed months --------------------------------------------------------------------------


def test_nothing_dated_in_a_closed_month(club, treasurer, rules, funded, member, province_staff):
    loan = disbursed(club, treasurer, member)
    first = repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    month_close(actor=treasurer, club=club, month=D(2024, 11, 1))
    closed_message = ["The club has closed its books for 11/2024: nothing more can be dated in that month."]
    with pytest.raises(ValidationError) as caught:
        repay(loan, treasurer, 1_030_000, D(2024, 11, 15))
    assert messages_of(caught, "paid_on") == closed_message
    with pytest.raises(ValidationError) as caught:
        services.loan_write_off(actor=treasurer, loan=loan, on=D(2024, 11, 20), reason="x", decision_reference="y")
    assert messages_of(caught, "on") == closed_message
    with pytest.raises(ValidationError) as caught:
        services.loan_reschedule(
            actor=treasurer,
            loan=loan,
            on=D(2024, 11, 20),
            term_months=6,
            first_due_on=D(2024, 12, 15),
            reason="x",
            decision_reference="y",
        )
    assert messages_of(caught, "on") == closed_message
    with pytest.raises(ValidationError) as caught:
        services.repayment_reverse(actor=treasurer, repayment=first, reason="nhầm", reversed_on=D(2024, 11, 20))
    assert caught.value.messages == closed_message
    other = approve(
        apply(club, treasurer, factories.MembershipFactory(club=club).person, on=D(2024, 11, 5)),
        treasurer,
        on=D(2024, 11, 6),
    )
    with pytest.raises(ValidationError) as caught:
        services.loan_disburse(actor=treasurer, loan=other, disbursed_on=D(2024, 11, 10))
    assert messages_of(caught, "disbursed_on") == closed_message
    assert not other.instalments.exists()
    assert loan.repayments.count() == 1 and not loan.reschedulings.exists()


def test_reversing_a_repayment_of_a_closed_month(club, treasurer, rules, funded, member, province_staff):
    loan = disbursed(club, treasurer, member)
    repayment = repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    month_close(actor=treasurer, club=club, month=D(2024, 10, 1))
    with pytest.raises(ValidationError) as caught:
        services.repayment_reverse(actor=treasurer, repayment=repayment, reason="nhầm")
    assert caught.value.messages == [str(ERROR_MONTH_CLOSED_CORRECTION % {"month": "10/2024"})]
    repayment.refresh_from_db()
    assert repayment.reversed_on is None
    services.repayment_reverse(actor=province_staff, repayment=repayment, reason="nhầm", in_closed_month_allowed=True)
    assert funded.balance() == 44_000_000
    assert ClosedMonth.objects.filter(club=club).count() == 1


def test_a_write_off_cannot_be_dated_before_the_last_repayment(club, treasurer, funded, rules, member):
    loan = disbursed(club, treasurer, member)
    repay(loan, treasurer, 1_030_000, D(2024, 10, 15))
    with pytest.raises(ValidationError) as caught:
        services.loan_write_off(
            actor=treasurer, loan=loan, on=D(2024, 10, 1), reason="qua đời", decision_reference="QĐ"
        )
    assert messages_of(caught, "on") == ["This date cannot be before the last repayment (15/10/2024)."]
    loan.refresh_from_db()
    assert loan.status == LoanStatus.DISBURSED
