"""The member register's pages: the list, a person's page, adding, editing, leaving, moving."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from core.forms import write_through
from members import selectors, services
from members.forms import (
    HouseholdStatusForm,
    MemberFilterForm,
    MemberJoinForm,
    MemberLeaveForm,
    MemberMoveForm,
    PersonUpdateForm,
)
from members.models import AgeGroup, EconomicStatus, Membership, Person
from members.selectors import MembershipState
from web.paging import paginate


def _current_membership(request, person: Person) -> Membership | None:
    """The person's open membership; None, with a message, when they are in no club now."""
    membership = person.memberships.filter(left_on__isnull=True).select_related("club").first()
    if membership is None:
        messages.info(request, _("%(name)s is not a member of any club now.") % {"name": person.full_name})
    return membership


@require_http_methods(["GET"])
def member_list(request):
    access.require_cap(request.user, Cap.MEMBER_VIEW)
    today = timezone.localdate()
    clubs = access.clubs_for(request.user, Cap.MEMBER_VIEW)
    filters = MemberFilterForm(request.GET or None, clubs=clubs)
    criteria = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    searching = bool(criteria.get("q", "").strip())
    counted = selectors.search_page_order if searching else None
    page, query = paginate(request, filters.rows(clubs=clubs, on=today), settings.MEMBERS_PER_PAGE, counted=counted)
    chosen = criteria.get("club")
    only_club = filters.fields["club"].first_rows if chosen is None else [chosen]
    # The club new members are added to: the one chosen, or the user's only club, if they keep its register.
    club_pk = only_club[0].pk if len(only_club) == 1 else None
    if club_pk and not access.may_on_club_pk(request.user, club_pk, Cap.MEMBER_MANAGE):
        club_pk = None
    return render(
        request,
        "members/member_list.html",
        {
            "filters": filters,
            "page": page,
            "rows": selectors.member_rows(page.object_list, today),
            "query": query,
            "show_club": chosen is None and len(only_club) > 1,
            "show_left": criteria.get("state") in (MembershipState.FORMER, MembershipState.ALL),
            "add_to_club": club_pk,
            "can_import": access.has_cap(request.user, Cap.MEMBER_MANAGE),
        },
    )


@require_http_methods(["GET"])
def member_detail(request, pk):
    today = timezone.localdate()
    person = access.get_person(
        request.user,
        pk,
        queryset=Person.objects.with_age_group(today).with_economic_status(today).select_related("ethnicity"),
    )
    page = selectors.person_page(
        person=person,
        visible=access.clubs_for(request.user, Cap.MEMBER_VIEW),
        manageable=access.clubs_for(request.user, Cap.MEMBER_MANAGE),
        movable=access.clubs_to_move_members_from(request.user),
    )
    return render(
        request,
        "members/member_detail.html",
        {
            "person": person,
            "page": page,
            "age": person.age_on(today),
            "age_group": AgeGroup(person.age_group).label,
            "economic_status": EconomicStatus(person.economic_status).label if person.economic_status else "",
            "statuses": person.household_statuses.order_by("-valid_from", "-pk"),
            "show_citizen_id": access.has_cap(request.user, Cap.CITIZEN_ID_VIEW),
            # The log shows the person's entries of the clubs the user reads it for.
            "can_read_log": access.has_cap(request.user, Cap.AUDIT_VIEW),
        },
    )


@require_http_methods(["GET", "POST"])
def member_create(request, club_pk):
    club = access.get_club(request.user, club_pk, Cap.MEMBER_MANAGE)
    form = MemberJoinForm(
        request.POST or None,
        club=club,
        alike_finder=lambda full_name, birth_year: selectors.people_alike_for_join(
            club=club,
            full_name=full_name,
            birth_year=birth_year,
            seen=access.people_seen(request.user),
            visible=access.clubs_for(request.user, Cap.MEMBER_VIEW),
            rejoinable=access.clubs_to_take_former_members_from(request.user),
            movable=access.clubs_to_move_members_from(request.user),
        ),
        initial={"joined_on": timezone.localdate()},
    )
    membership = write_through(request, form, lambda _data: _join(request.user, club, form))
    if membership is not None:
        messages.success(
            request,
            _("%(name)s is now a member of %(club)s.") % {"name": membership.person.full_name, "club": club.name},
        )
        return redirect("members:member-detail", membership.person_id)
    return render(request, "members/member_form.html", {"form": form, "club": club, "hamlets": club.hamlets})


