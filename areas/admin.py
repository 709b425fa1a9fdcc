from django.contrib import admin

from areas.models import AdminScheme, AdminUnit


@admin.register(AdminScheme)
class AdminSchemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic for the type checker only
    list_display = ["code", "name", "valid_from", "valid_until"]
    search_fields = ["code", "name"]


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic for the type checker only
    list_display = ["code", "name", "kind", "level", "area_type", "parent", "scheme", "valid_from", "valid_until"]
    list_filter = ["scheme", "level", "kind", "area_type"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "scheme"]
    readonly_fields = ["path"]
    raw_id_fields = ["parent"]
