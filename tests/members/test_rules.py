"""The member register's rules that have a second form, checked on random data:
- a household's status on a day: PersonQuerySet.with_economic_status (a correlated subquery, for a
  page of people) and HouseholdStatusQuerySet.in_force (an anti-join, for reports);
- a member on a day: MembershipQuerySet.active_on / active_condition (SQL) and
  Membership.is_active_on (Python), the same half-open period as every dated row (core/models.py).
"""

import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from members.models import EconomicStatus, HouseholdStatus, Membership, Person
from tests import factories

D = datetime.date
days = st.dates(min_value=D(2018, 1, 1), max_value=D(2025, 3, 15))
statuses = st.lists(
    st.tuples(days, st.sampled_from(list(EconomicStatus))), max_size=4, unique_by=lambda entry: entry[0]
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@SETTINGS
@given(people=st.lists(statuses, min_size=1, max_size=5), probes=st.lists(days, min_size=1, max_size=5))
def test_a_households_status_on_a_day_has_one_meaning(people, probes):
    with transaction.atomic():
        ids = []
        for entries in people:
            person = factories.PersonFactory()
            for valid_from, status in entries:
                HouseholdStatus.objects.create(person=person, valid_from=valid_from, status=status)
            ids.append(person.pk)
        for day in probes:
            annotated = dict(
                Person.objects.filter(pk__in=ids).with_economic_status(day).values_list("pk", "economic_status")
            )
            in_force = dict(
                HouseholdStatus.objects.filter(person__in=ids).in_force(day).values_list("person", "status")
            )
            assert {pk: status for pk, status in annotated.items() if status is not None} == in_force
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(
    periods=st.lists(st.tuples(days, st.one_of(st.none(), st.integers(0, 900))), min_size=1, max_size=5),
    probes=st.lists(days, min_size=1, max_size=5),
)
def test_a_member_on_a_day_has_one_meaning(world, periods, probes):
    with transaction.atomic():
        memberships = []
        for joined_on, length in periods:
            left_on = None if length is None else joined_on + datetime.timedelta(days=length)
            memberships.append(
                factories.MembershipFactory(
                    club=world.club_a1,
                    joined_on=joined_on,
                    left_on=left_on,
                    leave_reason="withdrew" if left_on else "",
                )
            )
        ids = [membership.pk for membership in memberships]
        for day in probes:
            in_sql = set(Membership.objects.filter(pk__in=ids).active_on(day).values_list("pk", flat=True))
            assert in_sql == {membership.pk for membership in memberships if membership.is_active_on(day)}
        transaction.set_rollback(True)
