"""The numbers the dashboard's charts draw (static/js/targets_dashboard.js): the same figures as
the tables beside them, with labels in the active language."""

from collections.abc import Sequence

from django.utils.translation import gettext as _

from targets.report import TargetReport
from targets.trends import TrendPoint


def _number(value) -> float | None:
    return None if value is None else float(value)


def trend_chart(trend: Sequence[TrendPoint]) -> dict:
    """What targets_trend.js draws: a year counted on a new map is marked in its label (its
    coverage is of other units)."""
    return {
        "labels": [f"{point.year} ★" if point.map_changed else str(point.year) for point in trend],
        "clubs": [point.clubs for point in trend],
        "coverage": [_number(point.coverage) or 0 for point in trend],
        "labels_text": {
            "clubs": _("Active clubs"),
            "coverage": _("Units with a club (%)"),
            "map_changed": _("★ a new administrative map"),
        },
    }


def chart_data(report: TargetReport) -> dict:
    """What targets_dashboard.js draws, passed with |json_script: labels in the active language,
    numbers as JSON numbers. The tables next to each chart show the same figures."""
    scorecard = report.scorecard.figures
    capital = report.capital
    return {
        "new_clubs": {
            "labels": [str(row.year) for row in report.new_clubs.years],
            "counted": [row.counted for row in report.new_clubs.years],
            "launched": [row.launched for row in report.new_clubs.years],
            "target": report.new_clubs.per_year,
            "labels_text": {
                "counted": _("New clubs"),
                "launched": _("Launched"),
                "target": _("Target a year"),
            },
        },
        "coverage": [
            {
                "id": group.target.pk,
                "labels": [row.unit.name if row.unit else "" for row in group.districts],
                "shares": [_number(row.share) or 0 for row in group.districts],
                "target": _number(group.target.share),
                "label": _("Units with a club (%)"),
                "target_label": _("Target"),
            }
            for group in report.coverage
        ],
        "composition": {
            "labels": [_("Older people"), _("Younger members"), _("Women"), _("Poor or near-poor")],
            "shares": [
                _number(figure.share) or 0
                for figure in (scorecard.older, scorecard.younger, scorecard.women, scorecard.poor)
            ],
            "label": _("Share of the members (%)"),
        },
        "capital": {
            "labels": [str(source.label) for source, _amount in capital.sources]
            + [_("Opening balances taken over"), _("Loan interest")],
            "amounts": [amount for _source, amount in capital.sources] + [capital.opening, capital.interest],
            "label": _("Capital (đ)"),
        },
        "par30": {
            "labels": [row.unit.name if row.unit else "" for row in report.portfolio.districts] + [_("Total")],
            "shares": [_number(row.figures.par30_share) or 0 for row in report.portfolio.districts]
            + [_number(report.portfolio.total.figures.par30_share) or 0],
            "label": _("PAR30 (%)"),
        },
    }
