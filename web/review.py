"""What waits for staff over the clubs of their scope (REPORT_REVIEW, accounts.access): the
reports to review, the longest waiting first, and the next one to open; the reports returned to
their clubs and not sent again; the reports missing past their deadline, with the chair to call.
The staff's home counts each of these lists and links to it."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from activities import selectors
from areas.selectors import scheme_default
from clubs.models import Club
from web.paging import paginate

PER_PAGE = 25


def _clubs(request):
    access.require_cap(request.user, Cap.REPORT_REVIEW)
    return access.clubs_for(request.user, Cap.REPORT_REVIEW)


@require_http_methods(["GET"])
def review_queue(request):
    page, query = paginate(request, selectors.reports_waiting(_clubs(request)), PER_PAGE)
    return render(request, "activities/review_queue.html", {"page": page, "query": query})


@require_http_methods(["GET"])
def review_next(request):
    """The report that has waited longest in the user's scope; the (empty) queue when none waits."""
    report = selectors.reports_waiting(_clubs(request)).first()
    if report is None:
        messages.info(request, _("No report waits for review."))
        return redirect("activities:review-queue")
    return redirect("activities:report-detail", report.club_id, report.month.year, report.month.month)


@require_http_methods(["GET"])
def returned(request):
    page, query = paginate(request, selectors.reports_returned(_clubs(request)), PER_PAGE)
    chairs = selectors.chairs_of(
        Club.objects.filter(pk__in={report.club_id for report in page.object_list}), timezone.localdate()
    )
    rows = [(report, *chairs.get(report.club_id, ("", ""))) for report in page.object_list]
    return render(request, "activities/returned.html", {"page": page, "query": query, "rows": rows})


@require_http_methods(["GET"])
def missing(request):
    today = timezone.localdate()
    report = selectors.missing_reports(_clubs(request), today, scheme=scheme_default(today))
    page, query = paginate(request, report.missing, PER_PAGE)
    return render(request, "activities/missing.html", {"page": page, "query": query, "report": report})
