"""reports/selectors.py: what is counted on a date, the marks at the edges of each standard,
board and teams, roll-ups by area and the number of queries."""

import datetime
from decimal import Decimal

import pytest

from areas.models import UNDER_PROVINCE_DEPTH, AreaType, Level
from areas.selectors import scheme_default
from clubs.models import ActivityArea, Club, ClubStatus, MapGrouping, StatusChangeKind
from members.models import EconomicStatus, Sex
from reports import selectors
from reports.standards import Mark
from tests import factories
from tests.reports.conftest import add_members

D = datetime.date
ON = D(2024, 6, 1)


def score_of(club, on=ON):
    return selectors.club_scorecard(club=club, on=on)


# --- marks at the edges of the standards ----------------------------------------------------


@pytest.mark.parametrize(("members", "mark"), [(49, Mark.BELOW), (50, Mark.MEETS), (70, Mark.MEETS), (71, Mark.ABOVE)])
def test_members_mark_at_the_edges(world, members, mark):
    add_members(world.club_a1, members)
    figure = score_of(world.club_a1).figures.members
    assert (figure.count, figure.mark) == (members, mark)


@pytest.mark.parametrize(
    ("women", "share", "mark"),
    [
        (599, Decimal("59.9"), Mark.BELOW),
        (600, Decimal("60.0"), Mark.MEETS),
        (700, Decimal("70.0"), Mark.MEETS),
        (701, Decimal("70.1"), Mark.ABOVE),
    ],
)
def test_share_mark_at_the_edges(world, women, share, mark):
    """1.000 members over ten clubs of district A, so that a share falls on a tenth."""
    clubs = [factories.ClubFactory(unit=world.commune_a1) for _ in range(10)]
    for number, club in enumerate(clubs):
        add_members(club, 100, women=max(0, min(100, women - 100 * number)))
    [district_a] = selectors.scorecard_rollup(
        clubs=Club.objects.filter(pk__in=[club.pk for club in clubs]),
        on=ON,
        by_area=MapGrouping(world.province.scheme, UNDER_PROVINCE_DEPTH),
    )
    assert district_a.figures.members.count == 1000
    assert (district_a.figures.women.share, district_a.figures.women.mark) == (share, mark)


@pytest.mark.parametrize(
    ("older", "older_mark", "younger_mark"),
    [
        (35, Mark.BELOW, Mark.ABOVE),
        (36, Mark.MEETS, Mark.MEETS),
        (42, Mark.MEETS, Mark.MEETS),
        (43, Mark.ABOVE, Mark.BELOW),
    ],
)
def test_older_and_younger_marks_in_a_club_of_60(world, older, older_mark, younger_mark):
    add_members(world.club_a1, 60, older=older)
    figures = score_of(world.club_a1).figures
    assert (figures.older.count, figures.older.mark) == (older, older_mark)
    assert (figures.younger.count, figures.younger.mark) == (60 - older, younger_mark)


def test_shares_are_rounded_half_up_to_one_decimal(world):
    """1 of 16 is 6,25 % → 6,3 %; 2 of 3 is 66,67 % → 66,7 %: integer arithmetic in SQL, the same
    on SQLite and PostgreSQL."""
    add_members(world.club_a1, 16, women=1, older=16)
    add_members(world.club_b1, 3, women=2, poor=2)
    assert score_of(world.club_a1).figures.women.share == Decimal("6.3")
    assert score_of(world.club_a1).figures.older.share == Decimal("100")
    assert score_of(world.club_b1).figures.women.share == Decimal("66.7")
    assert score_of(world.club_b1).figures.poor.share == Decimal("66.7")


def test_a_club_without_members_has_no_shares(world):
    figures = score_of(world.club_a1).figures
    assert figures.members.count == 0 and figures.members.mark == Mark.BELOW
    assert figures.women.share is None and figures.women.mark is None


# --- what counts on a date ------------------------------------------------------------------


def test_members_on_a_past_date(world):
    on = D(2023, 6, 1)
    factories.MembershipFactory(club=world.club_a1, joined_on=D(2022, 5, 1))
    factories.MembershipFactory(
        club=world.club_a1, joined_on=D(2022, 5, 1), left_on=D(2023, 1, 1), leave_reason="moved"
    )
    factories.MembershipFactory(club=world.club_a1, joined_on=D(2022, 5, 1), left_on=on, leave_reason="withdrew")
    factories.MembershipFactory(club=world.club_a1, joined_on=D(2023, 6, 2))
    factories.MembershipFactory(club=world.club_a1, joined_on=on)
    # The first and the last: the day of joining counts, the day of leaving does not.
    assert score_of(world.club_a1, on).figures.members.count == 2
    assert score_of(world.club_a1, D(2022, 12, 31)).figures.members.count == 3
    assert score_of(world.club_a1, D(2025, 1, 1)).figures.members.count == 3


