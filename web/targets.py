"""The targets dashboard, its print layout and the lists behind its figures. Every page takes
?plan=<short code>&on=<dd/mm/yyyy> and is scoped like the other reports: province staff see the
province, area staff their area (accounts.access), club boards get 403."""

import dataclasses
import datetime

from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import access
from accounts.access import Cap
from areas.models import AdminUnit
from areas.selectors import scope_units
from targets import lists, selectors
from targets.charts import chart_data, trend_chart
from targets.forms import ClubsForm, NewClubsForm, TargetReportForm, UnitsForm
from targets.glossary import glossary
from targets.models import TargetPlan
from targets.official import official_frame
from targets.report import MEASURE_LABELS, TargetReport
from targets.trends import trend_years, yearly_trend
from web.paging import paginate

PER_PAGE = 50


@dataclasses.dataclass
class Asked:
    """What a page was asked for: its form, the plan (None when there is none), the date, and the
    user's clubs and units (accounts.access)."""

    form: TargetReportForm
    plan: TargetPlan | None
    on: datetime.date
    clubs: QuerySet
    units: QuerySet

    def report(self) -> TargetReport:
        return selectors.target_report(plan=self.plan, clubs=self.clubs, units=self.units, on=self.on)

    def district(self) -> AdminUnit | None:
        return selectors.plan_district(self.plan, self.form.value("district"))

    def context(self, **extra) -> dict:
        """What every page shows: the form, the plan and date, the scope, the query of its links."""
        return {
            "form": self.form,
            "plan": self.plan,
            "on": self.on,
            "scope": scope_units(units=self.units, scheme=self.plan.scheme if self.plan else None),
            "query": urlencode({"plan": self.plan.code, "on": self.on.strftime("%d/%m/%Y")}),
            **extra,
        }


def _asked(request, form_class) -> Asked:
    """The access check and the form of every page; the plan select shows the plan in use."""
    access.require_cap(request.user, Cap.REPORT_VIEW)
    form = form_class(request.GET or None)
    plan = form.chosen_plan()
    if plan is not None and not form.is_bound:
        form.initial["plan"] = plan.code
    clubs = access.clubs_for(request.user, Cap.REPORT_VIEW)
    return Asked(form, plan, form.as_of(), clubs, access.units_for(request.user, Cap.REPORT_VIEW))


def _coverage_rule(terms: list[tuple[str, str]]) -> tuple[str, str]:
    """The glossary's rule for districts without communes (Lý Sơn), stated with coverage figures."""
    return next(term for term in terms if term[0] == _("Districts without communes"))


def _report_parts(report: TargetReport) -> dict:
    """The report as the dashboard's and the print layout's tables read it."""
    terms = glossary(report.plan)
    rollups = [*report.club_districts, report.club_total]
    return {
        "report": report,
        "glossary": terms,
        "rule": _coverage_rule(terms),
        "progress": {progress.key: progress for progress in report.progress},
        "measure_labels": list(MEASURE_LABELS.items()),
        "measure_rows": [
            {
                "rollup": rollup,
                "cells": [
                    (measure.value, getattr(rollup, measure.value), rollup.share_of(measure))
                    for measure in MEASURE_LABELS
                ],
            }
            for rollup in rollups
        ],
    }


def _no_plan(request):
    return render(request, "targets/no_plan.html", {"can_manage_plans": access.has_cap(request.user, Cap.PLAN_MANAGE)})


def _list_page(request, asked: Asked, template: str, rows: list, **extra):
    """A list behind a figure, 50 a page, its filters kept in the page links."""
    page, query = paginate(request, rows, PER_PAGE)
    return render(request, template, asked.context(page=page, page_query=query, total=len(rows), **extra))


@require_http_methods(["GET"])
def dashboard(request):
    asked = _asked(request, TargetReportForm)
    if asked.plan is None:
        return _no_plan(request)
    report = asked.report()
    return render(request, "targets/dashboard.html", asked.context(charts=chart_data(report), **_report_parts(report)))


@require_http_methods(["GET"])
def trend(request):
    """Clubs, members and coverage at the end of each year, each on the map in force then: a page
    of its own (a few queries a year), linked from the dashboard."""
    asked = _asked(request, TargetReportForm)
    if asked.plan is None:
        return _no_plan(request)
    plan = asked.plan
    points = yearly_trend(
        clubs=asked.clubs,
        units=asked.units,
        province_code=plan.province.code,
        years=trend_years(plan.period_start.year, asked.on),
        on=asked.on,
        min_clubs=plan.coverage_min_clubs,
    )
    return render(request, "targets/trend.html", asked.context(trend=points, charts=trend_chart(points)))


@require_http_methods(["GET"])
def print_layout(request):
    asked = _asked(request, TargetReportForm)
    if asked.plan is None:
        return _no_plan(request)
    title = _("Report on the targets of %(plan)s") % {"plan": asked.plan}
    frame = official_frame(province=asked.plan.province, on=asked.on, title=title)
    return render(request, "targets/print.html", asked.context(frame=frame, **_report_parts(asked.report())))


@require_http_methods(["GET"])
def new_clubs(request):
    asked = _asked(request, NewClubsForm)
    if asked.plan is None:
        return _no_plan(request)
    district, year, launched = asked.district(), asked.form.value("year"), asked.form.value("launched")
    rows = lists.new_club_list(asked.plan, asked.clubs, asked.on, district=district, year=year, launched=launched)
    return _list_page(request, asked, "targets/new_clubs.html", rows, district=district, year=year, launched=launched)


@require_http_methods(["GET"])
def clubs_behind(request):
    asked = _asked(request, ClubsForm)
    if asked.plan is None:
        return _no_plan(request)
    district, measure, met = asked.district(), asked.form.value("measure"), asked.form.value("met")
    rows = lists.club_list(asked.plan, asked.clubs, asked.on, measure=measure, met=met, district=district)
    return _list_page(
        request, asked, "targets/clubs.html", rows,
        district=district, measure=measure, met=met, measure_label=MEASURE_LABELS.get(measure),
    )  # fmt: skip


@require_http_methods(["GET"])
def units_behind(request):
    asked = _asked(request, UnitsForm)
    if asked.plan is None:
        return _no_plan(request)
    district, covered, group_id = asked.district(), asked.form.value("covered"), asked.form.value("group")
    group = asked.plan.coverage_targets.filter(pk=group_id).first() if group_id else None
    rows = lists.unit_rows(
        asked.plan, asked.clubs, asked.units, asked.on, group=group, district=district, covered=covered
    )
    return _list_page(
        request, asked, "targets/units.html", rows,
        district=district, group=group, covered=covered, rule=_coverage_rule(glossary(asked.plan))[1],
    )  # fmt: skip
