"""Writes to the monthly reports: start, save a draft, submit, return, accept, reopen.

Every service is atomic, takes the acting user, records a ReportEvent and an audit entry. Who may
call which (the club's board submits its own club's report, staff review) is decided by
accounts.access in the views; the services check the rules of the report itself:
- one report per club and month, only for a month in which the club was active (on its first
  or its last day: a club launched or dissolved during the month reports that month);
- figures are whole numbers ≥ 0; a number of people cannot be more than the club's active
  members on the month's last day; a doubtful value (activities/fields.py) is saved only once
  the chair confirms it;
- only a draft or a returned report can be changed or submitted; a submitted report is returned
  (with a comment) or accepted; an accepted one is reopened (with a reason) before it can change
  again.
"""

import datetime
from collections.abc import Mapping
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.fields import field_codes, fields_of
from activities.models import EDITABLE_STATUSES, AreaSection, MonthlyReport, ReportAction, ReportEvent, ReportStatus
from audit.services import acting_user, audit_record
from boards.models import TeamMemberRole, TeamMembership
from clubs.models import ActivityArea, Club, ClubStatus
from core.dates import format_month, month_end, month_start
from core.types import Actor
from members.models import Membership

ERROR_MONTH_IN_FUTURE = _("A month that has not started yet cannot be reported.")
ERROR_CLUB_NOT_ACTIVE = _("The club was not active in %(month)s: there is nothing to report.")
ERROR_ALREADY_REPORTED = _("The club already has a report for %(month)s.")
ERROR_NOT_A_DRAFT = _("The report is “%(status)s”: it cannot be changed now.")
ERROR_NOT_SUBMITTED = _("Only a submitted report can be returned or accepted.")
ERROR_NOT_ACCEPTED = _("Only an accepted report can be reopened.")
ERROR_COMMENT_REQUIRED = _("Say what the club should fix.")
ERROR_REASON_REQUIRED = _("Give the reason for reopening the report.")
ERROR_NOT_WHOLE = _("%(field)s: enter a whole number, 0 or more.")
ERROR_TOO_MANY_PEOPLE = _("%(field)s: %(value)s is more than the club's %(members)s active members.")
ERROR_DOUBTFUL = _("%(field)s: %(value)s looks high (more than %(limit)s). Check it, then confirm to save it.")
ERROR_MORE_THAN_REGISTER = _(
    "%(field)s: %(value)s is more than the %(recorded)s people recorded as receiving home care (members flagged "
    "in the register and people cared for by the home-care team). Check it, then confirm to save it."
)
ERROR_UNFILLED = _("Fill in each area, or tick “no activity this month”: %(areas)s.")
ERROR_ACTIVITY_AND_FIGURES = _("%(area)s: “no activity this month” is ticked, but figures are filled in.")


def club_active_in(club: Club, month: datetime.date) -> bool:
    """Active on the month's first or last day (launched or dissolved during it: it reports it)."""
    return ClubStatus.ACTIVE in {club.status_on(day) for day in (month_start(month), month_end(month))}


def _event(report: MonthlyReport, action: str, actor: Actor, comment: str = "") -> None:
    ReportEvent.objects.create(report=report, action=action, actor=acting_user(actor), comment=comment)
    audit_record(
        actor=actor,
        action=f"activities.report.{action}",
        target=report,
        data={"club": report.club.code, "month": report.month.isoformat(), "status": report.status, "comment": comment},
    )


@transaction.atomic
def report_start(*, actor: Actor, club: Club, month: datetime.date) -> MonthlyReport:
    """The draft report of a club for a month, with an empty section for each area."""
    month = month_start(month)
    if month > timezone.localdate():
        raise ValidationError(ERROR_MONTH_IN_FUTURE)
    if not club_active_in(club, month):
        raise ValidationError(ERROR_CLUB_NOT_ACTIVE, params={"month": format_month(month)})
    if MonthlyReport.objects.filter(club=club, month=month).exists():
        raise ValidationError(ERROR_ALREADY_REPORTED, params={"month": format_month(month)})
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(club=club, month=month, field_codes=field_codes())
    except IntegrityError:  # started at the same moment by someone else
        raise ValidationError(ERROR_ALREADY_REPORTED, params={"month": format_month(month)}) from None
    AreaSection.objects.bulk_create(AreaSection(report=report, area=area) for area in ActivityArea)
    _event(report, ReportAction.STARTED, actor)
    return report


