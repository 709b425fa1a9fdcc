"""Target plans for the targets tests: one on the personas' small map (tests/conftest.py), and
the real Quảng Ngãi 2022–2025 plan on the real map of 2020–2024 with the 24/11/2022 clubs."""

import datetime

import pytest

from areas.models import AreaType
from demo.plans import QUANG_NGAI_2022_2025, seed_plan
from targets.models import NewClubDate
from targets.services import plan_save
from tests.reports.conftest import seed_2022, seed_staff  # noqa: F401 (fixtures used here)

SEED_DAY = datetime.date(2022, 11, 24)


def small_plan(world, **changes):
    """A plan on the personas' map: 2022–2025, two coverage groups (plain; mountain and island)."""
    values = {
        "name": "Kế hoạch thử 2022–2025",
        "code": "thu-2022-2025",
        "legal_basis": "Quyết định 1336/QĐ-TTg",
        "scheme": world.province.scheme,
        "province": world.province,
        "period_start": datetime.date(2022, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
        "new_clubs": 8,
        "new_clubs_per_year": 2,
        "new_club_date": NewClubDate.DECISION,
        "new_club_members": 400,
        "both_funds_share": 100,
        "all_activities_share": 70,
        "members_borrowing_share": 50,
        "combined_share": 70,
        "club_borrowing_threshold": 50,
        "window_months": 12,
        "activity_min_months": 1,
        "coverage_min_clubs": 1,
        **changes,
    }
    coverage = [
        {"name": "Đồng bằng", "area_types": [AreaType.PLAIN.value], "share": 50},
        {"name": "Miền núi và hải đảo", "area_types": [AreaType.MOUNTAIN.value, AreaType.ISLAND.value], "share": 30},
    ]
    return plan_save(actor=None, values=values, coverage=coverage)


@pytest.fixture
def plan(world):
    return small_plan(world)


@pytest.fixture
def qng_plan(seed_2022):  # noqa: F811 (the fixture imported above, requested by name)
    """The seeded plan "Quảng Ngãi 2022–2025" over the ten clubs of 24/11/2022."""
    return seed_plan(QUANG_NGAI_2022_2025)
