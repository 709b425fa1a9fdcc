"""Teams and their members: clubs.services team_* and the team pages, and member_leave ending
team memberships and leadership."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from boards import selectors, services
from boards.models import Team, TeamMemberRole, TeamMembership
from boards.services import checks, leavers, teams
from clubs.models import ActivityArea, ClubStatusChange, StatusChangeKind
from members import selectors as member_services_selectors
from members import services as member_services
from members.models import LeaveReason, Person, Sex
from tests import factories
from tests.conftest import login
from tests.text import vi_html

D = datetime.date
TODAY = D(2025, 3, 15)
JOINED = D(2022, 5, 1)
STARTED = D(2023, 1, 1)
ADDED = D(2023, 2, 1)


def member_of(club, *, name=None, joined_on=JOINED):
    person = factories.PersonFactory(**({"full_name": name} if name else {}))
    factories.MembershipFactory(person=person, club=club, joined_on=joined_on)
    return person


def new_team(actor, club, **values):
    values.setdefault("name", "Tổ chăm sóc tại nhà")
    values.setdefault("activity_area", ActivityArea.HOME_CARE)
    values.setdefault("started_on", STARTED)
    return services.team_create(actor=actor, club=club, **values)


def add(actor, team, person, role=TeamMemberRole.VOLUNTEER, started_on=ADDED, **extra):
    return services.team_member_add(actor=actor, team=team, person=person, role=role, started_on=started_on, **extra)


@pytest.fixture
def actor(club_chair):
    """The club's own board keeps its teams (Cap.TEAM_MANAGE)."""
    return club_chair


@pytest.fixture
def team(world, actor):
    return new_team(actor, world.club_a1)


# --- the activity areas ----------------------------------------------------------------------


def test_the_eight_activity_areas_in_the_order_of_the_domain():
    assert ActivityArea.values == [
        "income",
        "health",
        "home_care",
        "self_help",
        "rights",
        "learning",
        "culture",
        "resources",
    ]
    assert [area.number for area in ActivityArea] == list(range(1, 9))
    with translation.override("en"):
        assert str(ActivityArea.HOME_CARE.label) == "Volunteer home care"
    with translation.override("vi"):
        assert str(ActivityArea.HOME_CARE.label) == "Chăm sóc tại nhà dựa vào tình nguyện viên"


# --- team_create / team_update / team_end -----------------------------------------------------


def test_create_records_the_team_audited(world, actor):
    leader = member_of(world.club_a1, name="Lê Thị Tổ Trưởng")
    team = new_team(actor, world.club_a1, name="  Tổ   văn nghệ ", activity_area=ActivityArea.CULTURE, leader=leader)
    team.refresh_from_db()
    assert (team.club, team.name, team.activity_area, team.leader) == (world.club_a1, "Tổ văn nghệ", "culture", leader)
    assert team.ended_on is None
    entry = AuditEntry.objects.get(action="clubs.team.created")
    assert entry.actor == actor and entry.target_id == str(team.pk)
    assert entry.data["leader"] == leader.full_name


@pytest.mark.parametrize(
    ("values", "field", "message", "params"),
    [
        ({"started_on": TODAY + datetime.timedelta(days=1)}, "started_on", checks.ERROR_DATE_IN_FUTURE, {}),
        ({"started_on": D(2022, 2, 28)}, "started_on", teams.ERROR_TEAM_BEFORE_CLUB, {"date": "01/03/2022"}),
    ],
)
def test_create_refuses_bad_dates(world, actor, values, field, message, params):
    with pytest.raises(ValidationError) as exc:
        new_team(actor, world.club_a1, **values)
    assert exc.value.message_dict[field] == [str(message % params if params else message)]
    assert not Team.objects.exists() and not AuditEntry.objects.exists()


