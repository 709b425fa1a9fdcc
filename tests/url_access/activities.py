import datetime

from activities import services
from activities.models import MonthlyReport, ReportStatus
from clubs.models import ActivityArea
from tests.url_access import VIEW_CLUB_A1

# The club's board fills in its own club's report; staff only read it there.
FILL_IN_A1 = {**VIEW_CLUB_A1, "province_staff": 403, "area_staff": 403, "admin_user": 200}
# Staff of the club's area (and the province) review; the club board may not.
REVIEW_A1 = {**VIEW_CLUB_A1, "club_chair": 403}


def club_a1(world):
    return {"club_pk": world.club_a1.pk}


def month_of_a1(world):
    return {"club_pk": world.club_a1.pk, "year": 2025, "month": 2}


def _report(world) -> MonthlyReport:
    """February's report of A1, started once (tests/e2e/test_accessibility.py walks its pages in
    turn on one database: draft, then submitted, then accepted)."""
    month = datetime.date(2025, 2, 1)
    started = MonthlyReport.objects.filter(club=world.club_a1, month=month).first()
    return started or services.report_start(actor=None, club=world.club_a1, month=month)


def draft_of_a1(world):
    _report(world)
    return month_of_a1(world)


def submitted_of_a1(world):
    report = _report(world)
    if report.status == ReportStatus.DRAFT:
        sections = {area: {"no_activity": True} for area in ActivityArea}
        services.report_save(actor=None, report=report, sections=sections)
        services.report_submit(actor=None, report=report)
    return month_of_a1(world)


def accepted_of_a1(world):
    kwargs = submitted_of_a1(world)
    report = MonthlyReport.objects.get(club=world.club_a1)
    if report.status == ReportStatus.SUBMITTED:
        services.report_accept(actor=None, report=report)
    return kwargs


PROTECTED = {
    "activities:club-reports": ("get", club_a1, VIEW_CLUB_A1),
    # Starting February's report sends the board on to the form.
    "activities:report-start": ("post", month_of_a1, {**FILL_IN_A1, "club_chair": 302, "admin_user": 302}),
    "activities:report-edit": ("get", draft_of_a1, FILL_IN_A1),
    "activities:report-detail": ("get", submitted_of_a1, VIEW_CLUB_A1),
    "activities:report-print": ("get", submitted_of_a1, VIEW_CLUB_A1),
    "activities:blank-form": ("get", month_of_a1, VIEW_CLUB_A1),
    "activities:report-return": ("get", submitted_of_a1, REVIEW_A1),
    # Accepting sends staff back to the report.
    "activities:report-accept": (
        "post",
        submitted_of_a1,
        {**REVIEW_A1, "province_staff": 302, "area_staff": 302, "admin_user": 302},
    ),
    "activities:report-reopen": ("get", accepted_of_a1, REVIEW_A1),
}
