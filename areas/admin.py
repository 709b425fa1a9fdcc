from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from areas.models import AdminScheme, AdminUnit, UnitLink
from core.admin import ReadOnlyAdminMixin


@admin.register(AdminScheme)
class AdminSchemeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic for the type checker only
    list_display = ["code", "name", "valid_from", "valid_until"]
    search_fields = ["code", "name"]


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic for the type checker only
    list_display = [
        "code",
        "name",
        "kind",
        "level",
        "area_type",
        "parent",
        "scheme",
        "valid_from",
        "valid_until",
        "former_province",
        "derived",
    ]
    list_filter = ["scheme", "level", "kind", "area_type", "derived", "former_province"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "scheme"]
    readonly_fields = ["path", "derived"]
    raw_id_fields = ["parent"]


@admin.register(UnitLink)
class UnitLinkAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # generic for the type checker only
    """Read-only: the lineage changes only through load_lineage, which checks the whole file and
    tells the club register (areas.signals.lineage_loaded)."""

    list_display = ["predecessor", "predecessor_scheme", "change", "successor", "successor_scheme"]
    list_filter = ["change", "predecessor__scheme", "successor__scheme"]
    search_fields = ["predecessor__code", "predecessor__name", "successor__code", "successor__name"]
    list_select_related = ["predecessor__scheme", "successor__scheme"]
    readonly_fields = ["predecessor", "successor", "change"]

    @admin.display(description=_("former map"), ordering="predecessor__scheme__valid_from")
    def predecessor_scheme(self, link: UnitLink) -> str:
        return link.predecessor.scheme.code

    @admin.display(description=_("new map"), ordering="successor__scheme__valid_from")
    def successor_scheme(self, link: UnitLink) -> str:
        return link.successor.scheme.code
