"""The target plans: everyone who reads the targets report sees them; province staff create and
change them (Cap.PLAN_MANAGE) through targets.services.plan_save, which audits every change."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from core.forms import write_through
from targets import services
from targets.models import TargetPlan
from targets.plan_forms import PlanForm, coverage_formset


@require_http_methods(["GET"])
def plan_list(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    plans = TargetPlan.objects.select_related("scheme", "province").prefetch_related("coverage_targets")
    return render(
        request,
        "targets/plan_list.html",
        {"plans": plans, "can_manage": access.has_cap(request.user, Cap.PLAN_MANAGE)},
    )


@require_http_methods(["GET", "POST"])
def plan_create(request):
    access.require_cap(request.user, Cap.PLAN_MANAGE)
    return _plan_form(request, plan=None)


@require_http_methods(["GET", "POST"])
def plan_edit(request, code):
    access.require_cap(request.user, Cap.PLAN_MANAGE)
    return _plan_form(request, plan=get_object_or_404(TargetPlan, code=code))


def _plan_form(request, *, plan: TargetPlan | None):
    """The page both views show: the plan's values and its coverage groups, saved together."""
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan)
    coverage = coverage_formset(data, plan=plan)
    # The groups are validated with the plan, so that the errors of both show together.
    saved = write_through(
        request,
        form,
        lambda _data: services.plan_save(
            actor=request.user, plan=plan, values=form.values(), coverage=coverage.coverage()
        ),
        also=[coverage],
    )
    if saved is not None:
        messages.success(request, _("Target plan “%(name)s” saved.") % {"name": saved.name})
        return redirect("targets:plans")
    return render(request, "targets/plan_form.html", {"plan": plan, "form": form, "coverage": coverage})
