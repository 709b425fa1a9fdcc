"""The Django admin of accounts and roles. Its saves bypass the services, so each save and delete
of a role assignment, and each change of an account's administration rights, is audited here with
the request's user as the actor (accounts.services says why not by signals)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["area", "club"]


def _roles_delete_record(request, assignments) -> None:
    for assignment in assignments:
        services.role_assignment_delete_record(actor=request.user, assignment=assignment)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Profile"), {"fields": ("full_name", "phone", "language")}))
    list_display = ["username", "full_name", "phone", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name", "first_name", "last_name", "email", "phone"]
    inlines = [RoleAssignmentInline]

    def save_model(self, request, obj, form, change):
        # The rights as stored before this save: the flags are saved here, the groups and
        # permissions with the form's many-to-many data in save_related, audited after both.
        form.admin_rights_before = services.admin_rights(obj) if change else services.NO_ADMIN_RIGHTS
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.admin_rights_record(actor=request.user, user=form.instance, before=form.admin_rights_before)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        stored = RoleAssignment.objects.filter(pk__in=[f.instance.pk for f in formset.forms if f.instance.pk])
        before = {assignment.pk: services.role_snapshot(assignment) for assignment in stored}
        _roles_delete_record(request, [f.instance for f in formset.deleted_forms if f.instance.pk])
        super().save_formset(request, form, formset, change)
        for assignment in formset.new_objects:
            services.role_assignment_record(actor=request.user, assignment=assignment, before=None)
        for assignment, _fields in formset.changed_objects:
            services.role_assignment_record(actor=request.user, assignment=assignment, before=before[assignment.pk])

    def delete_model(self, request, obj):
        # The account's roles go with it (on_delete CASCADE): each deletion is audited.
        _roles_delete_record(request, obj.role_assignments.all())
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        _roles_delete_record(request, RoleAssignment.objects.filter(user__in=queryset))
        super().delete_queryset(request, queryset)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "title", "area", "club", "valid_from", "valid_until"]
    list_filter = ["role", "title"]
    search_fields = ["user__username", "user__full_name", "area__name", "club__name", "club__code"]
    autocomplete_fields = ["user", "area", "club"]
    list_select_related = ["user", "area", "club"]

    def save_model(self, request, obj, form, change):
        before = services.role_snapshot(RoleAssignment.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        services.role_assignment_record(actor=request.user, assignment=obj, before=before)

    def delete_model(self, request, obj):
        _roles_delete_record(request, [obj])
        super().delete_model(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        _roles_delete_record(request, queryset.select_related("user", "area", "club"))
        super().delete_queryset(request, queryset)
