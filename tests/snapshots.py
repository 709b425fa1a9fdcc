"""Data built once per test process and copied into each test's database.

Building the seeded province takes seconds (seed_demo writes through the services); copying the
rows it added takes a few milliseconds. `Snapshot.take` runs a builder in a transaction that it
rolls back, keeping the rows the builder added; `Snapshot.restore` inserts those rows again, with
their primary keys, in the calling test's transaction, so each test starts from the same state
and may write freely: its transaction is rolled back as usual.
"""

import dataclasses
import fcntl
import pickle
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.test import TestCase


def _tables() -> list[type[models.Model]]:
    """Every table of the project: concrete models and the many-to-many tables Django creates."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _attnames(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _rows(model) -> dict:
    """The model's rows by primary key, each as its concrete fields' values (binary ones as bytes:
    PostgreSQL gives memoryviews, which cannot be pickled)."""
    names = _attnames(model)
    pk = names.index(model._meta.pk.attname)
    rows = model._base_manager.values_list(*names).order_by("pk")
    return {row[pk]: tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows}


@dataclasses.dataclass(frozen=True)
class Snapshot:
    added: dict[type[models.Model], list[tuple]]
    # The objects the builder returned, as (model, primary key), read again on restore.
    returned: list[tuple[type[models.Model], object]]

    @classmethod
    def take(cls, build: Callable[[], list[models.Model] | None]) -> "Snapshot":
        """Run `build` and keep the rows it added; it may add rows only, never change existing ones
        (a changed row would not be copied back)."""
        tables = _tables()
        before = {model: _rows(model) for model in tables}
        # Opened as TestCase opens a test's transaction, so the services' durable blocks run inside.
        atomics = TestCase._enter_atomics()
        try:
            result = build()
            after = {model: _rows(model) for model in tables}
        finally:
            TestCase._rollback_atomics(atomics)
        added = {}
        for model in tables:
            changed = [pk for pk, row in before[model].items() if after[model].get(pk) != row]
            if changed:
                raise AssertionError(f"The builder changed or deleted {model.__name__} rows {changed[:5]}.")
            new = [row for pk, row in after[model].items() if pk not in before[model]]
            if new:
                added[model] = new
        return cls(added=added, returned=[(type(obj), obj.pk) for obj in result or []])

    @classmethod
    def take_once(cls, build: Callable[[], list[models.Model] | None], shared: Path | None) -> "Snapshot":
        """`take`, or, when processes of the same run may need the same snapshot (pytest-xdist's
        workers), the one that the first of them took and left, pickled, at `shared`. Every worker's
        test database is migrated alike, so the rows fit each."""
        if shared is None:
            return cls.take(build)
        with shared.with_suffix(".lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if shared.exists():
                return pickle.loads(shared.read_bytes())
            snapshot = cls.take(build)
            shared.write_bytes(pickle.dumps(snapshot))
            return snapshot

    def restore(self) -> list[models.Model]:
        """Insert the rows again (raw: no save(), no auto_now) and return the objects the builder
        returned, read back from the database."""
        with transaction.atomic():
            for model, rows in self.added.items():
                fields = model._meta.concrete_fields
                objs = [model.from_db(connection.alias, _attnames(model), row) for row in rows]
                size = connection.ops.bulk_batch_size(fields, objs)
                for start in range(0, len(objs), size):
                    model._base_manager._insert(objs[start : start + size], fields=fields, raw=True)
            # The rows keep their primary keys: sequences (PostgreSQL) must move past them.
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(self.added)):
                    cursor.execute(sql)
        found = {}
        for model in {model for model, _pk in self.returned}:
            pks = [pk for of, pk in self.returned if of is model]
            found.update({(model, pk): obj for pk, obj in model._base_manager.in_bulk(pks).items()})
        return [found[key] for key in self.returned]
