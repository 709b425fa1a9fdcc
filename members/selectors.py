"""Reads of the member register: the member list, one person's page, people alike.

Every read takes its clubs from the caller, already scoped by accounts.access: nobody sees a person
except through a membership of a club in their scope.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat

from clubs.models import Club, ClubQuerySet, ClubStatus
from core.dates import month_end, month_start
from core.text import fold
from core.types import Text
from members.models import AgeGroup, EconomicStatus, MeetingAttendance, Membership, Person

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from clubs.models import ClubWithStatus


class MembershipState:
    """The membership-status filter of the member list (not a model field: derived from dates)."""

    CURRENT = "current"
    FORMER = "former"
    ALL = "all"


def people_alike(*, full_name: str, birth_year: int, exclude: Person | None = None) -> QuerySet[Person]:
    """People already recorded with the same name (accents and case ignored) and birth year.

    Shown as a warning when adding a member: it is often the same person re-joining or moving,
    who must keep one record.
    """
    people = Person.objects.filter(name_folded=fold(full_name), birth_year=birth_year)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.prefetch_related("memberships__club")


# --- the member list ------------------------------------------------------------------------


class MemberListFields(TypedDict):
    """What member_list annotates on each membership: the person's on the list's day."""

    age_group: str  # an AgeGroup
    economic_status: str | None  # an EconomicStatus; None when no status is recorded by then


if TYPE_CHECKING:
    MemberListRow: TypeAlias = WithAnnotations[Membership, MemberListFields]


def member_list(
    *,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    q: str = "",
    club: Club | int | None = None,
    sex: str = "",
    age_group: str = "",
    economic_status: str = "",
    state: str = MembershipState.CURRENT,
) -> "QuerySet[MemberListRow]":
    """Memberships of the clubs `clubs` (already scoped) as of `on`, with the person's age group and
    economic status on that day computed in SQL, searched on the folded name and sorted by the
    Vietnamese given name."""
    rows = Membership.objects.filter(club__in=clubs)
    if state == MembershipState.CURRENT:
        rows = rows.active_on(on)
    elif state == MembershipState.FORMER:
        rows = rows.filter(left_on__lte=on)
    if club is not None:
        rows = rows.filter(club=club)
    for word in fold(q).split():
        rows = rows.filter(person__name_folded__contains=word)
    if sex:
        rows = rows.filter(person__sex=sex)
    # django-stubs does not see the annotations of PersonQuerySet's methods (they return Self).
    person = Person.objects.with_age_group(on).with_economic_status(on).filter(pk=OuterRef("person_id"))
    annotated = rows.annotate(
        age_group=Subquery(person.values("age_group")[:1]),  # type: ignore[misc]
        economic_status=Subquery(person.values("economic_status")[:1]),  # type: ignore[misc]
    )
    if age_group:
        annotated = annotated.filter(age_group=age_group)
    if economic_status:
        annotated = annotated.filter(economic_status=economic_status)
    return annotated.select_related("person", "club").order_by(*MEMBER_ORDER)


MEMBER_ORDER = ("person__sort_key", "person_id", "-joined_on", "pk")
# A search matching at most this many memberships has its page sorted after the matches are found.
# Its matches lie together in name order (a given name: "Lan"), and reading the people in name
# order, which PostgreSQL prefers for a page when it overestimates the matches, walks much of the
# register to reach them. More matches (a family name, "Văn") are spread over the register: read
# in name order, a page's worth is found soonest. Measured over a million members (README "Speed
# at scale"): "Thị Lan" (21.865 people) 1,1 s → 0,7 s, "Lan" 1,3 s → 0,8 s sorted after;
# "Nguyễn" (81.733) 0,7 s along the index, 1,0 s sorted after.
SORTED_AFTER_SEARCH_UP_TO = 50_000


def search_page_order(rows: "QuerySet[MemberListRow]", matches: int) -> "QuerySet[MemberListRow]":
    """The rows of a member_list search that matched `matches` (the paginator's count), in the
    same order, put so that the database sorts the few matches rather than walk the name index."""
    if matches > SORTED_AFTER_SEARCH_UP_TO:
        return rows
    # The sort key with nothing added sorts the same, but no index can give it.
    return rows.order_by(Concat(F("person__sort_key"), Value("")), *MEMBER_ORDER[1:])


@dataclasses.dataclass(frozen=True)
class MemberRow:
    """A line of the member list page: the membership (person and club) and the person's age and
    household, on the list's day."""

    membership: "MemberListRow"
    age: int
    age_group_label: Text
    economic_status_label: Text  # "" when no status is recorded


def member_rows(memberships: Iterable["MemberListRow"], on: datetime.date) -> list[MemberRow]:
    """The lines of the page for rows of member_list() (the page's rows only: the age is worked out in Python)."""
    return [
        MemberRow(
            membership=row,
            age=row.person.age_on(on),
            age_group_label=AgeGroup(row.age_group).label,
            economic_status_label=EconomicStatus(row.economic_status).label if row.economic_status else "",
        )
        for row in memberships
    ]


# --- one person's page ----------------------------------------------------------------------


@dataclasses.dataclass
class PersonPage:
    memberships: list[Membership]  # those in clubs the user sees, oldest first
    current: Membership | None  # the open membership, when the user sees its club
    elsewhere_now: bool  # a current member of a club outside the user's scope
    can_manage: bool  # edit, record a status, leave (the user manages the home club's register)
    can_move: bool  # move to another club (the user may move members out of the current club)


class _SeenBy(TypedDict):
    """What person_page annotates on each membership: what the user may do with its club."""

    visible: bool
    manageable: bool
    movable: bool


def person_page(
    *, person: Person, visible: ClubQuerySet[Club], manageable: ClubQuerySet[Club], movable: ClubQuerySet[Club]
) -> PersonPage:
    """The memberships shown on a person's page and what the user may do, in one query.

    `visible`, `manageable`, `movable`: the clubs whose members the user sees, whose register they
    keep, and whose members they may move to another club (accounts.access)."""

    def among(clubs: QuerySet[Club]) -> Exists:
        return Exists(clubs.filter(pk=OuterRef("club_id")))

    memberships: list[WithAnnotations[Membership, _SeenBy]] = list(
        person.memberships.select_related("club")
        .annotate(visible=among(visible), manageable=among(manageable), movable=among(movable))
        .order_by("joined_on", "pk")
    )
    open_membership = next((m for m in memberships if m.left_on is None), None)
    home = open_membership
    if home is None:
        # In no club now: the membership they left last decides.
        home = max(memberships, key=lambda m: (m.left_on, m.joined_on, m.pk), default=None)
    current = open_membership if open_membership is not None and open_membership.visible else None
    return PersonPage(
        memberships=[m for m in memberships if m.visible],
        current=current,
        elsewhere_now=open_membership is not None and not open_membership.visible,
        can_manage=home is not None and home.manageable,
        can_move=current is not None and current.movable,
    )


def move_destinations(
    *, clubs: ClubQuerySet[Club], membership: Membership, on: datetime.date
) -> "QuerySet[ClubWithStatus]":
    """The clubs among `clubs` (those whose register the user keeps, accounts.access) that the
    member of `membership` may be moved to on `on`: any but their own that is not dissolved
    (services.member_move refuses to join a dissolved club)."""
    return clubs.exclude(pk=membership.club_id).with_status(on).exclude(status=ClubStatus.DISSOLVED)


class JoinAction:
    """What adding a member can do with a person alike already recorded."""

    REJOIN = "rejoin"  # in no club now, last in one whose register the user keeps: re-join them here
    MOVE = "move"  # in another club the user may move members from: move them here
    HERE = "here"  # already a member of this club
    ELSEWHERE = "elsewhere"  # in a club the user cannot move from: its staff or the province records the move
    FORMER_ELSEWHERE = "former_elsewhere"  # in no club now, last in another's: its staff or the province re-join them


@dataclasses.dataclass(frozen=True)
class PersonAlike:
    """A person alike the user sees, on the add-member page, and what the user may do with them there."""

    person: Person
    current: Membership | None  # their open membership, if they are in a club now
    last: Membership | None  # their latest membership (the one they left, when in no club now)
    join_action: str  # a JoinAction
    club_seen: bool  # whether the user sees the club of `last` (`current` when open): the page names it only then

    @property
    def available(self) -> bool:
        """Whether the user may take the person into the club: re-join them or move them here."""
        return self.join_action in (JoinAction.REJOIN, JoinAction.MOVE)


@dataclasses.dataclass(frozen=True)
class PeopleAlike:
    """The people alike on the add-member page: those the user sees, and how many others there are.

    Of the others the page says only that they exist and that province staff can take them into the
    club: nothing of theirs (hamlet, birth date, club, id) reaches the page, nor can the form choose them.
    """

    seen: list[PersonAlike]
    unseen: int


def people_alike_for_join(
    *,
    club: Club,
    full_name: str,
    birth_year: int,
    seen: QuerySet[Person],
    visible: ClubQuerySet[Club],
    rejoinable: ClubQuerySet[Club],
    movable: ClubQuerySet[Club],
) -> PeopleAlike:
    """people_alike() for the add-member page, each person the user sees with their `current` and
    `last` membership and the `join_action` the user may take, in four queries at most.

    From accounts.access: `seen`, the people the user sees; `visible`, the clubs whose members they
    see; `rejoinable`, the clubs whose former members they may take into another club; `movable`,
    the clubs whose members they may move."""
    alike = people_alike(full_name=full_name, birth_year=birth_year).annotate(
        seen=Exists(seen.filter(pk=OuterRef("pk")))
    )
    people, unseen = [], 0
    for person in alike:
        if not person.seen:
            unseen += 1
            continue
        memberships = sorted(person.memberships.all(), key=lambda m: (m.joined_on, m.pk))
        current = next((m for m in memberships if m.left_on is None), None)
        people.append((person, current, memberships[-1] if memberships else None))
    # The latest membership is the open one, if any (one club at a time): the club the page speaks of.
    clubs = {last.club_id for _, _, last in people if last is not None} - {club.pk}

    def among(scope: ClubQuerySet[Club]) -> set[int]:
        return set(scope.filter(pk__in=clubs).values_list("pk", flat=True)) if clubs else set()

    seen_clubs, rejoinable_clubs, movable_clubs = among(visible), among(rejoinable), among(movable)
    found = []
    for person, current, last in people:
        action = _join_action(current, last, club, rejoinable=rejoinable_clubs, movable=movable_clubs)
        club_seen = last is not None and (last.club_id == club.pk or last.club_id in seen_clubs)
        found.append(PersonAlike(person=person, current=current, last=last, join_action=action, club_seen=club_seen))
    return PeopleAlike(seen=found, unseen=unseen)


def _join_action(
    current: Membership | None, last: Membership | None, club: Club, *, rejoinable: set[int], movable: set[int]
) -> str:
    """What adding a member to `club` can do with a person alike whose open membership is `current`
    and latest one `last` (`rejoinable`, `movable`: the other clubs whose former members the user may
    take, whose members they may move).

    A former member of another club re-joins through that club's staff or the province: the club
    they join reads all their history, which is the other club's to hand over."""
    if current is None:
        if last is None or last.club_id == club.pk or last.club_id in rejoinable:
            return JoinAction.REJOIN
        return JoinAction.FORMER_ELSEWHERE
    if current.club_id == club.pk:
        return JoinAction.HERE
    if current.club_id in movable:
        return JoinAction.MOVE
    return JoinAction.ELSEWHERE


def club_current_members(*, club: Club, on: datetime.date) -> QuerySet[Person]:
    """People who are members of the club on `on` and have not left since: whom the board and
    teams recruit from. (One open membership per person, so no duplicates.)"""
    return Person.objects.filter(
        memberships__club=club, memberships__left_on__isnull=True, memberships__joined_on__lte=on
    ).order_by("sort_key", "pk")


def meeting_attendance(*, club: Club, on: datetime.date) -> list[MeetingAttendance]:
    """The attendance recorded at the club's meeting of `on` (members.services.meeting_attendance_record),
    with each member, in the register's order; empty when none was recorded. One query."""
    return list(
        MeetingAttendance.objects.filter(club=club, meeting_on=on)
        .select_related("person")
        .order_by("person__sort_key", "person__pk")
    )


def members_present_in(*, club: Club, month: datetime.date) -> int | None:
    """How many members were present at the club's meetings in `month`'s month, by the attendance
    recorded on its contributions sheets (each member once); None when none was recorded. One query."""
    counts = MeetingAttendance.objects.filter(
        club=club, meeting_on__range=(month_start(month), month_end(month))
    ).aggregate(rows=Count("pk"), present=Count("person", filter=Q(present=True), distinct=True))
    return counts["present"] if counts["rows"] else None
