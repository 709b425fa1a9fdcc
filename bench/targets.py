"""Benchmark: the province targets report and its dashboard on a province-sized data set.

Goal: on 2.000 clubs and 120.000 members over the real maps of Quảng Ngãi with their lineage,
`target_report` and the dashboard for province staff answer in well under a second on PostgreSQL
(MAX_SECONDS), with exactly the number of queries they take for 10 clubs: the 2022–2025 plan while
its map is in force (AS_OF) and after it ended (AFTER_THE_REFORM, clubs counted where they sit on
the old map), and the 2026–2030 plan on the map of 1 Jul 2025 (clubs followed along the lineage).

    DATABASE_URL=postgres://… .venv/bin/python bench/targets.py
    DATABASE_URL=postgres://… .venv/bin/python bench/targets.py --sizes 10 2000 --members 67

Runs in a throw-away test database (test_<name of DATABASE_URL's database>): loads the units
of the three maps and the lineage (load_admin_units, load_lineage) and the seeded plans, writes the
clubs in bulk with tests.targets.bulk.add_clubs on the map of 2020 (funds and entries, members and
household status, loans with schedules, suspended clubs, accepted monthly reports), follows them
onto the later maps (club_locations_follow, timed too), ANALYZEs, then times the reports and the
dashboards. Prints the median time and the query count of each, and exits non-zero
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
AFTER_THE_REFORM = datetime.date(2025, 12, 31)  # the 2022–2025 plan's end: its map has ended
NEW_PLAN_ON = datetime.date(2026, 6, 30)  # the 2026–2030 plan, on the map of 1 Jul 2025
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


def measure(plans, client):
    """{what: (median seconds, queries)}: each plan's report and dashboard on its date."""
    from django.urls import reverse

    from areas.models import AdminUnit
    from clubs.models import Club
    from targets.selectors import target_report

    def report(plan, on):
        def run():
            result = target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=on)
            return [(row.value, row.met) for row in result.progress]

        return run

    timings = {}
    for label, plan, on in plans:
        url = f"{reverse('targets:dashboard')}?plan={plan.code}&on={on:%d/%m/%Y}"
        timings[f"report {label}"] = harness.timed(report(plan, on))
        timings[f"dashboard {label}"] = harness.timed(harness.page(client, url))
    # The trend across the maps, on the latest plan's date: five years, each on its own map.
    label, plan, on = plans[-1]
    url = f"{reverse('targets:trend')}?plan={plan.code}&on={on:%d/%m/%Y}"
    timings[f"trend page {label}"] = harness.timed(harness.page(client, url))
    return timings


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
        from clubs.services.locations import club_locations_follow
        from demo.plans import QUANG_NGAI_2022_2025, QUANG_NGAI_2026_2030, seed_plan
        from members.models import Membership

        call_command("load_admin_units", "data/quang_ngai_2020_2024_units.csv", scheme="vn-2020", stdout=io.StringIO())
        call_command("load_admin_units", "data/quang_ngai_2025_units.csv", scheme="vn-2025-07", stdout=io.StringIO())
        call_command("load_lineage", "data/quang_ngai_lineage.csv", stdout=io.StringIO())
        plan = seed_plan(QUANG_NGAI_2022_2025)
        plans = [
            ("2022–2025 on its map", plan, AS_OF),
            ("2022–2025 after the reform", plan, AFTER_THE_REFORM),
            ("2026–2030", seed_plan(QUANG_NGAI_2026_2030), NEW_PLAN_ON),
        ]
        province = AdminUnit.objects.get(scheme=plan.scheme, code=settings.PROVINCE_CODE)
        units = list(AdminUnit.objects.club_hosts().filter(scheme=plan.scheme, path__startswith=province.path))
        client = Client()
        client.force_login(province_staff(province))
        results = {}
        for size in (small, large):
            started = time.perf_counter()
            build(units, size, args.members)
            followed = time.perf_counter()
            club_locations_follow(actor=None)  # the bulk clubs onto the maps of 2025
            followed = time.perf_counter() - followed
            harness.analyze()
            members = Membership.objects.count()
            print(
                f"     {Club.objects.count()} clubs, {members} members over {len(units)} units "
                f"(built in {time.perf_counter() - started:.0f} s, followed onto the later maps in {followed:.1f} s)"
            )
            results[size] = measure(plans, client)
        for what in results[small]:
            (t_small, q_small), (t_large, q_large) = results[small][what], results[large][what]
            ok = q_small == q_large and (t_large < MAX_SECONDS or not postgres)
            failed |= not ok
            print(
                f"{'ok ' if ok else 'MISS'} {what:<38} queries {q_small}→{q_large}  "
                f"median {t_small * 1000:.0f}→{t_large * 1000:.0f} ms ({small}→{large} clubs, {connection.vendor})"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
