"""Personas on a small map, as healthchecks' BaseTestCase has them.

Province P ─┬─ district A (plain) ─┬─ commune A1 ── club_a1 (active)
            │                      └─ commune A2 ── club_a2 (decided, not launched)
            ├─ district B (mountain) ── commune B1 ── club_b1 (active)
            └─ district L (island, no communes) ── club_l (active)
"""

import dataclasses
import datetime
import importlib
import os

import pytest
import time_machine
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.utils import translation

from accounts.models import BoardTitle, Role
from areas.models import AreaType, Kind
from tests import factories, seeds
from tests.clock import NOW
from tests.maps import maps, maps_snapshot, maps_with_lineage, maps_with_lineage_snapshot  # noqa: F401 (fixtures)
from tests.snapshots import Snapshot

# The data migration's own function, so the groups are those a migrated database holds.
add_ethnicities = importlib.import_module("members.migrations.0002_ethnicities").add

# A fixed "today" in Vietnam time, close to midnight to catch UTC/local slips.
TODAY = datetime.date(2025, 3, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language (Vietnamese): a request in English activates it for
    the rest of the thread, and a test after it in the same worker would read English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


# The seeded province takes seconds to build: each is built once per run, on the clock the tests
# run on, and copied into each test that asks for it. pytest-xdist's workers of one run share the
# parent of their temporary directories: the first worker to need a snapshot leaves it there.
def _snapshot(build, tmp_path_factory, django_db_blocker) -> Snapshot:
    shared = None
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run = os.environ["PYTEST_XDIST_TESTRUNUID"]
        shared = tmp_path_factory.getbasetemp().parent / f"{build.__name__}-{run}.pickle"
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        return Snapshot.take_once(build, shared)


@pytest.fixture(scope="session")
def seed_2022_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    return _snapshot(seeds.record_seed_2022, tmp_path_factory, django_db_blocker)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    return _snapshot(seeds.record_demo, tmp_path_factory, django_db_blocker)


@pytest.fixture
def demo_data(db, demo_snapshot):
    """The database as `manage.py seed_demo` leaves it (tests.seeds.record_demo)."""
    demo_snapshot.restore()


@dataclasses.dataclass
class World:
    province: object
    district_a: object
    commune_a1: object
    commune_a2: object
    district_b: object
    commune_b1: object
    district_l: object
    club_a1: object
    club_a2: object
    club_b1: object
    club_l: object


def build_world() -> list:
    """The personas' map and clubs (the module docstring), in the order of World's fields."""
    scheme = factories.AdminSchemeFactory()
    province = factories.province(scheme=scheme, code="51", name="Tỉnh Quảng Ngãi")
    district_a = factories.district(
        province, scheme=scheme, code="901", name="Huyện Đồng Bằng", area_type=AreaType.PLAIN
    )
    commune_a1 = factories.commune(district_a, scheme=scheme, code="90101", name="Xã Bình Hiệp")
    commune_a2 = factories.commune(district_a, scheme=scheme, code="90102", name="Xã Tịnh Ấn Tây", kind=Kind.COMMUNE)
    district_b = factories.district(
        province, scheme=scheme, code="902", name="Huyện Miền Núi", area_type=AreaType.MOUNTAIN
    )
    commune_b1 = factories.commune(district_b, scheme=scheme, code="90201", name="Xã Ba Vì")
    district_l = factories.district(province, scheme=scheme, code="903", name="Huyện Lý Sơn", area_type=AreaType.ISLAND)
    return [
        province,
        district_a,
        commune_a1,
        commune_a2,
        district_b,
        commune_b1,
        district_l,
        factories.ClubFactory(unit=commune_a1, name="CLB Liên thế hệ thôn Liên Trì Tây"),
        factories.ClubFactory(unit=commune_a2, name="CLB Liên thôn Cộng Hòa", launch_date=None),
        factories.ClubFactory(unit=commune_b1, name="CLB Liên thế hệ Ba Vì"),
        factories.ClubFactory(unit=district_l, name="CLB Liên thế hệ An Hải"),
    ]


@pytest.fixture(scope="session")
def world_snapshot(django_db_setup, django_db_blocker):
    """The personas' world, built once per test process (not shared between pytest-xdist workers:
    each worker's factories then count on from the rows they made, and never make them again)."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        return Snapshot.take(build_world)


@pytest.fixture
def world(db, world_snapshot) -> World:
    """Copied into each test's database from the snapshot: the same rows, ids and values as
    building it again, in a fraction of the queries (most tests start from it). Tests whose
    database is emptied between tests (browser tests, threads) build it anew: what the
    migrations put in the database is gone there, and the copy would miss it."""
    if not connection.in_atomic_block:  # a transactional test: no transaction rolled back after it
        return World(*build_world())
    return World(*world_snapshot.restore())


@pytest.fixture
def province_staff(world):
    user = factories.UserFactory(username="tinh")
    factories.RoleAssignmentFactory(user=user, role=Role.PROVINCE_STAFF, area=world.province)
    return user


@pytest.fixture
def area_staff(world):
    """Staff of district A: sees A1 and A2, not B1 or L."""
    user = factories.UserFactory(username="huyen_a")
    factories.RoleAssignmentFactory(user=user, role=Role.AREA_STAFF, area=world.district_a)
    return user


@pytest.fixture
def other_area_staff(world):
    """Staff of district B: out of scope for club A1."""
    user = factories.UserFactory(username="huyen_b")
    factories.RoleAssignmentFactory(user=user, role=Role.AREA_STAFF, area=world.district_b)
    return user


@pytest.fixture
def club_chair(world):
    return factories.board_member(world.club_a1, username="chunhiem_a1")


@pytest.fixture
def other_chair(world):
    return factories.board_member(world.club_b1, username="chunhiem_b1")


@pytest.fixture
def club(world):
    """Club A1, the club the money tests keep the books of."""
    return world.club_a1


@pytest.fixture
def treasurer(world):
    """A member of club A1's board who keeps its books (club-board role)."""
    return factories.board_member(world.club_a1, username="thuquy", title=BoardTitle.TREASURER)


@pytest.fixture
def ethnicities(transactional_db):
    """The ethnic groups the migrations put in, for a test whose database commits: such a test starts
    after another's, which empties every table when it ends (the others roll back and keep them)."""
    add_ethnicities(django_apps, None)


@pytest.fixture
def in_english():
    """Messages compared in their English source, whatever the Vietnamese catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin_user(world):
    return factories.UserFactory(username="quantri", is_staff=True, is_superuser=True)


def login(client, user):
    client.force_login(user)
    return client
