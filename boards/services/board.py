"""The club's management board: appointing a member to a seat and ending it (docs/domain.md §2).

- A seat holds from `started_on` to the day before `ended_on`, as a membership holds until its
  `left_on`: a chair replaced on 01/06 hands over that day. A seat lasts at least one day; its
  dates are never in the future.
- One current chair per club: the service says so in words (end the current chair first, or
  ask for the replacement, which ends the current chair's seat on the new chair's start date);
  a unique constraint in the database backs it up against any other code path.
- The club-board role of a holder's user account comes from the seat: it starts and ends with
  it, in the same transaction (accounts.services). A holder without an account still holds the
  seat; the board then has no login for it.
- Holders must be current members of the club (the register is where the board recruits).
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.models import BoardTitle, User
from accounts.services import account_create, club_board_account_check, club_board_role_end, club_board_role_grant
from audit.services import audit_record
from boards.models import BoardPosition
from boards.services.checks import (
    require_after_start,
    require_current_member,
    require_not_dissolved,
    require_past_or_today,
)
from clubs.models import Club
from core.dates import format_date
from core.errors import refusal
from core.types import Actor
from members.models import Person
from members.services import person_account_link

ERROR_SAME_TITLE = _("%(name)s already holds the position “%(title)s” from %(date)s.")
ERROR_CHAIR_CURRENT = _(
    "%(name)s has been the club's chair since %(date)s. End that position first, or tick “Replace the current chair”."
)
ERROR_REPLACE_NOT_AFTER = _("The current chair started on %(date)s: the new chair must start after that day.")
ERROR_CHAIR_OVERLAP = _("The previous chair's position ended on %(date)s: the new chair cannot start before that day.")
ERROR_POSITION_ENDED = _("This position has already ended.")
ERROR_HOLDER_HAS_ACCOUNT = _("%(name)s already has the user account %(username)s.")
ERROR_ACCOUNT_OUT_OF_SCOPE = _(
    "This user account cannot be linked by you: only province staff can link an account that has never "
    "been used on this club's board. Create a new user account for the board member instead."
)


@dataclasses.dataclass(frozen=True)
class BoardAppointment:
    """A seat just started, and the password of the login created for its holder ("" when none was)."""

    position: BoardPosition
    password: str


def _holder_login(*, actor: Actor, club: Club, holder: Person, user: User | None, new_username: str) -> str:
    """Link the existing account `user` to the holder, or create the login `new_username`; returns
    the generated password or "". Refusals are on the form's field for the choice made."""
    if user is None and not new_username:
        return ""
    field = "user" if user is not None else "new_username"
    if holder.user is not None:
        raise refusal(ERROR_HOLDER_HAS_ACCOUNT, field=field, name=holder.full_name, username=holder.user.username)
    password = ""
    if user is not None:
        # A command (no actor) links what it was told to; a person only what access allows them.
        if actor is not None and not access.may_link_account(actor, club, user):
            raise refusal(ERROR_ACCOUNT_OUT_OF_SCOPE, field=field)
        user = club_board_account_check(user=user, club=club)
    else:
        try:
            account = account_create(
                actor=actor,
                username=new_username,
                full_name=holder.full_name,
                phone=holder.phone,
                created_for=holder.full_name,
            )
        except ValidationError as exc:
            raise ValidationError({field: exc.message_dict.get("username", exc.messages)}) from None
        user, password = account.user, account.password
    person_account_link(actor=actor, person=holder, user=user)
    return password


def position_close(*, actor: Actor, position: BoardPosition, ended_on: datetime.date, action: str) -> None:
    """End a position and the club-board role it gave, in the caller's transaction."""
    position.ended_on = ended_on
    position.full_clean()
    position.save(update_fields=["ended_on"])
    data = {"club": position.club.code, "title": position.title, "ended_on": ended_on.isoformat()}
    assignment = position.role_assignment
    if assignment is not None:
        data["role_valid_until"] = club_board_role_end(
            actor=actor, assignment=assignment, ended_on=ended_on
        ).isoformat()
    audit_record(actor=actor, action=action, target=position, data=data)


