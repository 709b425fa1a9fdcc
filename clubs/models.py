"""The club register: Intergenerational Self-Help Clubs and their life cycle.

A club is decided (decision of establishment), then launched (from then it is active), and
may later be suspended, resumed or dissolved (DOMAIN.md §2). The status is never typed: it
is derived from the launch date and the dated status changes, as of any day.

Each club has a management board (dated positions held by members) and teams working in the
eight activity areas (ActivityArea, the one list of them), with their dated members.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import BoardTitle
from areas.models import AdminUnit
from core.dates import day_in_month
from core.models import Tenure


class ClubStatus(models.TextChoices):
    DECIDED = "decided", _("decided, not launched")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    DISSOLVED = "dissolved", _("dissolved")


class ClubQuerySet(models.QuerySet):
    def with_status(self, on: datetime.date):
        """Annotate `status` as of a day, in SQL, so lists can filter and count by it."""
        last_change = (
            ClubStatusChange.objects.filter(club=OuterRef("pk"), effective_on__lte=on)
            .order_by("-effective_on", "-pk")
            .values("kind")[:1]
        )
        return self.annotate(
            last_status_change=Subquery(last_change),
            status=Case(
                When(last_status_change=StatusChangeKind.DISSOLVED, then=Value(ClubStatus.DISSOLVED)),
                When(last_status_change=StatusChangeKind.SUSPENDED, then=Value(ClubStatus.SUSPENDED)),
                When(launch_date__lte=on, then=Value(ClubStatus.ACTIVE)),
                default=Value(ClubStatus.DECIDED),
                output_field=models.CharField(),
            ),
        )


class Club(models.Model):
    code = models.CharField(_("club code"), max_length=32, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    # Accent-folded name (core.text.fold), written by the services: the search key.
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    unit = models.ForeignKey(
        AdminUnit,
        on_delete=models.PROTECT,
        related_name="clubs",
        verbose_name=_("commune"),
        help_text=_("The commune, ward or township; or a district without communes, such as Lý Sơn."),
    )
    hamlets = models.JSONField(
        _("hamlets / residential groups"),
        default=list,
        blank=True,
        help_text=_("The hamlets (thôn) or residential groups (tổ dân phố) the club covers, one per line."),
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    decision_issuer = models.CharField(
        _("issued by"), max_length=200, blank=True, help_text=_("Usually the People's Committee of the commune.")
    )
    launch_date = models.DateField(
        _("launch date"), null=True, blank=True, help_text=_("Empty until the club is launched.")
    )
    meeting_day = models.PositiveSmallIntegerField(
        _("meeting day of the month"), null=True, blank=True, help_text=_("The day of each month the club meets, 1–31.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ClubQuerySet.as_manager()

    class Meta:
        verbose_name = _("club")
        verbose_name_plural = _("clubs")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name_folded"], name="club_name_unique_in_unit"),
            models.CheckConstraint(
                condition=Q(meeting_day__isnull=True) | Q(meeting_day__gte=1, meeting_day__lte=31),
                name="club_meeting_day_1_to_31",
            ),
            models.CheckConstraint(
                condition=Q(launch_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(launch_date__gte=models.F("decision_date")),
                name="club_launch_not_before_decision",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clubs:club-detail", args=[self.pk])

    @property
    def area_type(self) -> str:
        """Plain, mountain or island: always the club's administrative unit's, never typed."""
        return self.unit.area_type

    def get_area_type_display(self) -> str:
        return self.unit.get_area_type_display()

    def get_status_display(self) -> str:
        """The label of the `status` annotation added by Club.objects.with_status()."""
        return ClubStatus(self.status).label

    def meeting_in(self, month: datetime.date) -> datetime.date:
        """The club's meeting in `month`'s month: its meeting day (the month's last day when the
        month is shorter, or when the club has not set a meeting day)."""
        return day_in_month(month, self.meeting_day or 31)


class StatusChangeKind(models.TextChoices):
    SUSPENDED = "suspended", _("suspension")
    RESUMED = "resumed", _("resumption")
    DISSOLVED = "dissolved", _("dissolution")


class ClubStatusChange(models.Model):
    club = models.ForeignKey(Club, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("club"))
    kind = models.CharField(_("change"), max_length=16, choices=StatusChangeKind.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("club status change")
        verbose_name_plural = _("club status changes")
        ordering = ["effective_on", "pk"]

    def __str__(self):
        return f"{self.club} — {self.get_kind_display()} ({self.effective_on:%d/%m/%Y})"


# --- activity areas, board and teams (issue 3 §2) -----------------------------------------


class ActivityArea(models.TextChoices):
    """The eight activity areas (08 mảng hoạt động) of a club, in the order of DOMAIN.md §3.

    The one list of them: teams, monthly reports and the scorecard all use these codes. The labels
    are English source strings, translated in locale/vi (the Vietnamese wording is in the comments).
    """

    INCOME = "income", _("Income generation")  # Tăng thu nhập / đảm bảo sinh kế
    HEALTH = "health", _("Health care")  # Chăm sóc sức khỏe
    HOME_CARE = "home_care", _("Volunteer home care")  # Chăm sóc tại nhà dựa vào tình nguyện viên
    SELF_HELP = "self_help", _("Self-help and mutual support")  # Tự giúp nhau và hỗ trợ cộng đồng
    RIGHTS = "rights", _("Rights and entitlements")  # Đảm bảo quyền và lợi ích
    LEARNING = "learning", _("Awareness and lifelong learning")  # Nâng cao nhận thức / học tập suốt đời
    CULTURE = "culture", _("Culture, arts, visits and exchanges")  # Văn hóa, văn nghệ, thăm hỏi, giao lưu
    RESOURCES = "resources", _("Resource mobilisation")  # Vận động nguồn lực

    @property
    def number(self) -> int:
        """1–8, the number the association's documents give each area."""
        return list(type(self)).index(self) + 1


class BoardPosition(Tenure):
    """A seat on a club's management board (Ban chủ nhiệm), held by a member for a period."""

    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="board_positions", verbose_name=_("club"))
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

    def __str__(self):
        return f"{self.holder} — {self.get_title_display()} — {self.club}"


class TeamMemberRole(models.TextChoices):
    MEMBER = "member", _("team member")
    VOLUNTEER = "volunteer", _("volunteer")
    CARED_FOR = "cared_for", _("person cared for")


class Team(Tenure):
    """A team (tổ / nhóm) of a club working in one activity area, e.g. the home-care volunteers."""

    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="teams", verbose_name=_("club"))
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

    def __str__(self):
        return f"{self.name} — {self.club}"

    def get_absolute_url(self):
        return reverse("clubs:team-detail", args=[self.club_id, self.pk])

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

    def __str__(self):
        return f"{self.person} — {self.get_role_display()} — {self.team.name}"
