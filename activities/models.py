"""The club-month report: what a club did in each of the eight activity areas in one month.

One report per club and calendar month (`month` is its first day). It goes draft → submitted (by
the club's board) → accepted (by staff), or → returned with the staff's comment, which the board
fixes and submits again; staff may reopen an accepted report with a reason (it is a draft again).
Every change is a ReportEvent (who, when, what).

Each area has a section: either "no activity this month" or the counts of activities/fields.py,
and a note. A section not filled in is not "zero": the report cannot be submitted with it.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clubs.models import ActivityArea, Club
from core.dates import add_months


def report_deadline(month: datetime.date) -> datetime.date:
    """The last day to submit a month's report on time: settings.REPORT_DEADLINE_DAY of the next month."""
    return add_months(month, 1).replace(day=settings.REPORT_DEADLINE_DAY)


def deadline_passed(month: datetime.date, on: datetime.date) -> bool:
    """Whether the deadline of a month's report has passed on `on` (the deadline day itself still
    counts as open): a report not submitted by then is missing, or overdue."""
    return on > report_deadline(month)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    # Sent back by staff with a comment: the board changes it and submits it again. A state of its
    # own, not a draft, so that the club's pages and staff's lists say so until it is resubmitted.
    RETURNED = "returned", _("returned")
    ACCEPTED = "accepted", _("accepted")


# The states in which the club's board changes its report.
EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


class MonthlyReport(models.Model):
    club = models.ForeignKey(Club, on_delete=models.PROTECT, related_name="monthly_reports", verbose_name=_("club"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    members_present = models.PositiveIntegerField(_("members present"), null=True, blank=True)
    meeting_topics = models.TextField(_("topics of the meeting"), blank=True)
    # The fields of each area when the report was started ({area: [field codes]}): a report keeps
    # the fields it had when the province's list changes later.
    field_codes = models.JSONField(_("fields"), default=dict, editable=False)
    # Raised by every write: a page and each autosave say the version they were based on, and a
    # field another device changed since then is refused rather than overwritten.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    # What the chair typed that could not be saved ({input name: {"text": as typed, "value": the
    # value read, absent when unreadable}}): kept on the server, shown back with its error, and
    # retried at each save (a doubtful figure once confirmed). A report is submitted without it.
    draft_input = models.JSONField(_("figures not saved yet"), default=dict, blank=True, editable=False)
    staff_comment = models.TextField(_("comment from the association"), blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["club", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["club", "month"],
                name="monthly_report_once_per_club_month",
                violation_error_message=_("The club already has a report for this month."),
            ),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.DRAFT) | Q(submitted_at__isnull=False),
                name="monthly_report_submitted_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.club} — {self.month:%m/%Y}"

    @property
    def deadline(self) -> datetime.date:
        return report_deadline(self.month)

    @property
    def is_on_time(self) -> bool | None:
        """Whether it was first submitted by the deadline (Vietnam time); None while never submitted."""
        if self.first_submitted_at is None:
            return None
        return timezone.localdate(self.first_submitted_at) <= self.deadline

    @property
    def is_locked(self) -> bool:
        """Accepted reports change only after staff reopen them; submitted ones wait for review."""
        return self.status not in EDITABLE_STATUSES

    @property
    def is_returned(self) -> bool:
        return self.status == ReportStatus.RETURNED


class AreaSection(models.Model):
    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="sections", verbose_name=_("report")
    )
    area = models.CharField(_("activity area"), max_length=16, choices=ActivityArea.choices)
    no_activity = models.BooleanField(_("no activity this month"), default=False)
    values = models.JSONField(_("figures"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("area section")
        verbose_name_plural = _("area sections")
        ordering = ["report", "area"]
        constraints = [models.UniqueConstraint(fields=["report", "area"], name="area_section_once_per_report")]

    def __str__(self):
        return f"{self.report} — {self.get_area_display()}"

    @property
    def is_filled(self) -> bool:
        """Reported: either "no activity" ticked, or at least one figure typed (0 included)."""
        return self.no_activity or any(value is not None for value in self.values.values())


class ReportAction(models.TextChoices):
    STARTED = "started", _("started")
    SAVED = "saved", _("draft saved")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned with a comment")
    ACCEPTED = "accepted", _("accepted")
    REOPENED = "reopened", _("reopened")


class ReportEvent(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    action = models.CharField(_("action"), max_length=16, choices=ReportAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)
    # The report's version after the event, the inputs a save changed, and the browser it came
    # from (a random id the page keeps): what says who changed a field since a page's version, and
    # that a device's own earlier save is no conflict for it.
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    fields = models.JSONField(_("inputs changed"), default=list, blank=True)
    device = models.CharField(_("device"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "at", "pk"]

    def __str__(self):
        return f"{self.report} — {self.get_action_display()}"
