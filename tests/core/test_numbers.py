"""The one money field (VNDField, MoneyInput) and the one count field (CountField, CountInput):
whatever is typed gives a whole number or a message, never a crash; what they show they read back."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from core.forms import CountField, CountInput, MoneyInput, PlainNumberInput, VNDField
from core.money import ERROR_FRACTION, ERROR_NEGATIVE, ERROR_NOT_A_NUMBER
from core.numbers import (
    ERROR_COUNT_FRACTION,
    ERROR_COUNT_NEGATIVE,
    ERROR_COUNT_NOT_A_NUMBER,
    ERROR_TOO_LARGE,
    MAX_DIGITS,
    group_thousands,
    parse_count,
)

FIELDS = [VNDField, CountField]
WHOLE = st.integers(min_value=0, max_value=10**MAX_DIGITS - 1)
# Strings made of what people type into a number box, and anything at all.
TYPED = st.text(alphabet="0123456789.,- đ₫VNDvnd\u00a0", max_size=24) | st.text(max_size=30)


class FiguresForm(forms.Form):
    amount = VNDField(required=False)
    people = CountField(required=False)


# --- any string: a whole number or a ValidationError, nothing else ---------------------------


@pytest.mark.parametrize("field_class", FIELDS)
@given(text=TYPED)
@example(text="9" * 5000)  # past Python's limit on int() of a long string
@example(text="١٢٣")  # digits of another script
@example(text="   ")
def test_any_string_gives_a_whole_number_or_a_validation_error(field_class, text):
    field = field_class(required=False)
    try:
        value = field.clean(text)
    except ValidationError as exc:
        assert exc.messages  # a message the user reads
    else:
        assert value is None or (type(value) is int and 0 <= value < 10**MAX_DIGITS)


@pytest.mark.parametrize("field_class", FIELDS)
@given(number=WHOLE)
def test_what_the_field_shows_it_reads_back(field_class, number):
    field = field_class()
    shown = field.prepare_value(number)

    assert shown == group_thousands(number)
    assert field.clean(shown) == number
    assert field.clean(str(number)) == number
    assert field.clean(f"{number:,}") == number  # 1,180,000


@pytest.mark.parametrize("field_class", FIELDS)
@given(number=st.integers(min_value=1_000, max_value=10**MAX_DIGITS - 1), fraction=st.integers(1, 99))
def test_a_fraction_is_refused_with_its_message(field_class, number, fraction):
    expected = ERROR_FRACTION if field_class is VNDField else ERROR_COUNT_FRACTION
    for text in (f"{group_thousands(number)},{fraction}", f"{number}.{fraction}", f"{number},{fraction}"):
        with pytest.raises(ValidationError) as excinfo:
            field_class().clean(text)
        assert (excinfo.value.code, excinfo.value.messages) == ("fraction", [str(expected)]), text


@pytest.mark.parametrize("field_class", FIELDS)
@given(number=WHOLE)
def test_a_negative_is_refused_with_its_message(field_class, number):
    expected = ERROR_NEGATIVE if field_class is VNDField else ERROR_COUNT_NEGATIVE
    for text in (f"-{number}", f"-{group_thousands(number)}", f" -{number} "):
        with pytest.raises(ValidationError) as excinfo:
            field_class().clean(text)
        assert excinfo.value.messages == [str(expected)], text


# --- the count field ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"), [("1.200", 1_200), ("1200", 1_200), ("1,200", 1_200), (" 12 ", 12), ("0", 0)]
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_count_field_accepts_grouped_and_plain(text, expected, language):
    with translation.override(language):
        assert CountField().clean(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "code"),
    [
        ("1,5", ERROR_COUNT_FRACTION, "fraction"),
        ("2.5", ERROR_COUNT_FRACTION, "fraction"),
        ("-3", ERROR_COUNT_NEGATIVE, "negative"),
        ("abc", ERROR_COUNT_NOT_A_NUMBER, "invalid"),
        ("12 người", ERROR_COUNT_NOT_A_NUMBER, "invalid"),
        ("1.200 đ", ERROR_COUNT_NOT_A_NUMBER, "invalid"),  # đồng is for money
        ("1.20.0", ERROR_COUNT_NOT_A_NUMBER, "invalid"),
        ("1" * (MAX_DIGITS + 1), ERROR_TOO_LARGE, "too_large"),
    ],
)
def test_count_field_refuses_with_a_clear_message(text, message, code):
    with pytest.raises(ValidationError) as excinfo:
        CountField().clean(text)

    assert excinfo.value.messages == [str(message)]
    assert excinfo.value.code == code


def test_money_field_says_amounts_where_the_count_field_says_numbers():
    form = FiguresForm(data={"amount": "abc", "people": "abc"})

    assert not form.is_valid()
    assert form.errors == {"amount": [str(ERROR_NOT_A_NUMBER)], "people": [str(ERROR_COUNT_NOT_A_NUMBER)]}


def test_count_field_bounds_and_emptiness():
    assert CountField(required=False).clean("") is None
    assert CountField(required=False).clean("  ") is None
    with pytest.raises(ValidationError) as excinfo:
        CountField(min_value=1, max_value=60).clean("61")
    assert [error.code for error in excinfo.value.error_list] == ["max_value"]
    assert CountField(min_value=1, max_value=60).clean("60") == 60
    assert parse_count("007") == 7


# --- the widgets: one box for money, one for counts ----------------------------------------------


def test_money_and_count_fields_render_their_named_boxes():
    form = FiguresForm(initial={"amount": 1_180_000, "people": 1_200})
    amount, people = str(form["amount"]), str(form["people"])

    assert isinstance(VNDField().widget, MoneyInput)
    assert isinstance(CountField().widget, CountInput)
    for html in (amount, people):
        assert 'type="text"' in html
        assert 'inputmode="numeric"' in html
        assert 'autocomplete="off"' in html
    assert 'data-input="money"' in amount and 'value="1.180.000"' in amount
    assert 'data-input="count"' in people and 'value="1.200"' in people


def test_a_box_keeps_its_kind_with_more_attributes():
    html = MoneyInput(attrs={"class": "form-control text-end"}).render("x", "5")

    assert 'data-input="money"' in html
    assert 'class="form-control text-end"' in html


def test_a_year_box_is_never_grouped():
    html = PlainNumberInput(attrs={"placeholder": "1955"}).render("birth_year", 1955)

    assert 'value="1955"' in html
    assert 'inputmode="numeric"' in html
    assert "data-input" not in html