def _join(actor, club, form: MemberJoinForm) -> Membership:
    """The membership the join form asks for: a person already recorded re-joins, anyone else is new."""
    values = form.join_values()
    if form.existing_person is None:
        return services.member_join(actor=actor, club=club, people_seen=access.people_seen(actor), **values)
    return services.member_rejoin(
        actor=actor,
        person=form.existing_person,
        club=club,
        **{key: values[key] for key in ("joined_on", "economic_status", "status_from")},
    )


@require_http_methods(["GET", "POST"])
def member_update(request, pk):
    person = access.get_person(request.user, pk, Cap.MEMBER_MANAGE)
    form = PersonUpdateForm(
        request.POST or None, person=person, show_citizen_id=access.has_cap(request.user, Cap.CITIZEN_ID_VIEW)
    )
    updated = write_through(
        request,
        form,
        lambda _data: services.person_update(
            actor=request.user, person=person, people_seen=access.people_seen(request.user), **form.person_values()
        ),
    )
    if updated is not None:
        messages.success(request, _("Changes to %(name)s saved.") % {"name": person.full_name})
        return redirect("members:member-detail", person.pk)
    return render(request, "members/member_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def member_status(request, pk):
    person = access.get_person(request.user, pk, Cap.MEMBER_MANAGE)
    form = HouseholdStatusForm(request.POST or None)
    status = write_through(
        request, form, lambda data: services.household_status_set(actor=request.user, person=person, **data)
    )
    if status is not None:
        messages.success(request, _("Economic status of %(name)s recorded.") % {"name": person.full_name})
        return redirect("members:member-detail", person.pk)
    return render(request, "members/member_status_form.html", {"form": form, "person": person})


@require_http_methods(["GET", "POST"])
def member_leave(request, pk):
    person = access.get_person(request.user, pk, Cap.MEMBER_MANAGE)
    membership = _current_membership(request, person)
    if membership is None:
        return redirect("members:member-detail", person.pk)
    form = MemberLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    left = write_through(
        request, form, lambda data: services.member_leave(actor=request.user, membership=membership, **data)
    )
    if left is not None:
        messages.success(
            request, _("%(name)s left %(club)s.") % {"name": person.full_name, "club": membership.club.name}
        )
        return redirect("members:member-detail", person.pk)
    return render(request, "members/member_leave_form.html", {"form": form, "person": person, "membership": membership})


@require_http_methods(["GET", "POST"])
def member_move(request, pk):
    person = access.get_person_to_move(request.user, pk)
    membership = _current_membership(request, person)
    if membership is None:
        return redirect("members:member-detail", person.pk)
    today = timezone.localdate()
    destinations = selectors.move_destinations(
        clubs=access.clubs_for(request.user, Cap.MEMBER_MANAGE), membership=membership, on=today
    )
    form = MemberMoveForm(request.POST or None, clubs=destinations, initial={"moved_on": today})
    moved = write_through(
        request,
        form,
        lambda data: services.member_move(actor=request.user, membership=membership, **data),
        # The move is a leaving and a joining on the same day: both dates are the form's one.
        rename={"left_on": "moved_on", "joined_on": "moved_on"},
    )
    if moved is not None:
        messages.success(
            request, _("%(name)s moved to %(club)s.") % {"name": person.full_name, "club": moved.club.name}
        )
        return redirect("members:member-detail", person.pk)
    return render(request, "members/member_move_form.html", {"form": form, "person": person, "membership": membership})
