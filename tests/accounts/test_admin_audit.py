"""Roles and administration rights changed in the Django admin are audited like any other write:
who, what, before and after (accounts/admin.py, accounts.services)."""

import datetime

import pytest
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role, RoleAssignment
from audit.models import AuditEntry
from tests import factories

D = datetime.date


def _value(bound):
    """A bound field's value as a browser would post it back."""
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def _form_data(form, data):
    for name, field in form.fields.items():
        if field.disabled:
            continue
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, AdminSplitDateTime):
            if value:
                data[f"{bound.html_name}_0"] = value.strftime("%d/%m/%Y")
                data[f"{bound.html_name}_1"] = value.strftime("%H:%M:%S")
            continue
        posted = _value(bound)
        if posted == "":
            continue
        data[bound.html_name] = posted
    return data


def change_form_data(response) -> dict:
    """What the admin change page posts back unchanged: its form and its inline forms."""
    data = _form_data(response.context["adminform"].form, {})
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for form in formset.forms:
            _form_data(form, data)
    return data


def user_change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


@pytest.fixture
def someone(world):
    return factories.RoleAssignmentFactory(
        user=factories.UserFactory(username="nhan_vien"), role=Role.AREA_STAFF, area=world.district_a
    ).user


def test_admin_rights_given_in_the_admin_are_audited_with_before_and_after(client, admin_user, someone):
    group = Group.objects.create(name="Hỗ trợ")
    client.force_login(admin_user)
    data = change_form_data(client.get(user_change_url(someone)))
    assert AuditEntry.objects.count() == 0
    response = client.post(user_change_url(someone), {**data, "is_staff": "on", "groups": [str(group.pk)]})
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get()
    assert entry.action == "accounts.user.admin_rights_changed"
    assert (entry.actor, entry.target_type, entry.target_id) == (admin_user, "accounts.user", str(someone.pk))
    assert entry.data == {"is_staff": [False, True], "groups": [[], ["Hỗ trợ"]]}
    assert entry.club_id is None  # the province's to read (audit_entries_for)


def test_a_save_that_changes_no_right_writes_no_entry(client, admin_user, someone):
    client.force_login(admin_user)
    data = change_form_data(client.get(user_change_url(someone)))
    response = client.post(user_change_url(someone), {**data, "full_name": "Tên mới"})
    assert response.status_code == 302
    assert not AuditEntry.objects.exists()


def test_a_role_granted_changed_and_ended_in_the_users_page_is_audited(client, admin_user, someone, world):
    client.force_login(admin_user)
    data = change_form_data(client.get(user_change_url(someone)))
    prefix = "role_assignments"
    assignment = someone.role_assignments.get()
    # Widen the area staff's unit to the commune's district B, and grant a second role.
    data.update(
        {
            f"{prefix}-0-area": str(world.district_b.pk),
            f"{prefix}-TOTAL_FORMS": "2",
            f"{prefix}-1-user": str(someone.pk),
            f"{prefix}-1-role": Role.CLUB_BOARD,
            f"{prefix}-1-club": str(world.club_a1.pk),
            f"{prefix}-1-title": "member",
            f"{prefix}-1-valid_from": "01/01/2025",
        }
    )
    response = client.post(user_change_url(someone), data)
    assert response.status_code == 302, [f.errors for f in response.context["inline_admin_formsets"][0].formset]
    changed = AuditEntry.objects.get(action="accounts.role.changed")
    assert (changed.actor, changed.target_id) == (admin_user, str(assignment.pk))
    assert changed.data["area"] == [str(world.district_a), str(world.district_b)]
    assert changed.data["user"] == "nhan_vien"
    granted = AuditEntry.objects.get(action="accounts.role.granted")
    assert granted.actor == admin_user
    assert granted.data["role"] == Role.CLUB_BOARD and granted.data["club"] == str(world.club_a1)
    assert granted.club_id == world.club_a1.pk

    data = change_form_data(client.get(user_change_url(someone)))
    data[f"{prefix}-0-valid_until"] = "01/03/2025"
    data[f"{prefix}-1-DELETE"] = "on"
    response = client.post(user_change_url(someone), data)
    assert response.status_code == 302
    ended = AuditEntry.objects.get(action="accounts.role.ended")
    assert ended.data["valid_until"] == [None, "2025-03-01"]
    deleted = AuditEntry.objects.get(action="accounts.role.deleted")
    assert deleted.actor == admin_user and deleted.data["role"] == Role.CLUB_BOARD
    assert list(someone.role_assignments.values_list("valid_until", flat=True)) == [D(2025, 3, 1)]


def test_the_role_assignment_admin_audits_its_saves_and_deletions(client, admin_user, someone, world):
    assignment = someone.role_assignments.get()
    url = reverse("admin:accounts_roleassignment_change", args=[assignment.pk])
    client.force_login(admin_user)
    data = change_form_data(client.get(url))
    response = client.post(url, {**data, "role": Role.PROVINCE_STAFF, "area": str(world.province.pk)})
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("accounts.role.changed", admin_user)
    assert entry.data["role"] == [Role.AREA_STAFF, Role.PROVINCE_STAFF]
    assert entry.data["area"] == [str(world.district_a), str(world.province)]

    add = reverse("admin:accounts_roleassignment_add")
    response = client.post(
        add,
        {
            "user": str(someone.pk),
            "role": Role.AREA_STAFF,
            "area": str(world.district_b.pk),
            "valid_from": "01/01/2025",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    granted = AuditEntry.objects.get(action="accounts.role.granted")
    assert granted.data["area"] == str(world.district_b)

    delete = reverse("admin:accounts_roleassignment_delete", args=[assignment.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    deleted = AuditEntry.objects.get(action="accounts.role.deleted")
    assert (deleted.actor, deleted.target_id) == (admin_user, str(assignment.pk))
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_deleting_an_account_in_the_admin_audits_its_roles(client, admin_user, someone):
    assignment = someone.role_assignments.get()
    client.force_login(admin_user)
    response = client.post(reverse("admin:accounts_user_delete", args=[someone.pk]), {"post": "yes"})
    assert response.status_code == 302
    deleted = AuditEntry.objects.get(action="accounts.role.deleted")
    assert deleted.target_id == str(assignment.pk) and deleted.data["user"] == "nhan_vien"
