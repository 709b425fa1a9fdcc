"""Completeness, timeliness and "all eight activities": arithmetic, deadlines, query counts.

Reports are made through activities.services under time_machine, so that first_submitted_at is
what the services write at that moment (Vietnam time, UTC+7, in the database as UTC).
"""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import BoardTitle
from activities import selectors, services
from activities.models import MonthlyReport, deadline_passed, report_deadline
from areas.selectors import scheme_default
from clubs.models import ActivityArea, Club, StatusChangeKind
from loans import services as loan_services
from loans.models import InterestMethod, RepaymentFrequency
from tests import factories
from tests.activities.sections import EVERY_AREA_ACTIVE
from tests.loans.books import borrower_of, disbursed_loan, open_lending

D = datetime.date
VN = datetime.timezone(datetime.timedelta(hours=7))


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def every_area_without_activity():
    return {area: {"no_activity": True} for area in ActivityArea}


@pytest.fixture
def actor(db):
    return factories.UserFactory(username="nguoigui")


# --- one club's months (the club's reports page) ---------------------------------------------


def test_the_months_follow_the_rule_of_club_active_in(world):
    club = factories.ClubFactory(unit=world.commune_a1, launch_date=D(2024, 6, 20), decision_date=D(2024, 5, 1))
    factories.ClubStatusChangeFactory(club=club, kind=StatusChangeKind.SUSPENDED, effective_on=D(2024, 8, 10))
    factories.ClubStatusChangeFactory(club=club, kind=StatusChangeKind.RESUMED, effective_on=D(2024, 10, 5))
    factories.ClubStatusChangeFactory(club=club, kind=StatusChangeKind.DISSOLVED, effective_on=D(2025, 1, 12))
    expected = [
        D(2025, 1, 1),
        D(2024, 12, 1),
        D(2024, 11, 1),
        D(2024, 10, 1),
        D(2024, 8, 1),
        D(2024, 7, 1),
        D(2024, 6, 1),
    ]
    assert selectors.club_active_months(club=club, today=D(2025, 3, 15)) == expected
    checked = [D(2025, month, 1) for month in (3, 2, 1)] + [D(2024, month, 1) for month in range(12, 4, -1)]
    assert [month for month in checked if services.club_active_in(club, month)] == expected


@pytest.mark.parametrize(
    ("on", "passed"),
    [(D(2025, 3, 4), False), (D(2025, 3, 5), False), (D(2025, 3, 6), True)],  # the deadline day still counts
)
def test_deadline_passed(settings, on, passed):
    settings.REPORT_DEADLINE_DAY = 5
    assert deadline_passed(D(2025, 2, 1), on) is passed


def test_club_report_months_say_which_are_overdue(world, actor, settings):
    settings.REPORT_DEADLINE_DAY = 5
    club = world.club_a1
    january = services.report_start(actor=actor, club=club, month=D(2025, 1, 1))  # started, never sent
    december = submit(actor, club, D(2024, 12, 1), at(2025, 1, 20, 9, 0))  # sent late: not overdue

    rows = selectors.club_report_months(club=club, today=D(2025, 3, 15))

    assert [row["month"] for row in rows][:4] == [D(2025, 3, 1), D(2025, 2, 1), D(2025, 1, 1), D(2024, 12, 1)]
    by_month = {row["month"]: row for row in rows}
    assert by_month[D(2025, 1, 1)] == {
        "month": D(2025, 1, 1),
        "report": january,
        "deadline": D(2025, 2, 5),
        "overdue": True,
    }
    assert by_month[D(2024, 12, 1)]["report"] == december and not by_month[D(2024, 12, 1)]["overdue"]
    assert by_month[D(2025, 2, 1)]["report"] is None and by_month[D(2025, 2, 1)]["overdue"]  # deadline 05/03
    assert not by_month[D(2025, 3, 1)]["overdue"]  # due 05/04


