"""The monthly report pages: the club's months, the form (save, errors, doubtful values, autosave,
submit), the staff's review (return with a comment, accept, reopen) and the printable forms."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from activities import services
from activities.models import MonthlyReport, ReportAction, ReportStatus
from clubs.models import ActivityArea
from funds.models import CapitalSource, FundKind
from funds.services import contribution_record
from loans import services as loan_services
from loans.models import InterestMethod, RepaymentFrequency
from loans.selectors import month_lending
from members.selectors import club_current_members
from members.services import meeting_attendance_record
from tests import factories
from tests.conftest import login
from tests.text import vi

D = datetime.date


def shown(message, **params) -> str:
    return escape(vi(message, **params))


pytestmark = pytest.mark.usefixtures("in_english")
FEBRUARY = {"year": 2025, "month": 2}


@pytest.fixture
def members(club):
    return [factories.MembershipFactory(club=club, joined_on=D(2022, 5, 1)).person for _ in range(4)]


@pytest.fixture
def report(club, club_chair, members):
    return services.report_start(actor=club_chair, club=club, month=D(2025, 2, 1))


def url(name, club, **kwargs):
    return reverse(f"activities:{name}", kwargs={"club_pk": club.pk, **kwargs})


def blank_post(**changes):
    """The form as posted with nothing typed (unticked boxes are not sent), plus `changes`."""
    data = {"meeting_date": "", "members_present": "", "meeting_topics": ""}
    for area in ActivityArea:
        data[f"{area}-note"] = ""
    data.update(changes)
    return data


def nothing_anywhere(**changes):
    return blank_post(**{f"{area}-no_activity": "on" for area in ActivityArea}, **changes)


def submitted(report, actor):
    services.report_save(actor=actor, report=report, sections={area: {"no_activity": True} for area in ActivityArea})
    return services.report_submit(actor=actor, report=report)


# --- the club's months -------------------------------------------------------------------------


def test_the_club_page_lists_its_last_twelve_months_newest_first(client, club, club_chair, report):
    response = login(client, club_chair).get(url("club-reports", club))
    html = response.content.decode()
    months = [row["month"] for row in response.context["rows"]]
    assert months[0] == D(2025, 3, 1) and months[-1] == D(2024, 4, 1) and len(months) == 12
    assert 'data-month="2025-02"' in html and 'data-testid="start-report"' in html
    rows = {row["month"]: row for row in response.context["rows"]}
    assert rows[D(2025, 2, 1)]["report"] == report
    assert rows[D(2025, 1, 1)]["overdue"] and not rows[D(2025, 3, 1)]["overdue"]


def test_staff_see_the_months_but_no_button_to_start(client, club, area_staff):
    html = login(client, area_staff).get(url("club-reports", club)).content.decode()
    assert 'data-testid="start-report"' not in html
    assert 'data-testid="blank-form"' in html


def test_the_club_page_costs_the_same_queries_whatever_its_reports(client, club, club_chair, members):
    login(client, club_chair)
    client.get(url("club-reports", club))  # sessions and caches warmed
    with CaptureQueriesContext(connection) as few:
        client.get(url("club-reports", club))
    for month in (2, 1):
        submitted(services.report_start(actor=club_chair, club=club, month=D(2025, month, 1)), club_chair)
    services.report_start(actor=club_chair, club=club, month=D(2024, 12, 1))
    with CaptureQueriesContext(connection) as many:
        client.get(url("club-reports", club))
    assert len(many) == len(few)


# --- start and fill in -------------------------------------------------------------------------


def test_starting_a_month_opens_its_form_and_a_second_start_is_refused(client, club, club_chair, members):
    login(client, club_chair)
    response = client.post(url("report-start", club, **FEBRUARY))
    assert response["Location"] == url("report-edit", club, **FEBRUARY)
    page = client.get(response["Location"])
    html = page.content.decode()
    assert html.count('data-testid="area-card"') == len(ActivityArea)
    positions = [html.index(f'data-area="{area}"') for area in ActivityArea]
    assert positions == sorted(positions)
    assert 'inputmode="numeric"' in html and 'data-testid="from-loan-book"' in html
    assert "js/report_form.js" in html
    again = client.post(url("report-start", club, **FEBRUARY), follow=True)
    assert shown(services.ERROR_ALREADY_REPORTED, month="02/2025") in again.content.decode()


def test_members_present_is_offered_from_the_attendance_of_the_months_meeting(client, club, club_chair, report):
    client = login(client, club_chair)
    assert client.get(url("report-edit", club, **FEBRUARY)).context["form"]["members_present"].value() is None
    people = list(club_current_members(club=club, on=D(2025, 2, 15)))
    meeting_attendance_record(
        actor=None, club=club, meeting_on=D(2025, 2, 15), members=people, present={people[0].pk, people[2].pk}
    )
    assert client.get(url("report-edit", club, **FEBRUARY)).context["form"]["members_present"].value() == "2"
    # What the chair saved stays as saved.
    report.members_present = 3
    report.save(update_fields=["members_present"])
    assert client.get(url("report-edit", club, **FEBRUARY)).context["form"]["members_present"].value() == "3"


def test_saving_a_draft_keeps_the_figures(client, club, club_chair, report):
    data = blank_post(**{"health-checked": "3", "health-health_talks": "1", "health-note": "Đo huyết áp"})
    data.update({"meeting_date": "12/02/2025", "members_present": "4", "meeting_topics": "Kế hoạch", "action": "save"})
    response = login(client, club_chair).post(url("report-edit", club, **FEBRUARY), data)
    assert response.status_code == 302
    section = report.sections.get(area=ActivityArea.HEALTH)
    assert section.values["checked"] == 3 and section.values["health_talks"] == 1 and section.note == "Đo huyết áp"
    report.refresh_from_db()
    assert report.meeting_date == D(2025, 2, 12) and report.members_present == 4
    html = client.get(url("report-edit", club, **FEBRUARY)).content.decode()
    assert 'value="3"' in html and "Đo huyết áp" in html


def test_errors_show_on_their_area_which_is_kept_as_typed_and_the_others_are_saved(client, club, club_chair, report):
    data = blank_post(**{"health-checked": "9", "culture-performances": "1", "action": "save"})
    response = login(client, club_chair).post(url("report-edit", club, **FEBRUARY), data)
    assert response.status_code == 200
    cards = {card.area: card for card in response.context["cards"]}
    message = vi(
        services.ERROR_TOO_MANY_PEOPLE,
        field=vi("members whose blood pressure or weight was checked"),
        value=9,
        members=4,
    )
    assert cards[ActivityArea.HEALTH].errors == [message]
    assert cards[ActivityArea.CULTURE].errors == []
    assert report.sections.get(area=ActivityArea.CULTURE).values["performances"] == 1
    report.refresh_from_db()
    assert report.draft_input == {"health-checked": {"text": "9", "value": 9}}
    assert report.sections.get(area=ActivityArea.HEALTH).values == {}
    page = client.get(url("report-edit", club, **FEBRUARY))
    assert [card.errors for card in page.context["cards"] if card.area == ActivityArea.HEALTH] == [[message]]
    assert 'value="9"' in page.content.decode()


def test_a_doubtful_value_asks_to_confirm_then_saves(client, club, club_chair, report):
    login(client, club_chair)
    figures = {"home_care-volunteers_active": "1", "home_care-visits": "40", "action": "save"}
    response = client.post(url("report-edit", club, **FEBRUARY), blank_post(**figures))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirm-box"' in html
    assert shown(services.ERROR_DOUBTFUL, field=vi("home visits made"), value=40, limit=31) in html
    assert report.sections.get(area=ActivityArea.HOME_CARE).values == {}
    response = client.post(url("report-edit", club, **FEBRUARY), blank_post(**figures, confirmed="on"))
    assert response.status_code == 302
    assert report.sections.get(area=ActivityArea.HOME_CARE).values["visits"] == 40


def test_autosave_answers_json(client, club, club_chair, report):
    login(client, club_chair)
    response = client.post(
        url("report-edit", club, **FEBRUARY), blank_post(**{"learning-sessions": "2", "autosave": "1"})
    )
    assert response.status_code == 200
    assert response.json() == {
        "saved": True,
        "version": 1,
        "at": "23:30",
        "kept": [],
        "errors": [],
        "conflicts": [],
        "conflict_messages": [],
        "values": {},
    }
    assert report.sections.get(area=ActivityArea.LEARNING).values["sessions"] == 2
    assert report.events.filter(action=ReportAction.SAVED).count() == 1
    response = client.post(
        url("report-edit", club, **FEBRUARY), blank_post(**{"rights-social_pension": "50", "autosave": "1"})
    )
    assert response.status_code == 400
    answer = response.json()
    assert answer["saved"] is False and answer["kept"] == ["rights-social_pension"]
    assert [(error["target"], error["area"]) for error in answer["errors"]] == [("area-rights", "rights")]
    response = client.post(url("report-edit", club, **FEBRUARY), blank_post(**{"health-checked": "x", "autosave": "1"}))
    errors = response.json()["errors"]
    assert [(error["target"], error["area"]) for error in errors] == [("id_health-checked", "health")]
    assert errors[0]["message"].startswith(vi("members whose blood pressure or weight was checked") + ": ")


def test_the_form_checks_then_sends_the_report_once(client, club, club_chair, report):
    login(client, club_chair)
    response = client.post(
        url("report-edit", club, **FEBRUARY), blank_post(**{"health-checked": "2", "action": "review"})
    )
    assert response.status_code == 200
    assert 'data-testid="confirm-form"' in response.content.decode()  # the draft is good: check it
    report.refresh_from_db()
    assert report.sections.get(area=ActivityArea.HEALTH).values["checked"] == 2  # the draft is kept
    response = client.post(url("report-edit", club, **FEBRUARY), {"action": "submit", "version": report.version})
    assert response["Location"] == url("report-edit", club, **FEBRUARY)
    follow = client.get(response["Location"])
    assert shown(services.ERROR_UNFILLED, areas="").split(":")[0] in follow.content.decode()
    data = nothing_anywhere(**{"health-checked": "2", "action": "review", "version": report.version})
    del data["health-no_activity"]
    check = client.post(url("report-edit", club, **FEBRUARY), data)
    html = check.content.decode()
    assert html.count('data-testid="section"') == len(ActivityArea) and 'data-testid="meeting"' in html
    assert check.context["report"].version == report.version + 1
    send = {"action": "submit", "version": check.context["report"].version}
    response = client.post(url("report-edit", club, **FEBRUARY), send)
    assert response["Location"] == url("report-detail", club, **FEBRUARY)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.is_on_time is False  # February's deadline was 10/03
    again = client.post(url("report-edit", club, **FEBRUARY), send, follow=True)  # a double tap
    assert again.redirect_chain == [(url("report-detail", club, **FEBRUARY), 302)]
    sent_message = vi("The report of %(month)s has been sent.", month="02/2025")
    assert [str(message) for message in again.context["messages"]][-1] == sent_message
    assert report.events.filter(action=ReportAction.SUBMITTED).count() == 1


def test_a_report_changed_after_it_was_checked_is_not_sent(client, club, club_chair, report):
    login(client, club_chair)
    check = client.post(url("report-edit", club, **FEBRUARY), nothing_anywhere(action="review"))
    checked = check.context["report"].version
    services.report_save(actor=club_chair, report=report, sections={}, meeting_topics="Thêm nội dung")
    response = client.post(url("report-edit", club, **FEBRUARY), {"action": "submit", "version": checked}, follow=True)
    assert shown(services.ERROR_CHANGED_SINCE_CHECKED) in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


# --- review --------------------------------------------------------------------------------------


def test_staff_return_with_a_comment_the_chair_sees_it(client, club, club_chair, area_staff, report):
    submitted(report, club_chair)
    login(client, area_staff)
    detail = client.get(url("report-detail", club, **FEBRUARY)).content.decode()
    assert 'data-testid="review-actions"' in detail and 'data-testid="edit-report"' not in detail
    response = client.post(url("report-return", club, **FEBRUARY), {"comment": "Thiếu số liệu sức khỏe"})
    assert response["Location"] == reverse("activities:review-next")  # the next waiting report
    login(client, club_chair)
    html = client.get(url("report-edit", club, **FEBRUARY)).content.decode()
    assert 'data-testid="staff-comment"' in html and "Thiếu số liệu sức khỏe" in html
    history = client.get(url("report-detail", club, **FEBRUARY)).content.decode()
    assert 'data-action="returned"' in history and "huyen_a" in history


def test_returning_needs_a_comment(client, club, club_chair, area_staff, report):
    submitted(report, club_chair)
    response = login(client, area_staff).post(url("report-return", club, **FEBRUARY), {"comment": "  "})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_accept_locks_the_form_and_reopen_unlocks_it(client, club, club_chair, province_staff, report):
    submitted(report, club_chair)
    login(client, province_staff)
    client.post(url("report-accept", club, **FEBRUARY))
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED
    login(client, club_chair)
    assert client.get(url("report-edit", club, **FEBRUARY))["Location"] == url("report-detail", club, **FEBRUARY)
    locked = client.post(url("report-edit", club, **FEBRUARY), blank_post(autosave="1"))
    assert locked.status_code == 409 and locked.json()["saved"] is False
    assert client.post(url("report-accept", club, **FEBRUARY)).status_code == 403
    login(client, province_staff)
    assert 'data-testid="reopen-actions"' in client.get(url("report-detail", club, **FEBRUARY)).content.decode()
    client.post(url("report-reopen", club, **FEBRUARY), {"reason": "CLB xin sửa số liệu"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.events.filter(action=ReportAction.REOPENED, comment="CLB xin sửa số liệu").exists()
    login(client, club_chair)
    assert client.get(url("report-edit", club, **FEBRUARY)).status_code == 200


def test_accepting_a_draft_is_refused_with_a_message(client, club, area_staff, report):
    response = login(client, area_staff).post(url("report-accept", club, **FEBRUARY), follow=True)
    assert shown(services.ERROR_NOT_SUBMITTED) in response.content.decode()
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("report-return", {"comment": "Thiếu số liệu"}, services.ERROR_NOT_SUBMITTED),
        ("report-reopen", {"reason": "CLB xin sửa"}, services.ERROR_NOT_ACCEPTED),
    ],
)
def test_a_review_of_a_report_in_another_state_is_refused_on_the_form(
    client, club, area_staff, report, action, data, message
):
    response = login(client, area_staff).post(url(action, club, **FEBRUARY), data)
    assert response.status_code == 200
    assert [str(error) for error in response.context["form"].non_field_errors()] == [str(message)]
    assert shown(message) in response.content.decode()
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.DRAFT


# --- printable ---------------------------------------------------------------------------------


def test_printable_report_and_blank_form(client, club, club_chair, report):
    services.report_save(
        actor=club_chair, report=report, sections={ActivityArea.LEARNING: {"values": {"sessions": 3}, "note": "Học"}}
    )
    login(client, club_chair)
    html = client.get(url("report-print", club, **FEBRUARY)).content.decode()
    assert 'media="print"' in html and "css/print.css" in html
    assert html.count('data-testid="section"') == len(ActivityArea) and "Học" in html
    blank = client.get(url("blank-form", club, year=2025, month=4)).content.decode()
    assert blank.count('data-testid="section"') == len(ActivityArea) and vi("learning sessions") in blank
    assert client.get(url("blank-form", club, year=2025, month=13)).status_code == 404


def test_the_income_section_shows_the_month_of_the_loan_book(client, world, club_chair):
    club = world.club_a1
    contribution_record(
        actor=None,
        fund=club.funds.get(kind=FundKind.INCOME),
        amount=20_000_000,
        entry_date=datetime.date(2024, 1, 5),
        source=CapitalSource.MEMBERS,
    )
    loan_services.rules_record(
        actor=None,
        club=club,
        effective_from=datetime.date(2023, 1, 1),
        max_amount=10_000_000,
        max_term_months=12,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
    )
    borrower = factories.MembershipFactory(club=club).person
    loan = loan_services.loan_apply(
        actor=None,
        club=club,
        borrower=borrower,
        amount=6_000_000,
        term_months=6,
        purpose="trade",
        applied_on=datetime.date(2024, 12, 1),
    )
    loan = loan_services.loan_approve(
        actor=None, loan=loan, decided_on=datetime.date(2024, 12, 2), decision_body="board", decision_reference="BB"
    )
    loan_services.loan_disburse(actor=None, loan=loan, disbursed_on=datetime.date(2024, 12, 15))
    loan_services.repayment_record(actor=None, loan=loan, amount=1_030_000, paid_on=datetime.date(2025, 1, 15))
    january = month_lending(club=club, month=datetime.date(2025, 1, 1), today=datetime.date(2025, 3, 15))
    assert (january.loans_disbursed, january.amount_repaid, january.borrowers, january.loans_in_arrears) == (
        0,
        1_030_000,
        1,
        0,
    )
    february = month_lending(club=club, month=datetime.date(2025, 2, 1), today=datetime.date(2025, 3, 15))
    assert (february.amount_repaid, february.loans_in_arrears) == (0, 1)  # due 15/02, unpaid at 28/02
    march = month_lending(club=club, month=datetime.date(2025, 3, 1), today=datetime.date(2025, 3, 15))
    assert march.on == datetime.date(2025, 3, 15) and march.loans_in_arrears == 1
    december = month_lending(club=club, month=datetime.date(2024, 12, 1), today=datetime.date(2025, 3, 15))
    assert (december.loans_disbursed, december.amount_disbursed) == (1, 6_000_000)
    services.report_start(actor=club_chair, club=club, month=datetime.date(2025, 1, 1))
    html = login(client, club_chair).get(reverse("activities:report-edit", args=[club.pk, 2025, 1])).content.decode()
    section = html.split('data-testid="from-loan-book"')[1].split("</ul>")[0]
    assert "1.030.000" in section
