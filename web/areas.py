from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from areas import selectors
from areas.models import AdminScheme
from clubs.selectors import club_counts_by_unit


@require_http_methods(["GET"])
def unit_tree(request):
    access.require_cap(request.user, Cap.AREA_VIEW)
    today = timezone.localdate()
    if request.GET.get("scheme"):
        scheme = get_object_or_404(AdminScheme, code=request.GET["scheme"])
    else:
        scheme = selectors.scheme_default(today)
    roots = []
    if scheme is not None:
        roots = selectors.unit_tree(
            units=access.units_for(request.user, Cap.AREA_VIEW).filter(scheme=scheme),
            club_counts=club_counts_by_unit(
                clubs=access.clubs_for(request.user, Cap.CLUB_VIEW), on=today, scheme=scheme
            ),
        )
    return render(
        request,
        "areas/unit_tree.html",
        {"scheme": scheme, "schemes": AdminScheme.objects.all(), "roots": roots},
    )
