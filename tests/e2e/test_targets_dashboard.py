"""Province staff open the targets dashboard: the charts are drawn by the vendored Chart.js (no
request leaves the server), each next to the table of its numbers; the print layout makes a PDF."""

from playwright.sync_api import expect

from tests.e2e.test_member_register import log_in
from tests.targets.conftest import small_plan


def test_province_staff_see_the_charts_and_print_the_report(
    transactional_db, live_server, world, province_staff, chromium
):
    plan = small_plan(world)
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    # The Content-Security-Policy blocks what is inline; the browser says so on the console.
    console = []
    page.on("console", lambda message: console.append(message.text))
    log_in(page, live_server, province_staff)

    page.goto(f"{live_server.url}/targets/?plan={plan.code}")
    expect(page.get_by_test_id("plan-name")).to_have_text(plan.name)
    # New clubs per year, two coverage groups, composition, capital, PAR30.
    expect(page.locator("canvas[data-chart]")).to_have_count(6)
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 6")
    assert page.evaluate("() => Chart.version").startswith("4.")

    # Each chart is a picture of the table next to it.
    years_table = page.get_by_test_id("new-clubs-years")
    expect(years_table).to_be_visible()
    drawn = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=\"new_clubs\"]')).data.datasets[0].data"
    )
    assert drawn == [
        int(years_table.locator(f'tr[data-year="{year}"] td').first.inner_text()) for year in (2022, 2023, 2024, 2025)
    ]
    coverage_chart = page.locator('canvas[data-chart="coverage"]').first
    expect(coverage_chart).to_be_visible()
    assert coverage_chart.bounding_box()["height"] > 100
    for testid in ("coverage-districts", "capital", "composition", "par30-districts", "summary"):
        expect(page.get_by_test_id(testid).first).to_be_visible()
    expect(page.get_by_test_id("progress-bars").locator('[role="progressbar"]')).to_have_count(len(
        plan.coverage_targets.all()) + 6)  # fmt: skip
    # The bars are sized by static/js/bar_widths.js (no style attributes under the policy).
    assert page.evaluate(
        "() => [...document.querySelectorAll('[data-bar-width]')]"
        ".every(bar => bar.style.width === bar.dataset.barWidth + '%')"
    )

    # Nothing is fetched from elsewhere: Chart.js comes from /static/.
    assert all(url.startswith(live_server.url) for url in requests), [
        url for url in requests if not url.startswith(live_server.url)
    ]
    assert f"{live_server.url}/static/vendor/chartjs-4.6.1/chart.umd.min.js" in requests

    # The trend, on its own page: one chart, drawn.
    page.get_by_test_id("trend-link").click()
    expect(page.locator('canvas[data-chart="trend"]')).to_have_count(1)
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 1")
    page.go_back()

    page.get_by_test_id("print-link").click()
    expect(page.get_by_test_id("official-frame")).to_be_visible()
    expect(page.get_by_test_id("signatures")).to_be_visible()
    pdf = page.pdf(format="A4", print_background=False)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    assert not [text for text in console if "Content Security Policy" in text], console
    context.close()
