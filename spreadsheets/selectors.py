from django.shortcuts import get_object_or_404

from spreadsheets.models import SpreadsheetImport


def pending_upload_get(*, user, kind: str, pk) -> SpreadsheetImport:
    """The user's own upload waiting for confirmation: 404 for anyone else's, and once imported."""
    return get_object_or_404(SpreadsheetImport.objects.pending(), pk=pk, kind=kind, created_by=user)
