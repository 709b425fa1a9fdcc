"""Dates typed dd/mm/yyyy in every language, textareas of one entry per line, and folded names."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import formats, translation

from core.forms import DateField, DateInput, LinesField
from core.text import fold, split_lines

LANGUAGES = ["vi", "en"]


class EventForm(forms.Form):
    day = DateField()
    hamlets = LinesField(required=False)


# --- DateField ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_field_reads_day_first(language):
    with translation.override(language):
        assert DateField().clean("03/04/2025") == datetime.date(2025, 4, 3)
        assert DateField().clean("24/11/2022") == datetime.date(2022, 11, 24)


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_field_accepts_iso(language):
    with translation.override(language):
        assert DateField().clean("2025-04-03") == datetime.date(2025, 4, 3)


@pytest.mark.parametrize("text", ["2025/04/03", "31/02/2025", "04/13/2025", "3 April 2025", "abc"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_date_field_rejects(text, language):
    field = DateField()
    with translation.override(language), pytest.raises(ValidationError) as excinfo:
        field.clean(text)

    assert excinfo.value.messages == [str(field.error_messages["invalid"])]
    assert excinfo.value.code == "invalid"


def test_date_field_invalid_message_shows_the_format():
    with translation.override("en"):
        assert "dd/mm/yyyy" in str(DateField().error_messages["invalid"])


def test_date_field_in_a_form():
    form = EventForm(data={"day": "31/02/2025"})

    assert not form.is_valid()
    assert form.errors["day"] == [str(DateField().error_messages["invalid"])]
    assert EventForm(data={"day": "01/02/2025"}).is_valid()


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_input_renders_day_first(language):
    with translation.override(language):
        html = DateInput().render("day", datetime.date(2025, 4, 3))
        bound = str(EventForm(initial={"day": datetime.date(2022, 11, 24)})["day"])

    assert 'value="03/04/2025"' in html
    assert 'type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'value="24/11/2022"' in bound


def test_date_field_uses_the_dd_mm_yyyy_widget():
    assert isinstance(DateField().widget, DateInput)
    assert DateInput(attrs={"class": "x"}).attrs["class"] == "x"
    assert "placeholder" in DateInput().attrs


# --- LinesField -----------------------------------------------------------------------------


def test_lines_field_cleans_to_non_empty_trimmed_lines():
    assert LinesField().clean("a\n\n b \n") == ["a", "b"]
    assert LinesField().clean("Thôn Liên Trì Tây\r\nThôn An Hải\r\n") == ["Thôn Liên Trì Tây", "Thôn An Hải"]


def test_lines_field_joins_a_list_with_newlines():
    assert LinesField().prepare_value(["a", "b"]) == "a\nb"
    assert LinesField().prepare_value("a\nb") == "a\nb"
    assert LinesField().prepare_value([]) == ""


def test_lines_field_required_and_optional():
    with pytest.raises(ValidationError) as excinfo:
        LinesField().clean("\n  \n")
    assert excinfo.value.code == "required"
    assert LinesField(required=False).clean("") == []


def test_lines_field_renders_a_list_as_textarea_lines():
    html = str(EventForm(initial={"hamlets": ["Thôn A", "Thôn B"]})["hamlets"])

    assert "<textarea" in html
    assert "Thôn A\nThôn B" in html


def test_split_lines():
    assert split_lines("") == []
    assert split_lines(" x \n\ny") == ["x", "y"]


# --- Django's date formats (config/formats) -------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_date_format_is_day_first(language):
    day = datetime.date(2022, 11, 24)
    with translation.override(language):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "24/11/2022"
        assert formats.date_format(day, "DATE_FORMAT") == "24/11/2022"
        assert Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(Context({"d": day})) == "24/11/2022"
        assert Template("{{ d }}").render(Context({"d": day})) == "24/11/2022"


@pytest.mark.parametrize("language", LANGUAGES)
def test_date_input_formats_are_day_first(language):
    with translation.override(language):
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"
        assert forms.DateField().clean("03/04/2025") == datetime.date(2025, 4, 3)


# --- fold -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Thị Đào", "nguyen thi dao"),
        ("  ĐỨC   Phổ ", "duc pho"),
        ("Lý Sơn", "ly son"),
        ("Trà Bồng", "tra bong"),
        ("đường", "duong"),
        ("Nguye\u0302\u0303n", "nguyen"),  # already decomposed (NFD), as some keyboards send it
        ("", ""),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_fold_is_idempotent():
    assert fold(fold("Nguyễn Thị Đào")) == "nguyen thi dao"


def test_vietnamese_sort_key_orders_by_given_name_in_vietnamese_letter_order():
    from core.text import vietnamese_sort_key

    names = [
        "Nguyễn Thị Đào",
        "Trần Văn Dũng",
        "Phạm Thị Ánh",
        "Lê Văn An",
        "Võ Thị Ân",
        "Hồ Thị Ăn",
        "Lê Thị Bà",
        "Lê Thị Ba",
    ]
    assert sorted(names, key=vietnamese_sort_key) == [
        "Lê Văn An",  # a, then the longer "Ánh" (tones decide only between equal letters)
        "Phạm Thị Ánh",
        "Hồ Thị Ăn",  # ă after a
        "Võ Thị Ân",  # â after ă
        "Lê Thị Ba",  # no tone before a grave accent
        "Lê Thị Bà",
        "Trần Văn Dũng",  # d before đ
        "Nguyễn Thị Đào",
    ]
