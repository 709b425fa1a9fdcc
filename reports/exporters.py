"""The scorecard as an .xlsx workbook: one sheet for the clubs, one for the roll-ups; the loan
portfolio likewise, with the loans written off and rescheduled on sheets of their own.

Numbers are typed cells (counts as integers, shares as numbers of percent with one decimal, e.g.
64.9), so they can be added up and filtered; every sheet starts with the date and the scope.
Called inside translation.override(the user's language) by the view.
"""

from collections.abc import Sequence

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clubs.models import ALL_AREAS, ActivityArea
from core.spreadsheets import Column, Sheet
from loans.portfolio import Bucket, PortfolioFigures, PortfolioReport
from reports.selectors import ClubScore, Figures, Rollup, ScorecardReport
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
        unit.district_name,
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


# --- the loan portfolio ---------------------------------------------------------------------


def _portfolio_preamble(report: PortfolioReport, scope: Sequence[str]) -> list[str]:
    return [
        _("Loan portfolio quality"),
        _("As of: %(date)s") % {"date": date_format(report.on, "d/m/Y")},
        _("Repayments and borrowing from %(start)s to %(end)s")
        % {"start": date_format(report.period.start, "d/m/Y"), "end": date_format(report.period.end, "d/m/Y")},
        _("Scope: %(scope)s") % {"scope": ", ".join(scope) or _("your area")},
        _(
            "PAR30 = outstanding principal of the loans more than 30 days overdue or rescheduled ÷ all "
            "outstanding principal (CGAP and MIX Market). PAR30 without rescheduled loans: of the loans more "
            "than 30 days overdue only."
        ),
        _(
            "Repayment rate = received by the as-of date ÷ due, on the instalments due in the period up to the "
            "as-of date (CGAP and MIX Market)."
        ),
    ]


def _portfolio_columns() -> list[Column]:
    """The figures of a club or a group of clubs; shares are plain numbers of percent (12.5)."""
    bucket_columns = []
    for bucket in Bucket:
        bucket_columns += [
            Column(_("Loans %(bucket)s overdue") % {"bucket": bucket.label}, "int", 12),
            Column(_("Outstanding, %(bucket)s overdue (đồng)") % {"bucket": bucket.label}, "money", 16),
        ]
    return [
        Column(_("Loans outstanding"), "int", 10),
        Column(_("Outstanding principal (đồng)"), "money", 16),
        Column(_("Amount overdue (đồng)"), "money", 16),
        Column(_("PAR30 numerator (đồng)"), "money", 16),
        Column(_("PAR30 (%)"), "int", 10),
        Column(_("PAR30 without rescheduled loans: numerator (đồng)"), "money", 16),
        Column(_("PAR30 without rescheduled loans (%)"), "int", 10),
        *bucket_columns,
        Column(_("Due in the period (đồng)"), "money", 16),
        Column(_("Received by the as-of date (đồng)"), "money", 16),
        Column(_("Repayment rate (%)"), "int", 10),
        Column(_("Active members"), "int", 10),
        Column(_("Members with a loan out on the as-of date"), "int", 12),
        Column(_("Members with a loan out on the as-of date (%)"), "int", 12),
        Column(_("Members who had a loan out during the period"), "int", 12),
        Column(_("Members who had a loan out during the period (%)"), "int", 12),
    ]


def _portfolio_values(figures: PortfolioFigures) -> list:
    buckets = []
    for bucket in figures.buckets:
        buckets += [bucket.loans, bucket.outstanding]
    return [
        figures.loans,
        figures.outstanding,
        figures.overdue,
        figures.par30,
        figures.par30_share,
        figures.par30_overdue,
        figures.par30_overdue_share,
        *buckets,
        figures.due,
        figures.received,
        figures.repayment_rate,
        figures.members,
        figures.borrowing,
        figures.borrowing_share,
        figures.borrowing_in_period,
        figures.borrowing_in_period_share,
    ]


def portfolio_sheets(report: PortfolioReport, scope: Sequence[str]) -> list[Sheet]:
    """Clubs (highest PAR30 first), roll-ups, loans written off and loans rescheduled in the period."""
    preamble = _portfolio_preamble(report, scope)
    club_columns = [
        Column(_("Club code"), "text", 12),
        Column(_("Club"), "text", 40),
        Column(_("Commune"), "text", 22),
        Column(_("District"), "text", 22),
        *_portfolio_columns(),
    ]
    club_rows = [
        [
            row.club.code,
            row.club.name,
            row.club.unit.name,
            row.club.unit.district_name,
            *_portfolio_values(row.figures),
        ]
        for row in report.clubs
    ]
    rollup_columns = [
        Column(_("Unit code"), "text", 10),
        Column(_("Unit"), "text", 28),
        Column(_("Clubs"), "int", 8),
        *_portfolio_columns(),
    ]
    rollup_rows = [["", ", ".join(scope) or _("All clubs in scope"), report.total.clubs]]
    rollup_rows[0] += _portfolio_values(report.total.figures)
    rollup_rows += [
        [rollup.unit.code, rollup.unit.name, rollup.clubs, *_portfolio_values(rollup.figures)]
        for rollup in report.districts
        if rollup.unit is not None  # every district's rollup has its unit; only the total has none
    ]
    written_off_columns = [
        Column(_("Club"), "text", 40),
        Column(_("Borrower"), "text", 28),
        Column(_("Amount lent (đồng)"), "money", 16),
        Column(_("Principal written off (đồng)"), "money", 16),
        Column(_("Written off on"), "date", 12),
        Column(_("Reason"), "text", 40),
        Column(_("Decision"), "text", 28),
    ]
    written_off_rows = [
        [
            loan.club.name,
            loan.borrower.full_name,
            loan.amount,
            loan.written_off_amount,
            loan.closed_on,
            loan.write_off_reason,
            loan.write_off_reference,
        ]
        for loan in report.written_off
    ]
    rescheduled_columns = [
        Column(_("Club"), "text", 40),
        Column(_("Borrower"), "text", 28),
        Column(_("Rescheduled on"), "date", 12),
        Column(_("Principal rescheduled (đồng)"), "money", 16),
        Column(_("Unpaid interest carried over (đồng)"), "money", 16),
        Column(_("New term (months)"), "int", 10),
        Column(_("First new due date"), "date", 12),
        Column(_("Reason"), "text", 40),
        Column(_("Decision"), "text", 28),
    ]
    rescheduled_rows = [
        [
            rescheduling.loan.club.name,
            rescheduling.loan.borrower.full_name,
            rescheduling.rescheduled_on,
            rescheduling.principal,
            rescheduling.interest_carried,
            rescheduling.term_months,
            rescheduling.first_due_on,
            rescheduling.reason,
            rescheduling.decision_reference,
        ]
        for rescheduling in report.rescheduled
    ]
    return [
        Sheet(title=_("Clubs"), columns=club_columns, rows=club_rows, preamble=preamble),
        Sheet(title=_("Roll-ups"), columns=rollup_columns, rows=rollup_rows, preamble=preamble),
        Sheet(title=_("Written off"), columns=written_off_columns, rows=written_off_rows, preamble=preamble),
        Sheet(title=_("Rescheduled"), columns=rescheduled_columns, rows=rescheduled_rows, preamble=preamble),
    ]
