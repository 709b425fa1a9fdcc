"""The management board: boards.services board_position_start / board_position_end, the
club-board role they give a holder's user account, member_leave ending positions, and the
appoint / end pages."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts import access
from accounts import services as accounts
from accounts.access import Cap
from accounts.models import BoardTitle, Role, RoleAssignment, User
from audit.models import AuditEntry
from boards import services
from boards.models import BoardPosition
from boards.services import board, checks, leavers
from clubs.models import ClubStatusChange, StatusChangeKind
from members import services as member_services
from members.models import LeaveReason
from tests import factories
from tests.conftest import login
from tests.text import vi_html

D = datetime.date
TODAY = D(2025, 3, 15)
JOINED = D(2022, 5, 1)
APPOINTED = D(2024, 1, 10)


def member_of(club, *, name=None, joined_on=JOINED):
    person = factories.PersonFactory(**({"full_name": name} if name else {}))
    factories.MembershipFactory(person=person, club=club, joined_on=joined_on)
    return person


def appointment(actor, club, holder, title=BoardTitle.CHAIR, started_on=APPOINTED, **extra):
    """The seat and the generated password, as board_position_start returns them."""
    return services.board_position_start(
        actor=actor, club=club, holder=holder, title=title, started_on=started_on, **extra
    )


def appoint(actor, club, holder, title=BoardTitle.CHAIR, started_on=APPOINTED, **extra):
    return appointment(actor, club, holder, title, started_on, **extra).position


def nothing_written():
    return (
        not BoardPosition.objects.exists()
        and not RoleAssignment.objects.filter(role=Role.CLUB_BOARD, board_position__isnull=False).exists()
        and not AuditEntry.objects.exists()
    )


@pytest.fixture
def actor(area_staff):
    return area_staff


@pytest.fixture
def holder(world):
    return member_of(world.club_a1, name="Nguyễn Văn Chủ")


# --- board_position_start -----------------------------------------------------------------


def test_start_records_the_position_audited(world, actor, holder):
    position = appoint(actor, world.club_a1, holder, note="  Bầu tại hội nghị  ")
    position.refresh_from_db()
    assert (position.club, position.holder, position.title) == (world.club_a1, holder, BoardTitle.CHAIR)
    assert position.started_on == D(2024, 1, 10) and position.ended_on is None
    assert position.note == "Bầu tại hội nghị"
    assert position.role_assignment is None  # no account: the position counts, without a login
    entry = AuditEntry.objects.get(action="clubs.board_position.started")
    assert entry.actor == actor
    assert entry.target_id == str(position.pk)
    assert entry.data["title"] == "chair" and entry.data["account"] is None


def test_start_gives_the_holders_account_the_club_board_role(world, actor, holder):
    user = factories.UserFactory(username="chu")
    holder.user = user
    holder.save()
    position = appoint(actor, world.club_a1, holder, title=BoardTitle.TREASURER)
    assignment = position.role_assignment
    assert (assignment.user, assignment.role, assignment.club) == (user, Role.CLUB_BOARD, world.club_a1)
    assert (assignment.title, assignment.valid_from, assignment.valid_until) == ("treasurer", D(2024, 1, 10), None)
    # The access module now lets the account work on its club's teams, and only there.
    assert list(access.clubs_for(user, Cap.TEAM_MANAGE)) == [world.club_a1]


def test_the_club_board_role_of_a_seat_is_audited_when_granted_and_ended(world, actor, holder):
    holder.user = factories.UserFactory(username="chu")
    holder.save()
    position = appoint(actor, world.club_a1, holder, title=BoardTitle.TREASURER, started_on=D(2024, 1, 10))
    granted = AuditEntry.objects.get(action="accounts.role.granted")
    assert (granted.actor, granted.target_id, granted.club_id) == (
        actor,
        str(position.role_assignment.pk),
        world.club_a1.pk,
    )
    assert granted.data["user"] == "chu" and granted.data["role"] == Role.CLUB_BOARD
    assert granted.data["title"] == "treasurer" and granted.data["valid_from"] == "2024-01-10"
    services.board_position_end(actor=actor, position=position, ended_on=D(2025, 1, 1))
    ended = AuditEntry.objects.get(action="accounts.role.ended")
    assert ended.actor == actor
    assert ended.data["valid_until"] == [None, "2025-01-01"]


def test_start_refuses_someone_who_is_not_a_member_of_the_club(world, actor):
    outsider = member_of(world.club_b1)
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, outsider)
    assert exc.value.message_dict["holder"] == [
        str(checks.ERROR_NOT_MEMBER_ON % {"name": outsider.full_name, "date": "10/01/2024"})
    ]
    assert nothing_written()


def test_start_refuses_a_date_before_the_holder_joined(world, actor, holder):
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder, started_on=D(2022, 4, 30))
    assert "holder" in exc.value.message_dict
    assert nothing_written()


def test_start_refuses_a_member_who_has_left_since(world, actor, holder):
    membership = holder.memberships.get()
    membership.left_on, membership.leave_reason = D(2024, 6, 1), LeaveReason.WITHDREW
    membership.save()
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder)
    assert exc.value.message_dict["holder"] == [
        str(checks.ERROR_HAS_LEFT % {"name": holder.full_name, "date": "01/06/2024"})
    ]
    assert nothing_written()


def test_start_refuses_a_future_date(world, actor, holder):
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder, started_on=TODAY + datetime.timedelta(days=1))
    assert exc.value.message_dict["started_on"] == [str(checks.ERROR_DATE_IN_FUTURE)]
    assert nothing_written()


def test_start_today_is_accepted(world, actor, holder):
    assert appoint(actor, world.club_a1, holder, started_on=TODAY).started_on == TODAY


def test_start_refuses_a_dissolved_club(world, actor, holder):
    ClubStatusChange.objects.create(
        club=world.club_a1, kind=StatusChangeKind.DISSOLVED, effective_on=D(2023, 12, 1), reason="Giải thể"
    )
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder)
    assert exc.value.message_dict["started_on"] == [str(checks.ERROR_CLUB_DISSOLVED_ON % {"date": "10/01/2024"})]
    assert nothing_written()


def test_same_holder_cannot_hold_the_same_title_twice_at_once(world, actor, holder):
    appoint(actor, world.club_a1, holder, title=BoardTitle.ACCOUNTANT, started_on=D(2023, 1, 1))
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder, title=BoardTitle.ACCOUNTANT, started_on=D(2024, 1, 1))
    assert exc.value.messages == [
        str(board.ERROR_SAME_TITLE)
        % {"name": holder.full_name, "title": BoardTitle.ACCOUNTANT.label, "date": "01/01/2023"}
    ]
    assert BoardPosition.objects.count() == 1
    # Another title at the same time is allowed (small clubs combine roles).
    appoint(actor, world.club_a1, holder, title=BoardTitle.VICE_CHAIR, started_on=D(2024, 1, 1))


def test_same_title_again_after_the_earlier_one_ended(world, actor, holder):
    first = appoint(actor, world.club_a1, holder, title=BoardTitle.MEMBER, started_on=D(2023, 1, 1))
    services.board_position_end(actor=actor, position=first, ended_on=D(2023, 6, 1))
    with pytest.raises(ValidationError):  # overlaps the earlier period
        appoint(actor, world.club_a1, holder, title=BoardTitle.MEMBER, started_on=D(2023, 5, 31))
    again = appoint(actor, world.club_a1, holder, title=BoardTitle.MEMBER, started_on=D(2023, 6, 1))
    assert again.pk != first.pk


# --- one current chair --------------------------------------------------------------------


def test_a_second_chair_is_refused_with_a_clear_message(world, actor, holder):
    appoint(actor, world.club_a1, holder, started_on=D(2023, 1, 1))
    newcomer = member_of(world.club_a1, name="Trần Thị Mới")
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, newcomer, started_on=D(2025, 1, 1))
    assert exc.value.message_dict["replace_current"] == [
        str(board.ERROR_CHAIR_CURRENT) % {"name": holder.full_name, "date": "01/01/2023"}
    ]
    assert BoardPosition.objects.count() == 1
    assert AuditEntry.objects.count() == audit_before


def test_replace_ends_the_current_chair_on_the_new_start_date(world, actor, holder):
    holder.user = factories.UserFactory(username="chu_cu")
    holder.save()
    old = appoint(actor, world.club_a1, holder, started_on=D(2023, 1, 1))
    newcomer = member_of(world.club_a1, name="Trần Thị Mới")
    new = appoint(actor, world.club_a1, newcomer, started_on=D(2025, 1, 1), replace_current=True)
    old.refresh_from_db()
    assert old.ended_on == D(2025, 1, 1)  # the new chair's first day; the old chair's last was 31/12/2024
    assert old.role_assignment.last_day == D(2024, 12, 31)
    assert new.ended_on is None
    assert list(BoardPosition.objects.current().filter(title=BoardTitle.CHAIR)) == [new]
    replaced = AuditEntry.objects.get(action="clubs.board_position.replaced")
    assert replaced.target_id == str(old.pk) and replaced.actor == actor


def test_replace_must_start_after_the_current_chair(world, actor, holder):
    appoint(actor, world.club_a1, holder, started_on=D(2023, 1, 1))
    newcomer = member_of(world.club_a1, name="Trần Thị Mới")
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, newcomer, started_on=D(2023, 1, 1), replace_current=True)
    assert exc.value.message_dict["started_on"] == [str(board.ERROR_REPLACE_NOT_AFTER % {"date": "01/01/2023"})]
    assert BoardPosition.objects.get().ended_on is None


def test_a_new_chair_cannot_start_inside_a_previous_chairs_term(world, actor, holder):
    old = appoint(actor, world.club_a1, holder, started_on=D(2023, 1, 1))
    services.board_position_end(actor=actor, position=old, ended_on=D(2024, 6, 1))
    newcomer = member_of(world.club_a1, name="Trần Thị Mới")
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, newcomer, started_on=D(2024, 5, 1))
    assert exc.value.message_dict["started_on"] == [str(board.ERROR_CHAIR_OVERLAP % {"date": "01/06/2024"})]
    assert appoint(actor, world.club_a1, newcomer, started_on=D(2024, 6, 1)).title == BoardTitle.CHAIR


def test_each_club_has_its_own_chair(world, actor, holder):
    appoint(actor, world.club_a1, holder)
    appoint(actor, world.club_a2, member_of(world.club_a2), started_on=D(2024, 1, 10))
    assert BoardPosition.objects.current().filter(title=BoardTitle.CHAIR).count() == 2


def test_the_database_refuses_two_current_chairs(world):
    factories.BoardPositionFactory(club=world.club_a1, title=BoardTitle.CHAIR)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.BoardPositionFactory(club=world.club_a1, title=BoardTitle.CHAIR)
    # An ended chair and a current one may coexist.
    factories.BoardPositionFactory(club=world.club_a1, title=BoardTitle.CHAIR, ended_on=D(2023, 6, 1))
    assert BoardPosition.objects.filter(club=world.club_a1, title=BoardTitle.CHAIR).count() == 2


def test_the_database_refuses_an_end_before_the_start(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.BoardPositionFactory(club=world.club_a1, started_on=D(2024, 1, 2), ended_on=D(2024, 1, 1))


# --- user accounts --------------------------------------------------------------------------


def test_start_can_create_the_holders_account(world, actor, holder):
    result = appointment(actor, world.club_a1, holder, new_username="  chunhiem_moi ")
    position = result.position
    holder.refresh_from_db()
    user = holder.user
    assert user.username == "chunhiem_moi"
    assert user.full_name == holder.full_name
    assert len(result.password) == accounts.PASSWORD_LENGTH
    assert user.check_password(result.password)
    assert result.password not in user.password  # only the hash is stored
    assert position.role_assignment.user == user
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "accounts.user.created",
        "members.person.account_linked",
        "accounts.role.granted",
        "clubs.board_position.started",
    ]
    assert all(entry.actor == actor for entry in AuditEntry.objects.all())
    assert "password" not in str(list(AuditEntry.objects.values_list("data", flat=True)))


def test_generated_passwords_differ(world, actor, holder):
    first = appointment(actor, world.club_a1, holder, new_username="mot")
    second = appointment(actor, world.club_a1, member_of(world.club_a1), title=BoardTitle.MEMBER, new_username="hai")
    assert first.password != second.password


def test_no_account_means_no_password(world, actor, holder):
    assert appointment(actor, world.club_a1, holder).password == ""


@pytest.mark.parametrize("username", ["có dấu cách", "a/b", ""])
def test_start_refuses_a_bad_user_name(world, actor, holder, username):
    if not username:
        # An empty name means "no account": the form asks for one when "create" is chosen.
        assert appoint(actor, world.club_a1, holder, new_username=username).role_assignment is None
        return
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder, new_username=username)
    assert "new_username" in exc.value.message_dict
    assert nothing_written()
    assert not User.objects.filter(username=username).exists()


def test_start_refuses_a_user_name_already_taken(world, actor, holder):
    factories.UserFactory(username="ChuNhiem")
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder, new_username="chunhiem")
    assert exc.value.message_dict["new_username"] == [str(accounts.ERROR_USERNAME_TAKEN % {"username": "chunhiem"})]
    assert nothing_written()
    holder.refresh_from_db()
    assert holder.user is None


def test_start_links_an_existing_account(world, province_staff, holder):
    user = factories.UserFactory(username="tai_khoan_san")
    result = appointment(province_staff, world.club_a1, holder, user=user)
    holder.refresh_from_db()
    assert holder.user == user
    assert result.position.role_assignment.user == user
    assert result.password == ""
    assert user.check_password("secret-pass-123")  # untouched


def test_an_account_of_this_clubs_board_can_be_linked(world, actor, holder):
    user = factories.board_member(world.club_a1, title=BoardTitle.MEMBER, username="cu")
    assert appoint(actor, world.club_a1, holder, user=user).role_assignment.user == user


@pytest.mark.parametrize(
    "make_user",
    [
        pytest.param(lambda world: factories.UserFactory(is_superuser=True, is_staff=True), id="superuser"),
        pytest.param(lambda world: factories.UserFactory(is_staff=True), id="django-staff"),
        pytest.param(
            lambda world: factories.RoleAssignmentFactory(role=Role.AREA_STAFF, area=world.district_b).user,
            id="area-staff",
        ),
        pytest.param(lambda world: factories.board_member(world.club_b1), id="other-clubs-board"),
    ],
)
def test_start_refuses_accounts_with_wider_or_other_roles(world, province_staff, holder, make_user):
    user = make_user(world)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        appoint(province_staff, world.club_a1, holder, user=user)
    assert exc.value.message_dict["user"] == [str(accounts.ERROR_ACCOUNT_NOT_ALLOWED % {"username": user.username})]
    assert not BoardPosition.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    holder.refresh_from_db()
    assert holder.user is None


def test_start_refuses_an_account_that_belongs_to_someone_else(world, province_staff, holder):
    other = member_of(world.club_a1, name="Lê Văn Khác")
    other.user = factories.UserFactory(username="cua_nguoi_khac")
    other.save()
    with pytest.raises(ValidationError) as exc:
        appoint(province_staff, world.club_a1, holder, user=other.user)
    assert exc.value.message_dict["user"] == [
        str(accounts.ERROR_ACCOUNT_TAKEN % {"username": "cua_nguoi_khac", "name": other.full_name})
    ]
    assert nothing_written()


def test_start_refuses_a_second_account_for_the_holder(world, actor, holder):
    holder.user = factories.UserFactory(username="da_co")
    holder.save()
    with pytest.raises(ValidationError) as exc:
        appoint(actor, world.club_a1, holder, new_username="them_mot")
    assert exc.value.message_dict["new_username"] == [
        str(board.ERROR_HOLDER_HAS_ACCOUNT % {"name": holder.full_name, "username": "da_co"})
    ]
    assert not User.objects.filter(username="them_mot").exists()
    assert nothing_written()


def test_start_refuses_a_disabled_account(world, province_staff, holder):
    user = factories.UserFactory(username="tat", is_active=False)
    with pytest.raises(ValidationError) as exc:
        appoint(province_staff, world.club_a1, holder, user=user)
    assert exc.value.message_dict["user"] == [str(accounts.ERROR_ACCOUNT_INACTIVE % {"username": "tat"})]


def test_start_is_all_or_nothing(world, actor, holder):
    """A failure after the account, the link and the role were written leaves none of them."""
    real_audit = board.audit_record

    def failing_audit(**kwargs):
        if kwargs["action"] == "clubs.board_position.started":
            raise RuntimeError("disk full")
        return real_audit(**kwargs)

    with mock.patch.object(board, "audit_record", side_effect=failing_audit), pytest.raises(RuntimeError):
        appoint(actor, world.club_a1, holder, new_username="nua_chung")
    assert not User.objects.filter(username="nua_chung").exists()
    assert not RoleAssignment.objects.filter(role=Role.CLUB_BOARD).exists()
    assert not BoardPosition.objects.exists()
    assert not AuditEntry.objects.exists()
    holder.refresh_from_db()
    assert holder.user is None


# --- board_position_end ---------------------------------------------------------------------


def test_end_closes_the_position_and_the_accounts_role(world, actor, holder):
    holder.user = factories.UserFactory(username="chu")
    holder.save()
    position = appoint(actor, world.club_a1, holder, started_on=D(2023, 1, 1))
    services.board_position_end(actor=actor, position=position, ended_on=D(2025, 3, 1))
    position.refresh_from_db()
    assert position.ended_on == D(2025, 3, 1)
    assignment = position.role_assignment
    assert assignment.last_day == D(2025, 2, 28)
    assert not RoleAssignment.objects.in_force(D(2025, 3, 1)).filter(pk=assignment.pk).exists()
    assert RoleAssignment.objects.in_force(D(2025, 2, 28)).filter(pk=assignment.pk).exists()
    # Today (15/03/2025) the account has no role on the club any more.
    fresh = User.objects.get(pk=holder.user.pk)
    assert not access.clubs_for(fresh, Cap.CLUB_VIEW).exists()
    entry = AuditEntry.objects.get(action="clubs.board_position.ended")
    assert entry.actor == actor and entry.data["role_valid_until"] == "2025-03-01"


def test_end_without_account(world, actor, holder):
    position = appoint(actor, world.club_a1, holder)
    services.board_position_end(actor=actor, position=position, ended_on=TODAY)
    position.refresh_from_db()
    assert position.ended_on == TODAY


@pytest.mark.parametrize(
    ("ended_on", "message", "params"),
    [
        (D(2024, 1, 10), checks.ERROR_END_NOT_AFTER_START, {"date": "10/01/2024"}),
        (D(2023, 12, 31), checks.ERROR_END_NOT_AFTER_START, {"date": "10/01/2024"}),
        (TODAY + datetime.timedelta(days=1), checks.ERROR_DATE_IN_FUTURE, {}),
    ],
)
def test_end_refuses_bad_dates(world, actor, holder, ended_on, message, params):
    position = appoint(actor, world.club_a1, holder)
    with pytest.raises(ValidationError) as exc:
        services.board_position_end(actor=actor, position=position, ended_on=ended_on)
    assert exc.value.message_dict["ended_on"] == [str(message % params if params else message)]
    position.refresh_from_db()
    assert position.ended_on is None
    assert not AuditEntry.objects.filter(action="clubs.board_position.ended").exists()


def test_end_twice_is_refused(world, actor, holder):
    position = appoint(actor, world.club_a1, holder)
    services.board_position_end(actor=actor, position=position, ended_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        services.board_position_end(actor=actor, position=position, ended_on=D(2025, 2, 1))
    assert exc.value.messages == [str(board.ERROR_POSITION_ENDED)]
    position.refresh_from_db()
    assert position.ended_on == D(2025, 1, 1)


# --- leaving the club ends the positions --------------------------------------------------------


def test_member_leave_ends_board_positions_and_the_role(world, actor, holder):
    holder.user = factories.UserFactory(username="chu")
    holder.save()
    chair = appoint(actor, world.club_a1, holder, started_on=D(2023, 1, 1))
    earlier = appoint(actor, world.club_a1, holder, title=BoardTitle.MEMBER, started_on=D(2022, 6, 1))
    services.board_position_end(actor=actor, position=earlier, ended_on=D(2022, 12, 1))
    member_services.member_leave(
        actor=actor, membership=holder.memberships.get(), left_on=D(2025, 2, 1), reason=LeaveReason.WITHDREW
    )
    chair.refresh_from_db()
    earlier.refresh_from_db()
    assert chair.ended_on == D(2025, 2, 1)
    assert chair.role_assignment.last_day == D(2025, 1, 31)
    assert earlier.ended_on == D(2022, 12, 1)  # already ended: untouched
    ended = AuditEntry.objects.filter(action="clubs.board_position.ended", target_id=str(chair.pk)).get()
    assert ended.actor == actor


def test_member_move_ends_the_positions_in_the_old_club(world, actor, holder):
    chair = appoint(actor, world.club_a1, holder, started_on=D(2023, 1, 1))
    member_services.member_move(
        actor=actor, membership=holder.memberships.get(), to_club=world.club_b1, moved_on=D(2025, 1, 1)
    )
    chair.refresh_from_db()
    assert chair.ended_on == D(2025, 1, 1)
    # The club can now appoint a new chair without "replace".
    appoint(actor, world.club_a1, member_of(world.club_a1), started_on=D(2025, 1, 1))


def test_member_leave_before_a_position_started_is_refused_and_nothing_changes(world, actor, holder):
    chair = appoint(actor, world.club_a1, holder, started_on=D(2024, 1, 10))
    membership = holder.memberships.get()
    with pytest.raises(ValidationError) as exc:
        member_services.member_leave(
            actor=actor, membership=membership, left_on=D(2023, 12, 1), reason=LeaveReason.WITHDREW
        )
    assert exc.value.messages == [
        str(leavers.ERROR_LEAVER_HOLDS_POSITION)
        % {"name": holder.full_name, "title": BoardTitle.CHAIR.label, "start": "10/01/2024"}
    ]
    membership.refresh_from_db()
    chair.refresh_from_db()
    assert membership.left_on is None
    assert chair.ended_on is None


def test_member_leave_of_someone_without_positions_is_unchanged(world, actor):
    person = member_of(world.club_a1)
    member_services.member_leave(
        actor=actor, membership=person.memberships.get(), left_on=D(2025, 1, 1), reason=LeaveReason.DIED
    )
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"members.membership.ended"}


# --- pages: appoint and end -------------------------------------------------------------------


def appoint_url(club):
    return reverse("boards:board-position-create", args=[club.pk])


def end_url(position):
    return reverse("boards:board-position-end", args=[position.club_id, position.pk])


def detail_url(club):
    return reverse("clubs:club-detail", args=[club.pk])


def form_data(holder, **overrides):
    data = {
        "holder": holder.pk,
        "title": BoardTitle.CHAIR,
        "started_on": "10/01/2024",
        "note": "",
        "account": "none",
        "user": "",
        "new_username": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["province_staff", "area_staff", "admin_user"])
def test_staff_in_scope_appoint_on_the_page(client, world, holder, persona, request):
    user = request.getfixturevalue(persona)
    response = login(client, user).post(appoint_url(world.club_a1), form_data(holder))
    assert response.status_code == 302
    assert response["Location"] == detail_url(world.club_a1)
    position = BoardPosition.objects.get()
    assert (position.holder, position.title, position.started_on) == (holder, "chair", D(2024, 1, 10))
    assert AuditEntry.objects.get(action="clubs.board_position.started").actor == user


@pytest.mark.parametrize(("persona", "status"), [("other_area_staff", 404), ("other_chair", 404), ("club_chair", 403)])
def test_the_board_cannot_be_changed_by_others_or_by_itself(client, world, holder, persona, status, request):
    client = login(client, request.getfixturevalue(persona))
    assert client.post(appoint_url(world.club_a1), form_data(holder)).status_code == status
    position = factories.BoardPositionFactory(club=world.club_a1)
    assert client.post(end_url(position), {"ended_on": "01/03/2025"}).status_code == status
    assert BoardPosition.objects.get().ended_on is None


def test_the_holder_list_offers_only_the_clubs_current_members(client, world, area_staff, holder):
    other_club = member_of(world.club_b1, name="Phạm Văn Xa")
    left = member_of(world.club_a1, name="Đỗ Thị Rời")
    membership = left.memberships.get()
    membership.left_on, membership.leave_reason = D(2024, 1, 1), LeaveReason.WITHDREW
    membership.save()
    response = login(client, area_staff).get(appoint_url(world.club_a1))
    choices = set(response.context["form"].fields["holder"].queryset)
    assert choices == {holder}
    html = response.content.decode()
    assert holder.full_name in html
    assert other_club.full_name not in html and left.full_name not in html


def test_a_crafted_post_cannot_pick_another_clubs_member(client, world, area_staff):
    outsider = member_of(world.club_a2)  # in the staff's scope, but not of this club
    response = login(client, area_staff).post(appoint_url(world.club_a1), form_data(outsider))
    assert response.status_code == 200
    assert "holder" in response.context["form"].errors
    assert not BoardPosition.objects.exists()


def test_the_page_says_why_a_second_chair_is_refused(client, world, area_staff, holder):
    appoint(area_staff, world.club_a1, holder, started_on=D(2023, 1, 1))
    newcomer = member_of(world.club_a1, name="Trần Thị Mới")
    response = login(client, area_staff).post(appoint_url(world.club_a1), form_data(newcomer, started_on="01/01/2025"))
    assert response.status_code == 200
    assert vi_html(board.ERROR_CHAIR_CURRENT, name=holder.full_name, date="01/01/2023") in response.content.decode()
    response = client.post(
        appoint_url(world.club_a1), form_data(newcomer, started_on="01/01/2025", replace_current="on")
    )
    assert response.status_code == 302
    assert BoardPosition.objects.current().get(title=BoardTitle.CHAIR).holder == newcomer


def test_the_page_creates_an_account_and_shows_the_password_once(client, world, area_staff, holder):
    client = login(client, area_staff)
    response = client.post(
        appoint_url(world.club_a1), form_data(holder, account="new", new_username="chu_lien_tri"), follow=True
    )
    position = BoardPosition.objects.get()
    holder.refresh_from_db()
    assert holder.user.username == "chu_lien_tri"
    shown = [str(message) for message in response.context["messages"]]
    password_messages = [text for text in shown if "chu_lien_tri" in text]
    assert len(password_messages) == 1
    password = next(word for word in password_messages[0].split() if holder.user.check_password(word.strip(".,")))
    assert password
    assert position.role_assignment.user == holder.user
    # The next page does not show it again.
    assert password not in client.get(detail_url(world.club_a1)).content.decode()


def test_the_page_asks_for_the_user_name_when_creating_an_account(client, world, area_staff, holder):
    response = login(client, area_staff).post(appoint_url(world.club_a1), form_data(holder, account="new"))
    assert response.status_code == 200
    assert "new_username" in response.context["form"].errors
    assert not BoardPosition.objects.exists()


def test_the_page_links_an_existing_account(client, world, province_staff, holder):
    user = factories.UserFactory(username="san_co")
    staff_account = factories.RoleAssignmentFactory(role=Role.AREA_STAFF, area=world.district_b).user
    client = login(client, province_staff)
    offered = set(client.get(appoint_url(world.club_a1)).context["form"].fields["user"].queryset)
    assert user in offered
    assert staff_account not in offered and province_staff not in offered
    response = client.post(appoint_url(world.club_a1), form_data(holder, account="existing", user=user.pk))
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.user == user


def test_a_crafted_post_cannot_link_a_staff_account(client, world, area_staff, holder, province_staff):
    response = login(client, area_staff).post(
        appoint_url(world.club_a1), form_data(holder, account="existing", user=province_staff.pk)
    )
    assert response.status_code == 200
    assert "user" in response.context["form"].errors
    holder.refresh_from_db()
    assert holder.user is None


# --- which accounts a user may link (accounts.access.accounts_to_link) ----------------------------


def former_board_login(club):
    """The login of a former member of `club`'s board, unlinked from its person."""
    return factories.RoleAssignmentFactory(
        role=Role.CLUB_BOARD, club=club, title=BoardTitle.MEMBER, valid_until=D(2024, 1, 1)
    ).user


