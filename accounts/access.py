"""The one place that decides what a user may see and do.

Every view, form choice list, report and export gets its clubs and units from here:
- `clubs_for(user, cap)`: the clubs on which the user holds a capability;
- `units_for(user, cap)`: the administrative units the user works with;
- `get_club(user, pk, cap)`: one club, or 404 when the user cannot see it at all and 403
  when they can see it but lack the capability (no information leaks across scopes);
- `has_cap(user, cap)`: whether any of the user's roles grants a capability at all;
- `audit_entries_for(user)`: the audit log entries the user may read;
- `people_seen(user)`: the people the user may see, wherever a page names or lists them;
- `accounts_to_link(user, club)`: the user accounts the user may give to a board member of a club;
- `may_…(user, club, …)`: a capability together with the state of what it acts on (an entry of a
  closed month, a submitted report), for the pages that offer or refuse that action.

Roles grant capabilities through one table, CAPABILITIES; call sites never compare roles.
"""

import enum
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from accounts.selectors import linkable_accounts
from areas.models import AdminUnit, AdminUnitQuerySet
from audit.models import AuditEntry
from clubs.models import Club, ClubQuerySet
from members.models import Membership, Person


class Cap(enum.StrEnum):
    CLUB_VIEW = "club.view"
    CLUB_MANAGE = "club.manage"  # register, edit, change status, import clubs
    AREA_VIEW = "area.view"  # browse the administrative tree with club counts
    AREA_CLASSIFY = "area.classify"  # record a unit's official area type or border status from a date
    MEMBER_VIEW = "member.view"
    MEMBER_MANAGE = "member.manage"  # add, edit, leave, import members
    MEMBER_MOVE = "member.move"  # a move touches two clubs' registers: staff record it
    CITIZEN_ID_VIEW = "member.citizen_id"  # see citizen ID numbers unmasked
    BOARD_MANAGE = "club.board"  # appoint and end board positions (gives the chair's account its role)
    TEAM_MANAGE = "club.teams"  # teams and their members
    REPORT_VIEW = "report.view"  # roll-ups over many clubs: scorecard, targets
    FUNDS_VIEW = "funds.view"  # a club's cash books, loan rules, loan book and portfolio
    FUNDS_MANAGE = "funds.manage"  # the club's own books: entries, loans, repayments, closing a month
    FUNDS_CORRECT_CLOSED = "funds.correct_closed"  # correct entries of a month the club has closed
    FUNDS_GO_LIVE = "funds.go_live"  # import the cut-off sheet of a running club (opening balances, open loans)
    REPORT_FILL = "activities.fill"  # fill in and submit the club's monthly activity report
    REPORT_REVIEW = "activities.review"  # return, accept or reopen a club's monthly report
    PLAN_MANAGE = "targets.plans"  # create and edit the province's target plans
    LOCATION_DECIDE = "club.location"  # where a club sits on a new map when its unit was split
    AUDIT_VIEW = "audit.view"  # the audit log of the clubs in scope: who changed what, and when
    AUDIT_VIEW_ALL = "audit.view_all"  # also the entries no club holds: maps, target plans, accounts, imports
    LOGIN_UNLOCK = "accounts.unlock"  # see the usernames and addresses locked out for wrong passwords, unlock them
    PEOPLE_VIEW_ALL = "member.view_all"  # every person recorded, also those of no club (people cared for)
    ACCOUNT_LINK_ANY = "accounts.link_any"  # give any free user account to a board member (accounts_to_link)


