from django import template

from core.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount):
    """{{ amount|vnd }} → 238.500.000 đ. Raises TypeError on anything but whole đồng."""
    if amount is None or amount == "":
        return ""
    return format_vnd(amount)
