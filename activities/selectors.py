"""Reads over many clubs' monthly reports: completeness, timeliness and "all eight activities".

Every selector here runs a fixed number of queries whatever the number of clubs or months (the
query-count tests in tests/activities/test_selectors.py hold them to it): the clubs, their status
changes, the reports and the chairs are each fetched in one query for the whole scope and period,
and Python only walks those rows.

Expected reports: a club is expected to report a month when it was active on the month's first
or its last day — the rule of activities.services.club_active_in, which refuses reports for
other months — decided here from the clubs' launch dates and dated status changes.

Completeness of a club-month that is expected:
- submitted: first sent by the board (first_submitted_at set), whatever its status since;
- on time: first submitted on or before MonthlyReport.deadline, in Vietnam time; late: after;
- missing: never submitted and the deadline has passed on `on`; not yet due: never submitted
  and the deadline has not passed yet (the deadline day itself still counts as open).
A report for a month in which the club was not expected is not counted, so submitted ≤
expected and every rate stays within 100 %. Rates are shares of the expected reports.

"Carried out all eight activities", per club and year, counts only accepted reports. An area is
active in the month of an accepted report when the club reported a real activity in it:
- income generation: a loan disbursed or a repayment collected in that month in the club's loan
  book (loans.selectors.loans_disbursed_in and repayments_in: loans taken over from the paper
  books and reversed repayments do not count), or a technical advice session in the report (a
  figure above 0). Lending is recorded in the loan book, not typed in the report, so it counts
  even where "no activity" is ticked; a month with neither is not active, whatever is ticked;
- every other area: "no activity" not ticked and at least one of its figures above 0.
A club carried out all eight when each area is active in at least `min_months` months of the
year (settings.ACTIVITY_MONTHS_FOR_ALL_EIGHT, default 1).
"""

