"""accounts/access.py: who sees which clubs and units, and with which capability."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from accounts import access
from accounts.access import CAPABILITIES, Cap
from accounts.models import BoardTitle, Role, RoleAssignment, User
from areas.models import AdminUnit
from clubs.models import Club
from members.models import LeaveReason
from tests import factories

ALL_CAPS = list(Cap)


def club_set(user, cap=Cap.CLUB_VIEW) -> set:
    return set(access.clubs_for(user, cap))


def unit_set(user, cap=Cap.AREA_VIEW) -> set:
    return set(access.units_for(user, cap))


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def commune_staff(world):
    """Area staff assigned to commune A1 only."""
    user = factories.UserFactory(username="xa_a1")
    factories.RoleAssignmentFactory(user=user, role=Role.AREA_STAFF, area=world.commune_a1)
    return user


@pytest.fixture
def dual_role_user(world):
    """Staff of district A who also sits on the board of club B1."""
    user = factories.UserFactory(username="hai_vai")
    factories.RoleAssignmentFactory(user=user, role=Role.AREA_STAFF, area=world.district_a)
    factories.RoleAssignmentFactory(user=user, role=Role.CLUB_BOARD, club=world.club_b1, title=BoardTitle.TREASURER)
    return user


@pytest.fixture
def nobody(world):
    """Logged in, but with no role at all."""
    return factories.UserFactory(username="khong_vai_tro")


# --- the capability table --------------------------------------------------------------


def test_every_role_has_capabilities():
    assert set(CAPABILITIES) == set(Role)


def test_club_board_sees_its_club_and_keeps_its_members_teams_and_books():
    assert CAPABILITIES[Role.CLUB_BOARD] == frozenset(
        {
            Cap.CLUB_VIEW,
            Cap.MEMBER_VIEW,
            Cap.MEMBER_MANAGE,
            Cap.TEAM_MANAGE,
            Cap.FUNDS_VIEW,
            Cap.FUNDS_MANAGE,
            Cap.FUNDS_GO_LIVE,
            Cap.REPORT_FILL,
        }
    )


def test_staff_review_monthly_reports_and_boards_fill_them_in():
    for role in (Role.PROVINCE_STAFF, Role.AREA_STAFF):
        assert Cap.REPORT_REVIEW in CAPABILITIES[role] and Cap.REPORT_FILL not in CAPABILITIES[role]
    assert Cap.REPORT_REVIEW not in CAPABILITIES[Role.CLUB_BOARD]


def test_staff_read_the_books_and_only_the_province_corrects_closed_months_and_takes_books_over():
    for cap in (Cap.FUNDS_CORRECT_CLOSED, Cap.FUNDS_GO_LIVE):
        assert cap in CAPABILITIES[Role.PROVINCE_STAFF]
        assert cap not in CAPABILITIES[Role.AREA_STAFF]
    assert Cap.FUNDS_VIEW in CAPABILITIES[Role.AREA_STAFF]
    assert Cap.FUNDS_MANAGE not in CAPABILITIES[Role.AREA_STAFF] | CAPABILITIES[Role.PROVINCE_STAFF]


def test_only_the_province_sets_target_plans_and_all_staff_read_the_targets_report():
    assert Cap.PLAN_MANAGE in CAPABILITIES[Role.PROVINCE_STAFF]
    assert Cap.PLAN_MANAGE not in CAPABILITIES[Role.AREA_STAFF] | CAPABILITIES[Role.CLUB_BOARD]
    assert Cap.REPORT_VIEW in CAPABILITIES[Role.AREA_STAFF] and Cap.REPORT_VIEW not in CAPABILITIES[Role.CLUB_BOARD]


def test_board_club_ids_names_the_clubs_a_board_keeps_the_books_of(world, club_chair, area_staff, admin_user):
    assert access.board_club_ids(club_chair, Cap.FUNDS_MANAGE) == [world.club_a1.pk]
    assert access.board_club_ids(area_staff, Cap.FUNDS_MANAGE) == []
    assert access.board_club_ids(admin_user, Cap.FUNDS_MANAGE) == []


# --- anonymous ------------------------------------------------------------------------


@pytest.mark.parametrize("cap", ALL_CAPS)
def test_anonymous_has_nothing(world, anonymous, cap, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert access.assignments(anonymous) == []
        assert access.has_cap(anonymous, cap) is False
    assert club_set(anonymous, cap) == set()
    assert unit_set(anonymous, cap) == set()


def test_anonymous_get_club_is_404(world, anonymous):
    with pytest.raises(Http404):
        access.get_club(anonymous, world.club_a1.pk, Cap.CLUB_VIEW)


def test_anonymous_require_cap_is_403(anonymous):
    with pytest.raises(PermissionDenied):
        access.require_cap(anonymous, Cap.CLUB_VIEW)


def test_anonymous_cannot_on_club(world, anonymous):
    assert access.can_on_club(anonymous, world.club_a1, Cap.CLUB_VIEW) is False


# --- scopes of clubs ------------------------------------------------------------------


@pytest.mark.parametrize("cap", [Cap.CLUB_VIEW, Cap.CLUB_MANAGE])
def test_province_staff_see_all_clubs(world, province_staff, cap):
    assert club_set(province_staff, cap) == {world.club_a1, world.club_a2, world.club_b1, world.club_l}


def test_province_staff_do_not_see_another_provinces_clubs(world, province_staff):
    other_province = factories.province(scheme=world.province.scheme, code="52", name="Tỉnh Bình Định")
    other_commune = factories.commune(
        factories.district(other_province, scheme=world.province.scheme, code="540"),
        scheme=world.province.scheme,
        code="54001",
    )
    factories.ClubFactory(unit=other_commune)
    assert club_set(province_staff) == {world.club_a1, world.club_a2, world.club_b1, world.club_l}


@pytest.mark.parametrize("cap", [Cap.CLUB_VIEW, Cap.CLUB_MANAGE])
def test_area_staff_see_their_districts_clubs(world, area_staff, cap):
    assert club_set(area_staff, cap) == {world.club_a1, world.club_a2}


def test_other_area_staff_see_their_districts_clubs(world, other_area_staff):
    assert club_set(other_area_staff) == {world.club_b1}


def test_commune_staff_see_their_communes_clubs(world, commune_staff):
    assert club_set(commune_staff) == {world.club_a1}
    assert club_set(commune_staff, Cap.CLUB_MANAGE) == {world.club_a1}


def test_area_path_prefix_does_not_leak_to_sibling_with_longer_code(world, commune_staff):
    # "/51/901/90101/" must not match a sibling coded "901011" ("/51/901/901011/").
    sibling = factories.commune(world.district_a, scheme=world.province.scheme, code="901011")
    factories.ClubFactory(unit=sibling)
    assert club_set(commune_staff) == {world.club_a1}


def test_club_chair_sees_only_their_club(world, club_chair):
    assert list(access.clubs_for(club_chair, Cap.CLUB_VIEW)) == [world.club_a1]


def test_other_chair_sees_only_their_club(world, other_chair):
    assert list(access.clubs_for(other_chair, Cap.CLUB_VIEW)) == [world.club_b1]


def test_club_board_cannot_manage_the_register(world, club_chair):
    assert club_set(club_chair, Cap.CLUB_MANAGE) == set()


def test_every_board_title_sees_the_club(world):
    for title in BoardTitle:
        user = factories.board_member(world.club_l, title=title, username=f"bd_{title}")
        assert club_set(user) == {world.club_l}


def test_two_assignments_give_the_union(world, dual_role_user):
    assert club_set(dual_role_user) == {world.club_a1, world.club_a2, world.club_b1}


def test_two_assignments_manage_only_through_the_staff_role(world, dual_role_user):
    assert club_set(dual_role_user, Cap.CLUB_MANAGE) == {world.club_a1, world.club_a2}


def test_two_staff_assignments_give_the_union(world):
    user = factories.UserFactory(username="hai_huyen")
    factories.RoleAssignmentFactory(user=user, role=Role.AREA_STAFF, area=world.district_a)
    factories.RoleAssignmentFactory(user=user, role=Role.AREA_STAFF, area=world.district_l)
    assert club_set(user, Cap.CLUB_MANAGE) == {world.club_a1, world.club_a2, world.club_l}
    assert unit_set(user) == {world.district_a, world.commune_a1, world.commune_a2, world.district_l}


@pytest.mark.parametrize("cap", ALL_CAPS)
def test_superuser_sees_everything(world, admin_user, cap):
    assert access.has_cap(admin_user, cap) is True
    assert club_set(admin_user, cap) == {world.club_a1, world.club_a2, world.club_b1, world.club_l}
    assert unit_set(admin_user, cap) == set(AdminUnit.objects.all())


@pytest.mark.parametrize("cap", ALL_CAPS)
def test_user_without_roles_has_nothing(world, nobody, cap):
    assert access.has_cap(nobody, cap) is False
    assert club_set(nobody, cap) == set()
    assert unit_set(nobody, cap) == set()


# --- dates of assignments -------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "valid_until"),
    [
        pytest.param(datetime.date(2020, 1, 1), datetime.date(2025, 3, 15), id="expired-yesterday"),
        pytest.param(datetime.date(2025, 3, 16), None, id="starts-tomorrow"),
        pytest.param(datetime.date(2026, 1, 1), datetime.date(2027, 1, 1), id="future"),
    ],
)
def test_assignment_not_in_force_grants_nothing(world, valid_from, valid_until):
    user = factories.UserFactory(username="het_han")
    factories.RoleAssignmentFactory(
        user=user, role=Role.AREA_STAFF, area=world.district_a, valid_from=valid_from, valid_until=valid_until
    )
    factories.RoleAssignmentFactory(
        user=user,
        role=Role.CLUB_BOARD,
        club=world.club_b1,
        title=BoardTitle.CHAIR,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    assert access.assignments(user) == []
    for cap in Cap:
        assert access.has_cap(user, cap) is False
        assert club_set(user, cap) == set()
        assert unit_set(user, cap) == set()
    with pytest.raises(Http404):
        access.get_club(user, world.club_a1.pk, Cap.CLUB_VIEW)


@pytest.mark.parametrize(
    ("valid_from", "valid_until"),
    [
        pytest.param(datetime.date(2025, 3, 15), None, id="starts-today"),
        pytest.param(datetime.date(2020, 1, 1), datetime.date(2025, 3, 16), id="last-day-today"),
    ],
)
def test_assignment_in_force_on_its_boundary_days(world, valid_from, valid_until):
    user = factories.UserFactory(username="bien")
    factories.RoleAssignmentFactory(
        user=user, role=Role.AREA_STAFF, area=world.district_a, valid_from=valid_from, valid_until=valid_until
    )
    assert club_set(user) == {world.club_a1, world.club_a2}


def test_assignment_starting_today_counts_just_after_midnight_vietnam_time(world):
    user = factories.UserFactory(username="nua_dem")
    factories.RoleAssignmentFactory(
        user=user, role=Role.AREA_STAFF, area=world.district_a, valid_from=datetime.date(2025, 3, 16)
    )
    # 00:30 on 16/03 in Vietnam is still 15/03 in UTC.
    with time_machine.travel(
        datetime.datetime(2025, 3, 16, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    ):
        assert access.has_cap(user, Cap.CLUB_VIEW) is True


def test_expired_assignment_next_to_a_current_one(world):
    user = factories.UserFactory(username="chuyen_huyen")
    factories.RoleAssignmentFactory(
        user=user, role=Role.AREA_STAFF, area=world.district_b, valid_until=datetime.date(2025, 1, 1)
    )
    factories.RoleAssignmentFactory(
        user=user, role=Role.AREA_STAFF, area=world.district_a, valid_from=datetime.date(2025, 1, 1)
    )
    assert club_set(user) == {world.club_a1, world.club_a2}


# --- has_cap / require_cap ------------------------------------------------------------


@pytest.mark.parametrize("cap", sorted(access.STAFF_CAPABILITIES))
def test_staff_hold_every_staff_capability(province_staff, area_staff, commune_staff, cap):
    for user in (province_staff, area_staff, commune_staff):
        assert access.has_cap(user, cap) is True


def test_only_province_staff_see_citizen_ids_in_full(province_staff, area_staff, club_chair, admin_user):
    assert access.has_cap(province_staff, Cap.CITIZEN_ID_VIEW) is True
    assert access.has_cap(admin_user, Cap.CITIZEN_ID_VIEW) is True
    assert access.has_cap(area_staff, Cap.CITIZEN_ID_VIEW) is False
    assert access.has_cap(club_chair, Cap.CITIZEN_ID_VIEW) is False


def test_club_board_keeps_members_and_teams_but_not_the_board(club_chair):
    for cap in (Cap.MEMBER_VIEW, Cap.MEMBER_MANAGE, Cap.TEAM_MANAGE):
        assert access.has_cap(club_chair, cap) is True
    for cap in (Cap.BOARD_MANAGE, Cap.REPORT_VIEW, Cap.CITIZEN_ID_VIEW):
        assert access.has_cap(club_chair, cap) is False


def test_club_chair_capabilities(club_chair):
    assert access.has_cap(club_chair, Cap.CLUB_VIEW) is True
    assert access.has_cap(club_chair, Cap.CLUB_MANAGE) is False
    assert access.has_cap(club_chair, Cap.AREA_VIEW) is False


def test_require_cap_refuses_chair_area_view(club_chair):
    with pytest.raises(PermissionDenied):
        access.require_cap(club_chair, Cap.AREA_VIEW)


def test_require_cap_passes_chair_club_view(club_chair):
    assert access.require_cap(club_chair, Cap.CLUB_VIEW) is None


@pytest.mark.parametrize("cap", sorted(access.STAFF_CAPABILITIES))
def test_require_cap_passes_staff(province_staff, area_staff, admin_user, cap):
    for user in (province_staff, area_staff, admin_user):
        assert access.require_cap(user, cap) is None


def test_require_cap_refuses_user_without_roles(nobody):
    with pytest.raises(PermissionDenied):
        access.require_cap(nobody, Cap.CLUB_VIEW)


# --- units_for ------------------------------------------------------------------------


def test_province_staff_units_are_the_whole_province(world, province_staff):
    assert unit_set(province_staff) == {
        world.province,
        world.district_a,
        world.commune_a1,
        world.commune_a2,
        world.district_b,
        world.commune_b1,
        world.district_l,
    }


def test_area_staff_units_are_their_district_and_communes(world, area_staff):
    assert unit_set(area_staff) == {world.district_a, world.commune_a1, world.commune_a2}


def test_commune_staff_units_are_their_commune(world, commune_staff):
    assert unit_set(commune_staff) == {world.commune_a1}


def test_club_board_has_no_units(world, club_chair):
    for cap in Cap:
        assert unit_set(club_chair, cap) == set()


def test_dual_role_units_come_from_the_staff_role_only(world, dual_role_user):
    assert unit_set(dual_role_user) == {world.district_a, world.commune_a1, world.commune_a2}
    assert unit_set(dual_role_user, Cap.CLUB_VIEW) == {world.district_a, world.commune_a1, world.commune_a2}


# --- get_club ---------------------------------------------------------------------------


@pytest.mark.parametrize("cap", [Cap.CLUB_VIEW, Cap.CLUB_MANAGE])
def test_get_club_in_scope(world, area_staff, cap):
    assert access.get_club(area_staff, world.club_a1.pk, cap) == world.club_a1


def test_get_club_accepts_a_string_id(world, area_staff):
    assert access.get_club(area_staff, str(world.club_a2.pk), Cap.CLUB_MANAGE) == world.club_a2


def test_get_club_chair_views_own_club(world, club_chair):
    assert access.get_club(club_chair, world.club_a1.pk, Cap.CLUB_VIEW) == world.club_a1


def test_get_club_superuser(world, admin_user):
    assert access.get_club(admin_user, world.club_b1.pk, Cap.CLUB_MANAGE) == world.club_b1


@pytest.mark.parametrize("cap", [Cap.CLUB_VIEW, Cap.CLUB_MANAGE])
def test_get_club_other_district_is_404(world, other_area_staff, cap):
    with pytest.raises(Http404):
        access.get_club(other_area_staff, world.club_a1.pk, cap)


@pytest.mark.parametrize("cap", [Cap.CLUB_VIEW, Cap.CLUB_MANAGE])
def test_get_club_other_clubs_chair_is_404(world, other_chair, cap):
    with pytest.raises(Http404):
        access.get_club(other_chair, world.club_a1.pk, cap)


def test_get_club_commune_staff_sibling_commune_is_404(world, commune_staff):
    with pytest.raises(Http404):
        access.get_club(commune_staff, world.club_a2.pk, Cap.CLUB_VIEW)


@pytest.mark.parametrize("pk", [10**9, -1, 0, None, "abc", "", "1; DROP TABLE clubs_club", [1]])
def test_get_club_crafted_id_is_404(world, province_staff, pk):
    with pytest.raises(Http404):
        access.get_club(province_staff, pk, Cap.CLUB_VIEW)


def test_get_club_deleted_club_is_404(world, province_staff):
    pk = world.club_a2.pk
    world.club_a2.delete()
    with pytest.raises(Http404):
        access.get_club(province_staff, pk, Cap.CLUB_VIEW)


def test_get_club_visible_without_capability_is_403(world, club_chair):
    with pytest.raises(PermissionDenied):
        access.get_club(club_chair, world.club_a1.pk, Cap.CLUB_MANAGE)


def test_get_club_board_member_of_a_club_in_another_staff_district(world, dual_role_user):
    # Sees B1 through the board role, but manages only through the staff role (district A).
    assert access.get_club(dual_role_user, world.club_b1.pk, Cap.CLUB_VIEW) == world.club_b1
    with pytest.raises(PermissionDenied):
        access.get_club(dual_role_user, world.club_b1.pk, Cap.CLUB_MANAGE)
    assert access.get_club(dual_role_user, world.club_a1.pk, Cap.CLUB_MANAGE) == world.club_a1


def test_get_club_queryset_is_narrowed_not_widened(world, area_staff):
    with pytest.raises(Http404):
        access.get_club(area_staff, world.club_b1.pk, Cap.CLUB_VIEW, queryset=Club.objects.all())


def test_get_club_queryset_narrows_further(world, area_staff):
    with pytest.raises(Http404):
        access.get_club(area_staff, world.club_a1.pk, Cap.CLUB_VIEW, queryset=Club.objects.filter(pk=world.club_a2.pk))


def test_get_club_keeps_the_querysets_annotations(world, area_staff):
    queryset = Club.objects.with_status(datetime.date(2025, 3, 15)).select_related("unit")
    club = access.get_club(area_staff, world.club_a1.pk, Cap.CLUB_VIEW, queryset=queryset)
    assert club == world.club_a1
    assert club.status == "active"


# --- can_on_club ------------------------------------------------------------------------


def test_can_on_club(world, area_staff, club_chair, other_chair):
    assert access.can_on_club(area_staff, world.club_a1, Cap.CLUB_MANAGE) is True
    assert access.can_on_club(area_staff, world.club_b1, Cap.CLUB_VIEW) is False
    assert access.can_on_club(club_chair, world.club_a1, Cap.CLUB_VIEW) is True
    assert access.can_on_club(club_chair, world.club_a1, Cap.CLUB_MANAGE) is False
    assert access.can_on_club(other_chair, world.club_a1, Cap.CLUB_VIEW) is False


# --- caching of assignments -------------------------------------------------------------


def test_assignments_are_read_once_per_user_object(world, area_staff, django_assert_num_queries):
    user = User.objects.get(pk=area_staff.pk)
    # 1. SELECT role assignments in force JOIN area, club (the only query).
    with django_assert_num_queries(1):
        assert access.has_cap(user, Cap.CLUB_VIEW) is True
        assert access.has_cap(user, Cap.AREA_VIEW) is True
        assert access.has_cap(user, Cap.CLUB_MANAGE) is True


def test_scopes_reuse_the_cached_assignments(world, dual_role_user, django_assert_num_queries):
    user = User.objects.get(pk=dual_role_user.pk)
    access.assignments(user)
    # 1. SELECT clubs in scope; 2. SELECT units in scope; no more role-assignment reads.
    with django_assert_num_queries(2):
        assert len(club_set(user)) == 3
        assert len(unit_set(user)) == 3


def test_a_fresh_user_object_reads_assignments_again(world, area_staff, django_assert_num_queries):
    access.has_cap(area_staff, Cap.CLUB_VIEW)
    fresh = User.objects.get(pk=area_staff.pk)
    with django_assert_num_queries(1):
        access.has_cap(fresh, Cap.CLUB_VIEW)


def test_assignments_load_area_and_club_without_more_queries(world, dual_role_user, django_assert_num_queries):
    user = User.objects.get(pk=dual_role_user.pk)
    with django_assert_num_queries(1):
        loaded = access.assignments(user)
        assert {str(a.area) for a in loaded if a.area} == {world.district_a.name}
        assert {str(a.club) for a in loaded if a.club} == {world.club_b1.name}


# --- RoleAssignment constraints and clean() ---------------------------------------------


@pytest.fixture
def someone(db):
    return factories.UserFactory(username="nguoi_moi")


def test_club_board_without_club_is_refused_by_the_database(world, someone):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RoleAssignmentFactory(user=someone, role=Role.CLUB_BOARD, club=None, title=BoardTitle.CHAIR)


def test_club_board_without_club_is_refused_by_full_clean(world, someone):
    assignment = factories.RoleAssignmentFactory.build(user=someone, role=Role.CLUB_BOARD, title=BoardTitle.CHAIR)
    with pytest.raises(ValidationError) as exc:
        assignment.full_clean()
    assert "club" in exc.value.message_dict


def test_club_board_with_an_area_is_refused_by_the_database(world, someone):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RoleAssignmentFactory(
            user=someone, role=Role.CLUB_BOARD, club=world.club_a1, area=world.commune_a1, title=BoardTitle.CHAIR
        )


@pytest.mark.parametrize("role", [Role.AREA_STAFF, Role.PROVINCE_STAFF])
def test_staff_with_a_club_is_refused_by_the_database(world, someone, role):
    area = world.province if role == Role.PROVINCE_STAFF else world.district_a
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RoleAssignmentFactory(user=someone, role=role, area=area, club=world.club_a1)


def test_staff_with_a_club_is_refused_by_full_clean(world, someone):
    assignment = factories.RoleAssignmentFactory.build(
        user=someone, role=Role.AREA_STAFF, area=world.district_a, club=world.club_a1
    )
    with pytest.raises(ValidationError):
        assignment.full_clean()


def test_staff_with_a_title_is_refused_by_the_database(world, someone):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RoleAssignmentFactory(
            user=someone, role=Role.AREA_STAFF, area=world.district_a, title=BoardTitle.CHAIR
        )


@pytest.mark.parametrize("role", [Role.AREA_STAFF, Role.PROVINCE_STAFF])
def test_staff_without_an_area_is_refused(world, someone, role):
    assignment = factories.RoleAssignmentFactory.build(user=someone, role=role, area=None)
    with pytest.raises(ValidationError) as exc:
        assignment.full_clean()
    assert "area" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        assignment.save()


def test_club_board_without_title_is_refused_by_the_database(world, someone):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RoleAssignmentFactory(user=someone, role=Role.CLUB_BOARD, club=world.club_a1, title="")


def test_club_board_without_title_is_refused_by_full_clean(world, someone):
    assignment = factories.RoleAssignmentFactory.build(user=someone, role=Role.CLUB_BOARD, club=world.club_a1, title="")
    with pytest.raises(ValidationError) as exc:
        assignment.full_clean()
    assert "title" in exc.value.message_dict


@pytest.mark.parametrize("valid_until", [datetime.date(2024, 12, 31), datetime.date(2025, 1, 1)])
def test_a_period_that_ends_before_it_starts_is_refused_by_the_database(world, someone, valid_until):
    """The end day is the first day a role no longer holds: it must come after the first day."""
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.RoleAssignmentFactory(
            user=someone,
            role=Role.AREA_STAFF,
            area=world.district_a,
            valid_from=datetime.date(2025, 1, 1),
            valid_until=valid_until,
        )


@pytest.mark.parametrize("area_name", ["district_a", "commune_a1"])
def test_province_staff_assigned_below_the_province_is_refused(world, someone, area_name):
    assignment = factories.RoleAssignmentFactory.build(
        user=someone, role=Role.PROVINCE_STAFF, area=getattr(world, area_name)
    )
    with pytest.raises(ValidationError) as exc:
        assignment.full_clean()
    assert "area" in exc.value.message_dict


def test_area_staff_assigned_to_the_province_is_refused(world, someone):
    assignment = factories.RoleAssignmentFactory.build(user=someone, role=Role.AREA_STAFF, area=world.province)
    with pytest.raises(ValidationError) as exc:
        assignment.full_clean()
    assert "area" in exc.value.message_dict


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PROVINCE_STAFF, {"area": "province"}),
        (Role.AREA_STAFF, {"area": "district_a"}),
        (Role.AREA_STAFF, {"area": "commune_a1"}),
        (Role.AREA_STAFF, {"area": "district_l"}),
        (Role.CLUB_BOARD, {"club": "club_a1", "title": BoardTitle.ACCOUNTANT}),
    ],
)
def test_valid_assignments_pass_full_clean(world, someone, role, scope):
    values = {key: (getattr(world, value) if key in ("area", "club") else value) for key, value in scope.items()}
    assignment = factories.RoleAssignmentFactory.build(user=someone, role=role, **values)
    assignment.full_clean()
    assignment.save()
    assert RoleAssignment.objects.filter(user=someone).count() == 1


@pytest.mark.parametrize("cap", list(Cap))
def test_caps_on_club_agrees_with_clubs_for(world, province_staff, area_staff, other_area_staff, club_chair, cap):
    """The query-free check and the queryset must never disagree about any club."""
    for user in (province_staff, area_staff, other_area_staff, club_chair, AnonymousUser()):
        in_scope = set(access.clubs_for(user, cap))
        for club in (world.club_a1, world.club_a2, world.club_b1, world.club_l):
            assert access.can_on_club(user, club, cap) == (club in in_scope), (user, club, cap)


# --- a capability with the state of what it acts on (no query) ----------------------------------

PERSONAS = ["anonymous", "nobody", "province_staff", "area_staff", "other_area_staff", "club_chair", "other_chair"]


def persona(request, name):
    return AnonymousUser() if name == "anonymous" else request.getfixturevalue(name)


def decide(request, world, name, check, **state):
    """`check(user, club A1, **state)` for a persona, asked on a fresh user object after its
    assignments are read: the decision itself costs no query."""
    user = persona(request, name)
    if user.is_authenticated:
        user = User.objects.get(pk=user.pk)
    access.assignments(user)
    club = Club.objects.select_related("unit").get(pk=world.club_a1.pk)
    with CaptureQueriesContext(connection) as queries:
        decision = check(user, club, **state)
    assert len(queries) == 0
    return decision


@pytest.mark.parametrize(
    ("name", "open_month", "closed_month"),
    [
        ("club_chair", True, True),  # the board's own books; a closed month's refusal is told on the page
        ("province_staff", False, True),  # only what a closed month holds
        ("admin_user", True, True),
        ("area_staff", False, False),  # staff read the books, they do not correct them
        ("other_area_staff", False, False),
        ("other_chair", False, False),
        ("nobody", False, False),
        ("anonymous", False, False),
    ],
)
def test_may_correct_entry(request, world, name, open_month, closed_month):
    assert decide(request, world, name, access.may_correct_entry, in_closed_month=False) is open_month
    assert decide(request, world, name, access.may_correct_entry, in_closed_month=True) is closed_month


# Each decision: the state in which it may be taken, the state in which nobody may, and who may
# take it on club A1 then (every other persona may not).
STATE_DECISIONS = {
    # The cut-off sheet while the club can still go live: the board takes its own paper books over.
    "go_live": (
        access.may_go_live,
        {"still_possible": True},
        {"still_possible": False},
        {"club_chair", "province_staff"},
    ),
    # A draft report: the board fills it in, staff review it.
    "fill": (access.may_fill_report, {"locked": False}, {"locked": True}, {"club_chair"}),
    # A submitted report, then an accepted one: staff of its area (district B's are not).
    "review": (access.may_review_report, {"submitted": True}, {"submitted": False}, {"area_staff", "province_staff"}),
    "reopen": (access.may_reopen_report, {"accepted": True}, {"accepted": False}, {"area_staff", "province_staff"}),
}


@pytest.mark.parametrize("name", [*PERSONAS, "admin_user"])
@pytest.mark.parametrize("decision", list(STATE_DECISIONS))
def test_a_capability_with_the_state_of_what_it_acts_on(request, world, decision, name):
    check, allowing, refusing, who = STATE_DECISIONS[decision]
    assert decide(request, world, name, check, **allowing) is (name in who or name == "admin_user")
    assert decide(request, world, name, check, **refusing) is False


def test_the_state_decisions_hold_for_a_user_with_two_roles(world, dual_role_user):
    """Staff of district A who sits on club B1's board: on B1 they act as its board, on A1 as staff."""
    b1 = Club.objects.select_related("unit").get(pk=world.club_b1.pk)
    a1 = Club.objects.select_related("unit").get(pk=world.club_a1.pk)
    assert access.may_correct_entry(dual_role_user, b1, in_closed_month=False) is True
    assert access.may_correct_entry(dual_role_user, a1, in_closed_month=True) is False
    assert access.may_fill_report(dual_role_user, b1, locked=False) is True  # every board title fills it in
    assert access.may_fill_report(dual_role_user, a1, locked=False) is False
    assert access.may_review_report(dual_role_user, a1, submitted=True) is True
    assert access.may_review_report(dual_role_user, b1, submitted=True) is False


