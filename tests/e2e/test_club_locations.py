"""A club across maps on a phone: province staff decide where the clubs of a split commune are,
and the club form offers the units of the map in force on the decision date typed
(static/js/map_units.js). The maps: tests/clubs/maps.py; the live server runs on the real clock."""

import re

from playwright.sync_api import expect

from areas.models import AdminUnit
from areas.signals import lineage_loaded
from clubs.models import ClubLocation, LocationSource
from clubs.services import register
from clubs.services.locations import ERROR_DECISION_REASON_REQUIRED
from tests.clubs.maps import build_maps
from tests.e2e.test_member_register import log_in
from tests.text import vi


def test_province_staff_decide_where_the_clubs_of_a_split_commune_are(
    transactional_db, live_server, world, province_staff, phone_page
):
    maps = build_maps(world)
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    page = phone_page
    log_in(page, live_server, province_staff)

    page.goto(f"{live_server.url}/clubs/{world.club_a1.pk}/")
    expect(page.get_by_test_id("location-decision-needed")).to_be_visible()
    page.goto(f"{live_server.url}/clubs/")
    page.get_by_role("link", name=vi("Where clubs are: decisions")).click()
    cards = page.get_by_test_id("location-decision")
    expect(cards).to_have_count(2)

    card = cards.filter(has_text=world.club_a1.name)
    # No reason: refused, and the choice made is kept.
    card.get_by_text("Phường An Phú").click()
    card.get_by_role("button", name=vi("Save the decision")).click()
    # Beside the reason's box, and in the summary above the form with a link to the box.
    expect(page.get_by_text(vi(ERROR_DECISION_REASON_REQUIRED), exact=True)).to_be_visible()
    summary = page.get_by_test_id("form-errors")
    expect(summary).to_contain_text(vi(ERROR_DECISION_REASON_REQUIRED))
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_reason")
    expect(page.get_by_label("Phường An Phú")).to_be_checked()

    page.locator("textarea[name=reason]").fill("Thôn Liên Trì Tây thuộc phường An Phú")
    page.get_by_role("button", name=vi("Save the decision")).click()
    expect(page).to_have_url(re.compile(r"/clubs/locations/$"))
    located = vi(
        "%(club)s is located in %(unit)s on the map in force since %(date)s.",
        club=world.club_a1.name,
        unit="Phường An Phú",
        date="01/07/2025",
    )
    expect(page.get_by_text(located)).to_be_visible()
    expect(page.get_by_test_id("location-decision")).to_have_count(1)
    location = ClubLocation.objects.get(club=world.club_a1, scheme=maps.july)
    assert (location.unit, location.source) == (maps.an_phu, LocationSource.DECIDED)

    # Its page shows where it sat on each map.
    page.goto(f"{live_server.url}/clubs/{world.club_a1.pk}/")
    chain = page.get_by_test_id("club-locations")
    expect(chain).to_contain_text("Xã Bình Hiệp, Huyện Đồng Bằng")
    expect(chain).to_contain_text("Phường An Phú")
    expect(page.get_by_test_id("location-decision-needed")).to_have_count(0)


def test_the_club_form_offers_the_map_in_force_on_the_decision_date(
    transactional_db, live_server, world, province_staff, phone_page
):
    build_maps(world)
    page = phone_page
    log_in(page, live_server, province_staff)
    page.goto(f"{live_server.url}/clubs/new/")
    unit = page.locator("select[name=unit]")

    def groups():
        return unit.locator("optgroup").evaluate_all("groups => groups.map(group => group.label)")

    page.locator("input[name=decision_date]").fill("10/02/2025")
    assert groups() == [vi("Map in force %(start)s – %(end)s", start="01/01/2025", end="30/06/2025")]
    page.locator("input[name=decision_date]").fill("15/06/2022")
    assert groups() == [vi("Map in force %(start)s – %(end)s", start="01/02/2020", end="31/12/2024")]
    unit.select_option(label="Xã Ba Vì — Huyện Miền Núi")
    # A date on another map: the unit chosen on the old one is dropped.
    page.locator("input[name=decision_date]").fill("20/07/2025")
    assert groups() == [vi("Map in force since %(start)s", start="01/07/2025")]
    assert unit.input_value() == ""
    # No date: today's map; a date not yet complete: every map.
    page.locator("input[name=decision_date]").fill("")
    assert groups() == [vi("Map in force since %(start)s", start="01/07/2025")]
    page.locator("input[name=decision_date]").fill("20/07/20")
    assert len(groups()) == 3


def test_province_staff_say_where_a_new_club_counts_on_the_old_map_and_change_it(
    transactional_db, live_server, world, province_staff, phone_page
):
    """A club registered in Xã Nghĩa An of July 2025 counts, on the map of 2020, in Bình Hiệp or
    Tịnh Ấn Tây (Bình Hiệp of January 2025 was formed from both): staff choose, then correct it."""
    maps = build_maps(world)
    lineage_loaded.send(sender=AdminUnit, actor=province_staff)
    club = register.club_create(actor=province_staff, name="CLB Nghĩa An mới", unit=maps.nghia_an)
    page = phone_page
    log_in(page, live_server, province_staff)

    page.goto(f"{live_server.url}/clubs/locations/")
    card = page.get_by_test_id("location-decision").filter(has_text=club.name)
    expect(card).to_contain_text(vi("On this map, the club's area was in"))
    card.get_by_text("Xã Tịnh Ấn Tây").click()
    card.locator("textarea[name=reason]").fill("Hội viên ở thôn Cộng Hòa")
    card.get_by_role("button", name=vi("Save the decision")).click()
    expect(page).to_have_url(re.compile(r"/clubs/locations/$"))
    expect(page.get_by_test_id("location-decision").filter(has_text=club.name)).to_have_count(0)

    page.goto(f"{live_server.url}/clubs/{club.pk}/")
    traced = page.get_by_test_id("traced-back").filter(has_text="Xã Tịnh Ấn Tây")
    expect(traced).to_contain_text("Hội viên ở thôn Cộng Hòa")
    traced.get_by_role("link", name=vi("Change")).click()
    expect(page.get_by_label("Xã Tịnh Ấn Tây")).to_be_checked()
    page.get_by_text("Xã Bình Hiệp").last.click()
    page.locator("textarea[name=reason]").fill("Nhầm thôn: Liên Trì thuộc Bình Hiệp")
    page.get_by_role("button", name=vi("Save the decision")).click()
    expect(page).to_have_url(re.compile(rf"/clubs/{club.pk}/$"))
    expect(page.get_by_test_id("traced-back").filter(has_text="Nhầm thôn")).to_contain_text("Xã Bình Hiệp")
    location = ClubLocation.objects.get(club=club, scheme=world.commune_a1.scheme)
    assert (location.unit_id, location.source) == (world.commune_a1.pk, LocationSource.DECIDED)
