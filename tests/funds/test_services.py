"""The cash-book services: entries of each type, the rules they check (with their messages,
nothing half saved), the database's own checks, corrections, opening balances, closed months
and the audit log. Club A1 meets on the 15th; today is 15/03/2025."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from core.money import format_vnd
from funds import services
from funds.models import CapitalSource, ClosedMonth, EntryType, FundEntry, FundKind
from loans import services as loan_services
from loans.models import InterestMethod, LoanPurpose, RepaymentFrequency
from tests import factories
from tests.conftest import TODAY

D = datetime.date
pytestmark = pytest.mark.usefixtures("in_english")
MEMBERS = CapitalSource.MEMBERS


@pytest.fixture
def income(club):
    return club.funds.get(kind=FundKind.INCOME)


@pytest.fixture
def activity(club):
    return club.funds.get(kind=FundKind.ACTIVITY)


def contribute(treasurer, fund, amount, on, **kwargs):
    return services.contribution_record(
        actor=treasurer, fund=fund, amount=amount, entry_date=on, source=kwargs.pop("source", MEMBERS), **kwargs
    )


def spend(treasurer, fund, amount, on, purpose="Thăm hội viên ốm"):
    return services.spending_record(actor=treasurer, fund=fund, amount=amount, entry_date=on, purpose=purpose)


def correct(treasurer, entry, on=TODAY, reason="Ghi nhầm", **kwargs):
    return services.entry_correct(actor=treasurer, entry=entry, entry_date=on, reason=reason, **kwargs)


def messages_of(caught, field=None):
    return caught.value.messages if field is None else caught.value.message_dict[field]


def entries_sum(fund, on=None):
    """The balance computed in Python, independently of Fund.balance()."""
    return sum(entry.amount * entry.direction for entry in fund.entries.all() if on is None or entry.entry_date <= on)


# --- each type of entry ---------------------------------------------------------------------


def test_each_type_gets_its_direction(treasurer, income, activity):
    opening = services.opening_balance_record(
        actor=treasurer, fund=activity, amount=2_000_000, entry_date=D(2024, 1, 1)
    )
    contribution = contribute(
        treasurer,
        activity,
        1_500_000,
        D(2024, 1, 10),
        source=CapitalSource.CARE_FUND,
        contributor=" Hội NCT xã ",
        document_number=" PT-01 ",
        description=" Hỗ trợ ",
    )
    spending = spend(treasurer, activity, 300_000, D(2024, 1, 20), purpose=" Quà Tết ")
    out, into = services.transfer_record(
        actor=treasurer, from_fund=activity, to_fund=income, amount=1_000_000, entry_date=D(2024, 2, 1)
    )
    (correction,) = correct(treasurer, spending, on=D(2024, 2, 5))
    directions = {
        entry.entry_type: entry.direction for entry in (opening, contribution, spending, out, into, correction)
    }
    assert directions == {
        EntryType.OPENING: 1,
        EntryType.CONTRIBUTION: 1,
        EntryType.SPENDING: -1,
        EntryType.TRANSFER_OUT: -1,
        EntryType.TRANSFER_IN: 1,
        EntryType.CORRECTION: 1,  # reverses money that went out
    }
    assert (contribution.contributor, contribution.document_number, contribution.description) == (
        "Hội NCT xã",
        "PT-01",
        "Hỗ trợ",
    )
    assert spending.description == "Quà Tết" and contribution.created_by == treasurer
    assert activity.balance() == 2_000_000 + 1_500_000 - 300_000 - 1_000_000 + 300_000 == entries_sum(activity)
    assert income.balance() == 1_000_000


def test_contribution_needs_a_source_and_spending_a_purpose(treasurer, activity):
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, activity, 1_000_000, D(2024, 1, 10), source="")
    assert messages_of(caught, "source") == ["Say where the money comes from."]
    contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    with pytest.raises(ValidationError) as caught:
        spend(treasurer, activity, 100_000, D(2024, 1, 10), purpose="  ")
    assert messages_of(caught, "purpose") == ["Say what the money was spent on."]
    assert activity.entries.count() == 1


def test_loan_entries_only_through_the_loan_services(treasurer, income):
    """write_entry accepts a disbursement only with its loan: the database says so."""
    contribute(treasurer, income, 1_000_000, D(2024, 1, 10))
    (locked,) = services.lock_funds(income)
    with pytest.raises(IntegrityError), transaction.atomic():
        services.write_entry(
            actor=treasurer, fund=locked, entry_type=EntryType.DISBURSEMENT, amount=100_000, entry_date=D(2024, 1, 11)
        )
    assert income.entries.count() == 1


# --- the database's own checks --------------------------------------------------------------


def raw_entry(fund, **fields):
    values = {"entry_type": EntryType.SPENDING, "direction": -1, "amount": 1_000, "entry_date": D(2024, 1, 10)}
    return FundEntry(fund=fund, **{**values, **fields})


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"amount": -1_000}, id="negative amount"),
        pytest.param({"amount": 0}, id="zero amount"),
        pytest.param({"direction": 1}, id="spending as money in"),
        pytest.param({"entry_type": EntryType.CONTRIBUTION, "direction": -1, "source": MEMBERS}, id="contribution out"),
        pytest.param({"entry_type": EntryType.CONTRIBUTION, "direction": 1}, id="contribution without a source"),
        pytest.param({"direction": 2}, id="direction two"),
        pytest.param({"entry_type": EntryType.CORRECTION, "direction": 1}, id="correction of nothing"),
        pytest.param({"entry_type": EntryType.TRANSFER_IN, "direction": 1}, id="transfer in naming no transfer out"),
        pytest.param({"entry_type": EntryType.INTEREST, "direction": 1}, id="interest without a loan"),
    ],
)
def test_database_refuses_an_impossible_entry(income, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_entry(income, **fields).save()
    assert not income.entries.exists()


def test_database_accepts_a_consistent_entry(income):
    raw_entry(income, entry_type=EntryType.CONTRIBUTION, direction=1, source=MEMBERS).save()
    assert income.balance() == 1_000


# --- amounts and dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (0, "The amount must be more than 0 đồng."),
        (-5, "The amount must be more than 0 đồng."),
        ("100000", "Amounts are whole đồng."),
        (False, "Amounts are whole đồng."),
    ],
)
def test_bad_amounts(treasurer, activity, amount, message):
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, activity, amount, D(2024, 1, 10))
    assert messages_of(caught, "amount") == [message]


def test_the_amount_ceiling(treasurer, activity):
    ceiling = settings.FUNDS_MAX_AMOUNT
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, activity, ceiling + 1, D(2024, 1, 10))
    assert messages_of(caught, "amount") == [
        f"{format_vnd(ceiling + 1)} is more than the largest amount the product accepts ({format_vnd(ceiling)}): "
        "check the number of zeros."
    ]
    assert contribute(treasurer, activity, ceiling, D(2024, 1, 10)).amount == ceiling


def test_dates_not_in_the_future_nor_before_the_club(treasurer, activity):
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, activity, 1_000, TODAY + datetime.timedelta(days=1))
    assert messages_of(caught, "entry_date") == ["The date cannot be in the future."]
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, activity, 1_000, D(2022, 2, 28))
    assert messages_of(caught, "entry_date") == [
        "The club was established on 01/03/2022: money cannot move before that."
    ]
    assert contribute(treasurer, activity, 1_000, TODAY).entry_date == TODAY
    assert contribute(treasurer, activity, 1_000, D(2022, 3, 1)).entry_date == D(2022, 3, 1)


def test_club_without_a_decision_date_starts_at_its_launch(world, treasurer):
    fund = world.club_a2.funds.get(kind=FundKind.ACTIVITY)
    world.club_a2.launch_date = D(2023, 5, 1)
    world.club_a2.decision_date = None
    world.club_a2.save(update_fields=["launch_date", "decision_date"])
    fund.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, fund, 1_000, D(2023, 4, 30))
    assert messages_of(caught, "entry_date") == [
        "The club was established on 01/05/2023: money cannot move before that."
    ]


# --- balances and money out -----------------------------------------------------------------


def test_balance_as_of_a_date(treasurer, activity):
    contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    spend(treasurer, activity, 300_000, D(2024, 1, 20))
    contribute(treasurer, activity, 500_000, D(2024, 1, 20))
    assert activity.balance(D(2024, 1, 9)) == 0
    assert activity.balance(D(2024, 1, 10)) == 1_000_000
    assert activity.balance(D(2024, 1, 19)) == 1_000_000
    assert activity.balance(D(2024, 1, 20)) == 1_200_000 == activity.balance()
    assert entries_sum(activity, D(2024, 1, 20)) == 1_200_000


def test_money_out_refused_beyond_the_balance(treasurer, activity):
    contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    with pytest.raises(ValidationError) as caught:
        spend(treasurer, activity, 1_000_001, D(2024, 1, 15))
    assert messages_of(caught, "amount") == [
        "The activity fund holds 1.000.000\u00a0đ on 15/01/2024: it cannot pay out 1.000.001\u00a0đ."
    ]
    spend(treasurer, activity, 1_000_000, D(2024, 1, 15))
    assert activity.balance() == 0
    # Nor before the money came in.
    with pytest.raises(ValidationError):
        spend(treasurer, activity, 1, D(2024, 1, 9))


def test_backdated_spending_refused_when_a_later_payment_needs_the_money(treasurer, activity):
    contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    spend(treasurer, activity, 800_000, D(2024, 2, 20))
    # On 15/01 the fund held 1.000.000, but from 20/02 on only 200.000 of it is free.
    with pytest.raises(ValidationError) as caught:
        spend(treasurer, activity, 500_000, D(2024, 1, 15))
    assert messages_of(caught, "amount") == [
        "The activity fund holds 200.000\u00a0đ on 20/02/2024: it cannot pay out 500.000\u00a0đ."
    ]
    spend(treasurer, activity, 200_000, D(2024, 1, 15))
    assert activity.balance() == 0 and activity.entries.count() == 3


def test_backdated_spending_checked_against_the_lowest_day_not_the_last(treasurer, activity):
    contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    spend(treasurer, activity, 900_000, D(2024, 2, 1))
    contribute(treasurer, activity, 5_000_000, D(2024, 3, 1))  # the fund is rich again at the end
    with pytest.raises(ValidationError) as caught:
        spend(treasurer, activity, 200_000, D(2024, 1, 20))
    assert "100.000\u00a0đ on 01/02/2024" in messages_of(caught, "amount")[0]
    spend(treasurer, activity, 200_000, D(2024, 3, 1))


def test_money_that_comes_in_later_cannot_pay_for_an_earlier_day(treasurer, income, activity):
    contribute(treasurer, activity, 1_000_000, D(2024, 2, 1))
    with pytest.raises(ValidationError) as caught:
        spend(treasurer, activity, 1, D(2024, 1, 15))
    assert messages_of(caught, "amount") == [
        "The activity fund holds 0\u00a0đ on 15/01/2024: it cannot pay out 1\u00a0đ."
    ]
    with pytest.raises(ValidationError):
        services.transfer_record(
            actor=treasurer, from_fund=activity, to_fund=income, amount=1, entry_date=D(2024, 1, 31)
        )
    assert activity.entries.count() == 1 and not income.entries.exists()


def test_same_day_money_in_counts_for_money_out(treasurer, activity):
    contribute(treasurer, activity, 400_000, D(2024, 1, 10))
    spend(treasurer, activity, 400_000, D(2024, 1, 10))
    assert activity.balance(D(2024, 1, 10)) == 0


# --- transfers ------------------------------------------------------------------------------


def test_transfer_both_halves_linked(treasurer, income, activity):
    contribute(treasurer, income, 3_000_000, D(2024, 1, 10))
    out, into = services.transfer_record(
        actor=treasurer,
        from_fund=income,
        to_fund=activity,
        amount=1_000_000,
        entry_date=D(2024, 1, 15),
        description=" Lãi quý I ",
    )
    out.refresh_from_db()
    into.refresh_from_db()
    assert out.counterpart == into and into.counterpart == out
    assert (out.entry_type, into.entry_type) == (EntryType.TRANSFER_OUT, EntryType.TRANSFER_IN)
    assert (out.fund, into.fund, out.description, into.description) == (income, activity, "Lãi quý I", "Lãi quý I")
    assert (income.balance(), activity.balance()) == (2_000_000, 1_000_000)


@pytest.mark.parametrize("half", ["out", "into"])
def test_correcting_one_half_of_a_transfer_corrects_both(treasurer, income, activity, half):
    contribute(treasurer, income, 3_000_000, D(2024, 1, 10))
    out, into = services.transfer_record(
        actor=treasurer, from_fund=income, to_fund=activity, amount=1_000_000, entry_date=D(2024, 1, 15)
    )
    corrections = correct(treasurer, out if half == "out" else into, on=D(2024, 1, 16))
    assert {(entry.fund, entry.corrects, entry.direction) for entry in corrections} == {
        (income, out, 1),
        (activity, into, -1),
    }
    assert (income.balance(), activity.balance()) == (3_000_000, 0)
    for entry in (out, into):
        with pytest.raises(ValidationError) as caught:
            correct(treasurer, entry)
        assert messages_of(caught) == ["This entry has already been corrected."]


def test_transfer_correction_refused_when_the_money_was_spent(treasurer, income, activity):
    contribute(treasurer, income, 3_000_000, D(2024, 1, 10))
    out, _into = services.transfer_record(
        actor=treasurer, from_fund=income, to_fund=activity, amount=1_000_000, entry_date=D(2024, 1, 15)
    )
    spend(treasurer, activity, 700_000, D(2024, 1, 20))
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, out, on=D(2024, 1, 25))
    assert messages_of(caught, "entry_date") == [
        "The activity fund holds 300.000\u00a0đ on 25/01/2024: it cannot pay out 1.000.000\u00a0đ."
    ]
    assert (income.balance(), activity.balance()) == (2_000_000, 300_000)
    assert not FundEntry.objects.filter(entry_type=EntryType.CORRECTION).exists()


def test_transfer_refusals(treasurer, income, activity, world):
    contribute(treasurer, income, 1_000_000, D(2024, 1, 10))
    other_club_fund = world.club_b1.funds.get(kind=FundKind.ACTIVITY)
    for to_fund in (income, other_club_fund):
        with pytest.raises(ValidationError) as caught:
            services.transfer_record(
                actor=treasurer, from_fund=income, to_fund=to_fund, amount=1_000, entry_date=D(2024, 1, 15)
            )
        assert messages_of(caught) == ["Money can only be transferred to the club's other fund."]
    with pytest.raises(ValidationError) as caught:
        services.transfer_record(
            actor=treasurer, from_fund=income, to_fund=activity, amount=1_000_001, entry_date=D(2024, 1, 15)
        )
    assert "amount" in caught.value.message_dict
    assert income.entries.count() == 1 and not activity.entries.exists()


# --- corrections ----------------------------------------------------------------------------


def test_correction_reverses_the_entry(treasurer, activity):
    entry = contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    (correction,) = correct(treasurer, entry, on=D(2024, 1, 12), reason=" Trùng phiếu ")
    assert (correction.entry_type, correction.amount, correction.direction) == (EntryType.CORRECTION, 1_000_000, -1)
    assert (correction.corrects, correction.description, correction.entry_date) == (
        entry,
        "Trùng phiếu",
        D(2024, 1, 12),
    )
    assert activity.balance(D(2024, 1, 11)) == 1_000_000 and activity.balance() == 0
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, entry)
    assert messages_of(caught) == ["This entry has already been corrected."]
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, correction)
    assert messages_of(caught) == ["A correction cannot itself be corrected: record the right entry again instead."]


def test_correction_refusals(treasurer, activity):
    entry = contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, entry, reason="  ")
    assert messages_of(caught, "reason") == ["Give the reason for the correction."]
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, entry, on=D(2024, 1, 9))
    assert messages_of(caught, "entry_date") == [
        "A correction cannot be dated before the entry it corrects (10/01/2024)."
    ]
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, entry, on=TODAY + datetime.timedelta(days=1))
    assert messages_of(caught, "entry_date") == ["The date cannot be in the future."]
    assert activity.entries.count() == 1


def test_correcting_money_in_that_was_spent_is_refused(treasurer, activity):
    entry = contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    spend(treasurer, activity, 600_000, D(2024, 1, 20))
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, entry, on=D(2024, 1, 10))
    assert messages_of(caught, "entry_date") == [
        "The activity fund holds 400.000\u00a0đ on 20/01/2024: it cannot pay out 1.000.000\u00a0đ."
    ]


def test_a_loan_entry_cannot_be_corrected_here(club, treasurer, income):
    contribute(treasurer, income, 10_000_000, D(2024, 1, 10))
    loan_services.rules_record(
        actor=treasurer,
        club=club,
        effective_from=D(2023, 1, 1),
        max_amount=10_000_000,
        max_term_months=12,
        monthly_rate=0,
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
    )
    borrower = factories.MembershipFactory(club=club).person
    loan = loan_services.loan_apply(
        actor=treasurer,
        club=club,
        borrower=borrower,
        amount=2_000_000,
        term_months=2,
        purpose=LoanPurpose.TRADE,
        applied_on=D(2024, 2, 1),
    )
    loan = loan_services.loan_approve(
        actor=treasurer, loan=loan, decided_on=D(2024, 2, 2), decision_body="board", decision_reference="BB"
    )
    loan_services.loan_disburse(actor=treasurer, loan=loan, disbursed_on=D(2024, 2, 3))
    loan_services.repayment_record(actor=treasurer, loan=loan, amount=1_000_000, paid_on=D(2024, 3, 15))
    for entry_type in (EntryType.DISBURSEMENT, EntryType.PRINCIPAL):
        with pytest.raises(ValidationError) as caught:
            correct(treasurer, income.entries.get(entry_type=entry_type))
        assert messages_of(caught) == [
            "This entry belongs to a loan: reverse the repayment or the loan on the loan's page instead."
        ]
    assert not income.entries.filter(entry_type=EntryType.CORRECTION).exists()


# --- opening balance ------------------------------------------------------------------------


def test_opening_balance_once(treasurer, activity):
    opening = services.opening_balance_record(
        actor=treasurer, fund=activity, amount=7_500_000, entry_date=D(2024, 12, 31), description=" Sổ giấy "
    )
    assert (opening.direction, opening.description, activity.balance()) == (1, "Sổ giấy", 7_500_000)
    with pytest.raises(ValidationError) as caught:
        services.opening_balance_record(actor=treasurer, fund=activity, amount=1_000, entry_date=D(2024, 12, 31))
    assert messages_of(caught) == [
        "The fund already has an opening balance (7.500.000\u00a0đ on 31/12/2024): correct it instead."
    ]
    # Entries cannot be dated before the opening balance.
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, activity, 1_000, D(2024, 12, 30))
    assert messages_of(caught, "entry_date") == [
        "The fund's opening balance is dated 31/12/2024: entries cannot be earlier."
    ]
    # Once corrected, a right one can be recorded.
    correct(treasurer, opening, on=D(2025, 1, 2))
    services.opening_balance_record(actor=treasurer, fund=activity, amount=7_000_000, entry_date=D(2024, 12, 31))
    assert activity.balance() == 7_000_000


def test_opening_balance_not_after_other_entries(treasurer, activity):
    contribute(treasurer, activity, 1_000_000, D(2025, 1, 10))
    with pytest.raises(ValidationError) as caught:
        services.opening_balance_record(actor=treasurer, fund=activity, amount=5_000_000, entry_date=D(2025, 1, 11))
    assert messages_of(caught, "entry_date") == [
        "The fund has entries from 10/01/2025: the opening balance must be dated no later."
    ]
    services.opening_balance_record(actor=treasurer, fund=activity, amount=5_000_000, entry_date=D(2025, 1, 10))
    assert activity.balance() == 6_000_000


# --- closed months --------------------------------------------------------------------------


def test_month_close_rules(club, treasurer):
    closed = services.month_close(actor=treasurer, club=club, month=D(2025, 3, 31))
    # Today is the meeting day of March: March can be closed, April not yet.
    assert closed.month == D(2025, 3, 1) and closed.closed_by == treasurer
    with pytest.raises(ValidationError) as caught:
        services.month_close(actor=treasurer, club=club, month=D(2025, 3, 1))
    assert messages_of(caught) == ["The books of 03/2025 are already closed."]
    with pytest.raises(ValidationError) as caught:
        services.month_close(actor=treasurer, club=club, month=D(2025, 4, 1))
    assert messages_of(caught) == [
        "The books of 04/2025 can be closed after the club's meeting of that month (15/04/2025)."
    ]
    audit = AuditEntry.objects.get(action="funds.month.closed")
    assert audit.data == {"month": "2025-03-01"} and audit.actor == treasurer


def test_closed_month_refuses_entries_until_reopened(club, treasurer, activity, province_staff):
    entry = contribute(treasurer, activity, 1_000_000, D(2025, 1, 10))
    closed = services.month_close(actor=treasurer, club=club, month=D(2025, 1, 1))
    message = ["The club has closed its books for 01/2025: nothing more can be dated in that month."]
    with pytest.raises(ValidationError) as caught:
        contribute(treasurer, activity, 1_000, D(2025, 1, 31))
    assert messages_of(caught, "entry_date") == message
    with pytest.raises(ValidationError) as caught:
        spend(treasurer, activity, 1_000, D(2025, 1, 1))
    assert messages_of(caught, "entry_date") == message
    contribute(treasurer, activity, 1_000, D(2025, 2, 1))  # the next month is open
    # Correcting an entry of the closed month is for province staff (in_closed_month_allowed).
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, entry, on=D(2025, 2, 5))
    assert messages_of(caught) == [
        "The club has closed its books for 01/2025: only province staff can correct an entry of a closed month."
    ]
    correct(province_staff, entry, on=D(2025, 2, 5), in_closed_month_allowed=True)
    assert activity.balance() == 1_000
    with pytest.raises(ValidationError) as caught:
        services.month_reopen(actor=province_staff, closed_month=closed, reason=" ")
    assert messages_of(caught, "reason") == ["Give the reason for the correction."]
    assert services.month_reopen(actor=province_staff, closed_month=closed, reason="Sửa phiếu thu") == D(2025, 1, 1)
    assert not ClosedMonth.objects.filter(club=club).exists()
    contribute(treasurer, activity, 1_000, D(2025, 1, 31))
    audit = AuditEntry.objects.get(action="funds.month.reopened")
    assert audit.data == {"month": "2025-01-01", "reason": "Sửa phiếu thu"}


def test_correction_dated_in_a_closed_month(club, treasurer, activity, province_staff):
    entry = contribute(treasurer, activity, 1_000_000, D(2025, 1, 10))
    services.month_close(actor=treasurer, club=club, month=D(2025, 2, 1))
    # The entry's month is open, but the correction's date falls in closed February.
    with pytest.raises(ValidationError) as caught:
        correct(treasurer, entry, on=D(2025, 2, 10))
    assert messages_of(caught, "entry_date") == [
        "The club has closed its books for 02/2025: nothing more can be dated in that month."
    ]
    (correction,) = correct(province_staff, entry, on=D(2025, 2, 10), in_closed_month_allowed=True)
    assert correction.entry_date == D(2025, 2, 10)


def test_closing_one_club_leaves_the_others_open(club, treasurer, world):
    services.month_close(actor=treasurer, club=club, month=D(2025, 1, 1))
    other = world.club_b1.funds.get(kind=FundKind.ACTIVITY)
    assert contribute(treasurer, other, 1_000, D(2025, 1, 10)).amount == 1_000


# --- the audit log --------------------------------------------------------------------------


def test_audit_entries_with_balance_before_and_after(club, treasurer, income, activity):
    contribute(treasurer, activity, 1_000_000, D(2024, 1, 10))
    spending = spend(treasurer, activity, 250_000, D(2024, 1, 12))
    services.transfer_record(
        actor=treasurer, from_fund=activity, to_fund=income, amount=100_000, entry_date=D(2024, 1, 13)
    )
    correct(treasurer, spending, on=D(2024, 1, 14))
    audits = list(AuditEntry.objects.filter(action="funds.entry.recorded").order_by("pk"))
    assert [(audit.data["fund"], audit.data["type"], audit.data["balance"]) for audit in audits] == [
        ("activity", "contribution", [0, 1_000_000]),
        ("activity", "spending", [1_000_000, 750_000]),
        ("activity", "transfer_out", [750_000, 650_000]),
        ("income", "transfer_in", [0, 100_000]),
        ("activity", "correction", [650_000, 900_000]),
    ]
    assert all(audit.actor == treasurer and audit.data["club"] == club.code for audit in audits)
    assert audits[1].target_id == str(spending.pk)
    assert (audits[1].data["amount"], audits[1].data["date"]) == (250_000, "2024-01-12")


def test_refused_entries_leave_no_audit(treasurer, activity):
    with pytest.raises(ValidationError):
        spend(treasurer, activity, 1_000, D(2024, 1, 12))
    assert not AuditEntry.objects.filter(action__startswith="funds.").exists()
