from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from funds import months
from funds.models import Fund, FundEntry, FundMonth

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Check the funds' month totals (funds/months.py), which the reports over many clubs read, against "
        "the entries; --rebuild works them out again, after entries were written past the product's services "
        "(SQL by hand, a load from another system)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="replace the month totals by the entries' own")

    def handle(self, *args, rebuild, **options):
        if rebuild:
            with transaction.atomic():
                # Every fund locked, as funds.services locks one before it writes: no entry is
                # written meanwhile that the rebuild would miss.
                list(Fund.objects.select_for_update().values_list("pk", flat=True))
                written = months.rebuild(entries=FundEntry.objects.all(), months=FundMonth.objects.all())
            self.stdout.write(f"{written} month totals written from the entries.")
            return
        found = months.differences(entries=FundEntry.objects.all(), months=FundMonth.objects.all())
        for fund_id, month, column, kept, expected in found[:SHOWN]:
            self.stdout.write(f"fund {fund_id}, {month:%m/%Y}, {column}: kept {kept}, the entries give {expected}")
        if found:
            raise CommandError(
                f"{len(found)} month totals differ from the entries: run manage.py fund_months --rebuild."
            )
        self.stdout.write("The month totals agree with the entries.")
