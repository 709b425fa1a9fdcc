"""The plan and the date a targets page, export or command is asked for."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.forms import AsOfForm
from targets.models import TargetPlan
from targets.selectors import current_plan


class TargetReportForm(AsOfForm):
    """?plan=<short code>&on=<dd/mm/yyyy>: the plan (default: the plan in force today, else the
    latest) and the as-of date (default: today)."""

    plan = forms.ModelChoiceField(
        label=_("Target plan"),
        queryset=TargetPlan.objects.select_related("scheme", "province"),
        to_field_name="code",
        required=False,
        empty_label=None,
    )

    def chosen_plan(self) -> TargetPlan | None:
        """The plan asked for, else the plan in force today (else the latest); None without plans.
        A wrong field falls back alone: its error is shown, the other field still applies."""
        return self._field_if_right("plan") or current_plan(timezone.localdate())

    def as_of(self) -> datetime.date:
        return self._field_if_right("on") or timezone.localdate()

    def _field_if_right(self, name: str):
        if not self.is_bound:
            return None
        self.is_valid()  # fills cleaned_data with the fields that are right
        return self.cleaned_data.get(name)
