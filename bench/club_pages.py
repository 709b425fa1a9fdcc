"""Benchmark: the club list, the area tree and the home page as the register grows.

Speed goals are ratios, not seconds (machines differ): with 20× the clubs (and their members),
a paged list must cost well under 20× the time, a full listing or export no more than in
proportion, and the number of queries must not change at all.

    .venv/bin/python bench/club_pages.py            # SQLite, or DATABASE_URL when set
    .venv/bin/python bench/club_pages.py --sizes 100 5000

Runs in a throw-away test database; prints one line per page and size, and exits non-zero
when a goal is missed.
"""

import argparse
import io
import sys

import harness  # sets Django up: first

# isort: split
from django.test import Client

# (page, how its time may grow): a "page" shows one page of rows or fixed totals, so its time
# must grow far less than the data; a "full" listing (every club's row, an export) may grow in
# proportion to the data, not faster.
PAGES = [
    ("/", "page"),
    ("/clubs/", "page"),
    ("/clubs/?q=lien the he", "page"),
    ("/areas/", "page"),
    ("/members/", "page"),
    ("/members/?q=nguyen thi&age_group=older", "page"),
    ("/reports/scorecard/", "full"),
    ("/exports/clubs.xlsx", "full"),
]
MAX_TIME_RATIO = {"page": 0.5, "full": 1.2}
MEMBERS_PER_CLUB = 5


def build(size: int):
    from accounts.models import Role
    from areas.models import AdminUnit, Level
    from clubs.models import Club
    from tests import factories

    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE))
    missing = size - Club.objects.count()
    if missing > 0:
        clubs = factories.ClubFactory.create_batch(missing, unit=factories.factory.Iterator(communes))
        add_members(clubs)
    user = factories.UserFactory(username="bench-province")
    if not user.role_assignments.exists():
        province = AdminUnit.objects.get(level=Level.PROVINCE)
        factories.RoleAssignmentFactory(user=user, role=Role.PROVINCE_STAFF, area=province)
    return user


def add_members(clubs):
    """MEMBERS_PER_CLUB members in each club, written in bulk (the pages read them, not the services)."""
    import datetime

    from core.text import fold, vietnamese_sort_key
    from members.models import EconomicStatus, HouseholdStatus, Membership, Person, Sex

    people = []
    for club in clubs:
        for number in range(MEMBERS_PER_CLUB):
            name = f"Nguyễn Thị Thử {club.pk}-{number}"
            people.append(
                Person(
                    full_name=name,
                    name_folded=fold(name),
                    sort_key=vietnamese_sort_key(name),
                    sex=Sex.FEMALE if number % 3 else Sex.MALE,
                    birth_year=1940 + number * 7,
                )
            )
    Person.objects.bulk_create(people)
    people = iter(Person.objects.filter(memberships__isnull=True).order_by("pk"))
    memberships, statuses = [], []
    for club in clubs:
        for number in range(MEMBERS_PER_CLUB):
            person = next(people)
            memberships.append(Membership(person=person, club=club, joined_on=datetime.date(2022, 6, 1)))
            status = EconomicStatus.POOR if number % 2 else EconomicStatus.OTHER
            statuses.append(HouseholdStatus(person=person, status=status, valid_from=datetime.date(2022, 1, 1)))
    Membership.objects.bulk_create(memberships)
    HouseholdStatus.objects.bulk_create(statuses)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[100, 2000], metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    small, large = sorted(args.sizes)

    from django.core.management import call_command

    failed = False
    with harness.throwaway_database():
        call_command("load_admin_units", "data/quang_ngai_2020_2024_units.csv", scheme="vn-2020", stdout=io.StringIO())
        results = {}
        for size in (small, large):
            user = build(size)
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
                f"{'ok ' if ok else 'MISS'} {url:<24} queries {q_small}→{q_large}  "
                f"time {t_small * 1000:.1f}→{t_large * 1000:.1f} ms (×{time_ratio:.2f} for ×{data_ratio:.0f} clubs)"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
