from django import forms
from django.contrib import admin

from clubs.models import Club, ClubStatusChange
from clubs.services import register
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
        fields = register.CLUB_FIELDS

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            # The instance is updated only after clean(); check the values as they will be saved.
            candidate = Club(pk=self.instance.pk, name_folded=fold(cleaned["name"]), **cleaned)
            placing = (
                candidate.unit_id != self.instance.unit_id or candidate.decision_date != self.instance.decision_date
            )
            register.club_validate(club=candidate, unit=candidate.unit, placing=placing)
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
        register.club_update(
            club=stored, actor=request.user, **{field: getattr(obj, field) for field in register.CLUB_FIELDS}
        )


@admin.register(ClubStatusChange)
class ClubStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: changes are recorded on the club page, which checks their order and audits them."""

    list_display = ["club", "kind", "effective_on", "created_by", "created_at"]
    list_filter = ["kind", "club__unit__area_type"]
    search_fields = ["club__name", "club__code", "reason"]
    list_select_related = ["club", "created_by"]
    date_hierarchy = "effective_on"
