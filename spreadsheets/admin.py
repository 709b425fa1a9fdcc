from django.contrib import admin

from spreadsheets.models import ExportJob, SpreadsheetImport


@admin.register(SpreadsheetImport)
class SpreadsheetImportAdmin(admin.ModelAdmin):
    """A record of what was imported, by whom: read-only (imports run through their pages)."""

    list_display = ["created_at", "kind", "original_name", "created_by", "imported_at", "result"]
    list_filter = ["kind", "imported_at"]
    search_fields = ["original_name", "created_by__username"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    exclude = ["content", "preview"]
    readonly_fields = [
        "kind",
        "original_name",
        "created_by",
        "created_at",
        "task_id",
        "queued_at",
        "started_at",
        "imported_at",
        "failed_at",
        "result",
        "errors",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Who asked for which large export, and how it went: read-only (the export pages queue them;
    personal-data exports are in the audit log too)."""

    list_display = ["queued_at", "identifier", "export_format", "requested_by", "club", "finished_at", "failed_at"]
    list_filter = ["identifier", "export_format"]
    search_fields = ["identifier", "requested_by__username", "file_name"]
    list_select_related = ["requested_by", "club"]
    date_hierarchy = "queued_at"
    readonly_fields = [field.name for field in ExportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
