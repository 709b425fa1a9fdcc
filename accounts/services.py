from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember the interface language on the account, so it follows the user to another device."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError("Unknown language.")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
