"""Benchmark: the province targets report and its dashboard on a province-sized data set.

Goal: on 2.000 clubs and 120.000 members over the real map of Quảng Ngãi
(2020–2024), `target_report` and the dashboard for province staff answer in well under a second on
PostgreSQL (MAX_SECONDS), with exactly the number of queries they take for 10 clubs.

    DATABASE_URL=postgres://… .venv/bin/python bench/targets.py
    DATABASE_URL=postgres://… .venv/bin/python bench/targets.py --sizes 10 2000 --members 67

Runs in a throw-away test database (test_<name of DATABASE_URL's database>): loads the units
(load_admin_units) and the seeded plan "Quảng Ngãi 2022–2025", writes the clubs in bulk with
tests.targets.bulk.add_clubs (funds and entries, members and household status, loans
with schedules, suspended clubs, accepted monthly reports), ANALYZEs, then times the report and
the dashboard as of AS_OF. Prints the median time and the query count of each, and exits non-zero
when a goal is missed. Without DATABASE_URL it runs on SQLite and checks the query counts only.
"""

import argparse
import datetime
import io
import sys
import time

import harness  # sets Django up: first

# isort: split
from django.db import connection
from django.test import Client

AS_OF = datetime.date(2025, 6, 30)  # within the plan's period, on the 2020–2024 map's last day
MAX_SECONDS = 1.0
CHUNK = 200  # clubs written per add_clubs call: a few thousand rows per INSERT


def build(units, clubs: int, members: int):
    """Add clubs in chunks until there are `clubs` of them."""
    from clubs.models import Club
    from tests.targets.bulk import add_clubs

    have = Club.objects.count()
    while have < clubs:
        count = min(CHUNK, clubs - have)
        add_clubs(units, count, members=members, on=AS_OF, prefix="BENCH", first=have)
        have += count


def province_staff(province):
    from accounts.models import Role
    from tests import factories

    user = factories.UserFactory(username="bench-targets")
    factories.RoleAssignmentFactory(user=user, role=Role.PROVINCE_STAFF, area=province)
    return user


def measure(plan, client):
    """{what: (median seconds, queries) or None when the page is not there}."""
    from django.urls import reverse

    from areas.models import AdminUnit
    from clubs.models import Club
    from targets.selectors import target_report

    def report():
        result = target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=AS_OF)
        return [(row.value, row.met) for row in result.progress]

    url = f"{reverse('targets:dashboard')}?plan={plan.code}&on={AS_OF:%d/%m/%Y}"
    return {"target_report": harness.timed(report), "dashboard": harness.timed(harness.page(client, url))}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[10, 2000], metavar=("SMALL", "LARGE"), help="clubs")
    parser.add_argument("--members", type=int, default=67, help="members per launched club")
    args = parser.parse_args()
    small, large = sorted(args.sizes)

    from django.core.management import call_command

    postgres = connection.vendor == "postgresql"
    failed = False
    with harness.throwaway_database():
        from django.conf import settings

        from areas.models import AdminUnit
        from clubs.models import Club
        from demo.plans import QUANG_NGAI_2022_2025, seed_plan
        from members.models import Membership

        call_command("load_admin_units", "data/quang_ngai_2020_2024_units.csv", scheme="vn-2020", stdout=io.StringIO())
        plan = seed_plan(QUANG_NGAI_2022_2025)
        province = AdminUnit.objects.get(scheme=plan.scheme, code=settings.PROVINCE_CODE)
        units = list(AdminUnit.objects.club_hosts().filter(scheme=plan.scheme, path__startswith=province.path))
        client = Client()
        client.force_login(province_staff(province))
        results = {}
        for size in (small, large):
            started = time.perf_counter()
            build(units, size, args.members)
            harness.analyze()
            members = Membership.objects.count()
            print(
                f"     {Club.objects.count()} clubs, {members} members over {len(units)} units "
                f"(built in {time.perf_counter() - started:.0f} s)"
            )
            results[size] = measure(plan, client)
        for what in ("target_report", "dashboard"):
            (t_small, q_small), (t_large, q_large) = results[small][what], results[large][what]
            ok = q_small == q_large and (t_large < MAX_SECONDS or not postgres)
            failed |= not ok
            print(
                f"{'ok ' if ok else 'MISS'} {what:<14} queries {q_small}→{q_large}  "
                f"median {t_small * 1000:.0f}→{t_large * 1000:.0f} ms ({small}→{large} clubs, {connection.vendor})"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
