"""Query helpers that know no model: grouping a queryset's aggregates by a key."""

from django.db.models import Expression, QuerySet


def grouped(rows: QuerySet, key: Expression | None, aggregates: dict) -> dict:
    """{group: {name: value}}: one row per group, or a single row under None without a key."""
    if key is None:
        return {None: rows.aggregate(**aggregates)}
    per_group = rows.annotate(group=key).values("group").annotate(**aggregates).order_by()
    return {row["group"]: row for row in per_group}
