""" "A club located under a unit" has two forms (clubs/models.py): ClubQuerySet.located_condition in
SQL (clubs_for, the club list's filter) and Club.is_located_under for one club already read
(caps_on_club). On random locations over the three maps of tests/clubs/maps.py, for every unit of
every map, with and without the clubs registered under the unit's path on other maps, both give
the same clubs, whether the clubs' locations were prefetched or not."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas.models import AdminUnit
from clubs.models import LOCATION_UNITS, Club, ClubLocation, LocationSource
from tests import factories
from tests.clubs.maps import build_maps

# A club: its registration (an index into the club hosts) and, per other map, a location or none
# (indexes into that map's units, taken modulo their number).
club = st.tuples(st.integers(min_value=0, max_value=99), st.lists(st.integers(min_value=0, max_value=99), max_size=3))


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(clubs=st.lists(club, min_size=1, max_size=6))
def test_the_two_forms_of_located_under_agree(world, clubs):
    with transaction.atomic():
        build_maps(world, lineage=False)
        units = list(AdminUnit.objects.select_related("scheme").order_by("scheme__valid_from", "path"))
        hosts = [unit for unit in units if unit.is_club_host]
        by_map: dict[int, list[AdminUnit]] = {}
        for unit in hosts:
            by_map.setdefault(unit.scheme_id, []).append(unit)
        made = []
        for registered, others in clubs:
            unit = hosts[registered % len(hosts)]
            made.append(created := factories.ClubFactory(unit=unit))
            other_maps = [scheme_id for scheme_id in by_map if scheme_id != unit.scheme_id]
            for scheme_id, pick in zip(other_maps, others, strict=False):
                ClubLocation.objects.create(
                    club=created,
                    scheme_id=scheme_id,
                    unit=by_map[scheme_id][pick % len(by_map[scheme_id])],
                    source=LocationSource.LINEAGE,
                )
        ids = [club.pk for club in made]
        for unit in units:
            for anywhere in (False, True):
                in_sql = set(
                    Club.objects.filter(
                        Club.objects.located_condition([unit], registrations_anywhere=anywhere), pk__in=ids
                    ).values_list("pk", flat=True)
                )
                fresh = Club.objects.filter(pk__in=ids).select_related("unit")
                prefetched = fresh.prefetch_related(LOCATION_UNITS)
                for clubs_read in (fresh, prefetched):
                    in_python = {
                        club.pk for club in clubs_read if club.is_located_under(unit, registrations_anywhere=anywhere)
                    }
                    assert in_python == in_sql, (unit.scheme.code, unit.path, anywhere)
        transaction.set_rollback(True)
