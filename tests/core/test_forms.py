"""Dates typed dd/mm/yyyy in every language, textareas of one entry per line, folded names, and how
a service's refusal reaches a form (write_through)."""

import datetime

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import formats, translation

from core.dates import ERROR_NO_SUCH_DAY
from core.errors import refusal
from core.forms import DateField, DateInput, LinesField, write_through
from core.text import fold, split_lines
from tests.text import vi

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


@pytest.mark.parametrize("text", ["2025/04/03", "04/13/2025", "00/01/2025", "32/01/2025", "3 April 2025", "abc"])
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
    form = EventForm(data={"day": "2025/02/01"})

    assert not form.is_valid()
    assert form.errors["day"] == [str(DateField().error_messages["invalid"])]
    assert EventForm(data={"day": "01/02/2025"}).is_valid()


@pytest.mark.parametrize(
    ("text", "date", "month", "year", "days"),
    [
        ("31/02/1950", "31/02/1950", 2, 1950, 28),
        ("29/02/2023", "29/02/2023", 2, 2023, 28),
        ("30/2/2024", "30/02/2024", 2, 2024, 29),
        ("31/04/2025", "31/04/2025", 4, 2025, 30),
        (" 2023-02-29 ", "29/02/2023", 2, 2023, 28),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_date_field_says_the_calendar_has_no_such_day(text, date, month, year, days, language):
    with translation.override(language), pytest.raises(ValidationError) as excinfo:
        DateField().clean(text)

    assert excinfo.value.code == "no_such_day"
    with translation.override(language):
        expected = str(ERROR_NO_SUCH_DAY) % {"date": date, "month": month, "year": year, "days": days}
        assert excinfo.value.messages == [expected]


def test_a_day_the_calendar_lacks_is_told_on_the_field_in_vietnamese():
    form = EventForm(data={"day": "31/02/1950"})

    assert not form.is_valid()
    assert form.errors["day"] == [vi(ERROR_NO_SUCH_DAY, date="31/02/1950", month=2, year=1950, days=28)]
    assert EventForm(data={"day": "29/02/2024"}).is_valid()  # a leap year has it


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


# --- write_through: a service's result, or its refusal on the form ----------------------------


class PaymentForm(forms.Form):
    paid_on = DateField()
    amount = forms.IntegerField()


POSTED = {"paid_on": "15/03/2025", "amount": "500000"}


def post(data=POSTED):
    return RequestFactory().post("/", data)


class Service:
    """A stand-in for a service: records what it was given, then returns `result` or raises `error`."""

    def __init__(self, result=None, error=None):
        self.result, self.error, self.calls = result, error, []

    def __call__(self, data):
        self.calls.append(data)
        if self.error is not None:
            raise self.error
        return self.result


def test_write_through_returns_what_the_service_returns():
    service = Service(result="repayment")
    form = PaymentForm(POSTED)

    assert write_through(post(), form, service) == "repayment"
    assert service.calls == [{"paid_on": datetime.date(2025, 3, 15), "amount": 500_000}]
    assert not form.errors


def test_write_through_does_not_write_on_a_get():
    service = Service(result="repayment")

    assert write_through(RequestFactory().get("/"), PaymentForm(), service) is None
    assert service.calls == []


def test_write_through_does_not_write_an_invalid_form():
    service = Service(result="repayment")
    form = PaymentForm({**POSTED, "amount": "abc"})

    assert write_through(post(), form, service) is None
    assert service.calls == []
    assert list(form.errors) == ["amount"]


def test_a_refusal_naming_a_field_shows_on_that_field():
    form = PaymentForm(POSTED)
    error = refusal("The fund holds %(balance)s.", field="amount", balance="100.000 đ")

    assert write_through(post(), form, Service(error=error)) is None
    assert form.errors == {"amount": ["The fund holds 100.000 đ."]}


def test_a_refusal_naming_a_field_the_form_lacks_shows_on_top_of_the_form():
    form = PaymentForm(POSTED)
    error = ValidationError({"effective_from": "Not before the club.", "amount": "Too much."})

    assert write_through(post(), form, Service(error=error)) is None
    assert form.non_field_errors() == ["Not before the club."]
    assert form.errors["amount"] == ["Too much."]


def test_a_refusal_naming_nothing_shows_on_top_of_the_form():
    form = PaymentForm(POSTED)

    assert write_through(post(), form, Service(error=ValidationError("The sheet is empty."))) is None
    assert form.non_field_errors() == ["The sheet is empty."]
    assert list(form.errors) == ["__all__"]


def test_a_refusal_with_several_messages_naming_nothing_shows_them_all():
    form = PaymentForm(POSTED)
    error = ValidationError([ValidationError("First."), ValidationError("Second.")])

    write_through(post(), form, Service(error=error))

    assert form.non_field_errors() == ["First.", "Second."]


def test_rename_maps_a_service_name_to_the_forms_field():
    form = PaymentForm(POSTED)
    error = ValidationError({"left_on": "Not before joining.", "joined_on": "Not in the future."})

    write_through(post(), form, Service(error=error), rename={"left_on": "paid_on", "joined_on": "paid_on"})

    assert form.errors == {"paid_on": ["Not before joining.", "Not in the future."]}


class SheetForm(forms.Form):
    """A form with a field per row, named after the row's id, as the collection sheet has."""

    paid_on = DateField()
    loan_7 = forms.IntegerField(required=False)

    @staticmethod
    def field_name(pk):
        return f"loan_{pk}"


def test_rename_may_be_a_callable_and_leaves_the_forms_own_names_alone():
    form = SheetForm({"paid_on": "15/03/2025", "loan_7": "1"})
    error = ValidationError({"paid_on": "The month is closed.", 7: "More than the loan owes.", 9: "Unknown loan."})

    write_through(post(), form, Service(error=error), rename=form.field_name)

    assert form.errors == {
        "paid_on": ["The month is closed."],
        "loan_7": ["More than the loan owes."],
        "__all__": ["Unknown loan."],  # loan_9 is no row of the sheet
    }


def test_rename_to_a_field_the_form_lacks_shows_on_top_of_the_form():
    form = PaymentForm(POSTED)

    write_through(post(), form, Service(error=ValidationError({"left_on": "No."})), rename={"left_on": "moved_on"})

    assert form.non_field_errors() == ["No."]


def test_also_validates_the_other_forms_and_writes_only_when_all_are_valid():
    rows = forms.formset_factory(PaymentForm)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-paid_on": "31/02/2025", "form-0-amount": "1"}
    )
    form = PaymentForm({**POSTED, "amount": ""})
    service = Service(result="saved")

    assert write_through(post(), form, service, also=[rows]) is None
    assert service.calls == []
    # Both were validated: the errors of the form and of its rows show together.
    assert list(form.errors) == ["amount"]
    assert list(rows.errors[0]) == ["paid_on"]


def test_also_writes_when_every_form_is_valid():
    rows = forms.formset_factory(PaymentForm)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", **{f"form-0-{k}": v for k, v in POSTED.items()}}
    )

    assert write_through(post(), PaymentForm(POSTED), Service(result="saved"), also=[rows]) == "saved"
