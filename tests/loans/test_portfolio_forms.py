"""The two SQL forms of the portfolio's figures agree, on random loan books.

loans.portfolio computes a loan's outstanding principal and whether it is at risk twice: per loan
with correlated subqueries (portfolio_report, the overdue list) and per club with grouped scans
and semi-joins (at_risk_by_club, for the reports over thousands of clubs). Hypothesis builds loan
books through the services — loans applied for, approved and disbursed or taken over from paper,
then repaid in part or in full, repayments reversed, loans rescheduled and written off, on random
dates — and on random days checks that both forms, and a reckoning in Python from the rows
(REFERENCE below), give the same loans and the same figures: outstanding principal, days overdue,
PAR30 with and without the rescheduled loans; and that the loans out during a period are those out
on one of its days.

Each example runs in a transaction rolled back at its end; the club and its rules are made once.
"""

import dataclasses
import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas.selectors import scheme_default
from clubs.models import Club
from loans import portfolio, selectors, services
from loans.allocation import payoff
from loans.models import Allocation, Instalment, InterestMethod, Loan, RepaymentFrequency, Rescheduling
from loans.portfolio import Bucket, Period
from tests import factories
from tests.conftest import TODAY
from tests.loans import books

D = datetime.date
FIRST_DAY = D(2024, 2, 1)  # after the capital came in (books.CAPITAL_ON)
SPAN = (TODAY - FIRST_DAY).days

actions = st.sampled_from(["pay", "pay", "pay", "pay", "reverse", "reschedule", "write_off"])
events = st.lists(st.tuples(st.integers(0, 75), actions, st.integers(1, 100)), max_size=7)
loan_plans = st.lists(
    st.fixed_dictionaries(
        {
            "taken_over": st.sampled_from([False, False, False, True]),
            "start": st.integers(0, SPAN - 20),
            "amount": st.integers(1, 100).map(lambda tenth_of_a_million: tenth_of_a_million * 100_000),
            "term": st.integers(1, 12),
            "events": events,
        }
    ),
    min_size=1,
    max_size=4,
)
# Days to check on: a random day, or the day an instalment (picked by number) falls due plus an
# offset at the edges of the rules (grace, 30 and 90 days).
check_days = st.lists(
    st.one_of(
        st.tuples(st.none(), st.integers(0, SPAN)),
        st.tuples(st.integers(0, 10_000), st.sampled_from([0, 1, 5, 6, 30, 31, 35, 36, 90, 91, 95, 96])),
    ),
    min_size=3,
    max_size=3,
)


def attempt(action):
    """A refusal (a date before the last repayment, nothing owed…) is a normal outcome."""
    try:
        return action()
    except ValidationError:
        return None


