"""The targets report runs the same number of queries for 10 clubs and for 2.000 (fast at any scale).

Clubs and everything the report reads of them — funds and their entries, members and their
household status, loans with their schedules, status changes, accepted monthly reports — are
written in bulk by tests/targets/bulk.py, which bench/targets.py uses too (the report reads these rows, it
does not care which service wrote them).
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import AdminUnit
from clubs.models import Club
from targets.report import ClubMeasure
from targets.selectors import target_report
from tests.targets.bulk import ON, add_clubs, host_units


def page_figures(report) -> list:
    """What the pages read of the report: a query hidden in a property would show in the count."""
    return [
        *[(row.value, row.met, row.gap, row.on_pace) for row in report.progress],
        *[(row.club.unit.name, row.district, [row.meets(measure) for measure in ClubMeasure]) for row in report.clubs],
        report.status_list,
        report.decided,
    ]


def counted_report(plan, on=ON):
    """The report and the number of queries it took, its figures read."""
    with CaptureQueriesContext(connection) as queries:
        report = target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=on)
        assert page_figures(report)
    return report, len(queries)


def test_the_report_takes_the_same_queries_for_10_and_2000_clubs(world, plan):
    units = host_units(world.province)
    add_clubs(units, 6)
    small, small_queries = counted_report(plan)
    assert small.decided == Club.objects.count() == 10
    add_clubs(units, 1990, prefix="MORE")
    large, large_queries = counted_report(plan)
    assert large.decided == Club.objects.count() == 2000
    # The data is really there, in every section the report reads.
    assert large.club_total.clubs > 1500
    assert large.club_total.both_funds > 1000
    assert large.club_total.all_activities > 1000
    assert large.club_total.borrowers > 500
    assert large.new_clubs.total.counted > 1000
    assert large.scorecard.figures.members.count == large.club_total.members
    assert large.portfolio.total.figures.par30 > 0
    assert small_queries == large_queries, (small_queries, large_queries)
