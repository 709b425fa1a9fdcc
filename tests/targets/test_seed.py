"""The demo seed: the province's 2022–2025 plan (docs/domain.md §5) and the scenario options of
`seed_demo`. seed_demo writes through the services and takes ~10 s, so one test runs it twice
and checks everything it seeds."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from areas.models import AreaType
from clubs.models import Club
from members.models import Person
from targets.models import CoverageTarget, NewClubDate, TargetPlan

NO_DEMO = "The database already holds clubs: no demo data loaded."


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", *args, stdout=out)
    return out.getvalue()


def test_an_empty_database_gets_the_2022_scenario_with_its_plan_once(db):
    first = seed("--scenario", "quang-ngai-2022", "--unless-data")
    assert NO_DEMO not in first
    assert (Club.objects.count(), Person.objects.count()) == (10, 413)

    plan = TargetPlan.objects.get()
    assert plan.name == "Quảng Ngãi 2022–2025"
    assert plan.code == "qng-2022-2025"
    assert "1336/QĐ-TTg" in plan.legal_basis
    assert (plan.scheme.code, plan.province.code) == ("vn-2020", "51")
    assert (plan.period_start, plan.period_end) == (datetime.date(2022, 1, 1), datetime.date(2025, 12, 31))
    assert (plan.new_clubs, plan.new_clubs_per_year, plan.new_club_members) == (76, 19, 3800)
    assert plan.new_club_date == NewClubDate.DECISION
    assert (plan.both_funds_share, plan.all_activities_share, plan.members_borrowing_share) == (100, 70, 50)
    assert (plan.combined_share, plan.club_borrowing_threshold) == (70, 50)
    assert [(target.area_types, target.share) for target in plan.coverage_targets.all()] == [
        ([AreaType.PLAIN], Decimal(50)),
        ([AreaType.MOUNTAIN, AreaType.ISLAND], Decimal(30)),
    ]
    assert f"({plan.code})" in first

    # A second run, without --unless-data, adds nothing: neither clubs nor a second plan.
    seed()
    assert (Club.objects.count(), Person.objects.count()) == (10, 413)
    assert TargetPlan.objects.count() == 1
    assert CoverageTarget.objects.count() == 2


def test_a_database_with_clubs_gets_no_demo_data(world):
    clubs = list(Club.objects.values_list("pk", flat=True))
    output = seed("--unless-data")
    assert NO_DEMO in output
    assert list(Club.objects.values_list("pk", flat=True)) == clubs
    assert not Person.objects.exists()
    assert not TargetPlan.objects.exists()


def test_an_unknown_scenario_is_refused(db):
    with pytest.raises(CommandError, match="scenario"):
        seed("--scenario", "ha-noi-2030")
    assert not Club.objects.exists()
