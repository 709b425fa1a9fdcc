"""The board and the teams, taken over from the clubs app (clubs/migrations/0003 renamed their
tables): this app's state gains the models, the database keeps the rows. What still carries the
old app's name is renamed: the check constraints named after it (PostgreSQL keeps constraint names;
SQLite rebuilds a table from the state whenever it changes one), the content types (so permissions
follow) and the audit log's object types."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["boardposition", "team", "teammembership"]


def rename_to_boards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for model in MOVED:
        ContentType.objects.filter(app_label="clubs", model=model).update(app_label="boards")
        AuditEntry.objects.filter(target_type=f"clubs.{model}").update(target_type=f"boards.{model}")
    if schema_editor.connection.vendor == "postgresql":
        for model in MOVED:
            schema_editor.execute(
                f"ALTER TABLE boards_{model} RENAME CONSTRAINT "
                f"clubs_{model}_ended_not_before_started TO boards_{model}_ended_not_before_started"
            )


def rename_to_clubs(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for model in MOVED:
        ContentType.objects.filter(app_label="boards", model=model).update(app_label="clubs")
        AuditEntry.objects.filter(target_type=f"boards.{model}").update(target_type=f"clubs.{model}")
    if schema_editor.connection.vendor == "postgresql":
        for model in MOVED:
            schema_editor.execute(
                f"ALTER TABLE boards_{model} RENAME CONSTRAINT "
                f"boards_{model}_ended_not_before_started TO clubs_{model}_ended_not_before_started"
            )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_initial"),
        ("clubs", "0003_board_and_teams_to_boards"),
        ("members", "0003_person_sort_key"),
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Team",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("started_on", models.DateField(verbose_name="since")),
                        (
                            "ended_on",
                            models.DateField(
                                blank=True, help_text="Empty while it still holds.", null=True, verbose_name="ended on"
                            ),
                        ),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        (
                            "activity_area",
                            models.CharField(
                                choices=[
                                    ("income", "Income generation"),
                                    ("health", "Health care"),
                                    ("home_care", "Volunteer home care"),
                                    ("self_help", "Self-help and mutual support"),
                                    ("rights", "Rights and entitlements"),
                                    ("learning", "Awareness and lifelong learning"),
                                    ("culture", "Culture, arts, visits and exchanges"),
                                    ("resources", "Resource mobilisation"),
                                ],
                                max_length=16,
                                verbose_name="activity area",
                            ),
                        ),
                        ("note", models.TextField(blank=True, verbose_name="note")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "club",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="teams",
                                to="clubs.club",
                                verbose_name="club",
                            ),
                        ),
                        (
                            "leader",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="teams_led",
                                to="members.person",
                                verbose_name="leader",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "team",
                        "verbose_name_plural": "teams",
                        "ordering": ["club", "name", "pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="TeamMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("started_on", models.DateField(verbose_name="since")),
                        (
                            "ended_on",
                            models.DateField(
                                blank=True, help_text="Empty while it still holds.", null=True, verbose_name="ended on"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("member", "team member"),
                                    ("volunteer", "volunteer"),
                                    ("cared_for", "person cared for"),
                                ],
                                max_length=16,
                                verbose_name="role in the team",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="team_memberships",
                                to="members.person",
                                verbose_name="person",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="memberships",
                                to="boards.team",
                                verbose_name="team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "team membership",
                        "verbose_name_plural": "team memberships",
                        "ordering": ["team", "started_on", "pk"],
                        "abstract": False,
                    },
                ),
                migrations.CreateModel(
                    name="BoardPosition",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("started_on", models.DateField(verbose_name="since")),
                        (
                            "ended_on",
                            models.DateField(
                                blank=True, help_text="Empty while it still holds.", null=True, verbose_name="ended on"
                            ),
                        ),
                        (
                            "title",
                            models.CharField(
                                choices=[
                                    ("chair", "chair"),
                                    ("vice_chair", "vice-chair"),
                                    ("accountant", "accountant"),
                                    ("treasurer", "treasurer"),
                                    ("member", "board member"),
                                ],
                                max_length=16,
                                verbose_name="title",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="recorded at")),
                        (
                            "club",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="board_positions",
                                to="clubs.club",
                                verbose_name="club",
                            ),
                        ),
                        (
                            "holder",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="board_positions",
                                to="members.person",
                                verbose_name="holder",
                            ),
                        ),
                        (
                            "role_assignment",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="board_position",
                                to="accounts.roleassignment",
                                verbose_name="role assignment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "board position",
                        "verbose_name_plural": "board positions",
                        "ordering": ["club", "-started_on", "pk"],
                        "abstract": False,
                        "indexes": [models.Index(fields=["club", "ended_on"], name="board_position_club_ended_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("ended_on__isnull", True),
                                    ("ended_on__gte", models.F("started_on")),
                                    _connector="OR",
                                ),
                                name="boards_boardposition_ended_not_before_started",
                                violation_error_message="The end date cannot be before the start date.",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("ended_on__isnull", True), ("title", "chair")),
                                fields=("club",),
                                name="board_position_one_current_chair",
                                violation_error_message="The club already has a current chair.",
                            ),
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="team",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("ended_on__isnull", True), ("ended_on__gte", models.F("started_on")), _connector="OR"
                        ),
                        name="boards_team_ended_not_before_started",
                        violation_error_message="The end date cannot be before the start date.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="team",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("ended_on__isnull", True)),
                        fields=("club", "name"),
                        name="team_name_unique_among_current",
                        violation_error_message="The club already has a current team with this name.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="teammembership",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("ended_on__isnull", True), ("ended_on__gte", models.F("started_on")), _connector="OR"
                        ),
                        name="boards_teammembership_ended_not_before_started",
                        violation_error_message="The end date cannot be before the start date.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="teammembership",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("ended_on__isnull", True)),
                        fields=("team", "person"),
                        name="team_membership_one_open_per_person",
                        violation_error_message="This person is already in the team.",
                    ),
                ),
            ],
        ),
        migrations.RunPython(rename_to_boards, rename_to_clubs),
    ]
