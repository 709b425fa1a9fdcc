from django import forms
from django.contrib import admin

from clubs import services
from clubs.models import BoardPosition, Club, ClubStatusChange, Team, TeamMembership
from core.admin import ReadOnlyAdminMixin
from core.text import fold


class ClubStatusChangeInline(admin.TabularInline):
    model = ClubStatusChange
    extra = 0
    readonly_fields = ["kind", "effective_on", "reason", "created_by", "created_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Status changes go through the club page, which checks their sequence and audits them.
        return False


class ClubAdminForm(forms.ModelForm):
    class Meta:
        model = Club
        fields = services.CLUB_FIELDS

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            # The instance is updated only after clean(); check the values as they will be saved.
            candidate = Club(pk=self.instance.pk, name_folded=fold(cleaned["name"]), **cleaned)
            services.club_validate(club=candidate, unit=candidate.unit)
        return cleaned


@admin.register(Club)
class ClubAdmin(admin.ModelAdmin):
    form = ClubAdminForm
    list_display = ["code", "name", "unit", "decision_date", "launch_date", "meeting_day"]
    list_filter = ["unit__area_type", "unit__scheme"]
    search_fields = ["code", "name", "name_folded", "unit__name"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["code", "created_at", "updated_at"]
    inlines = [ClubStatusChangeInline]

    def has_add_permission(self, request):
        # Clubs are registered on the club pages, which allocate the code and audit the entry.
        return False

    def save_model(self, request, obj, form, change):
        stored = Club.objects.get(pk=obj.pk)
        services.club_update(
            club=stored, actor=request.user, **{field: getattr(obj, field) for field in services.CLUB_FIELDS}
        )


@admin.register(ClubStatusChange)
class ClubStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: changes are recorded on the club page, which checks their order and audits them."""

    list_display = ["club", "kind", "effective_on", "created_by", "created_at"]
    list_filter = ["kind", "club__unit__area_type"]
    search_fields = ["club__name", "club__code", "reason"]
    list_select_related = ["club", "created_by"]
    date_hierarchy = "effective_on"


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Board positions and teams are written on the club pages only: their services check the
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
    fields = ["person", "role", "started_on", "ended_on", "note"]
    readonly_fields = fields
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
