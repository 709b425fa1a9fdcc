from django.db import migrations

# The member search looks for each typed word anywhere in the folded name (LIKE '%word%'), which a
# B-tree cannot answer: without this index PostgreSQL reads every person of the province for each
# search and its count. A trigram index answers it from the words' three-letter pieces. PostgreSQL
# only: SQLite has no such index and its databases are small. Not in the model's Meta, where a
# GinIndex would be created on SQLite too; pg_trgm is a trusted extension, which the owner of the
# database may create.
INDEX = "person_name_folded_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON members_person USING gin (name_folded gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0005_meeting_attendance")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