STAFF_CAPABILITIES = frozenset(
    {
        Cap.CLUB_VIEW,
        Cap.CLUB_MANAGE,
        Cap.AREA_VIEW,
        Cap.MEMBER_VIEW,
        Cap.MEMBER_MANAGE,
        Cap.MEMBER_MOVE,
        Cap.BOARD_MANAGE,
        Cap.TEAM_MANAGE,
        Cap.REPORT_VIEW,
        Cap.FUNDS_VIEW,
        Cap.REPORT_REVIEW,
        Cap.AUDIT_VIEW,
    }
)
CAPABILITIES: dict[str, frozenset[Cap]] = {
    # Citizen ID numbers are shown in full to the province only (masked for everyone else).
    # The province also puts right a closed month's books and takes running clubs' books over.
    # Target plans are the province's commitments: only province staff set them, and record the
    # official classification of units (plain, mountain, island, border) the plans count by.
    # Where a club of a split unit sits on the new map is decided by the province, which holds the
    # map and its lineage: the choice moves the club into a unit of the new map, from the scope of
    # one area's staff into another's (area staff of an abolished district cover no unit of the
    # map of 1 Jul 2025), and a wrong one hides the club from the staff who should see it.
    # Accounts are the province's too (AUDIT_VIEW_ALL reads their history): province staff unlock
    # one locked out after wrong passwords, whoever's it is, once they have checked it is its owner,
    # and are the only ones to give a board member an account tied to no club (accounts_to_link).
    # The register of the whole province is theirs: they see every person recorded, also those
    # who are no club's member (people cared for by a home-care team), and take them into a club.
    Role.PROVINCE_STAFF: STAFF_CAPABILITIES
    | {
        Cap.CITIZEN_ID_VIEW,
        Cap.FUNDS_CORRECT_CLOSED,
        Cap.FUNDS_GO_LIVE,
        Cap.PLAN_MANAGE,
        Cap.AREA_CLASSIFY,
        Cap.LOCATION_DECIDE,
        Cap.AUDIT_VIEW_ALL,
        Cap.LOGIN_UNLOCK,
        Cap.PEOPLE_VIEW_ALL,
        Cap.ACCOUNT_LINK_ANY,
    },
    # Area staff read the funds and loans of their area's clubs; the clubs keep their own books.
    Role.AREA_STAFF: STAFF_CAPABILITIES,
    # The board keeps its own club's member register, teams and books; the register entry and
    # the board itself are changed by association staff. The audit log is the association's
    # oversight of what boards and staff wrote (AUDIT_VIEW is staff's): a board reads its own books,
    # reports and register on their pages, each with its history, and does not audit itself.
    Role.CLUB_BOARD: frozenset(
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
    ),
}


# Whoever makes a request: request.user.
AnyUser: TypeAlias = User | AnonymousUser


def assignments(user: AnyUser) -> list[RoleAssignment]:
    """The user's role assignments in force today, read once per request (cached on the user)."""
    if not user.is_authenticated:
        return []
    cached: list[RoleAssignment] | None = user.__dict__.get("_assignments_in_force")
    if cached is None:
        cached = list(
            RoleAssignment.objects.in_force(timezone.localdate()).filter(user=user).select_related("area", "club")
        )
        user.__dict__["_assignments_in_force"] = cached
    return cached


def _granting(user: AnyUser, cap: Cap) -> list[RoleAssignment]:
    return [assignment for assignment in assignments(user) if cap in CAPABILITIES[assignment.role]]


