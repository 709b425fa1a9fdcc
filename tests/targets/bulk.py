"""Clubs written in bulk with everything the targets report reads — funds and entries, members and
household status, loans with schedules, suspended clubs, accepted monthly reports — for the
query-count tests and bench/targets.py."""

import datetime
from decimal import Decimal

from django.utils import timezone

from activities.fields import field_codes
from activities.models import AreaSection, MonthlyReport, ReportStatus
from areas.models import AdminUnit
from clubs.models import ActivityArea, Club, ClubLocation, ClubStatusChange, LocationSource, StatusChangeKind
from core.dates import add_months, day_in_month
from core.text import fold, vietnamese_sort_key
from funds import months
from funds.models import CapitalSource, EntryType, Fund, FundEntry, FundKind, FundMonth
from loans.models import Instalment, InterestMethod, Loan, LoanPurpose, LoanStatus, RepaymentFrequency
from loans.schedules import build_schedule
from members.models import EconomicStatus, HouseholdStatus, Membership, Person, Sex

D = datetime.date
ON = D(2025, 3, 15)  # "today" of tests/conftest.py

# Figures of one active club in the reports' window (the 12 months up to ON), each area active.
ACTIVE_SECTIONS = {
    ActivityArea.INCOME: {"advice_sessions": 1},
    ActivityArea.HEALTH: {"health_talks": 1},
    ActivityArea.HOME_CARE: {"volunteers_active": 1, "visits": 4},
    ActivityArea.SELF_HELP: {"cases_helped": 1},
    ActivityArea.RIGHTS: {"social_pension": 1},
    ActivityArea.LEARNING: {"sessions": 1},
    ActivityArea.CULTURE: {"performances": 1},
    ActivityArea.RESOURCES: {"member_fees": 50000},
}


def add_clubs(
    units: list[AdminUnit],
    count: int,
    *,
    members: int = 3,
    on: datetime.date = ON,
    prefix: str = "BULK",
    first: int = 0,
):
    """`count` clubs spread over `units`, with their rows, in bulk; returns the clubs.

    Clubs are numbered from `first` (codes PREFIX-00000 on). Club n is decided between 2020 and
    2024 (two in five before the plans' period), launched two months later except every tenth
    (decided only), every 25th suspended in 2024. Each launched
    club has `members` members (half women, half older, a third poor), 20 million đồng of members'
    capital in its income fund and, two clubs in three, 1 million in its activity fund; one member
    in three of every other club has a loan of 6 months disbursed 4 months before `on`, unpaid
    (so PAR30 is not empty); clubs accept their reports of the last three months, one club in
    three with culture marked "no activity".
    """
    clubs = []
    for number in range(first, first + count):
        name = f"CLB Liên thế hệ {prefix} số {number}"
        decided = D(2020 + number % 5, 1 + number % 12, 1 + number % 28)
        clubs.append(
            Club(
                code=f"{prefix}-{number:05d}",
                name=name,
                name_folded=fold(name),
                unit=units[number % len(units)],
                hamlets=[f"Thôn {number}"],
                decision_number=f"{number}/QĐ-UBND",
                decision_date=decided,
                decision_issuer="UBND xã",
                launch_date=None if number % 10 == 9 else add_months(decided, 2),
                meeting_day=15,
            )
        )
    clubs = Club.objects.bulk_create(clubs)
    ClubLocation.objects.bulk_create(
        ClubLocation(club=club, scheme_id=club.unit.scheme_id, unit=club.unit, source=LocationSource.REGISTERED)
        for club in clubs
    )
    ClubStatusChange.objects.bulk_create(
        ClubStatusChange(club=club, kind=StatusChangeKind.SUSPENDED, effective_on=D(2024, 6, 1), reason="Tạm ngừng")
        for number, club in enumerate(clubs)
        if number % 25 == 24 and club.launch_date
    )
    funds = Fund.objects.bulk_create(Fund(club=club, kind=kind) for club in clubs for kind in FundKind)
    launched = [club for club in clubs if club.launch_date and club.launch_date <= on]
    by_club = {(fund.club_id, fund.kind): fund for fund in funds}
    FundEntry.objects.bulk_create(
        FundEntry(
            fund=by_club[club.pk, kind],
            entry_type=EntryType.CONTRIBUTION,
            direction=1,
            amount=amount,
            entry_date=club.launch_date,
            source=CapitalSource.MEMBERS,
        )
        for number, club in enumerate(launched)
        for kind, amount in ((FundKind.INCOME, 20_000_000), (FundKind.ACTIVITY, 1_000_000))
        if kind == FundKind.INCOME or number % 3
    )
    # Written past funds.services: their month totals are rebuilt, as after any bulk load.
    months.rebuild(entries=FundEntry.objects.filter(fund__in=funds), months=FundMonth.objects.filter(fund__in=funds))
    people = Person.objects.bulk_create(
        Person(
            full_name=(full_name := f"Nguyễn Văn {club.pk}-{number}"),
            name_folded=fold(full_name),
            sort_key=vietnamese_sort_key(full_name),
            sex=Sex.FEMALE if number % 2 else Sex.MALE,
            birth_year=1950 if number % 2 else 1980,
        )
        for club in launched
        for number in range(members)
    )
    joins = [(club, number) for club in launched for number in range(members)]
    Membership.objects.bulk_create(
        Membership(person=person, club=club, joined_on=club.launch_date)
        for person, (club, _number) in zip(people, joins, strict=True)
    )
    HouseholdStatus.objects.bulk_create(
        HouseholdStatus(
            person=person,
            status=EconomicStatus.POOR if number % 3 == 0 else EconomicStatus.OTHER,
            valid_from=club.launch_date.replace(month=1, day=1),
        )
        for person, (club, number) in zip(people, joins, strict=True)
    )
    _add_loans(
        [
            (club, person)
            for person, (club, number) in zip(people, joins, strict=True)
            if club.pk % 2 and number % 3 == 0
        ],
        on=on,
    )
    _add_reports(launched, on=on)
    return clubs


