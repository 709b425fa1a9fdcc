"""Reads of a club's board and teams, and of the people they may take."""

import datetime
from collections.abc import Sequence

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from accounts.models import BoardTitle
from boards.models import BoardPosition, Team, TeamMemberRole, TeamMembership
from clubs.models import ActivityArea, Club
from members.models import Membership, Person
from members.selectors import club_current_members


def _order_of(field: str, values: Sequence[str]) -> Case:
    """Sort by the order of a TextChoices list (chair first; the eight areas in their order)."""
    return Case(
        *[When(**{field: value}, then=Value(number)) for number, value in enumerate(values)],
        default=Value(len(values)),
        output_field=IntegerField(),
    )


def club_board(*, club: Club) -> dict[str, list[BoardPosition]]:
    """{"current": …, "past": …} positions of the club's board, in one query.

    Current ones by title (chair first), past ones latest first, each with its holder and login.
    """
    positions = (
        BoardPosition.objects.filter(club=club)
        .select_related("holder__user")
        .annotate(title_order=_order_of("title", BoardTitle.values))
        .order_by("title_order", "-started_on", "pk")
    )
    board: dict[str, list[BoardPosition]] = {"current": [], "past": []}
    for position in positions:
        board["current" if position.ended_on is None else "past"].append(position)
    board["past"].sort(key=lambda position: (position.ended_on, position.started_on), reverse=True)
    return board


def _open_count(role: str) -> Count:
    return Count("memberships", filter=Q(memberships__ended_on__isnull=True, memberships__role=role))


def club_teams(*, club: Club) -> dict[str, list[Team]]:
    """{"current": …, "past": …} teams of the club in one query, with the leader and the number of
    current members, volunteers and people cared for (n_member, n_volunteer, n_cared_for)."""
    teams = (
        Team.objects.filter(club=club)
        .select_related("leader")
        .annotate(
            area_order=_order_of("activity_area", ActivityArea.values),
            n_member=_open_count(TeamMemberRole.MEMBER),
            n_volunteer=_open_count(TeamMemberRole.VOLUNTEER),
            n_cared_for=_open_count(TeamMemberRole.CARED_FOR),
        )
        .order_by("area_order", "name", "pk")
    )
    result: dict[str, list[Team]] = {"current": [], "past": []}
    for team in teams:
        result["current" if team.ended_on is None else "past"].append(team)
    return result


def team_roster(*, team: Team) -> dict[str, list[TeamMembership]]:
    """The team's people in one query: current ones by role (member, volunteer, cared_for), and
    "past" for those who have left the team, latest first."""
    roster: dict[str, list[TeamMembership]] = {role: [] for role in TeamMemberRole.values}
    roster["past"] = []
    memberships = team.memberships.select_related("person").order_by("person__sort_key", "started_on", "pk")
    for membership in memberships:
        roster[membership.role if membership.ended_on is None else "past"].append(membership)
    roster["past"].sort(key=lambda membership: membership.ended_on or datetime.date.min, reverse=True)  # all ended
    return roster


def club_care_candidates(*, club: Club, on: datetime.date) -> QuerySet[Person]:
    """Whom the club's home-care team may care for: its current members, and people of its
    community who are members of no club now but are known to this club (former members,
    people its teams cared for). Annotated `is_member` for the choice labels.

    Never people of another club's register or unknown to this club: a choice list is no way to
    browse the province's people.
    """
    member_here = Membership.objects.filter(person=OuterRef("pk"), club=club, left_on__isnull=True, joined_on__lte=on)
    member_anywhere = Membership.objects.filter(person=OuterRef("pk"), left_on__isnull=True)
    known_here = Q(Exists(Membership.objects.filter(person=OuterRef("pk"), club=club))) | Q(
        Exists(TeamMembership.objects.filter(person=OuterRef("pk"), team__club=club))
    )
    return (
        Person.objects.annotate(is_member=Exists(member_here))
        .filter(Q(is_member=True) | (~Q(Exists(member_anywhere)) & known_here))
        .order_by("sort_key", "pk")
    )


def team_candidates(*, team: Team, on: datetime.date) -> QuerySet[Person]:
    """Whom the team may take on `on`: a home-care team also the people it may care for
    (club_care_candidates), any other team the club's current members."""
    if team.is_home_care:
        return club_care_candidates(club=team.club, on=on)
    return club_current_members(club=team.club, on=on)
