"""Figures of the scorecard as people read them: 64,9 % (one decimal at most), 60–70 %."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from reports.standards import Standard

register = template.Library()


def _number(value: Decimal) -> str:
    """One decimal at most, and none when it is 0: 70 %, 64,9 % (with the language's separator)."""
    if value == value.to_integral_value():
        return number_format(int(value))
    return number_format(value, decimal_pos=1)


@register.filter
def percent(share: Decimal | None) -> str:
    """{{ figure.share|percent }} → "64,9 %"; a dash when there is nothing to divide by."""
    if share is None:
        return "—"
    return f"{_number(share)}\u00a0%"


@register.filter
def standard_range(standard: Standard) -> str:
    """{{ standard|standard_range }} → "50–70" or "60–70 %"."""
    text = f"{_number(standard.low)}–{_number(standard.high)}"
    return f"{text}\u00a0%" if standard.percent else text
