"""The printable summary of a club's meeting: contributions, repayments, new loans and the funds'
balances at the end of the day (loans.selectors.meeting_summary)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funds.models import CapitalSource, FundKind
from funds.services import contribution_record
from loans import services
from tests.conftest import login
from tests.loans import books

D = datetime.date
MEETING = D(2025, 3, 15)


def summary_url(club, day=MEETING):
    return reverse("loans:meeting-summary", args=[club.pk, day.year, day.month, day.day])


def meeting(club, borrowers=1):
    """Capital, then on the meeting day: a contribution, and one repayment per borrower."""
    books.open_lending(club)
    activity = club.funds.get(kind=FundKind.ACTIVITY)
    contribution_record(
        actor=None, fund=activity, amount=20_000, entry_date=MEETING, source=CapitalSource.MEMBERS, contributor="An"
    )
    for _ in range(borrowers):
        loan = books.disbursed_loan(club, amount=1_000_000, borrower=books.borrower_of(club, "Võ Thị Vay"))
        services.repayment_record(actor=None, loan=loan, amount=200_000, paid_on=MEETING)


def test_summary_shows_what_the_meeting_recorded_and_the_closing_balances(client, club, club_chair):
    meeting(club, borrowers=2)
    response = login(client, club_chair).get(summary_url(club))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.contributed, summary.repaid, summary.lent) == (20_000, 400_000, 0)
    closing = {row.fund.kind: (row.opening, row.closing) for row in summary.funds}
    assert closing == {
        FundKind.INCOME: (50_000_000 - 2_000_000, 50_000_000 - 2_000_000 + 400_000),
        FundKind.ACTIVITY: (0, 20_000),
    }
    html = response.content.decode()
    assert "css/meeting_summary.css" in html and 'media="print"' in html


def test_summary_of_a_day_that_does_not_exist_is_not_found(client, club, club_chair):
    assert login(client, club_chair).get(summary_url(club).replace("/15/", "/32/")).status_code == 404


def test_summary_query_count_does_not_grow_with_entries(client, club, club_chair):
    meeting(club)
    client = login(client, club_chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(summary_url(club)).status_code == 200
        return len(queries)

    before = count()
    for _ in range(5):
        loan = books.disbursed_loan(club, amount=1_000_000, borrower=books.borrower_of(club, "Võ Thị Hai"))
        services.repayment_record(actor=None, loan=loan, amount=200_000, paid_on=MEETING)
    assert count() == before
