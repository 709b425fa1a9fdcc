from django.contrib import admin

from spreadsheets.models import SpreadsheetImport


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
