"""A filter among the rows of the user's scope (core.forms.ScopeChoiceField) on a list page:
templates/partials/scope_filter.html."""

from typing import Any

from django import template

from core.forms import query_without

register = template.Library()


@register.simple_tag(takes_context=True)
def without_filter(context: dict[str, Any], name: str) -> str:
    """The page's query string without the filter `name`, back on the first page."""
    return query_without(context["request"].GET, "page", name)
