"""The monthly report pages of a club: its months, the report form (a phone page, saved as the
chair types), a report read-only with its history and the staff's actions, and the printable
filled and blank forms. The club's board fills in and submits its own club's (REPORT_FILL);
staff read the clubs of their area (CLUB_VIEW) and return, accept or reopen (REPORT_REVIEW).
Every write goes through activities.services."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from activities import selectors, services
from activities.fields import Field, FieldKind, fields_of
from activities.forms import CommentForm, ReasonForm, ReportForm
from activities.models import AreaSection, MonthlyReport, ReportEvent, ReportStatus
from activities.report_forms import PeriodForm, YearForm
from areas.selectors import scheme_default
from clubs.models import ActivityArea, Club
from core.bounded import MAX_ID, bounded_int
from core.dates import format_month, month_end
from core.forms import write_through
from loans.selectors import month_lending
from members.selectors import members_present_in
from web.paging import report_clubs_page

CLUB_WITH_UNIT = Club.objects.select_related("unit")


def _club(request, club_pk, cap: Cap) -> Club:
    return access.get_club(request.user, club_pk, cap, queryset=CLUB_WITH_UNIT)


def _month(year, month) -> datetime.date:
    # The address's converters (web.converters) took only a month of the years the product knows.
    return datetime.date(year, month, 1)


def _report(club: Club, year, month) -> MonthlyReport:
    try:
        return MonthlyReport.objects.select_related("club").get(club=club, month=_month(year, month))
    except MonthlyReport.DoesNotExist:
        raise Http404("No report for this month.") from None


@require_http_methods(["GET"])
def club_reports(request, club_pk):
    club = _club(request, club_pk, Cap.CLUB_VIEW)
    rows = selectors.club_report_months(club=club, today=timezone.localdate())
    return render(
        request,
        "activities/club_reports.html",
        {"club": club, "rows": rows, "can_fill": access.can_on_club(request.user, club, Cap.REPORT_FILL)},
    )


@require_http_methods(["POST"])
def report_start(request, club_pk, year, month):
    club = _club(request, club_pk, Cap.REPORT_FILL)
    try:
        report = services.report_start(actor=request.user, club=club, month=_month(year, month))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("activities:club-reports", club.pk)
    return redirect("activities:report-edit", club.pk, report.month.year, report.month.month)


def _saved_at(report: MonthlyReport) -> str:
    return time_format(timezone.localtime(report.updated_at), "H:i")


def _autosave_answer(form: ReportForm, saved: services.DraftSaved | None) -> JsonResponse:
    """The autosave's answer: the version now, what was kept unsaved and why (with the element each
    error is about), the inputs refused as changed elsewhere (with their value there) and the
    values other devices saved since the page's version."""
    if saved is None:  # no longer a draft
        return JsonResponse({"saved": False, "errors": form.error_summary()}, status=409)
    # The inputs as saved now, for those another device changed: most autosaves have none, and
    # then no second form is built (a form reads the report's sections and makes ~40 fields).
    now = ReportForm(report=saved.report).texts() if saved.conflicts or saved.changed_elsewhere else {}
    conflicts = [
        {"name": conflict.name, "label": form.label_of(conflict.name), "theirs": now[conflict.name]}
        for conflict in saved.conflicts
    ]
    answer = {
        "saved": not form.errors and not conflicts,
        "version": saved.report.version,
        "at": _saved_at(saved.report),
        "kept": sorted(saved.report.draft_input),
        "errors": form.error_summary(),
        "conflicts": conflicts,
        "conflict_messages": form.conflict_messages(saved.conflicts),
        "values": {name: now[name] for name in saved.changed_elsewhere},
    }
    return JsonResponse(answer, status=409 if conflicts else 400 if form.errors else 200)


def _draft_save(request, form: ReportForm, report: MonthlyReport) -> services.DraftSaved | None:
    """Save what the form holds, readable or not; the refusals go on the form."""
    form.is_valid()  # reads what it can: the rest is kept as typed
    try:
        saved = services.report_draft_save(actor=request.user, report=report, **form.draft_kwargs())
    except ValidationError as exc:  # the report was sent or accepted meanwhile
        form.show_refusals({"__all__": exc.error_list})
        return None
    form.show_refusals(saved.errors)
    for message in form.conflict_messages(saved.conflicts):
        form.add_error(None, message)
    return saved


