"""The report form saved input by input from several devices, and nothing typed lost: a page
sends the version it was based on and, for each input it changed, what that input showed then.
An input another device changed since is refused with who and when; the others merge. What the
rules refuse is kept as typed on the server and shown back with its error."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from activities.forms import CONFLICT
from activities.models import ReportAction
from clubs.models import ActivityArea
from tests import factories
from tests.conftest import login
from tests.text import vi

D = datetime.date
VN = datetime.timezone(datetime.timedelta(hours=7))
FEBRUARY = {"year": 2025, "month": 2}
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def members(club):
    return [factories.MembershipFactory(club=club, joined_on=D(2022, 5, 1)).person for _ in range(4)]


@pytest.fixture
def report(club, club_chair, members):
    return services.report_start(actor=club_chair, club=club, month=D(2025, 2, 1))


@pytest.fixture
def second_chair(club):
    return factories.board_member(club, username="phochunhiem", full_name="Trần Thị Hoa")


def edit_url(club):
    return reverse("activities:report-edit", kwargs={"club_pk": club.pk, **FEBRUARY})


def autosave(client, club, version, device, changes, base=None):
    """What report_form.js posts: only the inputs changed, each with what it showed before."""
    data = {"autosave": "1", "partial": "1", "version": version, "device": device, **changes}
    for name in changes:
        data[f"base:{name}"] = (base or {}).get(name, "")
    return client.post(edit_url(club), data)


def test_two_devices_changing_different_areas_both_keep_their_work(client, club, club_chair, report):
    login(client, club_chair)
    first = autosave(client, club, 0, "phone", {"health-health_talks": "2", "meeting_date": "12/02/2025"})
    assert first.json()["saved"] is True and first.json()["version"] == 1
    # The tablet opened the page at version 0 too and never saw the phone's save.
    second = autosave(client, club, 0, "tablet", {"learning-sessions": "3", "resources-member_fees": "1.180.000"})
    answer = second.json()
    assert answer["saved"] is True and answer["version"] == 2
    assert answer["values"] == {"health-health_talks": "2", "meeting_date": "12/02/2025"}  # shown on the tablet
    report.refresh_from_db()
    sections = {section.area: section.values for section in report.sections.all()}
    assert sections[ActivityArea.HEALTH]["health_talks"] == 2 and sections[ActivityArea.LEARNING]["sessions"] == 3
    assert sections[ActivityArea.RESOURCES]["member_fees"] == 1_180_000
    assert report.meeting_date == D(2025, 2, 12)
    assert list(report.events.filter(action=ReportAction.SAVED).values_list("version", "fields", "device")) == [
        (1, ["health-health_talks", "meeting_date"], "phone"),
        (2, ["learning-sessions", "resources-member_fees"], "tablet"),
    ]


def test_the_same_input_changed_on_two_devices_is_refused_with_who_and_when(
    client, club, club_chair, second_chair, report
):
    with time_machine.travel(datetime.datetime(2025, 3, 15, 14, 32, tzinfo=VN), tick=False):
        login(client, second_chair)
        autosave(client, club, 0, "phone", {"health-health_talks": "2"})
    login(client, club_chair)
    changes = {"health-health_talks": "5", "culture-performances": "1"}
    refused = autosave(client, club, 0, "tablet", changes, {"health-health_talks": ""})
    assert refused.status_code == 409
    answer = refused.json()
    assert answer["saved"] is False and answer["version"] == 2  # the other input merged
    label = f"{vi(ActivityArea.HEALTH.label)} — {vi('health talks')}"
    assert answer["conflicts"] == [{"name": "health-health_talks", "label": label, "theirs": "2"}]
    assert answer["conflict_messages"] == [vi(CONFLICT, time="14:32", name="Trần Thị Hoa", inputs=label)]
    health, culture = (report.sections.get(area=area).values for area in (ActivityArea.HEALTH, ActivityArea.CULTURE))
    assert health["health_talks"] == 2 and culture["performances"] == 1
    # The chair keeps hers: the page now sends it based on the other device's value.
    kept = autosave(client, club, 2, "tablet", {"health-health_talks": "5"}, {"health-health_talks": "2"})
    assert kept.json()["saved"] is True
    assert report.sections.get(area=ActivityArea.HEALTH).values["health_talks"] == 5


def test_a_stale_page_posting_the_whole_form_keeps_what_it_did_not_touch(client, club, club_chair, report):
    login(client, club_chair)
    autosave(client, club, 0, "phone", {"health-health_talks": "2"})
    whole = dict.fromkeys(("meeting_date", "members_present", "meeting_topics"), "")
    whole.update({f"{area}-note": "" for area in ActivityArea})
    whole.update({"health-health_talks": "", "learning-sessions": "4", "version": "0", "device": "tablet"})
    whole.update({"base:health-health_talks": "", "base:learning-sessions": "", "action": "save"})
    assert client.post(edit_url(club), whole).status_code == 302
    assert report.sections.get(area=ActivityArea.HEALTH).values["health_talks"] == 2  # not erased
    assert report.sections.get(area=ActivityArea.LEARNING).values["sessions"] == 4
    # Without what each input showed (no script), a later change elsewhere is refused, not overwritten.
    del whole["base:health-health_talks"], whole["base:learning-sessions"]
    response = client.post(edit_url(club), {**whole, "learning-sessions": "4"})
    assert response.status_code == 200
    [message] = response.context["form"].non_field_errors()
    # The page answers in the club's language (Vietnamese): the conflict, naming the figure.
    pattern = re.escape(vi(CONFLICT, time="@", name="@", inputs="@")).replace("@", ".+")
    assert re.fullmatch(pattern, message) and vi("health talks") in message
    assert report.sections.get(area=ActivityArea.HEALTH).values["health_talks"] == 2


def test_a_device_whose_answer_was_lost_is_no_conflict_for_itself(client, club, club_chair, report):
    login(client, club_chair)
    autosave(client, club, 0, "phone", {"health-health_talks": "2"})  # its answer never came back
    again = autosave(client, club, 0, "phone", {"health-health_talks": "3"}, {"health-health_talks": ""})
    assert again.json()["saved"] is True
    assert report.sections.get(area=ActivityArea.HEALTH).values["health_talks"] == 3


def test_what_cannot_be_read_is_kept_as_typed_and_shown_back_with_its_error(client, club, club_chair, report):
    login(client, club_chair)
    typed = {"meeting_date": "12/02/2025", "resources-member_fees": "1.180.000", "culture-performances": "2 lần"}
    answer = autosave(client, club, 0, "phone", typed).json()
    assert answer["saved"] is False and answer["kept"] == ["culture-performances"]
    report.refresh_from_db()
    assert report.meeting_date == D(2025, 2, 12)
    assert report.sections.get(area=ActivityArea.RESOURCES).values["member_fees"] == 1_180_000
    assert report.draft_input == {"culture-performances": {"text": "2 lần"}}
    page = client.get(edit_url(club))
    html = page.content.decode()
    assert 'value="2 lần"' in html and 'value="12/02/2025"' in html and 'value="1.180.000"' in html
    [error] = page.context["error_summary"]
    assert error["target"] == "id_culture-performances" and error["area"] == ActivityArea.CULTURE
    assert 'href="#id_culture-performances"' in html and 'aria-invalid="true"' in html
    # Fixed, it is saved and the draft holds nothing more.
    assert autosave(client, club, 1, "phone", {"culture-performances": "2"}, {"culture-performances": "2 lần"}).json()[
        "saved"
    ]
    report.refresh_from_db()
    assert report.draft_input == {} and report.sections.get(area=ActivityArea.CULTURE).values["performances"] == 2


def test_a_doubtful_figure_is_kept_until_confirmed_and_the_report_is_not_sent_before(club, club_chair, report):
    typed = {
        "home_care-volunteers_active": services.Typed("1", 1),
        "home_care-visits": services.Typed("40", 40),
    }
    saved = services.report_draft_save(actor=club_chair, report=report, typed=typed, version=0)
    assert [error.code for error in saved.errors[ActivityArea.HOME_CARE]] == ["doubtful"]
    assert set(saved.report.draft_input) == set(typed)
    with pytest.raises(services.ValidationError) as caught:
        services.report_submit(actor=club_chair, report=report)
    assert caught.value.messages == [str(services.ERROR_KEPT_UNSAVED)]
    confirmed = services.report_draft_save(actor=club_chair, report=report, typed={}, version=1, confirmed=True)
    assert confirmed.errors == {} and confirmed.report.draft_input == {}
    assert report.sections.get(area=ActivityArea.HOME_CARE).values["visits"] == 40


def test_the_page_and_an_autosave_cost_the_same_queries_whatever_the_members_and_reports(
    client, world, club, club_chair, report
):
    login(client, club_chair)
    client.get(edit_url(club))  # sessions and caches warmed
    autosave(client, club, 0, "tablet", {"learning-sessions": "1"})  # the phone's page is out of date

    def costs(volunteers):
        with CaptureQueriesContext(connection) as page:
            client.get(edit_url(club))
        report.refresh_from_db()
        with CaptureQueriesContext(connection) as save:
            changes = {"health-health_talks": str(report.version), "home_care-volunteers_active": volunteers}
            autosave(client, club, 0, "phone", changes)
        return len(page), len(save)

    few = costs("1")
    for _ in range(5):
        factories.MembershipFactory(club=club, joined_on=D(2022, 5, 1))
    for month in (1, 12):
        services.report_start(actor=club_chair, club=club, month=D(2025 if month == 1 else 2024, month, 1))
    for sessions in range(2, 5):  # more saves by the other device: read in one query
        autosave(client, club, 0, "tablet", {"learning-sessions": str(sessions)}, {"learning-sessions": "1"})
    assert costs("2") == few
