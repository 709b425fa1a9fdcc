"""The meeting collection sheet: every open loan with what is due at the meeting, saved all
together through loans.services.collection_sheet_record, or not at all.

Today is 15/03/2025 and the factory clubs meet on the 15th: a loan of 6 million over 6 months
paid out on 15/12/2024 falls due 1.030.000 on 15/01, 15/02 and 15/03 (0.5 % a month, flat).
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

from audit.models import AuditEntry
from core import once
from core.models import Submission
from core.money import format_vnd
from funds.models import FundEntry, FundKind
from loans import allocation, selectors, services
from loans.models import Repayment
from loans.services import repayments
from tests.conftest import login
from tests.loans import books
from tests.once import as_shown
from tests.text import vi_html

D = datetime.date
INSTALMENT = 1_030_000


def sheet_url(club, year=2025, month=3):
    return reverse("loans:collection-sheet", args=[club.pk, year, month])


def balance(club):
    return club.funds.get(kind=FundKind.INCOME).balance()


@pytest.fixture
def club(world):
    books.open_lending(world.club_a1)
    return world.club_a1


@pytest.fixture
def loans(club):
    """Đào paid nothing yet (two months in arrears), Bình paid January (one month in arrears),
    Cúc's loan was paid out in February (first due in March, nothing in arrears)."""
    dao = books.disbursed_loan(club, borrower=books.borrower_of(club, "Nguyễn Thị Đào"))
    binh = books.disbursed_loan(club, borrower=books.borrower_of(club, "Trần Văn Bình"))
    services.repayment_record(actor=None, loan=binh, amount=INSTALMENT, paid_on=D(2025, 1, 15))
    cuc = books.disbursed_loan(club, borrower=books.borrower_of(club, "Lê Thị Cúc"), disbursed_on=D(2025, 2, 15))
    return {"dao": dao, "binh": binh, "cuc": cuc}


def rows_by_loan(response):
    return {row.loan.pk: row for row in response.context["form"].rows}


def sheet_data(response):
    """The sheet as the page sent it: the meeting date, each loan's prefilled amount, its token and version."""
    form = response.context["form"]
    data = {"paid_on": "15/03/2025", **as_shown(form)}
    for row in form.rows:
        data[form.field_name(row.loan.pk)] = str(row.prefill)
    return data


def test_sheet_prefills_what_is_due_at_the_meeting_with_the_arrears_apart(client, club, club_chair, loans):
    response = login(client, club_chair).get(sheet_url(club))
    assert response.status_code == 200
    assert response.context["meeting_on"] == D(2025, 3, 15)
    rows = rows_by_loan(response)
    assert (rows[loans["dao"].pk].due, rows[loans["dao"].pk].arrears) == (3 * INSTALMENT, 2 * INSTALMENT)
    assert (rows[loans["binh"].pk].due, rows[loans["binh"].pk].arrears) == (2 * INSTALMENT, INSTALMENT)
    assert (rows[loans["cuc"].pk].due, rows[loans["cuc"].pk].arrears) == (INSTALMENT, 0)
    assert response.context["total_due"] == 6 * INSTALMENT
    assert response.context["total_arrears"] == 3 * INSTALMENT
    html = response.content.decode()
    assert html.count('data-input="money"') == 3  # the one money box, one a loan
    assert 'inputmode="numeric"' in html
    assert 'value="3.090.000"' in html
    assert reverse("loans:collection-sheet", args=[club.pk, 2025, 2]) in html
    assert reverse("loans:collection-sheet", args=[club.pk, 2025, 4]) in html


