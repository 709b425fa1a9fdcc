"""The targets dashboard, its print layout and the lists behind its figures (docs/domain.md §5)."""

import datetime
import json

import pytest
from django.test.html import Element, parse_html
from django.urls import reverse

from areas.models import AdminUnit
from clubs.models import Club
from demo.scenario import initial_capital_record
from targets.models import CoverageTarget, TargetPlan
from tests import factories
from tests.conftest import login
from tests.targets.conftest import SEED_DAY
from tests.text import vi

PAGES = ["targets:dashboard", "targets:print", "targets:new-clubs", "targets:clubs", "targets:units"]
ON = SEED_DAY.strftime("%d/%m/%Y")


# --- reading the pages ------------------------------------------------------------------------


def _matches(element, attributes: dict) -> bool:
    own = dict(element.attributes)
    return all(own.get(name) == value for name, value in attributes.items())


def find_all(root, tag=None, **attributes) -> list[Element]:
    """The elements under `root` with this tag and these attribute values (data_testid → data-testid)."""
    wanted = {name.replace("_", "-"): value for name, value in attributes.items()}
    found = []
    for child in root.children:
        if isinstance(child, Element):
            if (tag is None or child.name == tag) and _matches(child, wanted):
                found.append(child)
            found += find_all(child, tag, **attributes)
    return found


def find(root, **attributes) -> Element:
    found = find_all(root, **attributes)
    assert len(found) == 1, (attributes, len(found))
    return found[0]


def text(element) -> str:
    parts = [child if isinstance(child, str) else text(child) for child in element.children]
    return " ".join(" ".join(parts).split())


def hrefs(root) -> list[str]:
    links = []
    for child in root.children:
        if isinstance(child, Element):
            if child.name == "a":
                links.append(dict(child.attributes).get("href", ""))
            links += hrefs(child)
    return links


