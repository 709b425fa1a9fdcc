"""Query helpers that know no model: grouping a queryset's aggregates by a key."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Aggregate, Model, QuerySet
from django.db.models.expressions import Combinable


def grouped(
    rows: QuerySet[Model], key: Combinable | None, aggregates: Mapping[str, Aggregate | Combinable]
) -> dict[Any, dict[str, Any]]:
    """{group: {name: value}}: one row per group, or a single row under None without a key."""
    if key is None:
        return {None: rows.aggregate(**aggregates)}
    per_group = rows.annotate(group=key).values("group").annotate(**aggregates).order_by()
    return {row["group"]: row for row in per_group}
