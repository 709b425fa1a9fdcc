"""loans/portfolio.py: what is in the portfolio on a date, days overdue (from the due date, whatever
the grace days) and buckets, PAR30, partial and reversed repayments, rescheduled, written-off and taken-over loans,
the repayment rate, the members borrowing, roll-ups by area and the number of queries.

Every loan below (unless said otherwise): 6.000.000 đ over 6 months, flat 0,5 % a month, disbursed
on 15/09/2024 in a club meeting on the 15th, so 1.000.000 + 30.000 is due on the 15th from
October 2024 to March 2025; the rules give 5 days of grace, which do not move the days past due.
"""

import datetime
from decimal import Decimal

import pytest

from areas.selectors import scheme_default
from clubs.models import Club
from loans import allocation, portfolio, selectors, services
from loans.models import LoanPurpose
from loans.portfolio import Bucket, Period
from tests import factories
from tests.loans import books as loan_books

D = datetime.date
DISBURSED = D(2024, 9, 15)
INSTALMENT = 1_030_000


def set_up_club(club, *, grace_days=5, capital=200_000_000):
    """Loan rules (up to 20 million) and capital in the club's income-generation fund; returns the
    treasurer."""
    treasurer = factories.board_member(club)
    loan_books.open_lending(club, capital=capital, max_amount=20_000_000, grace_days=grace_days, actor=treasurer)
    return treasurer


def lend(club, treasurer, *, amount=6_000_000, term=6, on=DISBURSED, borrower=None):
    borrower = borrower or factories.MembershipFactory(club=club).person
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


def pay(treasurer, loan, amount, on):
    return services.repayment_record(actor=treasurer, loan=loan, amount=amount, paid_on=on)


def one(club, on):
    """The club's only loan in the portfolio on `on`, as portfolio_loans annotates it."""
    (loan,) = portfolio.portfolio_loans(clubs=Club.objects.filter(pk=club.pk), on=on)
    return loan


def figures(club, on, period=None):
    """The club's portfolio figures, once it is checked that the fast PAR30 of the reports over
    many clubs (portfolio.at_risk_by_club) gives the same outstanding principal and PAR30s."""
    result = portfolio.club_portfolio(club, on, period).figures
    at_risk = portfolio.at_risk_by_club(clubs=Club.objects.filter(pk=club.pk), on=on).get(club.pk, portfolio.AtRisk())
    assert (at_risk.outstanding, at_risk.par30, at_risk.par30_overdue) == (
        result.outstanding,
        result.par30,
        result.par30_overdue,
    )
    return result


@pytest.fixture
def treasurer(club):
    return set_up_club(club)


# --- days overdue, grace and buckets --------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "oldest_late_due", "days", "bucket"),
    [
        (D(2024, 10, 15), None, 0, None),  # due today: not past due yet
        (D(2024, 10, 16), D(2024, 10, 15), 1, Bucket.DAYS_1_30),  # within the 5 days of grace, past due all the same
        (D(2024, 10, 21), D(2024, 10, 15), 6, Bucket.DAYS_1_30),
        (D(2024, 11, 14), D(2024, 10, 15), 30, Bucket.DAYS_1_30),
        (D(2024, 11, 15), D(2024, 10, 15), 31, Bucket.DAYS_31_90),
        (D(2025, 1, 13), D(2024, 10, 15), 90, Bucket.DAYS_31_90),
        (D(2025, 1, 14), D(2024, 10, 15), 91, Bucket.OVER_90),
    ],
)
def test_days_overdue_and_bucket_at_the_edges(club, treasurer, on, oldest_late_due, days, bucket):
    lend(club, treasurer)
    loan = one(club, on)
    assert loan.oldest_late_due == oldest_late_due
    result = figures(club, on)
    assert [b.loans for b in result.buckets] == [int(b == bucket) for b in Bucket]
    if bucket is not None:
        row = portfolio.OverdueLoan(loan=loan, on=on)
        assert (row.days_overdue, row.bucket) == (days, bucket)
    # PAR30 counts the whole principal outstanding of a loan more than 30 days overdue.
    assert result.par30 == (6_000_000 if days > 30 else 0)


