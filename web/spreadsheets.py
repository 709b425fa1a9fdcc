from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts import access
from core.spreadsheets import XLSX_CONTENT_TYPE, attachment_response
from spreadsheets import selectors, services, template, workbook
from spreadsheets.forms import SpreadsheetUploadForm
from spreadsheets.models import JobState
from spreadsheets.progress import progress_read
from spreadsheets.registry import IMPORTS

# The import views are shared by every import: the URL passes `kind` (see spreadsheets/urls.py).


@require_http_methods(["GET", "POST"])
def import_upload(request, kind):
    spec = IMPORTS[kind]
    access.require_cap(request.user, spec.capability)
    if request.method == "POST":
        form = SpreadsheetUploadForm(request.POST, request.FILES, spec=spec)
    else:
        form = SpreadsheetUploadForm(spec=spec)
    if form.is_valid():
        file = form.cleaned_data["file"]
        upload = services.spreadsheet_upload_keep(spec=spec, actor=request.user, name=file.name, content=file.content)
        return redirect(f"spreadsheets:{spec.url_prefix}-import-preview", upload.pk)
    context = {
        "spec": spec,
        "form": form,
        "max_megabytes": workbook.MAX_FILE_BYTES // (1024 * 1024),
        **_urls(spec),
        **_offered_clubs(spec, request.user),
    }
    return render(request, "spreadsheets/import_upload.html", context)


# The upload page names this many clubs; staff of a large area find the other codes on the club list.
OFFERED_CLUBS_SHOWN = 20


def _offered_clubs(spec, user) -> dict:
    """An import into clubs (the member import: `offered_clubs(user)`) names on its upload page the
    clubs the user may import into, with their codes."""
    offered = spec.offered_clubs(user)
    if offered is None:
        return {}
    clubs = list(offered[: OFFERED_CLUBS_SHOWN + 1])
    return {
        "offers_clubs": True,
        "offered_clubs": clubs[:OFFERED_CLUBS_SHOWN],
        "more_clubs": len(clubs) > OFFERED_CLUBS_SHOWN,
    }


@require_http_methods(["GET"])
def import_template(request, kind):
    spec = IMPORTS[kind]
    access.require_cap(request.user, spec.capability)
    return attachment_response(f"{spec.kind}-template.xlsx", template.template_xlsx(spec), XLSX_CONTENT_TYPE)


def _upload_gone(request, spec):
    """A preview link that leads to no file waiting for this user — imported already, or not
    theirs — says so and offers to upload again; still "not found" (404) for what it may hide."""
    return render(request, "spreadsheets/import_gone.html", {"spec": spec, **_urls(spec)}, status=404)


@require_http_methods(["GET"])
def import_preview(request, kind, pk):
    spec = IMPORTS[kind]
    access.require_cap(request.user, spec.capability)
    upload = selectors.pending_upload_find(user=request.user, kind=kind, pk=pk)
    if upload is None or upload.preview is None:  # no preview: uploaded before previews were kept
        return _upload_gone(request, spec)
    if upload.queued_at is not None:
        return redirect(f"spreadsheets:{spec.url_prefix}-import-progress", upload.pk)
    context = {
        "spec": spec,
        "upload": upload,
        "preview": upload.preview,
        "refused": upload.preview.get("refused", []),
        **_urls(spec, upload.pk),
    }
    return render(request, "spreadsheets/import_preview.html", context)


@require_http_methods(["POST"])
def import_confirm(request, kind, pk):
    spec = IMPORTS[kind]
    access.require_cap(request.user, spec.capability)
    upload = selectors.pending_upload_find(user=request.user, kind=kind, pk=pk)
    if upload is None:
        # Confirmed before and imported since: a second click follows the first import.
        if selectors.confirmed_upload_find(user=request.user, kind=kind, pk=pk) is None:
            return _upload_gone(request, spec)
    else:
        services.spreadsheet_import_queue(upload=upload, actor=request.user)
    return redirect(f"spreadsheets:{spec.url_prefix}-import-progress", pk)


# How often the progress page reloads itself while the import waits or runs.
PROGRESS_REFRESH_SECONDS = 2


@require_http_methods(["GET"])
def import_progress(request, kind, pk):
    spec = IMPORTS[kind]
    access.require_cap(request.user, spec.capability)
    upload = selectors.confirmed_upload_find(user=request.user, kind=kind, pk=pk)
    if upload is None:
        return _upload_gone(request, spec)
    # The page reloads itself: that is not the user at work, so it neither keeps the session
    # alive (web.middleware.IdleSessionMiddleware) nor writes it — on SQLite the running import
    # holds the only write lock, and the page would wait for the import to end.
    request.session.modified = False
    finished = upload.job_state in (JobState.DONE, JobState.FAILED)
    context = {
        "spec": spec,
        "upload": upload,
        "state": upload.job_state,
        "progress": None if finished else progress_read(upload),
        "to_save": _rows_to_save(upload),
        "refresh_seconds": None if finished else PROGRESS_REFRESH_SECONDS,
        **_urls(spec),
    }
    return render(request, "spreadsheets/import_progress.html", context)


def _rows_to_save(upload) -> int:
    counts = (upload.preview or {}).get("counts", {})
    return counts.get("new", 0) + counts.get("update", 0)


def _urls(spec, pk=None) -> dict[str, str]:
    prefix = f"spreadsheets:{spec.url_prefix}"
    urls = {
        "upload_url": reverse(f"{prefix}-import"),
        "template_url": reverse(f"{prefix}-import-template"),
        "list_url": reverse(spec.list_url_name),
    }
    if pk is not None:
        urls["confirm_url"] = reverse(f"{prefix}-import-confirm", args=[pk])
    return urls
