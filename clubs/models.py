"""The club register: Intergenerational Self-Help Clubs and their life cycle.

A club is decided (decision of establishment), then launched (from then it is active), and
may later be suspended, resumed or dissolved (DOMAIN.md §2). The status is never typed: it
is derived from the launch date and the dated status changes, as of any day.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit


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