def page(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return parse_html(response.content.decode()), response


def summary_row(root, key) -> dict:
    row = find(find(root, data_testid="summary"), data_target=key)
    return {name: text(find(row, data_testid=name)) for name in ("numerator", "denominator", "value", "target")}


# --- data -------------------------------------------------------------------------------------


def add_initial_capital(clubs):
    """The initial capital of docs/domain.md §7 as seed_demo records it: 4 clubs, 238.500.000 đ."""
    for index, club in enumerate(clubs):
        if club.launch_date is not None:
            initial_capital_record(club, index)


def unit_named(name) -> AdminUnit:
    return AdminUnit.objects.get(scheme__code="vn-2020", name=name)


@pytest.fixture
def scenario(qng_plan, seed_2022, seed_staff, client):
    """Province staff logged in on the 24/11/2022 scenario, with the four clubs' initial capital."""
    add_initial_capital(seed_2022)
    login(client, seed_staff[0])
    return qng_plan


# --- the dashboard ----------------------------------------------------------------------------


def test_the_trend_of_24_11_2022(client, scenario):
    """Five years to the report's, each on the map in force at its end: nothing before 2022; on
    24/11/2022 the 7 clubs launched (7 communes of the 174 units of 2020: 173 communes and Lý Sơn)
    and their 413 members."""
    root, response = page(client, "targets:trend", plan=scenario.code, on=ON)
    trend = [(p.year, p.day, p.scheme.code, p.clubs, p.members, p.covered, p.units) for p in response.context["trend"]]
    assert trend == [
        *[(year, datetime.date(year, 12, 31), "vn-2020", 0, 0, 0, 174) for year in range(2018, 2022)],
        (2022, datetime.date(2022, 11, 24), "vn-2020", 7, 413, 7, 174),
    ]
    charts = response.context["charts"]
    assert json.loads(text(find(root, id="targets-trend-data"))) == charts
    assert charts["clubs"] == [0, 0, 0, 0, 7] and charts["coverage"][-1] == 4.0
    assert len(find_all(find(root, data_testid="trend-table"), "tr")) == 1 + 5


def test_province_staff_see_every_figure_of_24_11_2022(client, scenario):
    root, response = page(client, "targets:dashboard", plan=scenario.code, on=ON)
    plain, mountain = CoverageTarget.objects.filter(plan=scenario).order_by("order")

    assert text(find(root, data_testid="plan-name")) == "Quảng Ngãi 2022–2025"
    assert "1336/QĐ-TTg" in text(find(root, data_testid="legal-basis"))
    assert "01/01/2022" in text(find(root, data_testid="period"))
    assert "22,5" in text(find(root, data_testid="elapsed"))
    assert summary_row(root, "new_clubs") == {"numerator": "10", "denominator": "", "value": "10", "target": "76"}
    assert summary_row(root, "new_club_members")["numerator"] == "413"
    # Counts grouped in thousands; the paces in whole clubs and members, rounded up (17,06 and 853,1).
    assert summary_row(root, "new_club_members")["target"] == "3.800"
    assert "3.800" in text(find(root, data_testid="new-members"))
    summary = find(root, data_testid="summary")
    paces = [
        text(find(find(summary, data_target=key), data_testid="pace")) for key in ("new_clubs", "new_club_members")
    ]
    assert [pace.split()[0] for pace in paces] == ["18", "854"]
    # A coverage group counts communes, whatever the group is called.
    plain_row = find_all(find(summary, data_target=f"coverage-{plain.pk}"), "th")[0]
    assert text(plain_row).startswith(vi("Communes with a club: %(group)s", group=plain.name))
    assert summary_row(root, f"coverage-{plain.pk}") == {
        "numerator": "7",
        "denominator": "110",
        "value": "6,4 %",
        "target": "50 %",
    }
    assert summary_row(root, f"coverage-{mountain.pk}")["numerator"] == "0"
    assert summary_row(root, f"coverage-{mountain.pk}")["denominator"] == "64"
    assert summary_row(root, "both_funds") == {
        "numerator": "4",
        "denominator": "7",
        "value": "57,1 %",
        "target": "100 %",
    }
    assert summary_row(root, "members_borrowing")["denominator"] == "413"

    assert text(find(root, data_testid="new-counted")) == "10"
    assert text(find(root, data_testid="new-launched")) == "7"
    assert text(find(root, data_testid="new-not-launched")) == "3"
    assert text(find(root, data_testid="capital-total")) == "238.500.000 đ"
    assert text(find(root, data_testid="clubs-with-capital")) == "4"
    composition = find(root, data_testid="section-composition")
    figures = {name: text(find(composition, data_testid=name)) for name in ("members", "older", "women", "poor")}
    assert figures == {"members": "413", "older": "289", "women": "289", "poor": "268"}
    assert text(find(composition, data_testid="active-clubs")) == "7"
    assert text(find(composition, data_testid="members-per-club")) == "59"
    assert text(find(composition, data_testid="older-per-club")) == "41"
    # The Lý Sơn rule is stated, naming the unit it applies to.
    assert "Lý Sơn" in text(find(root, data_testid="units-without-communes"))
    assert find(root, data_testid="coverage-rule")
    assert len(find(root, data_testid="glossary").children) > 0

    query = f"plan={scenario.code}&on={ON.replace('/', '%2F')}"
    assert dict(find(root, data_testid="export-xlsx").attributes)["href"] == f"/exports/targets.xlsx?{query}"
    assert dict(find(root, data_testid="export-pdf").attributes)["href"] == f"/exports/targets.pdf?{query}"
    assert dict(find(root, data_testid="print-link").attributes)["href"] == f"/targets/print/?{query}"

    charts = response.context["charts"]
    assert json.loads(text(find(root, id="targets-chart-data"))) == charts
    assert charts["new_clubs"] == {**charts["new_clubs"], "labels": ["2022"], "counted": [10], "target": 19}
    assert [group["target"] for group in charts["coverage"]] == [50.0, 30.0]
    assert sum(charts["capital"]["amounts"]) == 238_500_000
    assert len(find_all(root, "canvas")) == 2 + 4  # new clubs, 2 coverage groups, composition, capital, PAR30
    assert dict(find(root, data_testid="trend-link").attributes)["href"] == f"/targets/trend/?{query}"
    assert "/static/vendor/chartjs-4.6.1/chart.umd.min.js" in response.content.decode()


def test_every_figure_links_to_what_is_behind_it(client, scenario):
    root, _response = page(client, "targets:dashboard", plan=scenario.code, on=ON)
    mountain = CoverageTarget.objects.filter(plan=scenario).order_by("order").last()
    ba_to = unit_named("Huyện Ba Tơ")
    binh_son = unit_named("Huyện Bình Sơn")
    links = hrefs(root)
    query = f"plan={scenario.code}&on={ON.replace('/', '%2F')}"
    assert f"/targets/units/?{query}&group={mountain.pk}&district={ba_to.pk}&covered=0" in links
    assert f"/targets/clubs/?{query}&measure=both_funds&met=0" in links
    assert f"/targets/clubs/?{query}&measure=all_activities&met=0" in links
    assert f"/targets/clubs/?{query}&measure=combined&met=0" in links
    assert f"/targets/new-clubs/?{query}&district={binh_son.pk}" in links
    assert f"/targets/new-clubs/?{query}&year=2022" in links
    assert f"/targets/new-clubs/?{query}&launched=0" in links


def test_area_staff_see_the_same_page_for_their_area_only(client, qng_plan, seed_staff):
    login(client, seed_staff[1])  # staff of Thành phố Quảng Ngãi
    root, _response = page(client, "targets:dashboard", plan=qng_plan.code, on=ON)
    plain, mountain = CoverageTarget.objects.filter(plan=qng_plan).order_by("order")

    assert "Thành phố Quảng Ngãi" in text(find(root, data_testid="scope"))
    assert summary_row(root, "new_clubs")["numerator"] == "3"
    assert summary_row(root, "new_club_members")["numerator"] == "118"
    assert summary_row(root, f"coverage-{plain.pk}")["numerator"] == "2"
    assert summary_row(root, f"coverage-{plain.pk}")["denominator"] == "23"
    assert summary_row(root, f"coverage-{mountain.pk}")["denominator"] == "0"
    districts = find(root, data_testid="new-clubs-districts")
    assert "Huyện Bình Sơn" not in text(districts)


def test_club_boards_are_refused_and_anonymous_users_sent_to_log_in(client, world, plan, club_chair):
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 302
        assert client.get(reverse(name))["Location"].startswith(reverse("login"))
    login(client, club_chair)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 403


def test_a_wrong_date_is_shown_and_the_report_falls_back_to_today(client, world, plan, province_staff):
    login(client, province_staff)
    for wrong in ("31/02/2024", "16/03/2025"):  # not a date; tomorrow
        root, response = page(client, "targets:dashboard", plan=plan.code, on=wrong)
        assert response.context["form"].errors["on"]
        assert response.context["report"].on.isoformat() == "2025-03-15"
        assert "invalid-feedback" in response.content.decode()


def test_the_plan_in_force_is_shown_without_parameters(client, world, plan, province_staff):
    login(client, province_staff)
    root, response = page(client, "targets:dashboard")
    assert response.context["report"].plan == plan
    # The select shows the plan in use, the links carry it with today's date.
    assert response.context["form"].initial["plan"] == plan.code
    assert response.context["query"] == f"plan={plan.code}&on=15%2F03%2F2025"


def test_without_a_plan_the_page_says_so_and_links_to_the_plans(client, world, province_staff, area_staff):
    assert not TargetPlan.objects.exists()
    login(client, province_staff)
    for name in PAGES:
        root, _response = page(client, name)
        notice = find(root, data_testid="no-plan")
        assert reverse("targets:plans") in hrefs(notice)
        assert reverse("targets:plan-create") in hrefs(notice)
    login(client, area_staff)
    root, _response = page(client, "targets:dashboard")
    assert reverse("targets:plan-create") not in hrefs(find(root, data_testid="no-plan"))


def test_print_layout_has_the_official_frame_the_tables_and_the_signatures(client, scenario, in_english):
    root, response = page(client, "targets:print", plan=scenario.code, on=ON)
    content = response.content.decode()
    frame = find(root, data_testid="official-frame")
    # The issuer names the province with its kind, in the user's language (Vietnamese here).
    assert "Hội Người cao tuổi tỉnh Quảng Ngãi" in text(frame)
    assert text(find(root, data_testid="place-and-date")) == "Quảng Ngãi, ngày 24 tháng 11 năm 2022"
    assert find(root, data_testid="signatures")
    assert find(root, data_testid="glossary")
    assert text(find(root, data_testid="capital-total")) == "238.500.000 đ"
    assert "<nav" not in content and "<form" not in content and "<canvas" not in content


# --- the lists behind the figures ---------------------------------------------------------------


def listed(root, attribute="data-club") -> list[str]:
    rows = find_all(find(root, data_testid="rows"), "tr")
    return [dict(row.attributes)[attribute] for row in rows if attribute in dict(row.attributes)]


def test_units_of_a_district_without_a_club(client, scenario):
    plain, mountain = CoverageTarget.objects.filter(plan=scenario).order_by("order")
    ba_to = unit_named("Huyện Ba Tơ")
    root, response = page(
        client, "targets:units", plan=scenario.code, on=ON, group=mountain.pk, district=ba_to.pk, covered=0
    )
    assert "Huyện Ba Tơ" in text(find(root, data_testid="list-heading"))
    units = listed(root, "data-unit")
    assert len(units) == 19
    assert set(units) == set(ba_to.children.values_list("code", flat=True))

    city = unit_named("Thành phố Quảng Ngãi")
    root, _response = page(client, "targets:units", plan=scenario.code, on=ON, group=plain.pk, district=city.pk)
    assert len(listed(root, "data-unit")) == 23
    root, _response = page(
        client, "targets:units", plan=scenario.code, on=ON, group=plain.pk, district=city.pk, covered=1
    )
    covered = listed(root, "data-unit")
    assert len(covered) == 2
    clubs = Club.objects.filter(unit__code__in=covered, launch_date__isnull=False)
    assert {club.get_absolute_url() for club in clubs} <= set(hrefs(find(root, data_testid="rows")))
    # Lý Sơn is a unit of its own.
    ly_son = unit_named("Huyện Lý Sơn")
    root, _response = page(client, "targets:units", plan=scenario.code, on=ON, group=mountain.pk, district=ly_son.pk)
    assert listed(root, "data-unit") == [ly_son.code]


def test_clubs_not_meeting_a_measure(client, scenario, seed_2022):
    root, _response = page(client, "targets:clubs", plan=scenario.code, on=ON, measure="both_funds", met=0)
    launched = [club for club in seed_2022 if club.launch_date]
    assert set(listed(root)) == {club.code for club in launched[4:]}
    assert {club.get_absolute_url() for club in launched[4:]} <= set(hrefs(find(root, data_testid="rows")))
    root, _response = page(client, "targets:clubs", plan=scenario.code, on=ON, measure="both_funds", met=1)
    assert set(listed(root)) == {club.code for club in launched[:4]}
    # Each club shows what its two funds hold, which is what the measure looks at.
    rows = {dict(row.attributes).get("data-club"): text(row) for row in find_all(find(root, data_testid="rows"), "tr")}
    assert "55.000.000 đ" in rows[launched[0].code] and "5.000.000 đ" in rows[launched[0].code]
    assert "54.500.000 đ" in rows[launched[2].code]
    binh_son = unit_named("Huyện Bình Sơn")
    root, _response = page(
        client, "targets:clubs", plan=scenario.code, on=ON, measure="both_funds", met=1, district=binh_son.pk
    )
    assert listed(root) == [seed_2022[0].code]
    root, _response = page(client, "targets:clubs", plan=scenario.code, on=ON)
    assert len(listed(root)) == 7


def test_new_clubs_by_district_year_and_launch(client, scenario, seed_2022):
    city = unit_named("Thành phố Quảng Ngãi")
    root, _response = page(client, "targets:new-clubs", plan=scenario.code, on=ON, district=city.pk)
    assert len(listed(root)) == 3
    assert "Thành phố Quảng Ngãi" in text(find(root, data_testid="list-heading"))
    root, _response = page(client, "targets:new-clubs", plan=scenario.code, on=ON, launched=0)
    assert set(listed(root)) == {club.code for club in seed_2022 if club.launch_date is None}
    root, _response = page(client, "targets:new-clubs", plan=scenario.code, on=ON, year=2022)
    assert len(listed(root)) == 10
    root, _response = page(client, "targets:new-clubs", plan=scenario.code, on=ON, year=2023)
    assert listed(root) == []
    # Before the first decision nothing is new yet.
    root, _response = page(client, "targets:new-clubs", plan=scenario.code, on="01/03/2022")
    assert listed(root) == []


def test_lists_are_scoped_like_the_dashboard(client, qng_plan, seed_staff):
    login(client, seed_staff[1])  # staff of Thành phố Quảng Ngãi
    binh_son = unit_named("Huyện Bình Sơn")
    root, _response = page(client, "targets:new-clubs", plan=qng_plan.code, on=ON, district=binh_son.pk)
    assert listed(root) == []
    root, _response = page(client, "targets:new-clubs", plan=qng_plan.code, on=ON)
    assert len(listed(root)) == 3
    root, _response = page(client, "targets:units", plan=qng_plan.code, on=ON)
    assert len(listed(root, "data-unit")) == 23
    root, _response = page(client, "targets:clubs", plan=qng_plan.code, on=ON)
    assert len(listed(root)) == 2


def test_a_wrong_filter_is_shown_and_left_out(client, scenario):
    root, response = page(client, "targets:new-clubs", plan=scenario.code, on=ON, year="abc", launched="maybe")
    assert find(root, data_testid="filter-errors")
    assert len(listed(root)) == 10


def test_lists_are_paginated(client, world, plan, province_staff):
    factories.ClubFactory.create_batch(60, unit=world.commune_a1)
    login(client, province_staff)
    root, response = page(client, "targets:new-clubs", plan=plan.code, on="15/03/2025")
    assert len(listed(root)) == 50
    assert response.context["total"] == 64
    assert f"?plan={plan.code}&amp;on=15%2F03%2F2025&amp;page=2" in response.content.decode()
    root, _response = page(client, "targets:new-clubs", plan=plan.code, on="15/03/2025", page=2)
    assert len(listed(root)) == 14
    root, _response = page(client, "targets:clubs", plan=plan.code, on="15/03/2025", page=2)
    assert len(listed(root)) == 63 - 50  # club A2 is not launched


def test_a_plan_whose_count_targets_are_not_set_yet_is_reported_without_them(client, world, plan, province_staff):
    """A plan adopted before the province sets its new-club and member numbers (the 2026–2030
    plan under Decision 1648/QĐ-TTg): the figures are counted, no target is invented."""
    plan.new_clubs = plan.new_clubs_per_year = plan.new_club_members = None
    plan.save()
    login(client, province_staff)
    root, response = page(client, "targets:dashboard", plan=plan.code)
    report = response.context["report"]
    new_clubs, members = report.progress[0], report.progress[1]
    assert (new_clubs.target, new_clubs.pace, new_clubs.met, new_clubs.gap, new_clubs.progress) == (
        None,
        None,
        None,
        None,
        None,
    )
    assert members.target is None and report.new_clubs.pace is None
    assert summary_row(root, "new_clubs")["target"] == vi("not set")
    for kind in ("xlsx", "pdf"):
        export = client.get(reverse("exports:download", args=["targets", kind]), {"plan": plan.code})
        assert export.status_code == 200
    assert client.get(reverse("targets:plans")).status_code == 200
