import datetime
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from areas.models import AdminScheme
from core.forms import DateField
from loans.models import Loan
from loans.portfolio import OVER_PAR_DAYS, Bucket, Period, overdue_loans

ERROR_FUTURE = _("The date cannot be in the future.")


class AsOfForm(forms.Form):
    on = DateField(label=_("As of"), required=False)

    def clean_on(self) -> datetime.date:
        on = self.cleaned_data["on"] or timezone.localdate()
        if on > timezone.localdate():
            raise ValidationError(ERROR_FUTURE)
        return on

    def as_of(self) -> datetime.date:
        """The date asked for, or today when the form is empty or wrong (its errors are shown)."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["on"]
        return timezone.localdate()


# --- the loan portfolio ---------------------------------------------------------------------

ERROR_PERIOD_ORDER = _("The start of the period cannot be after its end.")


class PortfolioForm(AsOfForm):
    """The as-of date and the period of the repayment rate and new borrowers (default: the twelve
    months up to the as-of date)."""

    period_from = DateField(label=_("Period from"), required=False)
    period_to = DateField(label=_("Period to"), required=False)

    def clean_period_to(self) -> datetime.date | None:
        end = self.cleaned_data["period_to"]
        if end is not None and end > timezone.localdate():
            raise ValidationError(ERROR_FUTURE)
        return end

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start and start > (end or cleaned.get("on") or timezone.localdate()):
            self.add_error("period_from", ERROR_PERIOD_ORDER)
        return cleaned

    def period(self) -> Period:
        """The period asked for; what is left empty (or everything, when the form is wrong) comes
        from the twelve months up to the as-of date."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("period_to") or self.as_of()
        return Period(start=data.get("period_from") or Period.last_12_months(end).start, end=end)


class OverdueFilterForm(AsOfForm):
    bucket = forms.ChoiceField(
        label=_("Days overdue"),
        choices=[("", _("All")), (OVER_PAR_DAYS, _("over 30 days"))] + Bucket.choices,
        required=False,
    )
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, districts: list, scheme: AdminScheme | None, **kwargs):
        """`districts`: (id, name) of the areas right under the province the user's clubs sit in
        on the map `scheme` (loans.portfolio.district_choices)."""
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        cast(forms.TypedChoiceField, self.fields["district"]).choices = [("", _("All"))] + list(districts)

    def rows(self, *, clubs) -> QuerySet[Loan]:
        """The overdue loans the filters select; none when a filter does not validate (a crafted
        district outside the scope, say)."""
        if self.is_bound and not self.is_valid():
            return Loan.objects.none()
        criteria = self.cleaned_data if self.is_bound else {}
        return overdue_loans(
            clubs=clubs,
            on=self.as_of(),
            bucket=criteria.get("bucket", ""),
            district=criteria.get("district"),
            scheme=self.scheme,
        )
