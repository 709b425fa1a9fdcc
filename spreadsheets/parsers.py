"""Cell parsers of the imports: one non-empty cell → the Python value an import wants, or a
ValidationError with a message for people. Each also says how the template shows its column
(number format, drop-down choices, a line for the instructions sheet)."""

import abc
import dataclasses
import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import no_such_day, within_years
from core.money import ERROR_FRACTION, parse_vnd
from core.text import fold
from core.types import Text as TextOrLazy

# 24/11/2022 (also with - or .), or 2022-11-24; four-digit years only, so "24/11/22" is refused.
DAY_FIRST = re.compile(r"(?P<day>[0-9]{1,2})[/.-](?P<month>[0-9]{1,2})[/.-](?P<year>[0-9]{4})")
ISO_DATE = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})")

ERROR_TOO_LONG = gettext_lazy("At most %(limit)s characters (this one has %(length)s).")
ERROR_DATE_NOT_TEXT = gettext_lazy("Enter text here, not a date.")
ERROR_DATE = gettext_lazy("Enter a date as dd/mm/yyyy, for example 24/11/2022.")
ERROR_WHOLE_NUMBER = gettext_lazy("Enter a whole number.")
ERROR_NUMBER_RANGE = gettext_lazy("Enter a whole number from %(min)s to %(max)s.")
ERROR_DECIMAL = gettext_lazy("Enter a number, for example 0,5.")
ERROR_DECIMAL_PLACES = gettext_lazy("At most %(places)s digits after the decimal comma.")
ERROR_DECIMAL_RANGE = gettext_lazy("Enter a number from %(min)s to %(max)s.")
ERROR_UNKNOWN_CODE = gettext_lazy("Unknown value “%(value)s”: use one of %(choices)s.")


class Parser(abc.ABC):
    @property
    def number_format(self) -> str:
        """How the template formats the column."""
        return "General"

    def empty(self) -> Any:
        """The value of an empty cell."""
        return None

    @abc.abstractmethod
    def parse(self, value: Any) -> Any:
        """The cell's value as the import wants it; raise ValidationError with a plain message."""

    def choices(self) -> Sequence[int | str]:
        """Values offered in the template's drop-down list; none by default."""
        return []

    def describe(self) -> str:
        """What to type, for the instructions sheet."""
        return ""


@dataclasses.dataclass(frozen=True)
class Text(Parser):
    max_length: int
    # Codes (21010, QNG-0001) are text: a number would lose its leading zeros.
    code: bool = False

    @property
    def number_format(self) -> str:
        return "@" if self.code else "General"

    def empty(self) -> str:
        return ""

    def parse(self, value: object) -> str:
        if isinstance(value, datetime.date):
            raise ValidationError(ERROR_DATE_NOT_TEXT)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if len(text) > self.max_length:
            raise ValidationError(ERROR_TOO_LONG, params={"limit": self.max_length, "length": len(text)})
        return text

    def describe(self) -> str:
        return _("Text, at most %(limit)s characters.") % {"limit": self.max_length}


@dataclasses.dataclass(frozen=True)
class Lines(Parser):
    """Several entries in one cell, separated by ";" or line breaks (Alt+Enter in Excel)."""

    def empty(self) -> list[str]:
        return []

    def parse(self, value: object) -> list[str]:
        return [part.strip() for part in re.split(r"[;\n]", str(value)) if part.strip()]

    def describe(self) -> str:
        return _("One or more, separated by ; or line breaks.")


@dataclasses.dataclass(frozen=True)
class Date(Parser):
    """A date cell, or text typed dd/mm/yyyy: 03/04/2025 is 3 April, whatever the language."""

    number_format = "dd/mm/yyyy"

    def parse(self, value: object) -> datetime.date:
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            day = value
        elif isinstance(value, str):
            day = self._from_text(value.strip())
        else:
            raise ValidationError(ERROR_DATE)
        # A typo such as 0202 for 2022 would otherwise pass as a real date: the years the product
        # knows, as in every date field.
        return within_years(day)

    def _from_text(self, text: str) -> datetime.date:
        match = DAY_FIRST.fullmatch(text) or ISO_DATE.fullmatch(text)
        if match is None:
            raise ValidationError(ERROR_DATE)
        day, month, year = int(match["day"]), int(match["month"]), int(match["year"])
        try:
            return datetime.date(year, month, day)
        except ValueError:  # 31/02/2024 is told as such, 01/13/2024 as a format error
            raise no_such_day(day, month, year) or ValidationError(ERROR_DATE) from None

    def describe(self) -> str:
        return _("A date, dd/mm/yyyy (24/11/2022).")


