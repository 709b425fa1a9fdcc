from django.contrib import admin

from boards.models import BoardPosition, Team, TeamMembership
from core.admin import ReadOnlyAdminMixin


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Board positions and teams are written on the club pages only (boards.services): their services check the
    club's register (members only, one chair), keep the board's user accounts' roles in step and
    audit every change, none of which a plain admin form would do. Here they can be searched."""


@admin.register(BoardPosition)
class BoardPositionAdmin(ReadOnlyAdmin):
    list_display = ["holder", "title", "club", "started_on", "ended_on", "role_assignment"]
    list_filter = ["title", ("ended_on", admin.EmptyFieldListFilter), "club__unit__area_type"]
    search_fields = ["holder__full_name", "holder__name_folded", "club__name", "club__code"]
    list_select_related = ["holder", "club", "role_assignment__user", "role_assignment__club"]
    date_hierarchy = "started_on"


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    fields = readonly_fields = ("person", "role", "started_on", "ended_on", "note")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "club", "activity_area", "leader", "started_on", "ended_on"]
    list_filter = ["activity_area", ("ended_on", admin.EmptyFieldListFilter), "club__unit__area_type"]
    search_fields = ["name", "club__name", "club__code", "leader__full_name", "leader__name_folded"]
    list_select_related = ["club", "leader"]
    inlines = [TeamMembershipInline]


@admin.register(TeamMembership)
class TeamMembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "role", "team", "started_on", "ended_on"]
    list_filter = ["role", "team__activity_area", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["person__full_name", "person__name_folded", "team__name", "team__club__name", "team__club__code"]
    list_select_related = ["person", "team__club"]