def test_club_report_months_costs_three_queries(world, django_assert_num_queries):
    # 1. the club's launch date; 2. its status changes; 3. its reports of those months.
    with django_assert_num_queries(3):
        assert len(selectors.club_report_months(club=world.club_a1, today=D(2025, 3, 15))) == 12


def submit(actor, club, month, when, sections=None):
    """Start, fill and submit the report of `club` for `month` at the moment `when`."""
    with time_machine.travel(when, tick=False):
        report = services.report_start(actor=actor, club=club, month=month)
        services.report_save(actor=actor, report=report, sections=sections or every_area_without_activity())
        return services.report_submit(actor=actor, report=report)


def accept(actor, club, month, sections):
    report = submit(actor, club, month, at(month.year, month.month, 28, 9), sections)
    with time_machine.travel(at(month.year, month.month, 28, 10), tick=False):
        return services.report_accept(actor=actor, report=report)


def in_time(month):
    """Noon on the 5th of the following month: well before the deadline."""
    following = report_deadline(month)
    return at(following.year, following.month, 5, 12)


def after_deadline(month):
    following = report_deadline(month)
    return at(following.year, following.month, 20, 12)


# --- expected reports -----------------------------------------------------------------------


@pytest.fixture
def mid_year(world, actor):
    """A club launched on 20/06/2024, one dissolved on 12/04/2024, one suspended from 01/03 to
    31/08/2024 (resumed on the month's last day), in districts A and B."""
    launched = factories.ClubFactory(
        unit=world.commune_a1, name="CLB mới", launch_date=D(2024, 6, 20), decision_date=D(2024, 5, 1)
    )
    dissolved = factories.ClubFactory(unit=world.commune_b1, name="CLB giải thể")
    suspended = factories.ClubFactory(unit=world.commune_b1, name="CLB tạm ngừng")
    factories.ClubStatusChangeFactory(club=suspended, kind=StatusChangeKind.SUSPENDED, effective_on=D(2024, 3, 1))
    factories.ClubStatusChangeFactory(club=suspended, kind=StatusChangeKind.RESUMED, effective_on=D(2024, 8, 31))
    return launched, dissolved, suspended


def months_of(year, *numbers):
    return [D(year, number, 1) for number in numbers]


def test_expected_months_follow_launch_dissolution_and_suspension(mid_year):
    launched, dissolved, suspended = mid_year
    factories.ClubStatusChangeFactory(club=dissolved, kind=StatusChangeKind.DISSOLVED, effective_on=D(2024, 4, 12))
    clubs = Club.objects.filter(pk__in=[club.pk for club in mid_year])
    expected = selectors.expected_club_months(clubs, D(2024, 1, 1), D(2024, 12, 1))
    assert expected == {
        launched.pk: months_of(2024, 6, 7, 8, 9, 10, 11, 12),
        dissolved.pk: months_of(2024, 1, 2, 3, 4),
        suspended.pk: months_of(2024, 1, 2, 8, 9, 10, 11, 12),
    }
    # The same rule as the services' club_active_in, which refuses reports for other months.
    for club in mid_year:
        for month in selectors.months_between(D(2024, 1, 1), D(2024, 12, 1)):
            assert (month in expected[club.pk]) == services.club_active_in(club, month), (club, month)


