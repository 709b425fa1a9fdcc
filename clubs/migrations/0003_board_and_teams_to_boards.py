"""The board and the teams move to the boards app: their tables are renamed (boards_*) and their
models leave this app's state; boards/migrations/0001_initial.py takes them over, rows and all."""

from django.db import migrations

MOVED = ["boardposition", "team", "teammembership"]


class Migration(migrations.Migration):
    dependencies = [
        ("clubs", "0002_board_and_teams"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable(name, f"boards_{name}") for name in MOVED],
            state_operations=[
                migrations.RemoveField(model_name="team", name="club"),
                migrations.RemoveField(model_name="team", name="leader"),
                migrations.RemoveField(model_name="teammembership", name="team"),
                migrations.RemoveField(model_name="teammembership", name="person"),
                migrations.DeleteModel(name="BoardPosition"),
                migrations.DeleteModel(name="Team"),
                migrations.DeleteModel(name="TeamMembership"),
            ],
        ),
    ]