def test_create_refuses_a_leader_from_another_club(world, actor):
    outsider = member_of(world.club_b1, name="Phạm Văn Xa")
    with pytest.raises(ValidationError) as exc:
        new_team(actor, world.club_a1, leader=outsider)
    assert exc.value.message_dict["leader"] == [str(checks.ERROR_NOT_CURRENT_MEMBER % {"name": outsider.full_name})]
    assert not Team.objects.exists()


def test_create_refuses_a_current_team_of_the_same_name_whatever_the_accents(world, actor, team):
    with pytest.raises(ValidationError) as exc:
        new_team(actor, world.club_a1, name="TO CHAM SOC TAI NHA")
    assert exc.value.message_dict["name"] == [str(teams.ERROR_TEAM_NAME_TAKEN % {"name": "TO CHAM SOC TAI NHA"})]
    # Another club may use the name, and so may this club once the first team has ended.
    new_team(actor, world.club_b1)
    services.team_end(actor=actor, team=team, ended_on=D(2024, 1, 1))
    new_team(actor, world.club_a1, started_on=D(2024, 1, 1))
    assert Team.objects.filter(club=world.club_a1).count() == 2


def test_the_database_refuses_two_current_teams_of_the_same_name(world):
    factories.TeamFactory(club=world.club_a1, name="Tổ sức khỏe")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TeamFactory(club=world.club_a1, name="Tổ sức khỏe")


def test_create_refuses_a_dissolved_club(world, actor):
    ClubStatusChange.objects.create(
        club=world.club_a1, kind=StatusChangeKind.DISSOLVED, effective_on=D(2022, 12, 1), reason="Giải thể"
    )
    with pytest.raises(ValidationError) as exc:
        new_team(actor, world.club_a1)
    assert "started_on" in exc.value.message_dict


def test_update_changes_and_audits(world, actor, team):
    leader = member_of(world.club_a1)
    services.team_update(actor=actor, team=team, name="Tổ CSTN", leader=leader, note="Họp thứ hai")
    team.refresh_from_db()
    assert (team.name, team.leader, team.note) == ("Tổ CSTN", leader, "Họp thứ hai")
    entry = AuditEntry.objects.get(action="clubs.team.updated")
    assert entry.data["name"] == ["Tổ chăm sóc tại nhà", "Tổ CSTN"]
    assert entry.actor == actor


def test_update_without_changes_writes_nothing(world, actor, team):
    services.team_update(actor=actor, team=team, name=team.name, note="")
    assert not AuditEntry.objects.filter(action="clubs.team.updated").exists()


def test_update_refuses_a_start_after_the_first_member_joined(world, actor, team):
    add(actor, team, member_of(world.club_a1), started_on=D(2023, 2, 1))
    with pytest.raises(ValidationError) as exc:
        services.team_update(actor=actor, team=team, started_on=D(2023, 3, 1))
    assert exc.value.message_dict["started_on"] == [str(teams.ERROR_TEAM_START_AFTER_MEMBERS % {"date": "01/02/2023"})]
    team.refresh_from_db()
    assert team.started_on == STARTED


def test_update_refuses_leaving_home_care_while_people_are_cared_for(world, actor, team):
    add(actor, team, member_of(world.club_a1), role=TeamMemberRole.CARED_FOR)
    with pytest.raises(ValidationError) as exc:
        services.team_update(actor=actor, team=team, activity_area=ActivityArea.HEALTH)
    assert exc.value.message_dict["activity_area"] == [str(teams.ERROR_AREA_HAS_CARED_FOR)]
    team.refresh_from_db()
    assert team.activity_area == ActivityArea.HOME_CARE


def test_update_refuses_a_leader_who_is_not_a_member(world, actor, team):
    with pytest.raises(ValidationError) as exc:
        services.team_update(actor=actor, team=team, leader=member_of(world.club_a2))
    assert "leader" in exc.value.message_dict
    team.refresh_from_db()
    assert team.leader is None


