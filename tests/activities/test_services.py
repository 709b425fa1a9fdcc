"""The monthly report's services: their rules and refusals, events and timeliness."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import services
from activities.fields import AREA_FIELDS
from activities.models import ReportAction, ReportStatus
from boards.models import TeamMemberRole
from clubs.models import ActivityArea, StatusChangeKind
from members.models import Person
from tests import factories

D = datetime.date
VN = datetime.timezone(datetime.timedelta(hours=7))
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def members(club):
    return [factories.MembershipFactory(club=club, joined_on=D(2022, 5, 1)).person for _ in range(4)]


@pytest.fixture
def report(club, treasurer, members):
    return services.report_start(actor=treasurer, club=club, month=D(2025, 2, 1))


def every_area_without_activity():
    return {area: {"no_activity": True} for area in ActivityArea}


def test_a_report_starts_with_a_section_per_area_and_remembers_its_fields(report):
    assert report.status == ReportStatus.DRAFT
    assert sorted(report.sections.values_list("area", flat=True)) == sorted(ActivityArea.values)
    assert report.field_codes[ActivityArea.HEALTH] == [field.code for field in AREA_FIELDS[ActivityArea.HEALTH]]
    assert list(report.events.values_list("action", flat=True)) == [ReportAction.STARTED]


def test_one_report_per_club_and_month(club, treasurer, report):
    with pytest.raises(ValidationError) as caught:
        services.report_start(actor=treasurer, club=club, month=D(2025, 2, 14))
    assert caught.value.messages == ["The club already has a report for 02/2025."]


def test_no_report_for_a_month_not_started_or_when_the_club_was_not_active(world, club, treasurer):
    with pytest.raises(ValidationError) as caught:
        services.report_start(actor=treasurer, club=club, month=D(2025, 4, 1))
    assert caught.value.messages == ["A month that has not started yet cannot be reported."]
    with pytest.raises(ValidationError) as caught:
        services.report_start(actor=treasurer, club=world.club_a2, month=D(2025, 2, 1))  # never launched
    assert caught.value.messages == ["The club was not active in 02/2025: there is nothing to report."]


def test_a_club_launched_or_dissolved_during_a_month_reports_that_month(world, treasurer):
    launched = factories.ClubFactory(unit=world.commune_a1, launch_date=D(2024, 6, 20), decision_date=D(2024, 5, 1))
    services.report_start(actor=treasurer, club=launched, month=D(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.report_start(actor=treasurer, club=launched, month=D(2024, 5, 1))
    factories.ClubStatusChangeFactory(club=launched, kind=StatusChangeKind.DISSOLVED, effective_on=D(2024, 11, 12))
    services.report_start(actor=treasurer, club=launched, month=D(2024, 11, 1))
    with pytest.raises(ValidationError):
        services.report_start(actor=treasurer, club=launched, month=D(2024, 12, 1))


def test_figures_are_whole_numbers_and_people_are_at_most_the_members(treasurer, report):
    with pytest.raises(ValidationError) as caught:
        services.report_save(
            actor=treasurer,
            report=report,
            sections={
                ActivityArea.HEALTH: {"values": {"checked": 5, "health_talks": -1}},
                ActivityArea.CULTURE: {"values": {"performances": "ba"}},
            },
        )
    errors = caught.value.message_dict
    assert sorted(errors[ActivityArea.HEALTH]) == [
        "health talks: enter a whole number, 0 or more.",
        "members whose blood pressure or weight was checked: 5 is more than the club's 4 active members.",
    ]
    assert errors[ActivityArea.CULTURE] == ["performances: enter a whole number, 0 or more."]
    report.refresh_from_db()
    assert all(not section.values for section in report.sections.all())  # nothing saved


def test_a_doubtful_figure_is_saved_once_confirmed(treasurer, report, members):
    Person.objects.filter(pk__in=[person.pk for person in members[:3]]).update(receives_home_care=True)
    home_care = {ActivityArea.HOME_CARE: {"values": {"volunteers_active": 2, "people_cared_for": 3, "visits": 70}}}
    with pytest.raises(ValidationError) as caught:
        services.report_save(actor=treasurer, report=report, sections=home_care)
    assert caught.value.message_dict[ActivityArea.HOME_CARE] == [
        "home visits made: 70 looks high (more than 62). Check it, then confirm to save it."
    ]
    services.report_save(actor=treasurer, report=report, sections=home_care, confirmed=True)
    assert report.sections.get(area=ActivityArea.HOME_CARE).values["visits"] == 70


def test_people_cared_for_are_checked_against_the_register_and_the_home_care_team(club, treasurer, report, members):
    """Members flagged as receiving home care and people cared for by the home-care team, each once."""
    Person.objects.filter(pk=members[0].pk).update(receives_home_care=True)
    team = factories.TeamFactory(club=club, activity_area=ActivityArea.HOME_CARE, started_on=D(2024, 1, 1))
    neighbour = factories.PersonFactory()  # an older person of the community, not a member
    for person in (neighbour, members[0]):
        factories.TeamMembershipFactory(
            team=team, person=person, role=TeamMemberRole.CARED_FOR, started_on=D(2024, 1, 1)
        )
    assert services.home_care_recorded(club, D(2025, 2, 28)) == 2
    with pytest.raises(ValidationError) as caught:
        services.report_save(
            actor=treasurer, report=report, sections={ActivityArea.HOME_CARE: {"values": {"people_cared_for": 3}}}
        )
    [message] = caught.value.message_dict[ActivityArea.HOME_CARE]
    assert message.startswith("people cared for: 3 is more than the 2 people recorded as receiving home care")
    services.report_save(
        actor=treasurer, report=report, sections={ActivityArea.HOME_CARE: {"values": {"people_cared_for": 2}}}
    )
    services.report_save(
        actor=treasurer,
        report=report,
        sections={ActivityArea.HOME_CARE: {"values": {"people_cared_for": 3}}},
        confirmed=True,
    )
    assert report.sections.get(area=ActivityArea.HOME_CARE).values["people_cared_for"] == 3


def test_home_care_recorded_on_a_day_counts_each_person_once_in_one_query(world, club, django_assert_num_queries):
    """Flagged members active on the day and people cared for by a home-care team on the day (a
    place in a team holds from its start day and no longer on its end day, as every tenure)."""
    day = D(2025, 2, 28)

    def member(club, **membership):
        person = factories.MembershipFactory(club=club, joined_on=D(2022, 5, 1), **membership).person
        Person.objects.filter(pk=person.pk).update(receives_home_care=True)
        return person

    flagged = member(club)
    member(club, left_on=day, leave_reason="moved")  # left on the day: no longer a member
    member(world.club_b1)  # another club's
    team = factories.TeamFactory(club=club, activity_area=ActivityArea.HOME_CARE, started_on=D(2024, 1, 1))
    health_team = factories.TeamFactory(club=club, activity_area=ActivityArea.HEALTH, started_on=D(2024, 1, 1))
    starts_today, ends_today = factories.PersonFactory(), factories.PersonFactory()
    for person, role, started_on, ended_on, in_team in (
        (flagged, TeamMemberRole.CARED_FOR, D(2024, 1, 1), None, team),  # both flagged and cared for
        (starts_today, TeamMemberRole.CARED_FOR, day, None, team),
        (ends_today, TeamMemberRole.CARED_FOR, D(2024, 1, 1), day, team),
        (factories.PersonFactory(), TeamMemberRole.CARED_FOR, D(2025, 3, 1), None, team),  # from the next day
        (factories.PersonFactory(), TeamMemberRole.VOLUNTEER, D(2024, 1, 1), None, team),
        (factories.PersonFactory(), TeamMemberRole.CARED_FOR, D(2024, 1, 1), None, health_team),
    ):
        factories.TeamMembershipFactory(
            team=in_team, person=person, role=role, started_on=started_on, ended_on=ended_on
        )
    # 1 the union of the flagged members' and the people cared for's ids, counted.
    with django_assert_num_queries(1):
        assert services.home_care_recorded(club, day) == 2  # flagged (once) and starts_today
    # The day before: flagged, the member who left on the day, and ends_today.
    assert services.home_care_recorded(club, day - datetime.timedelta(days=1)) == 3
    assert services.home_care_recorded(world.club_b1, day) == 1


def test_blank_is_not_zero_and_no_activity_excludes_figures(treasurer, report):
    services.report_save(
        actor=treasurer, report=report, sections={ActivityArea.LEARNING: {"values": {"sessions": 0, "attendance": ""}}}
    )
    section = report.sections.get(area=ActivityArea.LEARNING)
    assert section.values == {"sessions": 0, "attendance": None} and section.is_filled
    assert not report.sections.get(area=ActivityArea.RIGHTS).is_filled
    with pytest.raises(ValidationError) as caught:
        services.report_save(
            actor=treasurer,
            report=report,
            sections={ActivityArea.RIGHTS: {"no_activity": True, "values": {"social_pension": 1}}},
        )
    assert caught.value.message_dict[ActivityArea.RIGHTS] == [
        "Rights and entitlements: “no activity this month” is ticked, but figures are filled in."
    ]


def test_submitting_needs_every_area(treasurer, report):
    sections = every_area_without_activity()
    del sections[ActivityArea.CULTURE]
    services.report_save(actor=treasurer, report=report, sections=sections)
    with pytest.raises(ValidationError) as caught:
        services.report_submit(actor=treasurer, report=report)
    assert caught.value.messages == [
        "Fill in each area, or tick “no activity this month”: Culture, arts, visits and exchanges."
    ]


def submitted(treasurer, report):
    services.report_save(actor=treasurer, report=report, sections=every_area_without_activity(), members_present=3)
    return services.report_submit(actor=treasurer, report=report)


@pytest.mark.parametrize(
    ("moment", "on_time"),
    [
        (datetime.datetime(2025, 3, 10, 23, 59, tzinfo=VN), True),
        (datetime.datetime(2025, 3, 11, 0, 1, tzinfo=VN), False),
    ],
)
def test_on_time_up_to_the_deadline_day_at_midnight_vietnam_time(treasurer, report, moment, on_time):
    with time_machine.travel(moment, tick=False):
        report = submitted(treasurer, report)
    assert report.deadline == D(2025, 3, 10)
    assert report.is_on_time is on_time


def test_return_accept_reopen_and_what_a_locked_report_refuses(treasurer, province_staff, report):
    report = submitted(treasurer, report)
    with pytest.raises(ValidationError):
        services.report_save(actor=treasurer, report=report, sections={})
    with pytest.raises(ValidationError) as caught:
        services.report_return(actor=province_staff, report=report, comment=" ")
    assert caught.value.message_dict == {"comment": ["Say what the club should fix."]}
    report = services.report_return(actor=province_staff, report=report, comment="Thiếu số người dự họp")
    assert report.status == ReportStatus.RETURNED and report.staff_comment == "Thiếu số người dự họp"
    assert not report.is_locked and report.is_returned
    first = report.first_submitted_at
    report = services.report_submit(actor=treasurer, report=report)
    assert report.first_submitted_at == first  # timeliness is the first submission's
    report = services.report_accept(actor=province_staff, report=report)
    assert report.status == ReportStatus.ACCEPTED and report.is_locked
    with pytest.raises(ValidationError) as caught:
        services.report_save(actor=treasurer, report=report, sections={})
    assert caught.value.messages == ["The report is “accepted”: it cannot be changed now."]
    with pytest.raises(ValidationError):
        services.report_accept(actor=province_staff, report=report)
    with pytest.raises(ValidationError) as caught:
        services.report_reopen(actor=province_staff, report=report, reason="")
    report = services.report_reopen(actor=province_staff, report=report, reason="CLB xin sửa số liệu")
    assert report.status == ReportStatus.DRAFT
    assert list(report.events.exclude(action=ReportAction.SAVED).values_list("action", "comment")) == [
        (ReportAction.STARTED, ""),
        (ReportAction.SUBMITTED, ""),
        (ReportAction.RETURNED, "Thiếu số người dự họp"),
        (ReportAction.SUBMITTED, ""),
        (ReportAction.ACCEPTED, ""),
        (ReportAction.REOPENED, "CLB xin sửa số liệu"),
    ]
    assert timezone.localdate(report.submitted_at) == D(2025, 3, 15)
