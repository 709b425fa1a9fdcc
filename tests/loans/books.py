"""A club's loan book built through the services, for the page tests (views, collection sheet,
URL access and the browser test). The services are called as the club's work would call them:
capital contributed, rules recorded, then each loan applied for, approved and disbursed."""

import datetime
from decimal import Decimal

from django.utils import timezone

from clubs.models import Club
from core.dates import add_months, day_in_month
from funds.models import CapitalSource, FundKind
from funds.services import contribution_record
from loans import services
from loans.models import InterestMethod, LoanPurpose, RepaymentFrequency
from tests import factories

D = datetime.date
# A loan a club made on paper, taken over when it goes live: 12.000.000 đ lent on 20/06/2024 over
# 12 months at 0,5 % a month, flat, principal and interest every month.
PAPER_LOAN = {
    "amount": 12_000_000,
    "disbursed_on": D(2024, 6, 20),
    "term_months": 12,
    "monthly_rate": Decimal("0.5"),
    "method": InterestMethod.FLAT,
    "frequency": RepaymentFrequency.MONTHLY,
}
CAPITAL_ON = D(2024, 1, 10)
RULES_FROM = D(2023, 1, 1)
APPLIED_ON = D(2024, 12, 5)
DISBURSED_ON = D(2024, 12, 15)


def open_lending(
    club,
    *,
    capital=50_000_000,
    capital_on=CAPITAL_ON,
    rules_from=RULES_FROM,
    max_amount=10_000_000,
    grace_days=5,
    actor=None,
):
    """Capital in the club's income-generation fund and loan rules: `max_amount` (10 million) over
    12 months at most, 0.5 % a month flat, monthly repayments, `grace_days` (5) days' grace."""
    fund = club.funds.get(kind=FundKind.INCOME)
    if club.loan_rules.filter(effective_from=rules_from).exists():
        return fund  # opened already (tests/e2e/test_accessibility.py sets up every page on one database)
    contribution_record(actor=actor, fund=fund, amount=capital, entry_date=capital_on, source=CapitalSource.MEMBERS)
    services.rules_record(
        actor=actor,
        club=club,
        effective_from=rules_from,
        max_amount=max_amount,
        max_term_months=12,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
        grace_days=grace_days,
    )
    return fund


def borrower_of(club, full_name="Nguyễn Thị Vay", **person):
    return factories.MembershipFactory(
        club=club, joined_on=D(2022, 5, 1), person=factories.PersonFactory(full_name=full_name, **person)
    ).person


def applied_loan(club, *, borrower=None, amount=6_000_000, term=6, applied_on=APPLIED_ON, actor=None, **kwargs):
    return services.loan_apply(
        actor=actor,
        club=club,
        borrower=borrower or borrower_of(club),
        amount=amount,
        term_months=term,
        purpose=LoanPurpose.LIVESTOCK,
        applied_on=applied_on,
        **kwargs,
    )


def approved_loan(club, *, decided_on=None, actor=None, **kwargs):
    loan = applied_loan(club, actor=actor, **kwargs)
    return services.loan_approve(
        actor=actor,
        loan=loan,
        decided_on=decided_on or loan.applied_on + datetime.timedelta(days=5),
        decision_body="board",
        decision_reference="Biên bản họp BCN",
        override_reason=kwargs.get("override_reason"),
    )


def disbursed_loan(club, *, disbursed_on=DISBURSED_ON, actor=None, **kwargs):
    """A loan paid out on `disbursed_on`: with the factory clubs' meeting day (15), 6 million over
    6 months falls due 1.030.000 on the 15th of each following month."""
    kwargs.setdefault("applied_on", disbursed_on - datetime.timedelta(days=10))
    loan = approved_loan(club, actor=actor, **kwargs)
    return services.loan_disburse(actor=actor, loan=loan, disbursed_on=disbursed_on)


def meeting_today_with_a_loan(club, borrower_name="Trần Văn Bình"):
    """For browser tests, whose live server runs on the real clock: the club meets today, its
    lending opened six months ago, and one loan disbursed last month falls due today for the first
    time. Returns (today, the loan)."""
    today = timezone.localdate()
    Club.objects.filter(pk=club.pk).update(meeting_day=today.day)
    club.refresh_from_db()
    open_lending(club, capital_on=day_in_month(add_months(today, -6), 1))
    loan = disbursed_loan(
        club, borrower=borrower_of(club, borrower_name), disbursed_on=day_in_month(add_months(today, -1), 1)
    )
    return today, loan
