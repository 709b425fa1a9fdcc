from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from areas.models import AdminScheme, Level
from areas.services import admin_units_load
from areas.unit_files import UnitFileError, read_unit_file


class Command(BaseCommand):
    help = "Load the administrative units of the province from a CSV file into a scheme (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="CSV file, e.g. data/quang_ngai_2020_2024_units.csv")
        parser.add_argument("--scheme", required=True, help="scheme code, e.g. vn-2020")
        parser.add_argument("--province-code", default=settings.PROVINCE_CODE)
        parser.add_argument("--province-name", default=settings.PROVINCE_NAME)

    def handle(self, *args, path, scheme, province_code, province_name, **options):
        try:
            scheme_obj = AdminScheme.objects.get(code=scheme)
        except AdminScheme.DoesNotExist:
            known = ", ".join(AdminScheme.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown scheme {scheme!r}. Known schemes: {known}.") from None
        try:
            with path.open(encoding="utf-8-sig", newline="") as stream:
                unit_file = read_unit_file(stream)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not a UTF-8 text file.") from None
        except UnitFileError as exc:
            raise CommandError(f"{path} was not loaded, nothing was written:\n" + "\n".join(exc.problems)) from None

        result = admin_units_load(
            scheme=scheme_obj, province_code=province_code, province_name=province_name, unit_file=unit_file
        )
        counts = result.by_level
        self.stdout.write(
            f"{scheme_obj.code}: {counts[Level.PROVINCE]} province, {counts[Level.DISTRICT]} district-level units, "
            f"{counts[Level.COMMUNE]} commune-level units."
        )
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"No change: all {result.unchanged} units were already up to date."))
