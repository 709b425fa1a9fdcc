"""The Board and Teams sections of the club page, and its query count as they grow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import BoardTitle
from boards import services
from boards.models import TeamMemberRole
from clubs.models import ActivityArea
from tests import factories
from tests.conftest import login

D = datetime.date


def detail_url(club):
    return reverse("clubs:club-detail", args=[club.pk])


def member_of(club, name=None):
    person = factories.PersonFactory(**({"full_name": name} if name else {}))
    factories.MembershipFactory(person=person, club=club, joined_on=D(2022, 5, 1))
    return person


def section(html, testid):
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def board(world, area_staff):
    chair = member_of(world.club_a1, "Nguyễn Văn Chủ")
    chair.user = factories.UserFactory(username="chu_a1")
    chair.save()
    former = member_of(world.club_a1, "Trần Thị Cựu")
    old = services.board_position_start(
        actor=area_staff, club=world.club_a1, holder=former, title=BoardTitle.CHAIR, started_on=D(2022, 6, 1)
    ).position
    services.board_position_start(
        actor=area_staff,
        club=world.club_a1,
        holder=chair,
        title=BoardTitle.CHAIR,
        started_on=D(2024, 1, 10),
        replace_current=True,
    )
    treasurer = member_of(world.club_a1, "Lê Thị Quỹ")
    services.board_position_start(
        actor=area_staff, club=world.club_a1, holder=treasurer, title=BoardTitle.TREASURER, started_on=D(2023, 3, 1)
    )
    return {"chair": chair, "former": former, "treasurer": treasurer, "old": old}


def test_the_club_page_shows_the_current_board_and_its_history(client, world, province_staff, board):
    response = login(client, province_staff).get(detail_url(world.club_a1))
    html = section(response.content.decode(), "board")
    current, history = html.split("<details", 1)
    with translation.override("vi"):
        chair_label = str(BoardTitle.CHAIR.label).capitalize()
        treasurer_label = str(BoardTitle.TREASURER.label).capitalize()
    # Chair first, then the other titles, each with the date since when.
    assert current.index("Nguyễn Văn Chủ") < current.index("Lê Thị Quỹ")
    assert chair_label in current and treasurer_label in current
    assert "10/01/2024" in current and "01/03/2023" in current
    assert "Trần Thị Cựu" not in current
    assert "Trần Thị Cựu" in history and "01/06/2022" in history and "10/01/2024" in history
    # Staff who manage the board see each holder's login and the buttons.
    assert "chu_a1" in current
    assert reverse("boards:board-position-create", args=[world.club_a1.pk]) in current
    position = board["chair"].board_positions.get()
    assert reverse("boards:board-position-end", args=[world.club_a1.pk, position.pk]) in current


def test_the_club_board_sees_the_board_but_cannot_change_it(client, world, club_chair, board):
    response = login(client, club_chair).get(detail_url(world.club_a1))
    html = section(response.content.decode(), "board")
    assert "Nguyễn Văn Chủ" in html
    assert reverse("boards:board-position-create", args=[world.club_a1.pk]) not in html
    assert "chu_a1" not in html
    # … but may keep the teams.
    assert reverse("boards:team-create", args=[world.club_a1.pk]) in response.content.decode()


def test_the_club_page_without_board_or_teams(client, world, province_staff):
    response = login(client, province_staff).get(detail_url(world.club_a2))
    assert response.context["board"] == {"current": [], "past": []}
    assert response.context["teams"] == {"current": [], "past": []}


def test_the_club_page_lists_current_teams_with_area_leader_and_counts(client, world, club_chair):
    leader = member_of(world.club_a1, "Lê Thị Tổ Trưởng")
    home_care = services.team_create(
        actor=club_chair,
        club=world.club_a1,
        name="Tổ chăm sóc tại nhà",
        activity_area=ActivityArea.HOME_CARE,
        started_on=D(2023, 1, 1),
        leader=leader,
    )
    for role in (TeamMemberRole.VOLUNTEER, TeamMemberRole.VOLUNTEER, TeamMemberRole.CARED_FOR):
        services.team_member_add(
            actor=club_chair, team=home_care, person=member_of(world.club_a1), role=role, started_on=D(2023, 2, 1)
        )
    gone = services.team_member_add(
        actor=club_chair,
        team=home_care,
        person=member_of(world.club_a1),
        role=TeamMemberRole.VOLUNTEER,
        started_on=D(2023, 2, 1),
    )
    services.team_member_end(actor=club_chair, membership=gone, ended_on=D(2024, 1, 1))
    ended = services.team_create(
        actor=club_chair,
        club=world.club_a1,
        name="Nhóm cũ",
        activity_area=ActivityArea.INCOME,
        started_on=D(2023, 1, 1),
    )
    services.team_end(actor=club_chair, team=ended, ended_on=D(2024, 1, 1))
    response = login(client, club_chair).get(detail_url(world.club_a1))
    [team] = response.context["teams"]["current"]
    assert (team.n_member, team.n_volunteer, team.n_cared_for) == (0, 2, 1)
    html = section(response.content.decode(), "teams")
    current, past = html.split("<details", 1)
    assert "Tổ chăm sóc tại nhà" in current and "Lê Thị Tổ Trưởng" in current
    with translation.override("vi"):
        assert str(ActivityArea.HOME_CARE.label) in current
    assert reverse("boards:team-detail", args=[world.club_a1.pk, home_care.pk]) in current
    assert "Nhóm cũ" in past and "Nhóm cũ" not in current


def grow(world, actor, count):
    """`count` more board positions (with accounts) and teams with members, in club A1."""
    start = world.club_a1.teams.count()
    for number in range(start, start + count):
        holder = member_of(world.club_a1)
        holder.user = factories.UserFactory()
        holder.save()
        position = services.board_position_start(
            actor=actor, club=world.club_a1, holder=holder, title=BoardTitle.MEMBER, started_on=D(2023, 1, 1)
        ).position
        if number % 2:
            services.board_position_end(actor=actor, position=position, ended_on=D(2024, 1, 1))
        team = services.team_create(
            actor=actor,
            club=world.club_a1,
            name=f"Tổ {number}",
            activity_area=list(ActivityArea)[number % 8],
            started_on=D(2023, 1, 1),
            leader=holder,
        )
        services.team_member_add(
            actor=actor,
            team=team,
            person=member_of(world.club_a1),
            role=TeamMemberRole.VOLUNTEER,
            started_on=D(2023, 2, 1),
        )


# Staff: 1 session, 2 user, 3 role assignments in force, 4 the club with status and unit (in
# scope), 5 where the club sits on each map (and whether its units were split: a decision it
# waits for is read only then), 6 board positions with holders and their accounts, 7 teams with
# leaders and member counts, 8–10 the scorecard (members by age, sex and status; board; teams by
# area), 11 status changes, 12 change history. What the user may do on the club is decided from
# the assignments already read, without a query. The club board is not shown the change history: 11.
@pytest.mark.parametrize(("persona", "queries"), [("province_staff", 12), ("club_chair", 11)])
def test_club_page_query_count_does_not_grow_with_board_and_teams(
    client, world, area_staff, persona, queries, request, django_assert_num_queries
):
    client = login(client, request.getfixturevalue(persona))
    url = detail_url(world.club_a1)
    grow(world, area_staff, 2)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["board"]["current"]) == 1
    grow(world, area_staff, 18)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert len(response.context["board"]["current"]) + len(response.context["board"]["past"]) == 20
    assert len(response.context["teams"]["current"]) == 20
    assert "Tổ 19" in response.content.decode()