def test_completeness_counts_only_the_months_a_club_was_active(mid_year, actor):
    launched, dissolved, _suspended = mid_year
    submit(actor, launched, D(2024, 6, 1), in_time(D(2024, 6, 1)))
    submit(actor, launched, D(2024, 7, 1), after_deadline(D(2024, 7, 1)))
    for month in months_of(2024, 1, 2, 3, 4, 5):
        submit(actor, dissolved, month, in_time(month))
    # The dissolution is recorded afterwards, back to 12/04: the May report no longer counts.
    factories.ClubStatusChangeFactory(club=dissolved, kind=StatusChangeKind.DISSOLVED, effective_on=D(2024, 4, 12))

    report = selectors.completeness(
        Club.objects.filter(pk__in=[launched.pk, dissolved.pk]),
        D(2024, 1, 1),
        D(2024, 12, 1),
        D(2025, 3, 15),
        scheme=scheme_default(D(2025, 3, 15)),
    )
    by_club = {row.club.pk: row for row in report.clubs}
    assert by_club[launched.pk].counts == selectors.Counts(
        expected=7, submitted=2, on_time=1, late=1, missing=5, not_yet_due=0
    )
    assert by_club[launched.pk].missing_months == months_of(2024, 8, 9, 10, 11, 12)
    assert by_club[launched.pk].late_months == [D(2024, 7, 1)]
    assert by_club[dissolved.pk].counts == selectors.Counts(expected=4, submitted=4, on_time=4)
    assert report.total.counts == selectors.Counts(expected=11, submitted=6, on_time=5, late=1, missing=5)
    assert report.total.clubs == 2
    assert report.total.counts.submitted_rate == Decimal("54.5")
    assert report.total.counts.on_time_rate == Decimal("45.5")
    assert [(group.unit.code, group.counts.expected, group.counts.submitted) for group in report.districts] == [
        ("901", 7, 2),
        ("902", 4, 4),
    ]
    assert [row.club.pk for row in report.follow_up] == [launched.pk]


def test_rates_never_exceed_100_percent(world, actor):
    """Every expected month submitted (February late), plus a report outside the period: 100 %."""
    club = world.club_a1
    for month in months_of(2025, 1, 2, 3):
        submit(actor, club, month, at(2025, 3, 15, 8))
    report = selectors.completeness(
        Club.objects.filter(pk=club.pk),
        D(2025, 2, 1),
        D(2025, 3, 1),
        D(2025, 3, 15),
        scheme=scheme_default(D(2025, 3, 15)),
    )
    assert report.total.counts == selectors.Counts(expected=2, submitted=2, on_time=1, late=1)
    assert report.total.counts.submitted_rate == Decimal(100)
    assert report.total.counts.on_time_rate == Decimal(50)


# --- the deadline at midnight, Vietnam time -------------------------------------------------


@pytest.fixture
def january(world, actor):
    """January 2025 (deadline 10/02): A1 a second before midnight, B1 just after it, L never."""
    submit(actor, world.club_a1, D(2025, 1, 1), at(2025, 2, 10, 23, 59, 59))
    submit(actor, world.club_b1, D(2025, 1, 1), at(2025, 2, 11, 0, 0, 30))


def world_clubs(world):
    return Club.objects.filter(pk__in=[world.club_a1.pk, world.club_a2.pk, world.club_b1.pk, world.club_l.pk])


def test_on_time_until_midnight_vietnam_time_on_the_deadline(world, actor, january):
    report = selectors.completeness(
        world_clubs(world), D(2025, 1, 1), D(2025, 1, 1), D(2025, 3, 15), scheme=scheme_default(D(2025, 3, 15))
    )
    by_club = {row.club: row for row in report.clubs}
    assert by_club[world.club_a1].counts == selectors.Counts(expected=1, submitted=1, on_time=1)
    assert by_club[world.club_b1].counts == selectors.Counts(expected=1, submitted=1, late=1)
    assert by_club[world.club_l].counts == selectors.Counts(expected=1, missing=1)
    assert world.club_a2 not in by_club  # decided, never launched: nothing expected


def test_returned_and_sent_again_after_the_deadline_stays_on_time(world, actor, january):
    report = world.club_a1.monthly_reports.get(month=D(2025, 1, 1))
    with time_machine.travel(at(2025, 2, 12, 9), tick=False):
        services.report_return(actor=actor, report=report, comment="Thiếu số liệu")
    with time_machine.travel(at(2025, 2, 20, 9), tick=False):
        services.report_submit(actor=actor, report=report)
    result = selectors.completeness(
        Club.objects.filter(pk=world.club_a1.pk),
        D(2025, 1, 1),
        D(2025, 1, 1),
        scheme=scheme_default(D(2025, 3, 15)),
    )
    assert result.total.counts == selectors.Counts(expected=1, submitted=1, on_time=1)


