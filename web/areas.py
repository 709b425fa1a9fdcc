from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from areas import selectors, services
from areas.forms import ClassificationForm
from areas.models import SCHEME_CODE_MAX_LENGTH
from clubs.selectors import club_counts_by_unit
from core.bounded import clean_code
from core.dates import format_date
from core.forms import write_through


@require_http_methods(["GET"])
def unit_tree(request):
    """The map in force today (or the latest loaded), the other maps one click away."""
    access.require_cap(request.user, Cap.AREA_VIEW)
    today = timezone.localdate()
    schemes = selectors.map_schemes()
    if request.GET.get("scheme"):
        code = clean_code(request.GET["scheme"], SCHEME_CODE_MAX_LENGTH)
        scheme = next((option for option in schemes if option.code == code), None)
        if scheme is None:
            raise Http404("No such map.")
    else:
        scheme = selectors.scheme_default(today, schemes)
    roots = []
    if scheme is not None:
        roots = selectors.unit_tree(
            units=access.units_for(request.user, Cap.AREA_VIEW).filter(scheme=scheme),
            club_counts=club_counts_by_unit(
                clubs=access.clubs_for(request.user, Cap.CLUB_VIEW), on=today, scheme=scheme
            ),
            lineage=selectors.unit_lineage(scheme),
        )
    in_force_today = next((option for option in schemes if option.is_in_force(today)), None)
    return render(
        request,
        "areas/unit_tree.html",
        {"scheme": scheme, "schemes": schemes, "in_force_today": in_force_today, "roots": roots},
    )


@require_http_methods(["GET", "POST"])
def unit_detail(request, pk):
    """One unit: its map, its classification over time, where it came from and went. Province
    staff record a new classification here."""
    access.require_cap(request.user, Cap.AREA_VIEW)
    unit = get_object_or_404(
        access.units_for(request.user, Cap.AREA_VIEW).select_related("scheme", "parent__parent"), pk=pk
    )
    may_classify = access.has_cap(request.user, Cap.AREA_CLASSIFY)
    form = ClassificationForm(request.POST if request.method == "POST" and may_classify else None)
    if request.method == "POST":
        access.require_cap(request.user, Cap.AREA_CLASSIFY)
        classification = write_through(
            request, form, lambda data: services.unit_classify(actor=request.user, unit=unit, **data)
        )
        if classification is not None:
            messages.success(
                request,
                _("%(unit)s: classification from %(date)s recorded.")
                % {"unit": unit.name, "date": format_date(classification.valid_from)},
            )
            return redirect("areas:unit-detail", pk=unit.pk)
    return render(
        request,
        "areas/unit_detail.html",
        {
            "unit": unit,
            "today": selectors.unit_today(unit, timezone.localdate()),
            "classifications": unit.classifications.select_related("created_by"),
            "predecessors": unit.predecessor_links.select_related("predecessor__parent"),
            "successors": unit.successor_links.select_related("successor__parent"),
            "form": form if may_classify else None,
        },
    )
