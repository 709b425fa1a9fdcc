"""The targets dashboard, its print layout and the lists behind its figures. Every page takes
?plan=<short code>&on=<dd/mm/yyyy> and is scoped like the other reports: province staff see the
province, area staff their area (accounts.access), club boards get 403."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from reports.selectors import scope_units
from targets import selectors
from targets.charts import chart_data
from targets.forms import MEASURES, ClubsForm, NewClubsForm, TargetReportForm, UnitsForm
from targets.glossary import glossary
from targets.official import official_frame

PER_PAGE = 50


def _scoped(request, form):
    """The plan, the date and the user's clubs and units; the plan select shows the plan in use."""
    plan = form.chosen_plan()
    if plan is not None and not form.is_bound:
        form.initial["plan"] = plan.code
    clubs = access.clubs_for(request.user, Cap.REPORT_VIEW)
    units = access.units_for(request.user, Cap.REPORT_VIEW)
    return plan, form.as_of(), clubs, units


def _context(form, plan, on, clubs, units, **extra):
    """What every page shows: the form, the plan and date, the scope, the query of its links."""
    return {
        "form": form,
        "plan": plan,
        "on": on,
        "scope": scope_units(units=units, clubs=clubs),
        "query": urlencode({"plan": plan.code, "on": on.strftime("%d/%m/%Y")}) if plan else "",
        **extra,
    }


def _coverage_rule(terms: list[tuple[str, str]]) -> tuple[str, str]:
    """The glossary's rule for districts without communes (Lý Sơn), stated with coverage figures."""
    return next(term for term in terms if term[0] == _("Districts without communes"))


def _report_parts(report: selectors.TargetReport) -> dict:
    """The report as the dashboard's and the print layout's tables read it."""
    terms = glossary(report.plan)
    rollups = [*report.club_districts, report.club_total]
    return {
        "report": report,
        "glossary": terms,
        "rule": _coverage_rule(terms),
        "progress": {progress.key: progress for progress in report.progress},
        "measure_labels": list(MEASURES.items()),
        "measure_rows": [
            {
                "rollup": rollup,
                "cells": [
                    (measure.value, getattr(rollup, measure.value), rollup.share_of(measure)) for measure in MEASURES
                ],
            }
            for rollup in rollups
        ],
    }


def _no_plan(request):
    return render(request, "targets/no_plan.html", {"can_manage_plans": access.has_cap(request.user, Cap.PLAN_MANAGE)})


def _page(request, rows):
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))


def _page_query(request) -> str:
    """The list's query string without the page number, for the pagination links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_http_methods(["GET"])
def dashboard(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = TargetReportForm(request.GET or None)
    plan, on, clubs, units = _scoped(request, form)
    if plan is None:
        return _no_plan(request)
    report = selectors.target_report(plan=plan, clubs=clubs, units=units, on=on)
    return render(
        request,
        "targets/dashboard.html",
        _context(form, plan, on, clubs, units, charts=chart_data(report), **_report_parts(report)),
    )


@require_http_methods(["GET"])
def print_layout(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = TargetReportForm(request.GET or None)
    plan, on, clubs, units = _scoped(request, form)
    if plan is None:
        return _no_plan(request)
    report = selectors.target_report(plan=plan, clubs=clubs, units=units, on=on)
    frame = official_frame(province=plan.province, on=on, title=_("Report on the targets of %(plan)s") % {"plan": plan})
    return render(
        request,
        "targets/print.html",
        _context(form, plan, on, clubs, units, frame=frame, **_report_parts(report)),
    )


@require_http_methods(["GET"])
def new_clubs(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = NewClubsForm(request.GET or None)
    plan, on, clubs, units = _scoped(request, form)
    if plan is None:
        return _no_plan(request)
    district = selectors.plan_district(plan, form.value("district"))
    year, launched = form.value("year"), form.value("launched")
    rows = selectors.new_club_list(plan, clubs, on, district=district, year=year, launched=launched)
    return render(
        request,
        "targets/new_clubs.html",
        _context(
            form, plan, on, clubs, units, district=district, year=year, launched=launched,
            page=_page(request, rows), page_query=_page_query(request), total=len(rows),
        ),
    )  # fmt: skip


@require_http_methods(["GET"])
def clubs_behind(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = ClubsForm(request.GET or None)
    plan, on, clubs, units = _scoped(request, form)
    if plan is None:
        return _no_plan(request)
    district = selectors.plan_district(plan, form.value("district"))
    measure, met = form.value("measure"), form.value("met")
    rows = selectors.club_list(plan, clubs, on, measure=measure, met=met, district=district)
    return render(
        request,
        "targets/clubs.html",
        _context(
            form, plan, on, clubs, units, district=district, measure=measure, met=met,
            measure_label=MEASURES.get(measure),
            page=_page(request, rows), page_query=_page_query(request), total=len(rows),
        ),
    )  # fmt: skip


@require_http_methods(["GET"])
def units_behind(request):
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = UnitsForm(request.GET or None)
    plan, on, clubs, units = _scoped(request, form)
    if plan is None:
        return _no_plan(request)
    district = selectors.plan_district(plan, form.value("district"))
    group = plan.coverage_targets.filter(pk=form.value("group")).first() if form.value("group") else None
    covered = form.value("covered")
    rows = selectors.unit_rows(plan, clubs, units, on, group=group, district=district, covered=covered)
    return render(
        request,
        "targets/units.html",
        _context(
            form, plan, on, clubs, units, district=district, group=group, covered=covered,
            rule=_coverage_rule(glossary(plan))[1],
            page=_page(request, rows), page_query=_page_query(request), total=len(rows),
        ),
    )  # fmt: skip
