"""How a service says no: a ValidationError carrying a message (a module constant, translated) with
its parameters, on the field it is about when there is one, so a form shows it beside that field
(core.forms.write_through)."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from core.types import Text


def refusal(message: Text, *, field: str | None = None, **params: Any) -> ValidationError:
    """The refusal `message` % `params`, on `field` (None: about the whole form)."""
    error = ValidationError(message, params=params or None)
    return ValidationError({field: error}) if field else error


class Refusals:
    """A service's refusals collected so the form shows them all in one round, then raised as one
    ValidationError: on their fields, and those about the whole form under NON_FIELD_ERRORS."""

    def __init__(self) -> None:
        self._errors: dict[str | None, list[ValidationError]] = {}

    def add(self, message: Text, *, field: str | None = None, **params: Any) -> None:
        self._errors.setdefault(field, []).append(ValidationError(message, params=params or None))

    def extend(self, error: ValidationError) -> None:
        """Every refusal `error` carries, on the fields it names."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self._errors.setdefault(None if field == NON_FIELD_ERRORS else field, []).extend(errors)
        else:
            self._errors.setdefault(None, []).extend(error.error_list)

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_any(self) -> None:
        if not self._errors:
            return
        if set(self._errors) == {None}:
            raise ValidationError(self._errors[None])
        raise ValidationError(
            {NON_FIELD_ERRORS if field is None else field: errors for field, errors in self._errors.items()}
        )
