"""activities.selectors.area_months — the months of activity per club and area, from the reports'
figures and the loan book (active_section) — against the rule of the module's docstring read from
the rows in Python, on random reports and loan books of two clubs; and the form of its query.

Each example writes its rows straight to the tables (the services would refuse most random dates;
the rule is about rows, not about how they came): loans disbursed on any day around the months
reported, some taken over from the paper books, repayments some of them reversed, and reports
of the first half of 2024 with random income-generation and health sections, some accepted. The
same rows give the loan book's months (loans.selectors.loans_disbursed_in and repayments_in, as
the report page's month_lending reads them). Every example is rolled back.
"""

import datetime
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from activities.models import AreaSection, MonthlyReport, ReportStatus
from activities.selectors import area_months
from clubs.models import ActivityArea
from core.dates import add_months, month_start
from loans.models import InterestMethod, Loan, LoanPurpose, LoanStatus, Repayment, RepaymentFrequency
from loans.selectors import loans_disbursed_in, repayments_in
from tests import factories

FIRST_MONTH = datetime.date(2024, 1, 1)
MONTHS = [add_months(FIRST_MONTH, number) for number in range(6)]
# Loan-book days from a few days before the first month to a few after the last, month ends included.
days = st.integers(-5, 190).map(lambda offset: FIRST_MONTH + datetime.timedelta(days=offset))
clubs = st.integers(0, 1)
figures = st.none() | st.integers(0, 2)  # blank, 0 or more
sections = st.tuples(st.booleans(), figures)  # ("no activity" ticked, the figure)
reports = st.dictionaries(
    st.tuples(clubs, st.sampled_from(MONTHS)),
    st.tuples(st.booleans(), sections, sections),  # (accepted, income generation, health)
    max_size=8,
)
loans = st.lists(st.tuples(clubs, days, st.booleans()), max_size=4)  # (club, disbursed on, taken over)
repayments = st.lists(st.tuples(st.integers(0, 3), days, st.booleans()), max_size=6)  # (loan, paid on, reversed)


def test_area_months_is_the_rule_on_random_reports_and_loan_books(world):
    two_clubs = [world.club_a1, world.club_b1]
    borrower = factories.PersonFactory()
    now = datetime.datetime(2024, 8, 1, tzinfo=datetime.UTC)

    @settings(max_examples=60, deadline=None, derandomize=True, database=None)
    @given(reports=reports, loans=loans, repayments=repayments)
    def check(reports, loans, repayments):
        with transaction.atomic():
            lent = Loan.objects.bulk_create(
                Loan(
                    club=two_clubs[club],
                    borrower=borrower,
                    cycle=1,
                    purpose=LoanPurpose.OTHER,
                    amount=1_000_000,
                    term_months=6,
                    monthly_rate=Decimal("0.5"),
                    method=InterestMethod.FLAT,
                    frequency=RepaymentFrequency.MONTHLY,
                    status=LoanStatus.DISBURSED,
                    applied_on=disbursed_on,
                    disbursed_on=disbursed_on,
                    go_live_on=disbursed_on + datetime.timedelta(days=1) if taken_over else None,
                )
                for club, disbursed_on, taken_over in loans
            )
            paid = Repayment.objects.bulk_create(
                Repayment(
                    loan=lent[number % len(lent)],
                    paid_on=paid_on,
                    amount=100_000,
                    principal=100_000,
                    interest=0,
                    reversed_on=paid_on if reversed_ else None,
                )
                for number, paid_on, reversed_ in (repayments if lent else [])
            )
            made = MonthlyReport.objects.bulk_create(
                MonthlyReport(
                    club=two_clubs[club],
                    month=month,
                    status=ReportStatus.ACCEPTED if accepted else ReportStatus.DRAFT,
                    submitted_at=now if accepted else None,
                )
                for (club, month), (accepted, _income, _health) in reports.items()
            )
            AreaSection.objects.bulk_create(
                AreaSection(report=report, area=area, no_activity=no_activity, values={code: figure})
                for report, (_accepted, income, health) in zip(made, reports.values(), strict=True)
                for area, code, (no_activity, figure) in (
                    (ActivityArea.INCOME, "advice_sessions", income),
                    (ActivityArea.HEALTH, "health_talks", health),
                )
            )

            def lending(club, month):
                disbursed = any(
                    loan.club == club and loan.go_live_on is None and month_start(loan.disbursed_on) == month
                    for loan in lent
                )
                collected = any(
                    repayment.loan.club == club
                    and repayment.reversed_on is None
                    and month_start(repayment.paid_on) == month
                    for repayment in paid
                )
                return disbursed, collected

            expected: dict[int, dict[str, int]] = {}
            for (club, month), (accepted, (income_none, advice), (health_none, talks)) in reports.items():
                if not accepted:
                    continue
                income_active = (not income_none and (advice or 0) > 0) or any(lending(two_clubs[club], month))
                for area, active in (
                    (ActivityArea.INCOME, income_active),
                    (ActivityArea.HEALTH, not health_none and (talks or 0) > 0),
                ):
                    if active:
                        per_area = expected.setdefault(two_clubs[club].pk, {})
                        per_area[area] = per_area.get(area, 0) + 1
            accepted_reports = MonthlyReport.objects.filter(status=ReportStatus.ACCEPTED)
            assert area_months(accepted_reports) == expected

            for club in two_clubs:
                for month in MONTHS:
                    in_the_book = (
                        loans_disbursed_in(club=club, month=month).exists(),
                        repayments_in(club=club, month=month).exists(),
                    )
                    assert in_the_book == lending(club, month), (club, month)
            transaction.set_rollback(True)

    check()


def test_area_months_reads_the_sections_once_and_counts_them_without_distinct(world):
    """The rule is a condition on the sections joined and grouped: not `id IN (…)` over a second
    scan of them, nor COUNT(DISTINCT), either of which made PostgreSQL sort every active section
    of the province's clubs before grouping them."""
    with CaptureQueriesContext(connection) as queries:
        area_months(MonthlyReport.objects.filter(status=ReportStatus.ACCEPTED))
    [query] = queries.captured_queries
    assert query["sql"].count('FROM "activities_areasection"') == 1
    assert "DISTINCT" not in query["sql"]
