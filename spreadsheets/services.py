"""Writes of the spreadsheets app: keeping an uploaded file until it is confirmed, and importing.

An import is all or nothing: the file is checked again inside the transaction that saves it, each
row is written through the app's own service (club_create…), and if any row fails nothing stays.
On the web, confirming queues the import as a background job (spreadsheets/tasks.py), which the
worker runs once: spreadsheet_import_run.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from audit.services import audit_record
from spreadsheets import importing, tasks
from spreadsheets.importing import ImportSpec, RowsRefused
from spreadsheets.models import JobState, SpreadsheetImport
from spreadsheets.progress import progress_recorder
from spreadsheets.workbook import ImportRefused, ProgressCallback

# An upload nobody confirmed within a day is dropped at the next upload: it may hold personal data.
PENDING_LIFETIME = datetime.timedelta(days=1)

ERROR_JOB_BROKE = gettext_lazy("The import stopped on an unexpected error.")


def spreadsheet_upload_keep(*, spec: ImportSpec, actor, name: str, content: bytes) -> SpreadsheetImport:
    """Keep a checked upload with its preview; the uploader's earlier pending file of this kind goes.

    The preview is built once, here, and the preview page shows it as kept. It is built before the
    transaction: a large file takes seconds, and on SQLite the write lock would hold every other
    page that long.
    """
    try:
        preview = importing.preview(spec, content, actor=actor).as_json()
    except ImportRefused as exc:  # the file passed the upload form; the checks against the database may not
        preview = {"refused": exc.messages}
    return _upload_keep(spec=spec, actor=actor, name=name, content=content, preview=preview)


@transaction.atomic
def _upload_keep(*, spec: ImportSpec, actor, name: str, content: bytes, preview: dict) -> SpreadsheetImport:
    now = timezone.now()
    SpreadsheetImport.objects.pending().filter(
        Q(created_by=actor, kind=spec.kind) | Q(created_at__lt=now - PENDING_LIFETIME)
    ).exclude(
        # A confirmed import waiting for the worker or running stays: its job is on its way.
        queued_at__isnull=False,
        failed_at__isnull=True,
    ).delete()
    upload = SpreadsheetImport(
        kind=spec.kind, created_by=actor, original_name=name[:255], content=content, preview=preview
    )
    upload.full_clean()
    upload.save()
    return upload


@transaction.atomic
def spreadsheet_import_queue(*, upload: SpreadsheetImport, actor) -> SpreadsheetImport:
    """Confirm an upload: queue its import as a job, run in the user's language. A second
    confirmation (a double click, the Back button) queues nothing: the first job imports once."""
    upload = SpreadsheetImport.objects.select_for_update().get(pk=upload.pk)
    if upload.queued_at is not None:
        return upload
    # The database backend writes the job in this transaction: it is queued if and only if the
    # upload says so.
    job = tasks.import_upload.enqueue(kind=upload.kind, upload_pk=upload.pk, language=translation.get_language())
    upload.task_id, upload.queued_at = str(job.id), timezone.now()
    upload.save(update_fields=["task_id", "queued_at"])
    return upload


def spreadsheet_import_run(*, spec: ImportSpec, upload_pk: int) -> dict[str, int] | None:
    """The job of a confirmed upload: import it as its uploader, recording the progress where the
    pages read it (spreadsheets.progress), then how it ended. Run again, it changes nothing and
    returns the first run's result. None: the upload is gone (nothing to import)."""
    upload = _job_start(upload_pk)
    if upload is None or upload.job_state != JobState.RUNNING:
        return upload.result if upload is not None else None
    try:
        upload = spreadsheet_import_confirm(
            spec=spec, upload=upload, actor=upload.created_by, progress=progress_recorder(upload)
        )
    except ImportRefused as exc:
        _job_fail(upload, exc.messages)
        return upload.result
    except Exception:
        # The rows were rolled back; the page says so, and the job's own record keeps the traceback.
        _job_fail(upload, [str(ERROR_JOB_BROKE)])
        raise
    return upload.result


@transaction.atomic
def _job_start(upload_pk: int) -> SpreadsheetImport | None:
    """Mark the job as running, in a transaction of its own so that the pages see it at once."""
    upload = SpreadsheetImport.objects.select_for_update().filter(pk=upload_pk).first()
    if upload is not None and upload.job_state in (JobState.WAITING, JobState.RUNNING):
        # RUNNING again: a job that a stopped worker left half way, run anew (nothing of it stayed).
        upload.started_at = timezone.now()
        upload.save(update_fields=["started_at"])
    return upload


@transaction.atomic
def _job_fail(upload: SpreadsheetImport, errors: list[str]) -> None:
    """Keep why nothing was saved. The file goes: a failed import is not run again (the user
    uploads a corrected file), and it may hold personal data."""
    SpreadsheetImport.objects.filter(pk=upload.pk).update(failed_at=timezone.now(), errors=errors, content=b"")


@transaction.atomic(durable=True)
def spreadsheet_import_confirm(
    *, spec: ImportSpec, upload: SpreadsheetImport, actor, progress: ProgressCallback | None = None
) -> SpreadsheetImport:
    """Import a pending upload; raises ImportRefused (nothing saved) if the file no longer validates."""
    # Lock the upload: a double click on Confirm waits here for the first import to finish.
    upload = SpreadsheetImport.objects.select_for_update().get(pk=upload.pk)
    if upload.imported_at is not None:
        return upload
    # BinaryField gives a memoryview on PostgreSQL.
    counts = _import_rows(spec=spec, content=bytes(upload.content), actor=actor, progress=progress)
    upload.imported_at, upload.content, upload.result = timezone.now(), b"", counts
    upload.save(update_fields=["imported_at", "content", "result"])
    _audit(upload, actor=actor)
    return upload


@transaction.atomic(durable=True)
def spreadsheet_import_file(
    *, spec: ImportSpec, name: str, content: bytes, actor, progress: ProgressCallback | None = None
) -> SpreadsheetImport:
    """Import a file at once (the command line); `actor` None is a system import over every unit."""
    counts = _import_rows(spec=spec, content=content, actor=actor, progress=progress)
    upload = SpreadsheetImport(
        kind=spec.kind, created_by=actor, original_name=name[:255], imported_at=timezone.now(), result=counts
    )
    upload.full_clean()
    upload.save()
    _audit(upload, actor=actor)
    return upload


def _import_rows(*, spec: ImportSpec, content: bytes, actor, progress: ProgressCallback | None) -> dict[str, int]:
    preview = importing.preview(spec, content, actor=actor, progress=progress)
    if not preview.is_clean:
        raise RowsRefused(preview.errors)
    failed = spec.save(preview.rows, actor=actor, progress=progress)
    if failed:
        # Raising rolls back the rows already saved: all or nothing.
        raise RowsRefused([error for row in failed for error in row.errors])
    return preview.counts


def _audit(upload: SpreadsheetImport, *, actor) -> None:
    audit_record(
        actor=actor,
        action=f"spreadsheets.{upload.kind}.imported",
        target=upload,
        data={"file": upload.original_name, **upload.result},
    )