def test_sheet_saves_every_row_in_one_go(client, club, club_chair, loans):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    before = balance(club)
    # Đào pays only part of what is due; Cúc pays nothing; Bình pays what the sheet offers.
    data = sheet_data(page)
    data[page.context["form"].field_name(loans["dao"].pk)] = "1.500.000"
    data[page.context["form"].field_name(loans["cuc"].pk)] = ""
    response = client.post(sheet_url(club), data, follow=True)
    assert response.redirect_chain == [(sheet_url(club), 302)]
    assert {(r.loan_id, r.amount) for r in Repayment.objects.filter(paid_on=D(2025, 3, 15))} == {
        (loans["dao"].pk, 1_500_000),
        (loans["binh"].pk, 2 * INSTALMENT),
    }
    assert balance(club) == before + 1_500_000 + 2 * INSTALMENT
    assert response.context["fund_balance"] == balance(club)
    rows = rows_by_loan(response)
    # Đào's 1.500.000 paid January's instalment and part of February's: her arrears are now 560.000.
    assert rows[loans["dao"].pk].arrears == 2 * INSTALMENT - 1_500_000
    assert rows[loans["binh"].pk].due == 0
    # Rows paid this month are not offered again, so saving the sheet twice cannot take money twice.
    assert rows[loans["dao"].pk].prefill == 0
    assert rows[loans["cuc"].pk].prefill == INSTALMENT
    assert AuditEntry.objects.filter(action="loans.collection_sheet.recorded", target_id=str(club.pk)).exists()
    with translation.override("vi"):
        saved = translation.ngettext(
            "%(count)s repayment saved, %(total)s in all.", "%(count)s repayments saved, %(total)s in all.", 2
        ) % {"count": 2, "total": format_vnd(3_560_000)}
    assert escape(saved) in response.content.decode()