def add_loan(club, treasurer, plan):
    borrower = factories.MembershipFactory(club=club, joined_on=D(2022, 5, 1)).person
    day = FIRST_DAY + datetime.timedelta(days=plan["start"])
    if plan["taken_over"]:
        go_live_on = day + datetime.timedelta(days=15)
        outstanding = max(100_000, plan["amount"] * plan["term"] // 13)
        overdue = plan["term"] % 3
        return day, attempt(
            lambda: services.loan_take_over(
                actor=treasurer,
                club=club,
                borrower=borrower,
                go_live_on=go_live_on,
                amount=plan["amount"],
                disbursed_on=day - datetime.timedelta(days=30 * overdue + 40),
                term_months=plan["term"] + 3,
                monthly_rate=Decimal("0.5"),
                method=InterestMethod.FLAT,
                frequency=RepaymentFrequency.MONTHLY,
                outstanding=min(outstanding, plan["amount"]),
                next_due_on=go_live_on + datetime.timedelta(days=10),
                overdue_instalments=overdue,
                overdue_amount=overdue * min(outstanding, plan["amount"]) // 10,
            )
        )
    return day, attempt(
        lambda: books.disbursed_loan(
            club, borrower=borrower, amount=plan["amount"], term=plan["term"], disbursed_on=day, actor=treasurer
        )
    )


def act(loan, treasurer, day, action, size):
    loan.refresh_from_db()
    if action == "pay":
        states = selectors.instalment_states(loan)
        owed = sum(state.left for state in states)
        amount = payoff(states, day) if size > 95 else max(1, owed * size // 400)
        attempt(lambda: services.repayment_record(actor=treasurer, loan=loan, amount=amount, paid_on=day))
    elif action == "reverse":
        latest = loan.repayments.filter(reversed_on__isnull=True).order_by("-paid_on", "-pk").first()
        if latest is not None:
            attempt(lambda: services.repayment_reverse(actor=treasurer, repayment=latest, reason="nhập nhầm"))
    elif action == "reschedule":
        attempt(
            lambda: services.loan_reschedule(
                actor=treasurer,
                loan=loan,
                on=day,
                term_months=1 + size % 12,
                first_due_on=day + datetime.timedelta(days=15 + size % 30),
                reason="Thiên tai",
                decision_reference="QĐ",
            )
        )
    else:
        attempt(
            lambda: services.loan_write_off(
                actor=treasurer, loan=loan, on=day, reason="Qua đời", decision_reference="QĐ"
            )
        )


def days_to_check(club, picks) -> list[datetime.date]:
    due_dates = sorted(Instalment.objects.filter(loan__club=club).values_list("due_on", flat=True))
    days = []
    for index, offset in picks:
        if index is None or not due_dates:
            day = FIRST_DAY + datetime.timedelta(days=offset if index is None else 0)
        else:
            day = due_dates[index % len(due_dates)] + datetime.timedelta(days=offset)
        days.append(min(day, TODAY))
    return days


def build(club, treasurer, plans):
    for plan in plans:
        day, loan = add_loan(club, treasurer, plan)
        if loan is None:
            continue
        for after, action, size in plan["events"]:
            day += datetime.timedelta(days=after)
            if day > TODAY:
                break
            act(loan, treasurer, day, action, size)


# --- the reckoning in Python ------------------------------------------------------------------


@dataclasses.dataclass
class Reckoned:
    out: set
    outstanding: dict  # loan id: principal still owed
    oldest_late_due: dict  # loan id: due date of its oldest late instalment (the loans with one)
    rescheduled: set  # the loans out rescheduled by then

    def at_risk(self, on, days):
        return {pk for pk, due in self.oldest_late_due.items() if due < on - datetime.timedelta(days=days)}


def is_out(loan, on) -> bool:
    return (
        loan.disbursed_on is not None
        and loan.disbursed_on <= on
        and (loan.go_live_on is None or loan.go_live_on <= on)
        and (loan.closed_on is None or loan.closed_on > on)
    )


def out_during(club, start, end) -> set:
    """REFERENCE for Loan.objects.out_during: out on at least one of the days."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return {loan.pk for loan in Loan.objects.filter(club=club) if any(is_out(loan, day) for day in days)}


def reckon(club, on) -> Reckoned:
    """REFERENCE: the rules of loans.portfolio, applied in Python to the rows."""
    counted = [
        allocation
        for allocation in Allocation.objects.filter(instalment__loan__club=club).select_related("repayment")
        if allocation.repayment.reversed_on is None and allocation.repayment.paid_on <= on
    ]
    paid_principal, paid_total = Counter(), Counter()
    for allocation in counted:
        paid_total[allocation.instalment_id] += allocation.principal + allocation.interest
        paid_principal[allocation.instalment_id] += allocation.principal
    instalments = list(Instalment.objects.filter(loan__club=club))
    out = {loan.pk: loan for loan in Loan.objects.filter(club=club) if is_out(loan, on)}
    outstanding = {pk: loan.amount - loan.repaid_before_go_live for pk, loan in out.items()}
    oldest = {}
    for instalment in instalments:
        if instalment.loan_id not in out:
            continue
        outstanding[instalment.loan_id] -= paid_principal[instalment.pk]
        live = instalment.cancelled_on is None or instalment.cancelled_on > on
        unpaid = instalment.amount_due - paid_total[instalment.pk]
        if live and unpaid > 0 and instalment.due_on < on:
            previous = oldest.get(instalment.loan_id)
            oldest[instalment.loan_id] = min(previous, instalment.due_on) if previous else instalment.due_on
    rescheduled = set(
        Rescheduling.objects.filter(loan__in=list(out), rescheduled_on__lte=on).values_list("loan", flat=True)
    )
    return Reckoned(out=set(out), outstanding=outstanding, oldest_late_due=oldest, rescheduled=rescheduled)


# --- the property -----------------------------------------------------------------------------


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(plans=loan_plans, days=check_days)
def test_both_forms_and_the_reckoning_agree_on_random_loan_books(world, plans, days):
    club = world.club_a1
    clubs = Club.objects.filter(pk=club.pk)
    with transaction.atomic():
        treasurer = factories.board_member(club)
        books.open_lending(club, capital=1_000_000_000, actor=treasurer)
        build(club, treasurer, plans)
        checked = days_to_check(club, days)
        start, end = min(checked), max(checked)
        assert set(Loan.objects.out_during(start, end).filter(club=club).values_list("pk", flat=True)) == (
            out_during(club, start, end)
        )
        for on in checked:
            expected = reckon(club, on)
            over_30_days = expected.at_risk(on, portfolio.PAR_DAYS)
            par30_overdue = sum(expected.outstanding[pk] for pk in over_30_days)
            par30 = sum(expected.outstanding[pk] for pk in over_30_days | expected.rescheduled)
            # The per-loan form: the loans out, each one's figures, and the report's sums.
            per_loan = {loan.pk: loan for loan in portfolio.portfolio_loans(clubs=clubs, on=on)}
            assert set(per_loan) == expected.out
            assert {pk: loan.principal_outstanding for pk, loan in per_loan.items()} == expected.outstanding
            assert {pk: loan.oldest_late_due for pk, loan in per_loan.items() if loan.oldest_late_due} == (
                expected.oldest_late_due
            )
            report = portfolio.portfolio_report(
                clubs=clubs, on=on, period=Period.last_12_months(on), scheme=scheme_default(on)
            )
            figures = report.total.figures
            assert (figures.loans, figures.outstanding, figures.par30, figures.par30_overdue) == (
                len(expected.out),
                sum(expected.outstanding.values()),
                par30,
                par30_overdue,
            )
            for bucket in Bucket:
                listed = {loan.pk for loan in portfolio.overdue_loans(clubs=clubs, on=on, bucket=bucket)}
                assert listed == {
                    pk for pk, due in expected.oldest_late_due.items() if Bucket.of((on - due).days) == bucket
                }
            # The grouped form: the same loans at risk and the same sums.
            over = Loan.objects.out_on(on).filter(club=club).filter(portfolio._over_days(on, portfolio.PAR_DAYS))
            assert set(over.values_list("pk", flat=True)) == over_30_days
            at_risk = portfolio.at_risk_by_club(clubs=clubs, on=on).get(club.pk, portfolio.AtRisk())
            assert (at_risk.outstanding, at_risk.par30, at_risk.par30_overdue) == (
                figures.outstanding,
                figures.par30,
                figures.par30_overdue,
            )
        transaction.set_rollback(True)