def _require_editable(report: MonthlyReport) -> None:
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(ERROR_NOT_A_DRAFT, params={"status": report.get_status_display()})


def home_care_recorded(club: Club, on: datetime.date) -> int:
    """People recorded as receiving home care in a club on a day: active members flagged in the
    register, and people in its home-care teams as cared for (each person once).

    One query: the UNION of the two sets of person ids, each read from the club's own rows
    through its indexes. An OR of the two conditions on the people would read every person of
    the province at each save of a monthly report.
    """
    flagged = Membership.objects.active_on(on).filter(club=club, person__receives_home_care=True).values("person_id")
    cared_for = (
        TeamMembership.objects.held_on(on)
        .filter(team__club=club, team__activity_area=ActivityArea.HOME_CARE, role=TeamMemberRole.CARED_FOR)
        .values("person_id")
    )
    return flagged.order_by().union(cared_for.order_by()).count()


class SectionEntry(TypedDict, total=False):
    """One area of a report as the form posts it to report_save."""

    no_activity: bool
    values: Mapping[str, object]  # {field code: a whole number, None or ""}
    note: str


def _clean_section(
    *, area: str, values: Mapping[str, object], members: int, confirmed: bool, home_care: int = 0
) -> dict[str, int | None]:
    """The figures of one area as whole numbers (None for blank), checked field by field."""
    fields = {field.code: field for field in fields_of(area)}
    cleaned: dict[str, int | None] = {}
    errors: list[ValidationError] = []
    for code, field in fields.items():
        value = values.get(code)
        if value in (None, ""):
            cleaned[code] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors.append(ValidationError(ERROR_NOT_WHOLE, params={"field": field.label}))
            continue
        if field.is_people and value > members:
            errors.append(
                ValidationError(
                    ERROR_TOO_MANY_PEOPLE, params={"field": field.label, "value": value, "members": members}
                )
            )
        cleaned[code] = value
    for code, field in fields.items():
        figure = cleaned.get(code)  # None: blank, or refused above
        if field.doubtful_above and figure is not None and not confirmed:
            other, factor = field.doubtful_above
            limit = factor * (cleaned.get(other) or 0)
            if figure > limit:
                errors.append(
                    ValidationError(
                        ERROR_DOUBTFUL,
                        code="doubtful",
                        params={"field": field.label, "value": figure, "limit": limit},
                    )
                )
        if field.checked_against_home_care_register and (figure or 0) > home_care and not confirmed:
            errors.append(
                ValidationError(
                    ERROR_MORE_THAN_REGISTER,
                    code="doubtful",
                    params={"field": field.label, "value": figure, "recorded": home_care},
                )
            )
    if errors:
        raise ValidationError({area: errors})
    return cleaned


