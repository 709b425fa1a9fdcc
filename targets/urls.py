from django.urls import path

from targets import export_views, plan_views, views

app_name = "targets"

# Every report page takes ?plan=<short code>&on=<dd/mm/yyyy> (targets.forms.TargetReportForm).
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("print/", views.print_layout, name="print"),
    path("new-clubs/", views.new_clubs, name="new-clubs"),
    path("clubs/", views.clubs_behind, name="clubs"),
    path("units/", views.units_behind, name="units"),
    path("export.xlsx", export_views.xlsx_export, name="export-xlsx"),
    path("export.pdf", export_views.pdf_export, name="export-pdf"),
    path("plans/", plan_views.plan_list, name="plans"),
    path("plans/new/", plan_views.plan_create, name="plan-create"),
    path("plans/<slug:code>/", plan_views.plan_edit, name="plan-edit"),
]
