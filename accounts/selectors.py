"""Reads of user accounts."""

from django.db.models import Exists, OuterRef, QuerySet

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
