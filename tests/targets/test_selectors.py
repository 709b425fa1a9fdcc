"""targets/selectors.py: one test per rule of the module docstring, on the personas' map (the
`plan` fixture) — new clubs, coverage, the club measures, the progress rows — and the figures of
the 24/11/2022 scenario on the real map (`qng_plan`).

Money, loans and monthly reports are written through their services, as the clubs' work writes
them; clubs and members through the factories, as the other report tests do.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts import access
from accounts.access import Cap
from activities import services as activities
from areas.models import AdminUnit, AreaType
from areas.services import unit_classify
from clubs.models import ActivityArea, Club, StatusChangeKind
from funds.models import CapitalSource, FundKind
from funds.services import contribution_record, spending_record
from loans import allocation
from loans import selectors as loan_selectors
from loans import services as loans
from members.models import LeaveReason, Membership
from targets import lists, selectors
from targets.models import CoverageTarget, NewClubDate
from targets.report import ClubMeasure, elapsed_share
from targets.selectors import target_report
from tests import factories
from tests.activities.sections import EVERY_AREA_ACTIVE
from tests.loans.books import disbursed_loan, open_lending
from tests.reports.conftest import add_members
from tests.targets.conftest import SEED_DAY, small_plan

D = datetime.date
VN = datetime.timezone(datetime.timedelta(hours=7))
ON = D(2025, 3, 15)  # "today" of tests/conftest.py


def report(plan, on=ON, user=None):
    """The report over the whole province (as the command asks it), or over `user`'s scope."""
    if user is None:
        clubs, units = Club.objects.all(), AdminUnit.objects.all()
    else:
        clubs, units = access.clubs_for(user, Cap.REPORT_VIEW), access.units_for(user, Cap.REPORT_VIEW)
    return target_report(plan=plan, clubs=clubs, units=units, on=on)


def club_in(unit, **fields):
    return factories.ClubFactory(unit=unit, **fields)


def years(new_clubs):
    return {row.year: (row.counted, row.launched) for row in new_clubs.years}


def districts(rows):
    return {row.unit.name: row for row in rows}


def stop(club, kind, on):
    factories.ClubStatusChangeFactory(club=club, kind=kind, effective_on=on)


# --- new clubs --------------------------------------------------------------------------------


def test_new_clubs_are_counted_by_decision_date_in_the_period_up_to_the_date(world, plan):
    """The world's four clubs were decided on 01/03/2022 (club A2 not launched)."""
    club_in(world.commune_a1, decision_date=D(2021, 12, 31), launch_date=D(2022, 1, 15))  # before the period
    club_in(world.commune_b1, decision_date=D(2024, 6, 1), launch_date=D(2024, 7, 1))  # launched after the date
    club_in(world.commune_b1, decision_date=D(2024, 7, 15), launch_date=D(2024, 8, 1))  # decided after the date
    new = report(plan, on=D(2024, 6, 30)).new_clubs
    assert (new.total.counted, new.total.launched, new.total.not_launched) == (5, 3, 2)
    # Every year of the period up to the date, zero rows included; none after it.
    assert years(new) == {2022: (4, 3), 2023: (0, 0), 2024: (1, 0)}
    by_district = districts(new.districts)
    assert {name: (row.counted, row.launched) for name, row in by_district.items()} == {
        "Huyện Đồng Bằng": (2, 1),
        "Huyện Miền Núi": (2, 1),
        "Huyện Lý Sơn": (1, 1),
    }
    assert [row.unit for row in new.districts] == [world.district_a, world.district_b, world.district_l]
    assert (new.target, new.per_year, new.members_target) == (8, 2, 400)


def test_a_club_without_a_decision_date_is_dated_by_its_launch(world, plan):
    club_in(world.commune_a1, decision_date=None, launch_date=D(2023, 5, 1))
    club_in(world.commune_a1, decision_date=None, launch_date=D(2021, 10, 1))  # launched before the period
    new = report(plan).new_clubs
    assert years(new) == {2022: (4, 3), 2023: (1, 1), 2024: (0, 0), 2025: (0, 0)}


