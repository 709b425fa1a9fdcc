from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from audit import display
from audit.models import ACTION_LABELS, AuditEntry
from core.admin import ReadOnlyAdminMixin


class ActionFilter(admin.SimpleListFilter):
    """The kinds of change by their labels (the codes are for the code)."""

    title = _("kind of change")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:  # type: ignore[type-arg]  # generic for the type checker only
        return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class TargetTypeFilter(admin.SimpleListFilter):
    """The kinds of object by their names."""

    title = _("object type")
    parameter_name = "target_type"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:  # type: ignore[type-arg]  # generic for the type checker only
        types = AuditEntry.objects.order_by().values_list("target_type", flat=True).distinct()
        return sorted(((code, display.target_type_name(code)) for code in types), key=lambda item: item[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        return queryset.filter(target_type=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]  # generic for the type checker only
    """Written by the services only (audit.services): read here as on the audit log page, in
    words and in Vietnam time."""

    list_display = ["when", "actor", "what", "object_type", "target_repr"]
    list_select_related = ["actor"]
    list_filter = [ActionFilter, TargetTypeFilter]
    search_fields = ["target_repr", "actor__username", "actor__full_name"]
    date_hierarchy = "created_at"
    readonly_fields = ["when", "actor", "what", "object_type", "target_repr", "target_id", "club", "details"]
    fields = tuple(readonly_fields)

    @admin.display(description=_("time"), ordering="created_at")
    def when(self, entry: AuditEntry) -> str:
        return display.local_time(entry.created_at)

    @admin.display(description=_("action"), ordering="action")
    def what(self, entry: AuditEntry) -> str:
        return entry.get_action_display()

    @admin.display(description=_("object type"), ordering="target_type")
    def object_type(self, entry: AuditEntry) -> str:
        return display.target_type_name(entry.target_type)

    @admin.display(description=_("details"))
    def details(self, entry: AuditEntry) -> SafeString:
        rows = display.details(entry)
        if not rows:
            return format_html("{}", display.EMPTY)
        body = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            ((row.label, row.before, row.after) for row in rows),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("field"),
            _("before"),
            _("after"),
            body,
        )
