"""Data for the scorecard tests: Quảng Ngãi on 24/11/2022 (docs/domain.md §7), built like seed_demo."""

import datetime

import pytest
from django.conf import settings

from accounts.models import Role
from areas.models import AdminUnit
from members.models import EconomicStatus, HouseholdStatus, Membership, Person, Sex
from tests import factories

SEED_DAY = datetime.date(2022, 11, 24)


@pytest.fixture
def seed_2022(db, seed_2022_snapshot):
    """The real units of 2020–2024 and the ten demo clubs with the 413 members of 24/11/2022, as
    tests.seeds.record_seed_2022 builds them (once per test process), copied into this test's
    database. Returns the clubs in CLUBS order."""
    return seed_2022_snapshot.restore()


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
    people, the first `poor` from poor households (since 01/01/2022), the others neither poor nor near-poor."""
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
