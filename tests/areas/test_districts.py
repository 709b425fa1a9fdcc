"""The district of a unit has two forms (areas/selectors.py): district_key in SQL and district_path
in Python, with district_of (the unit itself), district_name_beside (the name shown beside a
commune) and districts (the units that are districts) built on them. On random maps — three
levels with districts with and without communes (Lý Sơn), two levels (communes right under the
province, from 1 Jul 2025), two maps at once whose codes overlap and prefix one another — all of
them name the district the tree was built with."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas.models import AdminUnit, Kind, Level, district_path
from areas.selectors import district_key, districts, unit_group_key
from clubs.models import Club
from tests import factories

# Codes that prefix one another: "/51/52/" must not be taken for an ancestor of "/51/522/…".
CODES = ["5", "52", "522", "5221", "1", "12", "120", "2", "21", "210", "211", "3", "31", "310", "4", "41", "410"]

# A map: ("three", number of communes of each district; 0 for a district without communes such
# as Lý Sơn) or ("two", number of communes right under the province).
three_levels = st.tuples(st.just("three"), st.lists(st.integers(0, 3), min_size=1, max_size=4))
two_levels = st.tuples(st.just("two"), st.integers(1, 5))
maps = st.lists(st.one_of(three_levels, two_levels), min_size=1, max_size=2)


def build(index: int, shape: tuple, codes: list[str]) -> dict[AdminUnit, AdminUnit | None]:
    """The units of one map, each with the district it was built under (None for the province)."""
    scheme = factories.AdminSchemeFactory(code=f"map-{index}", valid_from=datetime.date(2020 + index, 1, 1))
    province = factories.province(scheme=scheme, code="51")
    expected: dict[AdminUnit, AdminUnit | None] = {province: None}
    pool = iter(codes)  # every map draws from the same codes: the two maps' paths overlap
    kind, sizes = shape
    if kind == "two":
        for _ in range(sizes):
            commune = factories.AdminUnitFactory(scheme=scheme, parent=province, code=next(pool))
            expected[commune] = commune
        return expected
    for communes in sizes:
        district = factories.district(province, scheme=scheme, code=next(pool))
        expected[district] = district
        for _ in range(communes):
            commune = factories.AdminUnitFactory(scheme=scheme, parent=district, code=next(pool), kind=Kind.COMMUNE)
            expected[commune] = district
    return expected


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=maps, codes=st.permutations(CODES))
def test_the_forms_of_a_units_district_agree(django_assert_num_queries, shapes, codes):
    with transaction.atomic():
        expected: dict[AdminUnit, AdminUnit | None] = {}
        for index, shape in enumerate(shapes):
            expected |= build(index, shape, codes)
        expected_ids = {unit.pk: district.pk if district else None for unit, district in expected.items()}
        units = AdminUnit.objects.filter(pk__in=expected_ids)

        # SQL, from the units themselves and from the clubs sitting in them.
        assert dict(units.annotate(district=district_key("")).values_list("pk", "district")) == expected_ids
        clubs = [factories.ClubFactory(unit=unit) for unit in expected]
        from_clubs = Club.objects.filter(pk__in=[club.pk for club in clubs]).annotate(district=district_key("unit__"))
        assert {club.unit_id: club.district for club in from_clubs} == expected_ids

        # Python, from the paths (a path names one unit within its map).
        by_path = {(unit.scheme_id, unit.path): unit.pk for unit in expected}
        for unit in expected:
            found = district_path(unit.path)
            assert (by_path[unit.scheme_id, found] if found else None) == expected_ids[unit.pk]

        # The district as a unit, and the name shown beside a commune of another unit, without a
        # query once the parents are loaded.
        fetched = list(units.select_related("parent"))
        names = {unit.pk: district.name if district and district != unit else "" for unit, district in expected.items()}
        # A District column names a district-level unit only: none on a map without districts.
        columns = {
            unit.pk: district.name if district and district.level == Level.DISTRICT else ""
            for unit, district in expected.items()
        }
        with django_assert_num_queries(0):
            assert {unit.pk: getattr(unit.district, "pk", None) for unit in fetched} == expected_ids
            assert {unit.pk: unit.district_name_beside for unit in fetched} == names
            assert {unit.pk: unit.district_name for unit in fetched} == columns

        # The districts: exactly the units that are their own district.
        assert set(districts(units).values_list("pk", flat=True)) == {
            pk for pk, district in expected_ids.items() if district == pk
        }
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_ancestor_at_a_depth_reaches_below_the_joined_parents():
    """The group key reads the unit and its first ANCESTOR_JOINS parents through joins and looks
    deeper units up on the path: on a chain deeper than the joins, every unit at every depth gets
    the ancestor the path names."""
    scheme = factories.AdminSchemeFactory(code="deep", valid_from=datetime.date(2020, 1, 1))
    chain = [factories.province(scheme=scheme, code="51")]
    for code in ["52", "522", "5221", "52211", "522111"]:
        chain.append(factories.AdminUnitFactory(scheme=scheme, parent=chain[-1], code=code, kind=Kind.COMMUNE))
    clubs = Club.objects.filter(pk__in=[factories.ClubFactory(unit=unit).pk for unit in chain])
    for depth in range(1, len(chain) + 1):
        expected = {unit.pk: chain[depth - 1].pk if level >= depth else None for level, unit in enumerate(chain, 1)}
        assert dict(clubs.annotate(group=unit_group_key(depth, "unit")).values_list("unit", "group")) == expected
