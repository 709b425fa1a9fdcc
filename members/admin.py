from django.contrib import admin

from core.admin import ReadOnlyAdminMixin
from members.models import Ethnicity, HouseholdStatus, Membership, Person
from members.services import PERSON_FIELDS


@admin.register(Ethnicity)
class EthnicityAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = readonly_fields = ("club", "joined_on", "left_on", "leave_reason", "leave_note")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Joining, leaving and moving go through the member pages, which check the dates and audit.
        return False


class HouseholdStatusInline(admin.TabularInline):
    model = HouseholdStatus
    extra = 0
    fields = readonly_fields = ("status", "valid_from", "note")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Read-only here: people are changed on the member pages (rules, folded names, audit)."""

    list_display = ["full_name", "sex", "birth_year", "ethnicity", "hamlet"]
    list_filter = ["sex", "ethnicity", "has_disability", "lives_alone", "receives_home_care", "is_home_care_volunteer"]
    search_fields = ["full_name", "name_folded", "phone"]
    list_select_related = ["ethnicity"]
    inlines = [MembershipInline, HouseholdStatusInline]
    readonly_fields = PERSON_FIELDS
    autocomplete_fields = ["user"]
    exclude = ["name_folded", "sort_key"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["person", "club", "joined_on", "left_on", "leave_reason"]
    list_filter = ["leave_reason", "club__unit__area_type"]
    search_fields = ["person__full_name", "person__name_folded", "club__name", "club__code"]
    list_select_related = ["person", "club"]
    date_hierarchy = "joined_on"