# --- moving members: get_person_to_move, clubs_to_move_members_from -----------------------------


@pytest.fixture
def member_a1(world):
    return factories.MembershipFactory(club=world.club_a1).person


def former_member(club, reason):
    """Someone who was a member of `club` from 01/05/2022 and left it on 31/01/2024."""
    return factories.MembershipFactory(
        club=club, joined_on=datetime.date(2022, 5, 1), left_on=datetime.date(2024, 1, 31), leave_reason=reason
    ).person


@pytest.mark.parametrize("name", ["province_staff", "area_staff", "admin_user"])
def test_get_person_to_move_for_staff_who_keep_the_register(request, member_a1, name):
    assert access.get_person_to_move(request.getfixturevalue(name), member_a1.pk) == member_a1


def test_get_person_to_move_refuses_the_board_which_keeps_the_register_but_moves_nobody(club_chair, member_a1):
    # The chair sees and manages the member (get_person), but a move touches two clubs' registers.
    assert access.get_person(club_chair, member_a1.pk, Cap.MEMBER_MANAGE) == member_a1
    with pytest.raises(PermissionDenied):
        access.get_person_to_move(club_chair, member_a1.pk)


@pytest.mark.parametrize("name", ["other_area_staff", "other_chair", "nobody"])
def test_get_person_to_move_is_404_out_of_scope(request, member_a1, name):
    with pytest.raises(Http404):
        access.get_person_to_move(request.getfixturevalue(name), member_a1.pk)


