"""Every error of a form at once, summarised above it with a link to each box
(templates/partials/form_errors.html, also in place of crispy's list), and a service's refusals
collected into one (core.errors.Refusals)."""

import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template import Context, Template

from core.errors import Refusals
from core.forms import CountField, DateField, VNDField
from core.templatetags.form_errors import Problem, error_summary


class PaymentForm(forms.Form):
    paid_on = DateField(label="Paid on")
    amount = VNDField(label="Amount")
    way = forms.ChoiceField(label="Way", choices=[("cash", "Cash"), ("bank", "Bank")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise ValidationError("The month is closed.")


BAD = {"paid_on": "31/02/2025", "amount": "1,5", "way": "", "token": ""}


def render(source, **context):
    return Template("{% load crispy_forms_tags %}" + source).render(Context(context))


def test_the_summary_lists_every_error_in_the_forms_order_with_the_id_of_its_box():
    form = PaymentForm(BAD)
    form.is_valid()

    problems = error_summary(form)

    assert [(problem.label, problem.anchor) for problem in problems] == [
        ("", ""),  # the form's own error, first
        ("Paid on", "id_paid_on"),
        ("Amount", "id_amount"),
        ("Way", "id_way_0"),  # radios: the first one
        ("Token", ""),  # a hidden field has no box to go to
    ]
    assert problems[0] == Problem("The month is closed.")


def test_a_valid_or_unbound_form_has_no_summary():
    assert error_summary(PaymentForm()) == []
    assert render('{% include "partials/form_errors.html" %}', form=PaymentForm()).strip() == ""


def test_the_partial_links_each_error_to_its_box():
    form = PaymentForm(BAD)
    form.is_valid()

    html = render('{% include "partials/form_errors.html" %}', form=form)

    assert 'data-testid="form-errors"' in html
    assert 'role="alert"' in html
    for anchor in ("id_paid_on", "id_amount", "id_way_0"):
        assert f'href="#{anchor}"' in html
    assert "The month is closed." in html


def test_a_crispy_form_shows_the_summary_once_above_its_boxes_and_each_error_beside_its_box():
    form = PaymentForm(BAD)
    form.is_valid()

    html = render("{{ form|crispy }}", form=form)

    assert html.count('data-testid="form-errors"') == 1
    assert html.count("The month is closed.") == 1  # crispy's own list is replaced, not repeated
    assert html.index('data-testid="form-errors"') < html.index('id="id_paid_on"')
    assert html.count(str(form.errors["amount"][0])) == 2  # in the summary and beside the box


class Row(forms.Form):
    people = CountField(label="People")


def test_the_summary_takes_the_rows_of_a_formset_saved_with_the_form():
    rows = forms.formset_factory(Row, min_num=1, validate_min=True)(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-people": "2,5"}
    )
    form = PaymentForm(BAD)
    rows.is_valid(), form.is_valid()

    anchors = [problem.anchor for problem in error_summary(form, rows)]

    assert anchors[-1] == "id_form-0-people"
    assert error_summary(None, rows)[0].label == "People"


# --- Refusals: a service's refusals, raised together ---------------------------------------------


def test_refusals_raise_nothing_when_empty():
    refusals = Refusals()

    assert not refusals
    refusals.raise_any()


def test_refusals_are_raised_together_on_their_fields():
    refusals = Refusals()
    refusals.add("Too early.", field="joined_on")
    refusals.add("Taken by %(name)s.", field="citizen_id", name="Đào")
    refusals.add("Already a member.")
    refusals.extend(ValidationError({"joined_on": "Not in the future.", NON_FIELD_ERRORS: "Closed."}))

    with pytest.raises(ValidationError) as excinfo:
        refusals.raise_any()

    assert excinfo.value.message_dict == {
        "joined_on": ["Too early.", "Not in the future."],
        "citizen_id": ["Taken by Đào."],
        NON_FIELD_ERRORS: ["Already a member.", "Closed."],
    }


def test_refusals_about_nothing_in_particular_stay_a_plain_list():
    refusals = Refusals()
    refusals.add("First.")
    refusals.extend(ValidationError("Second."))

    with pytest.raises(ValidationError) as excinfo:
        refusals.raise_any()

    assert not hasattr(excinfo.value, "error_dict")
    assert excinfo.value.messages == ["First.", "Second."]
