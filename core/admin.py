"""What the apps' admins share."""

from django.db import models
from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """For records that change only through their pages' services (which check the rules and
    audit every change): in the admin they can be searched and read, never added, changed or
    deleted. Each admin says in its docstring which service keeps its records."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False
