"""loans/views.py: the loan rules, the loan book, an application, one loan's page and its actions.

Status codes per persona for plain GETs are in tests/url_access/loans.py; these tests cover what
the pages show and write: each form's success changes the data, each refusal shows the message
and saves nothing, and a crafted URL or POST never reaches another club's loans or members.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from core.money import format_vnd
from funds.models import EntryType, FundEntry, FundKind
from loans import allocation, services
from loans.models import Instalment, Loan, LoanRules, LoanStatus, Repayment
from loans.services import checks, repayments, rules
from members.models import LeaveReason
from tests.conftest import TODAY, login
from tests.loans import books
from tests.once import sent_once
from tests.text import vi_html

D = datetime.date


def url(name, loan, **extra):
    return reverse(f"loans:{name}", kwargs={"club_pk": loan.club_id, "pk": loan.pk, **extra})


def club_url(name, club):
    return reverse(f"loans:{name}", args=[club.pk])


def income_fund(club):
    return club.funds.get(kind=FundKind.INCOME)


@pytest.fixture
def lending(club):
    return books.open_lending(club)


@pytest.fixture
def chair(client, club_chair):
    return login(client, club_chair)


# --- rules ------------------------------------------------------------------------------------


def rules_data(**overrides):
    data = {
        "effective_from": "01/03/2025",
        "max_amount": "15.000.000",
        "max_term_months": "18",
        "monthly_rate": "0,6",
        "method": "declining",
        "frequency": "monthly",
        "grace_days": "7",
        "regulation_reference": "Quy chế, điều 12",
    }
    data.update(overrides)
    return data


def test_rules_list_newest_first_with_the_version_in_force_marked(chair, club, lending):
    response = chair.post(club_url("rules-create", club), rules_data(effective_from="01/04/2025"))
    assert response.status_code == 200  # a date in the future is refused by the service
    services.rules_record(
        actor=None,
        club=club,
        effective_from=D(2025, 1, 1),
        max_amount=8_000_000,
        max_term_months=10,
        monthly_rate=Decimal("0.4"),
        method="flat",
        frequency="monthly",
    )
    response = chair.get(club_url("rules", club))
    versions = list(response.context["versions"])
    assert [rules.effective_from for rules in versions] == [D(2025, 1, 1), books.RULES_FROM]
    assert response.context["in_force"] == versions[0]
    assert response.content.decode().count('data-testid="in-force"') == 1


@pytest.mark.parametrize("rate", ["0,6", "0.6"])
def test_rules_create_saves_a_version_with_a_rate_typed_either_way(chair, club, lending, rate):
    response = chair.post(club_url("rules-create", club), rules_data(monthly_rate=rate))
    assert response.status_code == 302
    rules = LoanRules.objects.get(club=club, effective_from=D(2025, 3, 1))
    assert (rules.max_amount, rules.max_term_months, rules.monthly_rate, rules.grace_days) == (
        15_000_000,
        18,
        Decimal("0.6"),
        7,
    )
    assert AuditEntry.objects.filter(action="loans.rules.recorded", target_id=str(rules.pk)).exists()


def test_rules_create_refuses_a_second_version_on_the_same_day(chair, club, lending):
    response = chair.post(club_url("rules-create", club), rules_data(effective_from="01/01/2023"))
    assert response.status_code == 200
    assert vi_html(rules.ERROR_RULES_DATE_TAKEN, date="01/01/2023") in response.content.decode()
    assert LoanRules.objects.filter(club=club).count() == 1


def test_rules_create_refuses_a_rate_above_the_ceiling(chair, club, lending):
    response = chair.post(club_url("rules-create", club), rules_data(monthly_rate="12"))
    assert response.status_code == 200
    assert "monthly_rate" in response.context["form"].errors
    assert LoanRules.objects.filter(club=club).count() == 1


def test_staff_cannot_record_rules(client, club, area_staff):
    response = login(client, area_staff).post(club_url("rules-create", club), rules_data())
    assert response.status_code == 403
    assert not LoanRules.objects.filter(club=club).exists()


# --- the loan book ----------------------------------------------------------------------------


def listed(response):
    return [loan.borrower.full_name for loan in response.context["page"].object_list]


def test_loan_book_filters_by_status_and_accent_free_name(chair, club, lending):
    books.disbursed_loan(club, borrower=books.borrower_of(club, "Nguyễn Thị Đào"))
    books.applied_loan(club, borrower=books.borrower_of(club, "Trần Văn Bình"))
    response = chair.get(club_url("loan-list", club))
    assert set(listed(response)) == {"Nguyễn Thị Đào", "Trần Văn Bình"}
    assert listed(chair.get(club_url("loan-list", club), {"q": "nguyen thi dao"})) == ["Nguyễn Thị Đào"]
    assert listed(chair.get(club_url("loan-list", club), {"q": "ĐÀO"})) == ["Nguyễn Thị Đào"]
    assert listed(chair.get(club_url("loan-list", club), {"status": LoanStatus.APPLIED})) == ["Trần Văn Bình"]
    assert listed(chair.get(club_url("loan-list", club), {"status": "nonsense"})) == []


def test_loan_book_shows_outstanding_principal_next_due_and_totals(chair, club, lending):
    loan = books.disbursed_loan(club)
    services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 1, 15))
    books.disbursed_loan(club, amount=3_000_000, term=3, disbursed_on=D(2025, 2, 20))
    books.applied_loan(club)
    response = chair.get(club_url("loan-list", club))
    rows = {row.pk: row for row in response.context["page"].object_list}
    assert rows[loan.pk].principal_outstanding == 5_000_000
    assert rows[loan.pk].next_due_on == D(2025, 2, 15)
    totals = response.context["totals"]
    assert (totals.loans_outstanding, totals.principal_outstanding) == (2, 8_000_000)
    html = response.content.decode()
    assert format_vnd(8_000_000) in html
    assert reverse("loans:collection-sheet", args=[club.pk, 2025, 3]) in html


def test_loan_book_of_another_club_is_not_found(chair, world, lending):
    assert chair.get(club_url("loan-list", world.club_b1)).status_code == 404


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_loan_book_query_count_does_not_grow_with_loans(chair, club, lending, django_assert_num_queries):
    def add_loans(count):
        for _ in range(count):
            loan = books.disbursed_loan(club, amount=1_000_000, borrower=books.borrower_of(club, "Lê Thị Vay"))
            services.repayment_record(actor=None, loan=loan, amount=400_000, paid_on=D(2025, 1, 15))

    add_loans(2)
    before = count_queries(chair, club_url("loan-list", club))
    add_loans(10)
    # 1 session, 2 user, 3 role assignments, 4 the club (in scope), 5 the club with FUNDS_VIEW,
    # 6 count for the paginator, 7 the page of loans with borrower, outstanding and next due,
    # 8 the totals.
    with django_assert_num_queries(before):
        response = chair.get(club_url("loan-list", club))
    assert len(response.context["page"].object_list) == 12
    assert before == 8


# --- application --------------------------------------------------------------------------------


def apply_data(borrower, **overrides):
    data = {
        "borrower": borrower.pk,
        "amount": "5.000.000",
        "term_months": "10",
        "purpose": "livestock",
        "purpose_note": "Nuôi bò",
        "guarantor": "",
        "applied_on": "10/03/2025",
        "override_reason": "",
    }
    data.update(overrides)
    return data


def test_application_offers_only_the_clubs_active_members_and_shows_the_rules(chair, world, club, lending):
    member = books.borrower_of(club, "Nguyễn Thị Vay")
    outsider = books.borrower_of(world.club_b1, "Lê Văn Ngoài")
    response = chair.get(club_url("loan-create", club))
    choices = [person.pk for person in response.context["form"].fields["borrower"].queryset]
    assert member.pk in choices and outsider.pk not in choices
    assert 'data-testid="rules-in-force"' in response.content.decode()
    assert format_vnd(10_000_000) in response.content.decode()


def test_application_success(chair, club, lending):
    member = books.borrower_of(club)
    response = chair.post(club_url("loan-create", club), apply_data(member))
    loan = Loan.objects.get(borrower=member)
    assert response.status_code == 302 and response["Location"] == loan.get_absolute_url()
    assert (loan.status, loan.amount, loan.term_months, loan.cycle) == (LoanStatus.APPLIED, 5_000_000, 10, 1)
    assert loan.monthly_rate == Decimal("0.5")


def test_application_refuses_a_member_of_another_club(chair, world, club, lending):
    outsider = books.borrower_of(world.club_b1, "Lê Văn Ngoài")
    response = chair.post(club_url("loan-create", club), apply_data(outsider))
    assert response.status_code == 200
    assert "borrower" in response.context["form"].errors
    assert not Loan.objects.exists()


def test_application_refuses_a_member_who_left(chair, club, lending):
    member = books.borrower_of(club)
    membership = member.memberships.get()
    membership.left_on, membership.leave_reason = D(2025, 3, 1), LeaveReason.WITHDREW
    membership.save()
    response = chair.post(club_url("loan-create", club), apply_data(member))
    assert response.status_code == 200
    assert "borrower" in response.context["form"].errors
    assert not Loan.objects.exists()


def test_application_dated_before_the_member_joined_is_refused_by_the_service(chair, club, lending):
    member = books.borrower_of(club)
    response = chair.post(club_url("loan-create", club), apply_data(member, applied_on="10/03/2022"))
    assert response.status_code == 200
    html = response.content.decode()
    assert vi_html(checks.ERROR_NOT_A_MEMBER, name=member.full_name, date="10/03/2022") in html
    assert not Loan.objects.exists()


def test_application_without_rules_shows_why(chair, club):
    member = books.borrower_of(club)
    response = chair.post(club_url("loan-create", club), apply_data(member))
    assert vi_html(rules.ERROR_NO_RULES, date="10/03/2025") in response.content.decode()
    assert not Loan.objects.exists()


# --- one loan's page --------------------------------------------------------------------------


def test_loan_page_shows_schedule_repayments_entries_and_payoff(client, club, lending, area_staff):
    loan = books.disbursed_loan(club)
    first = services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 1, 15))
    latest = services.repayment_record(actor=None, loan=loan, amount=500_000, paid_on=D(2025, 2, 15))
    response = login(client, area_staff).get(loan.get_absolute_url())
    page = response.context["page"]
    assert [row.paid for row in page.schedule][:3] == [1_030_000, 500_000, 0]
    assert [row.late for row in page.schedule][:3] == [False, True, False]  # 15/02 + 5 days' grace < 15/03
    assert page.principal_outstanding == 6_000_000 - 1_000_000 - 470_000
    # Today (15/03): the rest of February's instalment and March's, then the principal after.
    assert page.due_today == 530_000 + 1_030_000
    assert page.payoff_today == page.principal_outstanding + 30_000
    assert page.reversible == latest
    assert len(page.entries) == 1 + 2 + 2  # disbursement, principal + interest twice
    html = response.content.decode()
    # Staff read: no action buttons, no reverse button.
    assert 'data-testid="loan-actions"' not in html
    assert url("repayment-reverse", loan, repayment_pk=latest.pk) not in html
    assert first.pk != latest.pk


def test_loan_page_offers_reverse_on_the_latest_repayment_only(chair, club, lending):
    loan = books.disbursed_loan(club)
    first = services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 1, 15))
    latest = services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 2, 15))
    html = chair.get(loan.get_absolute_url()).content.decode()
    assert url("repayment-reverse", loan, repayment_pk=latest.pk) in html
    assert url("repayment-reverse", loan, repayment_pk=first.pk) not in html


def test_loan_page_greys_cancelled_instalments_with_the_reason(chair, club, lending):
    loan = books.disbursed_loan(club)
    services.loan_reschedule(
        actor=None,
        loan=loan,
        on=D(2025, 3, 1),
        term_months=4,
        first_due_on=D(2025, 3, 15),
        reason="mất mùa",
        decision_reference="QĐ 3",
    )
    page = chair.get(loan.get_absolute_url()).context["page"]
    cancelled = [row for row in page.schedule if row.cancelled_because]
    assert len(cancelled) == 6
    assert all("01/03/2025" in row.cancelled_because for row in cancelled)


def test_loan_of_another_club_is_not_found_under_this_club(chair, world, club, lending):
    books.open_lending(world.club_b1)
    other = books.disbursed_loan(world.club_b1)
    assert chair.get(reverse("loans:loan-detail", args=[club.pk, other.pk])).status_code == 404
    assert chair.get(reverse("loans:repayment-create", args=[club.pk, other.pk])).status_code == 404
    assert chair.get(other.get_absolute_url()).status_code == 404


# --- decisions --------------------------------------------------------------------------------


def decision_data(**overrides):
    data = {"decided_on": "12/03/2025", "decision_body": "board", "decision_reference": "Biên bản 12/03"}
    data.update(overrides)
    return data


def test_approve_beyond_the_rules_needs_a_reason(chair, club, lending):
    loan = books.applied_loan(club, amount=12_000_000, applied_on=D(2025, 3, 10))
    page = chair.get(url("loan-approve", loan))
    assert 'data-testid="breaches"' in page.content.decode()
    response = chair.post(url("loan-approve", loan), decision_data())
    assert response.status_code == 200
    assert "override_reason" in response.context["form"].errors
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPLIED
    response = chair.post(url("loan-approve", loan), decision_data(override_reason="Hộ nghèo, đại hội đồng ý"))
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.decided_on, loan.override_reason) == (
        LoanStatus.APPROVED,
        D(2025, 3, 12),
        "Hộ nghèo, đại hội đồng ý",
    )


def test_reject_records_the_reason(chair, club, lending):
    loan = books.applied_loan(club, applied_on=D(2025, 3, 10))
    response = chair.post(url("loan-reject", loan), decision_data(reason=""))
    assert "reason" in response.context["form"].errors
    response = chair.post(url("loan-reject", loan), decision_data(reason="Chưa đủ điều kiện"))
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.rejection_reason) == (LoanStatus.REJECTED, "Chưa đủ điều kiện")


def test_action_for_another_status_goes_back_to_the_loan_with_the_reason(chair, club, lending):
    loan = books.applied_loan(club)
    response = chair.get(url("loan-disburse", loan), follow=True)
    assert response.redirect_chain[-1][0] == loan.get_absolute_url()
    assert vi_html(checks.ERROR_WRONG_STATUS, status=vi_html(LoanStatus.APPLIED.label)) in response.content.decode()


def test_staff_cannot_approve(client, club, lending, province_staff):
    loan = books.applied_loan(club)
    response = login(client, province_staff).post(url("loan-approve", loan), decision_data())
    assert response.status_code == 403
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPLIED


# --- disbursement -----------------------------------------------------------------------------


def test_disburse_shows_the_fund_and_pays_out(chair, club, lending):
    loan = books.approved_loan(club, applied_on=D(2025, 2, 1))
    page = chair.get(url("loan-disburse", loan))
    assert page.context["aside"]["fund_balance"] == 50_000_000
    assert page.context["form"].initial["first_due_on"] == D(2025, 4, 15)
    response = chair.post(url("loan-disburse", loan), sent_once({"disbursed_on": "15/03/2025", "first_due_on": ""}))
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.DISBURSED
    assert income_fund(club).balance() == 44_000_000
    assert loan.instalments.order_by("number").first().due_on == D(2025, 4, 15)


def test_disburse_more_than_the_fund_holds_is_refused(chair, club):
    books.open_lending(club, capital=5_000_000)
    loan = books.approved_loan(club, applied_on=D(2025, 2, 1))
    response = chair.post(url("loan-disburse", loan), sent_once({"disbursed_on": "15/03/2025", "first_due_on": ""}))
    assert response.status_code == 200
    assert "disbursed_on" in response.context["form"].errors
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED
    assert not FundEntry.objects.filter(loan=loan).exists() and not Instalment.objects.filter(loan=loan).exists()
    assert income_fund(club).balance() == 5_000_000


# --- repayments -------------------------------------------------------------------------------


def test_repayment_is_prefilled_with_what_is_due_today_and_saved(chair, club, lending):
    loan = books.disbursed_loan(club)
    page = chair.get(url("repayment-create", loan))
    assert page.context["form"].initial["amount"] == 3 * 1_030_000  # January, February and March
    response = chair.post(
        url("repayment-create", loan), sent_once({"paid_on": "15/03/2025", "amount": "2.060.000", "note": ""})
    )
    assert response.status_code == 302
    assert Repayment.objects.get(loan=loan).amount == 2_060_000
    assert income_fund(club).balance() == 44_000_000 + 2_060_000


def test_overpayment_is_refused_and_nothing_saved(chair, club, lending):
    loan = books.disbursed_loan(club)
    response = chair.post(url("repayment-create", loan), sent_once({"paid_on": "15/03/2025", "amount": "7.000.000"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert vi_html(allocation.ERROR_OVERPAYMENT, owed=format_vnd(6_180_000), amount=format_vnd(7_000_000)) in html
    assert not Repayment.objects.exists()
    assert income_fund(club).balance() == 44_000_000


def test_reverse_the_latest_repayment(chair, club, lending):
    loan = books.disbursed_loan(club)
    repayment = services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 1, 15))
    path = url("repayment-reverse", loan, repayment_pk=repayment.pk)
    assert "reason" in chair.post(path, {"reason": ""}).context["form"].errors
    response = chair.post(path, {"reason": "Nhập nhầm"})
    assert response.status_code == 302
    repayment.refresh_from_db()
    assert (repayment.reversed_on, repayment.reversal_reason) == (TODAY, "Nhập nhầm")
    assert income_fund(club).balance() == 44_000_000
    assert FundEntry.objects.filter(entry_type=EntryType.CORRECTION, loan=loan).count() == 2


def test_reverse_an_earlier_repayment_is_refused(chair, club, lending):
    loan = books.disbursed_loan(club)
    first = services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 1, 15))
    services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2025, 2, 15))
    response = chair.post(url("repayment-reverse", loan, repayment_pk=first.pk), {"reason": "Nhập nhầm"})
    assert response.status_code == 200
    assert vi_html(repayments.ERROR_NOT_LATEST_REPAYMENT) in response.content.decode()
    first.refresh_from_db()
    assert first.reversed_on is None


# --- write-off and rescheduling ---------------------------------------------------------------


def test_write_off(chair, club, lending):
    loan = books.disbursed_loan(club)
    data = {"on": "15/03/2025", "reason": "Qua đời", "decision_reference": ""}
    response = chair.post(url("loan-write-off", loan), data)
    assert "decision_reference" in response.context["form"].errors
    response = chair.post(url("loan-write-off", loan), {**data, "decision_reference": "QĐ 5/2025"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.written_off_amount) == (LoanStatus.WRITTEN_OFF, 6_000_000)
    assert 'data-testid="write-off"' in chair.get(loan.get_absolute_url()).content.decode()


def test_reschedule(chair, club, lending):
    loan = books.disbursed_loan(club)
    data = {
        "on": "15/03/2025",
        "term_months": "6",
        "first_due_on": "10/03/2025",
        "reason": "Mất mùa",
        "decision_reference": "QĐ 6",
    }
    response = chair.post(url("loan-reschedule", loan), data)
    assert vi_html(checks.ERROR_FIRST_DUE_TOO_EARLY, date="15/03/2025") in response.content.decode()
    assert not loan.reschedulings.exists()
    response = chair.post(url("loan-reschedule", loan), {**data, "first_due_on": "15/04/2025"})
    assert response.status_code == 302
    rescheduling = loan.reschedulings.get()
    assert (rescheduling.principal, rescheduling.term_months) == (6_000_000, 6)
    assert loan.instalments.filter(cancelled_on__isnull=True).count() == 6