def test_new_clubs_counted_by_launch_date_when_the_plan_says_so(world):
    plan = small_plan(world, new_club_date=NewClubDate.LAUNCH)
    club_in(world.commune_a1, decision_date=D(2021, 11, 1), launch_date=D(2022, 2, 1))  # launched in the period
    club_in(world.commune_b1, decision_date=D(2024, 12, 1), launch_date=D(2025, 1, 10))  # launched in 2025
    new = report(plan).new_clubs
    # Club A2 (never launched) has no launch date: not new by this rule.
    assert (new.total.counted, new.total.launched, new.total.not_launched) == (5, 5, 0)
    assert years(new) == {2022: (4, 4), 2023: (0, 0), 2024: (0, 0), 2025: (1, 1)}
    by_decision = report(small_plan(world, code="thu-theo-qd", name="Kế hoạch thử theo quyết định")).new_clubs
    assert years(by_decision) == {2022: (4, 3), 2023: (0, 0), 2024: (1, 1), 2025: (0, 0)}


def test_a_new_club_stopped_since_is_still_a_new_club(world, plan):
    """New clubs count the clubs established in the period, whatever became of them: club B1,
    dissolved in 2024, is still counted (and launched); it no longer counts as active."""
    add_members(world.club_b1, 3)
    stop(world.club_b1, StatusChangeKind.DISSOLVED, D(2024, 6, 1))
    result = report(plan)
    assert (result.new_clubs.total.counted, result.new_clubs.total.launched) == (4, 3)
    assert districts(result.new_clubs.districts)["Huyện Miền Núi"].members == 3
    assert world.club_b1 not in [row.club for row in result.clubs]


def test_members_of_the_new_clubs_on_the_date(world, plan):
    add_members(world.club_a1, 5, joined_on=D(2022, 5, 1))
    add_members(world.club_a1, 2, joined_on=D(2025, 1, 1))  # join after the date
    [gone] = add_members(world.club_b1, 1, joined_on=D(2022, 5, 1))
    Membership.objects.filter(pk=gone.pk).update(left_on=D(2024, 6, 1), leave_reason=LeaveReason.MOVED)
    add_members(world.club_b1, 3, joined_on=D(2022, 5, 1))
    old = club_in(world.commune_b1, decision_date=D(2020, 6, 1), launch_date=D(2020, 7, 1))
    add_members(old, 9, joined_on=D(2020, 7, 1))  # not a new club
    new = report(plan, on=D(2024, 12, 31)).new_clubs
    assert new.total.members == 8
    by_district = districts(new.districts)
    assert (by_district["Huyện Đồng Bằng"].members, by_district["Huyện Miền Núi"].members) == (5, 3)
    assert by_district["Huyện Lý Sơn"].members == 0


@pytest.mark.parametrize(
    ("on", "elapsed", "pace", "members_pace"),
    [
        (D(2021, 12, 31), Decimal(0), 0, 0),  # before the period
        # Its first day: 1 of 1.461 days, 0,1 % shown; 8 × 1 ÷ 1.461 = 0,005 and 400 × 1 ÷ 1.461 =
        # 0,27, rounded up to whole clubs and members.
        (D(2022, 1, 1), Decimal("0.1"), 1, 1),
        # 730 of 1.461 days, 50,0 % shown; 8 × 730 ÷ 1.461 = 3,997 and 400 × 730 ÷ 1.461 = 199,86.
        (D(2023, 12, 31), Decimal("50.0"), 4, 200),
        (D(2025, 12, 31), Decimal(100), 8, 400),  # its last day
        (D(2026, 6, 30), Decimal(100), 8, 400),  # after it
    ],
)
def test_pace_is_the_target_times_the_share_of_the_period_gone_by(world, plan, on, elapsed, pace, members_pace):
    assert elapsed_share(plan, on) == elapsed
    result = report(plan, on=on)
    assert result.elapsed == elapsed
    assert result.new_clubs.pace == pace
    progress = {row.key: row for row in result.progress}
    assert progress["new_clubs"].pace == pace
    assert progress["new_club_members"].pace == members_pace


# --- coverage ---------------------------------------------------------------------------------


def coverage(result):
    """{group name: (covered, units)} of the whole scope."""
    return {group.target.name: (group.total.covered, group.total.units) for group in result.coverage}


def test_a_unit_is_covered_by_an_active_club_only(world, plan):
    commune_a3 = factories.commune(world.district_a, scheme=world.province.scheme, code="90103")
    commune_a4 = factories.commune(world.district_a, scheme=world.province.scheme, code="90104")
    stop(club_in(commune_a3), StatusChangeKind.SUSPENDED, D(2024, 1, 1))
    stop(club_in(commune_a4), StatusChangeKind.DISSOLVED, D(2024, 1, 1))
    result = report(plan)
    # A1: active club; A2: club decided only; A3: suspended; A4: dissolved.
    assert coverage(result)["Đồng bằng"] == (1, 4)
    [district_a] = result.coverage[0].districts
    assert (district_a.unit, district_a.covered, district_a.units, district_a.uncovered) == (world.district_a, 1, 4, 3)
    assert district_a.share == Decimal(25)


