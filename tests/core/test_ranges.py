"""The one range of years the product knows (core.dates.MIN_YEAR–MAX_YEAR), as the date and month
fields and the addresses of a month or a day apply it."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from hypothesis import given
from hypothesis import strategies as st

from activities.report_forms import MonthField, YearForm
from core.dates import ERROR_DATE_OUT_OF_RANGE, MAX_YEAR, MIN_YEAR, add_months, within_years
from core.forms import DateField
from tests.text import vi

OUT_OF_RANGE = vi(ERROR_DATE_OUT_OF_RANGE, first=f"01/01/{MIN_YEAR}", last=f"31/12/{MAX_YEAR}")


class DayForm(forms.Form):
    day = DateField()


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999", "31/12/1899", "01/01/2101", "0001-01-01"])
def test_a_date_outside_the_years_is_refused_in_words(typed):
    form = DayForm({"day": typed})
    assert form.errors["day"] == [OUT_OF_RANGE]


@pytest.mark.parametrize("typed", ["01/01/1900", "31/12/2100", "24/11/2022"])
def test_a_date_inside_is_taken(typed):
    assert DayForm({"day": typed}).is_valid()


def test_a_month_outside_the_years_is_refused():
    with pytest.raises(ValidationError) as refused:
        MonthField().clean("01/0001")
    assert refused.value.code == "out_of_range"
    assert MonthField().clean("12/2100") == datetime.date(2100, 12, 1)


def test_a_year_beyond_the_range_is_refused():
    assert "year" in YearForm({"year": "99999999999999999999"}).errors


@given(st.dates())
def test_every_date_taken_has_room_for_a_year_of_months_either_side(day):
    """What the reports compute from a date asked for (twelve months back, the next month) stays a date."""
    try:
        taken = within_years(day)
    except ValidationError:
        assert not MIN_YEAR <= day.year <= MAX_YEAR
        return
    assert add_months(taken, -13) < taken < add_months(taken, 13)


@pytest.mark.parametrize(
    "path",
    [
        "/activities/club/1/0/1/blank/",
        "/activities/club/1/1899/1/blank/",
        "/activities/club/1/2101/1/blank/",
        "/activities/club/1/2025/0/blank/",
        "/activities/club/1/2025/13/blank/",
        "/activities/club/1/99999999999999999999/1/blank/",
        "/activities/club/1/2025/99999999999999999999/blank/",
        "/loans/club/1/meeting/2025/2/32/",
        "/loans/club/1/meeting/2025/2/0/",
    ],
)
def test_an_address_outside_the_calendar_matches_no_page(path):
    with pytest.raises(Resolver404):
        resolve(path)


def test_an_address_inside_matches_with_numbers():
    match = resolve("/loans/club/1/meeting/2025/02/28/")
    assert (match.kwargs["year"], match.kwargs["month"], match.kwargs["day"]) == (2025, 2, 28)
    assert reverse("activities:blank-form", args=(1, 2025, 2)) == "/activities/club/1/2025/2/blank/"
    with pytest.raises(NoReverseMatch):
        reverse("activities:blank-form", args=(1, 10_000, 2))
