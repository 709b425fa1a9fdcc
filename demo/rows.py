"""Rows written straight into the tables, many at once: the writer of demo/scale.py.

Rows are given as {field name: value}, with their primary keys reserved here beforehand (one
after the highest id in the table when the writer starts), so that the generator links rows
without reading them back. They are held per table and written on `flush`: with COPY on
PostgreSQL, with one executemany INSERT per table on SQLite. `bulk_load` wraps the writing on
PostgreSQL (commits not waited for, secondary indexes built once at the end); `finish` moves
PostgreSQL's sequences past the ids used. Fields left out take their model default, an empty string for a
blank text, or NULL; the timestamps Django fills in itself (auto_now, auto_now_add) take the
time `at` given with the row, else the writer's `now`: nothing depends on the wall clock.
"""

import contextlib
import csv
import datetime
import io
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any, cast

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

Row = dict[str, Any]
_NO_DEFAULT = object()
_STAMP = object()  # filled with the row's time
_NULL = "\\N"  # NULL in COPY's CSV format as written here


class _Table:
    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.name = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [field.column for field in fields]
        self.names = [field.attname for field in fields]
        self.kinds = [_kind(field) for field in fields]
        self.defaults = [_default(field) for field in fields]
        # A foreign key may be given by its field name (club) or its attribute (club_id).
        self.aliases = {field.name: field.attname for field in fields if field.name != field.attname}
        self.known = frozenset(self.names)
        self.pairs = list(zip(self.names, self.defaults, strict=True))
        # Dates and decimals are written by str() as both databases read them; the rest is converted.
        self.converted = [
            index
            for index, (kind, default) in enumerate(zip(self.kinds, self.defaults, strict=True))
            if kind in ("datetime", "json")
            or (kind == "date" and connection.vendor != "postgresql")
            or default is _STAMP
        ]
        # Fields without a default (most are foreign keys) are only checked for being given.
        self.required = [index for index, default in enumerate(self.defaults) if default is _NO_DEFAULT]


def _kind(field: models.Field) -> str:
    if isinstance(field, models.DateTimeField):
        return "datetime"
    if isinstance(field, models.DateField):
        return "date"
    if isinstance(field, models.JSONField):
        return "json"
    if isinstance(field, models.BooleanField):
        return "bool"
    if isinstance(field, models.DecimalField):
        return "decimal"
    return "plain"


def _default(field: models.Field) -> object:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return _STAMP
    if field.has_default():
        if callable(field.default) and isinstance(field, models.DateTimeField):
            return _STAMP
        return field.get_default()
    if field.null:
        return None
    if field.empty_strings_allowed and not field.primary_key:
        return ""
    return _NO_DEFAULT


