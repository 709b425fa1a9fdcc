"""An uploaded spreadsheet, kept between the preview and the confirmation, then as the record of the import."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SpreadsheetImportQuerySet(models.QuerySet):
    def pending(self):
        """Uploaded, previewed perhaps, not imported yet."""
        return self.filter(imported_at__isnull=True)


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

    objects = SpreadsheetImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.original_name
