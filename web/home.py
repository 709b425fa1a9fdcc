from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from clubs.models import ClubStatus
from clubs.selectors import club_counts_by_status


@require_http_methods(["GET"])
def home(request):
    clubs = access.clubs_for(request.user, Cap.CLUB_VIEW)
    counts = club_counts_by_status(clubs=clubs, on=timezone.localdate())
    own_clubs = []
    if not access.has_cap(request.user, Cap.AREA_VIEW):
        # A club board sees its own club(s) straight away instead of an empty dashboard.
        own_clubs = list(clubs.select_related("unit").order_by("name")[:5])
    return render(
        request,
        "home.html",
        {
            "status_counts": [(status, counts.get(status.value, 0)) for status in ClubStatus],
            "total": sum(counts.values()),
            "own_clubs": own_clubs,
        },
    )
