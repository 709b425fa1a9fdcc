"""loans.models.LoanQuerySet: the one definition of a loan in progress and of a loan out on a day.

Loans of club A1 (meeting day 15) from tests/loans/books.py: 6.000.000 đ over 6 months, disbursed
on 15/12/2024. Today is 15/03/2025.
"""

import datetime

import pytest

from loans import services
from loans.models import Loan
from tests import factories
from tests.loans import books

D = datetime.date


@pytest.fixture
def lending(club, treasurer):
    books.open_lending(club, actor=treasurer)
    return club


def test_in_progress_is_applied_approved_or_out(lending, treasurer):
    club = lending
    applied = books.applied_loan(club, borrower=books.borrower_of(club, "Đang Xin Vay"))
    approved = books.approved_loan(club, borrower=books.borrower_of(club, "Đã Duyệt"))
    out = books.disbursed_loan(club, borrower=books.borrower_of(club, "Đang Vay"))
    rejected = books.applied_loan(club, borrower=books.borrower_of(club, "Bị Từ Chối"))
    services.loan_reject(
        actor=treasurer,
        loan=rejected,
        decided_on=D(2024, 12, 10),
        decision_body="board",
        decision_reference="BB 1",
        reason="Thiếu vốn",
    )
    repaid = books.disbursed_loan(club, borrower=books.borrower_of(club, "Đã Trả"))
    services.repayment_record(actor=treasurer, loan=repaid, amount=6_000_000, paid_on=D(2024, 12, 20))
    written_off = books.disbursed_loan(club, borrower=books.borrower_of(club, "Xóa Nợ"))
    services.loan_write_off(
        actor=treasurer, loan=written_off, on=D(2025, 1, 10), reason="Qua đời", decision_reference="QĐ 1"
    )
    in_progress = {applied.pk, approved.pk, out.pk}
    assert set(Loan.objects.in_progress().values_list("pk", flat=True)) == in_progress
    assert {loan.pk for loan in Loan.objects.all() if loan.is_in_progress} == in_progress


def test_out_from_the_disbursement_until_the_day_before_it_closes(lending, treasurer):
    club = lending
    repaid = books.disbursed_loan(club, borrower=books.borrower_of(club, "Trả Sớm"))
    services.repayment_record(actor=treasurer, loan=repaid, amount=6_000_000, paid_on=D(2025, 1, 10))
    written_off = books.disbursed_loan(club, borrower=books.borrower_of(club, "Xóa Nợ"))
    services.loan_write_off(
        actor=treasurer, loan=written_off, on=D(2025, 2, 10), reason="Qua đời", decision_reference="QĐ 1"
    )
    books.applied_loan(club, borrower=books.borrower_of(club, "Chưa Giải Ngân"))

    def out(day):
        return set(Loan.objects.out_on(day).values_list("pk", flat=True))

    assert out(D(2024, 12, 14)) == set()
    assert out(books.DISBURSED_ON) == {repaid.pk, written_off.pk}
    assert out(D(2025, 1, 9)) == {repaid.pk, written_off.pk}
    assert out(D(2025, 1, 10)) == {written_off.pk}  # repaid that day: out until the day before
    assert out(D(2025, 2, 9)) == {written_off.pk}
    assert out(D(2025, 2, 10)) == set()  # written off that day


def test_a_loan_taken_over_is_out_from_its_take_over(lending, treasurer):
    club = lending
    loan = services.loan_take_over(
        actor=treasurer,
        club=club,
        borrower=factories.MembershipFactory(club=club).person,
        go_live_on=D(2025, 1, 31),
        **books.PAPER_LOAN,
        outstanding=7_000_000,
        next_due_on=D(2025, 2, 15),
    )
    # Disbursed on paper in June, but the product holds it only from the take-over.
    assert not Loan.objects.out_on(D(2025, 1, 30)).filter(pk=loan.pk).exists()
    assert Loan.objects.out_on(D(2025, 1, 31)).filter(pk=loan.pk).exists()


def test_out_during_a_period_is_out_on_at_least_one_of_its_days(lending, treasurer):
    club = lending
    repaid = books.disbursed_loan(club, borrower=books.borrower_of(club, "Trả Sớm"))
    services.repayment_record(actor=treasurer, loan=repaid, amount=6_000_000, paid_on=D(2025, 1, 10))
    same_day = books.disbursed_loan(club, borrower=books.borrower_of(club, "Trả Ngay"))
    services.repayment_record(actor=treasurer, loan=same_day, amount=6_000_000, paid_on=books.DISBURSED_ON)

    def during(start, end):
        return set(Loan.objects.out_during(start, end).values_list("pk", flat=True))

    assert during(D(2024, 12, 1), D(2024, 12, 14)) == set()
    # Repaid on the day it was disbursed: never out.
    assert during(D(2024, 12, 1), books.DISBURSED_ON) == {repaid.pk}
    assert during(D(2025, 1, 9), D(2025, 2, 1)) == {repaid.pk}
    assert during(D(2025, 1, 10), D(2025, 2, 1)) == set()
    assert during(D(2025, 1, 10), D(2025, 1, 9)) == set()  # a period that ends before it starts
    for day in (D(2024, 12, 14), books.DISBURSED_ON, D(2025, 1, 9), D(2025, 1, 10)):
        assert during(day, day) == set(Loan.objects.out_on(day).values_list("pk", flat=True))
