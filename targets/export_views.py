"""The targets report as .xlsx and PDF: scoped like the dashboard, in the user's language."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from core.spreadsheets import xlsx_response
from reports.selectors import scope_units
from targets import exporters, pdf
from targets.forms import TargetReportForm
from targets.selectors import target_report


def _back_to_dashboard(request):
    """The dashboard says what is wrong with the query, or that there is no plan yet."""
    dashboard = reverse("targets:dashboard")
    return redirect(f"{dashboard}?{request.GET.urlencode()}" if request.GET else dashboard)


def _scoped_report(user, plan, on):
    """The report over the user's clubs and units, and the names of the top units of that scope."""
    clubs = access.clubs_for(user, Cap.REPORT_VIEW)
    units = access.units_for(user, Cap.REPORT_VIEW)
    report = target_report(plan=plan, clubs=clubs, units=units, on=on)
    return report, [unit.name for unit in scope_units(units=units, clubs=clubs)]


def _filename(report, extension: str) -> str:
    return f"targets-{report.plan.code}-{report.on:%Y-%m-%d}.{extension}"


@require_http_methods(["GET"])
def xlsx_export(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = TargetReportForm(request.GET or None)
    plan = form.chosen_plan()
    if (form.is_bound and not form.is_valid()) or plan is None:
        return _back_to_dashboard(request)
    report, scope = _scoped_report(request.user, plan, form.as_of())
    # In the user's language, whatever happens to be active (STYLE §6.6).
    with translation.override(request.LANGUAGE_CODE):
        return xlsx_response(_filename(report, "xlsx"), exporters.report_sheets(report, scope))


@require_http_methods(["GET"])
def pdf_export(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = TargetReportForm(request.GET or None)
    plan = form.chosen_plan()
    if (form.is_bound and not form.is_valid()) or plan is None:
        return _back_to_dashboard(request)
    report, scope = _scoped_report(request.user, plan, form.as_of())
    with translation.override(request.LANGUAGE_CODE):
        content = pdf.pdf_bytes(report, scope)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response
