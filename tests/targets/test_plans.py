"""Target plans: the audited service that writes them, and the pages where province staff set them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from areas.models import AdminScheme, AreaType
from audit.models import AuditEntry
from targets.models import CoverageTarget, TargetPlan
from targets.plan_forms import ERROR_AREA_TYPES, ERROR_GROUP_NAME_TAKEN, ERROR_NO_GROUP
from targets.services import PLAN_FIELDS, plan_save
from tests import factories
from tests.conftest import login
from tests.targets.conftest import small_plan
from tests.text import vi, vi_html

PLAIN = {"name": "Đồng bằng", "area_types": [AreaType.PLAIN.value], "share": 50}
HILLS = {"name": "Miền núi và hải đảo", "area_types": [AreaType.MOUNTAIN.value, AreaType.ISLAND.value], "share": 30}


def stored_coverage(plan):
    return list(plan.coverage_targets.values_list("name", "area_types", "share"))


# --- the service ------------------------------------------------------------------------------


def test_plan_save_creates_the_plan_with_its_groups_and_audits_it(world, province_staff):
    plan = small_plan(world)
    assert TargetPlan.objects.get() == plan
    assert stored_coverage(plan) == [
        ("Đồng bằng", ["plain"], Decimal("50.0")),
        ("Miền núi và hải đảo", ["mountain", "island"], Decimal("30.0")),
    ]
    assert list(plan.coverage_targets.values_list("order", flat=True)) == [0, 1]

    values = {"name": "Kế hoạch 2026–2030", "code": "ke-hoach-2026-2030", "period_end": datetime.date(2030, 12, 31)}
    second = plan_save(actor=province_staff, values={**_values(plan), **values}, coverage=[PLAIN])
    entry = AuditEntry.objects.get(target_id=str(second.pk), target_type="targets.targetplan")
    assert entry.actor == province_staff
    assert entry.action == "targets.plan.created"
    assert entry.data == {"code": "ke-hoach-2026-2030"}


def test_plan_save_records_the_changed_fields(plan, province_staff):
    plan_save(
        actor=province_staff,
        plan=plan,
        values={"new_clubs": 12, "legal_basis": plan.legal_basis},
        coverage=[PLAIN, {**HILLS, "share": 35}],
    )
    plan.refresh_from_db()
    assert plan.new_clubs == 12
    assert stored_coverage(plan)[1][2] == Decimal("35.0")
    entry = AuditEntry.objects.filter(action="targets.plan.updated").get()
    assert entry.actor == province_staff
    assert entry.data["new_clubs"] == [8, 12]
    assert "legal_basis" not in entry.data
    old, new = entry.data["coverage"]
    assert [(name, Decimal(share)) for name, _types, share in new] == [
        ("Miền núi và hải đảo", 35),
        ("Đồng bằng", 50),
    ]
    assert [(name, Decimal(share)) for name, _types, share in old][0] == ("Miền núi và hải đảo", 30)


def test_plan_save_audits_a_changed_percentage(plan, province_staff):
    plan_save(actor=province_staff, plan=plan, values={"combined_share": Decimal("62.5")}, coverage=[PLAIN, HILLS])
    entry = AuditEntry.objects.get(action="targets.plan.updated")
    assert Decimal(entry.data["combined_share"][1]) == Decimal("62.5")
    assert "coverage" not in entry.data  # the same groups, typed as whole numbers, are no change


def _values(plan) -> dict:
    return {field: getattr(plan, field) for field in PLAN_FIELDS}


def _other_map_province():
    scheme = AdminScheme.objects.get(code="vn-2025-07")
    return factories.province(scheme=scheme, code="51", name="Tỉnh Quảng Ngãi (mới)")


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("period end before start", "period_end"),
        ("province not on the map", "province"),
        ("not a province", "province"),
        ("min months over the window", "activity_min_months"),
        ("share over 100", "share"),
        ("no area types", "area_types"),
    ],
)
def test_plan_save_refuses_wrong_values_and_saves_nothing(plan, world, province_staff, case, field):
    before = _values(plan)
    groups_before = stored_coverage(plan)
    audits_before = AuditEntry.objects.count()
    values = {"name": "Tên mới", "new_clubs": 99}
    coverage = [PLAIN, HILLS]
    if case == "period end before start":
        values["period_end"] = datetime.date(2021, 12, 31)
    elif case == "province not on the map":
        values["province"] = _other_map_province()
    elif case == "not a province":
        values["province"] = world.district_a
    elif case == "min months over the window":
        values.update(window_months=6, activity_min_months=7)
    elif case == "share over 100":
        coverage = [{**PLAIN, "share": 101}, HILLS]
    elif case == "no area types":
        coverage = [PLAIN, {**HILLS, "area_types": []}]

    with pytest.raises(ValidationError) as refused:
        plan_save(actor=province_staff, plan=TargetPlan.objects.get(pk=plan.pk), values=values, coverage=coverage)

    assert field in refused.value.message_dict
    stored = TargetPlan.objects.get(pk=plan.pk)
    assert _values(stored) == before
    assert stored_coverage(stored) == groups_before
    assert AuditEntry.objects.count() == audits_before


def test_plan_save_refuses_a_new_plan_with_wrong_values(world, province_staff):
    with pytest.raises(ValidationError):
        small_plan(world, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2024, 1, 1))
    assert not TargetPlan.objects.exists()
    assert not CoverageTarget.objects.exists()


# --- the pages --------------------------------------------------------------------------------


def coverage_post(rows, *, initial=0) -> dict:
    """The coverage formset's POST: the management form and one entry per row (a row may set DELETE)."""
    data = {
        "coverage-TOTAL_FORMS": str(len(rows)),
        "coverage-INITIAL_FORMS": str(initial),
        "coverage-MIN_NUM_FORMS": "1",
        "coverage-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"coverage-{index}-name"] = row.get("name", "")
        data[f"coverage-{index}-area_types"] = row.get("area_types", [])
        data[f"coverage-{index}-share"] = str(row.get("share", ""))
        if row.get("delete"):
            data[f"coverage-{index}-DELETE"] = "on"
    return data


def plan_post(world, rows=(PLAIN, HILLS), *, initial=0, **changes) -> dict:
    data = {
        "name": "Kế hoạch 2026–2030",
        "code": "ke-hoach-2026-2030",
        "legal_basis": "Quyết định 1648/QĐ-TTg",
        "scheme": str(world.province.scheme.pk),
        "province": str(world.province.pk),
        "period_start": "01/01/2026",
        "period_end": "31/12/2030",
        "new_clubs": "20",
        "new_clubs_per_year": "4",
        "new_club_date": "launch",
        "new_club_members": "1000",
        "both_funds_share": "100",
        "all_activities_share": "70",
        "members_borrowing_share": "50",
        "combined_share": "62,5",
        "club_borrowing_threshold": "50",
        "window_months": "12",
        "activity_min_months": "1",
        "coverage_min_clubs": "1",
        **changes,
    }
    return {**data, **coverage_post(rows, initial=initial)}


CREATE = reverse("targets:plan-create")
LIST = reverse("targets:plans")


def test_province_staff_create_a_plan_and_see_it_in_the_list(client, world, province_staff):
    login(client, province_staff)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert "coverage-__prefix__-name" in page.content.decode()  # the blank row "Add a group" copies

    response = client.post(CREATE, plan_post(world, rows=[PLAIN, HILLS, {}]))
    assert response.status_code == 302
    assert response.url == LIST
    plan = TargetPlan.objects.get(code="ke-hoach-2026-2030")
    assert plan.combined_share == Decimal("62.5")
    assert plan.new_club_date == "launch"
    assert plan.period_start == datetime.date(2026, 1, 1)
    assert stored_coverage(plan) == [
        ("Đồng bằng", ["plain"], Decimal("50.0")),
        ("Miền núi và hải đảo", ["mountain", "island"], Decimal("30.0")),
    ]
    assert AuditEntry.objects.get(action="targets.plan.created").actor == province_staff

    listing = client.get(LIST).content.decode()
    assert "Kế hoạch 2026–2030" in listing
    assert f"{reverse('targets:dashboard')}?plan=ke-hoach-2026-2030" in listing
    assert reverse("targets:plan-edit", args=["ke-hoach-2026-2030"]) in listing
    # Each coverage group with the area types it counts.
    assert f"({vi('mountain')}, {vi('island')})" in listing


def test_province_staff_edit_a_plan_without_javascript(client, world, plan, province_staff):
    """The existing rows are edited and one removed with its checkbox; the blank row adds a group."""
    url = reverse("targets:plan-edit", args=[plan.code])
    login(client, province_staff)
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="Miền núi và hải đảo"' in content
    assert 'value="50"' in content  # 50.0 % is shown as people type it

    rows = [
        {**PLAIN, "share": "55"},
        {**HILLS, "delete": True},
        {"name": "Hải đảo", "area_types": [AreaType.ISLAND.value], "share": "100"},
    ]
    values = plan_post(world, rows=rows, initial=2, name=plan.name, code=plan.code, new_clubs="10", combined_share="70")
    response = client.post(url, values)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.new_clubs == 10
    assert stored_coverage(plan) == [
        ("Đồng bằng", ["plain"], Decimal("55.0")),
        ("Hải đảo", ["island"], Decimal("100.0")),
    ]
    entry = AuditEntry.objects.get(action="targets.plan.updated")
    assert entry.actor == province_staff
    assert entry.data["new_clubs"] == [8, 10]


def form_errors(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("changes", "rows", "field", "message"),
    [
        ({"period_end": "31/12/2025"}, [PLAIN], "period_end", "The period must end after it starts."),
        ({"window_months": "3", "activity_min_months": "4"}, [PLAIN], "activity_min_months", None),
        ({"both_funds_share": "101"}, [PLAIN], "both_funds_share", "Enter a percentage between 0 and 100."),
        ({"province": "district"}, [PLAIN], "province", None),
        ({"scheme": "other"}, [PLAIN], "province", "The province must be on the plan's administrative map."),
    ],
)
def test_wrong_plan_values_are_shown_on_the_page_and_nothing_is_saved(
    client, world, province_staff, changes, rows, field, message
):
    if changes.get("province") == "district":
        changes["province"] = str(world.district_a.pk)
    if changes.get("scheme") == "other":
        changes["scheme"] = str(AdminScheme.objects.get(code="vn-2025-07").pk)
    login(client, province_staff)
    response = client.post(CREATE, plan_post(world, rows=rows, **changes))
    content = form_errors(response)
    assert field in response.context["form"].errors
    if message:
        assert vi_html(message) in content
    assert not TargetPlan.objects.exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([PLAIN, {**HILLS, "name": " đồng  BẰNG "}], ERROR_GROUP_NAME_TAKEN),
        ([PLAIN, {**HILLS, "area_types": []}], ERROR_AREA_TYPES),
        ([{}], ERROR_NO_GROUP),
        ([{**PLAIN, "delete": True}, {}], ERROR_NO_GROUP),
    ],
)
def test_wrong_coverage_groups_are_shown_on_the_page_and_nothing_is_saved(client, world, province_staff, rows, message):
    login(client, province_staff)
    response = client.post(CREATE, plan_post(world, rows=rows))
    content = form_errors(response)
    assert vi_html(message) in content
    assert not TargetPlan.objects.exists()


