"""Writing target plans: atomic, audited, one plan with its coverage groups at a time."""

from django.db import transaction

from audit.services import audit_record, changed_fields
from targets.models import CoverageTarget, TargetPlan

PLAN_FIELDS = (
    "name",
    "code",
    "legal_basis",
    "scheme",
    "province",
    "period_start",
    "period_end",
    "new_clubs",
    "new_clubs_per_year",
    "new_club_date",
    "new_club_members",
    "both_funds_share",
    "all_activities_share",
    "members_borrowing_share",
    "combined_share",
    "club_borrowing_threshold",
    "window_months",
    "activity_min_months",
    "coverage_min_clubs",
)
COVERAGE_FIELDS = ("name", "area_types", "share", "order")


@transaction.atomic
def plan_save(*, actor, plan: TargetPlan | None = None, values: dict, coverage: list[dict]) -> TargetPlan:
    """Create a plan (plan=None) or change one, with its coverage groups replaced by `coverage`
    (each a dict of COVERAGE_FIELDS). Every value is validated by the models' rules first; a
    ValidationError leaves the database untouched."""
    creating = plan is None
    plan = plan or TargetPlan()
    changes = changed_fields(plan, values) if not creating else {}
    for field, value in values.items():
        setattr(plan, field, value)
    plan.full_clean()
    plan.save()
    old = (
        sorted((target.name, target.area_types, str(target.share)) for target in plan.coverage_targets.all())
        if not creating
        else []
    )
    plan.coverage_targets.all().delete()
    targets = [
        CoverageTarget(plan=plan, **{name: row[name] for name in COVERAGE_FIELDS if name in row}) for row in coverage
    ]
    for order, target in enumerate(targets):
        target.order = order
        target.full_clean()
    CoverageTarget.objects.bulk_create(targets)
    new = sorted((target.name, target.area_types, str(target.share)) for target in targets)
    if old != new:
        changes["coverage"] = [old, new]
    audit_record(
        actor=actor,
        action="target_plan.create" if creating else "target_plan.update",
        target=plan,
        data=changes if not creating else {"code": plan.code},
    )
    return plan
