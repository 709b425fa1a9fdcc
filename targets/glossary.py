"""What each figure of the targets report counts, in words: the page's glossary, the export's
glossary sheet and the PDF's notes say the same (the rules themselves are in targets.selectors)."""

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from reports.templatetags.scorecard import percent
from targets.models import NewClubDate, TargetPlan


def glossary(plan: TargetPlan) -> list[tuple[str, str]]:
    """(term, formula) pairs in the order of the report, with the plan's own thresholds, in the
    active language."""
    new_club_date = (
        _("its decision of establishment (or, without one, its launch)")
        if plan.new_club_date == NewClubDate.DECISION
        else _("its launch")
    )
    values = {
        "start": date_format(plan.period_start, "SHORT_DATE_FORMAT"),
        "end": date_format(plan.period_end, "SHORT_DATE_FORMAT"),
        "date": new_club_date,
        "window": plan.window_months,
        "min_months": plan.activity_min_months,
        "min_clubs": plan.coverage_min_clubs,
        "threshold": percent(plan.club_borrowing_threshold),
        "scheme": plan.scheme.name,
    }
    return [
        (
            _("New clubs"),
            _(
                "Clubs whose date — %(date)s — falls between %(start)s and the report date (at the latest "
                "%(end)s). Launched: of them, those launched by the report date."
            )
            % values,
        ),
        (
            _("Pace"),
            _(
                "The target × the share of the period's days elapsed on the report date, rounded up to "
                "whole clubs or members: where the count should be if clubs were set up evenly over the "
                "period."
            ),
        ),
        (_("Members of the new clubs"), _("Members on the report date of the clubs counted as new.")),
        (
            _("Coverage"),
            _(
                "Units with at least %(min_clubs)s club(s) active on the report date ÷ all units of the "
                "group in force on that date, on the map “%(scheme)s”. Units are communes, wards and "
                "townships."
            )
            % values,
        ),
        (
            _("Districts without communes"),
            _(
                "A district-level unit without commune-level units (Lý Sơn since 2020) counts as one "
                "unit itself, and its clubs are attached to it."
            ),
        ),
        (_("Active clubs"), _("Clubs launched by the report date and neither suspended nor dissolved on it.")),
        (
            _("Clubs with both funds"),
            _(
                "Active clubs whose income-generation fund and activity fund both have a positive "
                "balance at the end of the report date ÷ active clubs."
            ),
        ),
        (
            _("Clubs doing all 8 activities"),
            _(
                "Active clubs with activity in each of the eight areas in at least %(min_months)s "
                "accepted monthly report(s) of the last %(window)s months (up to and including the "
                "month of the report date) ÷ active clubs."
            )
            % values,
        ),
        (
            _("Activity in an area"),
            _(
                "A month of an accepted report counts for an area when the club did something in it. "
                "Income generation: a loan disbursed or a repayment collected in that month (from the "
                "loan book), or a technical advice session. The other seven areas: “no activity” not "
                "ticked and at least one figure above 0."
            ),
        ),
        (
            _("Members borrowing"),
            _(
                "Members of active clubs on the report date who had a loan from their club out at "
                "some time in the last %(window)s months ÷ members of active clubs."
            )
            % values,
        ),
        (
            _("Combined test"),
            _(
                "Active clubs doing all 8 activities in which at least %(threshold)s of the "
                "members had a loan in the last %(window)s months ÷ active clubs."
            )
            % values,
        ),
        (
            _("PAR30"),
            _(
                "Principal outstanding of loans more than 30 days overdue or rescheduled ÷ all principal "
                "outstanding, on the report date (as CGAP and the MIX Market define it)."
            ),
        ),
        (
            _("Older people, women, poor and near-poor"),
            _(
                "Members of active clubs on the report date: aged %(age)s or more, women, from poor or "
                "near-poor households; each ÷ the members."
            )
            % {"age": settings.OLDER_PERSON_AGE},
        ),
    ]
