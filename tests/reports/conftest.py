"""Data for the scorecard tests: Quảng Ngãi on 24/11/2022 (docs/domain.md §7), built like seed_demo."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from accounts.models import Role
from areas.models import AdminUnit
from clubs.services import club_create
from demo.scenario import CLUBS, demo_members
from members.models import EconomicStatus, HouseholdStatus, Membership, Person, Sex
from tests import factories

UNITS_FILE = Path(settings.BASE_DIR) / "data" / "quang_ngai_2020_2024_units.csv"
SEED_DAY = datetime.date(2022, 11, 24)


@pytest.fixture
def seed_2022(db):
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


OLDER_BORN = 1950  # an older person on every date these tests use
YOUNGER_BORN = 1980


def add_members(
    club,
    count: int,
    *,
    women: int = 0,
    older: int = 0,
    poor: int = 0,
    joined_on: datetime.date = datetime.date(2022, 5, 1),
) -> list[Membership]:
    """`count` members of `club` in bulk: the first `women` are women, the first `older` older
    people, the first `poor` from poor households (since 01/01/2022), the others better-off."""
    people = Person.objects.bulk_create(
        factories.PersonFactory.build(
            sex=Sex.FEMALE if number < women else Sex.MALE,
            birth_year=OLDER_BORN if number < older else YOUNGER_BORN,
            ethnicity=None,
        )
        for number in range(count)
    )
    HouseholdStatus.objects.bulk_create(
        HouseholdStatus(
            person=person,
            status=EconomicStatus.POOR if number < poor else EconomicStatus.OTHER,
            valid_from=datetime.date(2022, 1, 1),
        )
        for number, person in enumerate(people)
    )
    return Membership.objects.bulk_create(
        Membership(person=person, club=club, joined_on=joined_on) for person in people
    )


@pytest.fixture
def seed_staff(seed_2022):
    """Province staff and the staff of Thành phố Quảng Ngãi on the real map."""
    units = {
        unit.code: unit
        for unit in AdminUnit.objects.filter(scheme__code="vn-2020", code__in=[settings.PROVINCE_CODE, "522"])
    }
    province = factories.UserFactory(username="tinh_seed")
    factories.RoleAssignmentFactory(user=province, role=Role.PROVINCE_STAFF, area=units[settings.PROVINCE_CODE])
    city = factories.UserFactory(username="tp_seed")
    factories.RoleAssignmentFactory(user=city, role=Role.AREA_STAFF, area=units["522"])
    return province, city
