from django.contrib import admin

from activities.models import AreaSection, MonthlyReport, ReportEvent
from core.admin import ReadOnlyAdminMixin


class SectionInline(admin.TabularInline):
    model = AreaSection
    fields = readonly_fields = ("area", "no_activity", "values", "note")
    extra = 0
    can_delete = False


class EventInline(admin.TabularInline):
    model = ReportEvent
    fields = readonly_fields = ("at", "action", "actor", "comment")
    extra = 0
    can_delete = False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: reports are filled in and reviewed on the report pages, whose services check the
    figures and the workflow (draft, submitted, accepted) and log every step."""

    list_display = ["club", "month", "status", "first_submitted_at", "accepted_at"]
    list_filter = ["status", "club__unit__area_type"]
    search_fields = ["club__name", "club__code"]
    list_select_related = ["club"]
    date_hierarchy = "month"
    inlines = [SectionInline, EventInline]