@pytest.mark.parametrize("grace_days", [0, 45])
def test_grace_days_of_the_rules_do_not_move_the_days_past_due(world, grace_days):
    # CGAP / MIX: days past due count from the contractual due date; a tolerance never hides them.
    club = world.club_b1
    lend(club, set_up_club(club, grace_days=grace_days))
    assert one(club, D(2024, 10, 15)).oldest_late_due is None  # due today: not past due yet
    assert one(club, D(2024, 10, 16)).oldest_late_due == D(2024, 10, 15)
    # 31 days past due on 15/11, in PAR30 although 45 days of grace would not have ended yet.
    assert (figures(club, D(2024, 11, 14)).par30, figures(club, D(2024, 11, 15)).par30) == (0, 6_000_000)


def test_paying_within_the_grace_days_leaves_the_days_before_it_past_due(club, treasurer):
    loan = lend(club, treasurer)
    pay(treasurer, loan, INSTALMENT, D(2024, 10, 20))
    assert portfolio.OverdueLoan(loan=one(club, D(2024, 10, 19)), on=D(2024, 10, 19)).days_overdue == 4
    assert one(club, D(2024, 10, 20)).oldest_late_due is None
    assert one(club, D(2024, 10, 21)).principal_outstanding == 5_000_000
    # A month on, the second instalment is past due in its turn.
    assert one(club, D(2024, 11, 16)).oldest_late_due == D(2024, 11, 15)


def test_days_overdue_count_from_the_oldest_instalment_still_unpaid(club, treasurer):
    loan = lend(club, treasurer)
    pay(treasurer, loan, INSTALMENT, D(2024, 10, 18))
    on = D(2024, 12, 21)  # the instalments of 15/11 and 15/12 are both late
    loan = one(club, on)
    assert loan.oldest_late_due == D(2024, 11, 15)
    assert portfolio.OverdueLoan(loan=loan, on=on).days_overdue == 36
    assert loan.amount_overdue == 2 * INSTALMENT
    result = figures(club, on)
    assert (result.outstanding, result.overdue, result.par30) == (5_000_000, 2 * INSTALMENT, 5_000_000)
    assert result.par30_share == Decimal("100")


def test_partial_payment_leaves_the_instalment_late_for_what_is_unpaid(club, treasurer):
    loan = lend(club, treasurer)
    # On 25/10 the instalment of 15/10 is overdue: its interest (30.000) first, then 470.000 of principal.
    pay(treasurer, loan, 500_000, D(2024, 10, 25))
    loan = one(club, D(2024, 10, 26))
    assert (loan.oldest_late_due, loan.amount_overdue, loan.principal_outstanding) == (
        D(2024, 10, 15),
        530_000,
        5_530_000,
    )
    # As of a day before the payment, it does not count yet.
    loan = one(club, D(2024, 10, 24))
    assert (loan.amount_overdue, loan.principal_outstanding) == (INSTALMENT, 6_000_000)


def test_reversed_repayment_does_not_count(club, treasurer):
    loan = lend(club, treasurer)
    pay(treasurer, loan, INSTALMENT, D(2024, 10, 18))
    wrong = pay(treasurer, loan, INSTALMENT, D(2024, 11, 18))
    assert one(club, D(2024, 11, 25)).oldest_late_due is None
    services.repayment_reverse(actor=treasurer, repayment=wrong, reason="nhập nhầm", reversed_on=D(2025, 1, 5))
    # Even as of a day before the reversal was recorded: it was a mistake, it never happened.
    loan = one(club, D(2024, 11, 25))
    assert (loan.oldest_late_due, loan.amount_overdue, loan.principal_outstanding) == (
        D(2024, 11, 15),
        INSTALMENT,
        5_000_000,
    )


def test_loan_repaid_or_not_yet_disbursed_is_not_in_the_portfolio(club, treasurer):
    loan = lend(club, treasurer)
    pay(treasurer, loan, INSTALMENT, D(2024, 10, 18))
    pay(treasurer, loan, 5_000_000, D(2024, 10, 30))  # the payoff: closes the loan early
    clubs = Club.objects.filter(pk=club.pk)
    assert [one(club, D(2024, 10, 29)).principal_outstanding] == [5_000_000]
    assert not portfolio.portfolio_loans(clubs=clubs, on=D(2024, 10, 30)).exists()
    assert not portfolio.portfolio_loans(clubs=clubs, on=D(2024, 9, 14)).exists()
    assert one(club, DISBURSED).principal_outstanding == 6_000_000