def test_end_closes_the_team_and_its_memberships(world, actor, team):
    first = add(actor, team, member_of(world.club_a1))
    left = add(actor, team, member_of(world.club_a1), started_on=D(2023, 3, 1))
    services.team_member_end(actor=actor, membership=left, ended_on=D(2023, 6, 1))
    services.team_end(actor=actor, team=team, ended_on=D(2025, 1, 1))
    team.refresh_from_db()
    first.refresh_from_db()
    left.refresh_from_db()
    assert team.ended_on == D(2025, 1, 1)
    assert first.ended_on == D(2025, 1, 1)
    assert left.ended_on == D(2023, 6, 1)
    entry = AuditEntry.objects.get(action="clubs.team.ended")
    assert entry.data == {"ended_on": "2025-01-01", "memberships_ended": 1}


def test_end_before_a_member_joined_is_refused_and_nothing_changes(world, actor, team):
    person = member_of(world.club_a1, name="Vũ Thị Muộn")
    add(actor, team, member_of(world.club_a1), started_on=D(2023, 2, 1))
    late = add(actor, team, person, started_on=D(2024, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.team_end(actor=actor, team=team, ended_on=D(2024, 5, 1))
    assert exc.value.message_dict["ended_on"] == [
        str(teams.ERROR_TEAM_END_BEFORE_MEMBER % {"name": person.full_name, "date": "01/05/2024"})
    ]
    team.refresh_from_db()
    assert team.ended_on is None
    assert not TeamMembership.objects.filter(ended_on__isnull=False).exists()
    late.refresh_from_db()
    assert late.ended_on is None


@pytest.mark.parametrize(
    ("ended_on", "message", "params"),
    [
        (STARTED, checks.ERROR_END_NOT_AFTER_START, {"date": "01/01/2023"}),
        (TODAY + datetime.timedelta(days=1), checks.ERROR_DATE_IN_FUTURE, {}),
    ],
)
def test_end_refuses_bad_dates(world, actor, team, ended_on, message, params):
    with pytest.raises(ValidationError) as exc:
        services.team_end(actor=actor, team=team, ended_on=ended_on)
    assert exc.value.message_dict["ended_on"] == [str(message % params if params else message)]


def test_an_ended_team_cannot_change(world, actor, team):
    services.team_end(actor=actor, team=team, ended_on=D(2024, 1, 1))
    for call in (
        lambda: services.team_end(actor=actor, team=team, ended_on=D(2024, 2, 1)),
        lambda: services.team_update(actor=actor, team=team, name="Tên mới"),
        lambda: add(actor, team, member_of(world.club_a1)),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.messages == [str(teams.ERROR_TEAM_ENDED)]


# --- team_member_add / team_cared_for_add / team_member_end -------------------------------------


def test_add_a_volunteer_audited(world, actor, team):
    person = member_of(world.club_a1)
    membership = add(actor, team, person, note="Đã tập huấn")
    membership.refresh_from_db()
    assert (membership.team, membership.person, membership.role) == (team, person, "volunteer")
    assert (membership.started_on, membership.ended_on, membership.note) == (D(2023, 2, 1), None, "Đã tập huấn")
    entry = AuditEntry.objects.get(action="clubs.team_membership.started")
    assert entry.actor == actor and entry.data["role"] == "volunteer"


@pytest.mark.parametrize("role", [TeamMemberRole.MEMBER, TeamMemberRole.VOLUNTEER])
def test_members_and_volunteers_must_be_members_of_the_club(world, actor, team, role):
    for outsider, message in (
        (member_of(world.club_b1), checks.ERROR_NOT_MEMBER_ON),
        (factories.PersonFactory(), checks.ERROR_NOT_MEMBER_ON),
        (member_of(world.club_a1, joined_on=D(2024, 1, 1)), checks.ERROR_NOT_MEMBER_ON),
    ):
        with pytest.raises(ValidationError) as exc:
            add(actor, team, outsider, role=role)
        assert exc.value.message_dict["person"] == [str(message % {"name": outsider.full_name, "date": "01/02/2023"})]
    assert not TeamMembership.objects.exists() and not AuditEntry.objects.filter(action__contains="team_m").exists()


def test_people_cared_for_may_be_members_or_people_of_the_community(world, actor, team):
    member = member_of(world.club_a1)
    neighbour = factories.PersonFactory(full_name="Bà Hàng Xóm")  # in no club
    add(actor, team, member, role=TeamMemberRole.CARED_FOR)
    add(actor, team, neighbour, role=TeamMemberRole.CARED_FOR)
    assert set(team.memberships.values_list("person__full_name", flat=True)) == {member.full_name, neighbour.full_name}


def test_a_member_of_another_club_is_cared_for_by_that_club(world, actor, team):
    elsewhere = member_of(world.club_b1)
    with pytest.raises(ValidationError) as exc:
        add(actor, team, elsewhere, role=TeamMemberRole.CARED_FOR)
    assert exc.value.message_dict["person"] == [
        str(teams.ERROR_CARED_FOR_OTHER_CLUB % {"name": elsewhere.full_name, "club": world.club_b1.name})
    ]


def test_only_a_home_care_team_has_people_cared_for(world, actor):
    health = new_team(actor, world.club_a1, name="Tổ sức khỏe", activity_area=ActivityArea.HEALTH)
    with pytest.raises(ValidationError) as exc:
        add(actor, health, member_of(world.club_a1), role=TeamMemberRole.CARED_FOR)
    assert exc.value.message_dict["role"] == [str(teams.ERROR_CARED_FOR_HOME_CARE_ONLY)]
    # Volunteers work in other areas too (health volunteers).
    add(actor, health, member_of(world.club_a1), role=TeamMemberRole.VOLUNTEER)


def test_nobody_is_twice_in_a_team_at_once(world, actor, team):
    person = member_of(world.club_a1)
    first = add(actor, team, person)
    with pytest.raises(ValidationError) as exc:
        add(actor, team, person, role=TeamMemberRole.MEMBER, started_on=D(2024, 1, 1))
    assert exc.value.message_dict["person"] == [str(teams.ERROR_ALREADY_IN_TEAM % {"name": person.full_name})]
    services.team_member_end(actor=actor, membership=first, ended_on=D(2024, 1, 1))
    with pytest.raises(ValidationError) as exc:
        add(actor, team, person, started_on=D(2023, 12, 1))
    assert exc.value.message_dict["started_on"] == [
        str(teams.ERROR_TEAM_OVERLAP % {"name": person.full_name, "date": "01/01/2024"})
    ]
    again = add(actor, team, person, role=TeamMemberRole.MEMBER, started_on=D(2024, 1, 1))
    assert again.role == TeamMemberRole.MEMBER


def test_the_database_refuses_two_open_memberships_of_a_person_in_a_team(world):
    membership = factories.TeamMembershipFactory(team__club=world.club_a1)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.TeamMembershipFactory(team=membership.team, person=membership.person)


@pytest.mark.parametrize(
    ("started_on", "message", "params"),
    [
        (D(2022, 12, 31), teams.ERROR_MEMBER_BEFORE_TEAM, {"date": "01/01/2023"}),
        (TODAY + datetime.timedelta(days=1), checks.ERROR_DATE_IN_FUTURE, {}),
    ],
)
def test_add_refuses_bad_dates(world, actor, team, started_on, message, params):
    with pytest.raises(ValidationError) as exc:
        add(actor, team, member_of(world.club_a1), started_on=started_on)
    assert exc.value.message_dict["started_on"] == [str(message % params if params else message)]


def test_record_a_new_person_cared_for(world, actor, team):
    membership = services.team_cared_for_add(
        actor=actor,
        team=team,
        started_on=D(2024, 3, 1),
        full_name="Trương Thị Cụ",
        sex=Sex.FEMALE,
        birth_year=1935,
        hamlet="Thôn Liên Trì Tây",
    )
    person = membership.person
    assert person.full_name == "Trương Thị Cụ" and person.receives_home_care
    assert not person.memberships.exists()
    assert membership.role == TeamMemberRole.CARED_FOR
    actions = set(AuditEntry.objects.filter(actor=actor).values_list("action", flat=True))
    assert {"members.person.created", "clubs.team_membership.started"} <= actions


def test_a_new_person_cared_for_is_all_or_nothing(world, actor, team):
    people_before = Person.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.team_cared_for_add(
            actor=actor,
            team=team,
            started_on=TODAY + datetime.timedelta(days=3),  # refused after the person was written
            full_name="Trương Thị Cụ",
            sex=Sex.FEMALE,
            birth_year=1935,
        )
    assert "started_on" in exc.value.message_dict
    assert Person.objects.count() == people_before
    assert not AuditEntry.objects.filter(action="members.person.created").exists()


def test_a_new_person_cared_for_only_in_a_home_care_team(world, actor):
    health = new_team(actor, world.club_a1, name="Tổ sức khỏe", activity_area=ActivityArea.HEALTH)
    with pytest.raises(ValidationError):
        services.team_cared_for_add(
            actor=actor, team=health, started_on=TODAY, full_name="Cụ Ông", sex=Sex.MALE, birth_year=1930
        )
    assert not Person.objects.filter(full_name="Cụ Ông").exists()


def test_member_end(world, actor, team):
    membership = add(actor, team, member_of(world.club_a1))
    services.team_member_end(actor=actor, membership=membership, ended_on=D(2024, 6, 1))
    membership.refresh_from_db()
    assert membership.ended_on == D(2024, 6, 1)
    assert AuditEntry.objects.get(action="clubs.team_membership.ended").actor == actor
    with pytest.raises(ValidationError) as exc:
        services.team_member_end(actor=actor, membership=membership, ended_on=D(2024, 7, 1))
    assert exc.value.messages == [str(teams.ERROR_TEAM_MEMBERSHIP_ENDED)]


def test_member_end_refuses_an_end_not_after_the_start(world, actor, team):
    membership = add(actor, team, member_of(world.club_a1))
    with pytest.raises(ValidationError) as exc:
        services.team_member_end(actor=actor, membership=membership, ended_on=D(2023, 2, 1))
    assert exc.value.message_dict["ended_on"] == [str(checks.ERROR_END_NOT_AFTER_START % {"date": "01/02/2023"})]


# --- leaving the club ends team memberships and leadership --------------------------------------


def test_member_leave_ends_team_memberships_and_leadership(world, actor, team):
    person = member_of(world.club_a1, name="Hồ Văn Đi")
    services.team_update(actor=actor, team=team, leader=person)
    volunteer = add(actor, team, person)
    other_team = new_team(actor, world.club_a1, name="Tổ văn nghệ", activity_area=ActivityArea.CULTURE)
    member = add(actor, other_team, person, role=TeamMemberRole.MEMBER, started_on=D(2024, 1, 1))
    stays = add(actor, team, member_of(world.club_a1))
    member_services.member_leave(
        actor=actor, membership=person.memberships.get(), left_on=D(2025, 2, 1), reason=LeaveReason.DIED
    )
    for membership in (volunteer, member, stays):
        membership.refresh_from_db()
    team.refresh_from_db()
    assert volunteer.ended_on == D(2025, 2, 1) and member.ended_on == D(2025, 2, 1)
    assert stays.ended_on is None
    assert team.leader is None
    assert AuditEntry.objects.filter(action="clubs.team_membership.ended").count() == 2
    assert AuditEntry.objects.filter(action="clubs.team.updated", data__leader=[person.full_name, None]).exists()


def test_member_leave_before_a_team_membership_started_is_refused(world, actor, team):
    person = member_of(world.club_a1)
    add(actor, team, person, started_on=D(2024, 6, 1))
    membership = person.memberships.get()
    with pytest.raises(ValidationError) as exc:
        member_services.member_leave(
            actor=actor, membership=membership, left_on=D(2024, 6, 1), reason=LeaveReason.MOVED
        )
    assert exc.value.messages == [
        str(leavers.ERROR_LEAVER_IN_TEAM) % {"name": person.full_name, "team": team.name, "start": "01/06/2024"}
    ]
    membership.refresh_from_db()
    assert membership.left_on is None
    assert not TeamMembership.objects.filter(ended_on__isnull=False).exists()


# --- pages ------------------------------------------------------------------------------------


def team_url(name, team, *more):
    return reverse(f"boards:{name}", args=[team.club_id, team.pk, *more])


def test_the_club_chair_creates_a_team_on_the_page(client, world, club_chair):
    leader = member_of(world.club_a1, name="Lê Thị Tổ Trưởng")
    response = login(client, club_chair).post(
        reverse("boards:team-create", args=[world.club_a1.pk]),
        {
            "name": "Tổ chăm sóc tại nhà",
            "activity_area": "home_care",
            "leader": leader.pk,
            "started_on": "01/01/2023",
            "note": "",
        },
    )
    team = Team.objects.get()
    assert response.status_code == 302
    assert response["Location"] == team_url("team-detail", team)
    assert (team.club, team.leader, team.started_on) == (world.club_a1, leader, STARTED)
    assert AuditEntry.objects.get(action="clubs.team.created").actor == club_chair


@pytest.mark.parametrize("persona", ["other_chair", "other_area_staff"])
def test_outsiders_cannot_create_teams(client, world, persona, request):
    response = login(client, request.getfixturevalue(persona)).post(
        reverse("boards:team-create", args=[world.club_a1.pk]),
        {"name": "Tổ", "activity_area": "health", "started_on": "01/01/2023"},
    )
    assert response.status_code == 404
    assert not Team.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("area_staff", 302), ("club_chair", 302), ("other_chair", 404), ("other_area_staff", 404)]
)
def test_who_may_add_and_remove_team_members(client, world, team, persona, status, request):
    person = member_of(world.club_a1)
    client = login(client, request.getfixturevalue(persona))
    response = client.post(
        team_url("team-member-add", team), {"person": person.pk, "role": "volunteer", "started_on": "01/02/2023"}
    )
    assert response.status_code == status
    assert TeamMembership.objects.filter(team=team, person=person).exists() == (status == 302)
    membership = factories.TeamMembershipFactory(team=team)
    response = client.post(team_url("team-member-end", team, membership.pk), {"ended_on": "01/03/2025"})
    assert response.status_code == status
    membership.refresh_from_db()
    assert (membership.ended_on == D(2025, 3, 1)) == (status == 302)


def test_the_chair_edits_and_ends_a_team(client, world, club_chair, team):
    client = login(client, club_chair)
    response = client.post(
        team_url("team-update", team),
        {"name": "Tổ CSTN", "activity_area": "home_care", "leader": "", "started_on": "01/01/2023", "note": "Mới"},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.note) == ("Tổ CSTN", "Mới")
    response = client.post(team_url("team-end", team), {"ended_on": "01/03/2025"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.ended_on == D(2025, 3, 1)
    # An ended team is read-only: its pages to change it are gone, its page stays.
    assert client.get(team_url("team-update", team)).status_code == 404
    assert client.get(team_url("team-member-add", team)).status_code == 404
    detail = client.get(team_url("team-detail", team))
    assert detail.status_code == 200
    assert team_url("team-member-add", team) not in detail.content.decode()


def test_a_team_of_another_club_is_not_found_through_this_club(client, world, club_chair):
    other = factories.TeamFactory(club=world.club_b1)
    client = login(client, club_chair)
    for name in ("team-detail", "team-update", "team-end", "team-member-add"):
        assert client.get(reverse(f"boards:{name}", args=[world.club_a1.pk, other.pk])).status_code == 404


def test_a_crafted_post_cannot_add_another_clubs_member(client, world, club_chair, team):
    outsider = member_of(world.club_b1)
    response = login(client, club_chair).post(
        team_url("team-member-add", team), {"person": outsider.pk, "role": "cared_for", "started_on": "01/02/2023"}
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert not TeamMembership.objects.exists()


def test_the_person_list_of_a_home_care_team(client, world, club_chair, team):
    member = member_of(world.club_a1, name="Thành Viên Một")
    former = member_of(world.club_a1, name="Người Đã Rời")
    membership = former.memberships.get()
    membership.left_on, membership.leave_reason = D(2024, 1, 1), LeaveReason.WITHDREW
    membership.save()
    cared = factories.TeamMembershipFactory(
        team=team, person=factories.PersonFactory(full_name="Cụ Được Chăm"), role="cared_for", ended_on=D(2024, 6, 1)
    ).person
    other_club = member_of(world.club_b1, name="Người Câu Lạc Bộ Khác")
    stranger = factories.PersonFactory(full_name="Người Lạ")
    response = login(client, club_chair).get(team_url("team-member-add", team))
    offered = set(response.context["form"].fields["person"].queryset)
    assert offered == {member, former, cared}
    assert other_club not in offered and stranger not in offered
    html = response.content.decode()
    assert (
        vi_html(
            gettext_lazy("%(person)s — not a member"),
            person=f"{former.full_name} ({former.birth_year}) — {former.hamlet}",
        )
        in html
    )


def test_a_non_member_cannot_be_added_as_a_volunteer_on_the_page(client, world, club_chair, team):
    neighbour = factories.TeamMembershipFactory(
        team=team, person=factories.PersonFactory(), role="cared_for", ended_on=D(2024, 6, 1)
    ).person
    response = login(client, club_chair).post(
        team_url("team-member-add", team), {"person": neighbour.pk, "role": "volunteer", "started_on": "01/07/2024"}
    )
    assert response.status_code == 200
    assert "person" in response.context["form"].errors
    assert TeamMembership.objects.count() == 1


def test_other_teams_offer_no_cared_for_role(client, world, club_chair):
    health = factories.TeamFactory(club=world.club_a1, activity_area=ActivityArea.HEALTH)
    response = login(client, club_chair).get(team_url("team-member-add", health))
    roles = [value for value, _label in response.context["form"].fields["role"].choices]
    assert roles == ["member", "volunteer"]
    assert login(client, club_chair).get(team_url("team-cared-for-create", health)).status_code == 404


def test_record_a_new_person_cared_for_on_the_page(client, world, club_chair, team):
    response = login(client, club_chair).post(
        team_url("team-cared-for-create", team),
        {"full_name": "Trương Thị Cụ", "sex": "female", "birth_year": "1935", "hamlet": "", "started_on": "01/03/2025"},
    )
    assert response.status_code == 302
    membership = TeamMembership.objects.get()
    assert membership.person.full_name == "Trương Thị Cụ" and membership.role == "cared_for"


def test_a_bad_new_person_cared_for_shows_the_error_on_the_field(client, world, club_chair, team):
    response = login(client, club_chair).post(
        team_url("team-cared-for-create", team),
        {"full_name": "Trương Thị Cụ", "sex": "female", "birth_year": "1880", "started_on": "01/03/2025"},
    )
    assert response.status_code == 200
    assert "birth_year" in response.context["form"].errors
    assert not Person.objects.filter(full_name="Trương Thị Cụ").exists()


def test_the_home_care_team_page_lists_volunteers_and_people_cared_for(client, world, club_chair, team):
    volunteer = member_of(world.club_a1, name="Tình Nguyện Viên Một")
    cared = factories.PersonFactory(full_name="Cụ Được Chăm Sóc")
    add(club_chair, team, volunteer)
    add(club_chair, team, cared, role=TeamMemberRole.CARED_FOR, started_on=D(2024, 2, 1))
    response = login(client, club_chair).get(team_url("team-detail", team))
    html = response.content.decode()
    volunteers = html[html.index('data-testid="volunteers"') : html.index('data-testid="cared-for"')]
    cared_for = html[html.index('data-testid="cared-for"') :]
    assert volunteer.full_name in volunteers and cared.full_name not in volunteers
    assert cared.full_name in cared_for
    assert "01/02/2024" in cared_for
    assert team_url("team-member-add", team) in html


def test_team_page_query_count_does_not_grow(client, world, club_chair, team, django_assert_num_queries):
    def fill(count):
        for _number in range(count):
            add(club_chair, team, member_of(world.club_a1))
            factories.TeamMembershipFactory(team=team, role="cared_for", person=factories.PersonFactory())

    client = login(client, club_chair)
    url = team_url("team-detail", team)
    fill(2)
    with django_assert_num_queries(6) as small:
        client.get(url)
    fill(18)
    # 1 session, 2 user, 3 role assignments in force, 4 the club (in scope), 5 the team with its
    # leader, 6 the roster with the people (may the user manage teams: from the assignments).
    with django_assert_num_queries(6):
        response = client.get(url)
    assert len(response.context["roster"]["volunteer"]) == 20
    assert len(small.captured_queries) == 6


def test_add_page_query_count_does_not_grow(client, world, club_chair, team, django_assert_num_queries):
    def fill(count):
        for _number in range(count):
            member_of(world.club_a1)
            factories.TeamMembershipFactory(
                team=team, role="cared_for", person=factories.PersonFactory(), ended_on=TODAY
            )

    client = login(client, club_chair)
    url = team_url("team-member-add", team)
    fill(2)
    # 1 session, 2 user, 3 role assignments in force, 4 the club (in scope), 5 may keep its teams,
    # 6 the team, 7 the people it may take (members and people of the community it cared for).
    with django_assert_num_queries(7):
        client.get(url)
    fill(18)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["form"].fields["person"].choices) == 41  # and the empty choice


def test_end_before_someone_left_the_team_is_refused(world, actor, team):
    person = member_of(world.club_a1, name="Vũ Thị Rời")
    membership = add(actor, team, person, started_on=D(2023, 2, 1))
    services.team_member_end(actor=actor, membership=membership, ended_on=D(2024, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.team_end(actor=actor, team=team, ended_on=D(2024, 5, 1))
    assert exc.value.message_dict["ended_on"] == [
        str(teams.ERROR_TEAM_END_BEFORE_LEFT % {"name": person.full_name, "date": "01/06/2024"})
    ]
    services.team_end(actor=actor, team=team, ended_on=D(2024, 6, 1))


# --- whom a team may take (selectors.team_candidates) -------------------------------------------


def test_a_home_care_team_may_also_take_the_people_it_may_care_for(world, actor, team):
    member = member_of(world.club_a1)
    former = factories.PersonFactory(full_name="Trương Thị Cụ")
    factories.MembershipFactory(
        person=former, club=world.club_a1, left_on=D(2024, 1, 31), leave_reason=LeaveReason.WITHDREW
    )
    health = new_team(actor, world.club_a1, name="Tổ chăm sóc sức khỏe", activity_area=ActivityArea.HEALTH)

    home_care = list(selectors.team_candidates(team=team, on=TODAY))
    assert home_care == list(selectors.club_care_candidates(club=world.club_a1, on=TODAY))
    assert member in home_care and former in home_care
    others = list(selectors.team_candidates(team=health, on=TODAY))
    assert others == list(member_services_selectors.club_current_members(club=world.club_a1, on=TODAY))
    assert member in others and former not in others
