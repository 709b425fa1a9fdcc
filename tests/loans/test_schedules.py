"""The schedule arithmetic of loans/schedules.py, pinned with exact numbers.

No database: these are pure functions. The numbers below were worked out by hand from the rules
in the module's docstring; the property test then checks the rules hold for any loan.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loans.models import MAX_MONTHLY_RATE_PERCENT, MAX_TERM_MONTHS, InterestMethod, RepaymentFrequency
from loans.schedules import build_schedule, due_dates, first_due_date, interest_parts, principal_parts

D = datetime.date
FLAT, DECLINING = InterestMethod.FLAT, InterestMethod.DECLINING
MONTHLY, AT_END = RepaymentFrequency.MONTHLY, RepaymentFrequency.AT_END


JANUARY_15 = D(2025, 1, 15)


def schedule(amount, term, rate, method, frequency, first_due_on=JANUARY_15, meeting_day=15):
    return build_schedule(
        amount=amount,
        term_months=term,
        monthly_rate=Decimal(rate),
        method=method,
        frequency=frequency,
        first_due_on=first_due_on,
        meeting_day=meeting_day,
    )


def rows(parts):
    return [(part.principal, part.interest) for part in parts]


# --- principal ------------------------------------------------------------------------------


def test_principal_monthly_equal_parts_when_the_amount_divides():
    assert principal_parts(amount=6_000_000, term_months=6, frequency=MONTHLY) == [1_000_000] * 6


def test_principal_monthly_rounding_difference_goes_to_the_last_instalment():
    # 10.000.001 ÷ 7 = 1.428.571,57…: six of 1.428.571, the last takes 10.000.001 − 8.571.426.
    assert principal_parts(amount=10_000_001, term_months=7, frequency=MONTHLY) == [1_428_571] * 6 + [1_428_575]


def test_principal_at_the_end():
    assert principal_parts(amount=5_000_000, term_months=4, frequency=AT_END) == [0, 0, 0, 5_000_000]


@pytest.mark.parametrize("frequency", [MONTHLY, AT_END])
def test_term_of_one_month_takes_everything_at_once(frequency):
    parts = schedule(3_000_000, 1, "0.5", FLAT, frequency)
    assert rows(parts) == [(3_000_000, 15_000)]
    assert parts[0].due_on == D(2025, 1, 15)


# --- interest -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", [FLAT, DECLINING])
@pytest.mark.parametrize("frequency", [MONTHLY, AT_END])
def test_zero_rate_charges_no_interest(method, frequency):
    parts = schedule(10_000_001, 7, "0", method, frequency)
    assert [part.interest for part in parts] == [0] * 7
    assert sum(part.principal for part in parts) == 10_000_001


def test_flat_odd_amount():
    # 10.000.001 × 0,65 % = 65.000,0065 → 65.000 a month; total 455.000,0455 → 455.000.
    assert rows(schedule(10_000_001, 7, "0.65", FLAT, MONTHLY)) == [(1_428_571, 65_000)] * 6 + [(1_428_575, 65_000)]


def test_flat_total_rounded_half_up_and_the_difference_in_the_last_instalment():
    # 1.234.567 × 0,65 % = 8.024,6855 → 8.024 a month (down); × 12 = 96.296,226 → 96.296 in all;
    # the last month takes 96.296 − 11 × 8.024 = 8.032.
    parts = schedule(1_234_567, 12, "0.65", FLAT, MONTHLY)
    assert [part.interest for part in parts] == [8_024] * 11 + [8_032]
    assert sum(part.interest for part in parts) == 96_296
    assert sum(part.principal for part in parts) == 1_234_567
    assert [part.principal for part in parts] == [102_880] * 11 + [102_887]


def test_flat_total_rounds_half_up_not_to_even():
    # 100.001 × 0,5 % × 1 = 500,005 → 500 (half up on the đồng: ,005 is far below half); 100.100 × 0,5 % = 500,5 → 501.
    assert interest_parts(amount=100_100, principal=[100_100], monthly_rate=Decimal("0.5"), method=FLAT) == [501]
    assert interest_parts(amount=100_001, principal=[100_001], monthly_rate=Decimal("0.5"), method=FLAT) == [500]


def test_declining_odd_amount():
    # Interest on the balance at the start of each month, rounded half up:
    # 10.000.001 → 65.000,0065; 8.571.430 → 55.714,295; 7.142.859 → 46.428,58; 5.714.288 → 37.142,87;
    # 4.285.717 → 27.857,16; 2.857.146 → 18.571,45; 1.428.575 → 9.285,74.
    parts = schedule(10_000_001, 7, "0.65", DECLINING, MONTHLY)
    assert [part.interest for part in parts] == [65_000, 55_714, 46_429, 37_143, 27_857, 18_571, 9_286]
    assert sum(part.principal for part in parts) == 10_000_001


def test_declining_with_principal_at_the_end_is_the_flat_rule():
    flat = rows(schedule(10_000_001, 7, "0.65", FLAT, AT_END))
    assert rows(schedule(10_000_001, 7, "0.65", DECLINING, AT_END)) == flat
    assert flat == [(0, 65_000)] * 6 + [(10_000_001, 65_000)]


def test_flat_base_for_a_loan_taken_over_part_repaid():
    # Flat interest stays on the original 12.000.000 although only 5.000.000 is scheduled.
    parts = interest_parts(
        amount=5_000_000, principal=[1_000_000] * 5, monthly_rate=Decimal("0.5"), method=FLAT, flat_base=12_000_000
    )
    assert parts == [60_000] * 5
    # Declining interest ignores the original amount: the balance still owed is what counts.
    declining = interest_parts(
        amount=5_000_000,
        principal=[1_000_000] * 5,
        monthly_rate=Decimal("0.5"),
        method=DECLINING,
        flat_base=12_000_000,
    )
    assert declining == [25_000, 20_000, 15_000, 10_000, 5_000]


def test_schedule_needs_a_positive_amount_and_a_term():
    with pytest.raises(ValueError):
        schedule(0, 6, "0.5", FLAT, MONTHLY)
    with pytest.raises(ValueError):
        schedule(1_000_000, 0, "0.5", FLAT, MONTHLY)


# --- dates ----------------------------------------------------------------------------------


def test_first_due_date_is_the_meeting_in_the_month_after_the_disbursement():
    # Even when the meeting of the disbursement month is still to come, the first instalment waits a month.
    assert first_due_date(disbursed_on=D(2025, 1, 10), meeting_day=15) == D(2025, 2, 15)
    assert first_due_date(disbursed_on=D(2025, 1, 20), meeting_day=15) == D(2025, 2, 15)
    assert first_due_date(disbursed_on=D(2024, 12, 5), meeting_day=15) == D(2025, 1, 15)


def test_first_due_date_without_a_meeting_day_uses_the_disbursement_day():
    assert first_due_date(disbursed_on=D(2025, 1, 20), meeting_day=None) == D(2025, 2, 20)
    assert first_due_date(disbursed_on=D(2025, 1, 31), meeting_day=None) == D(2025, 2, 28)


def test_meeting_day_31_falls_on_the_last_day_of_short_months():
    assert due_dates(first_due_on=D(2025, 1, 31), count=5, meeting_day=31) == [
        D(2025, 1, 31),
        D(2025, 2, 28),
        D(2025, 3, 31),
        D(2025, 4, 30),
        D(2025, 5, 31),
    ]


def test_meeting_day_31_in_a_leap_february():
    assert due_dates(first_due_on=D(2024, 1, 31), count=3, meeting_day=31) == [
        D(2024, 1, 31),
        D(2024, 2, 29),
        D(2024, 3, 31),
    ]
    assert first_due_date(disbursed_on=D(2024, 1, 31), meeting_day=31) == D(2024, 2, 29)


def test_meeting_day_30_across_the_new_year_and_february():
    assert due_dates(first_due_on=D(2024, 12, 30), count=3, meeting_day=30) == [
        D(2024, 12, 30),
        D(2025, 1, 30),
        D(2025, 2, 28),
    ]


def test_a_first_due_date_chosen_off_the_meeting_day_is_kept():
    # A board may set the first instalment on another day; the following ones are at the meetings.
    assert due_dates(first_due_on=D(2024, 9, 30), count=3, meeting_day=15) == [
        D(2024, 9, 30),
        D(2024, 10, 15),
        D(2024, 11, 15),
    ]


def test_schedule_keeps_the_meeting_day_after_a_short_month():
    # The first due date fell on 28/02 because February is short; March goes back to the 31st.
    parts = schedule(3_000_000, 3, "0", FLAT, MONTHLY, first_due_on=D(2025, 2, 28), meeting_day=31)
    assert [part.due_on for part in parts] == [D(2025, 2, 28), D(2025, 3, 31), D(2025, 4, 30)]


def test_instalment_numbers_continue_from_first_number():
    parts = build_schedule(
        amount=2_000_000,
        term_months=2,
        monthly_rate=Decimal("1"),
        method=FLAT,
        frequency=MONTHLY,
        first_due_on=D(2025, 4, 15),
        meeting_day=15,
        first_number=7,
    )
    assert [(part.number, part.due_on, part.amount) for part in parts] == [
        (7, D(2025, 4, 15), 1_020_000),
        (8, D(2025, 5, 15), 1_020_000),
    ]


# --- the rules hold for any loan ------------------------------------------------------------

rates = st.decimals(min_value=0, max_value=MAX_MONTHLY_RATE_PERCENT, places=3)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    amount=st.integers(min_value=1, max_value=10**12),
    term=st.integers(min_value=1, max_value=MAX_TERM_MONTHS),
    rate=rates,
    method=st.sampled_from([FLAT, DECLINING]),
    frequency=st.sampled_from([MONTHLY, AT_END]),
    meeting_day=st.integers(min_value=1, max_value=31),
)
def test_schedule_rules_hold_for_any_loan(amount, term, rate, method, frequency, meeting_day):
    first_due_on = D(2025, 1, min(meeting_day, 31))
    parts = build_schedule(
        amount=amount,
        term_months=term,
        monthly_rate=rate,
        method=method,
        frequency=frequency,
        first_due_on=first_due_on,
        meeting_day=meeting_day,
    )
    principal = [part.principal for part in parts]
    interest = [part.interest for part in parts]
    assert len(parts) == term
    assert sum(principal) == amount
    assert all(part >= 0 for part in principal + interest)
    assert all(isinstance(part, int) for part in principal + interest)
    if frequency == MONTHLY:
        assert principal[-1] >= max(principal)
        assert max(principal) - min(principal) < term
    else:
        assert principal[:-1] == [0] * (term - 1)
    exact_rate = rate / 100
    # A balance that never declines before the last month (principal at the end, or an amount
    # smaller than the term) gives the flat rule.
    if method == FLAT or not any(principal[:-1]):
        total = int((amount * exact_rate * term).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert sum(interest) == total
        assert interest[:-1] == [int(amount * exact_rate)] * (term - 1)
    else:
        balance = amount
        for part, month_interest in zip(principal, interest, strict=True):
            assert month_interest == int((balance * exact_rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            balance -= part
    dates = [part.due_on for part in parts]
    assert dates == sorted(dates) and len(set(dates)) == term
    for due_on in dates:
        assert due_on.day == meeting_day or (due_on.day < meeting_day and (due_on + datetime.timedelta(1)).day == 1)