@transaction.atomic
def report_save(
    *,
    actor: Actor,
    report: MonthlyReport,
    sections: dict[str, SectionEntry],
    meeting_date: datetime.date | None = None,
    members_present: int | None = None,
    meeting_topics: str = "",
    confirmed: bool = False,
) -> MonthlyReport:
    """Save a draft as the chair types: `sections` is {area: {"no_activity", "values", "note"}}.

    Areas left out of `sections` keep what they had. Errors come back keyed by area.
    """
    report = MonthlyReport.objects.select_for_update().select_related("club").get(pk=report.pk)
    _require_editable(report)
    members = Membership.objects.active_on(month_end(report.month)).filter(club=report.club).count()
    home_care = home_care_recorded(report.club, month_end(report.month)) if ActivityArea.HOME_CARE in sections else 0
    if members_present is not None and members_present > members:
        raise ValidationError(
            {
                "members_present": ValidationError(
                    ERROR_TOO_MANY_PEOPLE,
                    params={"field": _("members present"), "value": members_present, "members": members},
                )
            }
        )
    errors: dict[str, list[ValidationError]] = {}
    stored = {section.area: section for section in report.sections.all()}
    changed: list[AreaSection] = []
    for area, entry in sections.items():
        section = stored[ActivityArea(area)]
        try:
            values = _clean_section(
                area=area, values=entry.get("values", {}), members=members, confirmed=confirmed, home_care=home_care
            )
        except ValidationError as exc:
            errors.update(exc.error_dict)  # the errors keep their codes: the form asks to confirm the doubtful
            continue
        no_activity = bool(entry.get("no_activity"))
        if no_activity and any(value is not None for value in values.values()):
            errors[area] = [ValidationError(ERROR_ACTIVITY_AND_FIGURES, params={"area": ActivityArea(area).label})]
            continue
        section.no_activity, section.values, section.note = no_activity, values, entry.get("note", "").strip()
        changed.append(section)
    if errors:
        raise ValidationError(errors)
    AreaSection.objects.bulk_update(changed, ["no_activity", "values", "note"])
    report.meeting_date, report.members_present, report.meeting_topics = (
        meeting_date,
        members_present,
        meeting_topics.strip(),
    )
    report.save(update_fields=["meeting_date", "members_present", "meeting_topics", "updated_at"])
    ReportEvent.objects.create(report=report, action=ReportAction.SAVED, actor=acting_user(actor))
    return report


@transaction.atomic
def report_submit(*, actor: Actor, report: MonthlyReport) -> MonthlyReport:
    """The board sends its report (a draft, or a returned one again): every area filled in or
    marked "no activity"."""
    report = MonthlyReport.objects.select_for_update().select_related("club").get(pk=report.pk)
    _require_editable(report)
    unfilled = [section.get_area_display() for section in report.sections.order_by("pk") if not section.is_filled]
    if unfilled:
        raise ValidationError(ERROR_UNFILLED, params={"areas": ", ".join(str(area) for area in unfilled)})
    now = timezone.now()
    report.status, report.submitted_at = ReportStatus.SUBMITTED, now
    report.first_submitted_at = report.first_submitted_at or now
    report.save(update_fields=["status", "submitted_at", "first_submitted_at", "updated_at"])
    _event(report, ReportAction.SUBMITTED, actor)
    return report


def _reviewed(report: MonthlyReport) -> MonthlyReport:
    report = MonthlyReport.objects.select_for_update().select_related("club").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(ERROR_NOT_SUBMITTED)
    return report


@transaction.atomic
def report_return(*, actor: Actor, report: MonthlyReport, comment: str) -> MonthlyReport:
    """Staff send a submitted report back to the club with what to fix: it is returned, and the
    board changes it and submits it again."""
    comment = comment.strip()
    if not comment:
        raise ValidationError({"comment": ERROR_COMMENT_REQUIRED})
    report = _reviewed(report)
    report.status, report.staff_comment = ReportStatus.RETURNED, comment
    report.save(update_fields=["status", "staff_comment", "updated_at"])
    _event(report, ReportAction.RETURNED, actor, comment)
    return report


@transaction.atomic
def report_accept(*, actor: Actor, report: MonthlyReport) -> MonthlyReport:
    report = _reviewed(report)
    report.status, report.accepted_at = ReportStatus.ACCEPTED, timezone.now()
    report.save(update_fields=["status", "accepted_at", "updated_at"])
    _event(report, ReportAction.ACCEPTED, actor)
    return report


@transaction.atomic
def report_reopen(*, actor: Actor, report: MonthlyReport, reason: str) -> MonthlyReport:
    """Staff unlock an accepted report (a correction the club asked for), with the reason logged."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ERROR_REASON_REQUIRED})
    report = MonthlyReport.objects.select_for_update().select_related("club").get(pk=report.pk)
    if report.status != ReportStatus.ACCEPTED:
        raise ValidationError(ERROR_NOT_ACCEPTED)
    report.status, report.accepted_at = ReportStatus.DRAFT, None
    report.save(update_fields=["status", "accepted_at", "updated_at"])
    _event(report, ReportAction.REOPENED, actor, reason)
    return report
