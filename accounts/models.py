"""Users and what they are assigned to.

A role is held over an administrative unit (province or area staff) or over one club (the
club board), for a period. What each role may do is decided in `accounts.access`, nowhere else.
"""

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import Level
from core.models import ValidityPeriod, ValidityQuerySet

if TYPE_CHECKING:
    from clubs.models import Club


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("interface language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    # django-stubs does not declare AbstractUser.Meta, which Django's docs have subclasses extend.
    class Meta(AbstractUser.Meta):  # type: ignore[name-defined,misc]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Role(models.TextChoices):
    PROVINCE_STAFF = "province_staff", _("province staff")
    AREA_STAFF = "area_staff", _("area staff")
    CLUB_BOARD = "club_board", _("club board")


class BoardTitle(models.TextChoices):
    CHAIR = "chair", _("chair")
    VICE_CHAIR = "vice_chair", _("vice-chair")
    ACCOUNTANT = "accountant", _("accountant")
    TREASURER = "treasurer", _("treasurer")
    MEMBER = "member", _("board member")


class RoleAssignmentQuerySet(ValidityQuerySet["RoleAssignment"]):
    def beyond_club_board(self, club: "Club") -> Self:
        """Roles that make an account someone else's to a board of `club`: staff roles, and the
        board of another club (such an account cannot become a login of `club`'s board)."""
        return self.filter(
            Q(role__in=[Role.PROVINCE_STAFF, Role.AREA_STAFF]) | (Q(role=Role.CLUB_BOARD) & ~Q(club=club))
        )


class RoleAssignment(ValidityPeriod):
    """A role held over a unit (staff) or a club (its board) for a period.

    Deliberately circular with the register: a club-board role points at its club, while the
    register's rows point at the user model (who recorded them, a member's login) as every app's
    do through settings.AUTH_USER_MODEL. The user model lives here, above the register, because the
    access rules built on these roles read the register; the foreign keys are declared by name, so
    no Python import runs upward, and Django splits the two apps' first migrations for it.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey(
        "areas.AdminUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("administrative unit"),
        help_text=_("For province and area staff: the unit whose clubs they work with."),
    )
    club = models.ForeignKey(
        "clubs.Club",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("club"),
        help_text=_("For the club board: their club."),
    )
    title = models.CharField(_("board title"), max_length=16, choices=BoardTitle.choices, blank=True)
    objects = RoleAssignmentQuerySet.as_manager()

    class Meta(ValidityPeriod.Meta):
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "valid_from", "pk"]
        constraints = [
            *ValidityPeriod.Meta.constraints,
            # Staff roles are held over a unit, the board role over a club: never both, never neither.
            models.CheckConstraint(
                condition=(
                    Q(role__in=["province_staff", "area_staff"], area__isnull=False, club__isnull=True, title="")
                    | Q(role="club_board", area__isnull=True, club__isnull=False)
                ),
                name="role_assignment_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=~Q(role="club_board") | ~Q(title=""),
                name="role_assignment_board_has_title",
            ),
        ]

    def __str__(self) -> str:
        scope = self.club or self.area
        return f"{self.user} — {self.get_role_display()} — {scope}"

    def clean(self) -> None:
        if self.role == Role.PROVINCE_STAFF and self.area is not None and self.area.level != Level.PROVINCE:
            raise ValidationError({"area": _("Province staff are assigned to a province.")})
        if self.role == Role.AREA_STAFF and self.area is not None and self.area.level == Level.PROVINCE:
            raise ValidationError({"area": _("Area staff are assigned to a unit below the province.")})
        if self.role in (Role.PROVINCE_STAFF, Role.AREA_STAFF) and not self.area_id:
            raise ValidationError({"area": _("Choose the unit this staff role covers.")})
        if self.role == Role.CLUB_BOARD and not self.club_id:
            raise ValidationError({"club": _("Choose the club of this board member.")})
        if self.role == Role.CLUB_BOARD and not self.title:
            raise ValidationError({"title": _("Choose the board title.")})
