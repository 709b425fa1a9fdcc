"""Forms of the funds pages: the cash-book filters and one form per way money moves.

Field names are the services' keyword arguments, so a view passes `form.cleaned_data` as it is
and a service's ValidationError lands on the field it names (core.forms.write_through).
"""

import datetime
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import NUMERIC_INPUT, DateField, DateInput, OnceForm, VersionedForm, VNDField
from funds.models import CapitalSource, EntryType, Fund, FundKind
from funds.selectors import CashBook, cash_book
from members.models import Person

ERROR_PERIOD_REVERSED = _("The period ends before it starts.")
ERROR_MONTH_NOT_OFFERED = _("Choose one of the months offered.")


# --- the cash book ----------------------------------------------------------------------------


class CashBookFilterForm(forms.Form):
    start = DateField(label=_("From"), required=False)
    end = DateField(label=_("To"), required=False)
    entry_type = forms.ChoiceField(label=_("Type"), choices=[("", _("All"))] + EntryType.choices, required=False)

    @staticmethod
    def current_year() -> tuple[datetime.date, datetime.date]:
        """This year up to today (funds.selectors.cash_book ends every period today at the latest)."""
        today = timezone.localdate()
        return datetime.date(today.year, 1, 1), today

    def clean(self):
        data = super().clean()
        default_start, default_end = self.current_year()
        data["start"] = data.get("start") or default_start
        data["end"] = data.get("end") or default_end
        if "start" not in self.errors and "end" not in self.errors and data["end"] < data["start"]:
            self.add_error("end", ERROR_PERIOD_REVERSED)
        return data

    def book(self, fund: Fund) -> CashBook:
        """The book the filters ask for: the page and its export show the same one. Filters that
        do not validate give the current year's whole book (the page shows what is wrong)."""
        if self.is_bound and self.is_valid():
            data = self.cleaned_data
            return cash_book(fund=fund, start=data["start"], end=data["end"], entry_type=data["entry_type"])
        start, end = self.current_year()
        return cash_book(fund=fund, start=start, end=end)


# --- entries ----------------------------------------------------------------------------------


class FundChoiceField(forms.TypedChoiceField):
    """One of the club's two funds, chosen by kind; cleaned to the Fund."""

    def __init__(self, *, funds: dict[str, Fund] | None = None, **kwargs):
        super().__init__(choices=FundKind.choices, **kwargs)
        self.funds = funds or {}

    def clean(self, value):
        kind = super().clean(value)
        return self.funds[kind]


class EntryForm(OnceForm):
    """Base of the entry forms: `funds` are the club's funds by kind, offered in FundKind order.
    Each is saved once (core.forms.OnceForm)."""

    def __init__(self, *args, funds: dict[str, Fund], **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, FundChoiceField):
                field.funds = funds
                field.choices = [(kind, label) for kind, label in FundKind.choices if kind in funds]


