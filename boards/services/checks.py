"""Checks the board's and the teams' services share."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clubs.models import Club, ClubStatus
from core.dates import format_date
from core.errors import refusal
from members.models import Membership, Person

ERROR_DATE_IN_FUTURE = _("The date cannot be in the future.")
ERROR_NOT_MEMBER_ON = _("%(name)s is not a member of this club on %(date)s.")
ERROR_NOT_CURRENT_MEMBER = _("%(name)s is not a current member of this club.")
ERROR_HAS_LEFT = _("%(name)s left the club on %(date)s: only current members can be chosen.")
ERROR_CLUB_DISSOLVED_ON = _("The club is dissolved on %(date)s.")
ERROR_END_NOT_AFTER_START = _("The end date must be after the start date (%(date)s).")


def require_current_member(*, person: Person, club: Club, field: str, on: datetime.date | None = None) -> None:
    """`person` is a member of `club` today (and on `on`, when given), with a membership still open.

    The caller's choice list already offers only these people; this is the rule itself, so a
    crafted request, a command or another app gets the same answer.
    """
    today = timezone.localdate()
    day = on or today
    membership = Membership.objects.active_on(day).filter(person=person, club=club).first()
    if membership is None:
        if on is None:
            raise refusal(ERROR_NOT_CURRENT_MEMBER, field=field, name=person.full_name)
        raise refusal(ERROR_NOT_MEMBER_ON, field=field, name=person.full_name, date=format_date(day))
    if membership.left_on is not None:
        raise refusal(ERROR_HAS_LEFT, field=field, name=person.full_name, date=format_date(membership.left_on))


def require_not_dissolved(*, club: Club, on: datetime.date, field: str) -> None:
    if club.status_on(on) == ClubStatus.DISSOLVED:
        raise refusal(ERROR_CLUB_DISSOLVED_ON, field=field, date=format_date(on))


def require_past_or_today(day: datetime.date, field: str) -> None:
    if day > timezone.localdate():
        raise refusal(ERROR_DATE_IN_FUTURE, field=field)


def require_after_start(*, ended_on: datetime.date, started_on: datetime.date, field: str = "ended_on") -> None:
    if ended_on <= started_on:
        raise refusal(ERROR_END_NOT_AFTER_START, field=field, date=format_date(started_on))
