from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from audit.models import AuditEntry
from clubs import selectors, services
from clubs.forms import (
    BoardPositionForm,
    CaredForPersonForm,
    ClubFilterForm,
    ClubForm,
    ClubStatusChangeForm,
    EndForm,
    TeamForm,
    TeamMemberForm,
)
from clubs.models import Club
from reports.selectors import club_scorecard


@require_http_methods(["GET"])
def club_list(request):
    today = timezone.localdate()
    filters = ClubFilterForm(request.GET or None, units=access.units_for(request.user, Cap.CLUB_VIEW))
    clubs = filters.clubs(clubs=access.clubs_for(request.user, Cap.CLUB_VIEW), on=today)
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
            "can_manage_board": access.can_on_club(request.user, club, Cap.BOARD_MANAGE),
            "can_manage_teams": access.can_on_club(request.user, club, Cap.TEAM_MANAGE),
            "board": selectors.club_board(club=club),
            "teams": selectors.club_teams(club=club),
            "scorecard": club_scorecard(club=club, on=today, status=club.status),
            "can_see_members": access.can_on_club(request.user, club, Cap.MEMBER_VIEW),
            "can_add_members": access.can_on_club(request.user, club, Cap.MEMBER_MANAGE),
            "can_see_funds": access.can_on_club(request.user, club, Cap.FUNDS_VIEW),
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


# --- board ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def board_position_create(request, pk):
    club = access.get_club(request.user, pk, Cap.BOARD_MANAGE)
    today = timezone.localdate()
    form = BoardPositionForm(
        request.POST or None,
        initial={"started_on": today},
        members=selectors.club_current_members(club=club, on=today),
        accounts=selectors.linkable_accounts(club=club),
    )
    if request.method == "POST" and form.is_valid():
        try:
            position = services.board_position_start(club=club, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is %(title)s of the club from %(date)s.")
                % {
                    "name": position.holder.full_name,
                    "title": position.get_title_display(),
                    "date": date_format(position.started_on, "SHORT_DATE_FORMAT"),
                },
            )
            if position.new_password:
                # Shown once: the password is stored only as a hash.
                messages.warning(
                    request,
                    _(
                        "User account %(username)s created with the password %(password)s. Give it to "
                        "%(name)s now: it will not be shown again. They can change it after signing in."
                    )
                    % {
                        "username": position.holder.user.username,
                        "password": position.new_password,
                        "name": position.holder.full_name,
                    },
                )
            return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/board_position_form.html", {"form": form, "club": club})


@require_http_methods(["GET", "POST"])
def board_position_end(request, pk, position_pk):
    club = access.get_club(request.user, pk, Cap.BOARD_MANAGE)
    position = get_object_or_404(club.board_positions.select_related("holder"), pk=position_pk, ended_on__isnull=True)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.board_position_end(position=position, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The position of %(name)s as %(title)s ended on %(date)s.")
                % {
                    "name": position.holder.full_name,
                    "title": position.get_title_display(),
                    "date": date_format(form.cleaned_data["ended_on"], "SHORT_DATE_FORMAT"),
                },
            )
            return redirect("clubs:club-detail", club.pk)
    return render(request, "clubs/board_position_end.html", {"form": form, "club": club, "position": position})


# --- teams ----------------------------------------------------------------------------------


def _club_team(club, team_pk, *, current=False):
    """A team of this club (404 for another club's team, whatever its id)."""
    teams = club.teams.select_related("leader")
    if current:
        teams = teams.filter(ended_on__isnull=True)
    return get_object_or_404(teams, pk=team_pk)


@require_http_methods(["GET"])
def team_detail(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.CLUB_VIEW)
    team = _club_team(club, team_pk)
    return render(
        request,
        "clubs/team_detail.html",
        {
            "club": club,
            "team": team,
            "roster": selectors.team_roster(team=team),
            "can_manage": access.can_on_club(request.user, club, Cap.TEAM_MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
def team_create(request, pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    today = timezone.localdate()
    form = TeamForm(
        request.POST or None,
        initial={"started_on": today},
        members=selectors.club_current_members(club=club, on=today),
    )
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(club=club, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect(team)
    return render(request, "clubs/team_form.html", {"form": form, "club": club})


@require_http_methods(["GET", "POST"])
def team_update(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    form = TeamForm(
        request.POST or None,
        initial={field: getattr(team, field) for field in services.TEAM_FIELDS},
        members=selectors.club_current_members(club=club, on=timezone.localdate()),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(team=team, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect(team)
    return render(request, "clubs/team_form.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_end(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_end(team=team, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Team %(name)s ended.") % {"name": team.name})
            return redirect(team)
    return render(request, "clubs/team_end.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_member_add(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    today = timezone.localdate()
    if team.is_home_care:
        people = selectors.club_care_candidates(club=club, on=today)
    else:
        people = selectors.club_current_members(club=club, on=today)
    form = TeamMemberForm(request.POST or None, initial={"started_on": today}, team=team, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.team_member_add(team=team, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s added to %(team)s as %(role)s.")
                % {"name": membership.person.full_name, "team": team.name, "role": membership.get_role_display()},
            )
            return redirect(team)
    return render(request, "clubs/team_member_form.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_cared_for_create(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    if not team.is_home_care:
        raise Http404("Only a home-care team has people cared for.")
    form = CaredForPersonForm(request.POST or None, initial={"started_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.team_cared_for_add(team=team, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s recorded as cared for by %(team)s.")
                % {"name": membership.person.full_name, "team": team.name},
            )
            return redirect(team)
    return render(request, "clubs/team_cared_for_form.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_member_end(request, pk, team_pk, membership_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    membership = get_object_or_404(team.memberships.select_related("person"), pk=membership_pk, ended_on__isnull=True)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_end(membership=membership, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("%(name)s is no longer in %(team)s from %(date)s.")
                % {
                    "name": membership.person.full_name,
                    "team": team.name,
                    "date": date_format(form.cleaned_data["ended_on"], "SHORT_DATE_FORMAT"),
                },
            )
            return redirect(team)
    return render(
        request,
        "clubs/team_member_end.html",
        {"form": form, "club": club, "team": team, "membership": membership},
    )
