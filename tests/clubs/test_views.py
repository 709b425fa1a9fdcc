"""clubs/views.py: the club list, detail, registration, edit and status-change pages.

Status codes per persona are in tests/test_permission_matrix.py; these tests cover what the
pages show and what they write.
"""

import datetime

import pytest
from django import forms
from django.core.validators import MaxValueValidator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from audit.models import ACTION_LABELS, AuditEntry
from clubs.models import Club, ClubStatus, ClubStatusChange, StatusChangeKind
from clubs.services import register
from tests import factories
from tests.conftest import login
from tests.text import vi_html

LIST_URL = reverse("clubs:club-list")
CREATE_URL = reverse("clubs:club-create")
INVALID_CHOICE = forms.ModelChoiceField.default_error_messages["invalid_choice"]


def names_listed(response):
    return {club.name for club in response.context["page"].object_list}


def detail_url(club):
    return reverse("clubs:club-detail", args=[club.pk])


def update_url(club):
    return reverse("clubs:club-update", args=[club.pk])


def status_url(club):
    return reverse("clubs:club-status-change", args=[club.pk])


# --- list: search, filters, pagination, scope -------------------------------------------


@pytest.mark.parametrize("q", ["lien tri", "LIÊN TRÌ", "Liên Trì Tây", "  lien   TRI  "])
def test_list_search_is_accent_and_case_insensitive(client, world, province_staff, q):
    response = login(client, province_staff).get(LIST_URL, {"q": q})
    assert response.status_code == 200
    assert names_listed(response) == {"CLB Liên thế hệ thôn Liên Trì Tây"}
    assert "CLB Liên thế hệ thôn Liên Trì Tây" in response.content.decode()


@pytest.mark.parametrize("q", ["dong tam", "ĐỒNG TÂM", "đồng tâm", "Dong Tâm"])
def test_list_search_matches_d_and_dj(client, world, province_staff, q):
    factories.ClubFactory(unit=world.commune_a1, name="CLB Đồng Tâm")
    response = login(client, province_staff).get(LIST_URL, {"q": q})
    assert names_listed(response) == {"CLB Đồng Tâm"}


def test_list_search_needs_every_word(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"q": "lien ba vi"})
    assert names_listed(response) == {"CLB Liên thế hệ Ba Vì"}


def test_list_search_without_match_says_so(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"q": "không có"})
    assert names_listed(response) == set()
    assert vi_html("No club matches.") in response.content.decode()


def test_list_filters_by_district(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"district": world.district_a.pk})
    assert names_listed(response) == {world.club_a1.name, world.club_a2.name}


def test_list_filters_by_a_district_without_communes(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"district": world.district_l.pk})
    assert names_listed(response) == {world.club_l.name}


def test_list_filters_by_commune(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"commune": world.commune_a2.pk})
    assert names_listed(response) == {world.club_a2.name}


def test_list_commune_filter_wins_over_district(client, world, province_staff):
    response = login(client, province_staff).get(
        LIST_URL, {"district": world.district_a.pk, "commune": world.commune_a1.pk}
    )
    assert names_listed(response) == {world.club_a1.name}


def test_list_filters_by_status_decided(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"status": "decided"})
    assert names_listed(response) == {world.club_a2.name}


def test_list_filters_by_status_active(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"status": "active"})
    assert names_listed(response) == {world.club_a1.name, world.club_b1.name, world.club_l.name}


def test_list_status_is_as_of_today(client, world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_b1, effective_on=datetime.date(2025, 3, 15))
    factories.ClubStatusChangeFactory(club=world.club_l, effective_on=datetime.date(2025, 3, 16))
    client = login(client, province_staff)
    assert names_listed(client.get(LIST_URL, {"status": "suspended"})) == {world.club_b1.name}
    assert names_listed(client.get(LIST_URL, {"status": "active"})) == {world.club_a1.name, world.club_l.name}


def test_list_combines_search_and_filters(client, world, province_staff):
    response = login(client, province_staff).get(
        LIST_URL, {"q": "lien", "district": world.district_a.pk, "status": "active"}
    )
    assert names_listed(response) == {world.club_a1.name}


