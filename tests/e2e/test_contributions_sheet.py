"""The treasurer takes the members' contributions at the meeting on a phone and taps "save"
twice; the same sheet is then sent again, as a phone does after a lost connection: the
contributions are recorded once."""

from django.utils import timezone
from playwright.sync_api import expect

from clubs.models import Club
from funds.models import EntryType, FundEntry, FundKind
from funds.services import usual_contributions_set
from tests import factories
from tests.e2e.test_member_register import log_in


def test_a_double_tap_and_a_resent_sheet_record_the_contributions_once(
    transactional_db, live_server, world, club_chair, phone_page
):
    page = phone_page
    club = world.club_a1
    # The live server runs on the real clock: the club meets today.
    today = timezone.localdate()
    Club.objects.filter(pk=club.pk).update(meeting_day=today.day)
    usual_contributions_set(actor=None, club=club, amounts={FundKind.INCOME: 50_000, FundKind.ACTIVITY: 0})
    for name in ("Nguyễn Thị An", "Trần Văn Bình"):
        factories.MembershipFactory(club=club, person__full_name=name)
    log_in(page, live_server, club_chair)

    page.goto(f"{live_server.url}/funds/club/{club.pk}/")
    page.get_by_test_id("contributions-sheet-link").click()
    sheet = page.get_by_test_id("contributions-sheet")
    row = page.locator('[data-testid="sheet-row"]').first
    box = row.bounding_box()
    assert box is not None and box["width"] <= 360
    expect(page.get_by_test_id("after-income")).to_contain_text("100.000")
    # What the page would send, kept to send it again later (the same token).
    sent = page.evaluate(
        """() => new URLSearchParams(
            new FormData(document.querySelector('[data-testid="contributions-sheet"]'))).toString()"""
    )
    sheet.locator('button[type="submit"]').dblclick()

    expect(page.get_by_test_id("meeting-summary")).to_be_visible()
    expect(page.get_by_test_id("contributed")).to_contain_text("100.000")
    status = page.evaluate(
        """async ([url, body]) => (await fetch(url, {
            method: 'POST', body: body, headers: {'Content-Type': 'application/x-www-form-urlencoded'},
            credentials: 'same-origin', redirect: 'manual'})).type""",
        [f"{live_server.url}/funds/club/{club.pk}/contributions/{today.year}/{today.month}/", sent],
    )
    assert status == "opaqueredirect"  # answered with the first save's redirect
    entries = FundEntry.objects.filter(fund__club=club, entry_type=EntryType.CONTRIBUTION)
    assert sorted(entries.values_list("contributor", "amount")) == [
        ("Nguyễn Thị An", 50_000),
        ("Trần Văn Bình", 50_000),
    ]