def test_a_member_who_moved_counts_in_each_club_in_turn(world):
    factories.MembershipFactory(
        club=world.club_a1, joined_on=D(2022, 5, 1), left_on=D(2024, 1, 1), leave_reason="moved"
    )
    person = Club.objects.get(pk=world.club_a1.pk).memberships.get().person
    factories.MembershipFactory(club=world.club_b1, person=person, joined_on=D(2024, 1, 1))
    before = selectors.club_scorecards(clubs=Club.objects.all(), on=D(2023, 12, 31))
    after = selectors.club_scorecards(clubs=Club.objects.all(), on=D(2024, 1, 1))
    assert {score.club.pk: score.figures.members.count for score in before} == {
        world.club_a1.pk: 1,
        world.club_b1.pk: 0,
        world.club_l.pk: 0,
    }
    assert {score.club.pk: score.figures.members.count for score in after}[world.club_b1.pk] == 1


def test_age_group_flips_on_the_60th_birthday(world):
    person = factories.PersonFactory(birth_date=D(1964, 6, 2), birth_year=1964)
    factories.MembershipFactory(club=world.club_a1, person=person)
    assert score_of(world.club_a1, D(2024, 6, 1)).figures.older.count == 0
    assert score_of(world.club_a1, D(2024, 6, 1)).figures.younger.count == 1
    assert score_of(world.club_a1, D(2024, 6, 2)).figures.older.count == 1


def test_with_only_the_birth_year_the_age_group_flips_on_1_january(world):
    person = factories.PersonFactory(birth_date=None, birth_year=1964)
    factories.MembershipFactory(club=world.club_a1, person=person)
    assert score_of(world.club_a1, D(2023, 12, 31)).figures.older.count == 0
    assert score_of(world.club_a1, D(2024, 1, 1)).figures.older.count == 1


def test_economic_status_is_the_one_valid_on_the_date(world):
    membership = factories.MembershipFactory(club=world.club_a1, joined_on=D(2022, 5, 1))
    person = membership.person
    factories.HouseholdStatusFactory(person=person, status=EconomicStatus.OTHER, valid_from=D(2022, 1, 1))
    factories.HouseholdStatusFactory(person=person, status=EconomicStatus.NEAR_POOR, valid_from=D(2023, 1, 1))
    factories.HouseholdStatusFactory(person=person, status=EconomicStatus.OTHER, valid_from=D(2024, 1, 1))
    assert score_of(world.club_a1, D(2022, 12, 31)).figures.poor.count == 0
    assert score_of(world.club_a1, D(2023, 1, 1)).figures.poor.count == 1
    assert score_of(world.club_a1, D(2023, 12, 31)).figures.poor.count == 1
    assert score_of(world.club_a1, D(2024, 1, 1)).figures.poor.count == 0


def test_women_are_counted_by_sex(world):
    factories.MembershipFactory(club=world.club_a1, person=factories.PersonFactory(sex=Sex.FEMALE))
    factories.MembershipFactory(club=world.club_a1, person=factories.PersonFactory(sex=Sex.MALE))
    women = score_of(world.club_a1).figures.women
    assert (women.count, women.share) == (1, Decimal("50.0"))


def test_only_clubs_active_on_the_date_count_in_rollups(world):
    add_members(world.club_a1, 10)
    add_members(world.club_b1, 20)
    add_members(world.club_l, 30)
    factories.ClubStatusChangeFactory(club=world.club_b1, kind=StatusChangeKind.SUSPENDED, effective_on=D(2024, 1, 1))
    clubs = Club.objects.all()
    total = selectors.scorecard_total(clubs=clubs, on=ON)
    # A2 is decided, not launched; B1 is suspended: neither counts.
    assert (total.clubs, total.figures.members.count, total.members_per_club) == (2, 40, 20)
    assert [score.club for score in selectors.club_scorecards(clubs=clubs, on=ON)] == [world.club_l, world.club_a1]
    assert (selectors.scorecard_total(clubs=clubs, on=D(2023, 12, 31)).clubs) == 3
    # The club's own page still shows its figures, with its status.
    suspended = selectors.club_scorecard(club=world.club_b1, on=ON)
    assert (suspended.status, suspended.is_active, suspended.figures.members.count) == (ClubStatus.SUSPENDED, False, 20)


