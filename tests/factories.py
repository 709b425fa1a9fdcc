"""factory-boy factories for every model. They write rows directly and call no service:
tests of a domain flow call the service themselves."""

import datetime

import factory
from factory.django import DjangoModelFactory

from accounts.models import BoardTitle, Role, RoleAssignment, User
from areas.models import AdminScheme, AdminUnit, AreaType, Kind, Level
from audit.models import AuditEntry
from boards.models import BoardPosition, Team, TeamMemberRole, TeamMembership
from clubs.models import ActivityArea, Club, ClubLocation, ClubStatusChange, LocationSource, StatusChangeKind
from core.text import fold, vietnamese_sort_key
from funds.models import Fund, FundKind
from members.models import EconomicStatus, Ethnicity, HouseholdStatus, Membership, Person, Sex


class AdminSchemeFactory(DjangoModelFactory):
    class Meta:
        model = AdminScheme
        django_get_or_create = ("code",)

    code = "vn-2020"
    name = "Bản đồ hành chính 2020"
    valid_from = datetime.date(2020, 2, 1)
    valid_until = datetime.date(2025, 1, 1)


class AdminUnitFactory(DjangoModelFactory):
    """A commune by default; pass level/kind/parent for other levels."""

    class Meta:
        model = AdminUnit

    scheme = factory.SubFactory(AdminSchemeFactory)
    # Six digits from 700000: never one of the fixed codes of tests/conftest.py (901, 90101…).
    code = factory.Sequence(lambda n: str(700000 + n))
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = Level.COMMUNE
    kind = Kind.COMMUNE
    area_type = AreaType.PLAIN
    parent = None
    path = factory.LazyAttribute(lambda unit: f"{unit.parent.path if unit.parent else '/'}{unit.code}/")
    valid_from = factory.LazyAttribute(lambda unit: unit.scheme.valid_from)
    valid_until = factory.LazyAttribute(lambda unit: unit.scheme.valid_until)


def province(**kwargs) -> AdminUnit:
    return AdminUnitFactory(level=Level.PROVINCE, kind=Kind.PROVINCE, area_type="", parent=None, **kwargs)


def district(parent: AdminUnit, **kwargs) -> AdminUnit:
    kwargs.setdefault("kind", Kind.DISTRICT)
    return AdminUnitFactory(level=Level.DISTRICT, parent=parent, **kwargs)


def commune(parent: AdminUnit, **kwargs) -> AdminUnit:
    kwargs.setdefault("area_type", parent.area_type)
    return AdminUnitFactory(level=Level.COMMUNE, parent=parent, **kwargs)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Người dùng {n}")
    language = "vi"
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.AREA_STAFF
    area = None
    club = None
    title = ""
    valid_from = datetime.date(2020, 1, 1)
    valid_until = None


class ClubFactory(DjangoModelFactory):
    class Meta:
        model = Club
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TST-{n + 1:04d}")
    name = factory.Sequence(lambda n: f"CLB Liên thế hệ thôn {n}")
    name_folded = factory.LazyAttribute(lambda club: fold(club.name))
    unit = factory.SubFactory(AdminUnitFactory)
    hamlets = factory.LazyAttribute(lambda club: [club.name.removeprefix("CLB Liên thế hệ ")])
    decision_number = factory.Sequence(lambda n: f"{n + 1}/QĐ-UBND")
    decision_date = datetime.date(2022, 3, 1)
    decision_issuer = "UBND xã"
    launch_date = datetime.date(2022, 4, 15)
    meeting_day = 15

    @factory.post_generation
    def funds(club, create, extracted, **kwargs):
        """Every club has its two funds, as clubs.services.register.club_create opens them."""
        if create:
            Fund.objects.bulk_create([Fund(club=club, kind=kind) for kind in FundKind])

    @factory.post_generation
    def location(club, create, extracted, **kwargs):
        """Every club is located in its unit on its unit's map, as club_create places it (it is
        followed onto later maps by the lineage, which the factories do not make)."""
        if create:
            ClubLocation.objects.create(
                club=club, scheme_id=club.unit.scheme_id, unit=club.unit, source=LocationSource.REGISTERED
            )


class ClubStatusChangeFactory(DjangoModelFactory):
    class Meta:
        model = ClubStatusChange

    club = factory.SubFactory(ClubFactory)
    kind = StatusChangeKind.SUSPENDED
    effective_on = datetime.date(2023, 1, 1)
    reason = "Tạm ngừng sinh hoạt"
    created_by = None


class AuditEntryFactory(DjangoModelFactory):
    class Meta:
        model = AuditEntry

    actor = factory.SubFactory(UserFactory)
    action = "clubs.club.updated"
    target_type = "clubs.club"
    target_id = "1"
    target_repr = "CLB"
    data = factory.LazyFunction(dict)


def board_member(club: Club, *, title=BoardTitle.CHAIR, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    RoleAssignmentFactory(user=user, role=Role.CLUB_BOARD, club=club, title=title)
    return user


class EthnicityFactory(DjangoModelFactory):
    class Meta:
        model = Ethnicity
        django_get_or_create = ("name",)

    name = "Kinh"
    sort_order = 1


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Nguyễn Thị Thử {n}")
    name_folded = factory.LazyAttribute(lambda person: fold(person.full_name))
    sort_key = factory.LazyAttribute(lambda person: vietnamese_sort_key(person.full_name))
    sex = Sex.FEMALE
    birth_date = None
    birth_year = 1955
    ethnicity = factory.SubFactory(EthnicityFactory)
    hamlet = "Thôn Liên Trì Tây"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    club = factory.SubFactory(ClubFactory)
    joined_on = datetime.date(2022, 5, 1)
    left_on = None
    leave_reason = ""


class HouseholdStatusFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdStatus

    person = factory.SubFactory(PersonFactory)
    status = EconomicStatus.POOR
    valid_from = datetime.date(2022, 1, 1)


# --- board and teams (clubs) ----------------------------------------------------------------


class BoardPositionFactory(DjangoModelFactory):
    """A board position without a role assignment; tests of the account's role call the service."""

    class Meta:
        model = BoardPosition

    club = factory.SubFactory(ClubFactory)
    holder = factory.LazyAttribute(lambda position: MembershipFactory(club=position.club).person)
    title = BoardTitle.MEMBER
    started_on = datetime.date(2023, 1, 1)
    ended_on = None


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    club = factory.SubFactory(ClubFactory)
    name = factory.Sequence(lambda n: f"Tổ thử nghiệm {n}")
    activity_area = ActivityArea.HEALTH
    leader = None
    started_on = datetime.date(2023, 1, 1)
    ended_on = None


class TeamMembershipFactory(DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    person = factory.LazyAttribute(lambda membership: MembershipFactory(club=membership.team.club).person)
    role = TeamMemberRole.MEMBER
    started_on = datetime.date(2023, 2, 1)
    ended_on = None