def test_a_district_without_communes_is_one_unit_covered_by_its_own_club(world, plan):
    mountain_island = report(plan).coverage[1]
    assert mountain_island.target.name == "Miền núi và hải đảo"
    assert (mountain_island.total.covered, mountain_island.total.units) == (2, 2)
    assert mountain_island.units_without_communes == [world.district_l]
    assert {row.unit.name: (row.covered, row.units) for row in mountain_island.districts} == {
        "Huyện Miền Núi": (1, 1),
        "Huyện Lý Sơn": (1, 1),
    }
    assert report(plan).coverage[0].units_without_communes == []
    stop(world.club_l, StatusChangeKind.DISSOLVED, D(2025, 1, 1))
    assert coverage(report(plan))["Miền núi và hải đảo"] == (1, 2)


def test_coverage_min_clubs_asks_for_that_many_active_clubs(world, plan):
    plan.coverage_min_clubs = 2
    assert coverage(report(plan)) == {"Đồng bằng": (0, 2), "Miền núi và hải đảo": (0, 2)}
    club_in(world.commune_a1)
    club_in(world.commune_a2)  # with club A2 (not launched): still one active club in A2
    assert coverage(report(plan)) == {"Đồng bằng": (1, 2), "Miền núi và hải đảo": (0, 2)}


def test_coverage_groups_are_made_of_their_area_types(world, plan):
    CoverageTarget.objects.create(plan=plan, name="Hải đảo", area_types=[AreaType.ISLAND.value], share=30, order=3)
    CoverageTarget.objects.create(
        plan=plan, name="Cả tỉnh", area_types=[choice.value for choice in AreaType], share=40, order=4
    )
    assert coverage(report(plan)) == {
        "Đồng bằng": (1, 2),
        "Miền núi và hải đảo": (2, 2),
        "Hải đảo": (1, 1),
        "Cả tỉnh": (3, 4),
    }


def test_units_not_in_force_on_the_date_are_not_counted(world, plan):
    scheme = world.province.scheme
    merged_away = factories.commune(world.district_a, scheme=scheme, code="90105", valid_until=D(2023, 7, 1))
    club_in(merged_away)
    factories.commune(world.district_a, scheme=scheme, code="90106", valid_from=D(2024, 1, 1))
    assert coverage(report(plan, on=D(2023, 1, 1)))["Đồng bằng"] == (2, 3)
    assert coverage(report(plan, on=D(2024, 6, 1)))["Đồng bằng"] == (1, 3)


def test_after_the_map_ends_units_are_counted_on_its_last_day(world, plan):
    """The personas' map (and its units) ends on 31/12/2024; clubs are still counted on the date."""
    assert world.province.scheme.last_day == D(2024, 12, 31)
    result = report(plan)
    assert result.coverage_on == D(2024, 12, 31)
    assert coverage(result) == {"Đồng bằng": (1, 2), "Miền núi và hải đảo": (2, 2)}
    assert report(plan, on=D(2024, 6, 1)).coverage_on == D(2024, 6, 1)
    # The club counted is the one active on the report date, not on the map's last day.
    stop(world.club_b1, StatusChangeKind.SUSPENDED, D(2025, 2, 1))
    assert coverage(report(plan))["Miền núi và hải đảo"] == (1, 2)


def test_area_staff_see_the_coverage_of_their_area_only(world, plan, area_staff):
    result = report(plan, user=area_staff)
    assert coverage(result) == {"Đồng bằng": (1, 2), "Miền núi và hải đảo": (0, 0)}
    assert [row.unit for row in result.coverage[0].districts] == [world.district_a]
    assert result.coverage[1].units_without_communes == []
    assert result.coverage[1].total.share is None


# --- both funds --------------------------------------------------------------------------------


def contribute(club, kind, amount, on):
    return contribution_record(
        actor=None, fund=club.funds.get(kind=kind), amount=amount, entry_date=on, source=CapitalSource.MEMBERS
    )


def both_funds(result):
    return {row.club.name: row.both_funds for row in result.clubs}


