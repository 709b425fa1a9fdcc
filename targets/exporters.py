"""The targets report (targets.report.TargetReport) as data: JSON for the command, sheets for
the .xlsx export, and the same rows for the PDF (targets/pdf.py), so the three cannot disagree.

- `report_data`: every figure as JSON-able data with English snake_case keys. Counts and money
  are integers (whole đồng); shares and targets are numbers of percent with one decimal
  (64.9 means 64,9 %), null when there is nothing to divide by; dates are ISO (2022-11-24).
- `report_sheets`: one sheet per section, typed cells (counts and money as integers, shares as
  numbers of percent with one decimal, as reports/exporters.py writes them: core/spreadsheets has
  no percent format), headers in the active language, and the plan and the as-of date (dd/mm/yyyy)
  in the title rows of every sheet. Called inside translation.override(the user's language).
"""

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from areas.models import AdminUnit
from clubs.models import ALL_AREAS, ClubStatus
from core.dates import format_date
from core.spreadsheets import Column, Sheet
from funds.models import CapitalSource
from funds.selectors import NO_CAPITAL, Capital
from reports.selectors import Figure
from targets.glossary import glossary
from targets.report import ClubMeasure, ClubRollup, ClubRow, NewClubsRow, TargetReport

# --- JSON -------------------------------------------------------------------------------------


def _number(value: Decimal | int | None) -> float | int | None:
    """A share, target or pace as a JSON number: percent with one decimal; counts stay integers."""
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _or_not_set(value: int | None) -> str:
    """A count as the page shows it (3.800), or "not set"."""
    return _("not set") if value is None else number_format(value, force_grouping=True)


def _unit(unit: AdminUnit | None) -> dict[str, Any] | None:
    return None if unit is None else {"code": unit.code, "name": unit.name}


def _figure(figure: Figure) -> dict[str, Any]:
    return {"count": figure.count, "share": _number(figure.share)}


def _new_clubs_row(row: NewClubsRow) -> dict[str, Any]:
    return {"counted": row.counted, "launched": row.launched, "not_launched": row.not_launched, "members": row.members}


def _club_rollup(rollup: ClubRollup) -> dict[str, Any]:
    measures = {
        measure.value: {"clubs": getattr(rollup, measure.value), "share": _number(rollup.share_of(measure.value))}
        for measure in ClubMeasure
    }
    return {
        "clubs": rollup.clubs,
        **measures,
        "members": rollup.members,
        "borrowers": rollup.borrowers,
        "borrowers_share": _number(rollup.borrowers_share),
    }


def _club_row(row: ClubRow) -> dict[str, Any]:
    return {
        "code": row.club.code,
        "name": row.club.name,
        "unit": _unit(row.club.unit),
        "district": _unit(row.district),
        "members": row.members,
        "borrowers": row.borrowers,
        "borrowing_share": _number(row.borrowing_share),
        "areas_done": row.areas_done,
        "balances": dict(row.balances),
        **{measure.value: row.meets(measure) for measure in ClubMeasure},
    }


def _capital(capital: Capital) -> dict[str, Any]:
    return {
        "total": capital.total,
        "contributions": capital.contributions,
        "by_source": {source.value: amount for source, amount in capital.sources},
        "opening": capital.opening,
        "interest": capital.interest,
        "clubs_with_capital": capital.clubs_with_capital,
    }