def test_area_staff_are_offered_only_accounts_already_used_on_the_clubs_board(client, world, area_staff, holder):
    stray = factories.UserFactory(username="khong_ro_cua_ai")
    former = former_board_login(world.club_a1)
    former_elsewhere = former_board_login(world.club_a2)  # another club of their own area
    assert set(access.accounts_to_link(area_staff, world.club_a1)) == {former}
    offered = set(login(client, area_staff).get(appoint_url(world.club_a1)).context["form"].fields["user"].queryset)
    assert offered == {former}
    assert stray not in offered and former_elsewhere not in offered


def test_province_staff_and_admins_may_link_any_free_account(world, province_staff, admin_user):
    stray = factories.UserFactory(username="khong_ro_cua_ai")
    former = former_board_login(world.club_a1)
    for user in (province_staff, admin_user):
        assert set(access.accounts_to_link(user, world.club_a1)) == {stray, former}


def test_nobody_else_links_an_account(world, club_chair, other_area_staff):
    former_board_login(world.club_a1)
    factories.UserFactory()
    assert not access.accounts_to_link(club_chair, world.club_a1).exists()
    # Staff of another area do not appoint this club's board at all.
    assert not access.accounts_to_link(other_area_staff, world.club_a1).exists()


def test_area_staff_cannot_link_an_account_tied_to_no_club(world, area_staff, holder):
    stray = factories.UserFactory(username="khong_ro_cua_ai")
    with pytest.raises(ValidationError) as exc:
        appoint(area_staff, world.club_a1, holder, user=stray)
    assert exc.value.message_dict["user"] == [str(board.ERROR_ACCOUNT_OUT_OF_SCOPE)]
    assert nothing_written()
    holder.refresh_from_db()
    assert holder.user is None