def test_a_month_whose_deadline_has_not_passed_is_not_yet_due(world, january):
    clubs = world_clubs(world)
    # February's deadline is 10/03: on that day it is still open, the day after it is missing.
    on_deadline = selectors.completeness(
        clubs, D(2025, 2, 1), D(2025, 2, 1), D(2025, 3, 10), scheme=scheme_default(D(2025, 3, 10))
    )
    assert on_deadline.total.counts == selectors.Counts(expected=3, not_yet_due=3)
    after = selectors.completeness(
        clubs, D(2025, 2, 1), D(2025, 2, 1), D(2025, 3, 11), scheme=scheme_default(D(2025, 3, 11))
    )
    assert after.total.counts == selectors.Counts(expected=3, missing=3)
    # Today (15/03/2025) the current month is not yet due; January and February are.
    today = selectors.completeness(clubs, D(2025, 1, 1), D(2025, 3, 1), scheme=scheme_default(D(2025, 3, 15)))
    assert today.total.counts == selectors.Counts(expected=9, submitted=2, on_time=1, late=1, missing=4, not_yet_due=3)


def test_the_follow_up_list_gives_the_current_chair_and_phone(world, january):
    old = factories.MembershipFactory(club=world.club_l, person=factories.PersonFactory(full_name="Lê Văn Cũ")).person
    factories.BoardPositionFactory(
        club=world.club_l, holder=old, title=BoardTitle.CHAIR, started_on=D(2022, 5, 1), ended_on=D(2024, 1, 1)
    )
    chair = factories.MembershipFactory(
        club=world.club_l, person=factories.PersonFactory(full_name="Trần Thị Mới", phone="0905 123 456")
    ).person
    factories.BoardPositionFactory(club=world.club_l, holder=chair, title=BoardTitle.CHAIR, started_on=D(2024, 1, 1))
    report = selectors.completeness(
        world_clubs(world), D(2025, 1, 1), D(2025, 2, 1), scheme=scheme_default(D(2025, 3, 15))
    )
    follow_up = {row.club: row for row in report.follow_up}
    assert set(follow_up) == {world.club_a1, world.club_b1, world.club_l}  # February is missing for all
    assert (follow_up[world.club_l].chair_name, follow_up[world.club_l].chair_phone) == ("Trần Thị Mới", "0905 123 456")
    assert follow_up[world.club_l].missing_months == months_of(2025, 1, 2)
    assert follow_up[world.club_b1].late_months == [D(2025, 1, 1)]
    assert follow_up[world.club_b1].chair_name == ""


# --- all eight activities -------------------------------------------------------------------


@pytest.fixture
def year_2025(world, actor):
    """A1: every area active in January, health again in February (both accepted), and a March
    report with every area active but only submitted. B1: January accepted, every section either
    "no activity" or figures at 0."""
    factories.MembershipFactory.create_batch(2, club=world.club_a1)
    accept(actor, world.club_a1, D(2025, 1, 1), EVERY_AREA_ACTIVE)
    february = every_area_without_activity() | {ActivityArea.HEALTH: {"values": {"health_talks": 2}}}
    accept(actor, world.club_a1, D(2025, 2, 1), february)
    submit(actor, world.club_a1, D(2025, 3, 1), at(2025, 3, 15, 9), EVERY_AREA_ACTIVE)
    zeros = every_area_without_activity() | {
        ActivityArea.HEALTH: {"values": {"health_talks": 0, "referrals": 0}},
        ActivityArea.INCOME: {"no_activity": True},
    }
    accept(actor, world.club_b1, D(2025, 1, 1), zeros)


