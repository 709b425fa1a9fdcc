"""Every page of the product: one block of routes per part, each under its own namespace
(`clubs:club-detail`, `loans:loan-list`…), which templates, redirects and the permission matrix
(tests/test_permission_matrix.py) name."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from spreadsheets.club_import import CLUB_IMPORT
from spreadsheets.cutoff_import import CUTOFF_IMPORT
from spreadsheets.importing import ImportSpec
from spreadsheets.member_import import MEMBER_IMPORT
from web import (
    accounts,
    activities,
    areas,
    audit,
    boards,
    clubs,
    exports,
    funds,
    home,
    loans,
    members,
    reports,
    review,
    spreadsheets,
    target_plans,
    targets,
)
from web.converters import DayConverter, MonthConverter, YearConverter

register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")
register_converter(DayConverter, "day")


def namespace(name: str, routes: list) -> tuple:
    return include((routes, name))


ACCOUNTS_ROUTES = [
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("language/", accounts.language_set, name="set_language"),
    path("lockouts/", accounts.lockouts, name="lockouts"),
]

AREAS_ROUTES = [
    path("", areas.unit_tree, name="unit-tree"),
    path("<int:pk>/", areas.unit_detail, name="unit-detail"),
]

CLUBS_ROUTES = [
    path("", clubs.club_list, name="club-list"),
    path("new/", clubs.club_create, name="club-create"),
    path("<int:pk>/", clubs.club_detail, name="club-detail"),
    path("<int:pk>/edit/", clubs.club_update, name="club-update"),
    path("<int:pk>/status/", clubs.club_status_change, name="club-status-change"),
    path("locations/", clubs.location_decisions, name="location-decisions"),
    path("<int:pk>/location/", clubs.location_decide, name="location-decide"),
]

# A club's board and teams, under the club's address.
BOARDS_ROUTES = [
    path("<int:pk>/board/appoint/", boards.board_position_create, name="board-position-create"),
    path("<int:pk>/board/<int:position_pk>/end/", boards.board_position_end, name="board-position-end"),
    path("<int:pk>/teams/new/", boards.team_create, name="team-create"),
    path("<int:pk>/teams/<int:team_pk>/", boards.team_detail, name="team-detail"),
    path("<int:pk>/teams/<int:team_pk>/edit/", boards.team_update, name="team-update"),
    path("<int:pk>/teams/<int:team_pk>/end/", boards.team_end, name="team-end"),
    path("<int:pk>/teams/<int:team_pk>/members/add/", boards.team_member_add, name="team-member-add"),
    path("<int:pk>/teams/<int:team_pk>/cared-for/new/", boards.team_cared_for_create, name="team-cared-for-create"),
    path(
        "<int:pk>/teams/<int:team_pk>/members/<int:membership_pk>/end/",
        boards.team_member_end,
        name="team-member-end",
    ),
]

MEMBERS_ROUTES = [
    path("", members.member_list, name="member-list"),
    path("clubs/<int:club_pk>/new/", members.member_create, name="member-create"),
    path("<int:pk>/", members.member_detail, name="member-detail"),
    path("<int:pk>/edit/", members.member_update, name="member-update"),
    path("<int:pk>/status/", members.member_status, name="member-status"),
    path("<int:pk>/leave/", members.member_leave, name="member-leave"),
    path("<int:pk>/move/", members.member_move, name="member-move"),
]

FUNDS_ROUTES = [
    path("capital/", funds.capital, name="capital"),
    # /funds/club/<club_pk>/
    path("club/<int:club_pk>/", funds.club_funds, name="club-funds"),
    path("club/<int:club_pk>/contribution/new/", funds.contribution_create, name="contribution-create"),
    path("club/<int:club_pk>/spending/new/", funds.spending_create, name="spending-create"),
    path("club/<int:club_pk>/transfer/new/", funds.transfer_create, name="transfer-create"),
    path("club/<int:club_pk>/opening-balance/new/", funds.opening_balance_create, name="opening-balance-create"),
    path("club/<int:club_pk>/entries/<int:entry_pk>/correct/", funds.entry_correct, name="entry-correct"),
    path(
        "club/<int:club_pk>/contributions/<year:year>/<month:month>/",
        funds.contributions_sheet,
        name="contributions-sheet",
    ),
    path("club/<int:club_pk>/usual-contributions/", funds.usual_contributions, name="usual-contributions"),
    path("club/<int:club_pk>/months/close/", funds.month_close, name="month-close"),
    path("club/<int:club_pk>/months/<int:closed_pk>/reopen/", funds.month_reopen, name="month-reopen"),
    # The kind of fund last: "income" or "activity" (anything else is no fund: 404).
    path("club/<int:club_pk>/<slug:kind>/", funds.cash_book, name="cash-book"),
]

LOANS_ROUTES = [
    # /loans/club/<club_pk>/: the club's loan book, its rules and its meeting collection sheets
    path("club/<int:club_pk>/", loans.loan_list, name="loan-list"),
    path("club/<int:club_pk>/new/", loans.loan_create, name="loan-create"),
    path("club/<int:club_pk>/rules/", loans.rules_list, name="rules"),
    path("club/<int:club_pk>/rules/new/", loans.rules_create, name="rules-create"),
    path("club/<int:club_pk>/collection/<year:year>/<month:month>/", loans.collection_sheet, name="collection-sheet"),
    path(
        "club/<int:club_pk>/meeting/<year:year>/<month:month>/<day:day>/", loans.meeting_summary, name="meeting-summary"
    ),
    # /loans/club/<club_pk>/<pk>/: one loan and its actions
    path("club/<int:club_pk>/<int:pk>/", loans.loan_detail, name="loan-detail"),
    path("club/<int:club_pk>/<int:pk>/approve/", loans.loan_approve, name="loan-approve"),
    path("club/<int:club_pk>/<int:pk>/reject/", loans.loan_reject, name="loan-reject"),
    path("club/<int:club_pk>/<int:pk>/disburse/", loans.loan_disburse, name="loan-disburse"),
    path("club/<int:club_pk>/<int:pk>/repayments/new/", loans.repayment_create, name="repayment-create"),
    path(
        "club/<int:club_pk>/<int:pk>/repayments/<int:repayment_pk>/reverse/",
        loans.repayment_reverse,
        name="repayment-reverse",
    ),
    path("club/<int:club_pk>/<int:pk>/write-off/", loans.loan_write_off, name="loan-write-off"),
    path("club/<int:club_pk>/<int:pk>/reschedule/", loans.loan_reschedule, name="loan-reschedule"),
]

MONTH = "club/<int:club_pk>/<year:year>/<month:month>/"
ACTIVITIES_ROUTES = [
    path("club/<int:club_pk>/", activities.club_reports, name="club-reports"),
    path(MONTH, activities.report_edit, name="report-edit"),
    path(MONTH + "start/", activities.report_start, name="report-start"),
    path(MONTH + "report/", activities.report_detail, name="report-detail"),
    path(MONTH + "return/", activities.report_return, name="report-return"),
    path(MONTH + "accept/", activities.report_accept, name="report-accept"),
    path(MONTH + "reopen/", activities.report_reopen, name="report-reopen"),
    path(MONTH + "print/", activities.report_print, name="report-print"),
    path(MONTH + "blank/", activities.blank_form, name="blank-form"),
    path("completeness/", activities.completeness, name="completeness"),
    path("all-eight/", activities.all_eight, name="all-eight"),
    # What waits for staff: the home's figures open these.
    path("review/", review.review_queue, name="review-queue"),
    path("review/next/", review.review_next, name="review-next"),
    path("returned/", review.returned, name="returned"),
    path("missing/", review.missing, name="missing"),
]


def import_routes(spec: ImportSpec) -> list:
    """The upload, template, preview, confirm and progress pages of one import, named <url_prefix>-import…

    One set of names per import, so that tests/url_access decides who may open each one.
    """
    kind = {"kind": spec.kind}
    prefix = spec.url_prefix
    return [
        path(f"{spec.kind}/import/", spreadsheets.import_upload, kind, name=f"{prefix}-import"),
        path(f"{spec.kind}/import/template/", spreadsheets.import_template, kind, name=f"{prefix}-import-template"),
        path(f"{spec.kind}/import/<int:pk>/", spreadsheets.import_preview, kind, name=f"{prefix}-import-preview"),
        path(
            f"{spec.kind}/import/<int:pk>/confirm/", spreadsheets.import_confirm, kind, name=f"{prefix}-import-confirm"
        ),
        path(
            f"{spec.kind}/import/<int:pk>/progress/",
            spreadsheets.import_progress,
            kind,
            name=f"{prefix}-import-progress",
        ),
    ]


SPREADSHEETS_ROUTES = [
    *import_routes(CLUB_IMPORT),
    *import_routes(MEMBER_IMPORT),
    *import_routes(CUTOFF_IMPORT),
]

REPORTS_ROUTES = [
    path("scorecard/", reports.scorecard, name="scorecard"),
    path("portfolio/", reports.portfolio, name="portfolio"),
    path("portfolio/overdue/", reports.portfolio_overdue, name="portfolio-overdue"),
]

# Every report page takes ?plan=<short code>&on=<dd/mm/yyyy> (targets.forms.TargetReportForm).
TARGETS_ROUTES = [
    path("", targets.dashboard, name="dashboard"),
    path("print/", targets.print_layout, name="print"),
    path("trend/", targets.trend, name="trend"),
    path("new-clubs/", targets.new_clubs, name="new-clubs"),
    path("clubs/", targets.clubs_behind, name="clubs"),
    path("units/", targets.units_behind, name="units"),
    path("plans/", target_plans.plan_list, name="plans"),
    path("plans/new/", target_plans.plan_create, name="plan-create"),
    path("plans/<slug:code>/", target_plans.plan_edit, name="plan-edit"),
]

AUDIT_ROUTES = [
    path("", audit.audit_log, name="log"),
]

# Every export (spreadsheets.registry.EXPORTS) by its identifier and format: over the user's clubs, or
# about the club of the URL (the cash books).
EXPORTS_ROUTES = [
    path("<slug:identifier>.<slug:export_format>", exports.download, name="download"),
    path("club/<int:club_pk>/<slug:identifier>.<slug:export_format>", exports.download, name="club-download"),
    # An export too large for the web request, written by a background job: its progress, then its file.
    path("jobs/<int:pk>/", exports.job_progress, name="job"),
    path("jobs/<int:pk>/file", exports.job_file, name="job-file"),
]

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/", include(ACCOUNTS_ROUTES)),
    path("areas/", namespace("areas", AREAS_ROUTES)),
    path("clubs/", namespace("clubs", CLUBS_ROUTES)),
    path("clubs/", namespace("boards", BOARDS_ROUTES)),
    path("members/", namespace("members", MEMBERS_ROUTES)),
    path("funds/", namespace("funds", FUNDS_ROUTES)),
    path("loans/", namespace("loans", LOANS_ROUTES)),
    path("activities/", namespace("activities", ACTIVITIES_ROUTES)),
    path("spreadsheets/", namespace("spreadsheets", SPREADSHEETS_ROUTES)),
    path("reports/", namespace("reports", REPORTS_ROUTES)),
    path("targets/", namespace("targets", TARGETS_ROUTES)),
    path("exports/", namespace("exports", EXPORTS_ROUTES)),
    path("audit/", namespace("audit", AUDIT_ROUTES)),
]
