"""The targets report as the dashboard, the print layout, the exports, the PDF and the command
read it: its figures (TargetReport and its parts, each with the shares and gaps worked out from
its counts) and the arithmetic of the plan's period they show (the share gone by, the pace).
What is counted is said and done in targets/selectors.py; nothing here queries the database."""

import dataclasses
import datetime
import enum
import functools
from decimal import Decimal
from typing import overload

from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit
from clubs.models import ALL_AREAS, Club, ClubStatus
from core.shares import share
from core.types import Text
from funds.models import FundKind
from funds.selectors import Capital, CapitalRollup
from loans.portfolio import AtRisk, Period
from reports.selectors import Rollup
from targets.models import CoverageTarget, TargetPlan

FUND_KINDS = tuple(FundKind.values)


class ClubMeasure(enum.StrEnum):
    """The measures taken club by club: the keys of the "clubs behind a figure" list."""

    BOTH_FUNDS = "both_funds"
    ALL_ACTIVITIES = "all_activities"
    BORROWING = "borrowing"  # the club's own members borrowing at least the plan's threshold
    COMBINED = "combined"


# What each measure is called on the summary, the tables and the lists behind them.
MEASURE_LABELS = {
    ClubMeasure.BOTH_FUNDS: _("Clubs with both funds"),
    ClubMeasure.ALL_ACTIVITIES: _("Clubs doing all 8 activities"),
    ClubMeasure.BORROWING: _("Clubs with enough members borrowing"),
    ClubMeasure.COMBINED: _("Clubs doing all 8 activities with enough members borrowing"),
}


# --- figures ----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Progress:
    """One target of the plan against what is counted: the progress bars and the summary table.

    `percent` targets compare the share numerator ÷ denominator with `target` (a percent);
    count targets compare `numerator` with `target` (and with `pace` when the plan's period is
    not over).
    """

    key: str
    label: Text
    numerator: int
    denominator: int | None
    target: Decimal | int | None  # None: not set yet
    percent: bool
    pace: int | None = None

    @property
    def value(self) -> Decimal | int | None:
        return self.share if self.percent else self.numerator

    @property
    def share(self) -> Decimal | None:
        return share(self.numerator, self.denominator) if self.percent else None

    @property
    def progress(self) -> Decimal | None:
        """How far along the target, in percent (100 when reached; may exceed 100)."""
        value = self.value
        if value is None or not self.target:
            return None
        return share(value, self.target)

    @property
    def met(self) -> bool | None:
        value = self.value
        return None if value is None or self.target is None else value >= self.target

    @property
    def on_pace(self) -> bool | None:
        return None if self.pace is None else self.numerator >= self.pace

    @property
    def gap(self) -> Decimal | int | None:
        """What is still missing to reach the target (0 when reached)."""
        value = self.value
        return None if value is None or self.target is None else max(self.target - value, 0)


@dataclasses.dataclass
class NewClubsRow:
    """New clubs of one year or one district (unit None: the whole scope)."""

    unit: AdminUnit | None = None
    year: int | None = None
    counted: int = 0  # new in the period (by the plan's date)
    launched: int = 0  # of them, launched by the report date
    members: int = 0  # members of the new clubs on the report date

    @property
    def not_launched(self) -> int:
        return self.counted - self.launched


@dataclasses.dataclass(frozen=True)
class NewClubs:
    total: NewClubsRow
    years: list[NewClubsRow]  # every year of the period up to the report date
    districts: list[NewClubsRow]
    target: int | None  # None: not set yet (TargetPlan.new_clubs)
    per_year: int | None
    members_target: int | None
    pace: int | None  # target × the share of the period gone by, rounded up (pace, below)


@dataclasses.dataclass
class CoverageRow:
    """The host units of a coverage group, in one district (unit) or in all (unit None)."""

    unit: AdminUnit | None
    units: int = 0
    covered: int = 0

    @property
    def share(self) -> Decimal | None:
        return share(self.covered, self.units)

    @property
    def uncovered(self) -> int:
        return self.units - self.covered


@dataclasses.dataclass(frozen=True)
class CoverageGroup:
    target: CoverageTarget
    total: CoverageRow
    districts: list[CoverageRow]
    # District-level units counted as one unit themselves (no communes: Lý Sơn), for the rule.
    units_without_communes: list[AdminUnit]

    @property
    def met(self) -> bool | None:
        return None if self.total.share is None else self.total.share >= self.target.share


@dataclasses.dataclass(frozen=True)
class ClubRow:
    """One active club's measures."""

    club: Club
    district: AdminUnit | None
    members: int
    borrowers: int
    balances: dict[str, int]  # FundKind value → balance at the end of the report date
    areas_done: int  # of the eight areas, those carried out in the window
    borrowing_threshold: Decimal

    # Each measure is worked out once per row (the roll-ups and the lists read them many times).
    @functools.cached_property
    def both_funds(self) -> bool:
        return all(self.balances.get(kind, 0) > 0 for kind in FUND_KINDS)

    @property
    def fund_balances(self) -> list[tuple[FundKind, int]]:
        """Each fund in its order with its balance at the end of the report date."""
        return [(FundKind(kind), self.balances.get(kind, 0)) for kind in FUND_KINDS]

    @functools.cached_property
    def all_activities(self) -> bool:
        return self.areas_done == ALL_AREAS

    @property
    def borrowing_share(self) -> Decimal | None:
        return share(self.borrowers, self.members)

    @functools.cached_property
    def borrowing(self) -> bool:
        # In whole numbers: borrowers / members ≥ threshold %, without rounding the share first.
        return self.members > 0 and self.borrowers * 100 >= self.borrowing_threshold * self.members

    @functools.cached_property
    def combined(self) -> bool:
        return self.all_activities and self.borrowing

    def meets(self, measure: ClubMeasure) -> bool:
        met: bool = getattr(self, measure.value)
        return met


