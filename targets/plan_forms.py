"""The form province staff fill in to set a target plan: the plan's values, and its coverage
groups as a formset (one row per group of area types). Field names are the service's, so that a
ValidationError from targets.services.plan_save lands on the field it is about."""

import copy
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from areas.models import AdminScheme, AdminUnit, Level
from core.forms import CountField, DateField
from targets.models import TargetPlan, UnitCategory
from targets.services import PLAN_FIELDS

PERCENT_FIELDS = (
    "both_funds_share",
    "all_activities_share",
    "members_borrowing_share",
    "combined_share",
    "club_borrowing_threshold",
)
COUNT_FIELDS = (
    "new_clubs",
    "new_clubs_per_year",
    "new_club_members",
    "window_months",
    "activity_min_months",
    "coverage_min_clubs",
)
ERROR_PERCENT_RANGE = _("Enter a percentage between 0 and 100.")
ERROR_AREA_TYPES = _("Choose at least one area type.")
ERROR_GROUP_NAME_TAKEN = _("Another group of this plan already has this name.")
ERROR_NO_GROUP = _("Give the plan at least one coverage group.")


class PercentField(forms.DecimalField):
    """A percentage with one decimal, typed "50", "62,5" (the Vietnamese way) or "62.5"."""

    default_error_messages = {
        "invalid": _("Enter a percentage such as 50 or 62,5."),
        "min_value": ERROR_PERCENT_RANGE,
        "max_value": ERROR_PERCENT_RANGE,
        "max_decimal_places": _("Use at most one decimal, e.g. 62,5."),
    }

    def __init__(self, **kwargs):
        for model_field_only in ("max_digits", "decimal_places", "min_value", "max_value", "widget", "localize"):
            kwargs.pop(model_field_only, None)
        super().__init__(
            min_value=Decimal(0),
            max_value=Decimal(100),
            max_digits=4,
            decimal_places=1,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%").strip().replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value):
        # 50.0 is shown as "50" and 62.5 as "62,5" in Vietnamese, which to_python reads back.
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            value = Decimal(value)
            if value == value.to_integral_value():
                return str(int(value))
            return number_format(value, decimal_pos=1, use_l10n=True)
        return value


class ProvinceChoiceField(forms.ModelChoiceField):
    """Provinces shown with their map, since a province is on every map it outlived."""

    def label_from_instance(self, unit):
        return f"{unit.name} ({unit.scheme.name})"


class PlanForm(forms.ModelForm):
    """The plan's own values. The model's rules (province on the chosen map, period, months within
    the window) are checked here already, by the ModelForm's call of TargetPlan.full_clean."""

    class Meta:
        model = TargetPlan
        fields = list(PLAN_FIELDS)
        field_classes = {
            "period_start": DateField,
            "period_end": DateField,
            "province": ProvinceChoiceField,
            **dict.fromkeys(PERCENT_FIELDS, PercentField),
            **dict.fromkeys(COUNT_FIELDS, CountField),
        }
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "new_club_date": forms.RadioSelect,
            "code": forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "off"}),
        }
        error_messages = {
            "name": {"unique": _("Another plan already has this name.")},
            "code": {
                "unique": _("Another plan already has this short code."),
                "invalid": _("Use only lower-case letters without accents, digits and hyphens, e.g. qng-2022-2025."),
            },
        }

    def __init__(self, data: Any = None, *, instance: TargetPlan | None = None, **kwargs: Any) -> None:
        # The ModelForm writes the posted values onto its instance while validating; it gets a copy,
        # so the plan passed in keeps the stored values that plan_save compares for the audit entry.
        super().__init__(data, instance=copy.copy(instance) if instance else None, **kwargs)
        scheme = cast(forms.ModelChoiceField, self.fields["scheme"])
        scheme.queryset = AdminScheme.objects.order_by("valid_from")
        scheme.empty_label = None
        cast(ProvinceChoiceField, self.fields["province"]).queryset = (
            AdminUnit.objects.filter(level=Level.PROVINCE)
            .select_related("scheme")
            .order_by("scheme__valid_from", "name")
        )

    def values(self) -> dict:
        """The plan's values, as plan_save takes them."""
        return {name: self.cleaned_data[name] for name in PLAN_FIELDS}


class CoverageForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=200, help_text=_("e.g. Plain districts, town and city"))
    area_types = forms.MultipleChoiceField(
        label=_("Area types"),
        choices=UnitCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": ERROR_AREA_TYPES},
        help_text=_("The commune-level units of these types on the report's date make up the group."),
    )
    share = PercentField(
        label=_("Coverage target (%)"),
        help_text=_("Share of the group's commune-level units with at least one active club."),
    )


class BaseCoverageFormSet(forms.BaseFormSet):
    """Coverage groups: at least one; a row is removed by ticking its "delete" box (or its button,
    with JavaScript); one blank row lets a group be added without JavaScript."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": ERROR_NO_GROUP,
    }

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this group")

    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self._kept_forms():
            name = " ".join(form.cleaned_data["name"].split()).casefold()
            if name in seen:
                form.add_error("name", ERROR_GROUP_NAME_TAKEN)
            seen.add(name)

    def coverage(self) -> list[dict]:
        """The groups in the order of the rows, as plan_save takes them."""
        return [
            {
                "name": form.cleaned_data["name"],
                "area_types": form.cleaned_data["area_types"],
                "share": form.cleaned_data["share"],
            }
            for form in self._kept_forms()
        ]

    def _kept_forms(self):
        # A blank extra row has empty cleaned_data; a ticked row is deleted.
        return [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]


CoverageFormSet = forms.formset_factory(
    CoverageForm, formset=BaseCoverageFormSet, extra=1, min_num=1, validate_min=True, can_delete=True
)


def coverage_formset(data=None, *, plan: TargetPlan | None = None) -> BaseCoverageFormSet:
    """The coverage rows, with the plan's groups when editing."""
    initial = [
        {"name": target.name, "area_types": target.area_types, "share": target.share}
        for target in (plan.coverage_targets.all() if plan else [])
    ]
    # formset_factory builds a subclass of BaseCoverageFormSet; its stubs say only BaseFormSet.
    return cast(BaseCoverageFormSet, CoverageFormSet(data, initial=initial, prefix="coverage"))
