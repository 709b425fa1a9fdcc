"""Money is written once, when two phones post at the same moment (core.once).

Two threads released together by a barrier post through the pages, each with its own client and
database connection: the same sheet twice (a double tap: one token), and the same meeting from two
phones (two tokens, the same version of the books). Only PostgreSQL runs two writers at once
(SQLite serialises them), so these tests need it; tests/funds/test_concurrency.py races the
services the same way.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.models import Submission
from funds.models import EntryType, FundEntry, FundKind
from funds.services import usual_contributions_set
from loans.models import Repayment
from tests import factories
from tests.funds.test_concurrency import race
from tests.loans import books
from tests.once import as_shown

D = datetime.date

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two writers at once only on PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def phone(user):
    client = Client()
    client.force_login(user)
    return client


def post(client, url, data):
    return lambda: client.post(url, data)


@pytest.fixture
def collection(club, treasurer):
    books.open_lending(club)
    for name in ("Nguyễn Thị Đào", "Trần Văn Bình"):
        books.disbursed_loan(club, borrower=books.borrower_of(club, name))
    url = reverse("loans:collection-sheet", args=[club.pk, 2025, 3])

    def shown(client):
        form = client.get(url).context["form"]
        data = {"paid_on": "15/03/2025", **as_shown(form)}
        data.update({form.field_name(row.loan.pk): str(row.prefill) for row in form.rows})
        return data

    return url, shown


@pytest.fixture
def contributions(club):
    usual_contributions_set(actor=None, club=club, amounts={FundKind.INCOME: 50_000, FundKind.ACTIVITY: 20_000})
    for _ in range(3):
        factories.MembershipFactory(club=club)
    url = reverse("funds:contributions-sheet", args=[club.pk, 2025, 3])

    def shown(client):
        form = client.get(url).context["form"]
        data = {"entry_date": "15/03/2025", **as_shown(form)}
        for person in form.members:
            for fund in form.funds:
                name = form.field_name(person.pk, fund.kind)
                data[name] = str(form[name].value() or "")
        return data

    return url, shown


def test_a_double_tap_on_the_collection_sheet_records_it_once(club, treasurer, collection):
    url, shown = collection
    client = phone(treasurer)
    data = shown(client)
    outcomes = race(post(client, url, data), post(phone(treasurer), url, data))
    assert [response.status_code for response in outcomes] == [302, 302]
    assert Repayment.objects.filter(paid_on=D(2025, 3, 15)).count() == 2
    assert Submission.objects.count() == 1


def test_the_collection_sheet_saved_from_two_phones_is_recorded_once(club, treasurer, club_chair, collection):
    url, shown = collection
    phone_a, phone_b = phone(treasurer), phone(club_chair)
    outcomes = race(post(phone_a, url, shown(phone_a)), post(phone_b, url, shown(phone_b)))
    assert sorted(response.status_code for response in outcomes) == [200, 302]
    refused = next(response for response in outcomes if response.status_code == 200)
    assert refused.context["form"].non_field_errors()
    assert Repayment.objects.filter(paid_on=D(2025, 3, 15)).count() == 2


def test_a_double_tap_on_the_contributions_sheet_records_it_once(club, treasurer, contributions):
    url, shown = contributions
    client = phone(treasurer)
    data = shown(client)
    outcomes = race(post(client, url, data), post(phone(treasurer), url, data))
    assert [response.status_code for response in outcomes] == [302, 302]
    assert FundEntry.objects.filter(fund__club=club, entry_type=EntryType.CONTRIBUTION).count() == 6
    assert club.funds.get(kind=FundKind.INCOME).balance() == 150_000


def test_the_contributions_sheet_saved_from_two_phones_is_recorded_once(club, treasurer, club_chair, contributions):
    url, shown = contributions
    phone_a, phone_b = phone(treasurer), phone(club_chair)
    outcomes = race(post(phone_a, url, shown(phone_a)), post(phone_b, url, shown(phone_b)))
    assert sorted(response.status_code for response in outcomes) == [200, 302]
    assert FundEntry.objects.filter(fund__club=club, entry_type=EntryType.CONTRIBUTION).count() == 6
