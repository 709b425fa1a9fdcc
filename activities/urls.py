from django.urls import path

from activities import report_views, views

app_name = "activities"

MONTH = "club/<int:club_pk>/<int:year>/<int:month>/"

urlpatterns = [
    path("club/<int:club_pk>/", views.club_reports, name="club-reports"),
    path(MONTH, views.report_edit, name="report-edit"),
    path(MONTH + "start/", views.report_start, name="report-start"),
    path(MONTH + "report/", views.report_detail, name="report-detail"),
    path(MONTH + "return/", views.report_return, name="report-return"),
    path(MONTH + "accept/", views.report_accept, name="report-accept"),
    path(MONTH + "reopen/", views.report_reopen, name="report-reopen"),
    path(MONTH + "print/", views.report_print, name="report-print"),
    path(MONTH + "blank/", views.blank_form, name="blank-form"),
    path("completeness/", report_views.completeness, name="completeness"),
    path("all-eight/", report_views.all_eight, name="all-eight"),
]