# --- written off, rescheduled, taken over ---------------------------------------------------


def test_written_off_loan_counts_until_the_write_off_then_is_listed_apart(club, treasurer):
    loan = lend(club, treasurer)
    services.loan_write_off(
        actor=treasurer, loan=loan, on=D(2025, 1, 10), reason="Người vay qua đời", decision_reference="QĐ 02/BCN"
    )
    before = figures(club, D(2025, 1, 9))
    assert (before.loans, before.outstanding, before.par30) == (1, 6_000_000, 6_000_000)
    assert [b.loans for b in before.buckets] == [0, 1, 0]  # 86 days since 15/10
    after = figures(club, D(2025, 1, 10))
    assert (after.loans, after.outstanding, after.par30, after.par30_share) == (0, 0, 0, None)
    report = portfolio.portfolio_report(
        clubs=Club.objects.filter(pk=club.pk),
        on=D(2025, 3, 15),
        period=Period(D(2025, 1, 1), D(2025, 3, 15)),
        scheme=scheme_default(D(2025, 3, 15)),
    )
    assert [(w.borrower, w.written_off_amount, w.closed_on) for w in report.written_off] == [
        (loan.borrower, 6_000_000, D(2025, 1, 10))
    ]
    assert report.total.figures.outstanding == 0
    outside = portfolio.written_off_loans(
        clubs=Club.objects.filter(pk=club.pk), period=Period(D(2024, 1, 1), D(2025, 1, 9))
    )
    assert outside == []


def test_rescheduled_loan_counts_its_days_on_the_new_schedule_and_stays_in_par30(club, treasurer):
    loan = lend(club, treasurer)
    services.loan_reschedule(
        actor=treasurer,
        loan=loan,
        on=D(2024, 12, 20),
        term_months=10,
        first_due_on=D(2025, 1, 15),
        reason="Thiên tai",
        decision_reference="QĐ 01/BCN",
    )
    # Before the rescheduling: 65 days overdue on the old schedule.
    before = figures(club, D(2024, 12, 19))
    assert (before.par30, before.par30_overdue) == (6_000_000, 6_000_000)
    # After it the old instalments are cancelled: nothing overdue until the new first one is, but
    # a rescheduled loan is at risk (CGAP / MIX): in PAR30, not in PAR30 without rescheduled loans.
    on_new = figures(club, D(2025, 1, 10))
    assert (on_new.outstanding, on_new.overdue, on_new.par30, on_new.par30_overdue) == (6_000_000, 0, 6_000_000, 0)
    assert (on_new.par30_share, on_new.par30_overdue_share) == (Decimal("100"), Decimal("0"))
    assert one(club, D(2025, 1, 21)).oldest_late_due == D(2025, 1, 15)
    after = figures(club, D(2025, 1, 21))  # 6 days: in 1–30, not more than 30 days overdue
    assert ([b.loans for b in after.buckets], after.par30, after.par30_overdue) == ([1, 0, 0], 6_000_000, 0)
    # Repaid in part: what is still owed stays at risk; repaid in full, it leaves the portfolio.
    pay(treasurer, loan, 3_000_000, D(2025, 1, 25))  # 240.000 of it interest (90.000 carried over)
    partly = figures(club, D(2025, 1, 26))
    assert (partly.outstanding, partly.par30, partly.par30_overdue) == (3_240_000, 3_240_000, 0)
    pay(treasurer, loan, allocation.payoff(selectors.instalment_states(loan), D(2025, 2, 5)), D(2025, 2, 5))
    assert (figures(club, D(2025, 2, 5)).outstanding, figures(club, D(2025, 2, 5)).par30) == (0, 0)
    report = portfolio.portfolio_report(
        clubs=Club.objects.filter(pk=club.pk),
        on=D(2025, 3, 15),
        period=Period.last_12_months(D(2025, 3, 15)),
        scheme=scheme_default(D(2025, 3, 15)),
    )
    assert [(r.loan, r.principal, r.rescheduled_on) for r in report.rescheduled] == [(loan, 6_000_000, D(2024, 12, 20))]