def has_cap(user: AnyUser, cap: Cap) -> bool:
    """Whether the user holds the capability somewhere (superusers everywhere)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(_granting(user, cap))


def _staff_unit(assignment: RoleAssignment) -> AdminUnit:
    """The unit a staff role covers: a staff role always has one (the database's
    role_assignment_scope_matches_role), a club-board role none."""
    assert assignment.area is not None, "a staff role without its unit"
    return assignment.area


def _club_scope(user: AnyUser, cap: Cap) -> Q | None:
    """A filter on Club for the clubs where the user holds `cap`; None means no club at all.

    A board role covers its club; a staff role the clubs located under its unit
    (ClubQuerySet.located_condition): on the unit's map, where they were registered or where the
    lineage or a decision took them, so staff of a district abolished on 1 Jul 2025 keep its clubs
    and staff of a commune of the new map see the clubs that came into it; and the clubs
    registered under the unit's path on any map, the units staff may register clubs in
    (units_for)."""
    if user.is_superuser:
        return Q()
    granting = _granting(user, cap)
    boards = [assignment.club_id for assignment in granting if assignment.role == Role.CLUB_BOARD]
    units = [_staff_unit(assignment) for assignment in granting if assignment.role != Role.CLUB_BOARD]
    scope = Q(pk__in=boards) if boards else None
    if units:
        located = ClubQuerySet.located_condition(units, registrations_anywhere=True)
        scope = located if scope is None else scope | located
    return scope


def clubs_for(user: AnyUser, cap: Cap) -> ClubQuerySet[Club]:
    """Every club on which the user holds `cap`: the only way to obtain a set of clubs."""
    if not user.is_authenticated:
        return Club.objects.none()
    scope = _club_scope(user, cap)
    if scope is None:
        return Club.objects.none()
    return Club.objects.filter(scope)


def units_for(user: AnyUser, cap: Cap) -> AdminUnitQuerySet:
    """The administrative units under the user's staff assignments that grant `cap`.

    Club-board roles cover a club, not a territory, so they add no units.
    """
    if not user.is_authenticated:
        return AdminUnit.objects.none()
    if user.is_superuser:
        return AdminUnit.objects.all()
    scope = None
    for assignment in _granting(user, cap):
        if assignment.role == Role.CLUB_BOARD:
            continue
        condition = Q(path__startswith=_staff_unit(assignment).path)
        scope = condition if scope is None else scope | condition
    if scope is None:
        return AdminUnit.objects.none()
    return AdminUnit.objects.filter(scope)


def get_club(user: AnyUser, pk: int | str, cap: Cap, queryset: QuerySet[Club] | None = None) -> Club:
    """The club `pk`: 404 if the user cannot see it, 403 if they can see it but lack `cap`.

    `queryset` lets a view ask for select_related/annotations; it is narrowed here, never widened.
    """
    base = queryset if queryset is not None else Club.objects.all()
    try:
        club = base.filter(pk__in=clubs_for(user, Cap.CLUB_VIEW).values("pk")).get(pk=pk)
    except (Club.DoesNotExist, ValueError, TypeError):  # an id that is not a number is no club either
        raise Http404("No club found.") from None
    if cap != Cap.CLUB_VIEW and not clubs_for(user, cap).filter(pk=club.pk).exists():
        raise PermissionDenied
    return club


def people_seen(user: AnyUser, queryset: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """The people the user may see: those who are, or ever were, a member of a club where the user
    holds MEMBER_VIEW (a club board sees its own members and former members, nobody else); every
    person recorded for PEOPLE_VIEW_ALL (province staff), also those who are no club's member.

    Every page that names a person, lists people or tells something about them (the person's page,
    the people alike when adding a member, the citizen ID already recorded) takes them from here:
    a person outside is not named, nor is anything of theirs shown. `queryset` is narrowed, never
    widened."""
    base = queryset if queryset is not None else Person.objects.all()
    if has_cap(user, Cap.PEOPLE_VIEW_ALL):
        return base
    visible = clubs_for(user, Cap.MEMBER_VIEW)
    return base.filter(Exists(Membership.objects.filter(person=OuterRef("pk"), club__in=visible)))


def _person_seen(user: AnyUser, pk: int | str, queryset: QuerySet[Person] | None) -> Person:
    """The person `pk` if the user sees them (people_seen); 404 otherwise."""
    try:
        return people_seen(user, queryset).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No person found.") from None


def _require_home_club(person: Person, clubs: QuerySet[Club]) -> None:
    """403 unless the person's home club (home_membership: the current one, else the last) is
    among `clubs`."""
    home = person.home_membership()
    if home is None or not clubs.filter(pk=home.club_id).exists():
        raise PermissionDenied


def get_person(
    user: AnyUser, pk: int | str, cap: Cap = Cap.MEMBER_VIEW, queryset: QuerySet[Person] | None = None
) -> Person:
    """The person `pk`, seen through their memberships.

    404 unless the user sees the person (people_seen). For MEMBER_MANAGE, 403 unless
    the user manages the person's current club, or the last club they were in when they are in none.
    """
    person = _person_seen(user, pk, queryset)
    if cap != Cap.MEMBER_VIEW:
        _require_home_club(person, clubs_for(user, cap))
    return person


def get_person_to_move(user: AnyUser, pk: int | str) -> Person:
    """The person `pk`, to move to another club: 404 as get_person, and 403 unless their club (the
    current one, else the last) is among clubs_to_move_members_from."""
    person = _person_seen(user, pk, None)
    _require_home_club(person, clubs_to_move_members_from(user))
    return person


def clubs_to_take_former_members_from(user: AnyUser) -> ClubQuerySet[Club]:
    """The clubs whose former members the user may take into another club they keep the register
    of: those whose register they keep (MEMBER_MANAGE). A former member of another club re-joins
    through its staff or the province: the club they join would read all their history."""
    return clubs_for(user, Cap.MEMBER_MANAGE)


def clubs_to_move_members_from(user: AnyUser) -> ClubQuerySet[Club]:
    """The clubs whose members the user may move to another club: those on which they hold both
    MEMBER_MANAGE (they keep the register) and MEMBER_MOVE (a move touches two clubs' registers:
    staff record it). Both on the same club: staff of one area who sit on another club's board
    keep that club's register as its board, and move nobody out of it."""
    return clubs_for(user, Cap.MEMBER_MANAGE) & clubs_for(user, Cap.MEMBER_MOVE)


