from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def mark_returned(apps, schema_editor):
    """Drafts that staff returned and the club has not resubmitted become "returned": their last
    return or reopening is a return (a reopened accepted report stays a draft)."""
    MonthlyReport = apps.get_model("activities", "MonthlyReport")
    ReportEvent = apps.get_model("activities", "ReportEvent")
    last_review = (
        ReportEvent.objects.filter(report=OuterRef("pk"), action__in=["returned", "reopened", "submitted"])
        .order_by("-at", "-pk")
        .values("action")[:1]
    )
    MonthlyReport.objects.filter(status="draft").alias(last=Subquery(last_review)).filter(last="returned").update(
        status="returned"
    )


def mark_draft(apps, schema_editor):
    apps.get_model("activities", "MonthlyReport").objects.filter(status="returned").update(status="draft")


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0002_report_versions_and_kept_drafts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="monthlyreport",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "draft"),
                    ("submitted", "submitted"),
                    ("returned", "returned"),
                    ("accepted", "accepted"),
                ],
                default="draft",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(mark_returned, mark_draft),
    ]
