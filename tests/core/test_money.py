"""Money in whole đồng: parse_vnd, format_vnd, the `vnd` template filter and VNDField."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from core.forms import VNDField
from core.money import ERROR_FRACTION, ERROR_NEGATIVE, ERROR_NOT_A_NUMBER, format_vnd, parse_vnd

NBSP = "\u00a0"


def render_vnd(value) -> str:
    return Template("{% load vnd %}{{ x|vnd }}").render(Context({"x": value}))


class AmountForm(forms.Form):
    amount = VNDField()


# --- parse_vnd ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("238.500.000", 238_500_000),
        ("238500000", 238_500_000),
        ("238,500,000", 238_500_000),
        ("238.500.000 đ", 238_500_000),
        (f"238.500.000{NBSP}đ", 238_500_000),
        ("238.500.000₫", 238_500_000),
        ("238.500.000 VND", 238_500_000),
        ("238.500.000 đồng", 238_500_000),
        (" 5000000 ", 5_000_000),
        ("5 000 000", 5_000_000),
        ("1.500", 1_500),
        ("0", 0),
    ],
)
def test_parse_vnd_accepts(text, expected):
    assert parse_vnd(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "code"),
    [
        ("1.5", ERROR_FRACTION, "fraction"),
        ("1.234,56", ERROR_FRACTION, "fraction"),
        ("238.500.000,50", ERROR_FRACTION, "fraction"),
        ("1,234.56", ERROR_FRACTION, "fraction"),
        ("-5", ERROR_NEGATIVE, "negative"),
        ("-238.500.000", ERROR_NEGATIVE, "negative"),
        ("abc", ERROR_NOT_A_NUMBER, "invalid"),
        ("12 triệu", ERROR_NOT_A_NUMBER, "invalid"),
        ("", ERROR_NOT_A_NUMBER, "invalid"),
        ("238.500,000", ERROR_FRACTION, "fraction"),
    ],
)
def test_parse_vnd_rejects(text, message, code):
    with pytest.raises(ValidationError) as excinfo:
        parse_vnd(text)

    assert excinfo.value.messages == [str(message)]
    assert excinfo.value.code == code


def test_parse_vnd_badly_grouped_digits_are_not_a_fraction():
    with pytest.raises(ValidationError) as excinfo:
        parse_vnd("1.23.456")

    assert excinfo.value.messages == [str(ERROR_NOT_A_NUMBER)]


def test_parse_vnd_badly_grouped_digits_are_rejected():
    with pytest.raises(ValidationError):
        parse_vnd("1.23.456")


def test_parse_vnd_reads_back_format_vnd():
    for amount in (0, 7, 1_500, 238_500_000, 6_500_000_000):
        assert parse_vnd(format_vnd(amount)) == amount


# --- format_vnd -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (238_500_000, f"238.500.000{NBSP}đ"),
        (0, f"0{NBSP}đ"),
        (999, f"999{NBSP}đ"),
        (1_000, f"1.000{NBSP}đ"),
        (6_500_000_000, f"6.500.000.000{NBSP}đ"),
        (-1_500_000, f"-1.500.000{NBSP}đ"),
        (-5, f"-5{NBSP}đ"),
    ],
)
def test_format_vnd(amount, expected):
    assert format_vnd(amount) == expected


@pytest.mark.parametrize("value", [1.5, 1000.0, Decimal("1000"), True, False, "1000", None])
def test_format_vnd_refuses_anything_but_int(value):
    with pytest.raises(TypeError):
        format_vnd(value)


# --- the vnd filter -------------------------------------------------------------------------


def test_vnd_filter_formats_whole_dong():
    assert render_vnd(238_500_000) == f"238.500.000{NBSP}đ"
    assert render_vnd(0) == f"0{NBSP}đ"
    assert render_vnd(-1_500) == f"-1.500{NBSP}đ"


def test_vnd_filter_is_empty_for_none():
    assert render_vnd(None) == ""
    assert render_vnd("") == ""


@pytest.mark.parametrize("value", [1.5, Decimal("1000"), "1000", True])
def test_vnd_filter_raises_on_non_integers(value):
    with pytest.raises(TypeError):
        render_vnd(value)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_vnd_filter_is_the_same_in_every_language(language):
    with translation.override(language):
        assert render_vnd(238_500_000) == f"238.500.000{NBSP}đ"
        assert render_vnd(-1_500) == f"-1.500{NBSP}đ"
        assert format_vnd(1_000_000) == f"1.000.000{NBSP}đ"


# --- VNDField -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("238.500.000", 238_500_000),
        ("238500000", 238_500_000),
        ("238,500,000", 238_500_000),
        ("238.500.000 đ", 238_500_000),
        (" 5000000 ", 5_000_000),
        ("0", 0),
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_vnd_field_accepts(text, expected, language):
    with translation.override(language):
        assert VNDField().clean(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.5", ERROR_FRACTION),
        ("1.234,56", ERROR_FRACTION),
        ("238.500.000,50", ERROR_FRACTION),
        ("-5", ERROR_NEGATIVE),
        ("abc", ERROR_NOT_A_NUMBER),
    ],
)
def test_vnd_field_rejects(text, message):
    with pytest.raises(ValidationError) as excinfo:
        VNDField().clean(text)

    assert excinfo.value.messages == [str(message)]


def test_vnd_field_rejects_badly_grouped_digits():
    with pytest.raises(ValidationError):
        VNDField().clean("1.23.456")


def test_vnd_field_in_a_form_reports_the_message_on_the_field():
    form = AmountForm(data={"amount": "1.5"})

    assert not form.is_valid()
    assert form.errors == {"amount": [str(ERROR_FRACTION)]}


def test_vnd_field_in_a_form_cleans_to_int():
    form = AmountForm(data={"amount": "238.500.000 đ"})

    assert form.is_valid()
    assert form.cleaned_data == {"amount": 238_500_000}


def test_vnd_field_required_and_optional():
    with pytest.raises(ValidationError) as excinfo:
        VNDField().clean("")
    assert excinfo.value.code == "required"
    assert VNDField(required=False).clean("") is None


def test_vnd_field_min_value():
    with pytest.raises(ValidationError) as excinfo:
        VNDField(min_value=1).clean("0")
    assert [error.code for error in excinfo.value.error_list] == ["min_value"]
    assert VNDField(min_value=1).clean("1") == 1


def test_vnd_field_shows_int_with_dots():
    field = VNDField()
    assert field.prepare_value(238_500_000) == "238.500.000"
    assert field.prepare_value("1.5") == "1.5"
    assert 'value="238.500.000"' in str(AmountForm(initial={"amount": 238_500_000})["amount"])
    assert 'inputmode="numeric"' in str(AmountForm()["amount"])
    assert 'data-input="money"' in str(AmountForm()["amount"])
