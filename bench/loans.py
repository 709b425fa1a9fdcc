"""Benchmark: the loan portfolio pages as the loan books grow.

Speed goals are ratios, not seconds (machines differ): with 20× the loans (and clubs), the overdue
list (one page of rows) must cost well under 20× the time, the portfolio page and its export (a
row per club) no more than in proportion, and the number of queries must not change at all.

    .venv/bin/python bench/loans.py            # SQLite, or DATABASE_URL when set
    .venv/bin/python bench/loans.py --sizes 100 5000

Runs in a throw-away test database; prints one line per page and size, and exits non-zero when a
goal is missed. Loans are written in bulk (the pages read them, not the services): each club has
LOANS_PER_CLUB loans of a year, disbursed a month apart, paid on time, in part, late or not at all.
"""

import argparse
import datetime
import io
import sys
from decimal import Decimal

import harness  # sets Django up: first

# isort: split
from django.test import Client

# (page, how its time may grow), as in bench/club_pages.py.
PAGES = [
    ("/reports/portfolio/", "full"),
    ("/reports/portfolio/overdue/", "page"),
    ("/reports/portfolio/overdue/?bucket=over-90", "page"),
    ("/exports/portfolio.xlsx", "full"),
]
MAX_TIME_RATIO = {"page": 0.5, "full": 1.2}
LOANS_PER_CLUB = 10
MEMBERS_PER_CLUB = 15
TERM_MONTHS = 12
AMOUNT = 6_000_000


def build(loans: int):
    from accounts.models import Role
    from areas.models import AdminUnit, Level
    from clubs.models import Club
    from tests import factories

    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE))
    missing = loans // LOANS_PER_CLUB - Club.objects.count()
    if missing > 0:
        clubs = factories.ClubFactory.create_batch(missing, unit=factories.factory.Iterator(communes))
        add_loan_books(clubs)
    user = factories.UserFactory(username="bench-province")
    if not user.role_assignments.exists():
        province = AdminUnit.objects.get(level=Level.PROVINCE)
        factories.RoleAssignmentFactory(user=user, role=Role.PROVINCE_STAFF, area=province)
    return user


def add_loan_books(clubs):
    """Members, loans, schedules, repayments and their allocations of `clubs`, in bulk."""
    from django.utils import timezone

    from core.dates import add_months, day_in_month
    from core.text import fold, vietnamese_sort_key
    from loans.models import Allocation, Instalment, InterestMethod, Loan, LoanStatus, Repayment, RepaymentFrequency
    from loans.schedules import build_schedule
    from members.models import Membership, Person

    today = timezone.localdate()
    people = []
    for club in clubs:
        for number in range(MEMBERS_PER_CLUB):
            name = f"Trần Văn Vay {club.pk}-{number}"
            people.append(
                Person(full_name=name, name_folded=fold(name), sort_key=vietnamese_sort_key(name), birth_year=1955)
            )
    people = iter(Person.objects.bulk_create(people))
    memberships, loans = [], []
    for club in clubs:
        for number in range(MEMBERS_PER_CLUB):
            person = next(people)
            memberships.append(Membership(person=person, club=club, joined_on=datetime.date(2022, 6, 1)))
            if number < LOANS_PER_CLUB:
                disbursed_on = day_in_month(add_months(today, -(number + 2)), 15)
                loans.append(
                    Loan(
                        club=club,
                        borrower=person,
                        cycle=1,
                        purpose="livestock",
                        amount=AMOUNT,
                        term_months=TERM_MONTHS,
                        monthly_rate=Decimal("0.5"),
                        method=InterestMethod.FLAT,
                        frequency=RepaymentFrequency.MONTHLY,
                        grace_days=5,
                        status=LoanStatus.DISBURSED,
                        applied_on=disbursed_on,
                        decided_on=disbursed_on,
                        disbursed_on=disbursed_on,
                    )
                )
    Membership.objects.bulk_create(memberships)
    loans = Loan.objects.bulk_create(loans)
    schedules = []
    for loan in loans:
        schedule = build_schedule(
            amount=loan.amount,
            term_months=loan.term_months,
            monthly_rate=loan.monthly_rate,
            method=loan.method,
            frequency=loan.frequency,
            first_due_on=day_in_month(add_months(loan.disbursed_on, 1), 15),
            meeting_day=15,
        )
        schedules.append(
            [
                Instalment(
                    loan=loan,
                    number=part.number,
                    due_on=part.due_on,
                    late_after=part.due_on + datetime.timedelta(days=loan.grace_days),
                    principal_due=part.principal,
                    interest_due=part.interest,
                )
                for part in schedule
            ]
        )
    Instalment.objects.bulk_create([instalment for schedule in schedules for instalment in schedule])
    # Every fourth borrower pays on time, every fourth in part, every fourth a month late, the last not at all.
    repayments, parts = [], []
    for index, (loan, schedule) in enumerate(zip(loans, schedules, strict=True)):
        habit = index % 4
        for instalment in schedule:
            paid_on = instalment.due_on + datetime.timedelta(days=31 if habit == 2 else 0)
            if habit == 3 or paid_on > today:
                continue
            principal = instalment.principal_due // 2 if habit == 1 else instalment.principal_due
            interest = instalment.interest_due
            amount = principal + interest
            repayments.append(
                Repayment(loan=loan, paid_on=paid_on, amount=amount, principal=principal, interest=interest)
            )
            parts.append((instalment, principal, interest))
    repayments = Repayment.objects.bulk_create(repayments)
    Allocation.objects.bulk_create(
        Allocation(repayment=repayment, instalment=instalment, principal=principal, interest=interest)
        for repayment, (instalment, principal, interest) in zip(repayments, parts, strict=True)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 2000], metavar=("SMALL", "LARGE"), help="loans")
    args = parser.parse_args()
    small, large = sorted(args.sizes)

    from django.core.management import call_command

    failed = False
    with harness.throwaway_database():
        call_command("load_admin_units", "data/quang_ngai_2020_2024_units.csv", scheme="vn-2020", stdout=io.StringIO())
        results = {}
        for size in (small, large):
            user = build(size)
            harness.analyze()
            client = Client()
            client.force_login(user)
            results[size] = {url: harness.timed(harness.page(client, url)) for url, _growth in PAGES}
        for url, growth in PAGES:
            (t_small, q_small), (t_large, q_large) = results[small][url], results[large][url]
            time_ratio = t_large / t_small
            data_ratio = large / small
            ok = q_small == q_large and time_ratio <= MAX_TIME_RATIO[growth] * data_ratio
            failed |= not ok
            print(
                f"{'ok ' if ok else 'MISS'} {url:<44} queries {q_small}→{q_large}  "
                f"time {t_small * 1000:.1f}→{t_large * 1000:.1f} ms (×{time_ratio:.2f} for ×{data_ratio:.0f} loans)"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
