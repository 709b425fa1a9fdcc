from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from audit.models import AuditEntry
from clubs import selectors, services
from clubs.forms import ClubFilterForm, ClubForm, ClubStatusChangeForm
from clubs.models import Club


@require_http_methods(["GET"])
def club_list(request):
    today = timezone.localdate()
    filters = ClubFilterForm(request.GET or None, units=access.units_for(request.user, Cap.CLUB_VIEW))
    criteria = filters.cleaned_data if filters.is_valid() else {}
    clubs = selectors.club_list(
        clubs=access.clubs_for(request.user, Cap.CLUB_VIEW),
        on=today,
        q=criteria.get("q", ""),
        unit=criteria.get("commune") or criteria.get("district"),
        status=criteria.get("status", ""),
    )
    page = Paginator(clubs, settings.CLUBS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clubs/club_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query.urlencode(),
            "can_create": access.has_cap(request.user, Cap.CLUB_MANAGE),
        },
    )


@require_http_methods(["GET"])
def club_detail(request, pk):
    today = timezone.localdate()
    club = access.get_club(
        request.user, pk, Cap.CLUB_VIEW, queryset=Club.objects.with_status(today).select_related("unit__parent")
    )
    return render(
        request,
        "clubs/club_detail.html",
        {
            "club": club,
            "status_changes": club.status_changes.select_related("created_by"),
            "can_manage": access.can_on_club(request.user, club, Cap.CLUB_MANAGE),
            "history": AuditEntry.objects.filter(target_type="clubs.club", target_id=str(club.pk)).select_related(
                "actor"
            )[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def club_create(request):
    access.require_cap(request.user, Cap.CLUB_MANAGE)
    form = ClubForm(request.POST or None, units=access.units_for(request.user, Cap.CLUB_MANAGE))
    if request.method == "POST" and form.is_valid():
        try:
            club = services.club_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Club %(name)s registered with code %(code)s.") % {"name": club.name, "code": club.code}
            )
            return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/club_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def club_update(request, pk):
    club = access.get_club(request.user, pk, Cap.CLUB_MANAGE)
    initial = {field: getattr(club, field) for field in services.CLUB_FIELDS}
    form = ClubForm(request.POST or None, initial=initial, units=access.units_for(request.user, Cap.CLUB_MANAGE))
    if request.method == "POST" and form.is_valid():
        try:
            services.club_update(club=club, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": club.name})
            return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/club_form.html", {"form": form, "club": club})


@require_http_methods(["GET", "POST"])
def club_status_change(request, pk):
    club = access.get_club(request.user, pk, Cap.CLUB_MANAGE)
    form = ClubStatusChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = services.club_status_change(club=club, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s: %(change)s from %(date)s.")
                % {
                    "name": club.name,
                    "change": change.get_kind_display(),
                    "date": date_format(change.effective_on, "SHORT_DATE_FORMAT"),
                },
            )
            return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/club_status_form.html", {"form": form, "club": club})