def _submit(request, club: Club, report: MonthlyReport):
    """The report sent after its check page: a second sending (a double tap) answers as the first."""
    version = bounded_int(request.POST.get("version"), 0, MAX_ID)
    try:
        services.report_submit(actor=request.user, report=report, version=version)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("activities:report-edit", club.pk, report.month.year, report.month.month)
    messages.success(request, _("The report of %(month)s has been sent.") % {"month": format_month(report.month)})
    return redirect("activities:report-detail", club.pk, report.month.year, report.month.month)


@require_http_methods(["GET", "POST"])
def report_edit(request, club_pk, year, month):
    club = _club(request, club_pk, Cap.REPORT_FILL)
    report = _report(club, year, month)
    action = request.POST.get("action")
    if action == "submit":
        return _submit(request, club, report)
    autosave = request.POST.get("autosave") == "1"
    if report.is_locked:
        if autosave:
            locked = {"target": "", "area": "", "message": _("The report is no longer a draft.")}
            return JsonResponse({"saved": False, "errors": [locked]}, status=409)
        messages.info(request, _("The report has been submitted: it can no longer be changed here."))
        return redirect("activities:report-detail", club.pk, year, month)
    if request.method == "POST":
        form = ReportForm(request.POST, report=report)
        saved = _draft_save(request, form, report)
        if autosave:
            return _autosave_answer(form, saved)
        if saved is not None and not form.errors:
            report = saved.report
            if action == "review":
                return _confirm_page(request, club, report)
            messages.success(request, _("Draft saved."))
            return redirect("activities:report-edit", club.pk, year, month)
    elif report.draft_input:  # what could not be saved is shown back with its errors
        form = ReportForm(ReportForm(report=report).texts(), report=report)
        form.is_valid()
        form.show_refusals(services.report_draft_problems(report))
    else:
        initial = ReportForm.initial_of(report)
        if initial["members_present"] is None:
            # Offered from the attendance taken on the month's contributions sheet, if the club takes it.
            initial["members_present"] = members_present_in(club=club, month=report.month)
        form = ReportForm(report=report, initial=initial)
    return render(
        request,
        "activities/report_form.html",
        {
            "club": club,
            "report": report,
            "form": form,
            "cards": form.cards(),
            "meeting_fields": form.meeting_fields(),
            "error_summary": form.error_summary() if form.is_bound else [],
            "deadline": report.deadline,
            "lending": _lending(club, report),
            "draft_key": f"report-draft:{club.pk}:{report.month:%Y-%m}:{request.user.pk}",
        },
    )


def _confirm_page(request, club: Club, report: MonthlyReport):
    """What will be sent, area by area, with the button that sends it (at the version shown)."""
    return render(
        request,
        "activities/report_confirm.html",
        {"club": club, "report": report, "sections": _sections(report), "lending": _lending(club, report)},
    )


def _figure(field: Field | None, code: str, value: object) -> tuple[object, object, bool]:
    """(label, value, whether it is money in đồng): a code no longer listed shows as itself."""
    if field is None:
        return code, value, False
    return field.label, value, field.kind == FieldKind.MONEY


def _sections(report: MonthlyReport) -> list[dict]:
    """Each area of a report, in ActivityArea order, with its figures labelled (the fields it kept)."""
    stored = {section.area: section for section in report.sections.all()}
    rows = []
    for area in ActivityArea:
        section = stored.get(area) or AreaSection(report=report, area=area)
        known = {field.code: field for field in fields_of(area)}
        codes = report.field_codes.get(area, list(known))
        figures = [_figure(known.get(code), code, section.values.get(code)) for code in codes]
        rows.append({"area": area, "section": section, "figures": figures})
    return rows


def _report_with_history(club: Club, year, month) -> MonthlyReport:
    try:
        return (
            MonthlyReport.objects.select_related("club")
            .prefetch_related("sections", Prefetch("events", queryset=ReportEvent.objects.select_related("actor")))
            .get(club=club, month=_month(year, month))
        )
    except MonthlyReport.DoesNotExist:
        raise Http404("No report for this month.") from None


def _lending(club, report):
    """The income-generation figures of the report's month, from the loan book."""
    return month_lending(club=club, month=report.month, today=timezone.localdate())


