"""The pages of one club, person, loan, meeting or report that name people: tests/test_data_isolation.py
opens each as district A's staff and as A1's chair, club A1's (it shows A1's names and none of B1's)
and club B1's (not found or forbidden).

{URL name (with "?…" to tell apart two rows of one page): page(world, club) → (URL arguments, query
string)}; a list filtered on B1 leaves the filter out, as it is not among the choices offered, and
shows only A1. The club's marked member borrowed once (test_data_isolation.marked); the mover was a
member of B1 who borrowed there before joining A1 and borrowing again: their pages in A1 must not
tell what they did in B1.
"""

import datetime

from clubs.models import ActivityArea
from funds.models import FundKind
from loans.services import loan_write_off
from members.models import Person
from tests import factories
from tests.loans import books

D = datetime.date
MOVER = {"full_name": "Alpha Mover Lê", "citizen_id": "051555555555"}
MOVER_LOAN_IN_B1 = 7_300_000
MOVER_LOAN_IN_B1_SHOWN = "7.300.000"


def add_mover(world):
    """The mover: in B1 from 2022, borrowed there in March 2024 (written off), left at the end of June 2024, in
    A1 since July 2024 where they borrowed with the marked member in December."""
    mover = factories.PersonFactory(**MOVER)
    in_b1 = factories.MembershipFactory(club=world.club_b1, person=mover, joined_on=D(2022, 5, 1))
    loan_in_b1 = books.disbursed_loan(
        world.club_b1, borrower=mover, amount=MOVER_LOAN_IN_B1, applied_on=D(2024, 2, 20), disbursed_on=D(2024, 3, 1)
    )
    # One loan in progress at a time: B1's board gave up what was left when they moved away.
    loan_write_off(
        actor=None, loan=loan_in_b1, on=D(2024, 6, 30), reason="Chuyển đi nơi khác", decision_reference="QĐ 7"
    )
    type(in_b1).objects.filter(pk=in_b1.pk).update(left_on=D(2024, 6, 30), leave_reason="moved")
    factories.MembershipFactory(club=world.club_a1, person=mover, joined_on=D(2024, 7, 1))
    books.disbursed_loan(world.club_a1, borrower=mover)


def _marked_loan(club):
    return club.loans.exclude(borrower__full_name=MOVER["full_name"]).get()


def _mover_loan(club):
    return club.loans.get(borrower__full_name=MOVER["full_name"])


def club_page(world, club):
    return {"pk": club.pk}, ""


def club_pk(world, club):
    return {"club_pk": club.pk}, ""


def marked_person(world, club):
    return {"pk": _marked_loan(club).borrower_id}, ""


def mover_or_marked(world, club):
    """The mover in A1; in B1, which they left, the marked member."""
    if club == world.club_a1:
        return {"pk": Person.objects.get(full_name=MOVER["full_name"]).pk}, ""
    return marked_person(world, club)


def marked_loan(world, club):
    return {"club_pk": club.pk, "pk": _marked_loan(club).pk}, ""


def mover_loan(world, club):
    return {"club_pk": club.pk, "pk": _mover_loan(club).pk}, ""


def members_of_club(world, club):
    return {}, f"club={club.pk}&state=all"


def team_of_marked(world, club):
    team = factories.TeamFactory(club=club, activity_area=ActivityArea.HEALTH, leader=_marked_loan(club).borrower)
    return {"pk": club.pk, "team_pk": team.pk}, ""


def cash_book(world, club):
    return {"club_pk": club.pk, "kind": FundKind.INCOME}, "start=01/01/2024&end=15/03/2025"


def disbursement_meeting(world, club):
    day = books.DISBURSED_ON
    return {"club_pk": club.pk, "year": day.year, "month": day.month, "day": day.day}, ""


def march_sheet(world, club):
    return {"club_pk": club.pk, "year": 2025, "month": 3}, ""


def february_report(world, club):
    return {"club_pk": club.pk, "year": 2025, "month": 2}, ""


DETAILS = {
    "clubs:club-detail": club_page,
    "members:member-detail": marked_person,
    "members:member-detail?mover": mover_or_marked,
    "members:member-list?club": members_of_club,
    "boards:team-detail": team_of_marked,
    "loans:loan-list": club_pk,
    "loans:loan-detail": marked_loan,
    "loans:loan-detail?mover": mover_loan,
    "loans:collection-sheet": march_sheet,
    "loans:meeting-summary": disbursement_meeting,
    "funds:club-funds": club_pk,
    "funds:cash-book": cash_book,
    "activities:club-reports": club_pk,
    "activities:report-detail": february_report,
    "activities:report-print": february_report,
}
