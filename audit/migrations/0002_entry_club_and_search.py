"""Each audit entry names the club it belongs to (the log is scoped and filtered by it) and keeps its
object's name folded for the log's accent-insensitive search. The entries written before are filled
in from their objects: the club itself, the club its loan, report, team… names, a person's club
(the one the entry names, else their latest membership's)."""

import django.db.models.deletion
from django.db import migrations, models

from core.text import fold

# The object types whose rows name their club, with the path to it.
CLUB_PATHS = {
    ("loans", "Loan"): "club_id",
    ("loans", "LoanRules"): "club_id",
    ("funds", "FundEntry"): "fund__club_id",
    ("activities", "MonthlyReport"): "club_id",
    ("boards", "BoardPosition"): "club_id",
    ("boards", "Team"): "club_id",
    ("boards", "TeamMembership"): "team__club_id",
}


def fill_in(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    Club = apps.get_model("clubs", "Club")
    Membership = apps.get_model("members", "Membership")
    clubs_by_code = dict(Club.objects.values_list("code", "pk"))
    club_pks = set(clubs_by_code.values())
    owners = {"clubs.club": {str(pk): pk for pk in club_pks}}
    for (app_label, model_name), path in CLUB_PATHS.items():
        model = apps.get_model(app_label, model_name)
        owners[model._meta.label_lower] = {str(pk): club for pk, club in model.objects.values_list("pk", path)}
    # A person's latest membership (the open one, else the last left), read in that order.
    latest = {}
    for person, club in Membership.objects.order_by(
        "person_id", models.F("left_on").asc(nulls_last=True), "joined_on", "pk"
    ).values_list("person_id", "club_id"):
        latest[str(person)] = club
    owners["members.person"] = latest

    batch = []
    for entry in AuditEntry.objects.only("pk", "target_type", "target_id", "target_repr", "data").iterator():
        entry.target_folded = fold(entry.target_repr)[:255]
        named = entry.data.get("club") if isinstance(entry.data, dict) else None
        if entry.target_type == "members.person" and named in clubs_by_code:
            entry.club_id = clubs_by_code[named]
        else:
            entry.club_id = owners.get(entry.target_type, {}).get(entry.target_id)
        batch.append(entry)
        if len(batch) == 1000:
            AuditEntry.objects.bulk_update(batch, ["target_folded", "club"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["target_folded", "club"])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("clubs", "0005_traced_back"),
        ("members", "0003_person_sort_key"),
        ("boards", "0001_initial"),
        ("funds", "0003_open_funds_of_existing_clubs"),
        ("loans", "0002_grace_days_help"),
        ("activities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="club",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="clubs.club",
                verbose_name="club",
            ),
        ),
        migrations.AddField(
            model_name="auditentry",
            name="target_folded",
            field=models.CharField(blank=True, editable=False, max_length=255, verbose_name="object (search)"),
        ),
        migrations.RunPython(fill_in, migrations.RunPython.noop),
    ]