def test_taken_over_loan_counts_from_its_take_over(club, treasurer):
    borrower = factories.MembershipFactory(club=club).person
    services.loan_take_over(
        actor=treasurer,
        club=club,
        borrower=borrower,
        go_live_on=D(2025, 1, 31),
        **loan_books.PAPER_LOAN,
        outstanding=7_000_000,
        next_due_on=D(2025, 2, 15),
        overdue_instalments=1,
        overdue_amount=1_060_000,
    )
    clubs = Club.objects.filter(pk=club.pk)
    assert not portfolio.portfolio_loans(clubs=clubs, on=D(2025, 1, 30)).exists()
    loan = one(club, D(2025, 1, 31))
    # 12.000.000 lent, 5.000.000 repaid on paper; the instalment of 15/01 was overdue at the cut-off.
    assert (loan.principal_outstanding, loan.oldest_late_due, loan.amount_overdue) == (
        7_000_000,
        D(2025, 1, 15),
        1_060_000,
    )
    assert figures(club, D(2025, 2, 14)).par30 == 0  # 30 days
    assert figures(club, D(2025, 2, 15)).par30 == 7_000_000  # 31 days


# --- repayment rate and members -------------------------------------------------------------


def test_repayment_rate_counts_what_was_received_by_the_as_of_date(club, treasurer):
    loan = lend(club, treasurer)
    pay(treasurer, loan, INSTALMENT, D(2024, 10, 20))  # 15/10
    pay(treasurer, loan, INSTALMENT, D(2024, 11, 21))  # 15/11, six days after its due date
    pay(treasurer, loan, 500_000, D(2024, 12, 18))  # 15/12, in part
    services.repayment_reverse(actor=treasurer, repayment=pay(treasurer, loan, 10_000, D(2024, 12, 19)), reason="x")
    quarter = Period(D(2024, 10, 1), D(2024, 12, 31))
    result = figures(club, D(2025, 3, 15), quarter)
    assert (result.due, result.received) == (3 * INSTALMENT, 2 * INSTALMENT + 500_000)
    assert result.repayment_rate == Decimal("82.8")  # 2.560.000 / 3.090.000 = 82,85 %


def test_repayment_rate_as_of_a_date_uses_only_what_was_known_then(club, treasurer):
    loan = lend(club, treasurer)
    pay(treasurer, loan, INSTALMENT, D(2024, 10, 20))
    pay(treasurer, loan, INSTALMENT, D(2024, 11, 21))
    quarter = Period(D(2024, 10, 1), D(2024, 12, 31))
    # As of 20/11 (worked out today, after the later payments): due 15/10 and 15/11, of which
    # the first was received by then. Nothing due after 20/11 counts yet.
    on_20_11 = figures(club, D(2024, 11, 20), quarter)
    assert (on_20_11.due, on_20_11.received, on_20_11.repayment_rate) == (2 * INSTALMENT, INSTALMENT, Decimal("50"))
    on_21_11 = figures(club, D(2024, 11, 21), quarter)
    assert (on_21_11.due, on_21_11.received) == (2 * INSTALMENT, 2 * INSTALMENT)


def test_a_loan_taken_over_after_the_as_of_date_adds_nothing_to_its_rate(club, treasurer):
    services.loan_take_over(
        actor=treasurer,
        club=club,
        borrower=factories.MembershipFactory(club=club).person,
        go_live_on=D(2025, 1, 31),
        **loan_books.PAPER_LOAN,
        outstanding=7_000_000,
        next_due_on=D(2025, 2, 15),
        overdue_instalments=1,
        overdue_amount=1_060_000,
    )
    january = Period(D(2025, 1, 1), D(2025, 1, 31))
    # The instalment of 15/01 was rebuilt from the cut-off sheet of 31/01: unknown before then.
    assert figures(club, D(2025, 1, 30), january).due == 0
    assert (figures(club, D(2025, 1, 31), january).due, figures(club, D(2025, 1, 31), january).received) == (
        1_060_000,
        0,
    )


