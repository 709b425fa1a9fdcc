"""Type aliases the apps share: who acts, the user they are, a text that may be translated lazily.

The user model is accounts.User (settings.AUTH_USER_MODEL), in a layer above most apps: django-stubs
resolves its `_User` alias to that model for the type checker, so a lower layer names the user
without importing the accounts app. At run time the aliases are their nearest real classes, so an
annotation such as `AuthUser | None` still evaluates.
"""

from typing import TYPE_CHECKING, TypeAlias

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, _User
    from django.utils.functional import _StrPromise

    # A saved user: what a `created_by`, `actor` or `Person.user` foreign key holds.
    AuthUser: TypeAlias = _User
    # Whoever a service acts for: a signed-in user, an anonymous request, or None for a command.
    Actor: TypeAlias = _User | AnonymousUser | None
    # A message or label: a plain string, or gettext_lazy's, translated when shown.
    Text: TypeAlias = str | _StrPromise
else:
    from django.contrib.auth.base_user import AbstractBaseUser as AuthUser
    from django.contrib.auth.models import AnonymousUser

    Actor = AuthUser | AnonymousUser | None
    Text = str | Promise
