"""Every page of the product, for each role, at 360 px and at 1280 px: no serious or critical
axe-core violation, and the buttons and menu links are at least 44 px tall on a phone.

The pages are those of the permission matrix (tests/url_access) that the role may open with a
GET (200): a new page is checked as soon as it has its access decision. One logged-in browser
context per role and width walks them all, and the failures of every page are reported at once.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.axe import axe_violations, describe
from tests.e2e.test_member_register import log_in
from tests.test_permission_matrix import PROTECTED, PUBLIC, rows

WIDTHS = (360, 1280)
# Older users' fingers: buttons, menu items and page links at least 44 px tall on a phone.
TAP_TARGETS = ".btn, .nav-link, .dropdown-item, .page-link, .navbar-toggler"
SMALL_TAP_TARGETS = """selector => [...document.querySelectorAll(selector)]
  .filter(element => element.checkVisibility())
  .filter(element => element.getBoundingClientRect().height < 44)
  .map(element => {
    const name = `${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`;
    const height = Math.round(element.getBoundingClientRect().height);
    return `${name} "${element.textContent.trim().slice(0, 30)}" (${height} px)`;
  })"""


def pages_for(persona: str):
    """(URL name, kwargs factory) of what `persona` opens with a GET and a 200 (exports, several
    things under one name, left out), in the order of the tables."""
    for name, entry in {**PUBLIC, **PROTECTED}.items():
        for label, (method, kwargs, expected) in rows(entry):
            status = expected.get("anonymous", 302) if persona == "anonymous" else expected.get(persona)
            if not label and method == "get" and status == 200:
                yield name, kwargs


def problems_on(page, url: str, width: int) -> str:
    try:
        page.goto(url)
    except PlaywrightError as exc:
        if "Download is starting" in str(exc):  # a file, not a page
            return ""
        raise
    found = []
    violations = axe_violations(page)
    if violations:
        found.append(describe(violations))
    small = page.evaluate(SMALL_TAP_TARGETS, TAP_TARGETS) if width < 768 else []
    if small:
        found.append("  tap targets under 44 px:\n" + "\n".join(f"      {target}" for target in small))
    return f"{url} at {width} px:\n" + "\n".join(found) if found else ""


@pytest.mark.parametrize("persona", ["anonymous", "club_chair", "area_staff", "province_staff", "admin_user"])
def test_every_page_is_accessible(request, transactional_db, live_server, world, chromium, persona):
    """The tables' arguments are made for a test each; here one database serves them all, so each
    factory runs once, just before its first page (a monthly report is a draft, then submitted,
    then accepted, as the pages come), and each page is seen at both widths at once."""
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    pages = {}
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 800}, locale="vi-VN")
        pages[width] = context.new_page()
        if user is not None:
            log_in(pages[width], live_server, user)
    made, report, walked = {}, [], 0
    for name, kwargs in pages_for(persona):
        if kwargs is not None and kwargs not in made:
            try:
                made[kwargs] = kwargs(world)
            except ValidationError as exc:
                report.append(f"{name}: its arguments could not be made after the pages before it: {exc}")
                continue
        url = live_server.url + reverse(name, kwargs=made.get(kwargs))
        for width, page in pages.items():
            report.append(problems_on(page, url, width))
        walked += 1
    for page in pages.values():
        page.context.close()
    assert walked
    report = [problem for problem in report if problem]
    assert not report, f"{len(report)} page(s) with problems for {persona}:\n" + "\n".join(report)
