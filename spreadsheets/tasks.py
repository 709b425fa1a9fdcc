"""The background jobs of the spreadsheets app (Django's Tasks API: settings.TASKS, README
"Background jobs"), run by the worker (`manage.py db_worker`) outside the web request."""

from django.utils import translation
from django_tasks import task

from spreadsheets import services
from spreadsheets.registry import IMPORTS


@task()
def import_upload(*, kind: str, upload_pk: int, language: str) -> dict[str, int] | None:
    """Import a confirmed upload, all or nothing and once (services.spreadsheet_import_run); the
    row errors in the language the user confirmed in."""
    with translation.override(language):
        return services.spreadsheet_import_run(spec=IMPORTS[kind], upload_pk=upload_pk)


@task()
def export_build(*, job_pk: int) -> int | None:
    """Write the file of a large export (services.export_job_run); the rows it holds."""
    return services.export_job_run(job_pk=job_pk)
