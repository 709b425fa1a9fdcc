"""Quảng Ngãi's real maps, fixtures that tests/conftest.py offers every test: loaded once per test
process by the commands `make run` uses and copied into each test that asks for them
(tests.snapshots): the units of 2020–2024 and of 1 Jul 2025 (`maps`), and the same with the lineage
loaded, which derives the map of 1 Jan 2025 (`maps_with_lineage`)."""

import io
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command

from tests.clock import NOW
from tests.snapshots import Snapshot

DATA = Path(settings.BASE_DIR) / "data"
UNITS_2020 = DATA / "quang_ngai_2020_2024_units.csv"
UNITS_2025 = DATA / "quang_ngai_2025_units.csv"
LINEAGE = DATA / "quang_ngai_lineage.csv"
PROVINCES = DATA / "provinces.csv"


def record_maps() -> None:
    call_command("load_admin_units", str(UNITS_2020), scheme="vn-2020", stdout=io.StringIO())
    call_command("load_admin_units", str(UNITS_2025), scheme="vn-2025-07", stdout=io.StringIO())


def record_maps_with_lineage() -> None:
    record_maps()
    call_command("load_lineage", str(LINEAGE), stdout=io.StringIO())


def _take(build, django_db_blocker) -> Snapshot:
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        return Snapshot.take(build)


@pytest.fixture(scope="session")
def maps_snapshot(django_db_setup, django_db_blocker):
    return _take(record_maps, django_db_blocker)


@pytest.fixture(scope="session")
def maps_with_lineage_snapshot(django_db_setup, django_db_blocker):
    return _take(record_maps_with_lineage, django_db_blocker)


@pytest.fixture
def maps(db, maps_snapshot):
    """The units of vn-2020 and vn-2025-07 as load_admin_units loads them; no lineage."""
    maps_snapshot.restore()


@pytest.fixture
def maps_with_lineage(db, maps_with_lineage_snapshot):
    """`maps` and the lineage as load_lineage loads it (the map of 1 Jan 2025 derived)."""
    maps_with_lineage_snapshot.restore()
