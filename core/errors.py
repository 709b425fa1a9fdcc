"""How a service says no: a ValidationError carrying a message (a module constant, translated) with
its parameters, on the field it is about when there is one, so a form shows it beside that field
(core.forms.write_through)."""

from typing import Any

from django.core.exceptions import ValidationError

from core.types import Text


def refusal(message: Text, *, field: str | None = None, **params: Any) -> ValidationError:
    """The refusal `message` % `params`, on `field` (None: about the whole form)."""
    error = ValidationError(message, params=params or None)
    return ValidationError({field: error}) if field else error