def test_averages_per_club_are_rounded_to_whole_people(world):
    add_members(world.club_a1, 59, older=41)
    add_members(world.club_b1, 60, older=42)
    add_members(world.club_l, 58, older=41)
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=ON)
    assert (total.members_per_club, total.older_per_club) == (59, 41)  # 59,0 and 41,33
    add_members(world.club_l, 1, older=1)  # 178 / 3 = 59,33; 125 / 3 = 41,67
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=ON)
    assert (total.members_per_club, total.older_per_club) == (59, 42)


# --- roll-ups by area -----------------------------------------------------------------------


def test_rollups_group_by_the_unit_clubs_sit_in_and_by_the_level_under_the_province(world):
    add_members(world.club_a1, 10, women=6)
    second_a1 = factories.ClubFactory(unit=world.commune_a1)
    add_members(second_a1, 20, women=14)
    add_members(world.club_b1, 5)
    add_members(world.club_l, 7)
    clubs = Club.objects.all()
    hosts = selectors.scorecard_rollup(clubs=clubs, on=ON, by_area=MapGrouping(world.province.scheme))
    assert [(row.unit, row.clubs, row.figures.members.count) for row in hosts] == [
        (world.commune_a1, 2, 30),
        (world.commune_b1, 1, 5),
        (world.district_l, 1, 7),  # Lý Sơn has no communes: it is its own unit
    ]
    assert hosts[0].figures.women.share == Decimal("66.7")
    middle = selectors.scorecard_rollup(
        clubs=clubs, on=ON, by_area=MapGrouping(world.province.scheme, UNDER_PROVINCE_DEPTH)
    )
    assert [(row.unit, row.clubs, row.figures.members.count) for row in middle] == [
        (world.district_a, 2, 30),
        (world.district_b, 1, 5),
        (world.district_l, 1, 7),
    ]
    assert [row.unit.level for row in middle] == [Level.DISTRICT] * 3


def test_a_map_without_districts_has_no_middle_table(db):
    """From 01/07/2025 communes sit right under the province: the level under the province is the
    commune level, found on the path without any level name in the code."""
    scheme = factories.AdminSchemeFactory(code="vn-2025-07", valid_from=D(2025, 7, 1), valid_until=None)
    province = factories.province(scheme=scheme, code="51", name="Tỉnh Quảng Ngãi")
    communes = [
        factories.AdminUnitFactory(scheme=scheme, parent=province, code=f"2{number}", area_type=AreaType.PLAIN)
        for number in range(3)
    ]
    for commune in communes:
        add_members(factories.ClubFactory(unit=commune), 5)
    report = selectors.scorecard_report(clubs=Club.objects.all(), on=ON, scheme=scheme_default(ON))
    assert [row.unit for row in report.hosts] == communes
    assert report.middle == []
    assert (report.total.clubs, report.total.figures.members.count) == (3, 15)


def test_clubs_of_the_scope_only(world):
    add_members(world.club_a1, 10)
    add_members(world.club_b1, 5)
    report = selectors.scorecard_report(
        clubs=Club.objects.filter(unit__path__startswith=world.district_a.path), on=ON, scheme=scheme_default(ON)
    )
    assert (report.total.clubs, report.total.figures.members.count) == (1, 10)
    assert [row.unit for row in report.middle] == [world.district_a]
    assert [row.unit for row in report.hosts] == [world.commune_a1]
    assert [score.club for score in report.clubs] == [world.club_a1]
    assert report.status_counts == {ClubStatus.ACTIVE: 1, ClubStatus.DECIDED: 1}


# --- board and teams ------------------------------------------------------------------------


def test_board_and_teams_on_the_date(world):
    club = world.club_a1
    holders = [membership.person for membership in add_members(club, 8)]
    for person in holders[:5]:
        factories.BoardPositionFactory(club=club, holder=person, started_on=D(2023, 1, 1))
    factories.BoardPositionFactory(club=club, holder=holders[5], started_on=D(2023, 1, 1), ended_on=ON)
    factories.BoardPositionFactory(club=club, holder=holders[6], started_on=D(2024, 6, 2))
    # Someone holding two positions is one board member.
    factories.BoardPositionFactory(club=club, holder=holders[0], started_on=D(2023, 1, 1))
    for area in (ActivityArea.HEALTH, ActivityArea.HEALTH, ActivityArea.INCOME, ActivityArea.HOME_CARE):
        factories.TeamFactory(club=club, activity_area=area, started_on=D(2023, 1, 1))
    factories.TeamFactory(club=club, activity_area=ActivityArea.CULTURE, started_on=D(2023, 1, 1), ended_on=ON)
    factories.TeamFactory(club=club, activity_area=ActivityArea.RIGHTS, started_on=D(2024, 6, 2))
    factories.TeamFactory(club=world.club_b1, activity_area=ActivityArea.RIGHTS, started_on=D(2023, 1, 1))

    score = score_of(club)
    assert (score.board_size, score.teams) == (5, 4)
    assert score.areas == {ActivityArea.HEALTH, ActivityArea.INCOME, ActivityArea.HOME_CARE}
    assert [covered for _area, covered in score.area_coverage] == [True, True, True, False, False, False, False, False]
    assert score.figures.members.count == 8  # board and teams add no members
    later = score_of(club, D(2024, 6, 2))
    assert (later.board_size, later.teams, len(later.areas)) == (6, 5, 4)

    total = selectors.scorecard_total(clubs=Club.objects.all(), on=ON)
    assert (total.board_members, total.teams, total.areas, total.clubs_all_areas) == (5, 5, 4, 0)
    [district_a, district_b] = selectors.scorecard_rollup(
        clubs=Club.objects.all(), on=ON, by_area=MapGrouping(world.province.scheme, UNDER_PROVINCE_DEPTH)
    )[:2]
    assert (district_a.board_members, district_a.teams, district_a.areas) == (5, 4, 3)
    assert (district_b.board_members, district_b.teams, district_b.areas) == (0, 1, 1)


