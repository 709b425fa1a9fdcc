"""Writes to user accounts and their roles: the interface language, the logins of board members
and the club-board role a board seat gives (boards.services calls these, in its transaction)."""

import dataclasses
import datetime

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from accounts.models import BoardTitle, Role, RoleAssignment, User
from audit.services import audit_record
from clubs.models import Club
from core.errors import refusal
from core.types import Actor
from members.models import Person

ERROR_ACCOUNT_TAKEN = _("The user account %(username)s already belongs to %(name)s.")
ERROR_ACCOUNT_NOT_ALLOWED = _(
    "The user account %(username)s belongs to association staff, an administrator or another club's board: "
    "it cannot be used for this club's board."
)
ERROR_ACCOUNT_INACTIVE = _("The user account %(username)s is disabled.")
ERROR_USERNAME_TAKEN = _("The user name %(username)s is already taken.")

# Characters of generated passwords: no 0/O, 1/l/I, so they can be read out over the phone.
PASSWORD_CHARS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember the interface language on the account, so it follows the user to another device."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError("Unknown language.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


# --- logins of board members ------------------------------------------------------------------


@transaction.atomic
def club_board_account_check(*, user: User, club: Club) -> User:
    """The existing account `user`, locked, if it may become the login of a board member of `club`.

    Staff and administrator accounts keep their wider roles to themselves, and an account of
    another club's board or of another person is someone else's: linking it would hand one
    person's access to another. Refusals are on the field "user".
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    owner = Person.objects.filter(user=user).first()
    if owner is not None:
        raise refusal(ERROR_ACCOUNT_TAKEN, field="user", username=user.username, name=owner.full_name)
    if not user.is_active:
        raise refusal(ERROR_ACCOUNT_INACTIVE, field="user", username=user.username)
    if user.is_superuser or user.is_staff or user.role_assignments.beyond_club_board(club).exists():
        raise refusal(ERROR_ACCOUNT_NOT_ALLOWED, field="user", username=user.username)
    return user


@dataclasses.dataclass(frozen=True)
class NewAccount:
    """An account just created, with its generated password: shown once, never stored in clear."""

    user: User
    password: str


@transaction.atomic
def account_create(*, actor: Actor, username: str, full_name: str, phone: str = "", created_for: str) -> NewAccount:
    """A new login with a generated password, for the person named `created_for` (audited without
    the password). Refusals are on the field "username"."""
    username = username.strip()
    try:
        User.username_validator(username)
    except ValidationError as exc:
        raise ValidationError({"username": exc.error_list}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise refusal(ERROR_USERNAME_TAKEN, field="username", username=username)
    password = get_random_string(PASSWORD_LENGTH, PASSWORD_CHARS)
    user = User(username=username, full_name=full_name, phone=phone)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action="accounts.user.created", target=user, data={"for": created_for})
    return NewAccount(user=user, password=password)


# --- the club-board role of a board seat --------------------------------------------------------


def club_board_role_grant(*, user: User, club: Club, title: str, valid_from: datetime.date) -> RoleAssignment:
    """The club-board role a board seat gives its holder's account from its first day, in the
    caller's transaction (the seat's service audits both)."""
    assignment = RoleAssignment(
        user=user, role=Role.CLUB_BOARD, club=club, title=BoardTitle(title), valid_from=valid_from
    )
    assignment.full_clean()
    assignment.save()
    return assignment


def club_board_role_end(*, assignment: RoleAssignment, ended_on: datetime.date) -> datetime.date:
    """End the club-board role of a seat that ends on `ended_on`: the role ends the same day (neither
    holds then), in the caller's transaction. A role already ending earlier keeps its end. Returns
    the day the role ends."""
    if assignment.valid_until is not None and assignment.valid_until <= ended_on:
        return assignment.valid_until
    assignment.valid_until = ended_on
    assignment.full_clean()
    assignment.save(update_fields=["valid_until"])
    return ended_on


# --- logins locked out for wrong passwords (django-axes counts them) ---------------------------


def _lockout_target(*, username: str, ip_address: str) -> models.Model | None:
    """What a lockout's audit entry is about: the account when the username is one, else the
    attempts' record of that username or address."""
    if username:
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
    attempts = AccessAttempt.objects.filter(username=username) if username else AccessAttempt.objects.none()
    if ip_address:
        attempts = attempts | AccessAttempt.objects.filter(ip_address=ip_address)
    attempt: models.Model | None = attempts.order_by("-attempt_time").first()
    return attempt


@transaction.atomic
def login_lockout_record(*, username: str, ip_address: str) -> None:
    """Audit a login refused for too many wrong passwords (by username or by address)."""
    target = _lockout_target(username=username, ip_address=ip_address)
    if target is not None:
        audit_record(
            actor=None,
            action="accounts.login.locked_out",
            target=target,
            data={"username": username, "ip_address": ip_address},
        )


@transaction.atomic
def login_unlock(*, actor: Actor, username: str = "", ip_address: str = "") -> int:
    """Forget the wrong passwords of a username, or of an address, so it may log in again at
    once (audited); returns how many attempts' records were removed, 0 when it was not locked."""
    if bool(username) == bool(ip_address):
        raise ValueError("Unlock a username or an address, one of them.")
    target = _lockout_target(username=username, ip_address=ip_address)
    removed: int = axes_reset(username=username or None, ip=ip_address or None)
    if removed and target is not None:
        audit_record(
            actor=actor,
            action="accounts.login.unlocked",
            target=target,
            data={"username": username, "ip_address": ip_address, "attempts": removed},
        )
    return removed
