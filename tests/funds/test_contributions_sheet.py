"""The meeting's contributions sheet: every member of the club with what they usually pay into
each fund, saved all together (funds.services.contributions_sheet_record), once.

Today is 15/03/2025, the factory clubs meet on the 15th. Club A1's members usually pay 50.000 đ
into the income-generation fund and 20.000 đ into the activity fund.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import ngettext

from audit.models import AuditEntry
from core import once
from core.models import Submission
from core.money import format_vnd
from funds.models import EntryType, FundEntry, FundKind
from funds.services import ERROR_SHEET_EMPTY, contributions_sheet_record, usual_contributions_set
from members.models import MeetingAttendance, Person
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


# --- attendance, for the clubs that record it (Club.records_attendance) --------------------------


def attending(club):
    """{member's name: present} as recorded at the meeting."""
    return dict(
        MeetingAttendance.objects.filter(club=club, meeting_on=MEETING).values_list("person__full_name", "present")
    )


def ticked(response, *people):
    """The sheet's data with `people` ticked present."""
    form = response.context["form"]
    return sheet_data(response, **{form.present_name(person.pk): "on" for person in people})


@pytest.fixture
def records_attendance(club):
    club.records_attendance = True
    club.save(update_fields=["records_attendance"])
    return club


def test_a_club_that_does_not_record_attendance_gets_no_box_and_none_is_recorded(client, club, club_chair, members):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    assert all(cells_present is None for _person, _cells, cells_present in page.context["form"].rows())
    assert "attendance-box" not in page.content.decode()
    # A box sent anyway is not a field of the sheet: the contributions are saved, no attendance.
    response = client.post(sheet_url(club), {**sheet_data(page), f"member_{members[0].pk}_present": "on"}, follow=True)
    assert response.redirect_chain == [(summary_url(club), 302)]
    assert not MeetingAttendance.objects.exists()
    assert 'data-testid="summary-attendance"' not in response.content.decode()


def test_attendance_is_asked_unticked_and_saved_with_the_contributions(
    client, records_attendance, club, club_chair, members
):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    html = page.content.decode()
    assert html.count('class="form-check-input attendance-box"') == 3
    assert "checked" not in html
    an, binh, cuc = members
    response = client.post(sheet_url(club), ticked(page, an, cuc), follow=True)
    assert response.redirect_chain == [(summary_url(club), 302)]
    assert len(contributions(club)) == 6
    assert attending(club) == {"Nguyễn Thị An": True, "Trần Văn Bình": False, "Lê Thị Cúc": True}
    entry = AuditEntry.objects.get(action="members.attendance.recorded")
    assert entry.actor == club_chair and entry.data["present"] == sorted([an.pk, cuc.pk])
    # The summary shows it: how many were present out of the members, and who.
    summary = response.content.decode()
    with translation.override("vi"):
        count = ngettext(
            "%(present)s present out of %(members)s member.", "%(present)s present out of %(members)s members.", 3
        ) % {"present": 2, "members": 3}
    assert escape(count) in summary
    assert "Nguyễn Thị An, Lê Thị Cúc" in summary
    # Back on the sheet, the boxes show what was recorded; saved again that day, the rows change.
    again = client.get(sheet_url(club))
    assert again.content.decode().count("checked") == 2
    data = {**ticked(again, binh), f"member_{an.pk}_{FundKind.ACTIVITY}": "10.000"}
    data = {
        key: ("0" if key.endswith(("_income", "_activity")) and key != f"member_{an.pk}_activity" else value)
        for key, value in data.items()
    }
    assert client.post(sheet_url(club), data).status_code == 302
    assert attending(club) == {"Nguyễn Thị An": False, "Trần Văn Bình": True, "Lê Thị Cúc": False}
    assert MeetingAttendance.objects.count() == 3


def test_a_refused_sheet_records_no_attendance(client, records_attendance, club, club_chair, members):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    nothing = {
        key: ("0" if key.endswith(("_income", "_activity")) else value) for key, value in ticked(page, *members).items()
    }
    response = client.post(sheet_url(club), nothing)
    assert response.status_code == 200
    assert vi_html(ERROR_SHEET_EMPTY) in response.content.decode()
    assert not MeetingAttendance.objects.exists()
    assert not AuditEntry.objects.filter(action="members.attendance.recorded").exists()


def test_attendance_of_someone_not_a_member_that_day_refuses_the_whole_sheet(records_attendance, club, members):
    left = Person.objects.get(full_name="Võ Văn Đi")
    with pytest.raises(ValidationError):
        contributions_sheet_record(
            actor=None,
            club=club,
            entry_date=MEETING,
            amounts={(members[0].pk, FundKind.INCOME): 50_000},
            present={members[0].pk, left.pk},
        )
    assert not FundEntry.objects.exists() and not MeetingAttendance.objects.exists()


def test_the_same_sheet_posted_twice_records_attendance_once(client, records_attendance, club, club_chair, members):
    client = login(client, club_chair)
    data = ticked(client.get(sheet_url(club)), members[1])
    assert client.post(sheet_url(club), data).status_code == 302
    assert client.post(sheet_url(club), data).status_code == 302
    assert attending(club) == {"Nguyễn Thị An": False, "Trần Văn Bình": True, "Lê Thị Cúc": False}
    assert MeetingAttendance.objects.count() == 3
    assert AuditEntry.objects.filter(action="members.attendance.recorded").count() == 1


def test_sheet_and_summary_query_counts_do_not_grow_with_members_present(
    client, records_attendance, club, club_chair, members
):
    client = login(client, club_chair)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert client.post(sheet_url(club), ticked(client.get(sheet_url(club)), *members)).status_code == 302
    before = count(sheet_url(club)), count(summary_url(club))
    more = [factories.MembershipFactory(club=club).person for _ in range(8)]
    # The newcomers are present at a second round of contributions the same day.
    page = client.get(sheet_url(club))
    data = {
        key: ("0" if key.endswith(("_income", "_activity")) else value)
        for key, value in ticked(page, *members, *more).items()
    }
    data[page.context["form"].field_name(more[0].pk, FundKind.INCOME)] = "50.000"
    assert client.post(sheet_url(club), data).status_code == 302
    assert MeetingAttendance.objects.filter(present=True).count() == 11
    assert (count(sheet_url(club)), count(summary_url(club))) == before
