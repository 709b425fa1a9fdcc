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
  again;
- every write raises the report's version. The form saves input by input against the version its
  page was based on: an input another device changed since is refused (a conflict), the others
  merge; what the rules refuse is kept as typed and shown back, and blocks the submission.
"""

import dataclasses
import datetime
from collections.abc import Mapping
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.fields import MEETING_FIELDS, canonical, field_codes, fields_of, input_name, invalid_canonical
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
ERROR_CHANGED_SINCE_CHECKED = _("The report changed after you checked it: check it again, then send it.")
ERROR_KEPT_UNSAVED = _("Some figures are not saved yet: fix those marked in red, then send the report.")
ERROR_ACTIVITY_AND_FIGURES = _("%(area)s: “no activity this month” is ticked, but figures are filled in.")


def club_active_in(club: Club, month: datetime.date) -> bool:
    """Active on the month's first or last day (launched or dissolved during it: it reports it)."""
    return ClubStatus.ACTIVE in {club.status_on(day) for day in (month_start(month), month_end(month))}


def _event(report: MonthlyReport, action: str, actor: Actor, comment: str = "") -> None:
    ReportEvent.objects.create(
        report=report, action=action, actor=acting_user(actor), comment=comment, version=report.version
    )
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
    """One area of a report as a caller gives it to report_save."""

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


@dataclasses.dataclass(frozen=True)
class Typed:
    """One input as the chair typed it: its text, and the value the form read from it (`readable`
    False: nothing could be read, and the text alone is kept)."""

    text: str
    value: object = None
    readable: bool = True

    @property
    def canonical(self) -> str:
        return canonical(self.value) if self.readable else invalid_canonical(self.text)

    def as_draft(self) -> dict[str, object]:
        return {"text": self.text, "value": self.value} if self.readable else {"text": self.text}

    @classmethod
    def from_draft(cls, entry: Mapping[str, Any]) -> "Typed":
        return cls(entry["text"], entry.get("value"), readable="value" in entry)


@dataclasses.dataclass(frozen=True)
class Conflict:
    """An input another device changed since the page's version: who, when."""

    name: str
    by: str
    at: datetime.datetime | None


@dataclasses.dataclass
class DraftSaved:
    """What report_draft_save did: the report as saved, the refusals of what it kept as typed
    ({area or input name: errors}), the inputs refused because another device changed them, and
    the inputs other devices changed since the page's version (to show their values)."""

    report: MonthlyReport
    errors: dict[str, list[ValidationError]]
    conflicts: list[Conflict]
    changed_elsewhere: set[str]


def _area_of(name: str) -> str | None:
    area, _sep, code = name.partition("-")
    return area if code else None


def stored_values(report: MonthlyReport, sections: Mapping[str, AreaSection]) -> dict[str, object]:
    """Every input of the report as saved, the meeting's and each area's ({input name: value})."""
    values: dict[str, object] = {name: getattr(report, name) for name in MEETING_FIELDS}
    for area in ActivityArea:
        section = sections[area]
        values[input_name(area, "no_activity")] = section.no_activity
        values[input_name(area, "note")] = section.note
        for field in fields_of(area):
            values[input_name(area, field.code)] = section.values.get(field.code)
    return values


def _changes_since(report: MonthlyReport, version: int | None) -> dict[str, ReportEvent]:
    """The last save that changed each input after `version` (one query; none when up to date)."""
    if version is None or version >= report.version:
        return {}
    latest: dict[str, ReportEvent] = {}
    events = report.events.filter(action=ReportAction.SAVED, version__gt=version).select_related("actor")
    for event in events.order_by("version"):
        for name in event.fields:
            latest[name] = event
    return latest


def _check(
    report: MonthlyReport, values: Mapping[str, object], names: set[str], confirmed: bool
) -> tuple[dict[str, list[ValidationError]], dict[str, dict[str, int | None]]]:
    """The rules on the areas (and the members present) that `names` touch, `values` being every
    input as it would be saved: the errors by area or input name, and the figures of each area
    that passes."""
    month_last = month_end(report.month)
    areas = {area for name in names if (area := _area_of(name))}
    members = Membership.objects.active_on(month_last).filter(club=report.club).count()
    home_care = home_care_recorded(report.club, month_last) if ActivityArea.HOME_CARE in areas else 0
    errors: dict[str, list[ValidationError]] = {}
    present = values["members_present"]
    if "members_present" in names and isinstance(present, int) and present > members:
        errors["members_present"] = [
            ValidationError(
                ERROR_TOO_MANY_PEOPLE, params={"field": _("members present"), "value": present, "members": members}
            )
        ]
    passed: dict[str, dict[str, int | None]] = {}
    for area in ActivityArea:
        if area not in areas:
            continue
        figures = {field.code: values[input_name(area, field.code)] for field in fields_of(area)}
        try:
            cleaned = _clean_section(
                area=area, values=figures, members=members, confirmed=confirmed, home_care=home_care
            )
        except ValidationError as exc:
            errors.update(exc.error_dict)  # the errors keep their codes: the form asks to confirm the doubtful
            continue
        if values[input_name(area, "no_activity")] and any(value is not None for value in cleaned.values()):
            errors[area] = [ValidationError(ERROR_ACTIVITY_AND_FIGURES, params={"area": area.label})]
            continue
        passed[area] = cleaned
    return errors, passed


