from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from core.spreadsheets import XLSX_CONTENT_TYPE, attachment_response
from spreadsheets import importing, selectors, services, template, workbook
from spreadsheets.forms import SpreadsheetUploadForm
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
    if upload is None:
        return _upload_gone(request, spec)
    try:
        preview, refused = importing.preview(spec, bytes(upload.content), actor=request.user), []
    except workbook.ImportRefused as exc:  # the file passed at upload; a new version of the checks may differ
        preview, refused = None, exc.messages
    return render(
        request,
        "spreadsheets/import_preview.html",
        {"spec": spec, "upload": upload, "preview": preview, "refused": refused, **_urls(spec, upload.pk)},
    )


@require_http_methods(["POST"])
def import_confirm(request, kind, pk):
    spec = IMPORTS[kind]
    access.require_cap(request.user, spec.capability)
    upload = selectors.pending_upload_find(user=request.user, kind=kind, pk=pk)
    if upload is None:
        return _upload_gone(request, spec)
    try:
        upload = services.spreadsheet_import_confirm(spec=spec, upload=upload, actor=request.user)
    except workbook.ImportRefused as exc:
        messages.error(request, _("The file no longer passes the checks, so nothing was saved."))
        context = {"spec": spec, "upload": upload, "preview": None, "refused": exc.messages, **_urls(spec, pk)}
        return render(request, "spreadsheets/import_preview.html", context)
    messages.success(
        request,
        _("%(file)s imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
        % {"file": upload.original_name, **upload.result},
    )
    return redirect(spec.list_url_name)


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
