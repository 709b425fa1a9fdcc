from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from targets.models import CoverageTarget, TargetPlan


class CoverageTargetInline(admin.TabularInline):
    model = CoverageTarget
    fields = readonly_fields = ("order", "name", "area_types", "share")
    extra = 0
    can_delete = False


@admin.register(TargetPlan)
class TargetPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: province staff set plans on the target plan pages, through
    targets.services.plan_save, which checks the plan with its coverage groups as one and audits
    every change; the report's figures are only as trustworthy as that record."""

    list_display = ["name", "code", "province", "scheme", "period_start", "period_end", "new_clubs", "updated_at"]
    list_filter = ["scheme", "province"]
    search_fields = ["name", "code", "legal_basis"]
    list_select_related = ["scheme", "province"]
    date_hierarchy = "period_end"
    inlines = [CoverageTargetInline]
