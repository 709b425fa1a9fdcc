"""The figures of the 24/11/2022 report (docs/domain.md §7) from the demo data.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://… pytest tests/reports): the shares are
computed in SQL, and both databases must round them the same way.
"""

from decimal import Decimal

from areas.models import PROVINCE_DEPTH, UNDER_PROVINCE_DEPTH, AdminScheme
from clubs.models import Club, ClubStatus, MapGrouping
from demo.scenario import CLUBS, demo_members
from reports import selectors
from reports.standards import Mark
from tests.conftest import TODAY
from tests.reports.conftest import SEED_DAY


def test_province_rollup_shows_the_figures_of_the_report(seed_2022):
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=SEED_DAY)
    figures = total.figures
    assert total.clubs == 7  # the three clubs decided but not launched are not counted
    assert figures.members.count == 413
    assert (figures.older.count, figures.older.share) == (289, Decimal("70.0"))  # 69,98 %
    assert (figures.younger.count, figures.younger.share) == (124, Decimal("30.0"))
    assert (figures.women.count, figures.women.share) == (289, Decimal("70.0"))
    assert (figures.poor.count, figures.poor.share) == (268, Decimal("64.9"))  # "65 %" in the report
    assert round(figures.poor.share) == 65
    assert (total.members_per_club, total.older_per_club) == (59, 41)  # 59,0 and 41,3
    assert figures.older.mark == figures.women.mark == figures.younger.mark == Mark.MEETS
    assert total.members_per_club_mark == Mark.MEETS


def test_the_province_as_the_top_of_the_map_gives_the_same_figures(seed_2022):
    [province] = selectors.scorecard_rollup(
        clubs=Club.objects.all(),
        on=SEED_DAY,
        by_area=MapGrouping(AdminScheme.objects.get(code="vn-2020"), PROVINCE_DEPTH),
    )
    assert province.unit.name == "Tỉnh Quảng Ngãi"
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=SEED_DAY)
    assert (province.clubs, province.figures, province.members_per_club, province.older_per_club) == (
        total.clubs,
        total.figures,
        total.members_per_club,
        total.older_per_club,
    )


def test_rollup_per_district_level_unit_found_on_the_path(seed_2022):
    rows = selectors.scorecard_rollup(
        clubs=Club.objects.all(),
        on=SEED_DAY,
        by_area=MapGrouping(AdminScheme.objects.get(code="vn-2020"), UNDER_PROVINCE_DEPTH),
    )
    by_name = {row.unit.name: (row.clubs, row.figures.members.count, row.members_per_club) for row in rows}
    # Nghĩa Hành has only a club not launched yet: no row.
    assert by_name == {
        "Thành phố Quảng Ngãi": (2, 118, 59),
        "Huyện Bình Sơn": (1, 59, 59),
        "Huyện Tư Nghĩa": (1, 59, 59),
        "Huyện Mộ Đức": (1, 59, 59),
        "Thị xã Đức Phổ": (2, 118, 59),
    }
    city = next(row for row in rows if row.unit.name == "Thành phố Quảng Ngãi")
    # Clubs 2 and 3 of CLUBS: 42 + 41 older people of 118.
    assert (city.figures.older.count, city.figures.older.share) == (83, Decimal("70.3"))
    assert city.figures.older.mark == Mark.ABOVE


def test_rollup_per_commune(seed_2022):
    rows = selectors.scorecard_rollup(
        clubs=Club.objects.all(), on=SEED_DAY, by_area=MapGrouping(AdminScheme.objects.get(code="vn-2020"))
    )
    assert [row.unit.code for row in rows] == sorted(
        (code for code, _name, _hamlets, _decided, launched, _day in CLUBS if launched),
        key=lambda code: next(row.unit.path for row in rows if row.unit.code == code),
    )
    assert len(rows) == 7
    assert {row.clubs for row in rows} == {1}
    assert sum(row.figures.members.count for row in rows) == 413


def test_each_club_is_marked_against_the_standards(seed_2022):
    scores = {score.club.name: score for score in selectors.club_scorecards(clubs=Club.objects.all(), on=SEED_DAY)}
    assert len(scores) == 7
    first = scores[CLUBS[0][1]]  # 59 members, 42 older, 42 women
    assert first.figures.members.count == 59 and first.figures.members.mark == Mark.MEETS
    assert (first.figures.older.share, first.figures.older.mark) == (Decimal("71.2"), Mark.ABOVE)
    assert (first.figures.younger.share, first.figures.younger.mark) == (Decimal("28.8"), Mark.BELOW)
    assert (first.figures.women.share, first.figures.women.mark) == (Decimal("71.2"), Mark.ABOVE)
    last = scores[CLUBS[6][1]]  # 59 members, 41 older, 41 women, 38 poor or near-poor
    assert (last.figures.older.share, last.figures.older.mark) == (Decimal("69.5"), Mark.MEETS)
    assert (last.figures.younger.share, last.figures.younger.mark) == (Decimal("30.5"), Mark.MEETS)
    assert (last.figures.poor.count, last.figures.poor.share, last.figures.poor.mark) == (38, Decimal("64.4"), None)
    assert all(score.status == ClubStatus.ACTIVE for score in scores.values())


def test_the_same_members_today_have_aged(seed_2022):
    """On 15/03/2025 people born in 1963–1965 are older people too: the age group is computed."""
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=TODAY)
    members = [member for index, club in enumerate(CLUBS) if club[4] for member in demo_members(index)]
    older_2025 = sum(member.birth_year <= TODAY.year - 60 for member in members)
    assert total.figures.members.count == 413
    assert older_2025 > 289
    assert total.figures.older.count == older_2025
    assert total.figures.younger.count == 413 - older_2025


def test_before_any_launch_nothing_is_counted(seed_2022):
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=CLUBS[0][4].replace(day=1))
    assert (total.clubs, total.figures.members.count, total.members_per_club) == (0, 0, None)
    assert total.figures.older.share is None and total.figures.older.mark is None
    assert (
        selectors.scorecard_rollup(
            clubs=Club.objects.all(),
            on=CLUBS[0][4].replace(day=1),
            by_area=MapGrouping(AdminScheme.objects.get(code="vn-2020")),
        )
        == []
    )


def test_seed_demo_command_gives_the_same_figures(demo_data):
    """The demo data as `manage.py seed_demo` records it, through the member services."""
    total = selectors.scorecard_total(clubs=Club.objects.all(), on=SEED_DAY)
    assert (total.clubs, total.figures.members.count, total.members_per_club, total.older_per_club) == (7, 413, 59, 41)
    assert (total.figures.older.count, total.figures.women.count, total.figures.poor.count) == (289, 289, 268)
    assert (total.figures.older.share, total.figures.women.share, total.figures.poor.share) == (
        Decimal("70.0"),
        Decimal("70.0"),
        Decimal("64.9"),
    )
