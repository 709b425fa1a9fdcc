"""Every club has its two funds: open them for the clubs registered before funds existed."""

from django.db import migrations

KINDS = ("income", "activity")


def open_funds(apps, schema_editor):
    Club = apps.get_model("clubs", "Club")
    Fund = apps.get_model("funds", "Fund")
    existing = set(Fund.objects.values_list("club_id", "kind"))
    Fund.objects.bulk_create(
        Fund(club_id=club_id, kind=kind)
        for club_id in Club.objects.values_list("pk", flat=True)
        for kind in KINDS
        if (club_id, kind) not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_initial"), ("clubs", "0002_board_and_teams")]

    operations = [migrations.RunPython(open_funds, migrations.RunPython.noop)]