@dataclasses.dataclass
class ClubRollup:
    """The club measures of a district (unit) or of the whole scope (unit None)."""

    unit: AdminUnit | None
    clubs: int = 0
    both_funds: int = 0
    all_activities: int = 0
    borrowing: int = 0
    combined: int = 0
    members: int = 0
    borrowers: int = 0

    def add(self, row: ClubRow) -> None:
        self.clubs += 1
        self.members += row.members
        self.borrowers += row.borrowers
        self.both_funds += row.both_funds
        self.all_activities += row.all_activities
        self.borrowing += row.borrowing
        self.combined += row.combined

    def share_of(self, measure: str) -> Decimal | None:
        return share(getattr(self, measure), self.clubs)

    @property
    def borrowers_share(self) -> Decimal | None:
        return share(self.borrowers, self.members)


@dataclasses.dataclass(frozen=True)
class AtRiskRow:
    unit: AdminUnit | None  # a district; None for the whole scope
    figures: AtRisk


@dataclasses.dataclass(frozen=True)
class PortfolioAtRisk:
    total: AtRiskRow
    districts: list[AtRiskRow]


@dataclasses.dataclass(frozen=True)
class TargetReport:
    plan: TargetPlan
    on: datetime.date
    window: Period
    elapsed: Decimal  # share of the period's days elapsed on the report date, in percent
    coverage_on: datetime.date  # the day the units are counted on (the map's last day at the latest)
    new_clubs: NewClubs
    coverage: list[CoverageGroup]
    club_total: ClubRollup
    club_districts: list[ClubRollup]
    clubs: list[ClubRow]
    scorecard: Rollup
    status_counts: dict[str, int]
    capital: Capital  # of the active clubs
    capital_districts: list[CapitalRollup]
    portfolio: PortfolioAtRisk

    @property
    def decided(self) -> int:
        """Clubs of the scope with a decision of establishment by the report date, whatever their status."""
        return sum(self.status_counts.values())

    @property
    def status_list(self) -> list[tuple[ClubStatus, int]]:
        return [(status, self.status_counts[status]) for status in ClubStatus if self.status_counts.get(status)]

    @property
    def progress(self) -> list[Progress]:
        """Every target of the plan against its figure, in the order of the plan."""
        plan = self.plan
        total = self.club_total
        rows = [
            Progress(
                "new_clubs",
                _("New clubs"),
                self.new_clubs.total.counted,
                None,
                plan.new_clubs,
                percent=False,
                pace=self.new_clubs.pace,
            ),
            Progress(
                "new_club_members",
                _("Members of the new clubs"),
                self.new_clubs.total.members,
                None,
                plan.new_club_members,
                percent=False,
                pace=pace(plan.new_club_members, plan, self.on),
            ),
        ]
        rows += [
            Progress(
                f"coverage-{group.target.pk}",
                _("Communes with a club: %(group)s") % {"group": group.target.name},
                group.total.covered,
                group.total.units,
                group.target.share,
                percent=True,
            )
            for group in self.coverage
        ]
        rows += [
            Progress(
                ClubMeasure.BOTH_FUNDS,
                MEASURE_LABELS[ClubMeasure.BOTH_FUNDS],
                total.both_funds,
                total.clubs,
                plan.both_funds_share,
                percent=True,
            ),
            Progress(
                ClubMeasure.ALL_ACTIVITIES,
                MEASURE_LABELS[ClubMeasure.ALL_ACTIVITIES],
                total.all_activities,
                total.clubs,
                plan.all_activities_share,
                percent=True,
            ),
            Progress(
                "members_borrowing",
                _("Members borrowing"),
                total.borrowers,
                total.members,
                plan.members_borrowing_share,
                percent=True,
            ),
            Progress(
                ClubMeasure.COMBINED,
                MEASURE_LABELS[ClubMeasure.COMBINED],
                total.combined,
                total.clubs,
                plan.combined_share,
                percent=True,
            ),
        ]
        return rows


# --- the plan's period ------------------------------------------------------------------------


def _days_gone(plan: TargetPlan, on: datetime.date) -> tuple[int, int]:
    """(days of the period gone by at the end of `on`, days of the period)."""
    days = (plan.period_end - plan.period_start).days + 1
    return min(max((on - plan.period_start).days + 1, 0), days), days


@overload
def pace(target: int, plan: TargetPlan, on: datetime.date) -> int: ...
@overload
def pace(target: None, plan: TargetPlan, on: datetime.date) -> None: ...
def pace(target: int | None, plan: TargetPlan, on: datetime.date) -> int | None:
    """target × the days gone ÷ the period's days, rounded up to whole clubs or members (17,1
    clubs are 18 to have by the date: a club is founded whole); from the exact fraction, not the
    elapsed share shown (rounded). None for a target not set."""
    if target is None:
        return None
    gone, days = _days_gone(plan, on)
    return -(-target * gone // days)


def elapsed_share(plan: TargetPlan, on: datetime.date) -> Decimal:
    """The share of the period's days gone by at the end of `on`, in percent (0–100, one decimal)."""
    gone, days = _days_gone(plan, on)
    return share(gone, days) or Decimal(0)
