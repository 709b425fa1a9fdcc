"""The command-line side of the imports: `manage.py import_<kind> FILE.xlsx [--dry-run] [--user NAME]`.

The same checks and the same save as the web pages (spreadsheets.importing, spreadsheets.services),
the same row errors, one per line, in the active language (LANGUAGE_CODE).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts import access
from spreadsheets import importing, services, workbook
from spreadsheets.registry import IMPORTS


class ImportCommand(BaseCommand):
    kind: str  # a key of spreadsheets.registry.IMPORTS

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and show what would change")
        parser.add_argument(
            "--user",
            help="import as this user, within what they may do; without it, a system import over every unit",
        )

    def handle(self, *args, path: Path, dry_run: bool, user: str | None, **options):
        spec = IMPORTS[self.kind]
        actor = self._actor(spec, user)
        try:
            with path.open("rb") as stream:
                # One byte over the limit is enough to refuse the file; a huge one is never read whole.
                content = stream.read(workbook.MAX_FILE_BYTES + 1)
        except OSError as exc:
            reason = {"path": path, "reason": exc.strerror}
            raise CommandError(_("Cannot read %(path)s: %(reason)s.") % reason) from None
        try:
            if dry_run:
                preview = importing.preview(spec, content, actor=actor, progress=self._progress)
                self._warn_unknown(preview.unknown_headers)
                if not preview.is_clean:
                    raise importing.RowsRefused(preview.errors)
                summary = _("Dry run, nothing was saved: %(new)s new, %(update)s to update, %(unchanged)s unchanged.")
                self.stdout.write(summary % preview.counts)
                return
            upload = services.spreadsheet_import_file(
                spec=spec, name=path.name, content=content, actor=actor, progress=self._progress
            )
        except workbook.ImportRefused as exc:
            message = _("%(path)s was not imported, nothing was saved:") % {"path": path}
            raise CommandError("\n".join([message, *exc.messages])) from None
        summary = _("%(file)s imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
        self.stdout.write(self.style.SUCCESS(summary % {"file": path.name, **upload.result}))

    def _actor(self, spec, username: str | None):
        if username is None:
            return None
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("There is no user %(username)s.") % {"username": username}) from None
        if not access.has_cap(user, spec.capability):
            raise CommandError(_("%(username)s may not use this import.") % {"username": username})
        return user

    def _warn_unknown(self, headers: list[str]) -> None:
        if headers:
            self.stderr.write(_("Columns ignored (unknown headers): %(headers)s.") % {"headers": ", ".join(headers)})

    def _progress(self, stage: str, done: int, total: int | None) -> None:
        if stage == "read":
            line = _("%(done)s rows read…") % {"done": done}
        else:
            line = _("%(done)s of %(total)s rows saved…") % {"done": done, "total": total}
        self.stderr.write(line)