def test_instalments_cancelled_before_their_due_date_were_not_due(club, treasurer):
    early = lend(club, treasurer)
    pay(treasurer, early, INSTALMENT, D(2024, 10, 18))
    pay(treasurer, early, 5_000_000, D(2024, 10, 30))  # closes early: the instalments from 15/11 are cancelled
    late = lend(club, treasurer)
    services.loan_reschedule(
        actor=treasurer,
        loan=late,
        on=D(2024, 12, 20),
        term_months=10,
        first_due_on=D(2025, 1, 15),
        reason="Thiên tai",
        decision_reference="QĐ 01/BCN",
    )
    result = figures(club, D(2025, 3, 15), Period(D(2024, 10, 1), D(2024, 12, 31)))
    # Due: the first loan's 15/10. The second loan's 15/10, 15/11 and 15/12, missed, were replaced
    # by the rescheduling: what they owed is due on the new schedule, from 15/01/2025.
    assert (result.due, result.received, result.repayment_rate) == (INSTALMENT, INSTALMENT, Decimal("100"))


def reschedule_after_three_missed_months(treasurer, loan):
    """Rescheduled on 20/12/2024 over 10 months from 15/01/2025. With nothing paid before: 600.000
    of principal and 30.000 of interest a month, the first instalment with the 90.000 of interest
    left unpaid."""
    return services.loan_reschedule(
        actor=treasurer,
        loan=loan,
        on=D(2024, 12, 20),
        term_months=10,
        first_due_on=D(2025, 1, 15),
        reason="Thiên tai",
        decision_reference="QĐ 01/BCN",
    )


def test_rescheduled_arrears_are_due_once_on_the_new_schedule(club, treasurer):
    loan = lend(club, treasurer)
    reschedule_after_three_missed_months(treasurer, loan)
    pay(treasurer, loan, 720_000, D(2025, 1, 15))
    pay(treasurer, loan, 630_000, D(2025, 2, 15))
    six_months = Period(D(2024, 10, 1), D(2025, 3, 31))
    result = figures(club, D(2025, 3, 15), six_months)
    # Due: the new instalments of 15/01, 15/02 and 15/03 (720.000 + 630.000 + 630.000). The three
    # the rescheduling replaced carried the same 6.000.000: not due a second time.
    assert (result.due, result.received, result.repayment_rate) == (1_980_000, 1_350_000, Decimal("68.2"))
    # As of the day before the rescheduling, the old instalments were due, and unpaid.
    before = figures(club, D(2024, 12, 19), six_months)
    assert (before.due, before.received, before.repayment_rate) == (3 * INSTALMENT, 0, Decimal("0"))


def test_what_was_paid_on_a_rescheduled_instalment_counts_as_due_and_received(club, treasurer):
    loan = lend(club, treasurer)
    pay(treasurer, loan, 500_000, D(2024, 10, 18))  # on the instalment of 15/10, in part
    reschedule_after_three_missed_months(treasurer, loan)
    result = figures(club, D(2025, 1, 14), Period(D(2024, 10, 1), D(2025, 1, 14)))
    assert (result.due, result.received) == (500_000, 500_000)


def test_no_instalment_due_gives_no_rate(club, treasurer):
    lend(club, treasurer)
    result = figures(club, D(2025, 3, 15), Period(D(2024, 9, 1), D(2024, 10, 14)))
    assert (result.due, result.repayment_rate) == (0, None)


def test_share_of_members_with_a_loan(club, treasurer):
    others = [factories.MembershipFactory(club=club) for _ in range(5)]
    lend(club, treasurer)  # and its borrower: 6 members
    repaid = lend(club, treasurer, on=D(2024, 3, 15))  # 7 members
    pay(treasurer, repaid, 6_180_000, D(2024, 4, 15))  # all of it, interest included: closed 15/04/2024
    former = factories.MembershipFactory(club=club, left_on=D(2024, 1, 1), leave_reason="moved")
    neighbour = factories.ClubFactory(unit=club.unit)
    lend(neighbour, set_up_club(neighbour))  # another club's borrower
    assert former.person_id not in {m.person_id for m in others}
    result = figures(club, D(2025, 3, 15), Period(D(2024, 3, 16), D(2025, 3, 15)))
    # On 15/03/2025 one member has a loan out; over the twelve months two had one: the loan of
    # 15/03/2024, disbursed the day before the period began, was out until 14/04/2024.
    assert (result.members, result.borrowing, result.borrowing_in_period) == (7, 1, 2)
    assert (result.borrowing_share, result.borrowing_in_period_share) == (Decimal("14.3"), Decimal("28.6"))
    # Repaid on 15/04/2024: out until the day before, so not during a period that starts that day.
    assert figures(club, D(2025, 3, 15), Period(D(2024, 4, 15), D(2025, 3, 15))).borrowing_in_period == 1
    result = figures(club, D(2024, 4, 1), Period(D(2024, 1, 1), D(2024, 3, 31)))
    assert (result.members, result.borrowing, result.borrowing_in_period) == (7, 1, 1)  # the first loan, out then
    # As of 01/04/2024, a period running on to 30/09/2024 counts up to 01/04 only: not yet the
    # loan disbursed on 15/09/2024.
    assert figures(club, D(2024, 4, 1), Period(D(2024, 1, 1), D(2024, 9, 30))).borrowing_in_period == 1


