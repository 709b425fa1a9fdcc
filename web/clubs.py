"""The club register's pages: the list, a club's page, registering, editing, changing its status,
and deciding where a club sits on a new map when its unit was split."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from areas.models import AdminScheme
from areas.selectors import scheme_default
from audit.models import AuditEntry
from boards.selectors import club_board, club_teams
from clubs import selectors
from clubs.forms import ClubFilterForm, ClubForm, ClubStatusChangeForm, LocationDecisionForm
from clubs.models import Club
from clubs.services import locations, register
from core.bounded import MAX_ID, bounded_int
from core.dates import format_date
from core.forms import write_through
from reports.selectors import club_scorecard
from web.paging import paginate


@require_http_methods(["GET"])
def club_list(request):
    today = timezone.localdate()
    filters = ClubFilterForm(request.GET or None, units=access.units_for(request.user, Cap.CLUB_VIEW))
    # Each club in the unit it sits in on today's map (its registration's on an earlier map).
    clubs = filters.clubs(clubs=access.clubs_for(request.user, Cap.CLUB_VIEW), on=today, shown_on=scheme_default(today))
    page, query = paginate(request, clubs, settings.CLUBS_PER_PAGE)
    return render(
        request,
        "clubs/club_list.html",
        {
            "filters": filters,
            "page": page,
            "query": query,
            "can_create": access.has_cap(request.user, Cap.CLUB_MANAGE),
            "can_decide_locations": access.has_cap(request.user, Cap.LOCATION_DECIDE),
        },
    )


@require_http_methods(["GET"])
def club_detail(request, pk):
    today = timezone.localdate()
    club = access.get_club(
        request.user, pk, Cap.CLUB_VIEW, queryset=Club.objects.with_status(today).select_related("unit__parent")
    )
    history = selectors.club_location_history(club=club)
    return render(
        request,
        "clubs/club_detail.html",
        {
            "club": club,
            "status_changes": club.status_changes.select_related("created_by"),
            "can_manage": access.can_on_club(request.user, club, Cap.CLUB_MANAGE),
            "can_manage_board": access.can_on_club(request.user, club, Cap.BOARD_MANAGE),
            "can_manage_teams": access.can_on_club(request.user, club, Cap.TEAM_MANAGE),
            "board": club_board(club=club),
            "teams": club_teams(club=club),
            "scorecard": club_scorecard(club=club, on=today, status=club.status),
            "can_see_members": access.can_on_club(request.user, club, Cap.MEMBER_VIEW),
            "can_add_members": access.can_on_club(request.user, club, Cap.MEMBER_MANAGE),
            "can_see_funds": access.can_on_club(request.user, club, Cap.FUNDS_VIEW),
            "can_record_funds": access.can_on_club(request.user, club, Cap.FUNDS_MANAGE),
            "locations": history,
            "decision": selectors.club_location_decision(club=club, history=history),
            "can_decide_location": access.can_on_club(request.user, club, Cap.LOCATION_DECIDE),
            "can_read_log": access.can_on_club(request.user, club, Cap.AUDIT_VIEW),
            "today": today,
            "history": AuditEntry.objects.filter(target_type="clubs.club", target_id=str(club.pk)).select_related(
                "actor"
            )[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def club_create(request):
    access.require_cap(request.user, Cap.CLUB_MANAGE)
    form = ClubForm(request.POST or None, units=access.units_for(request.user, Cap.CLUB_MANAGE))
    club = write_through(request, form, lambda data: register.club_create(actor=request.user, **data))
    if club is not None:
        messages.success(
            request, _("Club %(name)s registered with code %(code)s.") % {"name": club.name, "code": club.code}
        )
        return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/club_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def club_update(request, pk):
    club = access.get_club(request.user, pk, Cap.CLUB_MANAGE)
    initial = {field: getattr(club, field) for field in register.CLUB_FIELDS}
    form = ClubForm(request.POST or None, initial=initial, units=access.units_for(request.user, Cap.CLUB_MANAGE))
    updated = write_through(request, form, lambda data: register.club_update(club=club, actor=request.user, **data))
    if updated is not None:
        messages.success(request, _("Changes to %(name)s saved.") % {"name": club.name})
        return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/club_form.html", {"form": form, "club": club})


@require_http_methods(["GET", "POST"])
def club_status_change(request, pk):
    club = access.get_club(request.user, pk, Cap.CLUB_MANAGE)
    form = ClubStatusChangeForm(request.POST or None)
    change = write_through(
        request, form, lambda data: register.club_status_change(club=club, actor=request.user, **data)
    )
    if change is not None:
        messages.success(
            request,
            _("%(name)s: %(change)s from %(date)s.")
            % {
                "name": club.name,
                "change": change.get_kind_display(),
                "date": format_date(change.effective_on),
            },
        )
        return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/club_status_form.html", {"form": form, "club": club})


@require_http_methods(["GET"])
def location_decisions(request):
    """The decisions on where clubs of the user's scope sit that wait (a split unit, or a unit formed
    from several for a club traced back), each with its form."""
    access.require_cap(request.user, Cap.LOCATION_DECIDE)
    decisions = selectors.location_decisions(clubs=access.clubs_for(request.user, Cap.LOCATION_DECIDE))
    rows = [
        (decision, LocationDecisionForm(decision=decision, auto_id=f"id_{decision.club.pk}_{decision.scheme.pk}_%s"))
        for decision in decisions
    ]
    return render(request, "clubs/location_decisions.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def location_decide(request, pk):
    """Where one club sits on a map where the lineage leaves a choice: the first decision it waits
    for, or, with `?map=<id>`, the choice on that map (to change a decision made there). A club
    that waits for nothing (already decided: the form cannot save twice) says so."""
    club = access.get_club(request.user, pk, Cap.LOCATION_DECIDE)
    if request.GET.get("map"):
        # A map id that is no id (text, a number past any row) is no map either: 404.
        scheme = get_object_or_404(AdminScheme, pk=bounded_int(request.GET["map"], 1, MAX_ID) or 0)
        decision = selectors.club_location_choice(club=club, scheme=scheme)
    else:
        decision = next(iter(selectors.location_decisions(clubs=Club.objects.filter(pk=club.pk))), None)
    form = None
    if decision is not None:
        form = LocationDecisionForm(request.POST or None, decision=decision)
        location = write_through(
            request,
            form,
            lambda data: locations.club_location_decide(actor=request.user, club=club, **data),
        )
        if location is not None:
            messages.success(
                request,
                _("%(club)s is located in %(unit)s on the map in force since %(date)s.")
                % {"club": club.name, "unit": location.unit.name, "date": format_date(location.scheme.valid_from)},
            )
            if decision.current is not None:
                return redirect("clubs:club-detail", club.pk)
            return redirect("clubs:location-decisions")
    elif request.method == "POST":
        messages.info(request, _("%(club)s waits for no decision: it was probably just made.") % {"club": club.name})
    return render(
        request,
        "clubs/location_decide.html",
        {"club": club, "decision": decision, "form": form, "locations": selectors.club_location_history(club=club)},
    )
