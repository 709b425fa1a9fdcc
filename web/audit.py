"""The audit log: who changed what, and when, for association staff (accounts.access.audit_entries_for
decides whose entries), with each entry's details in words and a link to the object it is about."""

import dataclasses
import datetime
from collections.abc import Callable

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from accounts.models import User
from audit import display
from audit.forms import AuditFilterForm
from audit.models import AuditEntry
from web.paging import paginate


def _in_club(url_name: str, *, with_target: bool = False) -> Callable[[AuditEntry], str | None]:
    """A page under its club's address (the club's, a loan's…): none for an entry of no club."""

    def url(entry: AuditEntry) -> str | None:
        if entry.club_id is None:
            return None
        return reverse(url_name, args=[entry.club_id, entry.target_id] if with_target else [entry.club_id])

    return url


def _report_page(entry: AuditEntry) -> str | None:
    try:
        month = datetime.date.fromisoformat(entry.data["month"])
    except (KeyError, TypeError, ValueError):
        return _in_club("clubs:club-detail")(entry)
    return reverse("activities:report-detail", args=[entry.club_id, month.year, month.month])


# The page of each kind of object, from what the entry holds (its object's id and its club): no
# query per entry. An object with no page of its own links to its club's page; one with none at all
# (a map, a target plan, a user account) has no link. The page itself decides who may open it.
TARGET_PAGES: dict[str, Callable[[AuditEntry], str | None]] = {
    "clubs.club": lambda entry: reverse("clubs:club-detail", args=[entry.target_id]),
    "members.person": lambda entry: reverse("members:member-detail", args=[entry.target_id]),
    "areas.adminunit": lambda entry: reverse("areas:unit-detail", args=[entry.target_id]),
    "loans.loan": _in_club("loans:loan-detail", with_target=True),
    "loans.loanrules": _in_club("loans:rules"),
    "funds.fundentry": _in_club("funds:club-funds"),
    "boards.team": _in_club("boards:team-detail", with_target=True),
    "boards.boardposition": _in_club("clubs:club-detail"),
    "boards.teammembership": _in_club("clubs:club-detail"),
    "activities.monthlyreport": _report_page,
}


def target_url(entry: AuditEntry) -> str | None:
    page = TARGET_PAGES.get(entry.target_type)
    return page(entry) if page is not None else None


@dataclasses.dataclass(frozen=True)
class LogRow:
    entry: AuditEntry
    when: str
    what: str
    target_type: str
    target_url: str | None
    details: list[display.Detail]


def log_row(entry: AuditEntry) -> LogRow:
    return LogRow(
        entry=entry,
        when=display.local_time(entry.created_at),
        what=entry.get_action_display(),
        target_type=display.target_type_name(entry.target_type),
        target_url=target_url(entry),
        details=display.details(entry),
    )


@require_http_methods(["GET"])
def audit_log(request):
    access.require_cap(request.user, Cap.AUDIT_VIEW)
    visible = access.audit_entries_for(request.user)
    filters = AuditFilterForm(
        request.GET or None,
        clubs=access.clubs_for(request.user, Cap.AUDIT_VIEW).order_by("name"),
        actors=User.objects.filter(pk__in=visible.values("actor")).order_by("username"),
    )
    entries = filters.entries(visible).select_related("actor", "club")
    page, query = paginate(request, entries, settings.ENTRIES_PER_PAGE)
    return render(
        request,
        "audit/entry_list.html",
        {"filters": filters, "page": page, "query": query, "rows": [log_row(entry) for entry in page]},
    )
