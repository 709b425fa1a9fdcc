from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["area", "club"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Profile"), {"fields": ("full_name", "phone", "language")}))
    list_display = ["username", "full_name", "phone", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name", "first_name", "last_name", "email", "phone"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "title", "area", "club", "valid_from", "valid_until"]
    list_filter = ["role", "title"]
    search_fields = ["user__username", "user__full_name", "area__name", "club__name", "club__code"]
    autocomplete_fields = ["user", "area", "club"]
    list_select_related = ["user", "area", "club"]
