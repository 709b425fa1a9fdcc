"""How far a confirmed import's job has gone, where the pages read it while the job runs.

The import writes every row in one transaction (all or nothing), and nothing it writes there is
seen by another connection before it ends: a figure on the upload would read nothing until the
import is over. So the job keeps its progress in the "progress" cache (settings.CACHES), outside
the database: files that the web server's processes and the worker share. It takes no database
lock either, which matters on SQLite, where the import holds the only write lock.
"""

import dataclasses

from django.core.cache import caches

from spreadsheets.models import SpreadsheetImport
from spreadsheets.workbook import ProgressCallback

PROGRESS_CACHE = "progress"
# Longer than any import takes; a finished import is told by the upload itself.
KEPT_SECONDS = 24 * 60 * 60


@dataclasses.dataclass(frozen=True)
class Progress:
    stage: str  # "read" (the rows read from the file) or "save" (the rows saved)
    done: int
    total: int | None  # unknown while reading


def _key(upload: SpreadsheetImport) -> str:
    # The job's id too: a test database gives the same pk again after a rollback.
    return f"spreadsheets.import.{upload.pk}.{upload.task_id}"


def progress_recorder(upload: SpreadsheetImport) -> ProgressCallback:
    """The `progress` callback of the import (spreadsheets.workbook.ProgressCallback)."""
    cache, key = caches[PROGRESS_CACHE], _key(upload)

    def record(stage: str, done: int, total: int | None) -> None:
        cache.set(key, {"stage": stage, "done": done, "total": total}, KEPT_SECONDS)

    return record


def progress_read(upload: SpreadsheetImport) -> Progress | None:
    """The latest progress the job recorded; None before its first."""
    kept = caches[PROGRESS_CACHE].get(_key(upload))
    return Progress(**kept) if kept else None