def _is_conflict(name: str, base: Mapping[str, str], current: str, other: ReportEvent | None, device: str) -> bool:
    """Whether another device changed an input since the page's base: its value is not the one
    the page showed, or (the page sent no base) a later save changed it. A save by this same
    device (its answer lost on the way) is no conflict."""
    if other is not None and device and other.device == device:
        return False
    if name in base:
        return base[name] != current
    return other is not None


def _merge(
    *,
    actor: Actor,
    report: MonthlyReport,
    typed: Mapping[str, Typed],
    version: int | None,
    base: Mapping[str, str],
    device: str,
    confirmed: bool,
) -> DraftSaved:
    """Write what was typed into the locked report, input by input.

    An input typed as it is saved changes nothing; one typed as the page showed it (its `base`)
    was not touched there. Any other is a change: refused as a conflict when another device
    changed the input since; else checked with the rules of its area, saved when they pass, kept
    as typed in the draft when they do not (or when nothing could be read from it). What the draft
    keeps is tried again at each save (a doubtful figure passes once confirmed)."""
    sections = {section.area: section for section in report.sections.all()}
    stored = stored_values(report, sections)
    draft = dict(report.draft_input)
    current = {
        name: Typed.from_draft(draft[name]).canonical if name in draft else canonical(value)
        for name, value in stored.items()
    }
    since = _changes_since(report, version)
    conflicts: list[Conflict] = []
    changes: dict[str, Typed] = {}
    for name, entry in typed.items():
        mine = entry.canonical
        if name not in current or mine == current[name] or base.get(name) == mine:
            continue
        other = since.get(name)
        if _is_conflict(name, base, current[name], other, device):
            conflicts.append(Conflict(name, str(other.actor or "") if other else "", other.at if other else None))
        else:
            changes[name] = entry
    if changes:
        _require_editable(report)
    conflicting = {conflict.name for conflict in conflicts}
    retried = {name: Typed.from_draft(entry) for name, entry in draft.items() if name not in conflicting}
    candidates = {**retried, **changes}
    errors: dict[str, list[ValidationError]] = {}
    if candidates:
        values = {**stored, **{name: entry.value for name, entry in candidates.items() if entry.readable}}
        errors, passed = _check(report, values, set(candidates), confirmed)
        for name, entry in candidates.items():
            if entry.readable and name not in errors and _area_of(name) not in errors:
                draft.pop(name, None)
                if name in MEETING_FIELDS:
                    setattr(report, name, entry.value.strip() if isinstance(entry.value, str) else entry.value)
            else:
                draft[name] = entry.as_draft()
        for area, figures in passed.items():
            section = sections[area]
            section.no_activity = bool(values[input_name(area, "no_activity")])
            section.values = figures
            section.note = str(values[input_name(area, "note")] or "").strip()
        AreaSection.objects.bulk_update([sections[area] for area in passed], ["no_activity", "values", "note"])
    saved = set(changes) | {name for name in retried if name not in draft}
    if saved or draft != report.draft_input:
        report.draft_input = draft
        report.version += 1
        report.save(update_fields=[*MEETING_FIELDS, "draft_input", "version", "updated_at"])
        ReportEvent.objects.create(
            report=report,
            action=ReportAction.SAVED,
            actor=acting_user(actor),
            version=report.version,
            fields=sorted(saved | set(changes)),
            device=device,
        )
    return DraftSaved(report=report, errors=errors, conflicts=conflicts, changed_elsewhere=set(since) - conflicting)


def _locked(report: MonthlyReport) -> MonthlyReport:
    return MonthlyReport.objects.select_for_update().select_related("club").get(pk=report.pk)


