import re

from playwright.sync_api import expect


def test_club_chair_logs_in_in_vietnamese_sees_only_their_club_and_switches_to_english(
    transactional_db, live_server, world, club_chair, phone_page
):
    page = phone_page
    page.goto(f"{live_server.url}/")

    # Signed out: the login page, in Vietnamese by default.
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()

    page.get_by_label("Tên đăng nhập").fill(club_chair.username)
    page.get_by_label("Mật khẩu").fill("secret-pass-123")
    page.get_by_role("button", name="Đăng nhập").click()

    # Home: their club and nothing else.
    expect(page.get_by_role("heading", name=world.club_a1.name)).to_be_visible()
    expect(page.get_by_text(world.club_b1.name)).to_have_count(0)

    # The club list, opened from the phone menu, lists their club only.
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Câu lạc bộ", exact=True).click()
    expect(page.get_by_role("link", name=world.club_a1.name)).to_be_visible()
    for other in (world.club_a2, world.club_b1, world.club_l):
        expect(page.get_by_text(other.name)).to_have_count(0)

    # A crafted URL to another club is "not found", not a peek at it.
    response = page.goto(f"{live_server.url}/clubs/{world.club_b1.pk}/")
    assert response.status == 404
    expect(page.get_by_text(world.club_b1.name)).to_have_count(0)

    # Switch to English: the interface follows and the choice is kept on the account.
    page.goto(f"{live_server.url}/clubs/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Clubs")).to_be_visible()
    club_chair.refresh_from_db()
    assert club_chair.language == "en"
