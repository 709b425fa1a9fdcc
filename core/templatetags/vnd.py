from typing import cast

from django import template

from core.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount: object) -> str:
    """{{ amount|vnd }} → 238.500.000 đ. Raises TypeError on anything but whole đồng."""
    if amount is None or amount == "":
        return ""
    # A template passes whatever it holds: format_vnd checks that it is an int, and raises otherwise.
    return format_vnd(cast(int, amount))
