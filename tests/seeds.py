"""The seeded province that many tests read, built once per test process (tests/conftest.py keeps
each as a tests.snapshots.Snapshot and copies it into the tests that ask for it)."""

import io
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from areas.models import AdminUnit
from clubs.models import Club
from clubs.services.register import club_create
from demo.scenario import CLUBS, demo_members
from members.models import HouseholdStatus, Membership, Person
from tests import factories

UNITS_FILE = Path(settings.BASE_DIR) / "data" / "quang_ngai_2020_2024_units.csv"


def record_seed_2022() -> list[Club]:
    """The real units of 2020–2024, the ten demo clubs (through the club service) and exactly the
    413 members of demo.scenario for the seven launched ones, as seed_demo records them: joined on the
    launch date, household status from 1 January of that year. Members are written in bulk for
    speed; test_seed_demo_command_gives_the_same_figures checks the path through the services.
    Returns the clubs in CLUBS order."""
    call_command("load_admin_units", str(UNITS_FILE), scheme="vn-2020", stdout=io.StringIO())
    units = {unit.code: unit for unit in AdminUnit.objects.filter(scheme__code="vn-2020")}
    clubs, people, joins = [], [], []
    for number, (unit_code, name, hamlets, decided, launched, meeting_day) in enumerate(CLUBS, start=1):
        club = club_create(
            actor=None,
            name=name,
            unit=units[unit_code],
            hamlets=hamlets,
            decision_number=f"{number:02d}/QĐ-UBND",
            decision_date=decided,
            launch_date=launched,
            meeting_day=meeting_day,
        )
        clubs.append(club)
        if launched is not None:
            for member in demo_members(number - 1):
                people.append(
                    factories.PersonFactory.build(
                        full_name=member.full_name,
                        sex=member.sex,
                        birth_year=member.birth_year,
                        hamlet=member.hamlet,
                        ethnicity=None,
                    )
                )
                joins.append((club, member))
    Person.objects.bulk_create(people)
    Membership.objects.bulk_create(
        Membership(person=person, club=club, joined_on=member.joined_on)
        for person, (club, member) in zip(people, joins, strict=True)
    )
    HouseholdStatus.objects.bulk_create(
        HouseholdStatus(
            person=person, status=member.economic_status, valid_from=member.joined_on.replace(month=1, day=1)
        )
        for person, (_club, member) in zip(people, joins, strict=True)
    )
    return clubs


def record_demo() -> None:
    """The demo data as `manage.py seed_demo` records it, through the services."""
    call_command("seed_demo", "--force", stdout=io.StringIO())
