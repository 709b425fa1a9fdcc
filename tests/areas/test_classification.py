"""A unit's official classification over time (areas.models.UnitClassification): the rule for its
area type and border status on a day in its two forms, the service that records one, the unit page
where province staff record it, and the coverage groups that count by it."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from areas.models import AdminUnit, AreaType, UnitClassification
from areas.services import (
    ERROR_CLASSIFICATION_DATE_TAKEN,
    ERROR_CLASSIFICATION_NOT_A_CHANGE,
    ERROR_CLASSIFICATION_OUTSIDE_UNIT,
    unit_classify,
)
from audit.models import AuditEntry
from tests import factories
from tests.text import vi

D = datetime.date


def classify(unit, valid_from, area_type=AreaType.MOUNTAIN, is_border=False, reason="Quyết định 01/QĐ-UBND"):
    return unit_classify(
        actor=None, unit=unit, area_type=area_type, is_border=is_border, valid_from=valid_from, reason=reason
    )


def test_a_unit_is_what_its_file_said_until_a_classification_takes_effect(world):
    commune = world.commune_a1  # plain, from its district in the unit file
    classify(commune, D(2023, 7, 1), AreaType.MOUNTAIN, is_border=True)
    assert commune.classification_on(D(2023, 6, 30)) == (AreaType.PLAIN, False)
    assert commune.classification_on(D(2023, 7, 1)) == (AreaType.MOUNTAIN, True)
    on_day = AdminUnit.objects.with_classification_on(D(2024, 1, 1)).get(pk=commune.pk)
    assert (on_day.area_type_on, on_day.is_border_on) == (AreaType.MOUNTAIN, True)


def test_the_latest_classification_by_its_date_holds(world):
    commune = world.commune_b1
    classify(commune, D(2024, 1, 1), AreaType.PLAIN)
    classify(commune, D(2022, 1, 1), AreaType.ISLAND)  # recorded later, dated earlier
    assert commune.classification_on(D(2023, 1, 1)) == (AreaType.ISLAND, False)
    assert commune.classification_on(D(2024, 1, 1)) == (AreaType.PLAIN, False)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    entries=st.lists(
        st.tuples(st.dates(D(2020, 2, 1), D(2024, 12, 30)), st.sampled_from(list(AreaType)), st.booleans()),
        max_size=5,
        unique_by=lambda entry: entry[0],
    ),
    days=st.lists(st.dates(D(2020, 2, 1), D(2024, 12, 30)), min_size=1, max_size=4),
)
def test_both_forms_of_the_rule_agree(entries, days):
    """with_classification_on (SQL, for many units) and classification_on (one unit), on random
    classifications and days."""
    scheme = factories.AdminSchemeFactory()
    district = factories.district(factories.province(scheme=scheme), scheme=scheme, area_type=AreaType.PLAIN)
    unit = factories.commune(district, scheme=scheme)
    for valid_from, area_type, is_border in entries:
        UnitClassification.objects.create(
            unit=unit, valid_from=valid_from, area_type=area_type, is_border=is_border, reason="r"
        )
    for day in days:
        annotated = AdminUnit.objects.with_classification_on(day).get(pk=unit.pk)
        assert (annotated.area_type_on, annotated.is_border_on) == unit.classification_on(day)


def refused_with(message, date):
    return re.escape(vi(message, unit="Xã Bình Hiệp", date=date))


def test_refusals_write_nothing(world):
    commune = world.commune_a1
    classify(commune, D(2023, 1, 1))
    with pytest.raises(ValidationError, match=refused_with(ERROR_CLASSIFICATION_DATE_TAKEN, "01/01/2023")):
        classify(commune, D(2023, 1, 1), AreaType.ISLAND)
    with pytest.raises(ValidationError, match=refused_with(ERROR_CLASSIFICATION_NOT_A_CHANGE, "01/06/2023")):
        classify(commune, D(2023, 6, 1), AreaType.MOUNTAIN)
    with pytest.raises(ValidationError, match=refused_with(ERROR_CLASSIFICATION_OUTSIDE_UNIT, "01/01/2025")):
        classify(commune, D(2025, 1, 1), AreaType.PLAIN)  # the personas' map ends on 31/12/2024
    with pytest.raises(ValidationError) as refused:
        classify(commune, D(2024, 1, 1), AreaType.ISLAND, reason="   ")
    assert "reason" in refused.value.message_dict
    assert commune.classifications.count() == 1
    assert AuditEntry.objects.filter(action="areas.unit.classified").count() == 1


def test_province_staff_record_a_classification_on_the_unit_page(client, world, province_staff):
    client.force_login(province_staff)
    url = reverse("areas:unit-detail", args=[world.commune_b1.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is not None
    data = {"area_type": AreaType.MOUNTAIN, "is_border": "on", "valid_from": "01/08/2025", "reason": ""}
    refused = client.post(url, data)
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    assert refused.context["form"]["valid_from"].value() == "01/08/2025"  # what was typed stays
    data.update(valid_from="01/08/2024", reason="Quyết định 1648/QĐ-TTg")
    assert client.post(url, data).status_code == 302
    assert world.commune_b1.classification_on(D(2024, 8, 1)) == (AreaType.MOUNTAIN, True)


def test_area_staff_see_the_unit_but_cannot_classify_it(client, world, area_staff):
    client.force_login(area_staff)
    url = reverse("areas:unit-detail", args=[world.commune_a1.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    data = {"area_type": AreaType.MOUNTAIN, "valid_from": "01/08/2024", "reason": "x"}
    assert client.post(url, data).status_code == 403
    assert not UnitClassification.objects.exists()
    assert client.get(reverse("areas:unit-detail", args=[world.commune_b1.pk])).status_code == 404
