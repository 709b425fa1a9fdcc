"""The audit log in Django admin: in words, in Vietnam time, its details readable, read-only."""

import datetime

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.functional import Promise

from tests import factories
from tests.text import vi_html

# 17:05 UTC on the 14th is 00:05 on the 15th in Vietnam.
MOMENT = datetime.datetime(2025, 3, 14, 17, 5, tzinfo=datetime.UTC)


@pytest.fixture
def entry(world, province_staff):
    return factories.AuditEntryFactory(
        actor=province_staff,
        action="loans.collection_sheet.recorded",
        target_type="clubs.club",
        target_id=str(world.club_a1.pk),
        target_repr=str(world.club_a1),
        club=world.club_a1,
        data={"paid_on": "2025-03-10", "repayments": [5, 6], "total": 1_250_000},
        created_at=MOMENT,
    )


def test_the_list_shows_the_action_the_object_type_and_local_time(client, admin_user, entry):
    client.force_login(admin_user)
    page = client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert vi_html("meeting collection sheet saved") in page
    assert f'class="field-object_type">{vi_html("club")}<' in page
    assert "15/03/2025 00:05" in page
    assert "loans.collection_sheet.recorded</" not in page


def test_an_entry_reads_in_words_title_and_body_in_the_same_time(client, admin_user, entry):
    client.force_login(admin_user)
    response = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    title = page.split("<title>")[1].split("</title>")[0]
    assert "15/03/2025 00:05" in title
    assert "14/03/2025" not in page and "2025-03-14" not in page
    assert "1.250.000\u00a0đ" in page
    assert "10/03/2025" in page
    assert '"paid_on"' not in page  # no raw JSON
    assert 'name="_save"' not in page  # read-only


def test_the_apps_are_named_in_vietnamese(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("admin:index")).content.decode()
    for name in ("Audit log", "Clubs", "Members", "Administrative units", "Users and roles"):
        assert vi_html(name) in page


@pytest.mark.parametrize(
    "label",
    ["accounts", "activities", "areas", "audit", "boards", "clubs", "core", "demo", "funds", "loans"]
    + ["members", "reports", "spreadsheets", "targets"],
)
def test_every_app_has_a_translated_name(label):
    assert isinstance(apps.get_app_config(label).verbose_name, Promise)
