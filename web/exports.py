"""The one view of every export (spreadsheets.registry.EXPORTS, spreadsheets/exporting.py says the steps):
/exports/<identifier>.<format> over the user's clubs, /exports/club/<club pk>/<identifier>.<format> for
one club. An export not registered, a format it does not offer or the wrong one of the two addresses
is not found (404). An export that lists people is audited (spreadsheets/personal_data.py).

An export too large for the web request (spreadsheets.exporting.too_large_for_request) is queued as a
background job instead: /exports/jobs/<pk>/ follows it, /exports/jobs/<pk>/file downloads its file.
Both are its requester's only (404 for anyone else)."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from spreadsheets import selectors, services
from spreadsheets.exporting import ExportFormat, ExportScope, export_scope, too_large_for_request
from spreadsheets.models import JobState
from spreadsheets.personal_data import export_taken_record
from spreadsheets.progress import export_progress_read
from spreadsheets.registry import EXPORTS


@require_http_methods(["GET"])
def download(request, identifier, export_format, club_pk=None):
    exporter = EXPORTS.get(identifier)
    if exporter is None or export_format not in exporter.formats or exporter.per_club != (club_pk is not None):
        raise Http404("No such export.")
    scope = export_scope(request.user, exporter, club_pk)
    form = exporter.form(scope, request.GET)
    # In the user's language, whatever happens to be active (docs/style.md §6.6).
    with translation.override(request.LANGUAGE_CODE):
        report = None
        if exporter.accepts(form):
            estimate = exporter.rows_estimate(scope, form)
            if too_large_for_request(estimate):
                job = services.export_job_queue(
                    actor=request.user,
                    identifier=identifier,
                    export_format=export_format,
                    query=request.GET.urlencode(),
                    club=scope.club,
                    rows_estimate=estimate,
                )
                return redirect("exports:job", job.pk)
            report = exporter.build(scope, form)
        if report is not None:
            written = exporter.write(scope, report, ExportFormat(export_format))
            export_taken_record(
                personal_data=exporter.personal_data,
                actor=request.user,
                export=identifier,
                export_format=export_format,
                file=written.filename,
                club=scope.club,
                form=form,
                count_rows=written.count_rows,
            )
            return written.response
    # The page says what is wrong with the query, or that there is nothing to export yet.
    return redirect(_page_url(exporter, scope, request.GET.urlencode()))


def _page_url(exporter, scope: ExportScope, query: str) -> str:
    page = reverse(exporter.page, args=exporter.page_args(scope))
    return f"{page}?{query}" if query else page


# How often the progress page reloads itself while the job waits or runs.
PROGRESS_REFRESH_SECONDS = 3


@require_http_methods(["GET"])
def job_progress(request, pk):
    job = selectors.export_job_find(user=request.user, pk=pk)
    if job is None:
        raise Http404("No such export job.")
    # The page reloads itself: that is not the user at work, so it neither keeps the session alive
    # (web.middleware.IdleSessionMiddleware) nor writes it.
    request.session.modified = False
    state = job.job_state
    finished = state in (JobState.DONE, JobState.FAILED)
    context = {
        "job": job,
        "state": state,
        "rows_written": job.rows_written if finished else export_progress_read(job),
        "refresh_seconds": None if finished else PROGRESS_REFRESH_SECONDS,
        # Back to the page the export is the file of, with the same filters.
        "page_url": _page_url(EXPORTS[job.identifier], ExportScope(user=request.user, club=job.club), job.query),
    }
    return render(request, "spreadsheets/export_progress.html", context)


@require_http_methods(["GET"])
def job_file(request, pk):
    job = selectors.export_job_find(user=request.user, pk=pk)
    if job is None or job.job_state != JobState.DONE:
        raise Http404("No such export file.")
    # Asked again: a role ended since the file was written takes the file away with it.
    export_scope(request.user, EXPORTS[job.identifier], job.club_id)
    try:
        file = job.path.open("rb")
    except FileNotFoundError:
        raise Http404("The export file is gone.") from None
    return FileResponse(
        file, as_attachment=True, filename=job.file_name, content_type=ExportFormat(job.export_format).content_type
    )