class ContributionForm(EntryForm):
    fund = FundChoiceField(label=_("Into the fund"), widget=forms.RadioSelect)
    entry_date = DateField(label=_("Date"))
    amount = VNDField(label=_("Amount (đồng)"))
    source = forms.ChoiceField(label=_("Source"), choices=CapitalSource.choices)
    contributor = forms.CharField(
        label=_("Contributor"),
        max_length=200,
        required=False,
        help_text=_("The member, organisation or donor who gave the money."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    document_number = forms.CharField(label=_("Receipt number"), max_length=32, required=False)


class SpendingForm(EntryForm):
    fund = FundChoiceField(label=_("From the fund"), widget=forms.RadioSelect)
    entry_date = DateField(label=_("Date"))
    amount = VNDField(label=_("Amount (đồng)"))
    purpose = forms.CharField(
        label=_("Spent on"), max_length=300, help_text=_("For example: visiting a sick member, a health talk.")
    )
    document_number = forms.CharField(label=_("Payment voucher number"), max_length=32, required=False)


class TransferForm(EntryForm):
    from_fund = FundChoiceField(label=_("From the fund"), widget=forms.RadioSelect)
    entry_date = DateField(label=_("Date"))
    amount = VNDField(label=_("Amount (đồng)"))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, *args, funds: dict[str, Fund], **kwargs):
        super().__init__(*args, funds=funds, **kwargs)
        self.funds = funds
        names = dict(FundKind.choices)
        # "income-generation fund → activity fund": the other fund is the only destination.
        cast(FundChoiceField, self.fields["from_fund"]).choices = [
            (kind, f"{label} → {names[self._other(kind)]}") for kind, label in FundKind.choices
        ]

    @staticmethod
    def _other(kind: str) -> str:
        return FundKind.ACTIVITY if kind == FundKind.INCOME else FundKind.INCOME

    def clean(self):
        data = super().clean()
        if data.get("from_fund") is not None:
            data["to_fund"] = self.funds[self._other(data["from_fund"].kind)]
        return data


class OpeningBalanceForm(EntryForm):
    fund = FundChoiceField(label=_("Fund"), widget=forms.RadioSelect)
    entry_date = DateField(
        label=_("Date"), help_text=_("The day the paper books were closed and the product took over.")
    )
    amount = VNDField(label=_("Balance (đồng)"), help_text=_("What the fund held on that day."))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class EntryCorrectForm(forms.Form):
    entry_date = DateField(label=_("Date of the correction"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


# --- the meeting's contributions sheet --------------------------------------------------------


class ContributionsSheetForm(VersionedForm):
    """The date of a meeting's contributions and, for each member and each fund, what they paid
    (0 or empty: nothing), prefilled with the fund's usual contribution unless already recorded."""

    entry_date = DateField(label=_("Date"), widget=DateInput(attrs={"class": "form-control form-control-lg"}))

    def __init__(
        self,
        *args,
        members: list[Person],
        funds: list[Fund],
        paid: dict[tuple[int, str], int],
        attendance: dict[int, bool] | None = None,
        read_only: bool = False,
        **kwargs,
    ):
        """`members`: funds.selectors.sheet_members; `funds`: the club's funds in FundKind order;
        `paid`: funds.selectors.sheet_paid, what each member already paid that day; `attendance`:
        for a club that records it, {person id: present} as recorded that day (None: no box)."""
        super().__init__(*args, **kwargs)
        self.members, self.funds, self.paid = members, funds, paid
        self.attendance = attendance
        if attendance is not None:
            for person in members:
                # Unticked unless recorded present: a member is marked present, never assumed so.
                self.fields[self.present_name(person.pk)] = forms.BooleanField(
                    label=_("Present"),
                    required=False,
                    initial=attendance.get(person.pk, False),
                    widget=forms.CheckboxInput(attrs={"class": "form-check-input attendance-box"}),
                )
        for person in members:
            for fund in funds:
                prefill = 0 if (person.pk, fund.kind) in paid else fund.usual_contribution
                self.fields[self.field_name(person.pk, fund.kind)] = VNDField(
                    label=fund.get_kind_display(),
                    required=False,
                    initial=prefill or None,
                    widget=forms.TextInput(
                        attrs={
                            **NUMERIC_INPUT,
                            "class": "form-control form-control-lg text-end",
                            "data-fund": fund.kind,
                        }
                    ),
                )
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    @staticmethod
    def field_name(person_pk: int, kind: str) -> str:
        return f"member_{person_pk}_{kind}"

    @staticmethod
    def present_name(person_pk: int) -> str:
        return f"member_{person_pk}_present"

    def rows(self):
        """(member, [(fund, bound field, already paid)], present box or None) for the template, in
        the register's order."""
        return [
            (
                person,
                [
                    (fund, self[self.field_name(person.pk, fund.kind)], self.paid.get((person.pk, fund.kind), 0))
                    for fund in self.funds
                ],
                self[self.present_name(person.pk)] if self.attendance is not None else None,
            )
            for person in self.members
        ]

    def present(self) -> set[int] | None:
        """The person ids ticked present; None when the sheet asks no attendance."""
        if self.attendance is None:
            return None
        return {person.pk for person in self.members if self.cleaned_data.get(self.present_name(person.pk))}

    def amounts(self) -> dict[tuple[int, str], int]:
        return {
            (person.pk, fund.kind): self.cleaned_data.get(self.field_name(person.pk, fund.kind)) or 0
            for person in self.members
            for fund in self.funds
        }

    def entered(self) -> dict[str, int]:
        """{fund kind: what the sheet adds up to}: as typed when posted (a refused row included),
        the prefilled amounts otherwise."""
        totals = dict.fromkeys((fund.kind for fund in self.funds), 0)
        for person in self.members:
            for fund in self.funds:
                name = self.field_name(person.pk, fund.kind)
                if not self.is_bound:
                    totals[fund.kind] += self.fields[name].initial or 0
                    continue
                try:
                    totals[fund.kind] += self.fields[name].clean(self[name].data) or 0
                except ValidationError:
                    continue  # not an amount: its row shows why
        return totals


class UsualContributionsForm(forms.Form):
    """What each member usually pays into each fund at a meeting; fields named by fund kind."""

    income = VNDField(label=_("Into the income-generation fund (đồng)"), help_text=_("0: nothing is usual."))
    activity = VNDField(label=_("Into the activity fund (đồng)"), help_text=_("0: nothing is usual."))


# --- closed months ----------------------------------------------------------------------------


class MonthCloseForm(forms.Form):
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=datetime.date.fromisoformat,
        error_messages={"invalid_choice": ERROR_MONTH_NOT_OFFERED},
    )

    def __init__(self, *args, months: list[datetime.date], **kwargs):
        """`months`: the months the club may close (funds.selectors.closable_months)."""
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["month"]).choices = [
            (month.isoformat(), f"{month:%m/%Y}") for month in months
        ]


class MonthReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Why the month must be opened again; it is kept in the history."),
    )