@transaction.atomic
def report_draft_save(
    *,
    actor: Actor,
    report: MonthlyReport,
    typed: Mapping[str, Typed],
    version: int | None,
    base: Mapping[str, str] | None = None,
    device: str = "",
    confirmed: bool = False,
) -> DraftSaved:
    """Save what the chair typed on a page at `version`: `typed` holds the inputs sent ({input
    name: Typed}), `base` the canonical value each had when the page last saved, `device` the
    random id the page keeps.

    Nothing typed is lost: what the rules refuse is kept as typed (report.draft_input) and comes
    back with its errors; an input another device changed meanwhile is refused as a conflict, and
    the others are saved. Two devices changing different inputs both keep their work."""
    return _merge(
        actor=actor,
        report=_locked(report),
        typed=typed,
        version=version,
        base=base or {},
        device=device,
        confirmed=confirmed,
    )


def report_draft_problems(report: MonthlyReport, *, confirmed: bool = False) -> dict[str, list[ValidationError]]:
    """The rules' refusals of what the report keeps as typed, to show them back with it (reads only)."""
    kept = {name: Typed.from_draft(entry) for name, entry in report.draft_input.items()}
    readable = {name: entry.value for name, entry in kept.items() if entry.readable}
    if not readable:
        return {}
    sections = {section.area: section for section in report.sections.all()}
    return _check(report, {**stored_values(report, sections), **readable}, set(readable), confirmed)[0]


@transaction.atomic
def report_save(
    *,
    actor: Actor,
    report: MonthlyReport,
    sections: Mapping[str, SectionEntry],
    confirmed: bool = False,
    **meeting: object,
) -> MonthlyReport:
    """Save figures given as {area: {"no_activity", "values", "note"}} and the meeting's inputs
    (meeting_date, members_present, meeting_topics) all or nothing, for callers other than the
    form (imports, demo data): errors come back keyed by area. What is left out keeps what it had."""
    unknown = set(meeting) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"report_save() got unexpected inputs: {sorted(unknown)}")
    report = _locked(report)
    _require_editable(report)
    typed = {name: Typed(str(value), value) for name, value in meeting.items()}
    for area, entry in sections.items():
        for key, value in entry.items():
            if key != "values":
                typed[input_name(area, key)] = Typed(str(value), value)
        for code, value in entry.get("values", {}).items():
            typed[input_name(area, code)] = Typed(str(value), value)
    saved = _merge(actor=actor, report=report, typed=typed, version=None, base={}, device="", confirmed=confirmed)
    if saved.errors:
        raise ValidationError(saved.errors)
    return saved.report


@transaction.atomic
def report_submit(*, actor: Actor, report: MonthlyReport, version: int | None = None) -> MonthlyReport:
    """The board sends its report: every area filled in or marked "no activity", nothing kept
    unsaved. `version` is the version the sender checked: a report changed since is refused, and
    the same sending received twice (a double tap, a retried request) answers as the first did."""
    report = _locked(report)
    if (
        version is not None
        and report.status == ReportStatus.SUBMITTED
        and report.events.filter(action=ReportAction.SUBMITTED, version=version + 1).exists()
    ):
        return report
    _require_editable(report)
    if version is not None and version != report.version:
        raise ValidationError(ERROR_CHANGED_SINCE_CHECKED)
    if report.draft_input:
        raise ValidationError(ERROR_KEPT_UNSAVED)
    unfilled = [section.get_area_display() for section in report.sections.order_by("pk") if not section.is_filled]
    if unfilled:
        raise ValidationError(ERROR_UNFILLED, params={"areas": ", ".join(str(area) for area in unfilled)})
    now = timezone.now()
    report.status, report.submitted_at = ReportStatus.SUBMITTED, now
    report.first_submitted_at = report.first_submitted_at or now
    _transition(report, ["status", "submitted_at", "first_submitted_at"])
    _event(report, ReportAction.SUBMITTED, actor)
    return report


def _transition(report: MonthlyReport, update_fields: list[str]) -> None:
    """Save a change of state: it raises the version, so a page opened before is out of date."""
    report.version += 1
    report.save(update_fields=[*update_fields, "version", "updated_at"])


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
    _transition(report, ["status", "staff_comment"])
    _event(report, ReportAction.RETURNED, actor, comment)
    return report


@transaction.atomic
def report_accept(*, actor: Actor, report: MonthlyReport) -> MonthlyReport:
    report = _reviewed(report)
    report.status, report.accepted_at = ReportStatus.ACCEPTED, timezone.now()
    _transition(report, ["status", "accepted_at"])
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
    _transition(report, ["status", "accepted_at"])
    _event(report, ReportAction.REOPENED, actor, reason)
    return report
