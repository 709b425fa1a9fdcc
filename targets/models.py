"""Target plans: what a province promised to reach by a date, as data (docs/domain.md §5).

A plan names the map it refers to (the 2025 targets of Quảng Ngãi are counted on the districts
and communes of 2020–2024, whatever map clubs are registered on later), its period and its
targets. Coverage targets are rows, one per group of area types, so a plan with other groups
(e.g. "mountainous, border and island communes" after 2025) is more rows, not more code.
Shares are percents with one decimal.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from areas.models import AdminScheme, AdminUnit, AreaType, Level
from core.types import Text

NOT_SET_YET = _("Leave empty while the province has not set it.")
PERCENT_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def _percent(verbose_name, help_text=""):
    return models.DecimalField(
        verbose_name, max_digits=4, decimal_places=1, validators=PERCENT_VALIDATORS, help_text=help_text
    )


class NewClubDate(models.TextChoices):
    """When a club counts as new in the plan's period."""

    DECISION = "decision", _("decision of establishment")
    LAUNCH = "launch", _("launch")


class TargetPlan(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(
        _("short code"), max_length=50, unique=True, help_text=_("Used in links and commands, e.g. qng-2022-2025.")
    )
    legal_basis = models.TextField(
        _("legal basis"), help_text=_("The decisions and plans the targets come from, e.g. Decision 1336/QĐ-TTg.")
    )
    scheme = models.ForeignKey(
        AdminScheme,
        on_delete=models.PROTECT,
        related_name="target_plans",
        verbose_name=_("administrative map"),
        help_text=_("The districts and communes the targets are counted on."),
    )
    province = models.ForeignKey(
        AdminUnit, on_delete=models.PROTECT, related_name="target_plans", verbose_name=_("province")
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))

    # The count targets may be left empty until the province sets them (a plan adopted nationally
    # before the province's own numbers): the report then shows the figures without a target.
    new_clubs = models.PositiveIntegerField(_("new clubs"), null=True, blank=True, help_text=NOT_SET_YET)
    new_clubs_per_year = models.PositiveIntegerField(
        _("new clubs a year"), null=True, blank=True, help_text=NOT_SET_YET
    )
    new_club_date = models.CharField(
        _("a club is new from its"),
        max_length=16,
        choices=NewClubDate.choices,
        default=NewClubDate.DECISION,
        help_text=_("Which date must fall in the period for a club to count as new."),
    )
    new_club_members = models.PositiveIntegerField(
        _("members of the new clubs"), null=True, blank=True, help_text=NOT_SET_YET
    )
    both_funds_share = _percent(
        _("clubs with both funds (%)"), _("Share of active clubs whose two funds both have a positive balance.")
    )
    all_activities_share = _percent(
        _("clubs doing all 8 activities (%)"),
        _("Share of active clubs that carried out all eight activity areas in the window."),
    )
    members_borrowing_share = _percent(
        _("members borrowing (%)"), _("Share of the members of active clubs with a loan in the window.")
    )
    combined_share = _percent(
        _("clubs passing the combined test (%)"),
        _("Share of active clubs doing all 8 activities whose own members borrow at least the threshold below."),
    )
    club_borrowing_threshold = _percent(
        _("members borrowing in a club (%)"),
        _("For the combined test: the share of a club's members that must have had a loan in the window."),
    )
    window_months = models.PositiveSmallIntegerField(
        _("window (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Activities and loans are counted over this many months up to the report date."),
    )
    activity_min_months = models.PositiveSmallIntegerField(
        _("months of activity per area"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("An area counts as carried out with activity in at least this many accepted monthly reports."),
    )
    coverage_min_clubs = models.PositiveSmallIntegerField(
        _("clubs for a covered unit"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("A commune counts as covered with at least this many active clubs."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("target plan")
        verbose_name_plural = _("target plans")
        ordering = ["-period_end", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=models.F("period_start")),
                name="target_plan_period_end_after_start",
                violation_error_message=_("The period must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(window_months__gte=models.F("activity_min_months")),
                name="target_plan_min_months_within_window",
                violation_error_message=_("The months of activity per area cannot exceed the window."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__gte": 0, f"{field}__lte": 100}), name=f"target_plan_{field}_percent"
                )
                for field in (
                    "both_funds_share",
                    "all_activities_share",
                    "members_borrowing_share",
                    "combined_share",
                    "club_borrowing_threshold",
                )
            ],
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.province_id and self.scheme_id:
            if self.province.level != Level.PROVINCE:
                errors["province"] = _("Choose a province-level unit.")
            elif self.province.scheme_id != self.scheme_id:
                errors["province"] = _("The province must be on the plan's administrative map.")
        if self.period_start and self.period_end and self.period_end <= self.period_start:
            errors["period_end"] = _("The period must end after it starts.")
        if self.window_months and self.activity_min_months and self.activity_min_months > self.window_months:
            errors["activity_min_months"] = _("The months of activity per area cannot exceed the window.")
        if errors:
            raise ValidationError(errors)

    @property
    def years(self) -> list[int]:
        return list(range(self.period_start.year, self.period_end.year + 1))


class UnitCategory(models.TextChoices):
    """What a coverage group is made of: the area types, and the border communes (Decision
    1648/QĐ-TTg groups "mountainous, border and island communes"), as classified on the report's
    date (AdminUnitQuerySet.with_classification_on)."""

    PLAIN = AreaType.PLAIN.value, AreaType.PLAIN.label
    MOUNTAIN = AreaType.MOUNTAIN.value, AreaType.MOUNTAIN.label
    ISLAND = AreaType.ISLAND.value, AreaType.ISLAND.label
    BORDER = "border", _("border commune")


class CoverageTarget(models.Model):
    """The share of a group's commune-level units to have a club, e.g. 50 % of the communes of
    the plain districts, the town and the city."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="coverage_targets")
    name = models.CharField(_("group"), max_length=200, help_text=_("e.g. Plain districts, town and city"))
    area_types = models.JSONField(_("area types"), help_text=_("The area types of the units in the group."))
    share = _percent(_("coverage target (%)"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("coverage target")
        verbose_name_plural = _("coverage targets")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="coverage_target_name_unique_in_plan"),
            models.CheckConstraint(condition=Q(share__gte=0, share__lte=100), name="coverage_target_share_percent"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.area_types or not set(self.area_types) <= set(UnitCategory.values):
            raise ValidationError({"area_types": _("Choose at least one area type.")})

    @property
    def area_type_labels(self) -> list[Text]:
        return [UnitCategory(value).label for value in self.area_types if value in UnitCategory.values]

    # Which units the group counts, in two forms side by side: `includes` for a unit already
    # fetched, `unit_condition` to filter units in SQL; both over the unit's classification on
    # the day (area_type_on, is_border_on) and tested together in tests/targets/test_coverage_groups.py.

    def includes(self, area_type: str, is_border: bool) -> bool:
        return area_type in self.area_types or (is_border and UnitCategory.BORDER in self.area_types)

    def unit_condition(self) -> Q:
        """Q on units annotated by AdminUnitQuerySet.with_classification_on."""
        condition = Q(area_type_on__in=self.area_types)
        if UnitCategory.BORDER in self.area_types:
            condition |= Q(is_border_on=True)
        return condition
