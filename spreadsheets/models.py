"""An uploaded spreadsheet, kept between the preview and the confirmation, then as the record of the import."""

import enum

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SpreadsheetImportQuerySet(models.QuerySet):
    def pending(self):
        """Uploaded, previewed perhaps, not imported yet."""
        return self.filter(imported_at__isnull=True)


class JobState(enum.StrEnum):
    """Where a confirmed import is (SpreadsheetImport.job_state); the progress page words each."""

    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


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
        if self.imported_at is not None:
            return JobState.DONE
        if self.failed_at is not None:
            return JobState.FAILED
        if self.started_at is not None:
            return JobState.RUNNING
        if self.queued_at is not None:
            return JobState.WAITING
        return None
