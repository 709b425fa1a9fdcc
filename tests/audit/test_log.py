"""The audit log page: who reads which entries, the entries in words, the filters, and its queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from accounts import access
from audit.models import AuditEntry
from core import forms as core_forms
from tests import factories
from tests.text import vi, vi_html

UTC = datetime.UTC
# 16:30 UTC is 23:30 in Vietnam, the same day: the edge of the day in the date filters.
LATE_ON_THE_14TH = datetime.datetime(2025, 3, 14, 16, 30, tzinfo=UTC)
URL = reverse("audit:log")


@pytest.fixture
def entries(world, province_staff):
    """An entry of club A1 (district A), one of club B1 (district B), one of no club (a map)."""
    a1 = factories.AuditEntryFactory(
        actor=province_staff,
        action="funds.entry.recorded",
        target_type="funds.fundentry",
        target_id="41",
        target_repr="Góp vốn Bình Hiệp",
        target_folded="gop von binh hiep",
        club=world.club_a1,
        data={"amount": 238_500_000, "date": "2022-11-24"},
        created_at=LATE_ON_THE_14TH,
    )
    b1 = factories.AuditEntryFactory(
        action="clubs.club.updated",
        target_type="clubs.club",
        target_id=str(world.club_b1.pk),
        target_repr="CLB Miền Núi bí mật",
        target_folded="clb mien nui bi mat",
        club=world.club_b1,
        created_at=LATE_ON_THE_14TH + datetime.timedelta(hours=1),  # 00:30 on the 15th in Vietnam
    )
    unit_map = factories.AuditEntryFactory(
        actor=None,
        action="areas.units.loaded",
        target_type="areas.adminscheme",
        target_id="1",
        target_repr="Bản đồ 2020",
        target_folded="ban do 2020",
        club=None,
    )
    return {"a1": a1, "b1": b1, "map": unit_map}


def shown(response) -> set[int]:
    return {row.entry.pk for row in response.context["rows"]}


def test_province_staff_read_every_entry(client, entries, province_staff):
    client.force_login(province_staff)
    assert shown(client.get(URL)) == {entry.pk for entry in entries.values()}


def test_area_staff_read_only_their_clubs_entries(client, entries, area_staff):
    client.force_login(area_staff)
    response = client.get(URL)
    assert shown(response) == {entries["a1"].pk}
    assert "CLB Miền Núi bí mật" not in response.content.decode()
    assert set(access.audit_entries_for(area_staff)) == {entries["a1"]}


def test_area_staff_cannot_filter_on_another_areas_club(client, world, entries, area_staff):
    client.force_login(area_staff)
    response = client.get(URL, {"club": world.club_b1.pk})
    assert response.status_code == 200
    assert "club" in response.context["filters"].errors
    assert shown(response) == set()
    # Nor on one of its objects: the object filter works within what the user reads.
    response = client.get(URL, {"target_type": "clubs.club", "target_id": world.club_b1.pk})
    assert shown(response) == set()
    assert "CLB Miền Núi bí mật" not in response.content.decode()


def test_club_boards_do_not_read_the_log(client, entries, club_chair):
    client.force_login(club_chair)
    assert client.get(URL).status_code == 403
    assert not access.audit_entries_for(club_chair).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, entries):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_entry_reads_in_words_with_its_time_in_vietnam(client, world, entries, province_staff):
    client.force_login(province_staff)
    page = client.get(URL, {"club": world.club_a1.pk}).content.decode()
    assert f'data-testid="audit-action">{capfirst(vi_html("cash-book entry recorded"))}<' in page
    assert ">funds.entry.recorded<" not in page  # the code is no text people read
    assert "14/03/2025 23:30" in page
    assert "238.500.000\u00a0đ" in page
    assert "24/11/2022" in page
    assert capfirst(vi_html("amount (đồng)")) in page
    # Its object, in words, with a link to the page it has (the club's funds).
    assert capfirst(vi_html("cash-book entry")) in page
    assert reverse("funds:club-funds", args=[world.club_a1.pk]) in page


def test_filters_by_club_user_kind_and_dates(client, world, entries, province_staff):
    client.force_login(province_staff)

    def pks(**query):
        response = client.get(URL, query)
        assert not response.context["filters"].errors
        return shown(response)

    assert pks(club=world.club_b1.pk) == {entries["b1"].pk}
    assert pks(actor=province_staff.pk) == {entries["a1"].pk}
    assert pks(action="areas.units.loaded") == {entries["map"].pk}
    # Days are Vietnam days: 23:30 on the 14th is on the 14th, 00:30 on the 15th is not.
    assert pks(since="14/03/2025", until="14/03/2025") == {entries["a1"].pk}
    assert pks(since="15/03/2025", until="15/03/2025") == {entries["b1"].pk, entries["map"].pk}
    assert pks(target_type="clubs.club", target_id=world.club_b1.pk) == {entries["b1"].pk}


def test_past_the_listed_limit_clubs_and_users_are_chosen_by_links_still_within_scope(
    client, world, entries, province_staff, area_staff, monkeypatch
):
    """With more clubs or users than core.forms.LISTED_CHOICES_MAX the filters list none of them:
    the log's user names and a club's page link to the log filtered on them."""
    monkeypatch.setattr(core_forms, "LISTED_CHOICES_MAX", 0)
    client.force_login(province_staff)
    html = client.get(URL).content.decode()
    assert '<select name="club"' not in html and '<select name="actor"' not in html
    assert f'href="?actor={province_staff.pk}"' in html
    response = client.get(URL, {"actor": province_staff.pk, "club": world.club_a1.pk})
    assert shown(response) == {entries["a1"].pk}
    html = response.content.decode()
    assert f"<strong>{province_staff}</strong>" in html and f"<strong>{world.club_a1}</strong>" in html
    assert f'href="?club={world.club_a1.pk}"' in html  # all users again, the club kept
    client.force_login(area_staff)
    response = client.get(URL, {"club": world.club_b1.pk})
    assert "club" in response.context["filters"].errors
    assert shown(response) == set()


def test_reversed_dates_are_refused(client, entries, province_staff):
    client.force_login(province_staff)
    response = client.get(URL, {"since": "15/03/2025", "until": "14/03/2025"})
    assert "until" in response.context["filters"].errors
    assert shown(response) == set()


def test_search_without_accents_by_object_user_or_kind(client, entries, province_staff):
    client.force_login(province_staff)
    assert shown(client.get(URL, {"q": "binh hiep"})) == {entries["a1"].pk}
    assert shown(client.get(URL, {"q": "Bình Hiệp"})) == {entries["a1"].pk}
    assert shown(client.get(URL, {"q": "tinh"})) == {entries["a1"].pk}  # the user's name
    assert shown(client.get(URL, {"q": vi("administrative units loaded")})) == {entries["map"].pk}


def test_the_queries_do_not_grow_with_the_entries(client, world, province_staff, django_assert_num_queries):
    def make(count):
        for number in range(count):
            factories.AuditEntryFactory(
                actor=factories.UserFactory(),
                action="loans.loan.applied",
                target_type="loans.loan",
                target_id=str(number),
                club=world.club_a1 if number % 2 else world.club_b1,
                data={"amount": 5_000_000, "applied_on": "2025-03-01", "status": ["applied", "approved"]},
            )

    client.force_login(province_staff)
    make(2)
    # session, user, role assignments; the count of entries, the page of entries with their users
    # and clubs; the club and user choices of the filters.
    with django_assert_num_queries(7):
        assert len(client.get(URL).context["rows"]) == 2
    make(40)
    with django_assert_num_queries(7):
        assert len(client.get(URL).context["rows"]) == 42


def test_an_objects_history_links_to_the_log_filtered_on_it(client, world, area_staff, club_chair):
    club_page = reverse("clubs:club-detail", args=[world.club_a1.pk])
    link = f"{URL}?target_type=clubs.club&amp;target_id={world.club_a1.pk}"
    client.force_login(area_staff)
    page = client.get(club_page).content.decode()
    assert link in page
    assert f"{URL}?club={world.club_a1.pk}" in page
    client.force_login(club_chair)
    assert link not in client.get(club_page).content.decode()


def test_a_members_page_links_to_their_history(client, world, area_staff):
    person = factories.MembershipFactory(club=world.club_a1).person
    client.force_login(area_staff)
    page = client.get(reverse("members:member-detail", args=[person.pk])).content.decode()
    assert f"{URL}?target_type=members.person&amp;target_id={person.pk}" in page


def test_the_menu_offers_the_log_to_staff_only(client, world, area_staff, club_chair):
    client.force_login(area_staff)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(club_chair)
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


def test_the_entries_of_a_new_service_write_reach_the_log(client, world, area_staff):
    """End to end: a change made on a page is in the log of the area's staff, in words."""
    client.force_login(area_staff)
    client.post(
        reverse("clubs:club-status-change", args=[world.club_a1.pk]),
        {"kind": "suspended", "effective_on": "01/03/2025", "reason": "Tạm nghỉ mùa mưa"},
    )
    entry = AuditEntry.objects.get(action="clubs.club.suspended")
    assert entry.club_id == world.club_a1.pk
    page = client.get(URL).content.decode()
    assert capfirst(vi_html("club suspended")) in page
    assert "01/03/2025" in page
    assert "Tạm nghỉ mùa mưa" in page