# --- roll-ups -------------------------------------------------------------------------------

ROLLUP_DAY = D(2024, 12, 21)


def lend_in_four_clubs(world):
    """On 21/12/2024: A1 has paid nothing (67 days overdue), A2 (not launched, but lending) is up
    to date, B1 paid October only (36 days), L paid October and November (6 days)."""
    for club, paid in ((world.club_a1, 0), (world.club_a2, 3), (world.club_b1, 1), (world.club_l, 2)):
        treasurer = set_up_club(club)
        loan = lend(club, treasurer)
        for month in range(paid):
            pay(treasurer, loan, INSTALMENT, D(2024, 10 + month, 18))
    return world


@pytest.fixture
def four_clubs(world):
    return lend_in_four_clubs(world)


def test_report_rolls_up_by_district_and_for_the_whole_scope(four_clubs):
    world = four_clubs
    report = portfolio.portfolio_report(
        clubs=Club.objects.all(),
        on=ROLLUP_DAY,
        period=Period(D(2024, 10, 1), D(2024, 12, 31)),
        scheme=scheme_default(ROLLUP_DAY),
    )
    total = report.total.figures
    assert (report.total.clubs, total.loans, total.outstanding, total.par30) == (4, 4, 18_000_000, 11_000_000)
    assert total.par30_share == Decimal("61.1")
    assert [(b.loans, b.outstanding) for b in total.buckets] == [(1, 4_000_000), (2, 11_000_000), (0, 0)]
    assert (total.due, total.received) == (12 * INSTALMENT, 6 * INSTALMENT)
    assert total.repayment_rate == Decimal("50")
    districts = [(r.unit, r.clubs, r.figures.outstanding, r.figures.par30_share) for r in report.districts]
    assert districts == [
        (world.district_a, 2, 9_000_000, Decimal("66.7")),
        (world.district_b, 1, 5_000_000, Decimal("100")),
        (world.district_l, 1, 4_000_000, Decimal("0")),
    ]
    # Highest PAR30 first; equal shares: the larger portfolio first.
    assert [row.club for row in report.clubs] == [world.club_a1, world.club_b1, world.club_l, world.club_a2]
    assert sum(row.figures.outstanding for row in report.clubs) == total.outstanding
    at_risk = portfolio.at_risk_by_club(clubs=Club.objects.all(), on=ROLLUP_DAY)
    assert {club: (row.outstanding, row.par30) for club, row in at_risk.items()} == {
        row.club.pk: (row.figures.outstanding, row.figures.par30) for row in report.clubs
    }


def test_clubs_without_loans_are_listed_when_active(world):
    report = portfolio.portfolio_report(
        clubs=Club.objects.all(),
        on=ROLLUP_DAY,
        period=Period.last_12_months(ROLLUP_DAY),
        scheme=scheme_default(ROLLUP_DAY),
    )
    # A2 is not launched and lends nothing: left out. The others show zeros and no shares.
    assert {row.club for row in report.clubs} == {world.club_a1, world.club_b1, world.club_l}
    assert report.clubs[0].figures.par30_share is None and report.total.figures.outstanding == 0


