from django.core.management.base import BaseCommand

from demo.plans import PLANS, seed_plan


class Command(BaseCommand):
    help = (
        "Create the target plans known from public sources (demo/plans.py) whose map is loaded, unless a plan "
        "with the same code exists (idempotent: staff edits are kept)."
    )

    def handle(self, *args, **options):
        for definition in PLANS:
            code = definition["values"]["code"]
            plan = seed_plan(definition)
            if plan is None:
                self.stdout.write(f"{code}: its map ({definition['scheme_code']}) is not loaded, no plan created.")
            else:
                self.stdout.write(f"Target plan: {plan} ({plan.code}), on the map {plan.scheme.code}.")