def test_get_person_to_move_is_404_for_anonymous(member_a1):
    with pytest.raises(Http404):
        access.get_person_to_move(AnonymousUser(), member_a1.pk)


@pytest.mark.parametrize("pk", [10**9, "abc", None])
def test_get_person_to_move_crafted_id_is_404(province_staff, pk):
    with pytest.raises(Http404):
        access.get_person_to_move(province_staff, pk)


def test_get_person_to_move_is_403_for_a_former_member_now_in_a_club_out_of_scope(world, area_staff):
    # A former member of A1 (district A sees them) who is now in B1: B1's staff move them.
    person = former_member(world.club_a1, LeaveReason.MOVED)
    factories.MembershipFactory(person=person, club=world.club_b1, joined_on=datetime.date(2024, 2, 1))
    assert access.get_person(area_staff, person.pk) == person
    with pytest.raises(PermissionDenied):
        access.get_person_to_move(area_staff, person.pk)


def test_get_person_to_move_a_person_in_no_club_now_follows_their_last_club(world, area_staff, other_area_staff):
    person = former_member(world.club_a1, LeaveReason.WITHDREW)
    assert access.get_person_to_move(area_staff, person.pk) == person
    with pytest.raises(Http404):
        access.get_person_to_move(other_area_staff, person.pk)


