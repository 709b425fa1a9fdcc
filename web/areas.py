from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from areas import selectors
from clubs.selectors import club_counts_by_unit


@require_http_methods(["GET"])
def unit_tree(request):
    """The map in force today (or the latest loaded), the other maps one click away."""
    access.require_cap(request.user, Cap.AREA_VIEW)
    today = timezone.localdate()
    schemes = selectors.map_schemes()
    if request.GET.get("scheme"):
        scheme = next((option for option in schemes if option.code == request.GET["scheme"]), None)
        if scheme is None:
            raise Http404("No such map.")
    else:
        scheme = selectors.scheme_default(today, schemes)
    roots = []
    if scheme is not None:
        roots = selectors.unit_tree(
            units=access.units_for(request.user, Cap.AREA_VIEW).filter(scheme=scheme),
            club_counts=club_counts_by_unit(clubs=access.clubs_for(request.user, Cap.CLUB_VIEW), on=today),
            lineage=selectors.unit_lineage(scheme),
        )
    in_force_today = next((option for option in schemes if option.is_in_force(today)), None)
    return render(
        request,
        "areas/unit_tree.html",
        {"scheme": scheme, "schemes": schemes, "in_force_today": in_force_today, "roots": roots},
    )
