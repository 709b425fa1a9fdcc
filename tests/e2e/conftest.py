"""Browser tests: Debian's Chromium driven by Playwright against the live test server.

Without /usr/bin/chromium they skip and say how to install it, so `make test` passes on a
fresh machine; CI sets REQUIRE_BROWSER_TESTS=1 and installs Chromium, and there a missing
browser fails the run instead.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = "Chromium is not installed: run `apt-get update && apt-get install -y chromium` to run browser tests."


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("REQUIRE_BROWSER_TESTS") == "1":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread while it runs; the fixtures' ORM
    # calls are still plain synchronous calls, so Django's async guard is lifted for these tests
    # only, and restored before the rest of the suite runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def phone_page(chromium):
    """A fresh browser context the size of a 360-px-wide phone."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def frozen_today():
    """The live server answers in real time: the browser and the server must agree on the clock."""
    yield


@pytest.fixture
def desktop_page(chromium):
    """A fresh browser context the size of a staff desktop (1280 px)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


# Where browser tests leave their screenshots (CI keeps the folder as an artefact).
ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", Path(__file__).resolve().parents[2] / "artifacts" / "e2e"))


@pytest.fixture
def screenshot(request):
    """shot(page, "step") saves a full-page screenshot as artifacts/e2e/<test>--<step>.png."""

    def shot(page, step: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}--{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shot