@require_http_methods(["GET"])
def report_detail(request, club_pk, year, month):
    club = _club(request, club_pk, Cap.CLUB_VIEW)
    report = _report_with_history(club, year, month)
    return render(
        request,
        "activities/report_detail.html",
        {
            "club": club,
            "report": report,
            "sections": _sections(report),
            "lending": _lending(club, report),
            "can_fill": access.may_fill_report(request.user, club, locked=report.is_locked),
            "can_review": access.may_review_report(
                request.user, club, submitted=report.status == ReportStatus.SUBMITTED
            ),
            "can_reopen": access.may_reopen_report(request.user, club, accepted=report.status == ReportStatus.ACCEPTED),
            "comment_form": CommentForm(),
            "reason_form": ReasonForm(),
            "can_read_log": access.can_on_club(request.user, club, Cap.AUDIT_VIEW),
        },
    )


def _review(request, club_pk, year, month, form_class, service, field, done_message, *, then_next: bool):
    """A review that needs a text (`field`); then the next waiting report (`then_next`: a return
    empties the reviewer's queue by one) or the report again."""
    club = _club(request, club_pk, Cap.REPORT_REVIEW)
    report = _report(club, year, month)
    form = form_class(request.POST or None)
    reviewed = write_through(
        request, form, lambda data: service(actor=request.user, report=report, **{field: data[field]})
    )
    if reviewed is not None:
        messages.success(request, done_message)
        if then_next:
            return redirect("activities:review-next")
        return redirect("activities:report-detail", club.pk, year, month)
    return render(
        request,
        "activities/report_action_form.html",
        {"club": club, "report": report, "form": form, "field": field},
    )


@require_http_methods(["GET", "POST"])
def report_return(request, club_pk, year, month):
    done = _("Report returned to the club.")
    return _review(request, club_pk, year, month, CommentForm, services.report_return, "comment", done, then_next=True)


@require_http_methods(["GET", "POST"])
def report_reopen(request, club_pk, year, month):
    done = _("Report reopened.")
    return _review(request, club_pk, year, month, ReasonForm, services.report_reopen, "reason", done, then_next=False)


@require_http_methods(["POST"])
def report_accept(request, club_pk, year, month):
    club = _club(request, club_pk, Cap.REPORT_REVIEW)
    report = _report(club, year, month)
    try:
        services.report_accept(actor=request.user, report=report)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("activities:report-detail", club.pk, year, month)
    messages.success(request, _("Report accepted: it is now locked."))
    return redirect("activities:review-next")


@require_http_methods(["GET"])
def report_print(request, club_pk, year, month):
    club = _club(request, club_pk, Cap.CLUB_VIEW)
    report = _report_with_history(club, year, month)
    return render(
        request,
        "activities/report_print.html",
        {
            "club": club,
            "report": report,
            "month": report.month,
            "sections": _sections(report),
            "lending": _lending(club, report),
            "blank": False,
        },
    )


@require_http_methods(["GET"])
def blank_form(request, club_pk, year, month):
    club = _club(request, club_pk, Cap.CLUB_VIEW)
    the_month = _month(year, month)
    sections = [
        {"area": area, "figures": [_figure(field, field.code, None) for field in fields_of(area)]}
        for area in ActivityArea
    ]
    return render(
        request,
        "activities/report_print.html",
        {"club": club, "report": None, "month": the_month, "sections": sections, "blank": True},
    )


# --- over many clubs: completeness and timeliness, "all eight activities" --------------------


@require_http_methods(["GET"])
def completeness(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    clubs = access.clubs_for(request.user, Cap.CLUB_VIEW)
    today = timezone.localdate()
    # Districts as they were at the end of the period (today at the latest).
    scheme = scheme_default(min(month_end(end), today))
    report = selectors.completeness(clubs, start, end, today, scheme=scheme)
    # The clubs to call, most missing first: as many as a page of clubs; the rest are in the
    # list of missing reports (paginated), which the page links to.
    follow_up = report.follow_up
    shown = follow_up[: settings.REPORT_CLUBS_PER_PAGE]
    return render(
        request,
        "activities/completeness.html",
        {
            "form": form,
            "report": report,
            "follow_up": shown,
            "follow_up_more": len(follow_up) - len(shown),
            **report_clubs_page(request, report.clubs),
        },
    )


@require_http_methods(["GET"])
def all_eight(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = YearForm(request.GET or None)
    clubs = access.clubs_for(request.user, Cap.CLUB_VIEW)
    year = form.the_year()
    scheme = scheme_default(min(datetime.date(year, 12, 31), timezone.localdate()))
    report = selectors.all_eight_activities(clubs, year, scheme=scheme)
    return render(
        request,
        "activities/completeness_all_eight.html",
        {"form": form, "report": report, **report_clubs_page(request, report.clubs)},
    )
