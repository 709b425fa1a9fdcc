from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from areas.lineage_files import LineageFileError, read_lineage_file, read_provinces
from areas.models import Level
from areas.services import lineage_load

PROVINCES_FILE = Path(settings.BASE_DIR) / "data" / "provinces.csv"
LEVELS = [
    (Level.PROVINCE, "provinces"),
    (Level.DISTRICT, "district-level units"),
    (Level.COMMUNE, "commune-level units"),
]


class Command(BaseCommand):
    help = (
        "Load the lineage between maps from a CSV file, deriving the units of maps no unit file gives "
        "(idempotent; load the maps' unit files first)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="CSV file, e.g. data/quang_ngai_lineage.csv")
        parser.add_argument(
            "--provinces",
            type=Path,
            default=PROVINCES_FILE,
            help="CSV file of the provinces (slug,code,name) that derived units are put in; default data/provinces.csv",
        )

    def handle(self, *args, path, provinces, **options):
        provinces_by_slug = self._read(provinces, lambda stream: read_provinces(stream))
        lineage_file = self._read(path, lambda stream: read_lineage_file(stream, provinces=provinces_by_slug))
        try:
            result = lineage_load(actor=None, lineage_file=lineage_file)
        except LineageFileError as exc:
            raise CommandError(f"{path} was not loaded, nothing was written:\n" + "\n".join(exc.problems)) from None

        for pair, links in result.links_by_pair.items():
            self.stdout.write(f"{pair}: {links} links.")
        for scheme, by_level in result.derived_by_scheme.items():
            counts = ", ".join(f"{by_level[level]} {label}" for level, label in LEVELS if by_level.get(level))
            self.stdout.write(f"Derived from the lineage: {scheme}: {counts}.")
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Links: {result.links_created} created, {result.links_updated} updated, "
                    f"{result.links_unchanged} unchanged. Derived units: {result.units_created} created, "
                    f"{result.units_updated} updated, {result.units_unchanged} unchanged."
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"No change: all {result.links} links and {result.derived_units} derived units "
                    "were already up to date."
                )
            )

    @staticmethod
    def _read(path, read):
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                return read(stream)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not a UTF-8 text file.") from None
        except LineageFileError as exc:
            raise CommandError(f"{path} was not loaded, nothing was written:\n" + "\n".join(exc.problems)) from None
