import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField

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