def report_data(report: TargetReport) -> dict[str, Any]:
    """The whole report as JSON-able data (see the module's docstring for units)."""
    plan = report.plan
    new = report.new_clubs
    scorecard = report.scorecard
    figures = scorecard.figures
    portfolio = report.portfolio.total.figures
    return {
        "plan": {
            "name": plan.name,
            "code": plan.code,
            "legal_basis": plan.legal_basis,
            "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()},
            "scheme": {"code": plan.scheme.code, "name": plan.scheme.name},
            "province": _unit(plan.province),
        },
        "as_of": report.on.isoformat(),
        "elapsed_share": _number(report.elapsed),
        "window": {"start": report.window.start.isoformat(), "end": report.window.end.isoformat()},
        "progress": [
            {
                "key": str(row.key),
                "label": str(row.label),
                "numerator": row.numerator,
                "denominator": row.denominator,
                "value": _number(row.value),
                "share": _number(row.share),
                "target": _number(row.target),
                "pace": _number(row.pace),
                "progress": _number(row.progress),
                "met": row.met,
                "on_pace": row.on_pace,
            }
            for row in report.progress
        ],
        "new_clubs": {
            **_new_clubs_row(new.total),
            "target": new.target,
            "per_year": new.per_year,
            "members_target": new.members_target,
            "pace": _number(new.pace),
            "years": [{"year": row.year, **_new_clubs_row(row)} for row in new.years],
            "districts": [{"district": _unit(row.unit), **_new_clubs_row(row)} for row in new.districts],
        },
        "coverage": [
            {
                "group": group.target.name,
                "area_types": list(group.target.area_types),
                "target": _number(group.target.share),
                "counted_on": report.coverage_on.isoformat(),
                "units": group.total.units,
                "covered": group.total.covered,
                "uncovered": group.total.uncovered,
                "share": _number(group.total.share),
                "met": group.met,
                "units_without_communes": [_unit(unit) for unit in group.units_without_communes],
                "districts": [
                    {
                        "district": _unit(row.unit),
                        "units": row.units,
                        "covered": row.covered,
                        "uncovered": row.uncovered,
                        "share": _number(row.share),
                    }
                    for row in group.districts
                ],
            }
            for group in report.coverage
        ],
        "club_measures": {
            "borrowing_threshold": _number(plan.club_borrowing_threshold),
            "total": _club_rollup(report.club_total),
            "districts": [{"district": _unit(rollup.unit), **_club_rollup(rollup)} for rollup in report.club_districts],
            "clubs": [_club_row(row) for row in report.clubs],
        },
        "members": {
            "active_clubs": scorecard.clubs,
            "members": _figure(figures.members),
            "older": _figure(figures.older),
            "younger": _figure(figures.younger),
            "women": _figure(figures.women),
            "poor": _figure(figures.poor),
            "members_per_club": scorecard.members_per_club,
            "older_per_club": scorecard.older_per_club,
            "board_members": scorecard.board_members,
            "teams": scorecard.teams,
            "areas_with_team": scorecard.areas,
        },
        "clubs_by_status": {
            "decided_total": report.decided,  # every club decided by the date; "decided": not launched yet
            **{status.value: report.status_counts.get(status, 0) for status in ClubStatus},
        },
        "capital": {
            **_capital(report.capital),
            "districts": [
                {"district": _unit(rollup.unit), **_capital(rollup.capital)} for rollup in report.capital_districts
            ],
        },
        "portfolio": {
            "outstanding": portfolio.outstanding,
            "par30": portfolio.par30,
            "par30_share": _number(portfolio.par30_share),
        },
    }


# --- sheets -----------------------------------------------------------------------------------


def _title_rows(report: TargetReport, scope: Sequence[str], section: str) -> list[str]:
    """The title rows of every sheet: what, which plan, which date, which scope."""
    return [
        _("Province targets report: %(plan)s") % {"plan": report.plan.name},
        _("As of: %(date)s") % {"date": format_date(report.on)},
        _("Scope: %(scope)s") % {"scope": ", ".join(scope) or _("your area")},
        section,
    ]


def _percent_text(value: Decimal) -> str:
    """50 for 50.0, 62,5 for 62.5 in Vietnamese: a threshold as people write it."""
    return number_format(value, 1 if value % 1 else 0)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))


def summary_sheet(report: TargetReport, scope: Sequence[str]) -> Sheet:
    plan = report.plan
    columns = [
        Column(_("Target"), "text", 44),
        Column(_("Figure"), "int", 10),
        Column(_("Out of"), "int", 10),
        Column(_("Share (%)"), "int", 10),
        Column(_("Target (number or %)"), "int", 12),
        Column(_("Pace by the date"), "int", 10),
        Column(_("Progress towards the target (%)"), "int", 12),
        Column(_("Met"), "text", 8),
    ]
    rows = [
        [
            str(row.label),
            row.numerator,
            row.denominator,
            row.share,
            row.target,
            row.pace,
            row.progress,
            _yes_no(row.met),
        ]
        for row in report.progress
    ]
    title = [
        *_title_rows(report, scope, _("Targets")),
        _("Legal basis: %(basis)s") % {"basis": plan.legal_basis},
        _("Period: %(start)s – %(end)s; %(elapsed)s %% of it elapsed on the date.")
        % {
            "start": format_date(plan.period_start),
            "end": format_date(plan.period_end),
            "elapsed": number_format(report.elapsed, 1),
        },
    ]
    return Sheet(title=_("Summary"), columns=columns, rows=rows, preamble=title)


def new_clubs_sheet(report: TargetReport, scope: Sequence[str]) -> Sheet:
    new = report.new_clubs
    columns = [
        Column(_("Year or district"), "text", 28),
        Column(_("New clubs"), "int", 10),
        Column(_("Launched"), "int", 10),
        Column(_("Not launched"), "int", 10),
        Column(_("Members"), "int", 10),
        Column(_("Target"), "int", 10),
    ]

    def row(label: str, counted: NewClubsRow, target: int | None) -> list[object]:
        return [label, counted.counted, counted.launched, counted.not_launched, counted.members, target]

    rows = [row(_("Whole period"), new.total, new.target)]
    rows += [row(str(year.year), year, new.per_year) for year in new.years]
    rows += [row(district.unit.name if district.unit else "", district, None) for district in new.districts]
    if new.target is None:
        target_line = _("No target for new clubs is set in the plan yet.")
    else:
        target_line = _(
            "Target: %(clubs)s new clubs (%(per_year)s a year) with %(members)s members; pace by the date: %(pace)s."
        ) % {
            "clubs": _or_not_set(new.target),
            "per_year": _or_not_set(new.per_year),
            "members": _or_not_set(new.members_target),
            "pace": _or_not_set(new.pace),
        }
    title = [*_title_rows(report, scope, _("New clubs")), target_line]
    return Sheet(title=_("New clubs"), columns=columns, rows=rows, preamble=title)


