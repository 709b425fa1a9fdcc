"""A club's status on a day has three forms (clubs/models.py): the `with_status` annotation, the
`active_on` anti-join the reports use, and `status_from_changes` over rows already fetched (the
monthly reports' pages). On random histories of launches, suspensions, resumptions and
dissolutions, all three give the same answer on every day."""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clubs.models import Club, ClubStatus, ClubStatusChange, StatusChangeKind, status_from_changes
from tests import factories

D = datetime.date
FIRST, LAST = D(2020, 1, 1), D(2025, 3, 15)
days = st.dates(min_value=FIRST, max_value=LAST)
history = st.tuples(
    st.one_of(st.none(), days),  # launch date
    st.lists(st.tuples(days, st.sampled_from(list(StatusChangeKind))), max_size=4),
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories=st.lists(history, min_size=1, max_size=5), probes=st.lists(days, min_size=1, max_size=6))
def test_the_three_forms_of_a_clubs_status_agree(world, histories, probes):
    with transaction.atomic():
        clubs = []
        for launch_date, changes in histories:
            club = factories.ClubFactory(unit=world.commune_a1, decision_date=FIRST, launch_date=launch_date)
            # Recorded in any order: the rule reads them by date, then by the order they were recorded.
            for effective_on, kind in changes:
                ClubStatusChange.objects.create(club=club, kind=kind, effective_on=effective_on, reason="x")
            clubs.append(club)
        ids = [club.pk for club in clubs]
        for day in probes:
            annotated = dict(Club.objects.filter(pk__in=ids).with_status(day).values_list("pk", "status"))
            active = set(Club.objects.filter(pk__in=ids).active_on(day).values_list("pk", flat=True))
            for club in clubs:
                changes = list(club.status_changes.order_by("effective_on", "pk").values_list("effective_on", "kind"))
                assert status_from_changes(club.launch_date, changes, day) == annotated[club.pk]
                assert club.status_on(day) == annotated[club.pk]
            assert active == {pk for pk, status in annotated.items() if status == ClubStatus.ACTIVE}
        transaction.set_rollback(True)
