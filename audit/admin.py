from django.contrib import admin

from audit.models import AuditEntry
from core.admin import ReadOnlyAdminMixin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # generic for the type checker only
    list_display = ["created_at", "actor", "action", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "action", "actor__username"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]