def test_an_area_adds_up_its_clubs_with_someone_on_two_boards_once(world):
    """An area's figures are its clubs' added up; the people of its boards and the areas of its
    teams as sets: someone on the boards of two clubs of a district is one board member there."""
    other = factories.ClubFactory(unit=world.club_a1.unit)
    both = add_members(world.club_a1, 2)[0].person
    add_members(other, 3)
    factories.BoardPositionFactory(club=world.club_a1, holder=both, started_on=D(2023, 1, 1))
    factories.BoardPositionFactory(club=other, holder=both, started_on=D(2023, 1, 1))
    factories.BoardPositionFactory(club=other, started_on=D(2023, 1, 1))
    factories.TeamFactory(club=world.club_a1, activity_area=ActivityArea.HEALTH, started_on=D(2023, 1, 1))
    factories.TeamFactory(club=other, activity_area=ActivityArea.HEALTH, started_on=D(2023, 1, 1))
    [district_a] = selectors.scorecard_rollup(
        clubs=Club.objects.filter(pk__in=[world.club_a1.pk, other.pk]),
        on=ON,
        by_area=MapGrouping(world.province.scheme, UNDER_PROVINCE_DEPTH),
    )
    scores = selectors.club_scorecards(clubs=Club.objects.filter(pk__in=[world.club_a1.pk, other.pk]), on=ON)
    assert sorted(score.board_size for score in scores) == [1, 2]
    assert district_a.clubs == 2
    assert district_a.figures.members.count == sum(score.figures.members.count for score in scores)
    assert (district_a.board_members, district_a.teams, district_a.areas) == (2, 2, 1)


def test_clubs_with_a_team_in_all_eight_areas(world):
    for area in ActivityArea:
        factories.TeamFactory(club=world.club_a1, activity_area=area)
    for area in list(ActivityArea)[:7]:
        factories.TeamFactory(club=world.club_b1, activity_area=area)
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=ON)
    assert (total.teams, total.areas, total.clubs_all_areas) == (15, 8, 1)
    assert len(score_of(world.club_a1).areas) == 8


# --- queries --------------------------------------------------------------------------------


def make_clubs(world, count):
    """`count` active clubs with members, spread over new communes of two districts."""
    for number in range(count):
        district = world.district_a if number % 2 else world.district_b
        club = factories.ClubFactory(unit=factories.commune(district, scheme=district.scheme))
        add_members(club, 3, women=2, older=1, poor=1)
        factories.BoardPositionFactory(club=club)
        factories.TeamFactory(club=club, activity_area=list(ActivityArea)[number % 8])


@pytest.mark.parametrize("count", [2, 20])
def test_the_report_takes_the_same_queries_for_2_or_20_clubs(world, django_assert_num_queries, count):
    make_clubs(world, count)
    clubs = Club.objects.all()
    # The clubs' members, board and teams, which every table adds up (3); per roll-up table
    # (communes, districts): each club's unit and the units (2 × 2); the clubs (1); clubs by status (1).
    scheme = scheme_default(ON)
    with django_assert_num_queries(9):
        report = selectors.scorecard_report(clubs=clubs, on=ON, scheme=scheme)
    assert len(report.clubs) == count + 3  # and A1, B1, L of the personas' map


@pytest.mark.parametrize("members", [3, 60])
def test_one_club_takes_four_queries_whatever_its_size(world, django_assert_num_queries, members):
    add_members(world.club_a1, members)
    factories.TeamFactory(club=world.club_a1)
    # status on the date, members, board, teams
    with django_assert_num_queries(4):
        score = score_of(world.club_a1)
    assert score.figures.members.count == members
