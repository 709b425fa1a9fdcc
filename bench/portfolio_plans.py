"""Query plans of the loan portfolio on a loan book shaped like a real one (PostgreSQL).

Goal: every query of the portfolio report, of the fast PAR30 of the reports over many clubs
(loans.portfolio.at_risk_by_club) and of the overdue list stays linear in the loans, also when a
set of rows no longer fits in work_mem: an `IN (subquery)` in a FILTER or under an OR then turns
into a sub-plan that is materialized once and scanned again for every outer row (quadratic). Each
query is run with work_mem at its smallest (64 kB) to show that case. A query fails the goal when
its plan has such a sub-plan, or when with 10× the loans its time grows more than MAX_TIME_RATIO ×
10 (a correlated sub-plan on an index, run once per row, is linear; PostgreSQL may pick it for the
larger size instead of a hashed one, hence the room).

    DATABASE_URL=postgres://… .venv/bin/python bench/portfolio_plans.py
    DATABASE_URL=postgres://… .venv/bin/python bench/portfolio_plans.py --sizes 1000 10000 --plans /tmp/plans

Runs in a throw-away test database. Each club gets LOANS_PER_CLUB loans of 12 monthly
instalments disbursed over the last 15 months, written in bulk: paid on time, in part, a month
late, not at all, with a repayment recorded by mistake and reversed, rescheduled after three
missed months (the unpaid instalments cancelled, a new schedule), written off after four. Prints,
for each query and size, its time and the plan nodes that decide whether it is linear (joins,
sub-plans), and exits non-zero when a time grows faster than the loans. With --plans, writes
every plan in full to that folder.
"""

import argparse
import datetime
import io
import re
import sys
from decimal import Decimal
from pathlib import Path

import harness  # sets Django up: first

# isort: split
from django.db import connection
from django.test.utils import CaptureQueriesContext

LOANS_PER_CLUB = 10
TERM_MONTHS = 12
AMOUNT = 6_000_000
MAX_TIME_RATIO = 2.5  # × the ratio of the loans: room for a change of plan and a shared machine
NOISE_MS = 100  # below this, a time says nothing about growth
PLAN_NODES = re.compile(r"(Join|SubPlan|InitPlan|Nested Loop|Hash|Aggregate|Scan on \w+)")