@transaction.atomic
def board_position_start(
    *,
    actor: Actor,
    club: Club,
    holder: Person,
    title: str,
    started_on: datetime.date,
    note: str = "",
    replace_current: bool = False,
    user: User | None = None,
    new_username: str = "",
) -> BoardAppointment:
    """Appoint a member of the club to its board from a date.

    `replace_current`: for a chair, end the current chair's position on `started_on`.
    `user` / `new_username`: link an existing account to the holder, or create one, so the
    position can give it the club-board role; the actor may link only the accounts
    accounts.access.accounts_to_link gives them. A created account's password is generated here and
    returned once, in the result (never stored in clear).
    """
    if user is not None and new_username:
        raise TypeError("board_position_start() takes user or new_username, not both")
    # Lock the club: two appointments of a chair at once are serialised, the second sees the first.
    club = Club.objects.select_for_update().get(pk=club.pk)
    holder = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=holder.pk)
    title = BoardTitle(title)
    require_past_or_today(started_on, "started_on")
    require_current_member(person=holder, club=club, on=started_on, field="holder")
    require_not_dissolved(club=club, on=started_on, field="started_on")
    same = (
        BoardPosition.objects.filter(holder=holder, title=title).not_ended_by(started_on).order_by("started_on").first()
    )
    if same is not None:
        raise refusal(ERROR_SAME_TITLE, name=holder.full_name, title=title.label, date=format_date(same.started_on))
    replaced = None
    if title == BoardTitle.CHAIR:
        current = club.board_positions.current().filter(title=BoardTitle.CHAIR).select_related("holder").first()
        if current is not None and not replace_current:
            raise refusal(
                ERROR_CHAIR_CURRENT,
                field="replace_current",
                name=current.holder.full_name,
                date=format_date(current.started_on),
            )
        if current is not None and started_on <= current.started_on:
            raise refusal(ERROR_REPLACE_NOT_AFTER, field="started_on", date=format_date(current.started_on))
        earlier_end = (
            club.board_positions.filter(title=BoardTitle.CHAIR, ended_on__gt=started_on)
            .order_by("-ended_on")
            .values_list("ended_on", flat=True)
            .first()
        )
        if earlier_end is not None:
            raise refusal(ERROR_CHAIR_OVERLAP, field="started_on", date=format_date(earlier_end))
        replaced = current
    password = _holder_login(actor=actor, club=club, holder=holder, user=user, new_username=new_username)
    if replaced is not None:
        position_close(actor=actor, position=replaced, ended_on=started_on, action="clubs.board_position.replaced")
    position = BoardPosition(club=club, holder=holder, title=title, started_on=started_on, note=note.strip())
    if holder.user is not None:
        position.role_assignment = club_board_role_grant(
            actor=actor, user=holder.user, club=club, title=title, valid_from=started_on
        )
    position.full_clean()
    position.save()
    audit_record(
        actor=actor,
        action="clubs.board_position.started",
        target=position,
        data={
            "club": club.code,
            "holder": holder.full_name,
            "title": title.value,
            "started_on": started_on.isoformat(),
            "account": holder.user.username if holder.user else None,
        },
    )
    return BoardAppointment(position=position, password=password)


@transaction.atomic
def board_position_end(*, actor: Actor, position: BoardPosition, ended_on: datetime.date) -> BoardPosition:
    """End a board position from a day (not held that day); the account's club-board role ends with it."""
    position = (
        BoardPosition.objects.select_for_update(of=("self",))
        .select_related("club", "role_assignment")
        .get(pk=position.pk)
    )
    if position.ended_on is not None:
        raise refusal(ERROR_POSITION_ENDED)
    require_past_or_today(ended_on, "ended_on")
    require_after_start(ended_on=ended_on, started_on=position.started_on)
    position_close(actor=actor, position=position, ended_on=ended_on, action="clubs.board_position.ended")
    return position
