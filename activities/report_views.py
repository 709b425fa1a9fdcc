"""Staff pages over many clubs' monthly reports: completeness and timeliness, "all eight activities"."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from activities import selectors
from activities.report_forms import PeriodForm, YearForm


@require_http_methods(["GET"])
def completeness(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = PeriodForm(request.GET or None)
    start, end = form.period()
    clubs = access.clubs_for(request.user, Cap.CLUB_VIEW)
    report = selectors.completeness(clubs, start, end, timezone.localdate())
    return render(request, "activities/completeness.html", {"form": form, "report": report})


@require_http_methods(["GET"])
def all_eight(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = YearForm(request.GET or None)
    clubs = access.clubs_for(request.user, Cap.CLUB_VIEW)
    report = selectors.all_eight_activities(clubs, form.the_year())
    return render(request, "activities/completeness_all_eight.html", {"form": form, "report": report})
