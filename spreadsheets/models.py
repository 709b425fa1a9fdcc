"""An uploaded spreadsheet, kept between the preview and the confirmation, then as the record of the
import; a large export written by a background job."""

import enum
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SpreadsheetImportQuerySet(models.QuerySet):
    def pending(self):
        """Uploaded, previewed perhaps, not imported yet."""
        return self.filter(imported_at__isnull=True)


class JobState(enum.StrEnum):
    """Where a confirmed import or an export job is (SpreadsheetImport.job_state,
    ExportJob.job_state); the progress pages word each."""

    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @classmethod
    def of(cls, *, finished_at, failed_at, started_at) -> "JobState":
        """The state of a queued job from the times it records: it ends done or failed, and has
        started or still waits."""
        if finished_at is not None:
            return cls.DONE
        if failed_at is not None:
            return cls.FAILED
        if started_at is not None:
            return cls.RUNNING
        return cls.WAITING


class SpreadsheetImport(models.Model):
    """One file imported, or waiting for its uploader to confirm it.

    The file itself is kept only while pending: it is emptied once imported, since member lists
    hold personal data (citizen IDs, phone numbers) that the register already has.
    """

    # The import it is for: a key of spreadsheets.registry.IMPORTS ("clubs").
    kind = models.CharField(_("kind"), max_length=32)
    original_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"), blank=True)
    # Null for an import from the command line with no --user.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now, db_index=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    # {"new": …, "update": …, "unchanged": …} once imported.
    result = models.JSONField(_("result"), default=dict, blank=True)
    # What the file would do, kept at upload so that the preview page does not read the file again
    # (spreadsheets.importing.Preview.as_json); the confirmation checks the file once more.
    preview = models.JSONField(_("preview"), null=True, blank=True)
    # The import runs as a background job (spreadsheets/tasks.py): queued when confirmed, started
    # by the worker, then imported (imported_at) or failed, nothing saved, with the reasons.
    task_id = models.CharField(_("job"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    objects = SpreadsheetImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.original_name

    @property
    def job_state(self) -> JobState | None:
        """Where the import is once confirmed; None before."""
        if self.queued_at is None and self.imported_at is None:
            return None
        return JobState.of(finished_at=self.imported_at, failed_at=self.failed_at, started_at=self.started_at)


class ExportJob(models.Model):
    """A large export, written by a background job (spreadsheets/tasks.py) rather than in the web
    request: what was asked (the export, its format and the page's query string), by whom, how far
    the job went, and the file it wrote under settings.EXPORTS_DIR (`path`), which only the
    requester downloads. Jobs and their files go after a day (services.EXPORT_LIFETIME)."""

    # The export it is for: a key of spreadsheets.registry.EXPORTS ("members").
    identifier = models.CharField(_("export"), max_length=64)
    export_format = models.CharField(_("format"), max_length=8)
    query = models.TextField(_("filters"), blank=True)  # the page's query string, as asked
    # The club of a per-club export (a cash book), else none: the requester's clubs.
    club = models.ForeignKey(
        "clubs.Club", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("club")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("requested by")
    )
    language = models.CharField(_("language"), max_length=16)  # the file's headers are in it
    rows_estimate = models.PositiveIntegerField(_("rows expected"))
    task_id = models.CharField(_("job"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), null=True, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)  # as downloaded
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-queued_at", "-pk"]

    def __str__(self):
        return f"{self.identifier}.{self.export_format}"

    @property
    def job_state(self) -> JobState:
        return JobState.of(finished_at=self.finished_at, failed_at=self.failed_at, started_at=self.started_at)

    @property
    def path(self) -> Path:
        """Where the job writes its file: named by the job and its task, so that no other job's file
        (one of a database set up again, say) is ever taken for it."""
        return Path(settings.EXPORTS_DIR) / f"{self.pk}-{self.task_id}.{self.export_format}"