def test_area_staff_are_told_nothing_of_someone_elses_account(world, area_staff, holder):
    """The refusal of an account outside the choices names neither the account's person nor its roles."""
    other = member_of(world.club_b1, name="Lê Văn Bí Mật")
    other.user = factories.UserFactory(username="cua_nguoi_khac")
    other.save()
    with pytest.raises(ValidationError) as exc:
        appoint(area_staff, world.club_a1, holder, user=other.user)
    assert exc.value.message_dict["user"] == [str(board.ERROR_ACCOUNT_OUT_OF_SCOPE)]
    assert nothing_written()


def test_area_staff_link_a_former_board_login_of_the_club(world, area_staff, holder):
    former = former_board_login(world.club_a1)
    position = appoint(area_staff, world.club_a1, holder, user=former)
    assert position.role_assignment.user == former


def test_a_crafted_post_of_an_account_out_of_scope_is_refused_and_saves_nothing(client, world, area_staff, holder):
    stray = factories.UserFactory(username="khong_ro_cua_ai")
    response = login(client, area_staff).post(
        appoint_url(world.club_a1), form_data(holder, account="existing", user=stray.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["user"] == [str(board.ERROR_ACCOUNT_OUT_OF_SCOPE)]
    assert vi_html(str(board.ERROR_ACCOUNT_OUT_OF_SCOPE)) in response.content.decode()
    assert nothing_written()
    holder.refresh_from_db()
    assert holder.user is None


def test_area_staff_may_still_create_a_new_account(client, world, area_staff, holder):
    response = login(client, area_staff).post(
        appoint_url(world.club_a1), form_data(holder, account="new", new_username="chu_moi")
    )
    assert response.status_code == 302
    holder.refresh_from_db()
    assert holder.user.username == "chu_moi"


def test_the_end_page_ends_the_position(client, world, area_staff, holder):
    position = appoint(area_staff, world.club_a1, holder, started_on=D(2023, 1, 1))
    client = login(client, area_staff)
    response = client.get(end_url(position))
    assert response.status_code == 200
    assert holder.full_name in response.content.decode()
    response = client.post(end_url(position), {"ended_on": "01/03/2025"})
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.ended_on == D(2025, 3, 1)
    # An ended position has no end page any more.
    assert client.get(end_url(position)).status_code == 404


def test_the_end_page_shows_the_rule_broken(client, world, area_staff, holder):
    position = appoint(area_staff, world.club_a1, holder)
    response = login(client, area_staff).post(end_url(position), {"ended_on": "01/01/2024"})
    assert response.status_code == 200
    assert vi_html(checks.ERROR_END_NOT_AFTER_START, date="10/01/2024") in response.content.decode()


def test_a_position_of_another_club_is_not_found_through_this_club(client, world, province_staff):
    position = factories.BoardPositionFactory(club=world.club_b1)
    url = reverse("boards:board-position-end", args=[world.club_a1.pk, position.pk])
    assert login(client, province_staff).get(url).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_board_pages_refuse_other_methods(client, world, area_staff, method):
    assert getattr(login(client, area_staff), method)(appoint_url(world.club_a1)).status_code == 405


def test_appoint_page_query_count_does_not_grow(client, world, area_staff, django_assert_num_queries):
    def fill(count):
        for _number in range(count):
            member_of(world.club_a1)
            # A former board member's login, unlinked from its person: area staff may link it again.
            factories.RoleAssignmentFactory(
                role=Role.CLUB_BOARD, club=world.club_a1, title=BoardTitle.MEMBER, valid_until=D(2024, 1, 1)
            )

    client = login(client, area_staff)
    fill(2)
    # 1 session, 2 user, 3 role assignments in force, 4 the club (in scope), 5 may manage its
    # board, 6 the club's current members, 7 the accounts that may be linked.
    with django_assert_num_queries(7):
        client.get(appoint_url(world.club_a1))
    fill(18)
    with django_assert_num_queries(7):
        response = client.get(appoint_url(world.club_a1))
    assert len(response.context["form"].fields["holder"].choices) == 21  # and the empty choice
    assert len(response.context["form"].fields["user"].choices) == 21


def test_member_leave_inside_an_ended_position_is_refused(world, actor, holder):
    position = appoint(actor, world.club_a1, holder, title=BoardTitle.MEMBER, started_on=D(2023, 1, 1))
    services.board_position_end(actor=actor, position=position, ended_on=D(2025, 1, 1))
    with pytest.raises(ValidationError) as exc:
        member_services.member_leave(
            actor=actor, membership=holder.memberships.get(), left_on=D(2024, 6, 1), reason=LeaveReason.WITHDREW
        )
    assert exc.value.messages == [
        str(leavers.ERROR_LEAVER_HOLDS_POSITION)
        % {"name": holder.full_name, "title": BoardTitle.MEMBER.label, "start": "01/01/2023"}
    ]
    assert holder.memberships.get().left_on is None
