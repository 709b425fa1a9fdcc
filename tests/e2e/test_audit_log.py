"""Area staff follow a change to a club into the audit log from a phone: the club's history link
opens the log on that club, the entry in words, in Vietnam time."""

from django.utils.text import capfirst
from playwright.sync_api import expect

from audit.display import local_time
from audit.models import AuditEntry
from clubs.models import StatusChangeKind
from clubs.services import register
from tests.e2e.test_member_register import log_in
from tests.text import vi


def test_area_staff_read_a_clubs_history_in_the_log(
    transactional_db, live_server, world, area_staff, province_staff, phone_page, desktop_page, screenshot
):
    club = world.club_a1
    register.club_update(club=club, actor=province_staff, meeting_day=12)
    register.club_status_change(
        club=club,
        actor=province_staff,
        kind=StatusChangeKind.SUSPENDED,
        effective_on=club.launch_date,
        reason="Mùa mưa",
    )

    for page in (phone_page, desktop_page):
        log_in(page, live_server, area_staff)
        page.goto(f"{live_server.url}/clubs/{club.pk}/")
        page.get_by_test_id("audit-history").click()
        expect(page.get_by_test_id("object-filter")).to_be_visible()
        entries = page.get_by_test_id("audit-entry")
        expect(entries).to_have_count(2)
        expect(page.get_by_test_id("audit-action").first).to_have_text(capfirst(vi("club suspended")))
        expect(entries.first).to_contain_text("Mùa mưa")
        # The time the entry was written, in Vietnam (the browser tests run on the real clock).
        written = AuditEntry.objects.get(action="clubs.club.suspended").created_at
        expect(entries.first).to_contain_text(local_time(written))
        screenshot(page, "phone" if page is phone_page else "desktop")