import dataclasses
import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.conf import settings
from django.db.models import BigIntegerField, Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from accounts.models import BoardTitle
from activities.fields import AREA_FIELDS
from activities.models import AreaSection, MonthlyReport, ReportStatus, deadline_passed, report_deadline
from areas.models import UNDER_PROVINCE_DEPTH, AdminScheme, AdminUnit
from boards.models import BoardPosition
from clubs.models import (
    ALL_AREAS,
    ActivityArea,
    Club,
    ClubQuerySet,
    ClubStatus,
    ClubStatusChange,
    MapGrouping,
    status_from_changes,
)
from core.dates import add_months, month_end, month_start
from core.shares import share
from loans.selectors import loans_disbursed_in, repayments_in

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def months_between(start_month: datetime.date, end_month: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start_month`'s to `end_month`'s, both included."""
    months, month = [], month_start(start_month)
    while month <= end_month:
        months.append(month)
        month = add_months(month, 1)
    return months


# --- expected reports -----------------------------------------------------------------------


class ClubDistrict(TypedDict):
    """What _club_rows annotates on each club: the id of its district on the map reported
    (clubs.models.MapGrouping), None for a club not located on it."""

    district: int | None


if TYPE_CHECKING:
    ClubWithDistrict: TypeAlias = WithAnnotations[Club, ClubDistrict]


def _district(club: "ClubWithDistrict", districts: dict[int, AdminUnit]) -> AdminUnit | None:
    return None if club.district is None else districts.get(club.district)


def _club_rows(clubs: ClubQuerySet[Club], scheme: AdminScheme | None) -> "list[ClubWithDistrict]":
    """The clubs with their unit and their district (`district` id) on the map `scheme`: one query."""
    districts_on_map = MapGrouping(scheme, UNDER_PROVINCE_DEPTH)
    return list(
        districts_on_map.rows(Club.objects.filter(pk__in=clubs.values("pk")), unplaced=True)
        .annotate(district=districts_on_map.key())
        .select_related("unit")
        .order_by("name", "pk")
    )


def _changes_by_club(clubs: ClubQuerySet[Club]) -> dict[int, list[tuple[datetime.date, str]]]:
    """{club id: [(effective_on, kind)]} in the order Club.objects.with_status reads them: one query."""
    changes: dict[int, list[tuple[datetime.date, str]]] = {}
    rows = (
        ClubStatusChange.objects.filter(club__in=clubs.values("pk"))
        .order_by("club_id", "effective_on", "pk")
        .values_list("club_id", "effective_on", "kind")
    )
    for club_id, effective_on, kind in rows:
        changes.setdefault(club_id, []).append((effective_on, kind))
    return changes


def _expected(
    launch_date: datetime.date | None, changes: Sequence[tuple[datetime.date, str]], months: list[datetime.date]
) -> list[datetime.date]:
    """The months in which a club was active on the first or the last day."""
    return [
        month
        for month in months
        if ClubStatus.ACTIVE
        in (
            status_from_changes(launch_date, changes, month),
            status_from_changes(launch_date, changes, month_end(month)),
        )
    ]


def expected_club_months(
    clubs: ClubQuerySet[Club], start_month: datetime.date, end_month: datetime.date
) -> dict[int, list[datetime.date]]:
    """{club id: [months]}: the months of the period in which each club was expected to report
    (clubs expected in none are left out). Two queries, whatever the clubs and months."""
    months = months_between(start_month, end_month)
    changes = _changes_by_club(clubs)
    launches = Club.objects.filter(pk__in=clubs.values("pk")).values_list("pk", "launch_date")
    result = {pk: _expected(launch_date, changes.get(pk, []), months) for pk, launch_date in launches}
    return {pk: expected for pk, expected in result.items() if expected}


# --- one club's months -----------------------------------------------------------------------

# The club's reports page lists its last months expected to report, looking this far back for them
# (a club suspended for long).
CLUB_MONTHS_LISTED = 12
CLUB_MONTHS_SCANNED = 36


def club_active_months(*, club: Club, today: datetime.date) -> list[datetime.date]:
    """The club's last months expected to report (expected_club_months), newest first: at most
    CLUB_MONTHS_LISTED of the CLUB_MONTHS_SCANNED months up to today's. Two queries."""
    start = add_months(month_start(today), -(CLUB_MONTHS_SCANNED - 1))
    months = expected_club_months(Club.objects.filter(pk=club.pk), start, today).get(club.pk, [])
    return months[::-1][:CLUB_MONTHS_LISTED]


class ReportMonth(TypedDict):
    """A row of the club's reports page."""

    month: datetime.date
    report: MonthlyReport | None  # None until started
    deadline: datetime.date
    overdue: bool


def club_report_months(*, club: Club, today: datetime.date) -> list[ReportMonth]:
    """The rows of the club's reports page, one a month of club_active_months, newest first:
    {"month", "report" (None until started), "deadline", "overdue"}; overdue is the rule of
    completeness' "missing": never submitted and the deadline passed. Three queries."""
    months = club_active_months(club=club, today=today)
    reports = {report.month: report for report in club.monthly_reports.filter(month__in=months)}
    rows: list[ReportMonth] = []
    for month in months:
        report = reports.get(month)
        rows.append(
            {
                "month": month,
                "report": report,
                "deadline": report_deadline(month),
                "overdue": (report is None or report.first_submitted_at is None) and deadline_passed(month, today),
            }
        )
    return rows


# --- completeness and timeliness ------------------------------------------------------------


@dataclasses.dataclass
class Counts:
    expected: int = 0
    submitted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    not_yet_due: int = 0

    def add(self, other: "Counts") -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))

    @property
    def submitted_rate(self) -> Decimal | None:
        return share(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        return share(self.on_time, self.expected)

    @property
    def missing_rate(self) -> Decimal | None:
        return share(self.missing, self.expected)


@dataclasses.dataclass
class ClubCompleteness:
    club: "ClubWithDistrict"
    district: AdminUnit | None
    counts: Counts
    missing_months: list[datetime.date]
    late_months: list[datetime.date]
    chair_name: str = ""
    chair_phone: str = ""

    @property
    def needs_follow_up(self) -> bool:
        return bool(self.missing_months or self.late_months)


@dataclasses.dataclass
class DistrictCompleteness:
    unit: AdminUnit | None
    clubs: int
    counts: Counts


@dataclasses.dataclass
class CompletenessReport:
    start: datetime.date
    end: datetime.date
    on: datetime.date
    total: DistrictCompleteness
    districts: list[DistrictCompleteness]
    clubs: list[ClubCompleteness]

    @property
    def missing(self) -> list[ClubCompleteness]:
        """Clubs with a missing report: most missing first."""
        rows = [club for club in self.clubs if club.missing_months]
        return sorted(rows, key=lambda row: (-len(row.missing_months), row.club.name))

    @property
    def follow_up(self) -> list[ClubCompleteness]:
        """Clubs with a missing or a late report: most missing first."""
        rows = [club for club in self.clubs if club.needs_follow_up]
        return sorted(rows, key=lambda row: (-len(row.missing_months), -len(row.late_months), row.club.name))


def chairs_of(clubs: QuerySet[Club], on: datetime.date) -> dict[int, tuple[str, str]]:
    """{club id: (chair's name, phone)} of the chairs in office on `on`: one query. The phone is the
    member register's, else that of the chair's login (the account her seat gives the club-board
    role), else empty: staff call the number they have."""
    phone = Coalesce(
        NullIf(F("holder__phone"), Value("")), NullIf(F("role_assignment__user__phone"), Value("")), Value("")
    )
    positions = (
        BoardPosition.objects.held_on(on)
        .filter(club__in=clubs.values("pk"), title=BoardTitle.CHAIR)
        .order_by("club_id", "-started_on", "-pk")
        .values_list("club_id", "holder__full_name", phone)
    )
    chairs: dict[int, tuple[str, str]] = {}
    for club_id, name, phone in positions:
        chairs.setdefault(club_id, (name, phone))
    return chairs


def completeness(
    clubs: ClubQuerySet[Club],
    start_month: datetime.date,
    end_month: datetime.date,
    on: datetime.date | None = None,
    *,
    scheme: AdminScheme | None,
) -> CompletenessReport:
    """Expected, submitted, on time, late, missing and not yet due reports of `clubs` (scoped by
    the caller through accounts.access) for the months from `start_month` to `end_month`, judged
    on `on` (today by default): per club, per district of the map `scheme` and in total. Five queries."""
    on = on or timezone.localdate()
    months = months_between(start_month, end_month)
    club_rows = _club_rows(clubs, scheme)
    changes = _changes_by_club(clubs)
    submitted_at = {
        (club_id, month): first_submitted_at
        for club_id, month, first_submitted_at in MonthlyReport.objects.filter(
            club__in=clubs.values("pk"), month__in=months, first_submitted_at__isnull=False
        ).values_list("club_id", "month", "first_submitted_at")
    }
    chairs = chairs_of(clubs, on)
    districts = AdminUnit.objects.in_bulk({club.district for club in club_rows if club.district is not None})
    # Per month, once: sent before the first moment after its deadline day (in Vietnam) is on time.
    on_time_before = {
        month: timezone.make_aware(datetime.datetime.combine(report_deadline(month), datetime.time.min))
        + datetime.timedelta(days=1)
        for month in months
    }
    overdue = {month: deadline_passed(month, on) for month in months}

    per_club = []
    for club in club_rows:
        counts = Counts()
        missing: list[datetime.date] = []
        late: list[datetime.date] = []
        for month in _expected(club.launch_date, changes.get(club.pk, []), months):
            counts.expected += 1
            sent = submitted_at.get((club.pk, month))
            if sent is not None:
                counts.submitted += 1
                if sent < on_time_before[month]:
                    counts.on_time += 1
                else:
                    counts.late += 1
                    late.append(month)
            elif overdue[month]:
                counts.missing += 1
                missing.append(month)
            else:
                counts.not_yet_due += 1
        if counts.expected:
            name, phone = chairs.get(club.pk, ("", ""))
            per_club.append(ClubCompleteness(club, _district(club, districts), counts, missing, late, name, phone))

    total = DistrictCompleteness(None, 0, Counts())
    by_district: dict[int | None, DistrictCompleteness] = {}
    for row in per_club:
        group = by_district.setdefault(row.club.district, DistrictCompleteness(row.district, 0, Counts()))
        for rollup in (group, total):
            rollup.clubs += 1
            rollup.counts.add(row.counts)
    return CompletenessReport(
        start=months[0] if months else month_start(start_month),
        end=month_start(end_month),
        on=on,
        total=total,
        districts=sorted(by_district.values(), key=lambda group: group.unit.path if group.unit else ""),
        clubs=per_club,
    )


# --- what waits for staff: reports to review, returned ones, missing ones ---------------------


def reports_waiting(clubs: ClubQuerySet[Club]) -> QuerySet[MonthlyReport]:
    """The submitted reports of `clubs` (scoped by the caller through accounts.access) waiting for
    review, the longest waiting first: staff's queue."""
    return (
        MonthlyReport.objects.filter(club__in=clubs.values("pk"), status=ReportStatus.SUBMITTED)
        .select_related("club__unit")
        .order_by("submitted_at", "pk")
    )


def reports_returned(clubs: ClubQuerySet[Club]) -> QuerySet[MonthlyReport]:
    """The reports of `clubs` returned to the club and not submitted again, oldest month first."""
    return (
        MonthlyReport.objects.filter(club__in=clubs.values("pk"), status=ReportStatus.RETURNED)
        .select_related("club__unit")
        .order_by("month", "club__name", "pk")
    )


def missing_reports(clubs: ClubQuerySet[Club], on: datetime.date, *, scheme: AdminScheme | None) -> CompletenessReport:
    """The completeness of `clubs` over the months the club's reports page lists (the last
    CLUB_MONTHS_LISTED up to `on`'s), judged on `on`: its `missing` are the clubs with a report
    missing (never submitted, the deadline passed). Five queries, as completeness."""
    return completeness(clubs, add_months(month_start(on), -(CLUB_MONTHS_LISTED - 1)), on, on, scheme=scheme)


# --- a club's month, for its chair's home ------------------------------------------------------


@dataclasses.dataclass
class ClubMonth:
    """What a club's board has to do this month: this month's report (None when the club is not
    expected to report it), the reports returned to it, and the earlier months not sent yet."""

    club: Club
    month: datetime.date
    meeting_on: datetime.date
    current: ReportMonth | None
    returned: list[ReportMonth]
    unsent: list[ReportMonth]


def club_month(*, club: Club, today: datetime.date) -> ClubMonth:
    """The club's month (ClubMonth) from club_report_months, the rows of its reports page. The
    meeting is the one the month's report records, else the club's meeting day. Three queries."""
    month = month_start(today)
    rows = club_report_months(club=club, today=today)
    current = next((row for row in rows if row["month"] == month), None)
    report = current["report"] if current else None
    return ClubMonth(
        club=club,
        month=month,
        meeting_on=(report.meeting_date if report and report.meeting_date else club.meeting_in(month)),
        current=current,
        returned=[row for row in rows if row["report"] is not None and row["report"].is_returned],
        unsent=[
            row
            for row in rows
            if row is not current and (row["report"] is None or row["report"].status == ReportStatus.DRAFT)
        ],
    )


# --- "all eight activities" -----------------------------------------------------------------


def _figures_above_zero(area: str) -> Q:
    """A section of `area` with "no activity" not ticked and at least one figure above 0."""
    # The figure as text, cast: a JSON null (a blank field) is then NULL, never "above 0", on
    # SQLite and PostgreSQL alike (a JSON key lookup compares SQLite's 'null' text as above 0).
    any_figure = Q()
    for field in AREA_FIELDS[ActivityArea(area)]:
        any_figure |= Q(GreaterThan(Cast(KeyTextTransform(field.code, "values"), BigIntegerField()), 0))
    return Q(area=area, no_activity=False) & any_figure


def active_section() -> Q:
    """The condition, on AreaSection, of a section that counts as activity in its area (the rule
    of the module's docstring): the one definition, for the all-eight page and the targets report.

    A condition rather than a queryset of ids, so that callers filter the sections they join and
    group, instead of wrapping them in `id IN (…)` over a second scan of the sections. The loan
    book's parts are subqueries correlated with the report's club and month; placed after the
    figures in the OR and behind the income area, they run only for the income sections without
    an advice session.
    """
    typed = Q()
    for area in ActivityArea:
        typed |= _figures_above_zero(area)
    club, month = OuterRef("report__club"), OuterRef("report__month")
    lending = Exists(loans_disbursed_in(club=club, month=month)) | Exists(repayments_in(club=club, month=month))
    return typed | Q(Q(area=ActivityArea.INCOME) & lending)


def area_months(reports: QuerySet[MonthlyReport]) -> dict[int, dict[str, int]]:
    """{club id: {area: months with activity in it}} over `reports` (accepted ones, as the
    callers choose): one grouped query."""
    months_by_area: dict[int, dict[str, int]] = {}
    rows = (
        AreaSection.objects.filter(active_section(), report__in=reports)
        .order_by()
        .values("report__club_id", "area")
        # The sections counted, not the distinct months: a report has one section per area and a
        # club one report per month (their unique constraints), so each is a month of its own;
        # COUNT(DISTINCT) would make PostgreSQL sort the rows instead of hashing them.
        .annotate(months=Count("pk"))
        .values_list("report__club_id", "area", "months")
    )
    for club_id, area, months in rows:
        months_by_area.setdefault(club_id, {})[area] = months
    return months_by_area


@dataclasses.dataclass
class ClubAreas:
    club: "ClubWithDistrict"
    district: AdminUnit | None
    accepted_months: int
    months_by_area: dict[str, int]
    min_months: int

    @property
    def areas(self) -> list[tuple[ActivityArea, int]]:
        """The eight areas in their official order, each with its months of activity."""
        return [(area, self.months_by_area.get(area.value, 0)) for area in ActivityArea]

    @property
    def active_areas(self) -> int:
        return sum(1 for months in self.months_by_area.values() if months >= self.min_months)

    @property
    def all_eight(self) -> bool:
        return self.active_areas == ALL_AREAS


@dataclasses.dataclass
class AllEightRollup:
    unit: AdminUnit | None
    clubs: int = 0
    all_eight: int = 0

    @property
    def share(self) -> Decimal | None:
        return share(self.all_eight, self.clubs)


@dataclasses.dataclass
class AllEightReport:
    year: int
    min_months: int
    total: AllEightRollup
    districts: list[AllEightRollup]
    clubs: list[ClubAreas]
    all_areas: int = ALL_AREAS


def all_eight_activities(
    clubs: ClubQuerySet[Club], year: int, min_months: int | None = None, *, scheme: AdminScheme | None
) -> AllEightReport:
    """Per club active in `year` (expected to report at least one of its months up to today), the
    months of activity in each area from its accepted reports, and whether it carried out all
    eight; rolled up per district of the map `scheme` and for the whole scope. Five queries."""
    if min_months is None:
        min_months = getattr(settings, "ACTIVITY_MONTHS_FOR_ALL_EIGHT", 1)
    months = months_between(datetime.date(year, 1, 1), min(datetime.date(year, 12, 1), timezone.localdate()))
    club_rows = _club_rows(clubs, scheme)
    changes = _changes_by_club(clubs)
    accepted = MonthlyReport.objects.filter(club__in=clubs.values("pk"), month__year=year, status=ReportStatus.ACCEPTED)
    accepted_months = dict(accepted.order_by().values("club_id").annotate(n=Count("pk")).values_list("club_id", "n"))
    months_by_area = area_months(accepted)
    districts = AdminUnit.objects.in_bulk({club.district for club in club_rows if club.district is not None})

    per_club = [
        ClubAreas(
            club=club,
            district=_district(club, districts),
            accepted_months=accepted_months.get(club.pk, 0),
            months_by_area=months_by_area.get(club.pk, {}),
            min_months=min_months,
        )
        for club in club_rows
        if months and _expected(club.launch_date, changes.get(club.pk, []), months)
    ]
    total = AllEightRollup(None)
    by_district: dict[int | None, AllEightRollup] = {}
    for row in per_club:
        group = by_district.setdefault(row.club.district, AllEightRollup(row.district))
        for rollup in (group, total):
            rollup.clubs += 1
            rollup.all_eight += row.all_eight
    return AllEightReport(
        year=year,
        min_months=min_months,
        total=total,
        districts=sorted(by_district.values(), key=lambda group: group.unit.path if group.unit else ""),
        clubs=per_club,
    )
