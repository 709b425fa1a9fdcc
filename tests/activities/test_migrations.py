"""activities/migrations/0003: the drafts staff had returned before "returned" was a state of its
own become returned; a reopened report and a plain draft stay drafts."""

import datetime
import importlib

from django.apps import apps

from activities import services
from activities.models import MonthlyReport, ReportStatus
from tests.activities.queue import returned

D = datetime.date
migration = importlib.import_module("activities.migrations.0003_report_returned_status")


def test_returned_drafts_become_returned(world):
    was_returned = returned(world.club_a1, D(2025, 1, 1))
    # Returned, then sent again and accepted, then reopened: a draft again, its last review a reopening.
    reopened = returned(world.club_a1, D(2025, 2, 1))
    services.report_submit(actor=None, report=reopened)
    services.report_accept(actor=None, report=reopened)
    services.report_reopen(actor=None, report=reopened, reason="CLB xin sửa")
    draft = services.report_start(actor=None, club=world.club_b1, month=D(2025, 2, 1))
    MonthlyReport.objects.filter(status=ReportStatus.RETURNED).update(status=ReportStatus.DRAFT)  # as before
    migration.mark_returned(apps, None)
    statuses = dict(MonthlyReport.objects.values_list("pk", "status"))
    assert statuses == {
        was_returned.pk: ReportStatus.RETURNED,
        reopened.pk: ReportStatus.DRAFT,
        draft.pk: ReportStatus.DRAFT,
    }