def _add_loans(borrowers, *, on):
    disbursed_on = day_in_month(add_months(on, -4), 10)
    loans = Loan.objects.bulk_create(
        Loan(
            club=club,
            borrower=person,
            cycle=1,
            purpose=LoanPurpose.LIVESTOCK,
            amount=6_000_000,
            term_months=6,
            monthly_rate=Decimal("0.5"),
            method=InterestMethod.FLAT,
            frequency=RepaymentFrequency.MONTHLY,
            grace_days=5,
            status=LoanStatus.DISBURSED,
            applied_on=disbursed_on,
            decided_on=disbursed_on,
            disbursed_on=disbursed_on,
        )
        for club, person in borrowers
        if club.launch_date <= disbursed_on
    )
    schedule = build_schedule(
        amount=6_000_000,
        term_months=6,
        monthly_rate=Decimal("0.5"),
        method=InterestMethod.FLAT,
        frequency=RepaymentFrequency.MONTHLY,
        first_due_on=day_in_month(add_months(disbursed_on, 1), 15),
        meeting_day=15,
    )
    Instalment.objects.bulk_create(
        Instalment(
            loan=loan,
            number=part.number,
            due_on=part.due_on,
            late_after=part.due_on + datetime.timedelta(days=5),
            principal_due=part.principal,
            interest_due=part.interest,
        )
        for loan in loans
        for part in schedule
    )


def _add_reports(clubs, *, on):
    months = [add_months(on.replace(day=1), -back) for back in (1, 2, 3)]
    accepted_at = timezone.now()
    pairs = [(club, month) for club in clubs for month in months if club.launch_date <= month]
    reports = MonthlyReport.objects.bulk_create(
        MonthlyReport(
            club=club,
            month=month,
            status=ReportStatus.ACCEPTED,
            field_codes=field_codes(),
            first_submitted_at=accepted_at,
            submitted_at=accepted_at,
            accepted_at=accepted_at,
        )
        for club, month in pairs
    )
    AreaSection.objects.bulk_create(
        AreaSection(
            report=report,
            area=area,
            no_activity=area == ActivityArea.CULTURE and report.club_id % 3 == 0,
            values={} if area == ActivityArea.CULTURE and report.club_id % 3 == 0 else values,
        )
        for report in reports
        for area, values in ACTIVE_SECTIONS.items()
    )


def host_units(province: AdminUnit) -> list[AdminUnit]:
    return list(AdminUnit.objects.club_hosts().filter(scheme=province.scheme, path__startswith=province.path))
