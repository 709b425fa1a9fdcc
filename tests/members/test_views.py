"""members/views.py: the member list, a member's page, add, edit, economic status, leave and move.

Status codes per persona for plain GETs are in tests/url_access/members.py; these tests cover
what the pages show and write, and that crafted URLs and POSTs never reach another club's members.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from clubs.models import Club
from core import forms as core_forms
from core.dates import ERROR_NO_SUCH_DAY
from members import forms as member_forms
from members import selectors, services
from members.models import EconomicStatus, HouseholdStatus, LeaveReason, Membership, Person, Sex
from tests import factories
from tests.conftest import TODAY, login
from tests.text import vi, vi_html

D = datetime.date
LIST_URL = reverse("members:member-list")


JOINED = D(2022, 5, 1)


def member(club, full_name="Nguyễn Thị Thử", *, joined_on=JOINED, **person):
    return factories.MembershipFactory(
        club=club, joined_on=joined_on, person=factories.PersonFactory(full_name=full_name, **person)
    )


def names_listed(response):
    return [row.person.full_name for row in response.context["page"].object_list]


def detail_url(person):
    return reverse("members:member-detail", args=[person.pk])


def create_url(club):
    return reverse("members:member-create", args=[club.pk])


def url(name, person):
    return reverse(f"members:member-{name}", args=[person.pk])


def join_data(**overrides):
    data = {
        "full_name": "Nguyễn Thị Đào",
        "sex": Sex.FEMALE,
        "birth_date": "",
        "birth_year": "1950",
        "hamlet": "Thôn Liên Trì Tây",
        "phone": "",
        "citizen_id": "",
        "economic_status": EconomicStatus.POOR,
        "status_from": "",
        "joined_on": "10/01/2023",
        "notes": "",
    }
    data.update(overrides)
    return data


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- list: scope ------------------------------------------------------------------------------


def test_list_shows_current_members_of_the_users_clubs(client, world, area_staff):
    member(world.club_a1, "Nguyễn Văn Một")
    member(world.club_a2, "Trần Thị Hai")
    member(world.club_b1, "Lê Văn Ba")
    former = member(world.club_a1, "Phạm Thị Bốn")
    former.left_on, former.leave_reason = D(2024, 1, 1), LeaveReason.WITHDREW
    former.save()
    response = login(client, area_staff).get(LIST_URL)
    assert response.status_code == 200
    assert set(names_listed(response)) == {"Nguyễn Văn Một", "Trần Thị Hai"}
    html = response.content.decode()
    assert "Lê Văn Ba" not in html
    assert "Phạm Thị Bốn" not in html


def test_list_club_chair_sees_only_their_club(client, world, club_chair):
    member(world.club_a1, "Nguyễn Văn Một")
    member(world.club_a2, "Trần Thị Hai")
    response = login(client, club_chair).get(LIST_URL)
    assert names_listed(response) == ["Nguyễn Văn Một"]
    assert [pk for pk, _name in response.context["filters"].fields["club"].choices[1:]] == [world.club_a1.pk]
    # One club: no club column, and the button adds to that club.
    assert response.context["show_club"] is False
    assert f'href="{create_url(world.club_a1)}"' in response.content.decode()


def test_list_crafted_club_outside_scope_lists_nobody(client, world, club_chair):
    member(world.club_a1, "Nguyễn Văn Một")
    member(world.club_b1, "Lê Văn Ba")
    response = login(client, club_chair).get(LIST_URL, {"club": world.club_b1.pk})
    assert response.status_code == 200
    assert names_listed(response) == []
    assert "club" in response.context["filters"].errors
    html = response.content.decode()
    assert "Lê Văn Ba" not in html
    assert "Nguyễn Văn Một" not in html


def test_list_filter_by_club(client, world, province_staff):
    member(world.club_a1, "Nguyễn Văn Một")
    member(world.club_b1, "Lê Văn Ba")
    client = login(client, province_staff)
    response = client.get(LIST_URL)
    assert set(names_listed(response)) == {"Nguyễn Văn Một", "Lê Văn Ba"}
    assert response.context["show_club"] is True
    response = client.get(LIST_URL, {"club": world.club_b1.pk})
    assert names_listed(response) == ["Lê Văn Ba"]
    assert response.context["show_club"] is False
    assert response.context["add_to_club"] == world.club_b1.pk


def test_list_with_more_clubs_than_listed_keeps_the_club_filter_without_listing_them(
    client, world, province_staff, monkeypatch
):
    """Past core.forms.LISTED_CHOICES_MAX clubs (the country's thousands) the club filter is not a
    list of every club: it is set by a club page's link, named with a link back to all clubs, and a
    club out of the scope still selects nobody."""
    monkeypatch.setattr(core_forms, "LISTED_CHOICES_MAX", 2)
    member(world.club_a1, "Nguyễn Văn Một")
    member(world.club_b1, "Lê Văn Ba")
    client = login(client, province_staff)
    html = client.get(LIST_URL).content.decode()
    assert '<select name="club"' not in html
    assert f'<option value="{world.club_b1.pk}"' not in html
    assert vi("To see one club's members, open the club from the club list.") in html

    response = client.get(LIST_URL, {"club": world.club_b1.pk, "q": "le"})
    assert names_listed(response) == ["Lê Văn Ba"]
    html = response.content.decode()
    assert f'<input type="hidden" name="club" value="{world.club_b1.pk}"' in html
    assert f"<strong>{world.club_b1.name}</strong>" in html
    assert 'href="?q=le"' in html  # all clubs again, the search kept

    response = client.get(LIST_URL, {"club": world.club_b1.pk + 1000})
    assert names_listed(response) == []
    assert "club" in response.context["filters"].errors


def test_list_club_filter_reads_at_most_one_club_past_the_limit(client, world, province_staff, monkeypatch):
    monkeypatch.setattr(core_forms, "LISTED_CHOICES_MAX", 2)
    client = login(client, province_staff)
    for _ in range(3):
        factories.ClubFactory(unit=world.club_a1.unit)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL)
    for _ in range(20):
        factories.ClubFactory(unit=world.club_a1.unit)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST_URL)
    assert len(many) == len(few)
    assert response.context["filters"].fields["club"].listed is False
    clubs_read = [q["sql"] for q in many.captured_queries if 'FROM "clubs_club"' in q["sql"] and "LIMIT 3" in q["sql"]]
    assert len(clubs_read) == 1, "the club filter reads at most LISTED_CHOICES_MAX + 1 clubs"


# --- list: search, sort, filters, pages ---------------------------------------------------------


@pytest.mark.parametrize("q", ["nguyen thi", "NGUYỄN THỊ", "Nguyễn thị", "  nguyen   THI "])
def test_list_search_is_accent_and_case_insensitive(client, world, province_staff, q):
    member(world.club_a1, "Nguyễn Thị Đào")
    member(world.club_a1, "Nguyễn Văn Nam")
    member(world.club_b1, "Trần Thị Hoa")
    response = login(client, province_staff).get(LIST_URL, {"q": q})
    assert names_listed(response) == ["Nguyễn Thị Đào"]


@pytest.mark.parametrize("q", ["dao", "Đào", "đao", "DAO"])
def test_list_search_matches_d_and_dj(client, world, province_staff, q):
    member(world.club_a1, "Nguyễn Thị Đào")
    member(world.club_a1, "Nguyễn Thị Hoa")
    response = login(client, province_staff).get(LIST_URL, {"q": q})
    assert names_listed(response) == ["Nguyễn Thị Đào"]


def test_list_sorted_by_given_name(client, world, province_staff):
    member(world.club_a1, "Nguyễn Thị Bình")
    member(world.club_b1, "Trần Văn An")
    member(world.club_a1, "Lê Thị Đào")
    member(world.club_a1, "Anh Văn Cường")
    member(world.club_a1, "Bùi Văn An")
    response = login(client, province_staff).get(LIST_URL)
    # Given name first (An, Bình, Cường, Đào = dao), then the full name.
    assert names_listed(response) == ["Bùi Văn An", "Trần Văn An", "Nguyễn Thị Bình", "Anh Văn Cường", "Lê Thị Đào"]


def test_a_search_page_is_in_name_order_whichever_way_the_database_reads_it(client, world, province_staff):
    """A search with few matches is sorted after it is found (members.selectors.search_page_order):
    the same rows in the same order as read along the name index, which many matches still are."""
    for name in ["Trần Thị Lan", "Nguyễn Văn Lâm", "Lê Thị Lan", "Phạm Thị Hoa", "Đỗ Lan Anh"]:
        member(world.club_a1, name)
    rows = member_forms.MemberFilterForm({"q": "lan"}, clubs=Club.objects.all()).rows(
        clubs=Club.objects.all(), on=TODAY
    )
    sorted_after = selectors.search_page_order(rows, 3)
    assert isinstance(sorted_after.query.order_by[0], Concat)  # no index gives this order: sorted after
    assert [row.pk for row in sorted_after] == [row.pk for row in rows]
    assert selectors.search_page_order(rows, selectors.SORTED_AFTER_SEARCH_UP_TO + 1) is rows
    response = login(client, province_staff).get(LIST_URL, {"q": "lan"})
    assert names_listed(response) == ["Đỗ Lan Anh", "Lê Thị Lan", "Trần Thị Lan"]


def test_list_filter_by_sex(client, world, province_staff):
    member(world.club_a1, "Nguyễn Thị Hoa", sex=Sex.FEMALE)
    member(world.club_a1, "Nguyễn Văn Nam", sex=Sex.MALE)
    response = login(client, province_staff).get(LIST_URL, {"sex": Sex.MALE})
    assert names_listed(response) == ["Nguyễn Văn Nam"]


def test_list_filter_by_age_group_computed_today(client, world, province_staff, settings):
    settings.OLDER_PERSON_AGE = 60
    member(world.club_a1, "Người Sáu Mươi", birth_date=D(1965, 3, 15), birth_year=1965)  # 60 today
    member(world.club_a1, "Người Năm Chín", birth_date=D(1965, 3, 16), birth_year=1965)  # 60 tomorrow
    member(world.club_a1, "Người Năm Sinh", birth_year=1965)  # only the year: counts from 1 January
    member(world.club_a1, "Người Trẻ", birth_year=1990)
    client = login(client, province_staff)
    older = client.get(LIST_URL, {"age_group": "older"})
    assert set(names_listed(older)) == {"Người Sáu Mươi", "Người Năm Sinh"}
    younger = client.get(LIST_URL, {"age_group": "younger"})
    assert set(names_listed(younger)) == {"Người Năm Chín", "Người Trẻ"}
    ages = {row.membership.person.full_name: (row.age, row.membership.age_group) for row in older.context["rows"]}
    assert ages == {"Người Sáu Mươi": (60, "older"), "Người Năm Sinh": (60, "older")}


def test_list_filter_by_economic_status_valid_today(client, world, province_staff):
    poor_then_near = member(world.club_a1, "Nguyễn Văn Một").person
    factories.HouseholdStatusFactory(person=poor_then_near, status=EconomicStatus.POOR, valid_from=D(2023, 1, 1))
    factories.HouseholdStatusFactory(person=poor_then_near, status=EconomicStatus.NEAR_POOR, valid_from=D(2025, 1, 1))
    poor = member(world.club_a1, "Trần Thị Hai").person
    factories.HouseholdStatusFactory(person=poor, status=EconomicStatus.POOR, valid_from=D(2024, 1, 1))
    client = login(client, province_staff)
    assert names_listed(client.get(LIST_URL, {"economic_status": "poor"})) == ["Trần Thị Hai"]
    response = client.get(LIST_URL, {"economic_status": "near_poor"})
    assert names_listed(response) == ["Nguyễn Văn Một"]
    assert vi_html("near-poor household") in response.content.decode()


def test_the_third_economic_status_says_what_it_means(client, world, province_staff):
    """A household that is not poor or near-poor is not thereby well-off: the label says only the first."""
    html = login(client, province_staff).get(LIST_URL).content.decode()
    assert f'<option value="other">{vi_html("neither poor nor near-poor")}</option>' in html
    assert "khá giả" not in html and "better-off" not in html


def test_list_membership_state_filter(client, world, area_staff):
    member(world.club_a1, "Nguyễn Văn Hiện")
    former = member(world.club_a1, "Trần Thị Cũ")
    services.member_leave(actor=area_staff, membership=former, left_on=D(2024, 6, 1), reason=LeaveReason.DIED)
    client = login(client, area_staff)
    assert names_listed(client.get(LIST_URL, {"state": "current"})) == ["Nguyễn Văn Hiện"]
    response = client.get(LIST_URL, {"state": "former"})
    assert names_listed(response) == ["Trần Thị Cũ"]
    html = response.content.decode()
    assert "01/06/2024" in html
    assert vi_html("died") in html
    assert set(names_listed(client.get(LIST_URL, {"state": "all"}))) == {"Nguyễn Văn Hiện", "Trần Thị Cũ"}


def test_list_is_paginated(client, world, province_staff, settings):
    settings.MEMBERS_PER_PAGE = 5
    for number in range(7):
        member(world.club_a1, f"Nguyễn Văn Số{number}")
    client = login(client, province_staff)
    first = client.get(LIST_URL, {"q": "nguyen"})
    assert len(first.context["page"].object_list) == 5
    assert first.context["page"].paginator.count == 7
    second = client.get(LIST_URL, {"q": "nguyen", "page": 2})
    assert len(second.context["page"].object_list) == 2
    assert "q=nguyen&amp;page=2" in first.content.decode()


def test_list_without_match_says_so(client, world, province_staff):
    response = login(client, province_staff).get(LIST_URL, {"q": "không có"})
    assert vi_html("No member matches.") in response.content.decode()


# --- list: query count ----------------------------------------------------------------------------


def some_members(world, count):
    clubs = [world.club_a1, world.club_a2, world.club_b1, world.club_l]
    for number in range(count):
        person = factories.PersonFactory(full_name=f"Nguyễn Thị Thành Viên {number}")
        factories.MembershipFactory(person=person, club=clubs[number % 4])
        factories.HouseholdStatusFactory(person=person, valid_from=D(2023, 1, 1))
        factories.HouseholdStatusFactory(person=person, valid_from=D(2024, 1, 1), status=EconomicStatus.OTHER)


def test_list_query_count_does_not_grow(client, world, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    some_members(world, 2)
    before = count_queries(client, LIST_URL)
    some_members(world, 18)
    assert count_queries(client, LIST_URL) == before
    # 1 session, 2 user, 3 role assignments in force, 4 clubs in scope (the club filter),
    # 5 count for the paginator, 6 the page of members with person, club, age group and status.
    with django_assert_num_queries(6):
        response = client.get(LIST_URL)
    assert len(response.context["page"].object_list) == 20


def test_list_query_count_with_filters_does_not_grow(client, world, club_chair, django_assert_num_queries):
    client = login(client, club_chair)
    params = {"q": "nguyen", "club": world.club_a1.pk, "sex": "female", "age_group": "older", "state": "all"}
    filtered = f"{LIST_URL}?{urlencode(params)}"
    some_members(world, 2)
    before = count_queries(client, filtered)
    some_members(world, 38)
    assert count_queries(client, filtered) == before
    # 1 session, 2 user, 3 role assignments, 4 clubs in scope, 5 count, 6 page, 7 may add to the club.
    with django_assert_num_queries(7):
        response = client.get(filtered)
    assert len(response.context["page"].object_list) == 11


# --- detail -----------------------------------------------------------------------------------


def test_detail_shows_person_age_group_flags_and_histories(client, world, province_staff, settings):
    settings.OLDER_PERSON_AGE = 60
    kinh = factories.EthnicityFactory(name="Hrê", sort_order=2)
    membership = member(
        world.club_a1,
        "Nguyễn Thị Đào",
        birth_date=D(1950, 7, 2),
        birth_year=1950,
        ethnicity=kinh,
        phone="0912 345 678",
        lives_alone=True,
        receives_home_care=True,
        joined_on=D(2022, 5, 1),
    )
    person = membership.person
    factories.HouseholdStatusFactory(person=person, status=EconomicStatus.POOR, valid_from=D(2022, 1, 1))
    factories.HouseholdStatusFactory(person=person, status=EconomicStatus.NEAR_POOR, valid_from=D(2025, 1, 1))
    response = login(client, province_staff).get(detail_url(person))
    assert response.status_code == 200
    html = response.content.decode()
    assert "02/07/1950" in html
    assert f"74 · {vi_html('older person')}" in html
    assert "Hrê" in html
    assert vi_html("Lives alone") in html and vi_html("Receives home care") in html
    assert vi_html("Person with disability") not in html
    assert [entry.status for entry in response.context["statuses"]] == [EconomicStatus.NEAR_POOR, EconomicStatus.POOR]
    assert response.context["economic_status"] == EconomicStatus.NEAR_POOR.label
    assert "01/01/2022" in html and "01/01/2025" in html
    assert world.club_a1.name in html and "01/05/2022" in html


def test_detail_citizen_id_masked_except_for_province_staff(client, world, province_staff, area_staff, club_chair):
    person = member(world.club_a1, citizen_id="051123456789").person
    for user, shown in (
        (province_staff, "051123456789"),
        (area_staff, "•••••••••789"),
        (club_chair, "•••••••••789"),
    ):
        client.force_login(user)
        html = client.get(detail_url(person)).content.decode()
        assert shown in html, user
        if shown != "051123456789":
            assert "051123456789" not in html


def test_detail_buttons_by_capability(client, world, province_staff, club_chair):
    person = member(world.club_a1).person
    chair_html = login(client, club_chair).get(detail_url(person)).content.decode()
    assert url("update", person) in chair_html
    assert url("leave", person) in chair_html
    assert url("move", person) not in chair_html
    client.force_login(province_staff)
    assert url("move", person) in client.get(detail_url(person)).content.decode()


def test_club_chair_sees_former_member_but_not_their_new_club(client, world, province_staff, club_chair):
    membership = member(world.club_a1, "Nguyễn Thị Chuyển")
    services.member_move(actor=province_staff, membership=membership, to_club=world.club_b1, moved_on=D(2024, 1, 1))
    response = login(client, club_chair).get(detail_url(membership.person))
    assert response.status_code == 200
    html = response.content.decode()
    assert world.club_a1.name in html
    assert world.club_b1.name not in html
    assert vi_html("Now a member of a club outside your area.") in html
    # The person is managed by their current club now.
    assert url("update", membership.person) not in html
    assert client.get(url("update", membership.person)).status_code == 403
    assert client.post(url("update", membership.person), {"full_name": "X"}).status_code == 403


def test_club_chair_cannot_reach_another_clubs_member(client, world, other_chair):
    person = member(world.club_a1, "Nguyễn Thị Khác").person
    client = login(client, other_chair)
    for name in ("detail", "update", "status", "leave", "move"):
        assert client.get(url(name, person)).status_code == 404, name
    for name, data in (
        ("update", {"full_name": "Đã sửa", "sex": Sex.MALE, "birth_year": "1950"}),
        ("status", {"status": "poor", "valid_from": "2025"}),
        ("leave", {"left_on": "01/03/2025", "reason": "withdrew"}),
        ("move", {"to_club": world.club_b1.pk, "moved_on": "01/03/2025"}),
    ):
        assert client.post(url(name, person), data).status_code == 404, name
    assert client.post(create_url(world.club_a1), join_data()).status_code == 404
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Khác"
    assert Membership.objects.get().left_on is None
    assert Person.objects.count() == 1
    assert AuditEntry.objects.count() == 0


def test_detail_of_unknown_person_is_404(client, world, province_staff):
    assert login(client, province_staff).get(reverse("members:member-detail", args=[99999])).status_code == 404


def test_detail_query_count_does_not_grow(client, world, province_staff, django_assert_num_queries):
    person = member(world.club_a1).person
    factories.HouseholdStatusFactory(person=person, valid_from=D(2022, 1, 1))
    client = login(client, province_staff)
    before = count_queries(client, detail_url(person))
    # 20 more entries of history: memberships in several clubs and yearly statuses.
    membership = Membership.objects.get()
    membership.left_on, membership.leave_reason = D(2022, 6, 1), LeaveReason.MOVED
    membership.save()
    clubs = [world.club_a1, world.club_a2, world.club_b1, world.club_l]
    for number in range(20):
        day = D(2022, 6, 1) + datetime.timedelta(days=10 * number)
        last = number == 19
        factories.MembershipFactory(
            person=person,
            club=clubs[number % 4],
            joined_on=day,
            left_on=None if last else day + datetime.timedelta(days=10),
            leave_reason="" if last else LeaveReason.MOVED,
        )
        factories.HouseholdStatusFactory(person=person, valid_from=D(2000 + number, 2, 1))
    assert count_queries(client, detail_url(person)) == before
    # 1 session, 2 user, 3 role assignments, 4 the person with age group and status today,
    # 5 memberships with their clubs (visible / manageable), 6 economic status history.
    with django_assert_num_queries(6):
        response = client.get(detail_url(person))
    assert len(response.context["page"].memberships) == 21


# --- add ---------------------------------------------------------------------------------------


def test_add_with_date_of_birth(client, world, club_chair):
    response = login(client, club_chair).post(
        create_url(world.club_a1), join_data(birth_date="02/07/1950", birth_year="")
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(person)
    assert (person.birth_date, person.birth_year) == (D(1950, 7, 2), 1950)
    assert person.memberships.get().club == world.club_a1
    assert person.household_statuses.get().valid_from == D(2023, 1, 10)
    assert AuditEntry.objects.filter(actor=club_chair, action="members.membership.started").exists()


def test_add_with_year_of_birth_only_and_status_year(client, world, club_chair):
    response = login(client, club_chair).post(
        create_url(world.club_a1), join_data(birth_year="1948", status_from="2022", ethnicity="")
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.birth_date, person.birth_year) == (None, 1948)
    entry = person.household_statuses.get()
    assert (entry.status, entry.valid_from) == (EconomicStatus.POOR, D(2022, 1, 1))


def test_add_needs_date_or_year_of_birth(client, world, club_chair):
    response = login(client, club_chair).post(create_url(world.club_a1), join_data(birth_year=""))
    assert response.status_code == 200
    assert response.context["form"].errors["birth_year"] == [str(services.ERROR_BIRTH_MISSING)]
    assert Person.objects.count() == 0


def test_add_refuses_mismatched_year_and_date(client, world, club_chair):
    response = login(client, club_chair).post(
        create_url(world.club_a1), join_data(birth_date="02/07/1950", birth_year="1951")
    )
    assert response.context["form"].errors["birth_year"] == [str(services.ERROR_BIRTH_YEAR_MISMATCH)]
    assert Person.objects.count() == 0


def test_add_shows_every_format_error_in_one_round_summarised_at_the_top(client, world, club_chair):
    # A tester's case: a day the calendar lacks, an 11-digit citizen ID and a phone "abc" took
    # three submits to show; the form now checks every format together.
    response = login(client, club_chair).post(
        create_url(world.club_a1),
        join_data(birth_date="31/02/1950", birth_year="", citizen_id="07950001234", phone="abc"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "birth_date": [vi(ERROR_NO_SUCH_DAY, date="31/02/1950", month=2, year=1950, days=28)],
        "citizen_id": [str(services.ERROR_CITIZEN_ID_FORMAT)],
        "phone": [str(services.ERROR_PHONE_FORMAT)],
    }
    assert Person.objects.count() == 0
    html = response.content.decode()
    summary = html.index('data-testid="form-errors"')
    # Above the first box, one link to each box, then each message again next to its box.
    assert summary < html.index('id="id_full_name"')
    links = [f'href="#id_{name}"' for name in ("birth_date", "phone", "citizen_id")]
    assert all(summary < html.index(link) < html.index('id="id_full_name"') for link in links)
    assert html.count(vi_html(services.ERROR_PHONE_FORMAT)) == 2
    assert vi_html(services.ERROR_CITIZEN_ID_FORMAT) in html


def test_add_shows_every_refusal_of_the_service_in_one_round(client, world, club_chair):
    member(world.club_b1, "Trần Thị Có", citizen_id="051123456789")
    response = login(client, club_chair).post(
        create_url(world.club_a1),
        join_data(birth_year="1800", citizen_id="0511 2345 6789", phone="0912 345 678", joined_on="01/01/2020"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "birth_year": [str(services.ERROR_BIRTH_YEAR_RANGE) % {"first": 1905, "last": 2025}],
        # Trần Thị Có is a member of another club: the chair does not learn her name.
        "citizen_id": [str(services.ERROR_CITIZEN_ID_TAKEN_UNSEEN)],
        "joined_on": [str(services.ERROR_JOIN_BEFORE_DECISION) % {"date": "01/03/2022"}],
    }
    assert "Trần Thị Có" not in response.content.decode()
    assert Person.objects.count() == 1


def test_add_names_the_holder_of_a_citizen_id_the_user_sees(client, world, area_staff):
    member(world.club_a2, "Trần Thị Có", citizen_id="051123456789")
    response = login(client, area_staff).post(create_url(world.club_a1), join_data(citizen_id="051123456789"))
    assert response.context["form"].errors["citizen_id"] == [
        str(services.ERROR_CITIZEN_ID_TAKEN) % {"name": "Trần Thị Có"}
    ]
    assert Person.objects.count() == 1


def test_add_page_suggests_the_clubs_hamlets_and_defaults_to_today(client, world, club_chair):
    world.club_a1.hamlets = ["Thôn Liên Trì Tây", "Thôn Liên Trì Đông"]
    world.club_a1.save()
    response = login(client, club_chair).get(create_url(world.club_a1))
    html = response.content.decode()
    assert '<option value="Thôn Liên Trì Đông">' in html
    assert 'list="hamlet-options"' in html
    assert 'value="15/03/2025"' in html


def test_add_warns_about_people_alike_then_creates_a_different_person(client, world, area_staff):
    other = member(world.club_a2, "Nguyễn Thị Đào", birth_year=1950, hamlet="Thôn Cộng Hòa").person
    client = login(client, area_staff)
    response = client.post(create_url(world.club_a1), join_data(full_name="nguyen thi dao"))
    assert response.status_code == 200
    assert Person.objects.count() == 1
    assert [alike.person.pk for alike in response.context["form"].alike] == [other.pk]
    html = response.content.decode()
    assert 'data-testid="alike"' in html
    assert world.club_a2.name in html and "1950" in html and "Thôn Cộng Hòa" in html
    response = client.post(create_url(world.club_a1), join_data(full_name="nguyen thi dao", same_person="new"))
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert Person.objects.exclude(pk=other.pk).get().memberships.get().club == world.club_a1


ELSEWHERE_ALIKE = (
    "A person with this name and year of birth is also recorded elsewhere in the province. A person keeps one "
    "record for life: if this is them, province staff can move them to this club, ask them. Otherwise confirm "
    "that this is a different person."
)


def test_add_says_only_that_a_person_alike_out_of_scope_exists(client, world, club_chair):
    other = member(
        world.club_b1, "Nguyễn Thị Đào", birth_date=D(1950, 7, 2), birth_year=1950, hamlet="Thôn Ba Vì"
    ).person
    client = login(client, club_chair)
    response = client.post(create_url(world.club_a1), join_data(full_name="nguyen thi dao"))
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.alike, form.alike_elsewhere) == ([], 1)
    html = response.content.decode()
    assert vi_html(ELSEWHERE_ALIKE) in html
    for secret in (world.club_b1.name, "Thôn Ba Vì", "02/07/1950", f'name="same_person" value="{other.pk}"'):
        assert secret not in html
    response = client.post(create_url(world.club_a1), join_data(full_name="nguyen thi dao", same_person="new"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_add_same_name_other_year_is_no_warning(client, world, club_chair):
    member(world.club_b1, "Nguyễn Thị Đào", birth_year=1951)
    response = login(client, club_chair).post(create_url(world.club_a1), join_data())
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_add_rejoins_the_existing_former_member(client, world, club_chair, area_staff):
    old = member(world.club_a1, "Nguyễn Thị Đào", birth_year=1950, joined_on=D(2022, 5, 1))
    services.member_leave(actor=area_staff, membership=old, left_on=D(2023, 6, 1), reason=LeaveReason.WITHDREW)
    factories.HouseholdStatusFactory(person=old.person, status=EconomicStatus.POOR, valid_from=D(2022, 1, 1))
    client = login(client, club_chair)
    first = client.post(create_url(world.club_a1), join_data(joined_on="01/02/2025"))
    assert (
        vi_html(
            "Former member of %(club)s (left %(date)s): re-join them to this club.",
            club=world.club_a1.name,
            date="01/06/2023",
        )
        in first.content.decode()
    )
    response = client.post(
        create_url(world.club_a1),
        join_data(joined_on="01/02/2025", same_person=str(old.person.pk), economic_status=EconomicStatus.NEAR_POOR),
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(old.person)
    assert Person.objects.count() == 1
    memberships = list(old.person.memberships.order_by("joined_on"))
    assert [(m.joined_on, m.left_on) for m in memberships] == [(D(2022, 5, 1), D(2023, 6, 1)), (D(2025, 2, 1), None)]
    # The new assessment is kept in the history, from the joining date.
    assert list(old.person.household_statuses.values_list("status", "valid_from")) == [
        (EconomicStatus.POOR, D(2022, 1, 1)),
        (EconomicStatus.NEAR_POOR, D(2025, 2, 1)),
    ]


def test_add_rejoin_error_keeps_the_choice_and_saves_nothing(client, world, club_chair, area_staff):
    old = member(world.club_a1, "Nguyễn Thị Đào", birth_year=1950, joined_on=D(2022, 5, 1))
    services.member_leave(actor=area_staff, membership=old, left_on=D(2023, 6, 1), reason=LeaveReason.WITHDREW)
    audit_before = AuditEntry.objects.count()
    response = login(client, club_chair).post(
        create_url(world.club_a1),
        join_data(joined_on="01/02/2025", status_from="1940", same_person=str(old.person.pk)),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["status_from"] == [str(services.ERROR_STATUS_BEFORE_BIRTH)]
    assert f'value="{old.person.pk}" checked' in response.content.decode()
    assert old.person.memberships.count() == 1
    assert AuditEntry.objects.count() == audit_before


def test_add_cannot_take_a_member_of_a_club_the_user_does_not_see(client, world, club_chair):
    elsewhere = member(world.club_b1, "Nguyễn Thị Đào", birth_year=1950)
    client = login(client, club_chair)
    response = client.post(create_url(world.club_a1), join_data(same_person=str(elsewhere.person.pk)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(member_forms.ERROR_CHOOSE_ALIKE)]
    assert world.club_b1.name not in response.content.decode()
    assert Membership.objects.get() == elsewhere
    assert Membership.objects.get().left_on is None


def test_a_chair_cannot_rejoin_a_former_member_of_another_club_by_a_crafted_post(client, world, club_chair):
    former = member(world.club_b1, "Nguyễn Thị Đào", birth_year=1950, hamlet="Thôn Ba Vì")
    former.left_on, former.leave_reason = D(2024, 1, 1), LeaveReason.WITHDREW
    former.save()
    factories.HouseholdStatusFactory(person=former.person, status=EconomicStatus.POOR, valid_from=D(2022, 1, 1))
    audit_before = AuditEntry.objects.count()
    client = login(client, club_chair)
    response = client.post(create_url(world.club_a1), join_data(same_person=str(former.person.pk)))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(member_forms.ERROR_CHOOSE_ALIKE)]
    html = response.content.decode()
    assert world.club_b1.name not in html and "Thôn Ba Vì" not in html
    assert former.person.memberships.count() == 1
    assert AuditEntry.objects.count() == audit_before
    # Nor does the chair reach the person's page and their household's history.
    assert client.get(detail_url(former.person)).status_code == 404


def test_a_chair_sees_a_former_member_who_left_another_club_last_but_cannot_take_them(client, world, club_chair):
    """Once in this club, last in another: the chair sees them, not their other club, and their re-joining
    is the staff's."""
    person = member(world.club_a1, "Nguyễn Thị Đào", birth_year=1950, joined_on=D(2021, 1, 1)).person
    Membership.objects.filter(person=person).update(left_on=D(2022, 1, 1), leave_reason=LeaveReason.MOVED)
    factories.MembershipFactory(
        person=person,
        club=world.club_b1,
        joined_on=D(2022, 1, 1),
        left_on=D(2024, 1, 1),
        leave_reason=LeaveReason.WITHDREW,
    )
    client = login(client, club_chair)
    response = client.post(create_url(world.club_a1), join_data())
    [alike] = response.context["form"].alike
    assert (alike.join_action, alike.available, alike.club_seen) == ("former_elsewhere", False, False)
    html = response.content.decode()
    assert world.club_b1.name not in html
    assert (
        vi_html(
            "Former member of another club. Their re-joining must be recorded by the staff of that club or of the "
            "province: ask them."
        )
        in html
    )
    response = client.post(create_url(world.club_a1), join_data(same_person=str(person.pk)))
    assert response.context["form"].non_field_errors() == [str(member_forms.ERROR_ALIKE_NOT_AVAILABLE)]
    assert person.memberships.count() == 2


def test_a_chair_sees_a_former_member_now_in_another_club_without_its_name(client, world, club_chair):
    person = member(world.club_a1, "Nguyễn Thị Đào", birth_year=1950, joined_on=D(2021, 1, 1)).person
    Membership.objects.filter(person=person).update(left_on=D(2022, 1, 1), leave_reason=LeaveReason.MOVED)
    factories.MembershipFactory(person=person, club=world.club_b1, joined_on=D(2022, 1, 1))
    response = login(client, club_chair).post(create_url(world.club_a1), join_data())
    [alike] = response.context["form"].alike
    assert (alike.join_action, alike.available, alike.club_seen) == ("elsewhere", False, False)
    html = response.content.decode()
    assert world.club_b1.name not in html
    assert (
        vi_html(
            "Member of another club. A move to this club must be recorded by the staff of that club or of the "
            "province: ask them."
        )
        in html
    )


def test_province_staff_rejoin_a_former_member_of_another_club(client, world, province_staff):
    former = member(world.club_b1, "Nguyễn Thị Đào", birth_year=1950)
    former.left_on, former.leave_reason = D(2024, 1, 1), LeaveReason.WITHDREW
    former.save()
    client = login(client, province_staff)
    [alike] = client.post(create_url(world.club_a1), join_data()).context["form"].alike
    assert (alike.join_action, alike.club_seen) == ("rejoin", True)
    response = client.post(
        create_url(world.club_a1), join_data(joined_on="01/02/2025", same_person=str(former.person.pk))
    )
    assert response.status_code == 302
    assert former.person.memberships.get(left_on__isnull=True).club == world.club_a1


def test_area_staff_rejoin_former_members_of_their_area_only(client, world, area_staff):
    own = member(world.club_a2, "Nguyễn Thị Đào", birth_year=1950)
    own.left_on, own.leave_reason = D(2024, 1, 1), LeaveReason.WITHDREW
    own.save()
    other = member(world.club_b1, "Nguyễn Thị Đào", birth_year=1950)
    other.left_on, other.leave_reason = D(2024, 1, 1), LeaveReason.WITHDREW
    other.save()
    client = login(client, area_staff)
    form = client.post(create_url(world.club_a1), join_data()).context["form"]
    assert [(alike.person, alike.join_action) for alike in form.alike] == [(own.person, "rejoin")]
    assert form.alike_elsewhere == 1
    refused = client.post(create_url(world.club_a1), join_data(same_person=str(other.person.pk)))
    assert refused.context["form"].non_field_errors() == [str(member_forms.ERROR_CHOOSE_ALIKE)]
    response = client.post(create_url(world.club_a1), join_data(joined_on="01/02/2025", same_person=str(own.person.pk)))
    assert response.status_code == 302
    assert own.person.memberships.get(left_on__isnull=True).club == world.club_a1
    assert other.person.memberships.get().left_on == D(2024, 1, 1)


def test_province_staff_see_a_person_of_no_club_and_make_them_a_member(client, world, province_staff, club_chair):
    cared_for = factories.PersonFactory(full_name="Nguyễn Thị Đào", birth_year=1950)
    form = login(client, club_chair).post(create_url(world.club_a1), join_data()).context["form"]
    assert (form.alike, form.alike_elsewhere) == ([], 1)
    client.force_login(province_staff)
    [alike] = client.post(create_url(world.club_a1), join_data()).context["form"].alike
    assert (alike.person, alike.join_action) == (cared_for, "rejoin")
    response = client.post(create_url(world.club_a1), join_data(same_person=str(cared_for.pk)))
    assert response.status_code == 302
    assert cared_for.memberships.get().club == world.club_a1


def test_add_by_staff_moves_a_member_of_another_club_they_manage(client, world, area_staff):
    elsewhere = member(world.club_a2, "Nguyễn Thị Đào", birth_year=1950, joined_on=D(2022, 5, 1))
    client = login(client, area_staff)
    response = client.post(create_url(world.club_a1), join_data())
    assert [other.available for other in response.context["form"].alike] == [True]
    response = client.post(
        create_url(world.club_a1), join_data(joined_on="01/03/2025", same_person=str(elsewhere.person.pk))
    )
    assert response.status_code == 302
    elsewhere.refresh_from_db()
    assert (elsewhere.left_on, elsewhere.leave_reason) == (D(2025, 3, 1), LeaveReason.MOVED)
    assert Membership.objects.active_on(TODAY).get().club == world.club_a1
    assert Person.objects.count() == 1


def test_add_already_a_member_of_this_club_cannot_be_chosen(client, world, club_chair):
    here = member(world.club_a1, "Nguyễn Thị Đào", birth_year=1950)
    response = login(client, club_chair).post(create_url(world.club_a1), join_data(same_person=str(here.person.pk)))
    assert response.status_code == 200
    assert response.context["form"].alike[0].join_action == "here"
    assert Membership.objects.count() == 1


def test_add_choice_of_a_person_not_alike_is_refused(client, world, club_chair):
    member(world.club_a1, "Nguyễn Thị Đào", birth_year=1950)
    stranger = member(world.club_b1, "Lê Văn Khác", birth_year=1940)
    response = login(client, club_chair).post(create_url(world.club_a1), join_data(same_person=str(stranger.person.pk)))
    assert response.context["form"].non_field_errors() == [str(member_forms.ERROR_CHOOSE_ALIKE)]
    assert Membership.objects.count() == 2


# --- edit ---------------------------------------------------------------------------------------


def edit_data(person, **overrides):
    data = {
        "full_name": person.full_name,
        "sex": person.sex,
        "birth_date": "",
        "birth_year": str(person.birth_year),
        "ethnicity": person.ethnicity_id or "",
        "hamlet": person.hamlet,
        "phone": person.phone,
        "citizen_id": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_edit_saves_and_audits(client, world, club_chair):
    person = member(world.club_a1, "Nguyễn Thị Đào").person
    client = login(client, club_chair)
    assert client.get(url("update", person)).status_code == 200
    response = client.post(
        url("update", person),
        edit_data(person, full_name="Nguyễn Thị Hồng Đào", phone="0912345678", has_disability="on"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.name_folded, person.phone, person.has_disability) == (
        "Nguyễn Thị Hồng Đào",
        "nguyen thi hong dao",
        "0912345678",
        True,
    )
    entry = AuditEntry.objects.get(action="members.person.updated")
    assert entry.actor == club_chair
    assert entry.data["full_name"] == ["Nguyễn Thị Đào", "Nguyễn Thị Hồng Đào"]


def test_edit_error_saves_nothing(client, world, club_chair):
    person = member(world.club_a1, "Nguyễn Thị Đào").person
    response = login(client, club_chair).post(
        url("update", person), edit_data(person, full_name="Tên Mới", phone="gọi tôi")
    )
    assert response.context["form"].errors["phone"] == [str(services.ERROR_PHONE_FORMAT)]
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Đào"


def test_edit_never_sends_the_citizen_id_to_those_who_may_not_read_it(client, world, area_staff, province_staff):
    person = member(world.club_a1, citizen_id="051123456789").person
    client = login(client, area_staff)
    html = client.get(url("update", person)).content.decode()
    assert "051123456789" not in html
    assert "•••••••••789" in html
    # Empty keeps the number.
    assert client.post(url("update", person), edit_data(person, hamlet="Thôn Mới")).status_code == 302
    person.refresh_from_db()
    assert (person.hamlet, person.citizen_id) == ("Thôn Mới", "051123456789")
    # Remove it on purpose.
    client.post(url("update", person), edit_data(person, remove_citizen_id="on"))
    person.refresh_from_db()
    assert person.citizen_id == ""
    # The province sees and edits the number itself.
    person.citizen_id = "051123456789"
    person.save()
    client.force_login(province_staff)
    assert 'value="051123456789"' in client.get(url("update", person)).content.decode()


def test_edit_to_a_citizen_id_recorded_in_another_club_does_not_name_its_holder(client, world, club_chair):
    member(world.club_b1, "Trần Thị Có", citizen_id="051123456789")
    person = member(world.club_a1, "Nguyễn Thị Đào").person
    response = login(client, club_chair).post(url("update", person), edit_data(person, citizen_id="051123456789"))
    assert response.status_code == 200
    assert response.context["form"].errors["citizen_id"] == [str(services.ERROR_CITIZEN_ID_TAKEN_UNSEEN)]
    assert "Trần Thị Có" not in response.content.decode()
    person.refresh_from_db()
    assert person.citizen_id == ""


def test_edit_names_the_holder_of_a_citizen_id_in_the_same_club(client, world, club_chair):
    member(world.club_a1, "Trần Thị Có", citizen_id="051123456789")
    person = member(world.club_a1, "Nguyễn Thị Đào").person
    response = login(client, club_chair).post(url("update", person), edit_data(person, citizen_id="051123456789"))
    assert response.context["form"].errors["citizen_id"] == [
        str(services.ERROR_CITIZEN_ID_TAKEN) % {"name": "Trần Thị Có"}
    ]


# --- economic status ----------------------------------------------------------------------------


def test_record_economic_status_keeps_history(client, world, club_chair):
    person = member(world.club_a1).person
    factories.HouseholdStatusFactory(person=person, status=EconomicStatus.POOR, valid_from=D(2022, 1, 1))
    client = login(client, club_chair)
    response = client.post(url("status", person), {"status": "near_poor", "valid_from": "2025", "note": "QĐ 12/2025"})
    assert response.status_code == 302
    assert list(person.household_statuses.order_by("valid_from").values_list("status", "valid_from", "note")) == [
        ("poor", D(2022, 1, 1), ""),
        ("near_poor", D(2025, 1, 1), "QĐ 12/2025"),
    ]
    assert names_listed(client.get(LIST_URL, {"economic_status": "near_poor"})) == [person.full_name]
    assert names_listed(client.get(LIST_URL, {"economic_status": "near_poor", "q": "x"})) == []
    assert AuditEntry.objects.get(action="members.household_status.set").actor == club_chair


def test_record_economic_status_refuses_future_and_bad_dates(client, world, club_chair):
    person = member(world.club_a1).person
    client = login(client, club_chair)
    response = client.post(url("status", person), {"status": "poor", "valid_from": "01/01/2026"})
    assert response.context["form"].errors["valid_from"] == [str(services.ERROR_IN_FUTURE)]
    response = client.post(url("status", person), {"status": "poor", "valid_from": "2024/02/01"})
    assert response.context["form"].errors["valid_from"] == [str(member_forms.ERROR_DATE_OR_YEAR)]
    # A date the calendar lacks is told as such, here as on every date field.
    response = client.post(url("status", person), {"status": "poor", "valid_from": "31/02/2024"})
    assert response.context["form"].errors["valid_from"] == [
        vi(ERROR_NO_SUCH_DAY, date="31/02/2024", month=2, year=2024, days=29)
    ]
    assert not HouseholdStatus.objects.exists()


# --- leave ----------------------------------------------------------------------------------------


def test_leave_the_club(client, world, club_chair):
    membership = member(world.club_a1, "Nguyễn Thị Đào")
    client = login(client, club_chair)
    page = client.get(url("leave", membership.person))
    assert 'value="15/03/2025"' in page.content.decode()
    response = client.post(
        url("leave", membership.person), {"left_on": "01/03/2025", "reason": "died", "note": "Mất ngày 28/02"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason, membership.leave_note) == (
        D(2025, 3, 1),
        LeaveReason.DIED,
        "Mất ngày 28/02",
    )
    assert names_listed(client.get(LIST_URL)) == []
    assert names_listed(client.get(LIST_URL, {"state": "former"})) == ["Nguyễn Thị Đào"]
    # Nothing left to end: back to the page, with a message.
    again = client.get(url("leave", membership.person))
    assert again.status_code == 302
    assert again["Location"] == detail_url(membership.person)


def test_leave_before_joining_is_refused(client, world, club_chair):
    membership = member(world.club_a1, joined_on=D(2023, 5, 1))
    response = login(client, club_chair).post(
        url("leave", membership.person), {"left_on": "01/01/2023", "reason": "withdrew"}
    )
    assert response.context["form"].errors["left_on"] == [
        str(services.ERROR_LEAVE_BEFORE_JOIN) % {"date": "01/05/2023"}
    ]
    membership.refresh_from_db()
    assert membership.left_on is None


def test_leave_needs_a_reason(client, world, club_chair):
    membership = member(world.club_a1)
    response = login(client, club_chair).post(url("leave", membership.person), {"left_on": "01/03/2025"})
    assert "reason" in response.context["form"].errors


# --- move ------------------------------------------------------------------------------------------


def test_move_by_province_staff_keeps_one_person(client, world, province_staff):
    membership = member(world.club_a1, "Nguyễn Thị Đào")
    client = login(client, province_staff)
    page = client.get(url("move", membership.person))
    targets = set(page.context["form"].fields["to_club"].queryset)
    assert targets == {world.club_a2, world.club_b1, world.club_l}
    response = client.post(url("move", membership.person), {"to_club": world.club_b1.pk, "moved_on": "01/03/2025"})
    assert response.status_code == 302
    assert Person.objects.count() == 1
    assert Membership.objects.active_on(TODAY).get().club == world.club_b1
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (D(2025, 3, 1), LeaveReason.MOVED)


def test_move_targets_are_the_clubs_the_user_manages(client, world, area_staff):
    membership = member(world.club_a1)
    client = login(client, area_staff)
    page = client.get(url("move", membership.person))
    assert list(page.context["form"].fields["to_club"].queryset) == [world.club_a2]
    response = client.post(url("move", membership.person), {"to_club": world.club_b1.pk, "moved_on": "01/03/2025"})
    assert response.status_code == 200
    assert "to_club" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.left_on is None


def test_move_leaves_out_dissolved_clubs(client, world, province_staff):
    membership = member(world.club_a1)
    factories.ClubStatusChangeFactory(club=world.club_b1, kind="dissolved", effective_on=D(2024, 1, 1))
    page = login(client, province_staff).get(url("move", membership.person))
    assert world.club_b1 not in set(page.context["form"].fields["to_club"].queryset)


def test_move_date_errors_are_shown_on_the_move_date(client, world, province_staff):
    membership = member(world.club_a1, joined_on=D(2023, 5, 1))
    response = login(client, province_staff).post(
        url("move", membership.person), {"to_club": world.club_b1.pk, "moved_on": "01/01/2023"}
    )
    assert response.context["form"].errors["moved_on"] == [
        str(services.ERROR_LEAVE_BEFORE_JOIN) % {"date": "01/05/2023"}
    ]
    assert Membership.objects.count() == 1


def test_club_chair_cannot_move_members(client, world, club_chair):
    membership = member(world.club_a1)
    client = login(client, club_chair)
    assert client.get(url("move", membership.person)).status_code == 403
    response = client.post(url("move", membership.person), {"to_club": world.club_a2.pk, "moved_on": "01/03/2025"})
    assert response.status_code == 403
    assert Membership.objects.count() == 1


def test_a_member_who_joined_before_2020_is_added_on_the_page(client, world, province_staff):
    """The form checks the joining date against the club's decision, not its unit's map: a club of
    2017 sits in a unit of the map of 2020, whose units start open, and takes a member of 2018."""
    club = factories.ClubFactory(unit=world.commune_b1, decision_date=datetime.date(2017, 6, 1), launch_date=None)
    response = login(client, province_staff).post(
        create_url(club), join_data(joined_on="10/01/2018", status_from="2018")
    )
    assert response.status_code == 302
    assert Membership.objects.get(club=club).joined_on == datetime.date(2018, 1, 10)


def test_province_staff_open_the_page_of_a_person_of_no_club(client, world, province_staff, area_staff):
    cared_for = factories.PersonFactory(full_name="Nguyễn Thị Đào", birth_year=1950)
    assert login(client, province_staff).get(detail_url(cared_for)).status_code == 200
    client.force_login(area_staff)
    assert client.get(detail_url(cared_for)).status_code == 404
