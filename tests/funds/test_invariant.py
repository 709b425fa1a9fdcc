"""Random sequences of money operations on one club keep the books whole.

A hypothesis state machine records contributions, spendings, transfers, corrections, loan
applications, approvals, disbursements, repayments, reversals, reschedulings and write-offs in
any order and on any dates; each either succeeds or is refused with a ValidationError. After
every step, recomputed in Python from the rows:
- each fund's balance() is the sum of its signed entries, and no day ends below zero;
- each loan's principal still owed (from its live instalments) is its amount less what was
  repaid before a take-over and the principal of its repayments not reversed (for a written-off
  loan, that is the amount written off);
- each loan's principal and interest entries in the cash book, net of their corrections, add up
  to its repayments not reversed; a disbursed loan has its disbursement entry;
- no instalment is paid more than it was due, and each is paid in full (settled_on) on the day
  its repayments not reversed first add up to what is due;
- the funds' month totals are those worked out from the entries, and the capital and balances
  read from them are those of the rules on any day.

The club, its members and its loan rules are made once; each example runs in a transaction
rolled back at its end.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from clubs.models import Club
from funds import months
from funds import selectors as fund_selectors
from funds import services as funds
from funds.models import LOAN_ENTRY_TYPES, CapitalSource, EntryType, FundEntry, FundKind, FundMonth
from loans import selectors
from loans import services as loans
from loans.allocation import payoff, settled_on
from loans.models import (
    Allocation,
    Instalment,
    InterestMethod,
    Loan,
    LoanPurpose,
    LoanStatus,
    Repayment,
    RepaymentFrequency,
)
from tests import factories
from tests.conftest import TODAY
from tests.funds.capital_rule import balances_by_rule, capital_by_rule, columns_of

D = datetime.date
FIRST_DAY = D(2024, 1, 1)

days = st.dates(min_value=FIRST_DAY, max_value=TODAY)
amounts = st.integers(min_value=1, max_value=8_000_000)
loan_amounts = st.integers(min_value=1, max_value=12_000_000)  # the rules allow 10.000.000
picks = st.integers(min_value=0, max_value=50)
later = st.integers(min_value=0, max_value=120)  # days after the loan's last event


def pick(items, index):
    return items[index % len(items)]


def attempt(action):
    """Run one service; a refusal is a normal outcome, anything else fails the test."""
    try:
        return action()
    except ValidationError:
        return None


class MoneyBooks(RuleBasedStateMachine):
    club = treasurer = members = None  # set by the test before the machine runs

    def __init__(self):
        super().__init__()
        self.example = transaction.atomic()
        self.example.__enter__()
        self.income = self.club.funds.get(kind=FundKind.INCOME)
        self.activity = self.club.funds.get(kind=FundKind.ACTIVITY)
        # Seed capital, so that most money out has something to come from.
        for fund, amount in ((self.income, 25_000_000), (self.activity, 3_000_000)):
            funds.contribution_record(
                actor=self.treasurer, fund=fund, amount=amount, entry_date=FIRST_DAY, source=CapitalSource.MEMBERS
            )

    def teardown(self):
        transaction.set_rollback(True)
        self.example.__exit__(None, None, None)

    def fund(self, is_income):
        return self.income if is_income else self.activity

    def loans(self, *statuses):
        return list(Loan.objects.filter(club=self.club, status__in=statuses).order_by("pk"))

    def has_loans(self, *statuses):
        return Loan.objects.filter(club=self.club, status__in=statuses).exists()

    # --- the cash book ----------------------------------------------------------------------

    @rule(is_income=st.booleans(), amount=amounts, day=days)
    def contribute(self, is_income, amount, day):
        attempt(
            lambda: funds.contribution_record(
                actor=self.treasurer,
                fund=self.fund(is_income),
                amount=amount,
                entry_date=day,
                source=CapitalSource.MEMBERS,
            )
        )

    @rule(is_income=st.booleans(), amount=amounts, day=days)
    def spend(self, is_income, amount, day):
        attempt(
            lambda: funds.spending_record(
                actor=self.treasurer, fund=self.fund(is_income), amount=amount, entry_date=day, purpose="Chi"
            )
        )

    @rule(from_income=st.booleans(), amount=amounts, day=days)
    def transfer(self, from_income, amount, day):
        attempt(
            lambda: funds.transfer_record(
                actor=self.treasurer,
                from_fund=self.fund(from_income),
                to_fund=self.fund(not from_income),
                amount=amount,
                entry_date=day,
            )
        )

    @rule(index=picks, day=days)
    def correct(self, index, day):
        # Any entry, loan entries and corrections included: the service must refuse those itself.
        entries = list(FundEntry.objects.filter(fund__club=self.club).order_by("pk"))
        if entries:
            attempt(
                lambda: funds.entry_correct(
                    actor=self.treasurer, entry=pick(entries, index), entry_date=day, reason="x"
                )
            )

    # --- the loan cycle ---------------------------------------------------------------------

    @rule(
        index=picks,
        amount=loan_amounts,
        term=st.integers(min_value=1, max_value=13),  # the rules allow 12
        day=days,
        stop_early=st.integers(min_value=0, max_value=2),
        override=st.sampled_from([True, False]),
    )
    def lend(self, index, amount, term, day, stop_early, override):
        """Apply, approve and disburse (stop_early steps fewer), stopping at a refusal."""
        loan = attempt(
            lambda: loans.loan_apply(
                actor=self.treasurer,
                club=self.club,
                borrower=pick(self.members, index),
                amount=amount,
                term_months=term,
                purpose=LoanPurpose.OTHER,
                applied_on=day,
            )
        )
        for _step in range(2 - stop_early):
            if loan is None:
                return
            loan = self.advance_one(loan, days_later=index % 20, override=override)

    @precondition(lambda self: self.has_loans(LoanStatus.APPLIED, LoanStatus.APPROVED))
    @rule(index=picks, days_later=st.integers(min_value=0, max_value=60), override=st.sampled_from([True, False]))
    def advance(self, index, days_later, override):
        """Take an application or an approved loan one step further (or reject the application)."""
        waiting = self.loans(LoanStatus.APPLIED, LoanStatus.APPROVED)
        if waiting:
            self.advance_one(pick(waiting, index), days_later, override)

    def advance_one(self, loan, days_later, override):
        if loan.status == LoanStatus.APPLIED:
            decided_on = min(loan.applied_on + datetime.timedelta(days=days_later), TODAY)
            if days_later % 7 == 6:
                return attempt(
                    lambda: loans.loan_reject(
                        actor=self.treasurer,
                        loan=loan,
                        decided_on=decided_on,
                        decision_body="meeting",
                        decision_reference="BB",
                        reason="Chưa đủ vốn",
                    )
                )
            return attempt(
                lambda: loans.loan_approve(
                    actor=self.treasurer,
                    loan=loan,
                    decided_on=decided_on,
                    decision_body="board",
                    decision_reference="BB",
                    override_reason="Họp toàn thể đồng ý" if override else None,
                )
            )
        return attempt(
            lambda: loans.loan_disburse(
                actor=self.treasurer,
                loan=loan,
                disbursed_on=min(loan.decided_on + datetime.timedelta(days=days_later), TODAY),
            )
        )

    def last_event(self, loan):
        """The loan's disbursement or its latest repayment not reversed: later dates are the useful ones."""
        paid = loan.repayments.filter(reversed_on__isnull=True).order_by("-paid_on").values_list("paid_on", flat=True)
        return max([loan.disbursed_on, *paid[:1]])

    def after(self, loan, days_later):
        return min(self.last_event(loan) + datetime.timedelta(days=days_later), TODAY)

    @precondition(lambda self: self.has_loans(LoanStatus.DISBURSED))
    @rule(
        index=picks,
        days_later=later,
        how=st.sampled_from(["payoff", "owed", "due", "amount"]),
        amount=st.integers(min_value=1, max_value=3_000_000),
    )
    def repay(self, index, days_later, how, amount):
        out = self.loans(LoanStatus.DISBURSED)
        if out:
            loan = pick(out, index)
            day = self.after(loan, days_later)
            states = selectors.instalment_states(loan)
            chosen = {
                "payoff": payoff(states, day),
                "owed": sum(state.left for state in states),
                "due": sum(state.left for state in states if state.instalment.due_on <= day),
                "amount": amount,
            }[how]
            attempt(lambda: loans.repayment_record(actor=self.treasurer, loan=loan, amount=chosen, paid_on=day))

    @precondition(lambda self: Repayment.objects.filter(loan__club=self.club, reversed_on__isnull=True).exists())
    @rule(index=picks, days_later=st.integers(min_value=0, max_value=30))
    def reverse(self, index, days_later):
        with_repayments = [loan for loan in self.loans(*LoanStatus.values) if loan.repayments.exists()]
        if with_repayments:
            loan = pick(with_repayments, index)
            latest = loan.repayments.filter(reversed_on__isnull=True).order_by("-paid_on", "-pk").first()
            if latest is not None:
                attempt(
                    lambda: loans.repayment_reverse(
                        actor=self.treasurer,
                        repayment=latest,
                        reason="nhầm",
                        reversed_on=min(latest.paid_on + datetime.timedelta(days=days_later), TODAY),
                    )
                )

    @precondition(lambda self: self.has_loans(LoanStatus.DISBURSED))
    @rule(index=picks, days_later=later)
    def write_off(self, index, days_later):
        out = self.loans(LoanStatus.DISBURSED)
        if out:
            loan = pick(out, index)
            attempt(
                lambda: loans.loan_write_off(
                    actor=self.treasurer,
                    loan=loan,
                    on=self.after(loan, days_later),
                    reason="qua đời",
                    decision_reference="QĐ",
                )
            )

    @precondition(lambda self: self.has_loans(LoanStatus.DISBURSED))
    @rule(index=picks, days_later=later, term=st.integers(min_value=1, max_value=12), gap=st.integers(1, 45))
    def reschedule(self, index, days_later, term, gap):
        out = self.loans(LoanStatus.DISBURSED)
        if out:
            loan = pick(out, index)
            on = self.after(loan, days_later)
            attempt(
                lambda: loans.loan_reschedule(
                    actor=self.treasurer,
                    loan=loan,
                    on=on,
                    term_months=term,
                    first_due_on=on + datetime.timedelta(days=gap),
                    reason="mất mùa",
                    decision_reference="QĐ",
                )
            )

    # --- what must always hold ---------------------------------------------------------------

    @invariant()
    def funds_balance_and_never_below_zero(self):
        for fund in (self.income, self.activity):
            entries = list(fund.entries.values_list("entry_date", "amount", "direction"))
            assert fund.balance() == sum(amount * direction for _day, amount, direction in entries)
            running, by_day = 0, {}
            for day, amount, direction in entries:
                by_day[day] = by_day.get(day, 0) + amount * direction
            for day in sorted(by_day):
                running += by_day[day]
                assert running >= 0, f"the {fund.kind} fund ends {day} at {running}"
            assert all(amount > 0 and direction in (1, -1) for _day, amount, direction in entries)

    @invariant()
    def loan_book_agrees_with_the_cash_book(self):
        for loan in Loan.objects.filter(club=self.club).order_by("pk"):
            kept = loan.repayments.filter(reversed_on__isnull=True)
            principal_repaid = sum(kept.values_list("principal", flat=True))
            owed = loan.amount - loan.repaid_before_go_live - principal_repaid
            live_principal = sum(state.principal_left for state in selectors.instalment_states(loan))
            if loan.status == LoanStatus.DISBURSED:
                assert live_principal == owed
            elif loan.status == LoanStatus.REPAID:
                assert owed == 0 == live_principal
            elif loan.status == LoanStatus.WRITTEN_OFF:
                assert loan.written_off_amount == owed
            else:
                assert not loan.instalments.exists() and not kept.exists()
            entries = FundEntry.objects.filter(loan=loan).select_related("corrects")
            repaid_in_cash = sum(
                entry.amount * entry.direction
                for entry in entries
                if entry.entry_type in (EntryType.PRINCIPAL, EntryType.INTEREST)
                or (entry.corrects and entry.corrects.entry_type in (EntryType.PRINCIPAL, EntryType.INTEREST))
            )
            assert repaid_in_cash == sum(kept.values_list("amount", flat=True))
            assert all(entry.fund_id == self.income.pk for entry in entries)
            disbursements = [entry for entry in entries if entry.entry_type == EntryType.DISBURSEMENT]
            if loan.disbursed_on:
                assert [entry.amount for entry in disbursements] == [loan.amount]
            else:
                assert not disbursements
            for repayment in kept:
                assert repayment.principal + repayment.interest == repayment.amount
        for instalment_id, principal, interest, principal_due, interest_due in self.paid_per_instalment():
            assert principal <= principal_due and interest <= interest_due, instalment_id

    def paid_per_instalment(self):
        paid = {}
        allocations = Allocation.objects.filter(
            repayment__reversed_on__isnull=True, instalment__loan__club=self.club
        ).select_related("instalment")
        for allocation in allocations:
            instalment = allocation.instalment
            row = paid.setdefault(instalment.pk, [0, 0, instalment.principal_due, instalment.interest_due])
            row[0] += allocation.principal
            row[1] += allocation.interest
        return [(pk, *row) for pk, row in paid.items()]

    @invariant()
    def month_totals_agree_with_the_entries(self):
        """The month totals kept as entries are written are those worked out from the entries, and
        the capital and balances read from them are those of the rules, on any day: a month's
        first and last day, mid-month, and each day a correction is dated."""
        clubs = Club.objects.filter(pk=self.club.pk)
        assert months.differences(entries=FundEntry.objects.all(), months=FundMonth.objects.all()) == []
        corrected_on = set(FundEntry.objects.filter(corrects__isnull=False).values_list("entry_date", flat=True))
        for on in {FIRST_DAY, D(2024, 6, 15), D(2024, 6, 30), TODAY, *corrected_on}:
            capital = {
                club: columns_of(figure) for club, figure in fund_selectors.club_capital(clubs=clubs, on=on).items()
            }
            expected = {
                club: columns for club, columns in capital_by_rule(clubs=clubs, on=on).items() if any(columns.values())
            }
            assert capital == expected, on
            balances = fund_selectors.fund_balances(clubs=clubs, on=on)[self.club.pk]
            assert balances == {FundKind.INCOME: 0, FundKind.ACTIVITY: 0} | balances_by_rule(clubs=clubs, on=on).get(
                self.club.pk, {}
            ), on

    @invariant()
    def instalments_paid_in_full_when_their_repayments_say(self):
        """Instalment.settled_on, kept by the repayment services, is the rule's
        (loans.allocation.settled_on) on the allocations of the repayments not reversed."""
        for instalment in Instalment.objects.filter(loan__club=self.club):
            payments = [
                (allocation.repayment.paid_on, allocation.principal + allocation.interest)
                for allocation in instalment.allocations.filter(repayment__reversed_on__isnull=True)
                .select_related("repayment")
                .order_by("repayment__paid_on", "repayment_id")
            ]
            expected = settled_on(due=instalment.amount_due, due_on=instalment.due_on, payments=payments)
            assert instalment.settled_on == expected, instalment

    @invariant()
    def loan_entries_only_from_loans(self):
        assert not FundEntry.objects.filter(
            fund__club=self.club, entry_type__in=LOAN_ENTRY_TYPES, loan__isnull=True
        ).exists()


@pytest.mark.django_db
def test_random_operations_keep_the_books_whole(world):
    club = world.club_a1
    treasurer = factories.board_member(club, username="thuquy")
    members = [factories.MembershipFactory(club=club).person for _ in range(6)]
    for effective_from, method, frequency in (
        (D(2023, 1, 1), InterestMethod.FLAT, RepaymentFrequency.MONTHLY),
        (D(2024, 7, 1), InterestMethod.DECLINING, RepaymentFrequency.MONTHLY),
        (D(2024, 11, 1), InterestMethod.FLAT, RepaymentFrequency.AT_END),
    ):
        loans.rules_record(
            actor=treasurer,
            club=club,
            effective_from=effective_from,
            max_amount=10_000_000,
            max_term_months=12,
            monthly_rate=Decimal("0.65"),
            method=method,
            frequency=frequency,
            grace_days=5,
        )
    MoneyBooks.club, MoneyBooks.treasurer, MoneyBooks.members = club, treasurer, members
    run_state_machine_as_test(
        MoneyBooks,
        settings=settings(
            max_examples=6,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