@pytest.mark.parametrize(
    "params",
    [{"commune": "999999"}, {"district": "abc"}, {"status": "nonsense"}, {"page": "nine"}, {"page": "999"}],
)
def test_list_invalid_filter_values_do_not_crash(client, world, province_staff, params):
    response = login(client, province_staff).get(LIST_URL, params)
    assert response.status_code == 200


def test_list_invalid_filter_value_shows_all_clubs_in_scope(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"commune": "999999"})
    assert len(names_listed(response)) == 4


def test_list_filter_cannot_select_a_unit_outside_scope(client, world, area_staff):
    """A crafted commune of district B is not a valid choice for district A's staff: no B club leaks."""
    response = login(client, area_staff).get(LIST_URL, {"commune": world.commune_b1.pk})
    assert response.status_code == 200
    assert names_listed(response) == {world.club_a1.name, world.club_a2.name}


def test_list_paginates_and_keeps_filters_in_links(client, world, province_staff, settings):
    settings.CLUBS_PER_PAGE = 5
    for number in range(10):
        factories.ClubFactory(unit=world.commune_a1, name=f"CLB Liên thế hệ số {number:02d}")
    # 12 clubs in district A, 2 elsewhere.
    params = {"q": "lien", "district": world.district_a.pk}
    response = login(client, province_staff).get(LIST_URL, {**params, "page": 2})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == 2
    assert page.paginator.count == 12
    assert page.paginator.num_pages == 3
    assert len(page.object_list) == 5
    html = response.content.decode()
    keep = f"q=lien&amp;district={world.district_a.pk}"
    assert f'href="?{keep}&amp;page=1"' in html
    assert f'href="?{keep}&amp;page=3"' in html
    # The page number itself is not repeated in the links.
    assert "page=2&amp;" not in html


def test_list_page_pages_are_disjoint(client, world, province_staff, settings):
    settings.CLUBS_PER_PAGE = 5
    for number in range(8):
        factories.ClubFactory(unit=world.commune_a1, name=f"CLB Liên thế hệ số {number:02d}")
    client = login(client, province_staff)
    seen = [names_listed(client.get(LIST_URL, {"page": page})) for page in (1, 2, 3)]
    assert [len(names) for names in seen] == [5, 5, 2]
    assert set.union(*seen) == set(Club.objects.values_list("name", flat=True))


def test_list_area_staff_sees_only_their_district(client, world, area_staff):
    response = login(client, area_staff).get(LIST_URL)
    assert names_listed(response) == {world.club_a1.name, world.club_a2.name}
    html = response.content.decode()
    assert world.club_b1.name not in html
    assert world.club_l.name not in html


def test_list_area_staff_district_dropdown_offers_only_their_units(client, world, area_staff):
    response = login(client, area_staff).get(LIST_URL)
    filters = response.context["filters"]
    assert list(filters.fields["district"].queryset) == [world.district_a]
    assert set(filters.fields["commune"].queryset) == {world.commune_a1, world.commune_a2}


def test_list_club_chair_sees_only_their_club(client, world, club_chair):
    response = login(client, club_chair).get(LIST_URL)
    assert names_listed(response) == {world.club_a1.name}
    assert response.context["can_create"] is False
    assert CREATE_URL not in response.content.decode()


def test_list_staff_get_the_register_button(client, world, area_staff):
    response = login(client, area_staff).get(LIST_URL)
    assert response.context["can_create"] is True
    assert f'href="{CREATE_URL}"' in response.content.decode()


# --- query counts: they do not grow with the number of clubs -----------------------------