def test_one_refused_row_saves_nothing_and_shows_the_message_on_that_row(client, club, club_chair, loans):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    data = sheet_data(page)
    data[page.context["form"].field_name(loans["cuc"].pk)] = "9.000.000"  # more than the whole loan
    before = balance(club)
    response = client.post(sheet_url(club), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [form.field_name(loans["cuc"].pk)]
    assert vi_html(allocation.ERROR_OVERPAYMENT, owed=format_vnd(6_180_000), amount=format_vnd(9_000_000)) in (
        response.content.decode()
    )
    assert not Repayment.objects.filter(paid_on=D(2025, 3, 15)).exists()
    assert balance(club) == before
    # What was typed stays on the page, and the total follows it.
    assert 'value="9.000.000"' in response.content.decode()
    assert response.context["form"].entered_total() == 3 * INSTALMENT + 2 * INSTALMENT + 9_000_000


def test_sheet_dated_in_the_future_is_refused_on_the_date(client, club, club_chair, loans):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    response = client.post(sheet_url(club), {**sheet_data(page), "paid_on": "16/03/2025"})
    assert "paid_on" in response.context["form"].errors
    assert not Repayment.objects.filter(paid_on__gte=D(2025, 3, 1)).exists()


def test_sheet_with_nothing_entered_says_so(client, club, club_chair, loans):
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    data = {key: ("0" if key.startswith("loan_") else value) for key, value in sheet_data(page).items()}
    response = client.post(sheet_url(club), data)
    assert vi_html(repayments.ERROR_SHEET_EMPTY) in response.content.decode()
    assert not Repayment.objects.filter(paid_on=D(2025, 3, 15)).exists()


def test_crafted_field_for_another_clubs_loan_is_ignored(client, world, club, club_chair, loans):
    books.open_lending(world.club_b1)
    other = books.disbursed_loan(world.club_b1)
    client = login(client, club_chair)
    page = client.get(sheet_url(club))
    response = client.post(sheet_url(club), {**sheet_data(page), f"loan_{other.pk}": "1.030.000"})
    assert response.status_code == 302
    assert not other.repayments.exists()


def test_service_refuses_another_clubs_loan_and_saves_nothing(world, club, loans):
    books.open_lending(world.club_b1)
    other = books.disbursed_loan(world.club_b1)
    with pytest.raises(ValidationError) as caught:
        services.collection_sheet_record(
            actor=None,
            club=club,
            paid_on=D(2025, 3, 15),
            amounts={loans["dao"].pk: INSTALMENT, other.pk: INSTALMENT, 999_999: 1},
        )
    errors = caught.value.message_dict
    assert set(errors) == {other.pk, 999_999}
    assert errors[other.pk] == [str(repayments.ERROR_OTHER_CLUB)]
    assert errors[999_999] == [str(repayments.ERROR_SHEET_UNKNOWN_LOAN)]
    assert not Repayment.objects.filter(paid_on=D(2025, 3, 15)).exists()
    assert not FundEntry.objects.filter(entry_date=D(2025, 3, 15)).exists()


def test_staff_see_the_sheet_read_only_and_cannot_save_it(client, club, area_staff, loans):
    client = login(client, area_staff)
    response = client.get(sheet_url(club))
    assert response.status_code == 200
    form = response.context["form"]
    assert all(field.disabled for field in form.fields.values())
    html = response.content.decode()
    assert 'type="submit"' not in html.split('data-testid="collection-sheet"')[1]
    response = client.post(sheet_url(club), {"paid_on": "15/03/2025", f"loan_{loans['dao'].pk}": "1.030.000"})
    assert response.status_code == 403
    assert not Repayment.objects.filter(paid_on=D(2025, 3, 15)).exists()


def test_sheet_of_another_club_and_a_month_that_does_not_exist_are_not_found(client, world, club, club_chair):
    client = login(client, club_chair)
    assert client.get(sheet_url(world.club_b1)).status_code == 404
    assert client.get(sheet_url(club, month=13)).status_code == 404
    assert client.get(sheet_url(club, year=9999, month=12)).status_code == 404


def test_sheet_of_an_earlier_month_shows_what_was_due_then(client, club, club_chair, loans):
    response = login(client, club_chair).get(sheet_url(club, month=2))
    rows = rows_by_loan(response)
    # Cúc's loan was paid out on the February meeting day itself: nothing due yet.
    assert (rows[loans["dao"].pk].due, rows[loans["cuc"].pk].due) == (2 * INSTALMENT, 0)
    # Bình paid January in January: nothing recorded in February, February's instalment offered.
    assert rows[loans["binh"].pk].prefill == INSTALMENT


def test_sheet_selector_query_count_does_not_grow_with_loans(club, django_assert_num_queries):
    def add_loans(count):
        for _ in range(count):
            loan = books.disbursed_loan(club, amount=1_000_000, borrower=books.borrower_of(club, "Võ Thị Vay"))
            services.repayment_record(actor=None, loan=loan, amount=300_000, paid_on=D(2025, 1, 15))

    add_loans(2)
    # One query: the open loans with their borrowers and every sum as a subquery.
    with django_assert_num_queries(1):
        assert len(selectors.collection_sheet(club=club, meeting_on=D(2025, 3, 15))) == 2
    add_loans(8)
    with django_assert_num_queries(1):
        rows = selectors.collection_sheet(club=club, meeting_on=D(2025, 3, 15))
    assert len(rows) == 10
    assert {row.arrears for row in rows} == {2 * (1_000_000 // 6 + 5_000) - 300_000}


def test_sheet_page_query_count_does_not_grow_with_loans(client, club, club_chair):
    client = login(client, club_chair)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(sheet_url(club)).status_code == 200
        return len(queries)

    books.disbursed_loan(club, borrower=books.borrower_of(club, "Võ Thị Một"))
    before = count()
    for _ in range(6):
        books.disbursed_loan(club, amount=1_000_000, borrower=books.borrower_of(club, "Võ Thị Vay"))
    assert count() == before


# --- the date of the sheet's payments (selectors.collection_paid_on) ---------------------------


@pytest.mark.parametrize(
    ("meeting_on", "today", "paid_on"),
    [
        (D(2025, 3, 15), D(2025, 3, 15), D(2025, 3, 15)),  # on the meeting day: the meeting
        (D(2025, 3, 15), D(2025, 3, 20), D(2025, 3, 15)),  # entered after the meeting: still the meeting
        (D(2025, 2, 15), D(2025, 3, 15), D(2025, 2, 15)),  # a past month's sheet: its meeting
        (D(2025, 3, 15), D(2025, 3, 10), D(2025, 3, 10)),  # before the meeting day (held early): today
        (D(2025, 3, 1), D(2025, 2, 27), D(2025, 3, 1)),  # a month to come: never before its first day
        (D(2025, 4, 15), D(2025, 3, 15), D(2025, 4, 1)),
    ],
)
def test_collection_paid_on(meeting_on, today, paid_on):
    assert selectors.collection_paid_on(meeting_on=meeting_on, today=today) == paid_on


def test_the_sheet_offers_the_date_of_collection_paid_on(client, club, treasurer):
    # Today is 15/03/2025; the club meets on the 20th: payments taken before the meeting are dated today.
    club.meeting_day = 20
    club.save(update_fields=["meeting_day"])
    response = login(client, treasurer).get(sheet_url(club))
    assert response.context["form"].initial["paid_on"] == D(2025, 3, 15)
    assert login(client, treasurer).get(sheet_url(club, 2025, 2)).context["form"].initial["paid_on"] == D(2025, 2, 20)


# --- saved once (core.once) ---------------------------------------------------------------------


def test_the_same_sheet_posted_twice_records_each_repayment_once(client, club, club_chair, loans):
    client = login(client, club_chair)
    data = sheet_data(client.get(sheet_url(club)))
    before = balance(club)
    first = client.post(sheet_url(club), data)
    second = client.post(sheet_url(club), data, follow=True)
    assert first.status_code == 302 and second.redirect_chain == [(sheet_url(club), 302)]
    assert Repayment.objects.filter(paid_on=D(2025, 3, 15)).count() == 3
    assert balance(club) == before + 6 * INSTALMENT
    receipt = Submission.objects.get(kind="loans.forms.CollectionSheetForm")
    time, date = once.local_time(receipt.created_at)
    html = second.content.decode()
    assert vi_html(once.ALREADY_SAVED, time=time, date=date) in html
    with translation.override("vi"):
        saved = translation.ngettext(
            "%(count)s repayment saved, %(total)s in all.", "%(count)s repayments saved, %(total)s in all.", 3
        ) % {"count": 3, "total": format_vnd(6 * INSTALMENT)}
    assert escape(saved) in html


def test_a_sheet_opened_before_another_device_saved_is_refused_and_keeps_what_was_typed(
    client, club, club_chair, treasurer, loans
):
    phone_a, phone_b = login(client, club_chair), login(Client(), treasurer)
    page_a, page_b = phone_a.get(sheet_url(club)), phone_b.get(sheet_url(club))
    assert phone_b.post(sheet_url(club), sheet_data(page_b)).status_code == 302
    typed = page_a.context["form"].field_name(loans["dao"].pk)
    response = phone_a.post(sheet_url(club), {**sheet_data(page_a), typed: "1.234.000"})
    assert response.status_code == 200
    latest = FundEntry.objects.filter(fund__club=club).latest("pk")
    time, date = once.local_time(latest.created_at)
    html = response.content.decode()
    assert vi_html(once.ERROR_STALE, time=time, date=date, name=str(treasurer)) in html
    assert 'value="1.234.000"' in html
    assert response.context["form"]["version"].value() == str(latest.pk)
    assert Repayment.objects.filter(paid_on=D(2025, 3, 15)).count() == 3


def test_a_repayment_form_posted_twice_records_once(client, club, club_chair, loans):
    client = login(client, club_chair)
    url = reverse("loans:repayment-create", args=[club.pk, loans["cuc"].pk])
    data = {"paid_on": "15/03/2025", "amount": "1.030.000", **as_shown(client.get(url).context["form"])}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert loans["cuc"].repayments.count() == 1


def test_a_token_of_another_user_is_refused(client, club, club_chair, treasurer, loans):
    url = reverse("loans:repayment-create", args=[club.pk, loans["cuc"].pk])
    data = {
        "paid_on": "15/03/2025",
        "amount": "1.030.000",
        **as_shown(login(client, club_chair).get(url).context["form"]),
    }
    assert client.post(url, data).status_code == 302
    response = login(Client(), treasurer).post(url, data)
    assert vi_html(once.ERROR_TOKEN_ELSEWHERE) in response.content.decode()
    assert loans["cuc"].repayments.count() == 1
