"""The targets report for automation: the same figures as the dashboard, for the whole province.

    python manage.py report_targets --plan "Quảng Ngãi 2022–2025" --as-of 2022-11-24 --format json
    python manage.py report_targets --plan qng-2022-2025 --format xlsx --output targets.xlsx

JSON (targets.exporters.report_data) goes to standard output unless --output names a file.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from areas.models import AdminUnit
from clubs.models import Club
from core.spreadsheets import xlsx_bytes
from targets.exporters import report_data, report_sheets
from targets.selectors import plan_for, target_report


class Command(BaseCommand):
    help = "Print the province targets report as JSON, or write it as an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="the plan's name or short code, e.g. qng-2022-2025")
        parser.add_argument("--as-of", dest="as_of", help="the report date, YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("--output", help="the file to write (required for xlsx; JSON goes to stdout without it)")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="the language of the headers and labels",
        )

    def handle(self, *args, plan, as_of, format, output, language, **options):
        found = plan_for(plan)
        if found is None:
            raise CommandError(f"No target plan is named or coded {plan!r}.")
        on = self._date(as_of)
        if format == "xlsx" and not output:
            raise CommandError("--format xlsx needs --output FILE.")
        # The whole province: the command runs for the province association, as its staff see it.
        with translation.override(language):
            report = target_report(plan=found, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=on)
            if format == "xlsx":
                Path(output).write_bytes(xlsx_bytes(report_sheets(report, [found.province.name])))
                self.stdout.write(f"Wrote {output}.")
                return
            text = json.dumps(report_data(report), ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            self.stdout.write(text)

    def _date(self, text: str | None) -> datetime.date:
        if not text:
            return timezone.localdate()
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {text!r}.") from None