@dataclasses.dataclass(frozen=True)
class Integer(Parser):
    min_value: int
    max_value: int
    # A short range (days of the month) is easier picked from a list than typed.
    drop_down: bool = False

    def parse(self, value: object) -> int:
        if isinstance(value, bool):
            raise ValidationError(ERROR_WHOLE_NUMBER)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
            value = int(value.strip())
        if not isinstance(value, int):
            raise ValidationError(ERROR_WHOLE_NUMBER)
        if not self.min_value <= value <= self.max_value:
            raise ValidationError(ERROR_NUMBER_RANGE, params={"min": self.min_value, "max": self.max_value})
        return value

    def choices(self) -> list[int]:
        return list(range(self.min_value, self.max_value + 1)) if self.drop_down else []

    def describe(self) -> str:
        return _("A whole number from %(min)s to %(max)s.") % {"min": self.min_value, "max": self.max_value}


@dataclasses.dataclass(frozen=True)
class Amount(Parser):
    """Whole đồng: a number cell, or text typed 12.500.000, 12,500,000 or 12500000 (core.money.parse_vnd).

    Whether 0 or a large amount is allowed is the import's rule (funds.services.check_amount).
    """

    number_format = "#,##0"

    def parse(self, value: object) -> int:
        if isinstance(value, (bool, datetime.date)):
            raise ValidationError(ERROR_WHOLE_NUMBER)
        if isinstance(value, float):
            if not value.is_integer():
                raise ValidationError(ERROR_FRACTION)
            value = int(value)
        # A number cell is read as its digits: parse_vnd refuses a negative one with its message.
        return parse_vnd(str(value))

    def describe(self) -> str:
        return _("A whole number of đồng, e.g. 12.500.000.")


@dataclasses.dataclass(frozen=True)
class DecimalNumber(Parser):
    """A number with a few decimals (a rate per month: 0,5): a number cell, or text with a decimal
    comma or point; a trailing % is allowed. Read through its text, so 0.7 stays exactly 0.7."""

    min_value: Decimal
    max_value: Decimal
    places: int

    def parse(self, value: object) -> Decimal:
        if isinstance(value, (bool, datetime.date)):
            raise ValidationError(ERROR_DECIMAL)
        text = str(value).strip().removesuffix("%").strip().replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(ERROR_DECIMAL) from None
        if not number.is_finite():
            raise ValidationError(ERROR_DECIMAL)
        # Finite, so its exponent is a number (a NaN's or an infinity's is a letter).
        if cast(int, number.normalize().as_tuple().exponent) < -self.places:
            raise ValidationError(ERROR_DECIMAL_PLACES, params={"places": self.places})
        if not self.min_value <= number <= self.max_value:
            raise ValidationError(ERROR_DECIMAL_RANGE, params={"min": self.min_value, "max": self.max_value})
        return number.quantize(Decimal(1).scaleb(-self.places))

    def describe(self) -> str:
        return _("A number from %(min)s to %(max)s, at most %(places)s decimals, e.g. 0,5.") % {
            "min": self.min_value,
            "max": self.max_value,
            "places": self.places,
        }


@dataclasses.dataclass(frozen=True, eq=False)
class Codes(Parser):
    """A coded column: {code: words accepted for it}; the first word fills the template's drop-down.

    The code itself is accepted too, and every word is matched ignoring case and accents
    ("nu" finds "Nữ").
    """

    options: Mapping[str, Sequence[TextOrLazy]]  # a label, translated when read

    def parse(self, value: object) -> str:
        wanted = fold(str(value))
        for code, words in self.options.items():
            if wanted in {fold(code), *(fold(str(word)) for word in words)}:
                return code
        raise ValidationError(
            ERROR_UNKNOWN_CODE, params={"value": str(value).strip(), "choices": ", ".join(self.choices())}
        )

    def choices(self) -> list[str]:
        return [str(words[0]) for words in self.options.values()]

    def describe(self) -> str:
        return _("One of: %(choices)s.") % {"choices": ", ".join(self.choices())}
