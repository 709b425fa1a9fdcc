"""The home page: what needs the user now, each thing one tap away.

- A club's board (REPORT_FILL on its club) sees its club's month (activities.selectors.club_month):
  the meeting, the month's report and its deadline, a report returned to it with the staff's
  comment until it is sent again, the earlier months not sent, the collection sheet, contributions,
  the members whose loans are overdue and adding a member.
- Staff (REPORT_REVIEW) see what waits for them in their scope: the reports to review (the longest
  waiting first), the reports returned and not sent again, the reports missing past their deadline
  with the chair to call, the loans more than 30 days overdue; each figure opens its list. Below,
  the clubs by status.
An account that is both sees both.
"""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import AnyUser, Cap
from activities import selectors as activities
from areas.selectors import scheme_default
from clubs.models import Club, ClubStatus
from clubs.selectors import club_counts_by_status
from loans import portfolio

# How many of each list the home shows before the link to the whole list.
SHOWN = 5
# The members to follow up on the chair's home: her club's overdue loans, the longest overdue first.
FOLLOW_UP_SHOWN = 10


def _club_month(user: AnyUser, club: Club, today: datetime.date) -> dict:
    caps = access.caps_on_club(user, club)
    follow_up, follow_up_count = [], 0
    if Cap.FUNDS_VIEW in caps:
        loans = portfolio.overdue_loans(clubs=Club.objects.filter(pk=club.pk), on=today)
        follow_up = portfolio.overdue_rows(loans[:FOLLOW_UP_SHOWN], today)
        follow_up_count = loans.count()
    return {
        "month": activities.club_month(club=club, today=today),
        "caps": {cap.name: True for cap in caps},
        "follow_up": follow_up,
        "follow_up_count": follow_up_count,
    }


def _staff_work(user: AnyUser, today: datetime.date) -> dict:
    clubs = access.clubs_for(user, Cap.REPORT_REVIEW)
    waiting = activities.reports_waiting(clubs)
    missing = activities.missing_reports(clubs, today, scheme=scheme_default(today))
    counts = club_counts_by_status(clubs=access.clubs_for(user, Cap.CLUB_VIEW), on=today)
    return {
        "waiting": list(waiting[:SHOWN]),
        "waiting_count": waiting.count(),
        "returned_count": activities.reports_returned(clubs).count(),
        "missing": missing.missing[:SHOWN],
        "missing_count": missing.total.counts.missing,
        "overdue_count": portfolio.overdue_loans(
            clubs=access.clubs_for(user, Cap.FUNDS_VIEW), on=today, bucket=portfolio.OVER_PAR_DAYS
        ).count(),
        "over_par_days": portfolio.OVER_PAR_DAYS,
        "status_counts": [(status, counts.get(status.value, 0)) for status in ClubStatus],
        "total": sum(counts.values()),
    }


@require_http_methods(["GET"])
def home(request):
    today = timezone.localdate()
    board_clubs = access.clubs_for(request.user, Cap.REPORT_FILL).filter(
        pk__in=access.board_club_ids(request.user, Cap.REPORT_FILL)
    )
    return render(
        request,
        "home.html",
        {
            "today": today,
            "club_months": [
                _club_month(request.user, club, today) for club in board_clubs.select_related("unit").order_by("name")
            ],
            "staff": _staff_work(request.user, today) if access.has_cap(request.user, Cap.REPORT_REVIEW) else None,
        },
    )
