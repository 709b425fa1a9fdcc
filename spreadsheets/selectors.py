from spreadsheets.models import SpreadsheetImport


def pending_upload_find(*, user, kind: str, pk) -> SpreadsheetImport | None:
    """The user's own upload waiting for confirmation; None for anyone else's, and once imported."""
    return SpreadsheetImport.objects.pending().filter(pk=pk, kind=kind, created_by=user).first()