def test_editing_keeps_the_groups_when_the_form_is_refused(client, world, plan, province_staff):
    url = reverse("targets:plan-edit", args=[plan.code])
    groups = stored_coverage(plan)
    login(client, province_staff)
    values = plan_post(world, rows=[{**PLAIN, "share": "40"}], initial=2, code=plan.code, period_end="01/01/2020")
    assert client.post(url, values).status_code == 200
    plan.refresh_from_db()
    assert stored_coverage(plan) == groups
    assert plan.name == "Kế hoạch thử 2022–2025"


@pytest.mark.parametrize("persona", ["area_staff", "club_chair"])
def test_only_province_staff_create_and_edit_plans(client, world, plan, persona, request):
    login(client, request.getfixturevalue(persona))
    edit = reverse("targets:plan-edit", args=[plan.code])
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, plan_post(world)).status_code == 403
    assert client.get(edit).status_code == 403
    assert client.post(edit, plan_post(world, code=plan.code)).status_code == 403
    assert TargetPlan.objects.count() == 1
    assert not AuditEntry.objects.filter(action="targets.plan.updated").exists()


def test_area_staff_see_the_plans_without_edit_links(client, plan, area_staff):
    login(client, area_staff)
    response = client.get(LIST)
    assert response.status_code == 200
    content = response.content.decode()
    assert plan.name in content
    assert reverse("targets:plan-edit", args=[plan.code]) not in content
    assert CREATE not in content


