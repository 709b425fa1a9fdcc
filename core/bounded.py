"""Numbers and codes read from a request — a query string, an address, a hidden field — by one set
of rules, so that no view parses them its own way. Dates have theirs in core/dates.py
(`within_years`).

A crafted value must not reach the database as it was typed: an id past what a BigAutoField holds
makes PostgreSQL fail the query ("out of range for type bigint"), thousands of digits cost time to
read, PostgreSQL refuses a NUL byte in any text, and control characters have no place in a search
or a code. A value outside the rules is no value (None): the page then shows what it shows without
it, or answers 404 for an address.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.types import Text

# The largest id of a row (settings.DEFAULT_AUTO_FIELD is a BigAutoField: a signed 64-bit integer).
MAX_ID = 2**63 - 1
# Past the last page of any list (50 a page): a larger ?page= is no page number.
MAX_PAGE = 1_000_000
# A search box: longer than any name, and than anyone types.
SEARCH_MAX_LENGTH = 100

ERROR_CONTROL_CHARACTERS = _("Remove the invisible control characters from this text.")


def bounded_int(value: object, low: int, high: int) -> int | None:
    """The whole number `value` holds — an int, or a text of ASCII digits with an optional minus
    sign and spaces around — when it lies in low…high; None otherwise (no number, a fraction, out
    of bounds). The digits are counted before they are read: a long text is not turned into a huge
    number first."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        digits = text.removeprefix("-")
        widest = max(len(str(abs(low))), len(str(abs(high))))
        if not (digits.isascii() and digits.isdecimal()) or len(digits.lstrip("0")) > widest:
            return None
        number = int(text)
    else:
        return None
    return number if low <= number <= high else None


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a NUL or another control character (Unicode category Cc: tabs and line
    breaks included, which no one-line field holds)."""
    return any(unicodedata.category(char) == "Cc" for char in text)


def without_control_characters(text: str) -> str:
    """`text` as a record may keep it (an audit entry's "what was typed"): each control character
    shown as the replacement character �, since PostgreSQL stores no NUL in a text or JSON value."""
    return "".join("\ufffd" if unicodedata.category(char) == "Cc" else char for char in text)


def clean_code(value: object, max_length: int) -> str | None:
    """`value` without the spaces around it, when it is a code as the product writes them (a map's
    short code, a plan's): a text of 1 to `max_length` characters without control characters; None
    otherwise."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > max_length or has_control_characters(text):
        return None
    return text


def refuse_control_characters(value: str) -> None:
    """A form field's validator: the same rule as clean_code, said to the person who typed it."""
    if has_control_characters(value):
        raise ValidationError(ERROR_CONTROL_CHARACTERS, code="control_characters")


def search_field(label: Text) -> forms.CharField:
    """The search box of a list: optional, at most SEARCH_MAX_LENGTH characters, no control
    characters (a search that breaks the rules is left out, as the list's other filters)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.TextInput(attrs={"type": "search"}),
    )


def id_field(label: Text) -> forms.IntegerField:
    """An optional id in a query string (a district, a coverage group): 1 to MAX_ID."""
    return forms.IntegerField(label=label, required=False, min_value=1, max_value=MAX_ID)