class RowWriter:
    """Rows for many tables, reserved ids, written per table in the order the models are given."""

    def __init__(self, tables: list[type[models.Model]], *, now: datetime.datetime) -> None:
        self.postgres = connection.vendor == "postgresql"
        self.now = now
        self.tables = {model: _Table(model) for model in tables}
        self.pending: dict[type[models.Model], list[list[object]]] = {model: [] for model in tables}
        self.written: Counter[str] = Counter()
        self.next_ids = {
            model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1  # type: ignore[attr-defined]
            for model in tables
        }

    def reserve(self, model: type[models.Model]) -> int:
        pk = self.next_ids[model]
        self.next_ids[model] = pk + 1
        return pk

    def add(self, model: type[models.Model], values: Row, *, at: datetime.datetime | None = None) -> int:
        """Hold one row (its `id` reserved now when not given) and return its id."""
        table = self.tables[model]
        if "id" not in values:
            values["id"] = self.reserve(model)
        if not values.keys() <= table.known:
            for name, attname in table.aliases.items():
                if name in values:
                    values[attname] = values.pop(name)
            unknown = values.keys() - table.known
            if unknown:
                raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
        row = [values.get(name, default) for name, default in table.pairs]
        for index in table.required:
            if row[index] is _NO_DEFAULT:
                raise ValueError(f"{model.__name__}.{table.names[index]} needs a value")
        # Only the values str() would not write as the database reads them need converting.
        for index in table.converted:
            value = row[index]
            if value is _STAMP:
                value = at or self.now
            row[index] = self._db_value(value, table.kinds[index])
        if self.postgres:
            row = [_NULL if value is None else value for value in row]
        self.pending[model].append(row)
        return int(values["id"])

    def _db_value(self, value: object, kind: str) -> object:
        if value is None:
            return value
        if kind == "datetime":
            assert isinstance(value, datetime.datetime)
            utc = value.astimezone(datetime.UTC)
            return utc.isoformat() if self.postgres else utc.replace(tzinfo=None).isoformat(" ")
        if kind == "date":
            assert isinstance(value, datetime.date)
            return value.isoformat()
        if kind == "json":
            return json.dumps(value, ensure_ascii=False)
        return value

    def held(self) -> int:
        return sum(len(rows) for rows in self.pending.values())

    def flush(self) -> int:
        """Write every row held; returns how many."""
        count = 0
        with connection.cursor() as cursor:
            for model, rows in self.pending.items():
                if not rows:
                    continue
                table = self.tables[model]
                if self.postgres:
                    self._copy(cursor, table, rows)
                else:
                    placeholders = ", ".join(["%s"] * len(table.columns))
                    cursor.executemany(
                        f'INSERT INTO "{table.name}" ({_quoted(table.columns)}) VALUES ({placeholders})',
                        cast(Any, rows),
                    )
                self.written[table.name] += len(rows)
                count += len(rows)
                rows.clear()
        return count

    def _copy(self, cursor: Any, table: _Table, rows: list[list[object]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        buffer.seek(0)
        # psycopg2's own cursor: COPY is not part of Django's cursor.
        cursor.cursor.copy_expert(
            f"COPY \"{table.name}\" ({_quoted(table.columns)}) FROM STDIN WITH (FORMAT csv, NULL '{_NULL}')", buffer
        )

    @contextlib.contextmanager
    def bulk_load(self, *, fresh: bool) -> Iterator[None]:
        """Write faster on PostgreSQL while inside: commits are not waited for (a crash loses only
        generated rows, which the same arguments give again) and, when `fresh` (no earlier rows
        to guard), the tables' foreign keys and non-unique indexes are dropped and made again on
        leaving, from their own definitions: one index build and one check of each foreign key
        over all the rows cost far less than keeping an index up to date and checking every key
        row by row. Unique indexes stay, as they check the rows as they come."""
        if not self.postgres:
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            # ALTER TABLE and CREATE INDEX refuse a table whose foreign-key checks are still pending
            # in the transaction (when the caller holds one around the load, as the tests do): run
            # them first. Django's foreign keys are the only deferred constraints.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            set_aside = self._set_aside_keys_and_indexes(cursor) if fresh else []
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET maintenance_work_mem = '512MB'")
                for statement in set_aside:
                    cursor.execute(statement)
                cursor.execute("RESET maintenance_work_mem")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                cursor.execute("RESET synchronous_commit")

    def _set_aside_keys_and_indexes(self, cursor: Any) -> list[str]:
        """Drop the foreign keys and non-unique indexes of the tables written; returns the
        statements that make them again, the indexes first."""
        tables = [table.name for table in self.tables.values()]
        cursor.execute(
            """
            SELECT table_class.relname, index_class.relname, pg_get_indexdef(index_class.oid)
            FROM pg_index
            JOIN pg_class index_class ON index_class.oid = pg_index.indexrelid
            JOIN pg_class table_class ON table_class.oid = pg_index.indrelid
            WHERE table_class.relname = ANY(%s) AND table_class.relnamespace = current_schema()::regnamespace
              AND NOT pg_index.indisunique AND NOT pg_index.indisprimary
            ORDER BY 1, 2
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT table_class.relname, pg_constraint.conname, pg_get_constraintdef(pg_constraint.oid)
            FROM pg_constraint
            JOIN pg_class table_class ON table_class.oid = pg_constraint.conrelid
            WHERE table_class.relname = ANY(%s) AND table_class.relnamespace = current_schema()::regnamespace
              AND pg_constraint.contype = 'f'
            ORDER BY 1, 2
            """,
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for _table, name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        return [definition for _table, _name, definition in indexes] + [
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for table, name, definition in keys
        ]

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids written here, and refresh the planner's statistics."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.tables)):
                cursor.execute(statement)
            for table in self.tables.values():
                cursor.execute(f'ANALYZE "{table.name}"')


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{column}"' for column in columns)
