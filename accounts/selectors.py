"""Reads of user accounts."""

import dataclasses
import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Exists, Max, OuterRef, QuerySet, Sum
from django.utils import timezone

from accounts.models import RoleAssignment, User
from clubs.models import Club


def linkable_accounts(*, club: Club) -> QuerySet[User]:
    """User accounts the staff may give to a new board member of `club`: active, of nobody yet
    (no person), and with no role beyond this club's board. accounts.services.
    club_board_account_check refuses the others."""
    other_roles = RoleAssignment.objects.filter(user=OuterRef("pk")).beyond_club_board(club)
    return (
        User.objects.filter(is_active=True, is_superuser=False, is_staff=False, person__isnull=True)
        .exclude(Exists(other_roles))
        .order_by("username")
    )


@dataclasses.dataclass(frozen=True)
class Lockout:
    """A username or an address refused at login for wrong passwords, until `until`."""

    username: str
    ip_address: str
    failures: int
    until: datetime.datetime


def lockouts() -> tuple[list[Lockout], list[Lockout]]:
    """The usernames and the addresses locked out now, as django-axes counts them: at least
    AXES_FAILURE_LIMIT wrong passwords within the cool-off, the lock lasting the cool-off from the
    last one (two queries)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=since)
    found = []
    for field in ("username", "ip_address"):
        rows = (
            recent.exclude(**{f"{field}__isnull": True})
            .values(field)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by(field)
        )
        found.append(
            [
                Lockout(
                    username=row.get("username") or "",
                    ip_address=row.get("ip_address") or "",
                    failures=row["failures"],
                    until=row["last"] + settings.AXES_COOLOFF_TIME,
                )
                for row in rows
            ]
        )
    return found[0], found[1]


def username_locked_out(username: str) -> bool:
    """Whether the username itself is locked out (rather than the address it was tried from)."""
    return any(lockout.username == username for lockout in lockouts()[0])
