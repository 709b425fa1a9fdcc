"""Generate a synthetic province at scale for benchmarks and load tests (demo/scale.py).

    python manage.py generate_scale --clubs 2000 [--months 24] [--seed 1] [--today 2025-12-15]

The maps must be loaded first (`make setup`, or load_admin_units and load_lineage). The same
arguments give the same rows. With DEBUG off it refuses to run unless given --force, and it
refuses a database that already holds clubs unless given --append (the new clubs then take the
next codes and ids).
"""

import datetime
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clubs.models import Club
from demo.scale import DEFAULT_TODAY, ScaleOptions, generate


class Command(BaseCommand):
    help = "Write N synthetic clubs with their members, funds, loans, reports and audit entries (benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clubs", type=int, required=True, help="how many clubs to write")
        parser.add_argument("--months", type=int, default=24, help="the longest history of a club, in months (12–36)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same data")
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=DEFAULT_TODAY,
            help=f"the day the data ends, YYYY-MM-DD (default {DEFAULT_TODAY.isoformat()})",
        )
        parser.add_argument("--append", action="store_true", help="add to a database that already holds clubs")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on a live site)")

    def handle(self, *args, clubs, months, seed, today, append, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a live site. Nothing was written. Use --force to run anyway."
            )
        if clubs < 1 or not 1 <= months <= 120:
            raise CommandError("Give at least one club and 1–120 months.")
        if Club.objects.exists() and not append:
            raise CommandError("The database already holds clubs. Nothing was written. Use --append to add to them.")
        try:
            written = generate(
                ScaleOptions(clubs=clubs, months=months, seed=seed, today=today),
                progress=lambda line: print(line, file=sys.stderr, flush=True),
            )
        except ValueError as exc:
            raise CommandError(f"{exc} Load the maps first (make setup, or load_admin_units).") from exc
        for table, count in sorted(written.items()):
            self.stdout.write(f"{table:<32} {count:>12,}")
        self.stdout.write(f"{'total':<32} {sum(written.values()):>12,}")