def test_both_funds_need_a_positive_balance_in_each_at_the_end_of_the_date(world, plan):
    for kind in FundKind:
        contribute(world.club_a1, kind, 1_000_000, D(2024, 1, 10))
    contribute(world.club_b1, FundKind.INCOME, 5_000_000, D(2024, 1, 10))  # one fund only
    contribute(world.club_l, FundKind.INCOME, 1_000_000, D(2024, 1, 10))
    contribute(world.club_l, FundKind.ACTIVITY, 300_000, D(2024, 12, 31))  # on the date: counted
    on = D(2024, 12, 31)
    result = report(plan, on=on)
    assert both_funds(result) == {
        "CLB Liên thế hệ thôn Liên Trì Tây": True,
        "CLB Liên thế hệ Ba Vì": False,
        "CLB Liên thế hệ An Hải": True,
    }
    assert (result.club_total.both_funds, result.club_total.clubs) == (2, 3)
    assert result.club_total.share_of(ClubMeasure.BOTH_FUNDS) == Decimal("66.7")
    # A contribution after the date does not count; a fund spent down to 0 is not positive.
    contribute(world.club_b1, FundKind.ACTIVITY, 100_000, D(2025, 1, 5))
    spending_record(
        actor=None,
        fund=world.club_l.funds.get(kind=FundKind.ACTIVITY),
        amount=300_000,
        entry_date=on,
        purpose="Thăm hỏi",
    )
    result = report(plan, on=on)
    assert both_funds(result)["CLB Liên thế hệ Ba Vì"] is False
    assert both_funds(result)["CLB Liên thế hệ An Hải"] is False
    assert both_funds(report(plan))["CLB Liên thế hệ Ba Vì"] is True


# --- all 8 activities ------------------------------------------------------------------------


def monthly_report(club, month, *, status="accepted", sections=None):
    """The report of `club` for `month`, made through the services at the end of that month and
    taken as far as `status` (draft, submitted or accepted)."""
    if not club.memberships.exists():
        add_members(club, 5)
    actor = factories.UserFactory(username="nguoibaocao")
    with time_machine.travel(datetime.datetime(month.year, month.month, 28, 9, tzinfo=VN), tick=False):
        made = activities.report_start(actor=actor, club=club, month=month)
        activities.report_save(actor=actor, report=made, sections=sections or EVERY_AREA_ACTIVE, confirmed=True)
        if status != "draft":
            made = activities.report_submit(actor=actor, report=made)
        if status == "accepted":
            made = activities.report_accept(actor=actor, report=made)
    return made


def areas_done(result):
    return {row.club.name: (row.areas_done, row.all_activities) for row in result.clubs}


def test_only_accepted_reports_count_for_the_eight_activities(world, plan):
    monthly_report(world.club_a1, D(2024, 6, 1))
    monthly_report(world.club_b1, D(2024, 6, 1), status="submitted")
    monthly_report(world.club_l, D(2024, 6, 1), status="draft")
    result = report(plan)
    assert areas_done(result) == {
        "CLB Liên thế hệ thôn Liên Trì Tây": (8, True),
        "CLB Liên thế hệ Ba Vì": (0, False),
        "CLB Liên thế hệ An Hải": (0, False),
    }
    assert (result.club_total.all_activities, result.club_total.clubs) == (1, 3)


def test_the_window_is_the_twelve_months_up_to_the_month_of_the_date(world, plan):
    monthly_report(world.club_a1, D(2024, 3, 1))  # 13th month back from March 2025: outside
    monthly_report(world.club_b1, D(2024, 4, 1))  # 12th month back: inside
    assert areas_done(report(plan)) == {
        "CLB Liên thế hệ thôn Liên Trì Tây": (0, False),
        "CLB Liên thế hệ Ba Vì": (8, True),
        "CLB Liên thế hệ An Hải": (0, False),
    }
    # As of 31/03/2025 (same month) nothing changes; as of 01/04/2025 April 2024 is out too.
    assert areas_done(report(plan, on=D(2025, 3, 31)))["CLB Liên thế hệ Ba Vì"] == (8, True)
    assert areas_done(report(plan, on=D(2025, 4, 1)))["CLB Liên thế hệ Ba Vì"] == (0, False)
    # A report of a month after the date's month is not counted either.
    assert areas_done(report(plan, on=D(2024, 3, 31)))["CLB Liên thế hệ Ba Vì"] == (0, False)
    assert areas_done(report(plan, on=D(2024, 3, 31)))["CLB Liên thế hệ thôn Liên Trì Tây"] == (8, True)


