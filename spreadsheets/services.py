"""Writes of the spreadsheets app: keeping an uploaded file until it is confirmed, importing, and
the large exports written by a background job.

An import is all or nothing: the file is checked again inside the transaction that saves it, each
row is written through the app's own service (club_create…), and if any row fails nothing stays.
On the web, confirming queues the import as a background job (spreadsheets/tasks.py), which the
worker runs once: spreadsheet_import_run.

An export too large to write in the web request (spreadsheets.exporting.too_large_for_request) is
queued the same way (export_job_queue) and written to a file by the worker (export_job_run), which
asks accounts.access again as the requester; only they download it, for a day (EXPORT_LIFETIME).
"""

import datetime
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from audit.services import audit_record
from clubs.models import Club
from spreadsheets import importing, tasks
from spreadsheets.exporting import Exporter, ExportFormat, export_scope
from spreadsheets.importing import ImportSpec, RowsRefused
from spreadsheets.models import ExportJob, JobState, SpreadsheetImport
from spreadsheets.personal_data import export_taken_record
from spreadsheets.progress import export_progress_recorder, progress_recorder
from spreadsheets.registry import EXPORTS
from spreadsheets.workbook import ImportRefused, ProgressCallback

# An upload nobody confirmed within a day is dropped at the next upload: it may hold personal data.
PENDING_LIFETIME = datetime.timedelta(days=1)

ERROR_JOB_BROKE = gettext_lazy("The import stopped on an unexpected error.")

# An export job and its file go a day after it was queued, at the next export queued: the file may
# hold personal data, and its requester has had the time to download it.
EXPORT_LIFETIME = datetime.timedelta(days=1)

ERROR_EXPORT_BROKE = gettext_lazy("The export stopped on an unexpected error.")
ERROR_EXPORT_NOT_ALLOWED = gettext_lazy("You may no longer take this export: your access has changed since you asked.")
ERROR_EXPORT_NOTHING = gettext_lazy("There is nothing to export for these filters now. Open the page to see why.")


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


# --- large exports, written by a background job -------------------------------------------------


@transaction.atomic
def export_job_queue(
    *,
    actor,
    identifier: str,
    export_format: str,
    query: str,
    club: Club | None,
    rows_estimate: int,
) -> ExportJob:
    """Queue the export `identifier` in `export_format` of the page's `query` (of `club` for a
    per-club export) as a job, written in the current language by the worker; the jobs older than
    EXPORT_LIFETIME go, with their files."""
    _export_jobs_expire()
    job = ExportJob(
        identifier=identifier,
        export_format=export_format,
        query=query,
        club=club,
        requested_by=actor,
        language=translation.get_language(),
        rows_estimate=rows_estimate,
    )
    job.full_clean()
    job.save()
    # The database backend writes the task in this transaction: queued if and only if the job is.
    task = tasks.export_build.enqueue(job_pk=job.pk)
    job.task_id = str(task.id)
    job.save(update_fields=["task_id"])
    return job


def _export_jobs_expire() -> None:
    expired = ExportJob.objects.filter(queued_at__lt=timezone.now() - EXPORT_LIFETIME)
    paths = [job.path for job in expired.only("pk", "task_id", "export_format")]
    expired.delete()
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: _files_delete(paths))


def _files_delete(paths: Iterable[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


class _NothingToExport(Exception):
    """The query no longer gives anything to export (the export view would go back to the page)."""


def export_job_run(*, job_pk: int) -> int | None:
    """The job of a large export: write its file as its requester, in their language, recording the
    rows written where the progress page reads them (spreadsheets.progress), then how it ended, with
    the personal-data audit entry when the file lists people. Run again, it writes nothing more.
    The rows the file holds; None when the job is gone (expired) or failed."""
    job = _export_job_start(job_pk)
    if job is None or job.job_state != JobState.RUNNING:
        return job.rows_written if job is not None else None
    exporter = EXPORTS[job.identifier]
    with translation.override(job.language):
        try:
            form, club, file_name, rows = _export_write(job, exporter)
        except (PermissionDenied, Http404):
            # The requester's role ended, or the club left their scope, since they asked.
            _export_job_fail(job, str(ERROR_EXPORT_NOT_ALLOWED))
            return None
        except _NothingToExport:
            _export_job_fail(job, str(ERROR_EXPORT_NOTHING))
            return None
        except Exception:
            # The page says so; the task's own record keeps the traceback.
            _export_job_fail(job, str(ERROR_EXPORT_BROKE))
            raise
        _export_job_finish(job, exporter, form=form, club=club, file_name=file_name, rows=rows)
    return rows


@transaction.atomic
def _export_job_start(job_pk: int) -> ExportJob | None:
    """Mark the job as running, in a transaction of its own so that the page sees it at once."""
    job = ExportJob.objects.select_for_update().select_related("requested_by").filter(pk=job_pk).first()
    if job is not None and job.job_state in (JobState.WAITING, JobState.RUNNING):
        # RUNNING again: a job that a stopped worker left half way, written anew.
        job.started_at = timezone.now()
        job.save(update_fields=["started_at"])
    return job


def _export_write(job: ExportJob, exporter: Exporter[Any, Any]) -> tuple[forms.Form, Club | None, str, int]:
    """Build the export as the export view does, for the requester as accounts.access sees them
    now, and write its file: first beside its place, then moved there whole, so that the file at
    job.path is always a finished one."""
    scope = export_scope(job.requested_by, exporter, job.club_id)
    form = exporter.form(scope, QueryDict(job.query))
    report = exporter.build(scope, form) if exporter.accepts(form) else None
    if report is None:
        raise _NothingToExport
    export_format = ExportFormat(job.export_format)
    job.path.parent.mkdir(parents=True, exist_ok=True)
    unfinished = job.path.with_name(f"{job.path.name}.part")
    try:
        rows = exporter.write_file(scope, report, export_format, unfinished, export_progress_recorder(job))
        unfinished.replace(job.path)
    finally:
        unfinished.unlink(missing_ok=True)
    return form, scope.club, exporter.file_name(scope, report, export_format), rows


@transaction.atomic
def _export_job_finish(
    job: ExportJob, exporter: Exporter[Any, Any], *, form: forms.Form, club: Club | None, file_name: str, rows: int
) -> None:
    finished = ExportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now(), rows_written=rows, file_name=file_name[:255]
    )
    if not finished:  # expired while it ran: nobody will download it
        transaction.on_commit(lambda: _files_delete([job.path]))
        return
    export_taken_record(
        personal_data=exporter.personal_data,
        actor=job.requested_by,
        export=job.identifier,
        export_format=job.export_format,
        file=file_name,
        club=club,
        form=form,
        count_rows=lambda: rows,
    )


@transaction.atomic
def _export_job_fail(job: ExportJob, error: str) -> None:
    ExportJob.objects.filter(pk=job.pk).update(failed_at=timezone.now(), error=error)
