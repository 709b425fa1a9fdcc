"""Whole numbers as people in Vietnam type them: 1.200, 1200 or 1,200 (one separator, groups of
three), never a fraction or a negative. Money (core.money) and counts read them the same way and
differ only in what they say about a wrong one."""

import dataclasses
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.types import Text

# More digits than any amount or count of a club (a thousand trillion): a longer string is refused
# before int() reads it, so the number always fits the database's big integers.
MAX_DIGITS = 15

ERROR_COUNT_NOT_A_NUMBER = _("Enter a whole number, for example 12 or 1.200.")
ERROR_COUNT_FRACTION = _("Enter a whole number: fractions are not allowed.")
ERROR_COUNT_NEGATIVE = _("The number cannot be negative.")
ERROR_TOO_LARGE = _("This number is too large.")

# ASCII digits only: \d would take other scripts' digits too.
_PLAIN = re.compile(r"^[0-9]+$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:(?P<sep>[.,])[0-9]{3})(?:(?P=sep)[0-9]{3})*$")
# A whole number (plain or grouped) followed by a decimal part: 1.5, 1.234,56, 238.500.000,50.
_FRACTION = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:(?P<sep>[.,])[0-9]{3})(?:(?P=sep)[0-9]{3})*)[.,][0-9]+$")


@dataclasses.dataclass(frozen=True)
class Messages:
    """What to say about a number that is not a whole one: each kind of value has its own words."""

    invalid: Text
    fraction: Text
    negative: Text
    too_large: Text = ERROR_TOO_LARGE


COUNT_MESSAGES = Messages(
    invalid=ERROR_COUNT_NOT_A_NUMBER, fraction=ERROR_COUNT_FRACTION, negative=ERROR_COUNT_NEGATIVE
)


def parse_whole(text: str, messages: Messages) -> int:
    """The whole number `text` holds (spaces ignored); ValidationError with one of `messages` otherwise."""
    value = str(text).strip().replace(" ", "").replace("\u00a0", "")
    if value.startswith("-"):
        raise ValidationError(messages.negative, code="negative")
    if _PLAIN.match(value) or _GROUPED.match(value):
        digits = re.sub(r"[.,]", "", value)
        if len(digits.lstrip("0")) > MAX_DIGITS:
            raise ValidationError(messages.too_large, code="too_large")
        return int(digits)
    if _FRACTION.match(value):
        raise ValidationError(messages.fraction, code="fraction")
    raise ValidationError(messages.invalid, code="invalid")


def parse_count(text: str) -> int:
    """A number of people, sessions, days… typed 1.200, 1200 or 1,200."""
    return parse_whole(text, COUNT_MESSAGES)


def group_thousands(number: int) -> str:
    """1180000 → "1.180.000": the Vietnamese way, whatever the interface language."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", ".")