def test_activity_min_months_asks_for_that_many_months_in_each_area(world, plan):
    plan.activity_min_months = 2
    monthly_report(world.club_a1, D(2024, 6, 1))
    monthly_report(world.club_b1, D(2024, 6, 1))
    monthly_report(world.club_b1, D(2024, 7, 1))
    assert areas_done(report(plan)) == {
        "CLB Liên thế hệ thôn Liên Trì Tây": (0, False),
        "CLB Liên thế hệ Ba Vì": (8, True),
        "CLB Liên thế hệ An Hải": (0, False),
    }


def test_an_area_marked_no_activity_or_with_zero_figures_is_not_carried_out(world, plan):
    zero_health = EVERY_AREA_ACTIVE | {ActivityArea.HEALTH: {"values": {"health_talks": 0}}}
    no_culture = EVERY_AREA_ACTIVE | {ActivityArea.CULTURE: {"no_activity": True}}
    no_income = EVERY_AREA_ACTIVE | {ActivityArea.INCOME: {"no_activity": True}}
    monthly_report(world.club_a1, D(2024, 6, 1), sections=zero_health)
    monthly_report(world.club_b1, D(2024, 6, 1), sections=no_culture)
    monthly_report(world.club_l, D(2024, 6, 1), sections=no_income)
    assert areas_done(report(plan)) == {
        "CLB Liên thế hệ thôn Liên Trì Tây": (7, False),
        "CLB Liên thế hệ Ba Vì": (7, False),
        "CLB Liên thế hệ An Hải": (7, False),
    }
    # Another month with the missing area active completes the eight.
    monthly_report(world.club_a1, D(2024, 7, 1))
    assert areas_done(report(plan))["CLB Liên thế hệ thôn Liên Trì Tây"] == (8, True)


# --- members borrowing --------------------------------------------------------------------------


def member(club, name):
    return factories.MembershipFactory(
        club=club, joined_on=D(2022, 5, 1), person=factories.PersonFactory(full_name=name)
    ).person


def repaid(loan, on):
    """Pay the loan off on `on`: it closes that day."""
    amount = allocation.payoff(loan_selectors.instalment_states(loan), on)
    loans.repayment_record(actor=None, loan=loan, amount=amount, paid_on=on)
    loan.refresh_from_db()
    assert loan.closed_on == on
    return loan


def borrowing(result):
    return {row.club.name: (row.borrowers, row.members) for row in result.clubs}


def test_a_member_with_a_loan_out_at_some_time_in_the_window_is_borrowing(world, plan):
    on = D(2025, 2, 28)
    assert report(plan, on=on).window.start == D(2024, 2, 29)
    club = world.club_a1
    open_lending(club, capital_on=D(2023, 1, 10))
    # Disbursed before the window and still open at its start: counts.
    disbursed_loan(club, borrower=member(club, "Vay Trước Còn Nợ"), disbursed_on=D(2024, 1, 15), term=12)
    # Closed before the window started: does not count.
    early = disbursed_loan(club, borrower=member(club, "Trả Xong Sớm"), disbursed_on=D(2023, 6, 15))
    repaid(early, D(2024, 2, 28))
    # Repaid on the window's first day: out until the day before (Loan.objects.out_on, as in the
    # loan portfolio), so not during the window: does not count.
    edge = disbursed_loan(club, borrower=member(club, "Trả Đúng Ngày Đầu"), disbursed_on=D(2023, 9, 15))
    repaid(edge, D(2024, 2, 29))
    # Repaid on the window's second day: out on its first day, counts.
    second = disbursed_loan(club, borrower=member(club, "Trả Ngày Thứ Hai"), disbursed_on=D(2023, 9, 15))
    repaid(second, D(2024, 3, 1))
    # Disbursed after the date: does not count.
    disbursed_loan(club, borrower=member(club, "Vay Sau Ngày Báo Cáo"), disbursed_on=D(2025, 3, 10))
    member(club, "Không Vay")
    result = report(plan, on=on)
    assert borrowing(result)["CLB Liên thế hệ thôn Liên Trì Tây"] == (2, 6)
    assert (result.club_total.borrowers, result.club_total.members) == (2, 6)
    assert result.club_total.borrowers_share == Decimal("33.3")
    # As of today (window from 16/03/2024): the loan repaid on 01/03/2024 is out, the one disbursed
    # on 10/03/2025 in.
    today = report(plan)
    assert today.window.start == D(2024, 3, 16)
    assert borrowing(today)["CLB Liên thế hệ thôn Liên Trì Tây"] == (2, 6)