def may_on_club_pk(user: AnyUser, club_pk: int | str, cap: Cap) -> bool:
    """Whether the user holds `cap` on the club `club_pk` (one query; can_on_club has the club)."""
    return clubs_for(user, cap).filter(pk=club_pk).exists()


def caps_on_club(user: AnyUser, club: Club) -> frozenset[Cap]:
    """Every capability the user holds on one club, decided from the cached assignments.

    The same rule as clubs_for (a board role covers its club, a staff role the clubs located under
    its unit: Club.is_located_under), without a query when the club comes with its unit: pages ask
    it for each button they may show. Only a staff role on another map than the club's
    registration reads the club's locations, once (none if the caller prefetched them with
    clubs.models.LOCATION_UNITS).
    """
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(Cap)
    caps: set[Cap] = set()
    for assignment in assignments(user):
        granted = CAPABILITIES[assignment.role]
        if granted <= caps:
            continue  # nothing more to learn from it
        if assignment.role == Role.CLUB_BOARD:
            covers = assignment.club_id == club.pk
        else:
            covers = club.is_located_under(_staff_unit(assignment), registrations_anywhere=True)
        if covers:
            caps |= granted
    return frozenset(caps)


def can_on_club(user: AnyUser, club: Club, cap: Cap) -> bool:
    """For templates and menus: may the user do `cap` on this club it already sees?"""
    return cap in caps_on_club(user, club)


# --- what a page may offer on one club: a capability together with the state of what it acts on.
# Each decides from the cached assignments (caps_on_club), without a query; the caller passes the
# state, which its own app defines.


def may_set_usual_contributions(user: AnyUser, club: Club) -> bool:
    """Whether the user may set what the club's members usually pay into each fund at a meeting
    (the contributions sheet's prefill): the club's board, which keeps its books, or staff who
    manage the club's register (a club's rule, like its meeting day)."""
    caps = caps_on_club(user, club)
    return Cap.FUNDS_MANAGE in caps or Cap.CLUB_MANAGE in caps


def may_correct_entry(user: AnyUser, club: Club, *, in_closed_month: bool) -> bool:
    """Whether the user may open the correction of an entry of the club's cash book.

    The board keeps its own books (FUNDS_MANAGE) and opens the correction of any entry: for one of
    a closed month the page tells it that only province staff can, and funds.services refuses it
    without FUNDS_CORRECT_CLOSED. Province staff put right only what a closed month holds
    (FUNDS_CORRECT_CLOSED): the rest of the books are the board's."""
    caps = caps_on_club(user, club)
    return Cap.FUNDS_MANAGE in caps or (in_closed_month and Cap.FUNDS_CORRECT_CLOSED in caps)


def may_go_live(user: AnyUser, club: Club, *, still_possible: bool) -> bool:
    """Whether the club's funds page offers the user the cut-off sheet, which takes a running club's
    paper books over: they may do so for the club (FUNDS_GO_LIVE) and the club can still go live
    (`still_possible`: loans.selectors.go_live_books, the rule the sheet itself applies)."""
    return still_possible and can_on_club(user, club, Cap.FUNDS_GO_LIVE)


