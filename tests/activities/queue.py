"""Monthly reports in each state, made through the services, for the tests of what waits for
whom: the homes and staff's lists (tests/test_home.py, tests/activities/test_review.py)."""

import datetime

import time_machine

from accounts.models import BoardTitle
from activities import services
from activities.models import MonthlyReport
from clubs.models import ActivityArea
from tests import factories

NOTHING_DONE = {area: {"no_activity": True} for area in ActivityArea}


def submitted(club, month: datetime.date, *, at: datetime.datetime | None = None) -> MonthlyReport:
    """The club's report of `month`, filled in ("no activity" everywhere) and submitted, at `at`
    (when given: the queue's order)."""
    report = services.report_start(actor=None, club=club, month=month)
    services.report_save(actor=None, report=report, sections=NOTHING_DONE)
    if at is None:
        return services.report_submit(actor=None, report=report)
    with time_machine.travel(at, tick=False):
        return services.report_submit(actor=None, report=report)


def returned(club, month: datetime.date, comment: str = "Thiếu số người dự họp") -> MonthlyReport:
    return services.report_return(actor=None, report=submitted(club, month), comment=comment)


def chair(club, *, full_name: str, phone: str = "", account_phone: str | None = None):
    """The club's chair in office: a member holding the chair's seat; with `account_phone`, her
    login too (the club-board role her seat gives), with that phone."""
    person = factories.MembershipFactory(club=club, person=factories.PersonFactory(full_name=full_name, phone=phone))
    assignment = None
    if account_phone is not None:
        user = factories.UserFactory(phone=account_phone)
        assignment = factories.RoleAssignmentFactory(user=user, role="club_board", club=club, title=BoardTitle.CHAIR)
    return factories.BoardPositionFactory(
        club=club, holder=person.person, title=BoardTitle.CHAIR, role_assignment=assignment
    )
