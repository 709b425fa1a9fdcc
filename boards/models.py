"""A club's management board (Ban chủ nhiệm) and its teams (tổ / nhóm), with their dated members.

Board seats and places in teams are held by people of the club's register for a period
(core.models.Tenure). A seat on the board gives the holder's user account the club-board role
for as long as it lasts: boards.services grants and ends it through accounts.services, in the
same transaction.

Why an app of its own, above the register and the accounts: the board recruits from the member
register (members) and hands out logins and roles (accounts), so it sits above both, and the
register knows nothing of it. When a member leaves, members.services says so (the signal
members.signals.membership_ended) and this app ends that person's seats and places in the club
(boards/apps.py connects the receiver).
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import BoardTitle
from clubs.models import ActivityArea
from core.models import Tenure


class BoardPosition(Tenure):
    """A seat on a club's management board (Ban chủ nhiệm), held by a member for a period."""

    club = models.ForeignKey(
        "clubs.Club", on_delete=models.PROTECT, related_name="board_positions", verbose_name=_("club")
    )
    holder = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="board_positions", verbose_name=_("holder")
    )
    title = models.CharField(_("title"), max_length=16, choices=BoardTitle.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The club-board role this position gives the holder's user account, if they have one.
    role_assignment = models.OneToOneField(
        "accounts.RoleAssignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_position",
        verbose_name=_("role assignment"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(Tenure.Meta):
        verbose_name = _("board position")
        verbose_name_plural = _("board positions")
        ordering = ["club", "-started_on", "pk"]
        constraints = [
            *Tenure.Meta.constraints,
            # Decision 1336 boards have one chair: never two current chairs, whatever the code path.
            models.UniqueConstraint(
                fields=["club"],
                condition=Q(title=BoardTitle.CHAIR, ended_on__isnull=True),
                name="board_position_one_current_chair",
                violation_error_message=_("The club already has a current chair."),
            ),
        ]
        indexes = [models.Index(fields=["club", "ended_on"], name="board_position_club_ended_idx")]

    def __str__(self) -> str:
        return f"{self.holder} — {self.get_title_display()} — {self.club}"


class TeamMemberRole(models.TextChoices):
    MEMBER = "member", _("team member")
    VOLUNTEER = "volunteer", _("volunteer")
    CARED_FOR = "cared_for", _("person cared for")


class Team(Tenure):
    """A team (tổ / nhóm) of a club working in one activity area, e.g. the home-care volunteers."""

    club = models.ForeignKey("clubs.Club", on_delete=models.PROTECT, related_name="teams", verbose_name=_("club"))
    name = models.CharField(_("name"), max_length=200)
    activity_area = models.CharField(_("activity area"), max_length=16, choices=ActivityArea.choices)
    leader = models.ForeignKey(
        "members.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams_led",
        verbose_name=_("leader"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(Tenure.Meta):
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["club", "name", "pk"]
        constraints = [
            *Tenure.Meta.constraints,
            models.UniqueConstraint(
                fields=["club", "name"],
                condition=Q(ended_on__isnull=True),
                name="team_name_unique_among_current",
                violation_error_message=_("The club already has a current team with this name."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.club}"

    def get_absolute_url(self) -> str:
        return reverse("boards:team-detail", args=[self.club_id, self.pk])

    @property
    def is_home_care(self) -> bool:
        return self.activity_area == ActivityArea.HOME_CARE


class TeamMembership(Tenure):
    """A person in a team for a period."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("team"))
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="team_memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role in the team"), max_length=16, choices=TeamMemberRole.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(Tenure.Meta):
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        ordering = ["team", "started_on", "pk"]
        constraints = [
            *Tenure.Meta.constraints,
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=Q(ended_on__isnull=True),
                name="team_membership_one_open_per_person",
                violation_error_message=_("This person is already in the team."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} — {self.team.name}"
