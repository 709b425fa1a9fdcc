"""The pages of a club's board and teams."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from boards import selectors, services
from boards.forms import BoardPositionForm, CaredForPersonForm, EndForm, TeamForm, TeamMemberForm
from core.dates import format_date
from core.forms import write_through
from members.selectors import club_current_members

# --- board ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def board_position_create(request, pk):
    club = access.get_club(request.user, pk, Cap.BOARD_MANAGE)
    today = timezone.localdate()
    form = BoardPositionForm(
        request.POST or None,
        initial={"started_on": today},
        members=club_current_members(club=club, on=today),
        accounts=access.accounts_to_link(request.user, club),
    )
    appointment = write_through(
        request, form, lambda data: services.board_position_start(club=club, actor=request.user, **data)
    )
    if appointment is not None:
        position = appointment.position
        messages.success(
            request,
            _("%(name)s is %(title)s of the club from %(date)s.")
            % {
                "name": position.holder.full_name,
                "title": position.get_title_display(),
                "date": format_date(position.started_on),
            },
        )
        if appointment.password:
            # Shown once: the password is stored only as a hash.
            messages.warning(
                request,
                _(
                    "User account %(username)s created with the password %(password)s. Give it to "
                    "%(name)s now: it will not be shown again. They can change it after signing in."
                )
                % {
                    "username": position.holder.user.username,
                    "password": appointment.password,
                    "name": position.holder.full_name,
                },
            )
        return redirect(club)
    return render(request, "boards/board_position_form.html", {"form": form, "club": club})


@require_http_methods(["GET", "POST"])
def board_position_end(request, pk, position_pk):
    club = access.get_club(request.user, pk, Cap.BOARD_MANAGE)
    position = get_object_or_404(club.board_positions.select_related("holder"), pk=position_pk, ended_on__isnull=True)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    ended = write_through(
        request, form, lambda data: services.board_position_end(position=position, actor=request.user, **data)
    )
    if ended is not None:
        messages.success(
            request,
            _("The position of %(name)s as %(title)s ended on %(date)s.")
            % {
                "name": position.holder.full_name,
                "title": position.get_title_display(),
                "date": format_date(form.cleaned_data["ended_on"]),
            },
        )
        return redirect(club)
    return render(request, "boards/board_position_end.html", {"form": form, "club": club, "position": position})


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
        "boards/team_detail.html",
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
        members=club_current_members(club=club, on=today),
    )
    team = write_through(request, form, lambda data: services.team_create(club=club, actor=request.user, **data))
    if team is not None:
        messages.success(request, _("Team %(name)s created.") % {"name": team.name})
        return redirect(team)
    return render(request, "boards/team_form.html", {"form": form, "club": club})


@require_http_methods(["GET", "POST"])
def team_update(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    form = TeamForm(
        request.POST or None,
        initial={field: getattr(team, field) for field in services.TEAM_FIELDS},
        members=club_current_members(club=club, on=timezone.localdate()),
    )
    updated = write_through(request, form, lambda data: services.team_update(team=team, actor=request.user, **data))
    if updated is not None:
        messages.success(request, _("Changes to %(name)s saved.") % {"name": form.cleaned_data["name"]})
        return redirect(team)
    return render(request, "boards/team_form.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_end(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    ended = write_through(request, form, lambda data: services.team_end(team=team, actor=request.user, **data))
    if ended is not None:
        messages.success(request, _("Team %(name)s ended.") % {"name": team.name})
        return redirect(team)
    return render(request, "boards/team_end.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_member_add(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    today = timezone.localdate()
    people = selectors.team_candidates(team=team, on=today)
    form = TeamMemberForm(request.POST or None, initial={"started_on": today}, team=team, people=people)
    membership = write_through(
        request, form, lambda data: services.team_member_add(team=team, actor=request.user, **data)
    )
    if membership is not None:
        messages.success(
            request,
            _("%(name)s added to %(team)s as %(role)s.")
            % {"name": membership.person.full_name, "team": team.name, "role": membership.get_role_display()},
        )
        return redirect(team)
    return render(request, "boards/team_member_form.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_cared_for_create(request, pk, team_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    if not team.is_home_care:
        raise Http404("Only a home-care team has people cared for.")
    form = CaredForPersonForm(request.POST or None, initial={"started_on": timezone.localdate()})
    membership = write_through(
        request, form, lambda data: services.team_cared_for_add(team=team, actor=request.user, **data)
    )
    if membership is not None:
        messages.success(
            request,
            _("%(name)s recorded as cared for by %(team)s.") % {"name": membership.person.full_name, "team": team.name},
        )
        return redirect(team)
    return render(request, "boards/team_cared_for_form.html", {"form": form, "club": club, "team": team})


@require_http_methods(["GET", "POST"])
def team_member_end(request, pk, team_pk, membership_pk):
    club = access.get_club(request.user, pk, Cap.TEAM_MANAGE)
    team = _club_team(club, team_pk, current=True)
    membership = get_object_or_404(team.memberships.select_related("person"), pk=membership_pk, ended_on__isnull=True)
    form = EndForm(request.POST or None, initial={"ended_on": timezone.localdate()})
    ended = write_through(
        request, form, lambda data: services.team_member_end(membership=membership, actor=request.user, **data)
    )
    if ended is not None:
        messages.success(
            request,
            _("%(name)s is no longer in %(team)s from %(date)s.")
            % {
                "name": membership.person.full_name,
                "team": team.name,
                "date": format_date(form.cleaned_data["ended_on"]),
            },
        )
        return redirect(team)
    return render(
        request,
        "boards/team_member_end.html",
        {"form": form, "club": club, "team": team, "membership": membership},
    )
