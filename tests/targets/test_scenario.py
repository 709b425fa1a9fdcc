"""The 24/11/2022 scenario (docs/domain.md §7): `seed_demo --scenario quang-ngai-2022` through the services,
then `report_targets … --format json` gives the article's figures, the same as the page's selector."""

import io
import json

import pytest
from django.core.management import call_command

from areas.models import AdminUnit
from clubs.models import Club
from targets.exporters import report_data
from targets.selectors import plan_for, target_report
from tests.targets.conftest import SEED_DAY


def report_json(plan: str) -> dict:
    out = io.StringIO()
    call_command("report_targets", "--plan", plan, "--as-of", SEED_DAY.isoformat(), "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def scenario(demo_data):
    """`seed_demo --scenario quang-ngai-2022`: the default scenario, as demo_data holds it."""


def test_the_report_of_24_11_2022_shows_the_articles_figures(scenario):
    data = report_json("qng-2022-2025")

    assert data["as_of"] == "2022-11-24"
    assert data["plan"]["code"] == "qng-2022-2025" and data["plan"]["name"] == "Quảng Ngãi 2022–2025"
    assert data["clubs_by_status"]["active"] == 7
    assert data["clubs_by_status"]["decided_total"] == 10  # decided by the date, whatever their status
    assert data["clubs_by_status"]["decided"] == 3  # decided, not launched
    assert data["club_measures"]["total"]["clubs"] == 7

    members = data["members"]
    assert members["active_clubs"] == 7
    assert members["members"]["count"] == 413
    assert members["older"] == {"count": 289, "share": 70.0}
    assert members["women"] == {"count": 289, "share": 70.0}
    assert members["poor"]["count"] == 268
    assert members["poor"]["share"] == 64.9  # one decimal; the article rounds it to 65 %
    assert round(members["poor"]["share"]) == 65
    assert (members["members_per_club"], members["older_per_club"]) == (59, 41)
    assert (members["board_members"], members["teams"]) == (35, 36)

    capital = data["capital"]
    assert capital["total"] == 238_500_000
    assert capital["by_source"]["members"] == 218_500_000
    assert capital["by_source"]["care_fund"] == 20_000_000
    assert sum(capital["by_source"].values()) == 238_500_000
    assert capital["clubs_with_capital"] == 4

    plain, mountain_and_island = data["coverage"]
    assert (plain["units"], plain["covered"]) == (110, 7)  # the seven launched clubs' communes are all plain
    assert (mountain_and_island["units"], mountain_and_island["covered"]) == (64, 0)
    assert (plain["target"], mountain_and_island["target"]) == (50.0, 30.0)
    assert [unit["name"] for unit in mountain_and_island["units_without_communes"]] == ["Huyện Lý Sơn"]

    new_clubs = data["new_clubs"]
    assert (new_clubs["counted"], new_clubs["launched"], new_clubs["not_launched"]) == (10, 7, 3)
    assert new_clubs["members"] == 413


def test_the_plan_is_named_by_its_name_too(scenario):
    assert report_json("Quảng Ngãi 2022–2025") == report_json("qng-2022-2025")


def test_the_command_gives_the_figures_of_the_page(scenario):
    plan = plan_for("qng-2022-2025")
    report = target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=SEED_DAY)
    assert report_json("qng-2022-2025") == json.loads(json.dumps(report_data(report)))
