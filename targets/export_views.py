"""The targets report as .xlsx and PDF: scoped like the dashboard, in the user's language."""

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from areas.selectors import scope_units
from core.spreadsheets import xlsx_response
from targets import exporters, pdf
from targets.forms import TargetReportForm
from targets.selectors import target_report


def _back_to_dashboard(request):
    """The dashboard says what is wrong with the query, or that there is no plan yet."""
    dashboard = reverse("targets:dashboard")
    return redirect(f"{dashboard}?{request.GET.urlencode()}" if request.GET else dashboard)


def _export(request, write):
    """`write(report, scope names)` in the user's language (docs/style.md §6.6), for the user's scope; back
    to the dashboard when the query is wrong or there is no plan."""
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = TargetReportForm(request.GET or None)
    plan = form.chosen_plan()
    if (form.is_bound and not form.is_valid()) or plan is None:
        return _back_to_dashboard(request)
    clubs = access.clubs_for(request.user, Cap.REPORT_VIEW)
    units = access.units_for(request.user, Cap.REPORT_VIEW)
    report = target_report(plan=plan, clubs=clubs, units=units, on=form.as_of())
    with translation.override(request.LANGUAGE_CODE):
        return write(report, [unit.name for unit in scope_units(units=units, clubs=clubs)])


def _filename(report, extension: str) -> str:
    return f"targets-{report.plan.code}-{report.on:%Y-%m-%d}.{extension}"


def _xlsx(report, scope: list[str]) -> HttpResponse:
    return xlsx_response(_filename(report, "xlsx"), exporters.report_sheets(report, scope))


def _pdf(report, scope: list[str]) -> HttpResponse:
    response = HttpResponse(pdf.pdf_bytes(report, scope), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


@require_http_methods(["GET"])
def xlsx_export(request):
    return _export(request, _xlsx)


@require_http_methods(["GET"])
def pdf_export(request):
    return _export(request, _pdf)
