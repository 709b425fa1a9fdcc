"""Writes to user accounts and their roles: the interface language, the logins of board members
and the club-board role a board seat gives (boards.services calls these, in its transaction)."""

import dataclasses
import datetime
from typing import Any

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


def club_board_role_grant(
    *, actor: Actor, user: User, club: Club, title: str, valid_from: datetime.date
) -> RoleAssignment:
    """The club-board role a board seat gives its holder's account from its first day, in the
    caller's transaction (audited: every role granted is, wherever it is granted)."""
    assignment = RoleAssignment(
        user=user, role=Role.CLUB_BOARD, club=club, title=BoardTitle(title), valid_from=valid_from
    )
    assignment.full_clean()
    assignment.save()
    role_assignment_record(actor=actor, assignment=assignment, before=None)
    return assignment


def club_board_role_end(*, actor: Actor, assignment: RoleAssignment, ended_on: datetime.date) -> datetime.date:
    """End the club-board role of a seat that ends on `ended_on`: the role ends the same day (neither
    holds then), in the caller's transaction, audited. A role already ending earlier keeps its end.
    Returns the day the role ends."""
    if assignment.valid_until is not None and assignment.valid_until <= ended_on:
        return assignment.valid_until
    before = role_snapshot(assignment)
    assignment.valid_until = ended_on
    assignment.full_clean()
    assignment.save(update_fields=["valid_until"])
    role_assignment_record(actor=actor, assignment=assignment, before=before)
    return ended_on


# --- the audit of roles and administration rights, wherever they are written ---------------------
#
# Roles and rights decide what an account may see: every grant, change and end is audited, also
# those made in the Django admin, whose saves bypass the services. The admin calls these from its
# save_model / save_formset / delete_model (accounts/admin.py), where the request's user is known:
# a model signal would not know who acted, and would record the writes of tests and commands twice.


def role_snapshot(assignment: RoleAssignment) -> dict[str, Any]:
    """A role assignment's fields as its audit entries record them."""
    return {
        "user": assignment.user.username,
        "role": assignment.role,
        "area": str(assignment.area) if assignment.area_id else None,
        "club": str(assignment.club) if assignment.club_id else None,
        "title": assignment.title,
        "valid_from": assignment.valid_from.isoformat() if assignment.valid_from else None,
        "valid_until": assignment.valid_until.isoformat() if assignment.valid_until else None,
    }


def role_assignment_record(*, actor: Actor, assignment: RoleAssignment, before: dict[str, Any] | None) -> None:
    """Audit a role assignment just saved: granted (`before` None: it is new), ended (it had no end
    and now has one) or changed, with {field: [before, after]} of what changed; nothing when nothing
    did. `before`: role_snapshot of it as it was."""
    after = role_snapshot(assignment)
    if before is None:
        audit_record(actor=actor, action="accounts.role.granted", target=assignment, data=after)
        return
    changes = {field: [before[field], value] for field, value in after.items() if before[field] != value}
    if not changes:
        return
    data = {"user": after["user"], "role": after["role"], **changes}
    if before["valid_until"] is None and after["valid_until"] is not None:
        audit_record(actor=actor, action="accounts.role.ended", target=assignment, data=data)
    else:
        audit_record(actor=actor, action="accounts.role.changed", target=assignment, data=data)


def role_assignment_delete_record(*, actor: Actor, assignment: RoleAssignment) -> None:
    """Audit a role assignment about to be deleted (its fields as they were), in the deletion's
    transaction."""
    audit_record(actor=actor, action="accounts.role.deleted", target=assignment, data=role_snapshot(assignment))


ADMIN_RIGHTS = ("is_staff", "is_superuser", "groups", "user_permissions")


def admin_rights(user: User) -> dict[str, Any]:
    """What an account may do beyond its roles, as stored: the Django admin's flags, groups and
    permissions (names sorted, so two readings compare)."""
    stored = User.objects.get(pk=user.pk)
    return {
        "is_staff": stored.is_staff,
        "is_superuser": stored.is_superuser,
        "groups": sorted(stored.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in stored.user_permissions.values_list("content_type__app_label", "codename")
        ),
    }


NO_ADMIN_RIGHTS: dict[str, Any] = {
    "is_staff": False,
    "is_superuser": False,
    "groups": [],
    "user_permissions": [],
}


def admin_rights_record(*, actor: Actor, user: User, before: dict[str, Any]) -> None:
    """Audit a change of the account's administration rights (admin_rights) since `before`, with
    {right: [before, after]}; nothing when none changed."""
    after = admin_rights(user)
    changes = {right: [before[right], after[right]] for right in ADMIN_RIGHTS if before[right] != after[right]}
    if changes:
        audit_record(actor=actor, action="accounts.user.admin_rights_changed", target=user, data=changes)


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
