"""The scorecard as an .xlsx workbook: one sheet for the clubs, one for the roll-ups.

Numbers are typed cells (counts as integers, shares as numbers of percent with one decimal, e.g.
64.9), so they can be added up and filtered; every sheet starts with the date and the scope.
Called inside translation.override(the user's language) by the view.
"""

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clubs.models import ActivityArea
from core.spreadsheets import Column, Sheet
from reports.selectors import ALL_AREAS, ClubScore, Figures, Rollup, ScorecardReport
from reports.templatetags.scorecard import standard_range


def _mark(figure_or_mark) -> str:
    mark = getattr(figure_or_mark, "mark", figure_or_mark)
    return str(mark.label) if mark is not None else ""


def _preamble(report: ScorecardReport, scope: Sequence[str]) -> list[str]:
    standards = "; ".join(f"{label}: {standard_range(standard)}" for label, standard in report.standards.criteria())
    return [
        _("Club scorecard against the standards of %(source)s") % {"source": report.standards.source},
        _("As of: %(date)s") % {"date": date_format(report.on, "d/m/Y")},
        _("Scope: %(scope)s") % {"scope": ", ".join(scope) or _("your area")},
        _("Standards: %(standards)s. Only clubs active on the date are counted.") % {"standards": standards},
    ]


def _figure_columns() -> list[Column]:
    """Count, share and, where a standard applies, mark of each group, in the order of the page.

    Shares are plain numbers of percent (64.9): "int" here only means a number cell, unformatted.
    """
    return [
        Column(_("Older people"), "int", 12),
        Column(_("Older people (%)"), "int", 12),
        Column(_("Older people against the standard"), "text", 14),
        Column(_("Younger members"), "int", 12),
        Column(_("Younger members (%)"), "int", 12),
        Column(_("Younger members against the standard"), "text", 14),
        Column(_("Women"), "int", 12),
        Column(_("Women (%)"), "int", 12),
        Column(_("Women against the standard"), "text", 14),
        Column(_("Poor or near-poor"), "int", 12),
        Column(_("Poor or near-poor (%)"), "int", 12),
    ]


def _figure_values(figures: Figures) -> list:
    return [
        *(figures.older.count, figures.older.share, _mark(figures.older)),
        *(figures.younger.count, figures.younger.share, _mark(figures.younger)),
        *(figures.women.count, figures.women.share, _mark(figures.women)),
        *(figures.poor.count, figures.poor.share),
    ]


def club_sheet(report: ScorecardReport, scope: Sequence[str]) -> Sheet:
    columns = [
        Column(_("Club code"), "text", 12),
        Column(_("Club"), "text", 40),
        Column(_("Commune"), "text", 22),
        Column(_("District"), "text", 22),
        Column(_("Members"), "int", 10),
        Column(_("Members against the standard"), "text", 14),
        *_figure_columns(),
        Column(_("Board members"), "int", 10),
        Column(_("Teams"), "int", 10),
        Column(_("Activity areas with a team (of %(total)s)") % {"total": ALL_AREAS}, "int", 12),
        *(Column(f"{area.number}. {area.label}", "int", 12) for area in ActivityArea),
    ]
    return Sheet(
        title=_("Clubs"),
        columns=columns,
        rows=[_club_row(score) for score in report.clubs],
        preamble=_preamble(report, scope),
    )


def _club_row(score: ClubScore) -> list:
    unit = score.club.unit
    figures = score.figures
    return [
        score.club.code,
        score.club.name,
        unit.name,
        unit.parent.name if unit.parent and unit.parent.parent_id else "",
        figures.members.count,
        _mark(figures.members),
        *_figure_values(figures),
        score.board_size,
        score.teams,
        len(score.areas),
        *(int(covered) for _area, covered in score.area_coverage),
    ]


def rollup_sheet(report: ScorecardReport, scope: Sequence[str]) -> Sheet:
    columns = [
        Column(_("Level"), "text", 14),
        Column(_("Unit code"), "text", 10),
        Column(_("Unit"), "text", 28),
        Column(_("Within"), "text", 22),
        Column(_("Active clubs"), "int", 10),
        Column(_("Members"), "int", 10),
        Column(_("Members per club"), "int", 10),
        Column(_("Members per club against the standard"), "text", 14),
        Column(_("Older people per club"), "int", 10),
        *_figure_columns(),
        Column(_("Board members"), "int", 10),
        Column(_("Teams"), "int", 10),
        Column(_("Activity areas with a team (of %(total)s)") % {"total": ALL_AREAS}, "int", 12),
        Column(_("Clubs with a team in all %(total)s areas") % {"total": ALL_AREAS}, "int", 12),
    ]
    rows = [_rollup_row(report.total, _("All clubs in scope"), scope)]
    rows += [_rollup_row(rollup) for rollup in (*report.middle, *report.hosts)]
    return Sheet(title=_("Roll-ups"), columns=columns, rows=rows, preamble=_preamble(report, scope))


def _rollup_row(rollup: Rollup, level: str = "", scope: Sequence[str] = ()) -> list:
    unit = rollup.unit
    if unit is None:
        identity = [level, "", ", ".join(scope), ""]
    else:
        within = unit.parent.name if unit.parent else ""
        identity = [str(unit.get_level_display()), unit.code, unit.name, within]
    figures = rollup.figures
    return [
        *identity,
        rollup.clubs,
        figures.members.count,
        rollup.members_per_club,
        _mark(rollup.members_per_club_mark),
        rollup.older_per_club,
        *_figure_values(figures),
        rollup.board_members,
        rollup.teams,
        rollup.areas,
        rollup.clubs_all_areas,
    ]


def scorecard_sheets(report: ScorecardReport, scope: Sequence[str]) -> list[Sheet]:
    return [club_sheet(report, scope), rollup_sheet(report, scope)]
