"""Writing target plans: atomic, audited, one plan with its coverage groups at a time."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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


def _summary(targets: list[CoverageTarget]) -> list[list]:
    """The coverage groups as the audit log keeps them: name, area types, share with one decimal."""
    return sorted(
        [target.name, sorted(target.area_types), str(Decimal(target.share).quantize(Decimal("0.1")))]
        for target in targets
    )


def _coverage_targets(coverage: list[dict]) -> list[CoverageTarget]:
    """The coverage groups, each checked on its own (the plan is not saved yet) and their names
    unique within the plan (case and spaces ignored)."""
    if not coverage:
        raise ValidationError({"coverage": _("A plan needs at least one coverage group.")})
    targets, names = [], set()
    for order, row in enumerate(coverage):
        target = CoverageTarget(**{name: row[name] for name in COVERAGE_FIELDS if name in row}, order=order)
        target.full_clean(exclude=["plan"])
        name = " ".join(target.name.split()).casefold()
        if name in names:
            raise ValidationError({"coverage": _("Two coverage groups are called “%(name)s”.") % {"name": target.name}})
        names.add(name)
        targets.append(target)
    return targets


@transaction.atomic
def plan_save(*, actor, plan: TargetPlan | None = None, values: dict, coverage: list[dict]) -> TargetPlan:
    """Create a plan (plan=None) or change one, with its coverage groups replaced by `coverage`
    (each a dict of COVERAGE_FIELDS, in the order to show them). Every value is checked by the
    models' rules before anything is written: a ValidationError leaves the database untouched."""
    creating = plan is None
    plan = plan or TargetPlan()
    changes = {} if creating else changed_fields(plan, values)
    old = [] if creating else _summary(list(plan.coverage_targets.all()))
    for field, value in values.items():
        setattr(plan, field, value)
    plan.full_clean()
    targets = _coverage_targets(coverage)
    plan.save()
    plan.coverage_targets.all().delete()
    for target in targets:
        target.plan = plan
    CoverageTarget.objects.bulk_create(targets)
    if creating:
        audit_record(actor=actor, action="targets.plan.created", target=plan, data={"code": plan.code})
        return plan
    if old != _summary(targets):
        changes["coverage"] = [old, _summary(targets)]
    audit_record(actor=actor, action="targets.plan.updated", target=plan, data=changes)
    return plan
