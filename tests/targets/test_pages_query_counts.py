"""The targets pages run the same number of queries with few clubs and with many (fast at any scale):
the dashboard, its print layout and every list behind a figure."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from areas.models import AreaType
from clubs.models import Club
from tests import factories
from tests.conftest import login
from tests.targets.bulk import add_clubs, host_units

ON = "15/03/2025"


def _pages(plan, world) -> list[str]:
    plain, mountain = plan.coverage_targets.order_by("order")
    query = f"plan={plan.code}&on={ON}"
    return [
        f"{reverse('targets:dashboard')}?{query}",
        f"{reverse('targets:print')}?{query}",
        f"{reverse('targets:new-clubs')}?{query}",
        f"{reverse('targets:new-clubs')}?{query}&district={world.district_a.pk}&year=2022&launched=1",
        f"{reverse('targets:clubs')}?{query}&measure=both_funds&met=1",
        f"{reverse('targets:clubs')}?{query}&measure=combined&met=0&district={world.district_b.pk}",
        f"{reverse('targets:units')}?{query}",
        f"{reverse('targets:units')}?{query}&group={mountain.pk}&district={world.district_b.pk}&covered=0",
        f"{reverse('targets:units')}?{query}&group={plain.pk}&covered=1",
        f"{reverse('targets:trend')}?{query}",
    ]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_pages_take_the_same_queries_with_few_and_many_clubs(
    client, world, plan, province_staff, django_assert_num_queries
):
    login(client, province_staff)
    pages = _pages(plan, world)
    add_clubs(host_units(world.province), 6)
    few = {url: _queries(client, url) for url in pages}

    # More communes in both groups, and hundreds of clubs with members, funds, loans and reports.
    for number in range(20):
        factories.commune(world.district_a, scheme=world.province.scheme, code=f"9011{number:02d}")
        factories.commune(
            world.district_b, scheme=world.province.scheme, code=f"9021{number:02d}", area_type=AreaType.MOUNTAIN
        )
    add_clubs(host_units(world.province), 400, prefix="MORE")
    assert Club.objects.count() == 410

    for url in pages:
        # Each page: the session and the user's roles, the plan and the scope, then the report's
        # grouped queries (targets.selectors) — none per club, member or unit.
        with django_assert_num_queries(few[url]):
            response = client.get(url)
        assert response.status_code == 200
    # The pages really show the data: the lists are full pages.
    assert len(client.get(pages[2]).context["page"].object_list) == 50
