from spreadsheets.models import ExportJob, SpreadsheetImport


def pending_upload_find(*, user, kind: str, pk) -> SpreadsheetImport | None:
    """The user's own upload waiting for confirmation; None for anyone else's, and once imported."""
    return SpreadsheetImport.objects.pending().filter(pk=pk, kind=kind, created_by=user).first()


def confirmed_upload_find(*, user, kind: str, pk) -> SpreadsheetImport | None:
    """The user's own confirmed upload, whatever became of its import; None for anyone else's.

    Its uploader follows the import on its progress page, and comes back to it when it is over.
    """
    return SpreadsheetImport.objects.filter(pk=pk, kind=kind, created_by=user, queued_at__isnull=False).first()


def export_job_find(*, user, pk) -> ExportJob | None:
    """The user's own export job; None for anyone else's, and once expired."""
    return ExportJob.objects.select_related("club").filter(pk=pk, requested_by=user).first()