def test_all_eight_activities_with_one_month(world, year_2025):
    report = selectors.all_eight_activities(
        world_clubs(world),
        2025,
        min_months=1,
        scheme=scheme_default(D(2025, 12, 31)),
    )
    by_club = {row.club: row for row in report.clubs}
    assert set(by_club) == {world.club_a1, world.club_b1, world.club_l}  # A2 never launched
    a1 = by_club[world.club_a1]
    assert a1.accepted_months == 2
    assert dict(a1.areas) == {area: 2 if area == ActivityArea.HEALTH else 1 for area in ActivityArea}
    assert a1.all_eight
    b1 = by_club[world.club_b1]
    assert b1.accepted_months == 1
    assert dict(b1.areas) == dict.fromkeys(ActivityArea, 0)
    assert not b1.all_eight
    assert (report.total.clubs, report.total.all_eight, report.total.share) == (3, 1, Decimal("33.3"))
    assert [(group.unit.code, group.clubs, group.all_eight) for group in report.districts] == [
        ("901", 1, 1),
        ("902", 1, 0),
        ("903", 1, 0),
    ]


def test_all_eight_activities_with_two_months(world, year_2025):
    report = selectors.all_eight_activities(
        world_clubs(world),
        2025,
        min_months=2,
        scheme=scheme_default(D(2025, 12, 31)),
    )
    a1 = next(row for row in report.clubs if row.club == world.club_a1)
    assert a1.active_areas == 1  # only health was active in two months
    assert not a1.all_eight
    assert (report.total.clubs, report.total.all_eight, report.total.share) == (3, 0, Decimal(0))


def test_all_eight_reads_the_setting(world, year_2025, settings):
    settings.ACTIVITY_MONTHS_FOR_ALL_EIGHT = 2
    assert (
        selectors.all_eight_activities(world_clubs(world), 2025, scheme=scheme_default(D(2025, 12, 31))).min_months == 2
    )


def test_a_club_not_active_in_the_year_is_left_out(world):
    report = selectors.all_eight_activities(world_clubs(world), 2021, scheme=scheme_default(D(2021, 12, 31)))
    assert report.clubs == [] and report.total.clubs == 0 and report.total.share is None


@pytest.fixture
def lending_2024(world, actor):
    """Club A1's loan book in 2024, and its reports of January to July accepted, each with every
    area but income generation "no activity" and, for income generation, "no activity" not ticked
    and no technical advice session (0) unless said:
    - January: nothing lent or repaid;
    - February: a loan disbursed on 29/02 (6 million over 6 months, due on the 15th);
    - March: its first repayment, on 01/03;
    - April: an advice session, nothing in the loan book;
    - May: a repayment of 15/05, reversed on 20/05;
    - June: "no activity" ticked, but a repayment collected on 30/06;
    - July: a loan disbursed on 10/07 on paper, taken over from the paper books on 31/07.
    Club B1 lends in January (its loan book is not A1's)."""
    club = world.club_a1
    open_lending(club, capital_on=D(2023, 1, 10))
    loan = disbursed_loan(club, disbursed_on=D(2024, 2, 29))
    for paid_on in (D(2024, 3, 1), D(2024, 5, 15)):
        loan_services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=paid_on)
    latest = loan.repayments.get(paid_on=D(2024, 5, 15))
    loan_services.repayment_reverse(actor=None, repayment=latest, reason="nhầm", reversed_on=D(2024, 5, 20))
    loan_services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=D(2024, 6, 30))
    loan_services.loan_take_over(
        actor=None,
        club=club,
        borrower=borrower_of(club, "Vay Trên Sổ Giấy"),
        go_live_on=D(2024, 7, 31),
        amount=6_000_000,
        disbursed_on=D(2024, 7, 10),
        term_months=6,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
        outstanding=6_000_000,
        next_due_on=D(2024, 8, 15),
    )
    open_lending(world.club_b1, capital_on=D(2023, 1, 10))
    disbursed_loan(world.club_b1, disbursed_on=D(2024, 1, 20))
    no_advice = {"values": {"advice_sessions": 0}}
    income = dict.fromkeys(months_of(2024, 1, 2, 3, 5, 7), no_advice) | {
        D(2024, 4, 1): {"values": {"advice_sessions": 2}},
        D(2024, 6, 1): {"no_activity": True},
    }
    for month, section in income.items():
        accept(actor, club, month, every_area_without_activity() | {ActivityArea.INCOME: section})


