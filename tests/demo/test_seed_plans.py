"""`manage.py seed_plans`: the plans of demo/plans.py whose map is loaded, once."""

import io

from django.core.management import call_command

from targets.models import TargetPlan, UnitCategory


def seed_plans() -> str:
    out = io.StringIO()
    call_command("seed_plans", stdout=out)
    return out.getvalue()


def test_each_plan_on_its_own_map_once(maps_with_lineage):
    output = seed_plans()
    assert "qng-2022-2025" in output and "qng-2026-2030" in output
    old, new = TargetPlan.objects.get(code="qng-2022-2025"), TargetPlan.objects.get(code="qng-2026-2030")
    assert (old.scheme.code, new.scheme.code) == ("vn-2020", "vn-2025-07")
    assert (new.new_clubs, new.new_clubs_per_year, new.new_club_members) == (None, None, None)
    assert [(group.area_types, group.share) for group in new.coverage_targets.all()] == [
        ([UnitCategory.PLAIN], 100),
        ([UnitCategory.MOUNTAIN, UnitCategory.BORDER, UnitCategory.ISLAND], 70),
    ]
    new.new_clubs = 120
    new.save()
    seed_plans()
    assert TargetPlan.objects.count() == 2
    assert TargetPlan.objects.get(code="qng-2026-2030").new_clubs == 120  # staff edits are kept


def test_a_plan_whose_map_is_not_loaded_is_left_out(db):
    assert "is not loaded, no plan created" in seed_plans()
    assert not TargetPlan.objects.exists()