@pytest.mark.parametrize(
    ("name", "clubs"),
    [
        ("province_staff", {"club_a1", "club_a2", "club_b1", "club_l"}),
        ("admin_user", {"club_a1", "club_a2", "club_b1", "club_l"}),
        ("area_staff", {"club_a1", "club_a2"}),
        ("other_area_staff", {"club_b1"}),
        ("club_chair", set()),  # keeps A1's register, moves nobody
        ("other_chair", set()),
        ("nobody", set()),
        ("anonymous", set()),
    ],
)
def test_clubs_to_move_members_from(request, world, name, clubs):
    assert set(access.clubs_to_move_members_from(persona(request, name))) == {getattr(world, club) for club in clubs}


# --- may_on_club_pk -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cap", "club", "allowed"),
    [
        ("club_chair", Cap.MEMBER_MANAGE, "club_a1", True),
        ("club_chair", Cap.MEMBER_MANAGE, "club_b1", False),
        ("club_chair", Cap.CLUB_MANAGE, "club_a1", False),
        ("area_staff", Cap.MEMBER_MANAGE, "club_a2", True),
        ("area_staff", Cap.MEMBER_MANAGE, "club_b1", False),
        ("province_staff", Cap.FUNDS_CORRECT_CLOSED, "club_l", True),
        ("area_staff", Cap.FUNDS_CORRECT_CLOSED, "club_a1", False),
        ("admin_user", Cap.PLAN_MANAGE, "club_b1", True),
        ("nobody", Cap.CLUB_VIEW, "club_a1", False),
        ("anonymous", Cap.CLUB_VIEW, "club_a1", False),
    ],
)
def test_may_on_club_pk(request, world, name, cap, club, allowed):
    assert access.may_on_club_pk(persona(request, name), getattr(world, club).pk, cap) is allowed