def add_loan_books(clubs, today: datetime.date) -> None:
    """Members, loans, schedules, repayments with their allocations, reversals, reschedulings and
    write-offs of `clubs`, in bulk (the report reads them; the services are tested elsewhere)."""
    from core.dates import add_months, day_in_month
    from core.text import fold, vietnamese_sort_key
    from loans.models import (
        Allocation,
        Instalment,
        InterestMethod,
        Loan,
        LoanStatus,
        Repayment,
        RepaymentFrequency,
        Rescheduling,
    )
    from loans.schedules import build_schedule
    from loans.services.checks import settle
    from members.models import Membership, Person

    def schedule_of(amount, first_due_on, first_number=1):
        return build_schedule(
            amount=amount,
            term_months=TERM_MONTHS,
            monthly_rate=Decimal("0.5"),
            method=InterestMethod.FLAT,
            frequency=RepaymentFrequency.MONTHLY,
            first_due_on=first_due_on,
            meeting_day=15,
            first_number=first_number,
        )

    names = [f"Trần Thị Vay {club.pk}-{number}" for club in clubs for number in range(LOANS_PER_CLUB)]
    people = Person.objects.bulk_create(
        Person(full_name=name, name_folded=fold(name), sort_key=vietnamese_sort_key(name), birth_year=1958)
        for name in names
    )
    Membership.objects.bulk_create(
        Membership(person=person, club=clubs[index // LOANS_PER_CLUB], joined_on=datetime.date(2022, 6, 1))
        for index, person in enumerate(people)
    )
    loans = Loan.objects.bulk_create(
        Loan(
            club=clubs[index // LOANS_PER_CLUB],
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
            applied_on=day_in_month(add_months(today, -(index % 15 + 2)), 15),
            decided_on=day_in_month(add_months(today, -(index % 15 + 2)), 15),
            disbursed_on=day_in_month(add_months(today, -(index % 15 + 2)), 15),
        )
        for index, person in enumerate(people)
    )
    instalments, reschedulings, payments, changed = [], [], [], []
    for index, loan in enumerate(loans):
        habit = index % 8
        schedule = [
            Instalment(
                loan=loan,
                number=part.number,
                due_on=part.due_on,
                late_after=part.due_on + datetime.timedelta(days=5),
                principal_due=part.principal,
                interest_due=part.interest,
            )
            for part in schedule_of(AMOUNT, day_in_month(add_months(loan.disbursed_on, 1), 15))
        ]
        instalments += schedule
        due = [instalment for instalment in schedule if instalment.due_on <= today]
        if habit == 6 and len(due) > 3:  # three months missed, then rescheduled
            rescheduled_on = due[2].due_on + datetime.timedelta(days=10)
            for instalment in schedule:
                if instalment.due_on > due[2].due_on or instalment in due[:3]:
                    instalment.cancelled_on = rescheduled_on
            new = [
                Instalment(
                    loan=loan,
                    number=part.number,
                    due_on=part.due_on,
                    late_after=part.due_on + datetime.timedelta(days=5),
                    principal_due=part.principal,
                    interest_due=part.interest,
                )
                for part in schedule_of(AMOUNT, day_in_month(add_months(rescheduled_on, 1), 15), TERM_MONTHS + 1)
            ]
            instalments += new
            reschedulings.append(
                Rescheduling(
                    loan=loan,
                    rescheduled_on=rescheduled_on,
                    term_months=TERM_MONTHS,
                    first_due_on=new[0].due_on,
                    principal=AMOUNT,
                    interest_carried=0,
                    reason="Thiên tai",
                    decision_reference="QĐ",
                )
            )
            payments += [(instalment, instalment.due_on, instalment.principal_due, False) for instalment in new[:2]]
        elif habit == 7 and len(due) > 4:  # four months missed, then written off
            loan.status, loan.closed_on = LoanStatus.WRITTEN_OFF, due[3].due_on + datetime.timedelta(days=20)
            loan.written_off_amount = AMOUNT
            for instalment in schedule:
                instalment.cancelled_on = loan.closed_on
            changed.append(loan)
        elif habit != 4:  # on time (0, 1, 5), in part (2), a month late (3)
            late = datetime.timedelta(days=31 if habit == 3 else 0)
            paid = [instalment for instalment in due if instalment.due_on + late <= today]
            for instalment in paid:
                principal = instalment.principal_due // 2 if habit == 2 else instalment.principal_due
                payments.append((instalment, instalment.due_on + late, principal, False))
            if habit == 5 and paid:  # a repayment typed on the wrong loan, then reversed
                payments.append((paid[-1], paid[-1].due_on, 1, True))
            if len(paid) == TERM_MONTHS and habit != 2:
                loan.status, loan.closed_on = LoanStatus.REPAID, paid[-1].due_on + late
                changed.append(loan)
    Instalment.objects.bulk_create(instalments)
    Rescheduling.objects.bulk_create(reschedulings)
    Loan.objects.bulk_update(changed, ["status", "closed_on", "written_off_amount"])
    repayments = Repayment.objects.bulk_create(
        Repayment(
            loan=instalment.loan,
            paid_on=paid_on,
            amount=principal + instalment.interest_due,
            principal=principal,
            interest=instalment.interest_due,
            reversed_on=paid_on + datetime.timedelta(days=3) if wrong else None,
            reversal_reason="nhập nhầm" if wrong else "",
        )
        for instalment, paid_on, principal, wrong in payments
    )
    Allocation.objects.bulk_create(
        Allocation(repayment=repayment, instalment=instalment, principal=principal, interest=instalment.interest_due)
        for repayment, (instalment, _paid_on, principal, _wrong) in zip(repayments, payments, strict=True)
    )
    # Written past the repayment services: the instalments paid in full are worked out as they do.
    settle(Instalment.objects.filter(loan__club__in=clubs))


def build(loans: int, today: datetime.date) -> None:
    from areas.models import AdminUnit, Level
    from clubs.models import Club
    from tests import factories

    missing = loans // LOANS_PER_CLUB - Club.objects.count()
    if missing > 0:
        communes = list(AdminUnit.objects.filter(level=Level.COMMUNE))
        clubs = factories.ClubFactory.create_batch(missing, unit=factories.factory.Iterator(communes))
        add_loan_books(clubs, today)


def queries(today: datetime.date) -> dict[str, list[str]]:
    """{what: the SQL of its queries}, as the report runs them."""
    from clubs.models import Club
    from loans import portfolio

    clubs = Club.objects.all()
    calls = {
        "portfolio_report": lambda: portfolio.portfolio_report(
            clubs=clubs, on=today, period=portfolio.Period.last_12_months(today)
        ),
        "at_risk_by_club": lambda: portfolio.at_risk_by_club(clubs=clubs, on=today),
        "overdue_loans (a page)": lambda: list(portfolio.overdue_loans(clubs=clubs, on=today)[:50]),
    }
    result = {}
    for name, call in calls.items():
        with CaptureQueriesContext(connection) as captured:
            call()
        result[name] = [query["sql"] for query in captured]
    return result


def explain(sql: str, runs: int = 3) -> tuple[float, list[str]]:
    """(the best execution time of `runs`, in ms; the plan's lines) of `sql` run with the smallest
    work_mem. The best of a few runs: the machine is shared, the plan is the same each time."""
    best, plan = None, []
    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '64kB'")
        try:
            for _run in range(runs):
                cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")
                lines = [row[0] for row in cursor.fetchall()]
                time_ms = float(next(line for line in lines if line.startswith("Execution Time")).split()[2])
                if best is None or time_ms < best:
                    best, plan = time_ms, lines
        finally:
            cursor.execute("RESET work_mem")
    return best, plan


def rescanned_subplans(lines: list[str]) -> list[str]:
    """The sub-plans of the plan that are materialized and scanned again for each outer row."""
    found = []
    for line, following in zip(lines, lines[1:], strict=False):
        if line.strip().startswith("SubPlan") and "Materialize" in following:
            found.append(line.strip())
    return found


def summary(lines: list[str]) -> str:
    """The plan's joins and sub-plans, one per line, indented as in the plan."""
    kept = []
    for line in lines:
        if PLAN_NODES.search(line) and not line.lstrip().startswith(("Hash Cond", "Sort Key", "Group Key")):
            kept.append("      " + re.sub(r" \(actual.*", "", line))
    return "\n".join(kept)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 10000], metavar=("SMALL", "LARGE"), help="loans")
    parser.add_argument("--plans", type=Path, help="a folder to write every plan to")
    args = parser.parse_args()
    small, large = sorted(args.sizes)
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database: the plans are PostgreSQL's.")
        return 2

    from django.core.management import call_command
    from django.utils import timezone

    today = timezone.localdate()
    failed = False
    with harness.throwaway_database():
        call_command("load_admin_units", "data/quang_ngai_2020_2024_units.csv", scheme="vn-2020", stdout=io.StringIO())
        times: dict = {}
        for size in (small, large):
            build(size, today)
            harness.analyze()
            print(f"--- {size} loans")
            for name, sqls in queries(today).items():
                for number, sql in enumerate(sqls, start=1):
                    time_ms, lines = explain(sql)
                    times[(name, number, size)] = time_ms
                    rescanned = rescanned_subplans(lines)
                    failed |= bool(rescanned)
                    print(f"  {'MISS' if rescanned else 'ok  '} {name} #{number}: {time_ms:.1f} ms")
                    if rescanned:
                        print(f"      rescanned for every row: {', '.join(rescanned)}")
                    print(summary(lines))
                    if args.plans:
                        args.plans.mkdir(parents=True, exist_ok=True)
                        slug = re.sub(r"\W+", "-", name).strip("-")
                        (args.plans / f"{slug}-{number}-{size}.txt").write_text(f"{sql}\n\n" + "\n".join(lines))
        print("--- growth")
        for (name, number, size), time_ms in sorted(times.items()):
            if size != large:
                continue
            before = times[(name, number, small)]
            ratio = time_ms / max(before, 0.01)
            ok = ratio <= MAX_TIME_RATIO * large / small or time_ms < NOISE_MS
            failed |= not ok
            print(f"{'ok ' if ok else 'MISS'} {name} #{number}: {before:.1f} → {time_ms:.1f} ms (×{ratio:.1f})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