def may_fill_report(user: AnyUser, club: Club, *, locked: bool) -> bool:
    """Whether the user may fill in the club's monthly report: its board (REPORT_FILL), while the
    report is a draft or returned to it (`locked`: submitted or accepted, MonthlyReport.is_locked)."""
    return not locked and can_on_club(user, club, Cap.REPORT_FILL)


def may_review_report(user: AnyUser, club: Club, *, submitted: bool) -> bool:
    """Whether the user may return or accept the club's monthly report: staff of its area
    (REPORT_REVIEW), while the report is `submitted` and waits for them."""
    return submitted and can_on_club(user, club, Cap.REPORT_REVIEW)


def may_reopen_report(user: AnyUser, club: Club, *, accepted: bool) -> bool:
    """Whether the user may reopen the club's monthly report: staff of its area (REPORT_REVIEW),
    once the report is `accepted` (a submitted one is returned instead)."""
    return accepted and can_on_club(user, club, Cap.REPORT_REVIEW)


def board_club_ids(user: AnyUser, cap: Cap) -> list[int]:
    """The clubs whose board the user sits on with `cap`, from the cached assignments (no query):
    the menu takes a club board straight to its own club's books."""
    return sorted(
        {
            assignment.club_id
            for assignment in _granting(user, cap)
            if assignment.role == Role.CLUB_BOARD and assignment.club_id is not None
        }
    )


def require_cap(user: AnyUser, cap: Cap) -> None:
    """403 unless some role of the user grants `cap` (pages not tied to one club)."""
    if not has_cap(user, cap):
        raise PermissionDenied


def audit_entries_for(user: AnyUser) -> QuerySet[AuditEntry]:
    """The audit entries the user may read.

    Every entry for AUDIT_VIEW_ALL (province staff: the installation serves one province, and the
    maps, plans and accounts no club holds are theirs); otherwise the entries of the clubs where
    the user holds AUDIT_VIEW (area staff: their area's clubs, with the members, loans, reports…
    of those clubs); none for anyone else.
    """
    if has_cap(user, Cap.AUDIT_VIEW_ALL):
        return AuditEntry.objects.all()
    if not has_cap(user, Cap.AUDIT_VIEW):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(club__in=clubs_for(user, Cap.AUDIT_VIEW).values("pk"))


def accounts_to_link(user: AnyUser, club: Club) -> QuerySet[User]:
    """The user accounts the user may give to a new board member of `club` (the board form's
    choices, and boards.services refuses any other).

    All of them are free (accounts.selectors.linkable_accounts: active, nobody's, no role beyond
    this club's board). Among those:
    - province staff and administrators (ACCOUNT_LINK_ANY) may link any: accounts are the
      province's, which reads their history and unlocks them;
    - whoever else appoints the club's board (BOARD_MANAGE: area staff of its area) only an
      account that held a seat on this club's board before (a former board member's login, unlinked
      from its person). An account tied to no club is tied to nobody's scope: linking it would hand
      this club's register and books to whoever holds its password, whom area staff cannot know;
      they create a new account for the board member instead (the board form offers it), whose
      password they hand over themselves.
    Nobody else links any account.
    """
    free = linkable_accounts(club=club)
    if has_cap(user, Cap.ACCOUNT_LINK_ANY):
        return free
    # One query: the club's board is the user's to appoint (BOARD_MANAGE) inside the same filter.
    held_here = RoleAssignment.objects.filter(
        user=OuterRef("pk"), role=Role.CLUB_BOARD, club=club, club__in=clubs_for(user, Cap.BOARD_MANAGE)
    )
    return free.filter(Exists(held_here))


def may_link_account(user: AnyUser, club: Club, account: User) -> bool:
    """Whether the user may give `account` to a new board member of `club` (accounts_to_link).

    ACCOUNT_LINK_ANY may try any account: accounts.services.club_board_account_check then tells them
    why one cannot be linked. Anyone else learns nothing of an account outside their choices."""
    return has_cap(user, Cap.ACCOUNT_LINK_ANY) or accounts_to_link(user, club).filter(pk=account.pk).exists()
