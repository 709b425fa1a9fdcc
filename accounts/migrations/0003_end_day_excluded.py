"""One end-date convention for every dated row (core/models.py): a period's end is the first day it
no longer holds. `valid_to` held the last day in force; `valid_until` holds the day after it."""

import datetime

from django.db import migrations, models

MODELS = ["roleassignment"]
APP = "accounts"


def shift_end_days(apps, days: int) -> None:
    # Row by row in Python: date arithmetic in an UPDATE differs between SQLite and PostgreSQL.
    for name in MODELS:
        model = apps.get_model(APP, name)
        rows = list(model.objects.filter(valid_until__isnull=False))
        for row in rows:
            row.valid_until += datetime.timedelta(days=days)
        model.objects.bulk_update(rows, ["valid_until"], batch_size=500)


def end_day_after(apps, schema_editor):
    shift_end_days(apps, 1)


def end_day_last(apps, schema_editor):
    shift_end_days(apps, -1)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_initial")]

    operations = [
        migrations.RemoveConstraint(
            model_name="roleassignment", name="accounts_roleassignment_valid_to_after_valid_from"
        ),
        migrations.RenameField(model_name="roleassignment", old_name="valid_to", new_name="valid_until"),
        migrations.AlterField(
            model_name="roleassignment",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="The first day it no longer holds. Empty while still in force.",
                null=True,
                verbose_name="no longer valid from",
            ),
        ),
        migrations.RunPython(end_day_after, end_day_last),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_until__isnull", True), ("valid_until__gt", models.F("valid_from")), _connector="OR"
                ),
                name="accounts_roleassignment_valid_until_after_valid_from",
            ),
        ),
    ]