def income_months(clubs, year=2024):
    rows = {
        row.club: row
        for row in selectors.all_eight_activities(clubs, year, scheme=scheme_default(D(year, 12, 31))).clubs
    }
    return {club: dict(row.areas)[ActivityArea.INCOME] for club, row in rows.items()}


def test_income_generation_counts_a_month_with_lending_or_an_advice_session(world, lending_2024):
    """January (nothing but "no activity" unticked), May (a reversed repayment) and July (a loan
    taken over) are not active; February, March, April and June are."""
    assert income_months(world_clubs(world))[world.club_a1] == 4
    months = selectors.area_months(MonthlyReport.objects.filter(club=world.club_a1, month__in=months_of(2024, 1, 5, 7)))
    assert months == {}
    for month in months_of(2024, 2, 3, 4, 6):
        assert selectors.area_months(MonthlyReport.objects.filter(club=world.club_a1, month=month)) == {
            world.club_a1.pk: {ActivityArea.INCOME: 1}
        }, month


def test_income_generation_counts_only_in_the_month_of_an_accepted_report(world, actor, lending_2024):
    """B1 lent in January 2024 but has no accepted report of that month; its report of February
    has no lending."""
    submit(actor, world.club_b1, D(2024, 1, 1), at(2024, 1, 28, 9))
    accept(actor, world.club_b1, D(2024, 2, 1), every_area_without_activity())
    assert income_months(world_clubs(world))[world.club_b1] == 0


# --- query counts ---------------------------------------------------------------------------


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def test_query_counts_do_not_grow_with_clubs_or_months(world, actor, january):
    clubs = Club.objects.all()

    def small():
        report = selectors.completeness(clubs, D(2025, 1, 1), D(2025, 1, 1), scheme=scheme_default(D(2025, 3, 15)))
        return report.follow_up, [row.district for row in report.clubs]

    def eight():
        report = selectors.all_eight_activities(clubs, 2025, scheme=scheme_default(D(2025, 12, 31)))
        return [(row.areas, row.all_eight) for row in report.clubs]

    before = (
        count_queries(small),
        count_queries(eight),
        count_queries(lambda: selectors.expected_club_months(clubs, D(2025, 1, 1), D(2025, 1, 1))),
    )
    for index in range(3):
        club = factories.ClubFactory(unit=world.commune_b1)
        factories.ClubStatusChangeFactory(
            club=club, kind=StatusChangeKind.SUSPENDED, effective_on=D(2024, 6, 1 + index)
        )
        factories.ClubStatusChangeFactory(club=club, kind=StatusChangeKind.RESUMED, effective_on=D(2024, 9, 1))
        chair = factories.MembershipFactory(club=club).person
        factories.BoardPositionFactory(club=club, holder=chair, title=BoardTitle.CHAIR)
        accept(actor, club, D(2025, 1, 1), EVERY_AREA_ACTIVE)
        submit(actor, club, D(2024, 12, 1), after_deadline(D(2024, 12, 1)))

    def large():
        report = selectors.completeness(clubs, D(2024, 1, 1), D(2025, 3, 1), scheme=scheme_default(D(2025, 3, 15)))
        return report.follow_up, [row.district for row in report.clubs]

    after = (
        count_queries(large),
        count_queries(eight),
        count_queries(lambda: selectors.expected_club_months(clubs, D(2023, 1, 1), D(2025, 3, 1))),
    )
    # The two reports' five queries, and the map they group on (scheme_default in small, eight).
    assert before == after == (6, 6, 2)
