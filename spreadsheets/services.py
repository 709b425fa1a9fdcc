"""Writes of the spreadsheets app: keeping an uploaded file until it is confirmed, and importing.

An import is all or nothing: the file is checked again inside the transaction that saves it, each
row is written through the app's own service (club_create…), and if any row fails nothing stays.
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import audit_record
from spreadsheets import importing
from spreadsheets.importing import ImportSpec, RowsRefused
from spreadsheets.models import SpreadsheetImport
from spreadsheets.workbook import ProgressCallback

# An upload nobody confirmed within a day is dropped at the next upload: it may hold personal data.
PENDING_LIFETIME = datetime.timedelta(days=1)


@transaction.atomic
def spreadsheet_upload_keep(*, spec: ImportSpec, actor, name: str, content: bytes) -> SpreadsheetImport:
    """Keep a checked upload for its preview; the uploader's earlier pending file of this kind goes."""
    now = timezone.now()
    SpreadsheetImport.objects.pending().filter(
        Q(created_by=actor, kind=spec.kind) | Q(created_at__lt=now - PENDING_LIFETIME)
    ).delete()
    upload = SpreadsheetImport(kind=spec.kind, created_by=actor, original_name=name[:255], content=content)
    upload.full_clean()
    upload.save()
    return upload


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