def test_members_borrowing_are_counted_over_the_active_members_of_active_clubs(world, plan):
    on = D(2025, 2, 28)
    open_lending(world.club_a1, capital_on=D(2023, 1, 10))
    open_lending(world.club_b1, capital_on=D(2023, 1, 10))
    disbursed_loan(world.club_a1, borrower=member(world.club_a1, "Vay A1"), disbursed_on=D(2024, 6, 15))
    member(world.club_a1, "Không Vay A1")
    left = Membership.objects.get(person=member(world.club_a1, "Đã Rời A1"))
    Membership.objects.filter(pk=left.pk).update(left_on=D(2024, 12, 1), leave_reason=LeaveReason.MOVED)
    # Club B1 (suspended before the date): its members and its borrower are not counted.
    disbursed_loan(world.club_b1, borrower=member(world.club_b1, "Vay B1"), disbursed_on=D(2024, 6, 15))
    member(world.club_b1, "Không Vay B1")
    stop(world.club_b1, StatusChangeKind.SUSPENDED, D(2024, 10, 1))
    # Club A2 (decided, not launched): its members are not counted.
    member(world.club_a2, "Thành Viên A2")
    result = report(plan, on=on)
    assert borrowing(result) == {
        "CLB Liên thế hệ thôn Liên Trì Tây": (1, 2),
        "CLB Liên thế hệ An Hải": (0, 0),
    }
    assert (result.club_total.borrowers, result.club_total.members, result.club_total.clubs) == (1, 2, 2)
    progress = {row.key: row for row in result.progress}
    assert (progress["members_borrowing"].numerator, progress["members_borrowing"].denominator) == (1, 2)


# --- the combined test ---------------------------------------------------------------------------


@pytest.fixture
def combined_world(world, plan):
    """Clubs A1 and B1 carried out all eight areas; 1 of 2 members of A1 borrowed, 1 of 3 of B1;
    club L borrows (1 of 1) without all eight."""
    for club, members in ((world.club_a1, 2), (world.club_b1, 3), (world.club_l, 1)):
        open_lending(club, capital_on=D(2023, 1, 10))
        people = [member(club, f"Thành Viên {club.pk}-{number}") for number in range(members)]
        disbursed_loan(club, borrower=people[0], disbursed_on=D(2024, 6, 15))
    monthly_report(world.club_a1, D(2024, 6, 1))
    monthly_report(world.club_b1, D(2024, 6, 1))
    monthly_report(
        world.club_l, D(2024, 6, 1), sections=EVERY_AREA_ACTIVE | {ActivityArea.HEALTH: {"no_activity": True}}
    )
    return plan


def measures(result):
    return {
        row.club.name: (row.all_activities, row.borrowing_share, row.borrowing, row.combined) for row in result.clubs
    }


def test_combined_test_needs_all_eight_and_the_threshold_of_members_borrowing(world, combined_world):
    result = report(combined_world)
    assert measures(result) == {
        "CLB Liên thế hệ thôn Liên Trì Tây": (True, Decimal(50), True, True),  # exactly at 50 %: passes
        "CLB Liên thế hệ Ba Vì": (True, Decimal("33.3"), False, False),
        "CLB Liên thế hệ An Hải": (False, Decimal(100), True, False),
    }
    assert (result.club_total.combined, result.club_total.borrowing, result.club_total.clubs) == (1, 2, 3)
    assert [row.club for row in result.clubs if row.meets(ClubMeasure.COMBINED)] == [world.club_a1]


@pytest.mark.parametrize(("threshold", "passes"), [(Decimal("33.3"), True), (Decimal("33.4"), False)])
def test_the_threshold_is_compared_without_rounding_the_share(world, combined_world, threshold, passes):
    """1 of 3 is 33.33…%: it reaches 33,3 % and falls just short of 33,4 %."""
    combined_world.club_borrowing_threshold = threshold
    row = {row.club.name: row for row in report(combined_world).clubs}["CLB Liên thế hệ Ba Vì"]
    assert (row.borrowing, row.combined) == (passes, passes)


# --- progress rows and totals --------------------------------------------------------------------