def coverage_sheet(report: TargetReport, scope: Sequence[str]) -> Sheet:
    columns = [
        Column(_("Group"), "text", 32),
        Column(_("District"), "text", 26),
        Column(_("Units"), "int", 10),
        Column(_("Units with a club"), "int", 10),
        Column(_("Units without a club"), "int", 10),
        Column(_("Share (%)"), "int", 10),
        Column(_("Target (%)"), "int", 10),
    ]
    rows = []
    alone = []
    for group in report.coverage:
        name = group.target.name
        for row in (group.total, *group.districts):
            district = row.unit.name if row.unit else _("All districts")
            rows.append([name, district, row.units, row.covered, row.uncovered, row.share, group.target.share])
        alone += [unit.name for unit in group.units_without_communes]
    title = [
        *_title_rows(report, scope, _("Coverage")),
        _("Units counted on %(date)s.") % {"date": format_date(report.coverage_on)},
    ]
    if alone:
        title.append(
            _("Counted as one unit each (no communes): %(units)s.") % {"units": ", ".join(alone)},
        )
    return Sheet(title=_("Coverage"), columns=columns, rows=rows, preamble=title)


@dataclasses.dataclass
class _DistrictFunds:
    unit: AdminUnit
    clubs: ClubRollup
    capital: Capital
    outstanding: int = 0
    par30: int = 0
    par30_share: Decimal | None = None


def _district_funds(report: TargetReport) -> list[_DistrictFunds]:
    """The club measures, capital and loans of each district side by side: one row per district."""
    rows: dict[int, _DistrictFunds] = {}

    def row_of(unit: AdminUnit) -> _DistrictFunds:
        return rows.setdefault(unit.pk, _DistrictFunds(unit=unit, clubs=ClubRollup(unit), capital=NO_CAPITAL))

    for clubs in report.club_districts:
        if clubs.unit is not None:
            row_of(clubs.unit).clubs = clubs
    for capital in report.capital_districts:
        row_of(capital.unit).capital = capital.capital
    for at_risk in report.portfolio.districts:
        if at_risk.unit is not None:
            figures = at_risk.figures
            row = row_of(at_risk.unit)
            row.outstanding, row.par30, row.par30_share = figures.outstanding, figures.par30, figures.par30_share
    return sorted(rows.values(), key=lambda row: row.unit.path)


def funds_sheet(report: TargetReport, scope: Sequence[str]) -> Sheet:
    columns = [
        Column(_("District"), "text", 26),
        Column(_("Active clubs"), "int", 10),
        Column(_("Clubs with both funds"), "int", 10),
        Column(_("Clubs with both funds (%)"), "int", 10),
        Column(_("Capital (đồng)"), "money", 16),
        *(Column(_("From %(source)s (đồng)") % {"source": source.label}, "money", 16) for source in CapitalSource),
        Column(_("Opening balances (đồng)"), "money", 16),
        Column(_("Interest earned (đồng)"), "money", 16),
        Column(_("Clubs with capital"), "int", 10),
        Column(_("Outstanding principal (đồng)"), "money", 16),
        Column(_("PAR30 numerator (đồng)"), "money", 16),
        Column(_("PAR30 (%)"), "int", 10),
    ]

    def row(
        name: str, clubs: ClubRollup, capital: Capital, outstanding: int, par30: int, par30_share: Decimal | None
    ) -> list[object]:
        return [
            name,
            clubs.clubs,
            clubs.both_funds,
            clubs.share_of(ClubMeasure.BOTH_FUNDS),
            capital.total,
            *(amount for _source, amount in capital.sources),
            capital.opening,
            capital.interest,
            capital.clubs_with_capital,
            outstanding,
            par30,
            par30_share,
        ]

    portfolio = report.portfolio.total.figures
    rows = [
        row(
            _("All districts"),
            report.club_total,
            report.capital,
            portfolio.outstanding,
            portfolio.par30,
            portfolio.par30_share,
        )
    ]
    rows += [
        row(
            district.unit.name,
            district.clubs,
            district.capital,
            district.outstanding,
            district.par30,
            district.par30_share,
        )
        for district in _district_funds(report)
    ]
    return Sheet(
        title=_("Funds and capital"),
        columns=columns,
        rows=rows,
        preamble=_title_rows(report, scope, _("Funds, capital by source and PAR30 of the active clubs")),
    )


