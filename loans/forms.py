"""Forms of the loan pages. Field names are the services' argument names, so that a service's
ValidationError lands on the field it is about (core.forms.write_through)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.bounded import search_field
from core.forms import CountField, DateField, DateInput, MoneyInput, OnceForm, VersionedForm, VNDField
from loans.models import (
    MAX_GRACE_DAYS,
    MAX_MONTHLY_RATE_PERCENT,
    MAX_TERM_MONTHS,
    DecisionBody,
    InterestMethod,
    LoanPurpose,
    LoanStatus,
    RepaymentFrequency,
)
from loans.selectors import loan_book


class RateField(forms.DecimalField):
    """Percent per month, typed "0,5" (the Vietnamese way) or "0.5"."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=Decimal(0),
            max_value=Decimal(MAX_MONTHLY_RATE_PERCENT),
            max_digits=6,
            decimal_places=3,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def term_field(label):
    return CountField(label=label, min_value=1, max_value=MAX_TERM_MONTHS)


def reference_field(label, **kwargs):
    return forms.CharField(label=label, max_length=200, **kwargs)


def reason_field(label):
    return forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}))


class RulesForm(forms.Form):
    effective_from = DateField(label=_("In force from"))
    max_amount = VNDField(label=_("Maximum amount (đồng)"), min_value=1)
    max_term_months = term_field(_("Maximum term (months)"))
    monthly_rate = RateField(label=_("Interest rate per month (%)"), help_text=_("For example 0,5. May be 0."))
    method = forms.ChoiceField(label=_("Interest method"), choices=InterestMethod.choices, widget=forms.RadioSelect)
    frequency = forms.ChoiceField(label=_("Repayment"), choices=RepaymentFrequency.choices, widget=forms.RadioSelect)
    grace_days = CountField(
        label=_("Grace period (days)"),
        max_value=MAX_GRACE_DAYS,
        initial=0,
        help_text=_(
            "Days after the due date before the board chases an unpaid instalment. The portfolio counts "
            "days overdue from the due date itself."
        ),
    )
    regulation_reference = forms.CharField(
        label=_("Regulation reference"),
        max_length=200,
        required=False,
        help_text=_("For example: Operating regulations, article 12."),
    )


class LoanFilterForm(forms.Form):
    q = search_field(_("Search by borrower"))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + LoanStatus.choices, required=False)

    def rows(self, *, club):
        """The loans the filters select; a filter that does not validate selects none."""
        if self.is_bound and not self.is_valid():
            return loan_book(club=club).none()
        return loan_book(club=club, **(self.cleaned_data if self.is_bound else {}))


class BorrowerField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.full_name} ({person.birth_year})"


class LoanApplyForm(forms.Form):
    borrower = BorrowerField(label=_("Borrower"), queryset=None)
    amount = VNDField(label=_("Amount (đồng)"), min_value=1)
    term_months = term_field(_("Term (months)"))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=LoanPurpose.choices)
    purpose_note = forms.CharField(label=_("What the money is for"), max_length=300, required=False)
    guarantor = forms.CharField(label=_("Guarantor"), max_length=200, required=False)
    applied_on = DateField(label=_("Application date"))
    override_reason = forms.CharField(
        label=_("Reason for going beyond the rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the loan is larger or longer than the rules in force allow."),
    )

    def __init__(self, *args, members, **kwargs):
        """`members`: the club's active members today (clubs.selectors.club_current_members)."""
        super().__init__(*args, **kwargs)
        self.fields["borrower"].queryset = members


class DecisionForm(forms.Form):
    decided_on = DateField(label=_("Decision date"))
    decision_body = forms.ChoiceField(label=_("Decided by"), choices=DecisionBody.choices, widget=forms.RadioSelect)
    decision_reference = reference_field(
        _("Minutes or decision reference"), help_text=_("For example: Minutes of 05/03/2025.")
    )


class LoanApproveForm(DecisionForm):
    override_reason = forms.CharField(
        label=_("Reason for going beyond the rules"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the loan is larger or longer than the rules in force on the decision date allow."),
    )


class LoanRejectForm(DecisionForm):
    reason = reason_field(_("Reason for rejection"))


class LoanDisburseForm(OnceForm):
    disbursed_on = DateField(label=_("Disbursement date"))
    first_due_on = DateField(
        label=_("First due date"),
        required=False,
        help_text=_("Empty: the club's meeting in the month after the disbursement."),
    )


class RepaymentForm(OnceForm):
    paid_on = DateField(label=_("Date paid"))
    amount = VNDField(label=_("Amount (đồng)"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RepaymentReverseForm(forms.Form):
    reason = reason_field(_("Reason for the reversal"))


class WriteOffForm(forms.Form):
    on = DateField(label=_("Date"))
    reason = reason_field(_("Reason"))
    decision_reference = reference_field(_("Board decision reference"))


class RescheduleForm(forms.Form):
    on = DateField(label=_("Date"))
    term_months = term_field(_("New term (months)"))
    first_due_on = DateField(label=_("First new due date"))
    reason = reason_field(_("Reason"))
    decision_reference = reference_field(_("Board decision reference"))


class CollectionSheetForm(VersionedForm):
    """The date of the meeting's payments and one amount per loan of the sheet (0 or empty:
    nothing paid), saved once and over the version of the loan books it was opened at."""

    paid_on = DateField(label=_("Paid on"), widget=DateInput(attrs={"class": "form-control form-control-lg"}))

    def __init__(self, *args, rows, read_only: bool = False, **kwargs):
        """`rows`: loans.selectors.collection_sheet; each row's amount starts at what it should pay."""
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.field_name(row.loan.pk)] = VNDField(
                label=row.loan.borrower.full_name,
                required=False,
                initial=row.prefill,
                widget=MoneyInput(attrs={"class": "form-control form-control-lg text-end"}),
            )
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    @staticmethod
    def field_name(loan_pk: int) -> str:
        return f"loan_{loan_pk}"

    def row_fields(self):
        """(row, bound field) for the template, in the sheet's order."""
        return [(row, self[self.field_name(row.loan.pk)]) for row in self.rows]

    def amounts(self) -> dict[int, int]:
        return {row.loan.pk: self.cleaned_data.get(self.field_name(row.loan.pk)) or 0 for row in self.rows}

    def entered_total(self) -> int:
        """What the sheet adds up to: the amounts typed when posted (a refused row included, as
        typed), the prefilled ones otherwise."""
        if not self.is_bound:
            return sum(row.prefill for row in self.rows)
        total = 0
        for row in self.rows:
            name = self.field_name(row.loan.pk)
            try:
                total += self.fields[name].clean(self[name].data) or 0
            except ValidationError:
                continue  # not an amount: its row shows why
        return total
