from targets.models import TargetPlan
from tests.targets.conftest import small_plan
from tests.url_access import STAFF_ONLY

# The targets report is a roll-up over many clubs: association staff, each within their area
# (Cap.REPORT_VIEW); a club's board does not see it.


def with_plan(world):
    """The pages and exports of an existing plan (the plan in force is the default one), made once
    for the tests that open several of them on one database."""
    if not TargetPlan.objects.filter(province=world.province).exists():
        small_plan(world)
    return None


def plan_code(world):
    """The code of the personas' plan (made once: tests/e2e/test_accessibility.py walks every page on one database)."""
    plan = TargetPlan.objects.filter(province=world.province).first() or small_plan(world)
    return {"code": plan.code}


PROTECTED = {
    "targets:dashboard": ("get", with_plan, STAFF_ONLY),
    "targets:print": ("get", with_plan, STAFF_ONLY),
    "targets:trend": ("get", with_plan, STAFF_ONLY),
    "targets:new-clubs": ("get", with_plan, STAFF_ONLY),
    "targets:clubs": ("get", with_plan, STAFF_ONLY),
    "targets:units": ("get", with_plan, STAFF_ONLY),
    # Every member of staff reads the plans; only the province sets them (Cap.PLAN_MANAGE).
    "targets:plans": ("get", None, STAFF_ONLY),
}
PROVINCE_ONLY = {**STAFF_ONLY, "area_staff": 403, "other_area_staff": 403}
PROTECTED |= {
    "targets:plan-create": ("get", None, PROVINCE_ONLY),
    "targets:plan-edit": ("get", plan_code, PROVINCE_ONLY),
}
