"""The meeting's contributions sheet: every member of the club with what they usually pay into
each fund, saved all together (funds.services.contributions_sheet_record), once.

Today is 15/03/2025, the factory clubs meet on the 15th. Club A1's members usually pay 50.000 đ
into the income-generation fund and 20.000 đ into the activity fund.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext

from core import once
from core.models import Submission
from core.money import format_vnd
from funds.models import EntryType, FundEntry, FundKind
from funds.services import usual_contributions_set
from tests import factories
from tests.conftest import login
from tests.once import as_shown
from tests.text import vi_html

D = datetime.date
MEETING = D(2025, 3, 15)


def sheet_url(club, year=2025, month=3):
    return reverse("funds:contributions-sheet", args=[club.pk, year, month])


def summary_url(club, day=MEETING):
    return reverse("loans:meeting-summary", args=[club.pk, day.year, day.month, day.day])


@pytest.fixture
def members(club):
    """Three members of club A1 (and one who left before the meeting, not on the sheet)."""
    usual_contributions_set(actor=None, club=club, amounts={FundKind.INCOME: 50_000, FundKind.ACTIVITY: 20_000})
    people = [
        factories.MembershipFactory(club=club, person__full_name=name).person
        for name in ("Nguyễn Thị An", "Trần Văn Bình", "Lê Thị Cúc")
    ]
    factories.MembershipFactory(club=club, person__full_name="Võ Văn Đi", left_on=D(2025, 3, 1), leave_reason="moved")
    return people


def sheet_data(response, **changes):
    """The sheet as the page sent it (date, prefilled amounts, token and version), with `changes`."""
    form = response.context["form"]
    data = {"entry_date": "15/03/2025", **as_shown(form)}
    for person in form.members:
        for fund in form.funds:
            name = form.field_name(person.pk, fund.kind)
            data[name] = str(form[name].value() or "")
    return {**data, **changes}


def contributions(club):
    return sorted(
        FundEntry.objects.filter(fund__club=club, entry_type=EntryType.CONTRIBUTION).values_list(
            "member__full_name", "fund__kind", "amount"
        )
    )


def balance(club, kind):
    return club.funds.get(kind=kind).balance()


def test_sheet_lists_the_members_with_the_usual_amounts_and_the_balances(client, club, club_chair, members):
    response = login(client, club_chair).get(sheet_url(club))
    assert response.status_code == 200
    form = response.context["form"]
    assert [person.full_name for person in form.members] == ["Nguyễn Thị An", "Trần Văn Bình", "Lê Thị Cúc"]
    assert form.entered() == {FundKind.INCOME: 150_000, FundKind.ACTIVITY: 60_000}
    balances = {fund.kind: (before, after) for fund, before, after in response.context["balances"]}
    assert balances == {FundKind.INCOME: (0, 150_000), FundKind.ACTIVITY: (0, 60_000)}
    html = response.content.decode()
    assert 'value="50.000"' in html and 'value="20.000"' in html
    assert summary_url(club) in html


def test_sheet_saves_one_contribution_per_member_and_fund_and_shows_the_summary(client, club, club_chair, members):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    form = page.context["form"]
    an, binh, cuc = members
    data = sheet_data(
        page,
        **{form.field_name(binh.pk, FundKind.INCOME): "100.000", form.field_name(cuc.pk, FundKind.ACTIVITY): "0"},
    )
    response = client.post(sheet_url(club), data, follow=True)
    assert response.redirect_chain == [(summary_url(club), 302)]
    assert contributions(club) == [
        ("Lê Thị Cúc", FundKind.INCOME, 50_000),
        ("Nguyễn Thị An", FundKind.ACTIVITY, 20_000),
        ("Nguyễn Thị An", FundKind.INCOME, 50_000),
        ("Trần Văn Bình", FundKind.ACTIVITY, 20_000),
        ("Trần Văn Bình", FundKind.INCOME, 100_000),
    ]
    assert (balance(club, FundKind.INCOME), balance(club, FundKind.ACTIVITY)) == (200_000, 40_000)
    summary = response.context["summary"]
    assert summary.contributed == 240_000
    # Back on the sheet, what was recorded that day is not offered again.
    again = client.get(sheet_url(club)).context["form"]
    assert again.entered() == {FundKind.INCOME: 0, FundKind.ACTIVITY: 20_000}


def test_the_same_sheet_posted_twice_is_saved_once_and_answered_the_same(client, club, club_chair, members):
    client = login(client, club_chair)
    data = sheet_data(client.get(sheet_url(club)))
    first = client.post(sheet_url(club), data)
    second = client.post(sheet_url(club), data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain == [(first["Location"], 302)]
    assert FundEntry.objects.filter(fund__club=club, entry_type=EntryType.CONTRIBUTION).count() == 6
    assert balance(club, FundKind.INCOME) == 150_000
    receipt = Submission.objects.get()
    time, date = once.local_time(receipt.created_at)
    html = second.content.decode()
    assert vi_html(once.ALREADY_SAVED, time=time, date=date) in html
    with translation.override("vi"):
        saved = ngettext(
            "%(count)s contribution saved, %(total)s in all.", "%(count)s contributions saved, %(total)s in all.", 6
        )
    assert escape(saved % {"count": 6, "total": format_vnd(210_000)}) in html


def test_a_sheet_opened_before_another_device_saved_is_refused_and_keeps_what_was_typed(
    client, club, club_chair, treasurer, members
):
    phone_a = login(client, club_chair)
    phone_b = login(Client(), treasurer)
    page_a, page_b = phone_a.get(sheet_url(club)), phone_b.get(sheet_url(club))
    assert phone_b.post(sheet_url(club), sheet_data(page_b)).status_code == 302
    an = members[0]
    typed = page_a.context["form"].field_name(an.pk, FundKind.INCOME)
    response = phone_a.post(sheet_url(club), sheet_data(page_a, **{typed: "70.000"}))
    assert response.status_code == 200
    saved_by_b = FundEntry.objects.filter(fund__club=club).latest("pk")
    time, date = once.local_time(saved_by_b.created_at)
    html = response.content.decode()
    assert vi_html(once.ERROR_STALE, time=time, date=date, name=str(treasurer)) in html
    assert 'value="70.000"' in html
    assert FundEntry.objects.filter(fund__club=club, entry_type=EntryType.CONTRIBUTION).count() == 6
    # The page now carries the version it shows: saved again, it is recorded (An pays more).
    form = response.context["form"]
    assert form["version"].value() == str(saved_by_b.pk)
    data = {**sheet_data(page_a), **{typed: "70.000"}, "version": form["version"].value()}
    data = {key: ("0" if key.startswith("member_") and key != typed else value) for key, value in data.items()}
    assert phone_a.post(sheet_url(club), data).status_code == 302
    assert balance(club, FundKind.INCOME) == 150_000 + 70_000


def test_staff_see_the_sheet_read_only_and_cannot_save_it(client, club, area_staff, members):
    client = login(client, area_staff)
    response = client.get(sheet_url(club))
    assert all(field.disabled for field in response.context["form"].fields.values())
    assert client.post(sheet_url(club), {"entry_date": "15/03/2025"}).status_code == 403
    assert not FundEntry.objects.filter(fund__club=club).exists()


def test_sheet_of_another_club_is_not_found(client, world, club_chair):
    assert login(client, club_chair).get(sheet_url(world.club_b1)).status_code == 404


def test_sheet_page_query_count_does_not_grow_with_members(client, club, club_chair, members):
    client = login(client, club_chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(sheet_url(club)).status_code == 200
        return len(queries)

    before = count()
    for _ in range(8):
        factories.MembershipFactory(club=club)
    assert count() == before


def test_usual_contributions_are_set_by_the_board_and_staff_of_the_club(
    client, club, club_chair, area_staff, other_area_staff
):
    url = reverse("funds:usual-contributions", args=[club.pk])
    response = login(client, club_chair).post(url, {"income": "30.000", "activity": "10.000"})
    assert response.status_code == 302
    assert dict(club.funds.values_list("kind", "usual_contribution")) == {"income": 30_000, "activity": 10_000}
    assert login(client, area_staff).post(url, {"income": "40.000", "activity": "0"}).status_code == 302
    assert dict(club.funds.values_list("kind", "usual_contribution")) == {"income": 40_000, "activity": 0}
    assert login(client, other_area_staff).get(url).status_code == 404
