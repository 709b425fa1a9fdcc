"""Money is whole Vietnamese đồng in integer fields: parsing typed amounts and showing them."""

import re

from django.utils.translation import gettext_lazy as _

from core.numbers import Messages, group_thousands, parse_whole

ERROR_NOT_A_NUMBER = _("Enter an amount in đồng, for example 238.500.000.")
ERROR_FRACTION = _("Amounts are whole đồng: fractions are not allowed.")
ERROR_NEGATIVE = _("The amount cannot be negative.")

MONEY_MESSAGES = Messages(invalid=ERROR_NOT_A_NUMBER, fraction=ERROR_FRACTION, negative=ERROR_NEGATIVE)
_CURRENCY_SUFFIX = re.compile(r"\s*(đồng|đ|₫|vnd|vnđ)$", re.IGNORECASE)


def parse_vnd(text: str) -> int:
    """Read an amount typed the ways people in Vietnam type it; raise ValidationError otherwise."""
    return parse_whole(_CURRENCY_SUFFIX.sub("", str(text).strip()), MONEY_MESSAGES)


def format_vnd(amount: int) -> str:
    """238500000 → "238.500.000 đ" (the Vietnamese way, whatever the interface language)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"Money is whole đồng as int, not {type(amount).__name__}.")
    return f"{group_thousands(amount)}\u00a0đ"
