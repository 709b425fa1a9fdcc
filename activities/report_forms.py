"""The filters of the completeness and "all eight activities" pages."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import MAX_YEAR, add_months, month_start, within_years
from core.forms import PlainNumberInput

MONTH_FORMATS = ["%m/%Y", "%Y-%m"]
MAX_MONTHS = 60
ERROR_FUTURE_MONTH = _("The month cannot be in the future.")
ERROR_MONTH_ORDER = _("The first month cannot be after the last one.")
ERROR_TOO_LONG = _("Choose at most %(months)s months.")
ERROR_FUTURE_YEAR = _("The year cannot be in the future.")


class MonthField(forms.DateField):
    """A month typed as mm/yyyy (or picked: yyyy-mm), cleaned to its first day."""

    input_formats = MONTH_FORMATS

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(format="%Y-%m", attrs={"type": "month"}))
        super().__init__(input_formats=MONTH_FORMATS, localize=False, **kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        return None if day is None else month_start(within_years(day))


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve complete months and the current one."""
    return add_months(today, -12), month_start(today)


class PeriodForm(forms.Form):
    start = MonthField(label=_("From month"), required=False)
    end = MonthField(label=_("To month"), required=False)

    def clean(self):
        cleaned = super().clean()
        current = month_start(timezone.localdate())
        default_start, default_end = default_period(timezone.localdate())
        start, end = cleaned.get("start"), cleaned.get("end")
        if end is not None and end > current:
            self.add_error("end", ERROR_FUTURE_MONTH)
            return cleaned
        if start is not None and start > current:
            self.add_error("start", ERROR_FUTURE_MONTH)
            return cleaned
        start, end = start or (add_months(end, -12) if end else default_start), end or default_end
        if start > end:
            self.add_error("start", ERROR_MONTH_ORDER)
        elif (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_MONTHS:
            self.add_error("start", ValidationError(ERROR_TOO_LONG, params={"months": MAX_MONTHS}))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The months asked for, or the default period when the form is empty or wrong."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return default_period(timezone.localdate())


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), required=False, min_value=2000, max_value=MAX_YEAR, widget=PlainNumberInput
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"] or timezone.localdate().year
        if year > timezone.localdate().year:
            raise ValidationError(ERROR_FUTURE_YEAR)
        return year

    def the_year(self) -> int:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return timezone.localdate().year