def more_data(world):
    """20 more clubs spread over old and new communes, and one status change."""
    new_communes = [
        factories.commune(world.district_a, scheme=world.province.scheme, code="90103", name="Xã Mới Một"),
        factories.commune(world.district_b, scheme=world.province.scheme, code="90202", name="Xã Mới Hai"),
    ]
    units = [world.commune_a1, world.commune_a2, world.commune_b1, world.district_l, *new_communes]
    clubs = [factories.ClubFactory(unit=units[number % len(units)]) for number in range(20)]
    factories.ClubStatusChangeFactory(club=clubs[0], effective_on=datetime.date(2024, 6, 1))
    factories.ClubStatusChangeFactory(club=world.club_a1, effective_on=datetime.date(2024, 6, 1))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow(client, world, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    before = count_queries(client, LIST_URL)
    more_data(world)
    assert count_queries(client, LIST_URL) == before
    # 1 session, 2 user, 3 role assignments in force, 4 the map in force today (where each club is
    # shown), 5 district options, 6 commune options, 7 count of clubs for the paginator, 8 the page
    # of clubs with unit, parent, status and unit on today's map.
    with django_assert_num_queries(8):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 24


def test_list_query_count_with_filters_does_not_grow(client, world, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    params = {"q": "lien", "district": world.district_a.pk, "status": "active"}
    url = f"{LIST_URL}?q=lien&district={world.district_a.pk}&status=active"
    before = count_queries(client, url)
    more_data(world)
    assert count_queries(client, url) == before
    # 1 session, 2 user, 3 role assignments, 4 district choice validated, 5 the map in force today,
    # 6 district options, 7 commune options, 8 count, 9 page rows.
    with django_assert_num_queries(9):
        client.get(LIST_URL, params)


def test_unit_tree_query_count_does_not_grow(client, world, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    url = reverse("areas:unit-tree")
    before = count_queries(client, url)
    more_data(world)
    assert count_queries(client, url) == before
    # 1 session, 2 user, 3 role assignments, 4 schemes with whether their units are loaded (the
    # default and the maps' links), 5 units in scope, 6 club counts grouped by unit and status,
    # 7 the lineage of the map's units.
    with django_assert_num_queries(7):
        client.get(url)


# --- detail -------------------------------------------------------------------------------


def test_detail_shows_the_register_entry(client, world, province_staff):
    club = world.club_a1
    club.hamlets = ["Thôn Liên Trì Tây", "Thôn Liên Trì Đông"]
    club.decision_number = "15/QĐ-UBND"
    club.meeting_day = 20
    club.save()
    response = login(client, province_staff).get(detail_url(club))
    assert response.status_code == 200
    html = response.content.decode()
    assert club.name in html
    assert club.code in html
    assert "Xã Bình Hiệp, Huyện Đồng Bằng" in html
    assert "<li>Thôn Liên Trì Tây</li>" in html
    assert "<li>Thôn Liên Trì Đông</li>" in html
    assert "15/QĐ-UBND, 01/03/2022" in html
    assert "15/04/2022" in html
    assert vi_html(ClubStatus.ACTIVE.label) in html
    assert ">20<" in html


def test_detail_of_a_club_not_launched(client, world, province_staff):
    response = login(client, province_staff).get(detail_url(world.club_a2))
    html = response.content.decode()
    assert vi_html(ClubStatus.DECIDED.label) in html
    assert vi_html("not launched yet") in html


def test_detail_of_a_club_in_a_district_without_communes(client, world, province_staff):
    response = login(client, province_staff).get(detail_url(world.club_l))
    html = response.content.decode()
    assert "Huyện Lý Sơn" in html
    assert "Huyện Lý Sơn, Tỉnh Quảng Ngãi" not in html


@pytest.mark.parametrize("persona", ["province_staff", "area_staff", "admin_user"])
def test_detail_offers_edit_and_status_change_to_staff_in_scope(client, world, persona, request):
    response = login(client, request.getfixturevalue(persona)).get(detail_url(world.club_a1))
    html = response.content.decode()
    assert f'href="{update_url(world.club_a1)}"' in html
    assert f'href="{status_url(world.club_a1)}"' in html


def test_detail_hides_edit_and_status_change_from_the_club_board(client, world, club_chair):
    response = login(client, club_chair).get(detail_url(world.club_a1))
    assert response.status_code == 200
    html = response.content.decode()
    assert update_url(world.club_a1) not in html
    assert status_url(world.club_a1) not in html


def test_detail_hides_the_change_history_from_the_club_board(client, world, club_chair, area_staff):
    login(client, area_staff).post(update_url(world.club_a1), form_data(world.club_a1, notes="Ghi chú"))
    with translation.override("vi"):
        label = str(ACTION_LABELS["clubs.club.updated"])
    response = login(client, club_chair).get(detail_url(world.club_a1))
    assert label not in response.content.decode()
    response = login(client, area_staff).get(detail_url(world.club_a1))
    assert label in response.content.decode()


# --- create --------------------------------------------------------------------------------


def valid_create(world, **overrides):
    data = {
        "name": "CLB Liên thế hệ thôn Mới",
        "unit": world.commune_a1.pk,
        "hamlets": "Thôn A\nThôn B",
        "decision_number": "7/QĐ-UBND",
        "decision_date": "03/04/2024",
        "decision_issuer": "UBND xã Bình Hiệp",
        "launch_date": "20/04/2024",
        "meeting_day": "5",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_create_registers_a_club(client, world, province_staff, settings):
    response = login(client, province_staff).post(CREATE_URL, valid_create(world))
    club = Club.objects.get(name="CLB Liên thế hệ thôn Mới")
    assert response.status_code == 302
    assert response.url == detail_url(club)
    assert club.unit == world.commune_a1
    assert club.hamlets == ["Thôn A", "Thôn B"]
    assert club.decision_date == datetime.date(2024, 4, 3)
    assert club.launch_date == datetime.date(2024, 4, 20)
    assert club.meeting_day == 5
    assert club.decision_number == "7/QĐ-UBND"
    assert club.code == f"{settings.CLUB_CODE_PREFIX}-0001"
    entry = AuditEntry.objects.get(action="clubs.club.created")
    assert entry.actor == province_staff
    assert entry.target_id == str(club.pk)


def test_create_confirms_with_the_code(client, world, province_staff, settings):
    response = login(client, province_staff).post(CREATE_URL, valid_create(world), follow=True)
    assert response.status_code == 200
    with translation.override("vi"):
        expected = translation.gettext("Club %(name)s registered with code %(code)s.") % {
            "name": "CLB Liên thế hệ thôn Mới",
            "code": f"{settings.CLUB_CODE_PREFIX}-0001",
        }
    assert [str(message) for message in response.context["messages"]] == [expected]


def test_create_accepts_a_district_without_communes(client, world, province_staff):
    response = login(client, province_staff).post(CREATE_URL, valid_create(world, unit=world.district_l.pk))
    assert response.status_code == 302
    assert Club.objects.get(name="CLB Liên thế hệ thôn Mới").unit == world.district_l


def test_create_accepts_only_the_required_fields(client, world, province_staff):
    # Without a decision date, a unit in force today.
    unit = factories.commune(world.district_b, scheme=world.province.scheme, valid_until=None)
    data = {"name": "CLB Tối Thiểu", "unit": unit.pk}
    response = login(client, province_staff).post(CREATE_URL, data)
    assert response.status_code == 302
    club = Club.objects.get(name="CLB Tối Thiểu")
    assert club.hamlets == []
    assert club.decision_date is None
    assert club.meeting_day is None


def test_create_form_offers_only_club_hosts_in_scope(client, world, area_staff):
    response = login(client, area_staff).get(CREATE_URL)
    units = set(response.context["form"].fields["unit"].queryset)
    assert units == {world.commune_a1, world.commune_a2}


@pytest.mark.parametrize(
    ("overrides", "field", "message", "params"),
    [
        ({"decision_date": "16/03/2025", "launch_date": ""}, "decision_date", register.ERROR_DATE_IN_FUTURE, {}),
        ({"launch_date": "16/03/2025"}, "launch_date", register.ERROR_DATE_IN_FUTURE, {}),
        ({"launch_date": "02/04/2024"}, "launch_date", register.ERROR_LAUNCH_BEFORE_DECISION, {}),
        # A district with communes is not among the form's choices, so the form refuses it
        # before register.ERROR_UNIT_HAS_COMMUNES could.
        ({"unit": "district_a"}, "unit", INVALID_CHOICE, {}),
        ({"meeting_day": "32"}, "meeting_day", MaxValueValidator.message, {"limit_value": 31}),
        (
            {"decision_date": "15/01/2020", "launch_date": ""},
            "unit",
            register.ERROR_UNIT_NOT_IN_FORCE,
            {"unit": "Xã Bình Hiệp", "date": "15/01/2020"},
        ),
        (
            {"name": "clb lien the he thon lien tri tay"},
            "name",
            register.ERROR_DUPLICATE_NAME,
            {"unit": "Xã Bình Hiệp"},
        ),
    ],
    ids=[
        "decision-in-future",
        "launch-in-future",
        "launch-before-decision",
        "district-with-communes",
        "day-32",
        "unit-not-in-force",
        "duplicate-name",
    ],
)
def test_create_refuses_invalid_input(client, world, province_staff, overrides, field, message, params):
    overrides = {key: getattr(world, value).pk if value == "district_a" else value for key, value in overrides.items()}
    clubs_before = Club.objects.count()
    response = login(client, province_staff).post(CREATE_URL, valid_create(world, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert vi_html(message, **params) in response.content.decode()
    assert Club.objects.count() == clubs_before
    assert not AuditEntry.objects.exists()


def test_create_reads_dates_day_first(client, world, province_staff):
    """Day first, 03/04/2024 and 10/03/2024 are 3 April and 10 March: the launch precedes the
    decision. Read month first (4 March, 3 October) they would be accepted."""
    response = login(client, province_staff).post(
        CREATE_URL, valid_create(world, decision_date="03/04/2024", launch_date="10/03/2024")
    )
    assert response.status_code == 200
    assert "launch_date" in response.context["form"].errors
    assert not Club.objects.filter(name="CLB Liên thế hệ thôn Mới").exists()


def test_create_refuses_a_badly_typed_date(client, world, province_staff):
    response = login(client, province_staff).post(CREATE_URL, valid_create(world, decision_date="2024/31/12"))
    assert response.status_code == 200
    assert vi_html("Enter a date as dd/mm/yyyy, for example 24/11/2022.") in response.content.decode()
    assert not Club.objects.filter(name="CLB Liên thế hệ thôn Mới").exists()


def test_create_unit_outside_scope_is_refused(client, world, area_staff):
    """A crafted POST with a commune of district B is an invalid choice for district A's staff."""
    clubs_before = Club.objects.count()
    response = login(client, area_staff).post(CREATE_URL, valid_create(world, unit=world.commune_b1.pk))
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert vi_html(INVALID_CHOICE) in response.content.decode()
    assert Club.objects.count() == clubs_before


def test_create_by_club_chair_is_forbidden(client, world, club_chair):
    clubs_before = Club.objects.count()
    response = login(client, club_chair).post(CREATE_URL, valid_create(world))
    assert response.status_code == 403
    assert Club.objects.count() == clubs_before


# --- update ---------------------------------------------------------------------------------


def form_data(club, **overrides):
    data = {
        "name": club.name,
        "unit": club.unit_id,
        "hamlets": "\n".join(club.hamlets),
        "decision_number": club.decision_number,
        "decision_date": club.decision_date.strftime("%d/%m/%Y") if club.decision_date else "",
        "decision_issuer": club.decision_issuer,
        "launch_date": club.launch_date.strftime("%d/%m/%Y") if club.launch_date else "",
        "meeting_day": club.meeting_day or "",
        "notes": club.notes,
    }
    data.update(overrides)
    return data


def test_update_form_is_filled_with_the_club(client, world, area_staff):
    response = login(client, area_staff).get(update_url(world.club_a1))
    html = response.content.decode()
    assert f'value="{world.club_a1.name}"' in html
    assert 'value="01/03/2022"' in html
    assert 'value="15/04/2022"' in html


def test_update_saves_and_confirms(client, world, area_staff):
    club = world.club_a1
    data = form_data(club, name="CLB Liên thế hệ thôn Liên Trì Đông")
    response = login(client, area_staff).post(update_url(club), data)
    assert response.status_code == 302
    assert response.url == detail_url(club)
    club.refresh_from_db()
    assert club.name == "CLB Liên thế hệ thôn Liên Trì Đông"
    assert club.name_folded == "clb lien the he thon lien tri dong"
    entry = AuditEntry.objects.get(action="clubs.club.updated")
    assert entry.actor == area_staff
    assert "name" in entry.data

    response = client.get(response.url)
    with translation.override("vi"):
        expected = translation.gettext("Changes to %(name)s saved.") % {"name": "CLB Liên thế hệ thôn Liên Trì Đông"}
    assert [str(message) for message in response.context["messages"]] == [expected]


def test_update_without_changes_writes_no_audit_entry(client, world, area_staff):
    response = login(client, area_staff).post(update_url(world.club_a1), form_data(world.club_a1))
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_update_sets_whether_the_club_records_attendance(client, world, area_staff):
    club = world.club_a1
    client = login(client, area_staff)
    assert client.post(update_url(club), form_data(club, records_attendance="on")).status_code == 302
    club.refresh_from_db()
    assert club.records_attendance
    assert AuditEntry.objects.get(action="clubs.club.updated").data == {"records_attendance": [False, True]}
    assert 'data-testid="records-attendance">' + vi_html("Yes") in client.get(detail_url(club)).content.decode()
    # An unticked box turns it off again.
    assert client.post(update_url(club), form_data(club)).status_code == 302
    club.refresh_from_db()
    assert not club.records_attendance


def test_update_refuses_a_duplicate_name(client, world, area_staff):
    factories.ClubFactory(unit=world.commune_a1, name="CLB Đồng Tâm")
    response = login(client, area_staff).post(update_url(world.club_a1), form_data(world.club_a1, name="clb dong tam"))
    assert response.status_code == 200
    assert vi_html(register.ERROR_DUPLICATE_NAME, unit="Xã Bình Hiệp") in response.content.decode()
    world.club_a1.refresh_from_db()
    assert world.club_a1.name == "CLB Liên thế hệ thôn Liên Trì Tây"


def test_update_refuses_a_launch_after_the_first_status_change(client, world, area_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, effective_on=datetime.date(2024, 6, 1))
    response = login(client, area_staff).post(
        update_url(world.club_a1), form_data(world.club_a1, launch_date="01/07/2024")
    )
    assert response.status_code == 200
    assert vi_html(register.ERROR_LAUNCH_AFTER_CHANGE, date="01/06/2024") in response.content.decode()
    world.club_a1.refresh_from_db()
    assert world.club_a1.launch_date == datetime.date(2022, 4, 15)


def test_update_cannot_move_a_club_out_of_scope(client, world, area_staff):
    response = login(client, area_staff).post(
        update_url(world.club_a1), form_data(world.club_a1, unit=world.commune_b1.pk)
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    world.club_a1.refresh_from_db()
    assert world.club_a1.unit == world.commune_a1


def test_update_by_staff_out_of_scope_is_not_found(client, world, other_area_staff):
    response = login(client, other_area_staff).post(
        update_url(world.club_a1), form_data(world.club_a1, name="CLB Bị Sửa")
    )
    assert response.status_code == 404
    world.club_a1.refresh_from_db()
    assert world.club_a1.name == "CLB Liên thế hệ thôn Liên Trì Tây"
    assert not AuditEntry.objects.exists()


def test_update_by_club_chair_is_forbidden(client, world, club_chair):
    response = login(client, club_chair).post(update_url(world.club_a1), form_data(world.club_a1, name="CLB Bị Sửa"))
    assert response.status_code == 403
    world.club_a1.refresh_from_db()
    assert world.club_a1.name == "CLB Liên thế hệ thôn Liên Trì Tây"


# --- status change ----------------------------------------------------------------------------


SUSPEND = {"kind": "suspended", "effective_on": "01/03/2025", "reason": "Ban chủ nhiệm chuyển đi"}


def test_status_change_suspends_and_shows_in_the_history(client, world, area_staff):
    club = world.club_a1
    response = login(client, area_staff).post(status_url(club), SUSPEND)
    assert response.status_code == 302
    assert response.url == detail_url(club)
    change = ClubStatusChange.objects.get(club=club)
    assert change.kind == StatusChangeKind.SUSPENDED
    assert change.effective_on == datetime.date(2025, 3, 1)
    assert change.created_by == area_staff
    assert AuditEntry.objects.filter(action="clubs.club.suspended", target_id=str(club.pk)).count() == 1

    response = client.get(response.url)
    html = response.content.decode()
    assert response.context["club"].status == ClubStatus.SUSPENDED
    assert vi_html(ClubStatus.SUSPENDED.label) in html
    assert "<strong>01/03/2025</strong>" in html
    assert "Ban chủ nhiệm chuyển đi" in html
    assert str(area_staff) in html
    with translation.override("vi"):
        expected = translation.gettext("%(name)s: %(change)s from %(date)s.") % {
            "name": club.name,
            "change": str(StatusChangeKind.SUSPENDED.label),
            "date": "01/03/2025",
        }
    assert [str(message) for message in response.context["messages"]] == [expected]


def test_status_change_twice_is_refused(client, world, area_staff):
    client = login(client, area_staff)
    client.post(status_url(world.club_a1), SUSPEND)
    response = client.post(status_url(world.club_a1), SUSPEND)
    assert response.status_code == 200
    expected = vi_html(
        register.ERROR_CHANGE_NOT_ALLOWED,
        status=ClubStatus.SUSPENDED.label,
        date="01/03/2025",
        change=StatusChangeKind.SUSPENDED.label,
    )
    assert expected in response.content.decode()
    assert ClubStatusChange.objects.filter(club=world.club_a1).count() == 1


def test_status_change_in_the_future_is_refused(client, world, area_staff):
    response = login(client, area_staff).post(status_url(world.club_a1), {**SUSPEND, "effective_on": "16/03/2025"})
    assert response.status_code == 200
    assert "effective_on" in response.context["form"].errors
    assert vi_html(register.ERROR_CHANGE_IN_FUTURE) in response.content.decode()
    assert not ClubStatusChange.objects.exists()


def test_status_change_today_is_accepted(client, world, area_staff):
    """Today in Vietnam time (15/03/2025, 23:30) is not "in the future"."""
    response = login(client, area_staff).post(status_url(world.club_a1), {**SUSPEND, "effective_on": "15/03/2025"})
    assert response.status_code == 302
    assert ClubStatusChange.objects.get().effective_on == datetime.date(2025, 3, 15)


def test_status_change_needs_a_reason(client, world, area_staff):
    response = login(client, area_staff).post(status_url(world.club_a1), {**SUSPEND, "reason": "   "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not ClubStatusChange.objects.exists()


def test_status_change_of_a_club_not_launched_cannot_suspend(client, world, area_staff):
    response = login(client, area_staff).post(status_url(world.club_a2), SUSPEND)
    assert response.status_code == 200
    expected = vi_html(
        register.ERROR_CHANGE_NOT_ALLOWED,
        status=ClubStatus.DECIDED.label,
        date="01/03/2025",
        change=StatusChangeKind.SUSPENDED.label,
    )
    assert expected in response.content.decode()


def test_status_change_resume_after_suspension(client, world, area_staff):
    client = login(client, area_staff)
    client.post(status_url(world.club_a1), SUSPEND)
    response = client.post(
        status_url(world.club_a1), {"kind": "resumed", "effective_on": "10/03/2025", "reason": "Sinh hoạt lại"}
    )
    assert response.status_code == 302
    response = client.get(detail_url(world.club_a1))
    assert response.context["club"].status == ClubStatus.ACTIVE


def test_status_change_earlier_than_the_last_is_refused(client, world, area_staff):
    client = login(client, area_staff)
    client.post(status_url(world.club_a1), SUSPEND)
    response = client.post(
        status_url(world.club_a1), {"kind": "resumed", "effective_on": "28/02/2025", "reason": "Sinh hoạt lại"}
    )
    assert response.status_code == 200
    assert vi_html(register.ERROR_CHANGE_BEFORE_LAST, date="01/03/2025") in response.content.decode()
    assert ClubStatusChange.objects.filter(club=world.club_a1).count() == 1


def test_status_change_dissolves_a_club_not_launched(client, world, area_staff):
    response = login(client, area_staff).post(
        status_url(world.club_a2), {"kind": "dissolved", "effective_on": "01/03/2025", "reason": "Không triển khai"}
    )
    assert response.status_code == 302
    response = client.get(detail_url(world.club_a2))
    assert response.context["club"].status == ClubStatus.DISSOLVED
    assert vi_html(ClubStatus.DISSOLVED.label) in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_status_change_by_club_chair_is_forbidden(client, world, club_chair, method):
    response = getattr(login(client, club_chair), method)(status_url(world.club_a1), SUSPEND)
    assert response.status_code == 403
    assert not ClubStatusChange.objects.exists()


def test_status_change_by_staff_out_of_scope_is_not_found(client, world, other_area_staff):
    response = login(client, other_area_staff).post(status_url(world.club_a1), SUSPEND)
    assert response.status_code == 404
    assert not ClubStatusChange.objects.exists()


def test_large_ids_in_links_are_not_grouped_like_numbers(client, world, province_staff):
    """Vietnamese number formatting must never reach URLs: /clubs/2147/, not /clubs/2.147/."""
    commune = factories.commune(world.district_a, pk=3148, scheme=world.district_a.scheme, name="Xã Số Lớn")
    club = factories.ClubFactory(pk=2147, unit=commune, name="CLB Số Lớn")
    html = login(client, province_staff).get(reverse("clubs:club-list")).content.decode()
    assert f'href="/clubs/{club.pk}/"' in html
    tree = client.get(reverse("areas:unit-tree")).content.decode()
    assert "?commune=3148" in tree
    assert "2.147" not in html and "3.148" not in tree


def test_detail_history_reads_as_words_not_codes(client, world, province_staff):
    register.club_update(club=world.club_a1, actor=province_staff, meeting_day=9)
    html = login(client, province_staff).get(reverse("clubs:club-detail", args=[world.club_a1.pk])).content.decode()
    with translation.override("vi"):
        assert str(ACTION_LABELS["clubs.club.updated"]) in html
    assert "clubs.club.updated" not in html


def test_list_offers_downloads_of_what_it_shows_and_import_to_staff(client, world, province_staff, club_chair):
    html = login(client, province_staff).get(reverse("clubs:club-list"), {"q": "lien", "status": "active"}).content
    html = html.decode()
    xlsx, csv = (reverse("exports:download", args=["clubs", export_format]) for export_format in ("xlsx", "csv"))
    assert f"{xlsx}?q=lien&amp;status=active" in html
    assert f"{csv}?q=lien&amp;status=active" in html
    assert reverse("spreadsheets:club-import") in html
    chair_html = login(client, club_chair).get(reverse("clubs:club-list")).content.decode()
    assert f'href="{xlsx}"' in chair_html
    assert reverse("spreadsheets:club-import") not in chair_html


def test_the_board_main_actions_are_at_the_top_of_the_club_page(client, world, club_chair):
    club = world.club_a1
    html = login(client, club_chair).get(detail_url(club)).content.decode()
    actions = html.split('data-testid="club-main-actions"')[1].split("</div>")[0]
    for name, args in [
        ("activities:club-reports", [club.pk]),
        ("members:member-create", [club.pk]),
        ("loans:collection-sheet", [club.pk, 2025, 3]),
        ("funds:contributions-sheet", [club.pk, 2025, 3]),
    ]:
        assert reverse(name, args=args) in actions
    assert html.index('data-testid="club-main-actions"') < html.index(vi_html("Commune"))


def test_staff_see_the_actions_they_may_take_at_the_top(client, world, area_staff):
    html = login(client, area_staff).get(detail_url(world.club_a1)).content.decode()
    actions = html.split('data-testid="club-main-actions"')[1].split("</div>")[0]
    assert reverse("activities:club-reports", args=[world.club_a1.pk]) in actions
    # The club keeps its books.
    assert reverse("funds:contributions-sheet", args=[world.club_a1.pk, 2025, 3]) not in actions
