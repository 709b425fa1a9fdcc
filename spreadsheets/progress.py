"""How far a confirmed import's job, or an export job, has gone, where the pages read it while the
job runs.

The import writes every row in one transaction (all or nothing), and nothing it writes there is
seen by another connection before it ends: a figure on the upload would read nothing until the
import is over. So the job keeps its progress in the "progress" cache (settings.CACHES), outside
the database: files that the web server's processes and the worker share. It takes no database
lock either, which matters on SQLite, where the import holds the only write lock. An export job
writes no rows, but records its progress the same way rather than writing its own row every few
hundred rows of the file.
"""

import dataclasses
from collections.abc import Callable

from django.core.cache import caches

from spreadsheets.models import ExportJob, SpreadsheetImport
from spreadsheets.workbook import ProgressCallback

PROGRESS_CACHE = "progress"
# Longer than any job takes; a finished job is told by its own row.
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


def _export_key(job: ExportJob) -> str:
    return f"spreadsheets.export.{job.pk}.{job.task_id}"


def export_progress_recorder(job: ExportJob) -> Callable[[int], None]:
    """The `progress` callback of an export job's file (spreadsheets.exporting.Exporter.write_file)."""
    cache, key = caches[PROGRESS_CACHE], _export_key(job)

    def record(rows_written: int) -> None:
        cache.set(key, rows_written, KEPT_SECONDS)

    return record


def export_progress_read(job: ExportJob) -> int | None:
    """The rows the job has written, as it last recorded; None before its first record."""
    rows_written: int | None = caches[PROGRESS_CACHE].get(_export_key(job))
    return rows_written
