"""People sort in Vietnamese letter order (Dũng before Đào), not by the accent-folded given name."""

from django.db import migrations, models

from core.text import vietnamese_sort_key


def fill_sort_keys(apps, schema_editor):
    Person = apps.get_model("members", "Person")
    people = list(Person.objects.order_by("pk").only("pk", "full_name"))
    for person in people:
        person.sort_key = vietnamese_sort_key(person.full_name)
    Person.objects.bulk_update(people, ["sort_key"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("members", "0002_ethnicities")]

    operations = [
        migrations.RenameField(model_name="person", old_name="given_name_folded", new_name="sort_key"),
        migrations.AlterField(
            model_name="person",
            name="sort_key",
            field=models.CharField(db_index=True, editable=False, max_length=255),
        ),
        migrations.AlterModelOptions(
            name="person",
            options={"ordering": ["sort_key", "pk"], "verbose_name": "person", "verbose_name_plural": "people"},
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