def test_overdue_list_filters_and_order(four_clubs):
    world = four_clubs
    clubs = Club.objects.all()
    rows = portfolio.overdue_rows(portfolio.overdue_loans(clubs=clubs, on=ROLLUP_DAY), ROLLUP_DAY)
    assert [(row.loan.club, row.days_overdue, row.bucket) for row in rows] == [
        (world.club_a1, 67, Bucket.DAYS_31_90),
        (world.club_b1, 36, Bucket.DAYS_31_90),
        (world.club_l, 6, Bucket.DAYS_1_30),
    ]
    assert rows[0].loan.amount_overdue == 3 * INSTALMENT and rows[0].loan.principal_outstanding == 6_000_000
    recent = portfolio.overdue_loans(clubs=clubs, on=ROLLUP_DAY, bucket=Bucket.DAYS_1_30)
    assert [loan.club for loan in recent] == [world.club_l]
    in_a = portfolio.overdue_loans(
        clubs=clubs, on=ROLLUP_DAY, district=world.district_a.pk, scheme=world.province.scheme
    )
    assert [loan.club for loan in in_a] == [world.club_a1]
    assert portfolio.district_choices(clubs, scheme_default(D(2025, 3, 15))) == [
        (world.district_a.pk, world.district_a.name),
        (world.district_b.pk, world.district_b.name),
        (world.district_l.pk, world.district_l.name),
    ]


def test_period_of_the_last_12_months():
    assert Period.last_12_months(D(2025, 3, 15)) == Period(D(2024, 3, 16), D(2025, 3, 15))
    assert Period.last_12_months(D(2024, 2, 29)) == Period(D(2023, 3, 1), D(2024, 2, 29))


@pytest.mark.parametrize(("part", "whole", "expected"), [(1, 16, "6.3"), (2, 3, "66.7"), (0, 5, "0"), (3, 0, None)])
def test_shares_are_rounded_half_up(part, whole, expected):
    assert portfolio.share(part, whole) == (None if expected is None else Decimal(expected))


# --- queries --------------------------------------------------------------------------------


def lend_many(club, count):
    """`count` loans in `club`, each a month further behind (quick: bulk members, one treasurer)."""
    treasurer = set_up_club(club, capital=10_000_000 * count)
    for number in range(count):
        loan = lend(club, treasurer, amount=1_000_000)
        if number % 3:
            pay(treasurer, loan, 200_000, D(2024, 10, 18))


@pytest.mark.parametrize("count", [3, 30])
def test_report_queries_do_not_grow_with_loans(world, django_assert_num_queries, count):
    lend_many(world.club_a1, count)
    clubs = Club.objects.all()
    # Per club: loans, members, instalments due (3; districts and the total add the clubs up);
    # the districts' units (1); the clubs (1); written off (1); rescheduled (1).
    scheme = scheme_default(ROLLUP_DAY)
    with django_assert_num_queries(7):
        report = portfolio.portfolio_report(
            clubs=clubs, on=ROLLUP_DAY, period=Period.last_12_months(ROLLUP_DAY), scheme=scheme
        )
    assert report.total.figures.loans == count
    # The overdue list: a page costs one query, whatever the number of loans.
    with django_assert_num_queries(1):
        assert len(list(portfolio.overdue_loans(clubs=clubs, on=ROLLUP_DAY)[:20])) == min(count, 20)


@pytest.mark.parametrize("count", [2, 10])
def test_report_queries_do_not_grow_with_clubs(world, django_assert_num_queries, count):
    for number in range(count):
        district = world.district_a if number % 2 else world.district_b
        lend_many(factories.ClubFactory(unit=factories.commune(district, scheme=district.scheme)), 2)
    scheme = scheme_default(ROLLUP_DAY)
    with django_assert_num_queries(7):
        report = portfolio.portfolio_report(
            clubs=Club.objects.all(), on=ROLLUP_DAY, period=Period.last_12_months(ROLLUP_DAY), scheme=scheme
        )
    assert len(report.clubs) == count + 3


def test_club_portfolio_takes_three_queries(club, treasurer, django_assert_num_queries):
    lend(club, treasurer)
    with django_assert_num_queries(3):
        result = portfolio.club_portfolio(club, ROLLUP_DAY)
    assert (result.period, result.figures.outstanding) == (Period(D(2023, 12, 22), ROLLUP_DAY), 6_000_000)
