"""Every money field of the product is the one money field (core.forms.VNDField, its MoneyInput
box) and every count the one count field (CountField, CountInput); years and the meeting day are
plain numeric boxes, never grouped."""

import datetime

import pytest
from django import forms

from activities import services as report_services
from activities.fields import FieldKind, fields_of
from activities.forms import ReportForm
from activities.report_forms import YearForm
from boards.forms import CaredForPersonForm
from clubs.forms import ClubForm
from clubs.models import ActivityArea
from core.forms import CountField, CountInput, MoneyInput, PlainNumberInput, VNDField
from funds.forms import ContributionForm, OpeningBalanceForm, SpendingForm, TransferForm
from loans.forms import LoanApplyForm, RepaymentForm, RescheduleForm, RulesForm
from members.forms import PersonForm
from targets.plan_forms import COUNT_FIELDS, PlanForm


def kinds(form_class, names):
    return {name: type(form_class.base_fields[name]) for name in names}


@pytest.mark.parametrize(
    ("form_class", "names"),
    [
        (ContributionForm, ["amount"]),
        (SpendingForm, ["amount"]),
        (TransferForm, ["amount"]),
        (OpeningBalanceForm, ["amount"]),
        (RulesForm, ["max_amount"]),
        (LoanApplyForm, ["amount"]),
        (RepaymentForm, ["amount"]),
    ],
)
def test_amounts_are_money_fields(form_class, names):
    assert set(kinds(form_class, names).values()) == {VNDField}
    assert all(isinstance(form_class.base_fields[name].widget, MoneyInput) for name in names)


@pytest.mark.parametrize(
    ("form_class", "names"),
    [
        (RulesForm, ["max_term_months", "grace_days"]),
        (LoanApplyForm, ["term_months"]),
        (RescheduleForm, ["term_months"]),
        (PlanForm, list(COUNT_FIELDS)),
    ],
)
def test_counts_are_count_fields(form_class, names):
    assert set(kinds(form_class, names).values()) == {CountField}
    assert all(isinstance(form_class.base_fields[name].widget, CountInput) for name in names)


def test_the_monthly_reports_money_figures_are_money_and_the_others_counts(world, club_chair):
    report = report_services.report_start(actor=club_chair, club=world.club_a1, month=datetime.date(2025, 2, 1))
    form = ReportForm(report=report)

    assert isinstance(form.fields["members_present"], CountField)
    money = 0
    for area in ActivityArea:
        for field in fields_of(area):
            expected = VNDField if field.kind == FieldKind.MONEY else CountField
            assert type(form.fields[f"{area}-{field.code}"]) is expected, field.code
            money += field.kind == FieldKind.MONEY
    assert money >= 5  # value of the help, member fees, Golden Heart book, collective income, other money


@pytest.mark.parametrize(
    ("form_class", "name"),
    [(PersonForm, "birth_year"), (CaredForPersonForm, "birth_year"), (ClubForm, "meeting_day"), (YearForm, "year")],
)
def test_years_and_the_meeting_day_are_plain_numeric_boxes(form_class, name):
    field = form_class.base_fields[name]

    assert type(field) is forms.IntegerField
    assert isinstance(field.widget, PlainNumberInput)
    html = field.widget.render(name, 1955)
    assert 'type="text"' in html and 'inputmode="numeric"' in html and 'value="1955"' in html
    assert "data-input" not in html
