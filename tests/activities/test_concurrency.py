"""Two devices saving the same monthly report at the same moment (services.report_draft_save locks
the report row with SELECT … FOR UPDATE). Only PostgreSQL runs two writers at once (SQLite
serialises them): these tests need it. Each runs in real transactions with two threads released
together by a barrier (tests/funds/test_concurrency.py)."""

import datetime

import pytest
from django.db import connection

from activities import services
from activities.models import MonthlyReport, ReportAction, ReportStatus
from clubs.models import ActivityArea
from tests import factories
from tests.funds.test_concurrency import race, split_outcomes

D = datetime.date

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks (SELECT … FOR UPDATE) are only contended on PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def report(club, treasurer):
    for _ in range(4):
        factories.MembershipFactory(club=club, joined_on=D(2022, 5, 1))
    return services.report_start(actor=treasurer, club=club, month=D(2025, 2, 1))


def typed(**texts):
    return {name.replace("__", "-"): services.Typed(text, int(text)) for name, text in texts.items()}


def draft_save(actor, report, device, changes, base=None):
    def save():
        return services.report_draft_save(
            actor=actor, report=report, typed=changes, version=0, base=base or {}, device=device
        )

    return save


def test_two_devices_saving_different_areas_at_once_both_keep_their_work(treasurer, report):
    done, refused = split_outcomes(
        race(
            draft_save(treasurer, report, "phone", typed(health__health_talks="2", health__referrals="1")),
            draft_save(treasurer, report, "tablet", typed(learning__sessions="3", resources__member_fees="500000")),
        )
    )
    assert not refused and all(not saved.conflicts and not saved.errors for saved in done)
    report = MonthlyReport.objects.get(pk=report.pk)
    assert report.version == 2
    values = {section.area: section.values for section in report.sections.all()}
    assert (values[ActivityArea.HEALTH]["health_talks"], values[ActivityArea.HEALTH]["referrals"]) == (2, 1)
    assert (values[ActivityArea.LEARNING]["sessions"], values[ActivityArea.RESOURCES]["member_fees"]) == (3, 500_000)


def test_two_devices_changing_the_same_figure_at_once_one_is_refused(treasurer, report):
    base = {"health-health_talks": ""}
    done, refused = split_outcomes(
        race(
            draft_save(treasurer, report, "phone", typed(health__health_talks="2"), base),
            draft_save(treasurer, report, "tablet", typed(health__health_talks="5"), base),
        )
    )
    assert not refused
    [winner] = [saved for saved in done if not saved.conflicts]
    [loser] = [saved for saved in done if saved.conflicts]
    assert [conflict.name for conflict in loser.conflicts] == ["health-health_talks"]
    kept = MonthlyReport.objects.get(pk=report.pk).sections.get(area=ActivityArea.HEALTH).values["health_talks"]
    assert kept == winner.report.sections.get(area=ActivityArea.HEALTH).values["health_talks"]
    assert report.events.filter(action=ReportAction.SAVED).count() == 1


def test_a_double_tap_on_send_sends_once_and_answers_both(treasurer, report):
    services.report_save(
        actor=treasurer, report=report, sections={area: {"no_activity": True} for area in ActivityArea}
    )
    version = MonthlyReport.objects.get(pk=report.pk).version

    def send():
        return services.report_submit(actor=treasurer, report=report, version=version)

    done, refused = split_outcomes(race(send, send))
    assert not refused and [sent.status for sent in done] == [ReportStatus.SUBMITTED] * 2
    assert report.events.filter(action=ReportAction.SUBMITTED).count() == 1
