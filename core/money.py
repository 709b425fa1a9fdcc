"""Money is whole Vietnamese đồng in integer fields: parsing typed amounts and showing them."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERROR_NOT_A_NUMBER = _("Enter an amount in đồng, for example 238.500.000.")
ERROR_FRACTION = _("Amounts are whole đồng: fractions are not allowed.")
ERROR_NEGATIVE = _("The amount cannot be negative.")

# 238.500.000 or 238,500,000 (one separator used consistently, groups of three) or 238500000.
_GROUPED = re.compile(r"^\d{1,3}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*$")
_PLAIN = re.compile(r"^\d+$")
# A whole number (plain or grouped) followed by a decimal part: 1.5, 1.234,56, 238.500.000,50.
_FRACTION = re.compile(r"^(?:\d+|\d{1,3}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*)[.,]\d+$")
_CURRENCY_SUFFIX = re.compile(r"\s*(đồng|đ|₫|vnd|vnđ)$", re.IGNORECASE)


def parse_vnd(text: str) -> int:
    """Read an amount typed the ways people in Vietnam type it; raise ValidationError otherwise."""
    value = _CURRENCY_SUFFIX.sub("", str(text).strip()).replace(" ", "").replace("\u00a0", "")
    if value.startswith("-"):
        raise ValidationError(ERROR_NEGATIVE, code="negative")
    if _PLAIN.match(value):
        return int(value)
    if _GROUPED.match(value):
        return int(re.sub(r"[.,]", "", value))
    if _FRACTION.match(value):
        raise ValidationError(ERROR_FRACTION, code="fraction")
    raise ValidationError(ERROR_NOT_A_NUMBER, code="invalid")


def format_vnd(amount: int) -> str:
    """238500000 → "238.500.000 đ" (the Vietnamese way, whatever the interface language)."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"Money is whole đồng as int, not {type(amount).__name__}.")
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(amount):,}".replace(",", ".")
    return f"{sign}{grouped}\u00a0đ"
