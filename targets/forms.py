"""The plan and the date a targets page, export or command is asked for."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bounded import id_field
from core.dates import MAX_YEAR, MIN_YEAR
from reports.forms import AsOfForm
from targets.models import TargetPlan
from targets.report import MEASURE_LABELS, ClubMeasure
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


# --- the lists behind the figures ----------------------------------------------------------

YES_NO = [("", _("All")), ("1", _("Yes")), ("0", _("No"))]


def _yes_no(label):
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda value: value == "1", empty_value=None, required=False
    )


class DrillDownForm(TargetReportForm):
    """The plan, the date and the district of a list behind a figure; a wrong filter is shown
    and left out, like a wrong date."""

    district = id_field(_("District"))

    def value(self, name: str):
        return self._field_if_right(name)


class NewClubsForm(DrillDownForm):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    launched = _yes_no(_("Launched"))


class ClubsForm(DrillDownForm):
    measure = forms.TypedChoiceField(
        label=_("Measure"),
        choices=[("", _("All"))] + [(measure.value, label) for measure, label in MEASURE_LABELS.items()],
        coerce=ClubMeasure,
        empty_value=None,
        required=False,
    )
    met = _yes_no(_("Met"))


class UnitsForm(DrillDownForm):
    group = id_field(_("Coverage group"))
    covered = _yes_no(_("Covered"))