def test_progress_rows_for_count_and_percent_targets(world, combined_world):
    add_members(world.club_a2, 4)
    result = report(combined_world)
    progress = {row.key: row for row in result.progress}
    assert list(progress)[:2] == ["new_clubs", "new_club_members"]
    new = progress["new_clubs"]
    assert (new.numerator, new.denominator, new.target, new.percent) == (4, None, 8, False)
    assert (new.value, new.share, new.progress, new.met, new.gap) == (4, None, Decimal(50), False, 4)
    assert new.pace == result.new_clubs.pace == 7  # 1.170 of 1.461 days: 80,1 %, 6,4 clubs
    assert new.on_pace is False
    members = progress["new_club_members"]
    assert (members.value, members.target, members.met, members.gap) == (2 + 3 + 1 + 4, 400, False, 390)
    plain = next(row for key, row in progress.items() if key.startswith("coverage-"))
    assert (plain.numerator, plain.denominator, plain.value, plain.target) == (1, 2, Decimal(50), Decimal(50))
    assert (plain.met, plain.gap, plain.progress, plain.pace, plain.on_pace) == (True, 0, Decimal(100), None, None)
    funds = progress[ClubMeasure.BOTH_FUNDS]
    # open_lending puts capital in the income fund only.
    assert (funds.numerator, funds.denominator, funds.value, funds.met, funds.gap) == (0, 3, 0, False, 100)
    activities_row = progress[ClubMeasure.ALL_ACTIVITIES]
    assert (activities_row.numerator, activities_row.denominator, activities_row.value) == (2, 3, Decimal("66.7"))
    assert (activities_row.met, activities_row.gap) == (False, Decimal("3.3"))
    borrowing_row = progress["members_borrowing"]
    assert (borrowing_row.numerator, borrowing_row.denominator, borrowing_row.value) == (3, 6, Decimal(50))
    assert (borrowing_row.met, borrowing_row.gap) == (True, 0)
    combined = progress[ClubMeasure.COMBINED]
    assert (combined.numerator, combined.denominator, combined.value, combined.met) == (1, 3, Decimal("33.3"), False)


def test_totals_are_the_sums_of_the_district_rows(world, combined_world):
    club_in(world.commune_a1, decision_date=D(2023, 2, 1), launch_date=D(2023, 3, 1))
    club_in(world.commune_b1, decision_date=D(2024, 2, 1), launch_date=None)
    add_members(world.club_a2, 4)
    result = report(combined_world)
    new = result.new_clubs
    for field in ("counted", "launched", "members"):
        assert getattr(new.total, field) == sum(getattr(row, field) for row in new.districts)
    for field in ("counted", "launched"):
        assert getattr(new.total, field) == sum(getattr(row, field) for row in new.years)
    for group in result.coverage:
        assert group.total.units == sum(row.units for row in group.districts)
        assert group.total.covered == sum(row.covered for row in group.districts)
    for field in ("clubs", "both_funds", "all_activities", "borrowing", "combined", "members", "borrowers"):
        assert getattr(result.club_total, field) == sum(getattr(row, field) for row in result.club_districts)
    assert result.club_total.clubs == len(result.clubs) == 4
    assert (new.total.counted, new.total.launched) == (6, 4)


def test_on_the_two_level_map_each_commune_is_its_own_district(world):
    """From 01/07/2025 communes sit right under the province: every roll-up "per district" is per
    commune, and the lists behind a commune's figures are that commune's (areas.selectors)."""
    scheme = factories.AdminSchemeFactory(code="vn-2025-07", valid_from=D(2025, 7, 1), valid_until=None)
    province = factories.province(scheme=scheme, code="51", name="Tỉnh Quảng Ngãi")
    commune_1, commune_2 = (
        factories.AdminUnitFactory(scheme=scheme, parent=province, code=f"2{number}", area_type=AreaType.PLAIN)
        for number in range(2)
    )
    club_1 = club_in(commune_1, decision_date=D(2025, 8, 1), launch_date=D(2025, 8, 15))
    club_2 = club_in(commune_2, decision_date=D(2025, 8, 1), launch_date=None)
    plan = small_plan(
        world, code="hai-cap", scheme=scheme, province=province, period_start=D(2025, 7, 1), period_end=D(2025, 12, 31)
    )
    on = D(2025, 9, 30)
    result = report(plan, on=on)
    assert [(row.unit, row.counted, row.launched) for row in result.new_clubs.districts] == [
        (commune_1, 1, 1),
        (commune_2, 1, 0),
    ]
    plain = result.coverage[0]
    assert [(row.unit, row.covered, row.units) for row in plain.districts] == [(commune_1, 1, 1), (commune_2, 0, 1)]
    assert plain.units_without_communes == []  # the Lý Sơn rule is for a district without communes
    assert [(row.club, row.district) for row in result.clubs] == [(club_1, commune_1)]
    assert [rollup.unit for rollup in result.club_districts] == [commune_1]
    clubs, units = Club.objects.all(), AdminUnit.objects.all()
    assert selectors.plan_district(plan, commune_2.pk) == commune_2
    assert selectors.plan_district(plan, world.district_a.pk) is None  # another map's district
    assert [line.club for line in lists.new_club_list(plan, clubs, on, district=commune_2)] == [club_2]
    assert [row.club for row in lists.club_list(plan, clubs, on, district=commune_1)] == [club_1]
    assert [row.unit for row in lists.unit_rows(plan, clubs, units, on, district=commune_2)] == [commune_2]