def test_club_boards_do_not_see_the_plans(client, plan, club_chair):
    login(client, club_chair)
    assert client.get(LIST).status_code == 403


def test_editing_an_unknown_plan_is_not_found(client, province_staff):
    login(client, province_staff)
    assert client.get(reverse("targets:plan-edit", args=["khong-co"])).status_code == 404


def test_the_plan_list_queries_do_not_grow_with_the_plans(
    client, world, plan, province_staff, django_assert_num_queries
):
    login(client, province_staff)
    # session, user, the user's role assignments; the plans with their map and province; their
    # coverage groups (one prefetch for all plans).
    with django_assert_num_queries(5):
        assert client.get(LIST).status_code == 200
    for year in (2026, 2031):
        small_plan(
            world,
            name=f"Kế hoạch {year}",
            code=f"ke-hoach-{year}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year + 4, 12, 31),
        )
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.content.decode().count('data-testid="plan"') == 3


@pytest.mark.parametrize(
    "coverage",
    [[], [PLAIN, {**PLAIN, "name": " đồng  BẰNG ", "share": 40}]],
    ids=["no group", "two groups of the same name"],
)
def test_plan_save_refuses_coverage_groups_that_cannot_be_told_apart_and_saves_nothing(plan, province_staff, coverage):
    before = stored_coverage(plan)
    with pytest.raises(ValidationError) as refusal:
        plan_save(actor=province_staff, plan=plan, values={"new_clubs": 99}, coverage=coverage)
    assert "coverage" in refusal.value.error_dict
    plan.refresh_from_db()
    assert plan.new_clubs == 8
    assert stored_coverage(plan) == before
    assert not AuditEntry.objects.filter(action="targets.plan.updated").exists()
