"""The one set of rules for numbers and codes read from a request (core/bounded.py), and pages that
read theirs through it: a crafted value is no value (the page's default, or 404), never a failed
query."""

import pytest
from django import forms
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from core.bounded import (
    ERROR_CONTROL_CHARACTERS,
    MAX_ID,
    SEARCH_MAX_LENGTH,
    bounded_int,
    clean_code,
    id_field,
    search_field,
)
from targets.forms import ClubsForm, UnitsForm
from tests.conftest import login
from tests.targets.conftest import small_plan
from tests.text import vi


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        (" 12 ", 12),
        ("01", 1),
        ("0", 0),
        ("-3", -3),
        (5, 5),
        ("13", None),
        ("-11", None),
        ("1.5", None),
        ("1e3", None),
        ("abc", None),
        ("", None),
        (None, None),
        (True, None),
        (3.0, None),
        ("٣", None),  # an Arabic-Indic digit is a decimal digit to Python, not to an address
        ("9" * 5000, None),  # refused by its length, without reading it
    ],
)
def test_bounded_int_takes_whole_numbers_within_the_bounds_only(value, expected):
    assert bounded_int(value, -10, 12) == expected


@given(st.integers())
def test_bounded_int_is_the_number_when_within_and_none_otherwise(number):
    taken = bounded_int(str(number), 1, MAX_ID)
    assert taken == (number if 1 <= number <= MAX_ID else None)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("vn-2025", "vn-2025"),
        ("  vn-2025 ", "vn-2025"),
        ("", None),
        ("   ", None),
        ("vn\x002025", None),
        ("vn-2025\x1b", None),
        ("vn\n2025", None),
        ("x" * 33, None),
        ("x" * 32, "x" * 32),
        (None, None),
        (42, None),
    ],
)
def test_clean_code_refuses_empty_long_and_control_characters(value, expected):
    assert clean_code(value, 32) == expected


class SearchForm(forms.Form):
    q = search_field("Search")
    district = id_field("District")


@pytest.mark.parametrize("typed", ["Liên\x00Trì", "Liên\x07Trì", "Liên\u0085Trì"])
def test_a_search_with_control_characters_is_refused_in_words(typed):
    form = SearchForm({"q": typed})
    assert vi(ERROR_CONTROL_CHARACTERS) in form.errors["q"]


def test_a_search_is_at_most_its_length_and_an_id_within_a_bigint():
    assert SearchForm({"q": "Liên Trì " * 5, "district": "3"}).is_valid()
    assert "q" in SearchForm({"q": "x" * (SEARCH_MAX_LENGTH + 1)}).errors
    assert "district" in SearchForm({"district": str(MAX_ID + 1)}).errors
    assert "district" in SearchForm({"district": "0"}).errors
    assert SearchForm({"district": str(MAX_ID)}).is_valid()


# --- pages that read their numbers and codes through it ---------------------------------------------


@pytest.mark.parametrize("form_class", [ClubsForm, UnitsForm])
def test_the_targets_lists_leave_out_an_id_past_any_row(form_class):
    form = form_class({"district": "99999999999999999999", "group": "99999999999999999999"})
    assert form.value("district") is None
    assert "district" in form.errors


def test_a_targets_list_with_an_id_past_any_row_answers(client, world, province_staff):
    small_plan(world)
    response = login(client, province_staff).get(reverse("targets:clubs"), {"district": "9" * 30})
    assert response.status_code == 200


@pytest.mark.parametrize("scheme", ["vn\x002025", "x" * 200])
def test_the_map_of_the_unit_tree_is_a_code_or_not_found(client, world, province_staff, scheme):
    assert login(client, province_staff).get(reverse("areas:unit-tree"), {"scheme": scheme}).status_code == 404


@pytest.mark.parametrize("map_id", ["99999999999999999999", "-1", "1.0", "abc"])
def test_a_location_decision_on_a_map_that_is_no_id_is_not_found(client, world, province_staff, map_id):
    url = reverse("clubs:location-decide", args=[world.club_a1.pk])
    assert login(client, province_staff).get(url, {"map": map_id}).status_code == 404


@pytest.mark.parametrize("page", ["99999999999999999999", "-2", "nine", "\x00"])
def test_a_page_number_that_is_no_page_shows_the_first(client, world, province_staff, page):
    response = login(client, province_staff).get(reverse("clubs:club-list"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_the_audit_log_refuses_control_characters_in_its_filters(client, world, province_staff):
    response = login(client, province_staff).get(
        reverse("audit:log"), {"target_type": "clubs.club", "target_id": "1\x00", "q": "a\x00"}
    )
    assert response.status_code == 200
    assert vi(ERROR_CONTROL_CHARACTERS) in response.content.decode()