@pytest.mark.parametrize("pk", [10**9, "12", None])
def test_may_on_club_pk_for_no_such_club_is_false(world, province_staff, pk):
    assert access.may_on_club_pk(province_staff, pk, Cap.CLUB_VIEW) is False


def test_may_on_club_pk_agrees_with_can_on_club(world, province_staff, area_staff, other_area_staff, club_chair):
    for user in (province_staff, area_staff, other_area_staff, club_chair):
        for club in Club.objects.select_related("unit"):
            for cap in Cap:
                assert access.may_on_club_pk(user, club.pk, cap) == access.can_on_club(user, club, cap)


def test_a_board_seat_does_not_let_staff_of_another_area_move_that_clubs_members(world, dual_role_user):
    """Staff of district A who sit on club B1's board keep B1's register as its board, but moving
    a member out of B1 is for B1's own staff: MEMBER_MOVE is held on district A only."""
    member_a1 = factories.MembershipFactory(club=world.club_a1).person
    member_b1 = factories.MembershipFactory(club=world.club_b1).person
    assert set(access.clubs_to_move_members_from(dual_role_user)) == {world.club_a1, world.club_a2}
    assert access.get_person(dual_role_user, member_b1.pk, Cap.MEMBER_MANAGE) == member_b1
    with pytest.raises(PermissionDenied):
        access.get_person_to_move(dual_role_user, member_b1.pk)
    assert access.get_person_to_move(dual_role_user, member_a1.pk) == member_a1