# --- the 24/11/2022 scenario ---------------------------------------------------------------------


def test_the_figures_of_24_11_2022(qng_plan):
    result = report(qng_plan, on=SEED_DAY)
    new = result.new_clubs
    assert (new.total.counted, new.total.launched, new.total.not_launched) == (10, 7, 3)
    assert new.total.members == 413
    assert (new.target, new.per_year, new.members_target) == (76, 19, 3800)
    # 328 of the period's 1.461 days: 22,5 % shown, but the pace comes from the exact fraction
    # (3.800 × 22,5 % would say 855): 17,06 clubs and 853,1 members, rounded up to whole ones.
    assert result.elapsed == Decimal("22.5")
    progress = {row.key: row for row in result.progress}
    assert (new.pace, progress["new_club_members"].pace) == (18, 854)
    assert len(new.districts) == 6
    assert result.decided == 10
    plain, mountain_island = result.coverage
    assert (plain.total.covered, plain.total.units) == (7, 110)
    assert (mountain_island.total.covered, mountain_island.total.units) == (0, 64)
    assert [unit.name for unit in mountain_island.units_without_communes] == ["Huyện Lý Sơn"]
    assert plain.units_without_communes == []
    assert result.club_total.clubs == 7
    assert result.club_total.members == 413


def test_a_group_with_border_communes_counts_them_by_their_classification_on_the_date(world, plan):
    """Decision 1648/QĐ-TTg's "mountainous, border and island communes": a plain commune classified
    a border commune from 01/07/2024 joins the group on reports dated from then."""
    CoverageTarget.objects.create(
        plan=plan,
        name="Miền núi, biên giới và hải đảo",
        area_types=[AreaType.MOUNTAIN.value, "border", AreaType.ISLAND.value],
        share=70,
        order=3,
    )
    unit_classify(
        actor=None,
        unit=world.commune_a2,
        area_type=AreaType.PLAIN,
        is_border=True,
        valid_from=D(2024, 7, 1),
        reason="Quyết định về xã biên giới",
    )
    assert coverage(report(plan, on=D(2024, 6, 30)))["Miền núi, biên giới và hải đảo"] == (2, 2)
    assert coverage(report(plan, on=D(2024, 7, 1)))["Miền núi, biên giới và hải đảo"] == (2, 3)
    assert coverage(report(plan, on=D(2024, 7, 1)))["Đồng bằng"] == (1, 2)  # still plain as well
    group = plan.coverage_targets.get(order=3)
    listed = lists.unit_rows(plan, Club.objects.all(), AdminUnit.objects.all(), D(2024, 7, 1), group=group)
    assert [row.unit for row in listed] == [world.commune_a2, world.commune_b1, world.district_l]


def test_a_unit_reclassified_moves_between_groups_from_the_date(world, plan):
    unit_classify(
        actor=None,
        unit=world.commune_b1,
        area_type=AreaType.PLAIN,
        is_border=False,
        valid_from=D(2024, 1, 1),
        reason="Quyết định công nhận xã đồng bằng",
    )
    assert coverage(report(plan, on=D(2023, 12, 31))) == {"Đồng bằng": (1, 2), "Miền núi và hải đảo": (2, 2)}
    assert coverage(report(plan, on=D(2024, 1, 1))) == {"Đồng bằng": (2, 3), "Miền núi và hải đảo": (1, 1)}
