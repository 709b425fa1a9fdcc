from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from core.spreadsheets import xlsx_response
from reports import exporters, selectors
from reports.forms import AsOfForm


@require_http_methods(["GET"])
def scorecard(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = AsOfForm(request.GET or None)
    clubs = access.clubs_for(request.user, Cap.REPORT_VIEW)
    scope = selectors.scope_units(units=access.units_for(request.user, Cap.REPORT_VIEW), clubs=clubs)
    report = selectors.scorecard_report(clubs=clubs, on=form.as_of())
    return render(request, "reports/scorecard.html", {"form": form, "report": report, "scope": scope})


@require_http_methods(["GET"])
def scorecard_export(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = AsOfForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # The page says what is wrong with the date.
        return redirect(f"{reverse('reports:scorecard')}?{request.GET.urlencode()}")
    clubs = access.clubs_for(request.user, Cap.REPORT_VIEW)
    scope = selectors.scope_units(units=access.units_for(request.user, Cap.REPORT_VIEW), clubs=clubs)
    report = selectors.scorecard_report(clubs=clubs, on=form.as_of())
    # In the user's language, whatever happens to be active (STYLE §6.6).
    with translation.override(request.LANGUAGE_CODE):
        sheets = exporters.scorecard_sheets(report, [unit.name for unit in scope])
        return xlsx_response(f"scorecard-{report.on:%Y-%m-%d}.xlsx", sheets)