def activities_sheet(report: TargetReport, scope: Sequence[str]) -> Sheet:
    """The districts, then every active club: a club is a row of one club, so columns add up."""
    columns = [
        Column(_("Row"), "text", 10),
        Column(_("District or club"), "text", 36),
        Column(_("District"), "text", 24),
        Column(_("Active clubs"), "int", 10),
        Column(_("Areas carried out (of %(total)s)") % {"total": ALL_AREAS}, "int", 10),
        Column(_("Clubs doing all 8 activities"), "int", 10),
        Column(_("Clubs doing all 8 activities (%)"), "int", 10),
        Column(_("Members"), "int", 10),
        Column(_("Members borrowing"), "int", 10),
        Column(_("Members borrowing (%)"), "int", 10),
        Column(
            _("Clubs with at least %(threshold)s %% borrowing")
            % {"threshold": _percent_text(report.plan.club_borrowing_threshold)},
            "int",
            12,
        ),
        Column(_("Clubs passing the combined test"), "int", 10),
        Column(_("Clubs passing the combined test (%)"), "int", 10),
    ]

    def rollup_row(kind: str, name: str, rollup: ClubRollup) -> list[object]:
        return [
            kind,
            name,
            "",
            rollup.clubs,
            None,
            rollup.all_activities,
            rollup.share_of(ClubMeasure.ALL_ACTIVITIES),
            rollup.members,
            rollup.borrowers,
            rollup.borrowers_share,
            rollup.borrowing,
            rollup.combined,
            rollup.share_of(ClubMeasure.COMBINED),
        ]

    rows = [rollup_row(_("Total"), _("All districts"), report.club_total)]
    rows += [
        rollup_row(_("District"), rollup.unit.name if rollup.unit else "", rollup) for rollup in report.club_districts
    ]
    rows += [
        [
            _("Club"),
            row.club.name,
            row.district.name if row.district else "",
            1,
            row.areas_done,
            int(row.all_activities),
            None,
            row.members,
            row.borrowers,
            row.borrowing_share,
            int(row.borrowing),
            int(row.combined),
            None,
        ]
        for row in report.clubs
    ]
    title = _title_rows(report, scope, _("All 8 activities and members borrowing, per district and per club"))
    title.append(
        _("Activities and loans counted from %(start)s to %(end)s.")
        % {"start": format_date(report.window.start), "end": format_date(report.window.end)}
    )
    return Sheet(title=_("Activities and borrowing"), columns=columns, rows=rows, preamble=title)


def members_sheet(report: TargetReport, scope: Sequence[str]) -> Sheet:
    scorecard = report.scorecard
    figures = scorecard.figures
    columns = [Column(_("Figure"), "text", 40), Column(_("Count"), "int", 10), Column(_("Share (%)"), "int", 10)]
    rows: list[list[Any]] = [
        [_("Members"), figures.members.count, None],
        [_("Older people"), figures.older.count, figures.older.share],
        [_("Younger members"), figures.younger.count, figures.younger.share],
        [_("Women"), figures.women.count, figures.women.share],
        [_("Poor or near-poor"), figures.poor.count, figures.poor.share],
        [_("Members per club"), scorecard.members_per_club, None],
        [_("Older people per club"), scorecard.older_per_club, None],
        [_("Board members"), scorecard.board_members, None],
        [_("Teams"), scorecard.teams, None],
        [_("Active clubs"), scorecard.clubs, None],
        [_("Clubs decided by the date"), report.decided, None],
        *([_("Clubs: %(status)s") % {"status": status.label}, count, None] for status, count in report.status_list),
    ]
    return Sheet(
        title=_("Members"),
        columns=columns,
        rows=rows,
        preamble=_title_rows(report, scope, _("Members of the active clubs, board, teams and clubs by status")),
    )


def glossary_sheet(report: TargetReport, scope: Sequence[str]) -> Sheet:
    return Sheet(
        title=_("Glossary"),
        columns=[Column(pgettext("glossary", "Term"), "text", 30), Column(_("How it is counted"), "text", 100)],
        rows=[list(entry) for entry in glossary(report.plan)],
        preamble=_title_rows(report, scope, _("Glossary")),
    )


def report_sheets(report: TargetReport, scope_names: Sequence[str]) -> list[Sheet]:
    """The sections of the report in the order of the page: the .xlsx sheets and the PDF tables."""
    return [
        summary_sheet(report, scope_names),
        new_clubs_sheet(report, scope_names),
        coverage_sheet(report, scope_names),
        funds_sheet(report, scope_names),
        activities_sheet(report, scope_names),
        members_sheet(report, scope_names),
        glossary_sheet(report, scope_names),
    ]
