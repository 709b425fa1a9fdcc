"""A synthetic province at scale, for benchmarks and load tests (`manage.py generate_scale`).

Clubs are written through the real tables, shaped like what the services write for real clubs:
each launched club has some 55 members (mostly 55–85, some younger; about 63 % women; poor,
near-poor and other households with a yearly review; some who left), a board and teams, its two
funds with monthly contributions by source and activity spending, loans for about half its
members with their schedules (loans.schedules.build_schedule), repayments split by
loans.allocation.allocate with their principal and interest entries, a few loans late, written
off, rescheduled or paid off early, about 1 % of its ordinary entries reversed by a correction,
its monthly reports with their sections and events, and audit entries for a representative
share of the writes (every write of one club in ten; the club-level writes of all).

The same seed, number of clubs, months and "today" give the same rows: each club draws from its
own random.Random, seeded by the seed and the club's number, and every date and timestamp is
derived from "today", never from the clock. The clubs are spread over the club hosts
(AdminUnitQuerySet.club_hosts) of the map in force on their decision date, located on the later
and earlier maps along the loaded lineage (clubs.locating.place, as club_place does).

Rows are written in bulk (demo/rows.py), club by club in chunks, so memory stays bounded.
"""

import dataclasses
import datetime
import functools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple, cast

from django.db import models, transaction

from accounts.models import BoardTitle
from activities.fields import AREA_FIELDS, FieldKind, field_codes
from activities.models import AreaSection, MonthlyReport, ReportAction, ReportEvent, ReportStatus, report_deadline
from areas.models import AdminScheme, AdminUnit
from audit.models import AuditEntry
from boards.models import BoardPosition, Team, TeamMemberRole, TeamMembership
from clubs import locating
from clubs.models import ActivityArea, Club, ClubLocation, ClubStatusChange, StatusChangeKind
from clubs.selectors import Lineage
from clubs.services.register import club_code, next_club_number
from core.dates import add_months, day_in_month, month_end, month_start
from core.text import fold, vietnamese_sort_key
from demo.rows import RowWriter
from funds import months
from funds.models import MONEY_IN, CapitalSource, EntryType, Fund, FundEntry, FundKind, FundMonth
from loans.allocation import InstalmentState, allocate, outstanding_principal, payoff, settled_on
from loans.models import (
    Allocation,
    DecisionBody,
    Instalment,
    InterestMethod,
    Loan,
    LoanPurpose,
    LoanRules,
    LoanStatus,
    Repayment,
    RepaymentFrequency,
    Rescheduling,
)
from loans.schedules import build_schedule, first_due_date
from members.models import EconomicStatus, HouseholdStatus, LeaveReason, Membership, Person, Sex

D = datetime.date
DEFAULT_TODAY = D(2025, 12, 15)
CHUNK_CLUBS = 200
VIETNAM = datetime.timezone(datetime.timedelta(hours=7))

# The tables written, in an order that puts each row after the rows it names.
TABLES = [
    Club,
    ClubLocation,
    ClubStatusChange,
    Person,
    Membership,
    HouseholdStatus,
    BoardPosition,
    Team,
    TeamMembership,
    Fund,
    LoanRules,
    Loan,
    Instalment,
    Repayment,
    Allocation,
    Rescheduling,
    FundEntry,
    FundMonth,
    MonthlyReport,
    AreaSection,
    ReportEvent,
    AuditEntry,
]

FAMILY_NAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MALE_MIDDLE = ["Văn", "Đức", "Công", "Minh", "Hữu", "Quang", "Xuân"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Kim", "Thanh"]
MALE_GIVEN = ["Hùng", "Dũng", "Tâm", "Sơn", "Bình", "Lâm", "Phúc", "Tài", "Thành", "Quý", "Long", "Nghĩa", "Hải"]
FEMALE_GIVEN = ["Lan", "Hoa", "Mai", "Đào", "Cúc", "Hằng", "Liên", "Nga", "Thủy", "Xuân", "Yến", "Hạnh", "Sen"]
HAMLET_WORDS = ["An Phú", "Phú Lộc", "Tân Hòa", "Liên Trì", "Thạch An", "Mỹ Khê", "Hòa Bình", "Vĩnh Lộc", "Đông Yên"]
SOURCES_OTHER = [
    CapitalSource.CARE_FUND,
    CapitalSource.LOCAL_BUDGET,
    CapitalSource.DONOR,
    CapitalSource.FUNDRAISING,
    CapitalSource.COLLECTIVE_INCOME,
    CapitalSource.OTHER,
]
SPENDING = ["Thăm hỏi thành viên ốm", "Hỗ trợ thành viên khó khăn", "Sinh hoạt văn nghệ", "Nói chuyện sức khỏe"]
TEAMS = [
    (ActivityArea.HOME_CARE, "Tổ tình nguyện viên chăm sóc tại nhà"),
    (ActivityArea.HEALTH, "Tổ chăm sóc sức khỏe"),
    (ActivityArea.CULTURE, "Đội văn nghệ"),
]
BOARD = [BoardTitle.CHAIR, BoardTitle.VICE_CHAIR, BoardTitle.ACCOUNTANT, BoardTitle.TREASURER]
# How borrowers repay (share of loans): on time, sometimes late, stopping, rescheduled, early.
LOAN_AMOUNTS = [2_000_000, 3_000_000, 3_000_000, 4_000_000, 5_000_000, 5_000_000, 6_000_000, 8_000_000, 10_000_000]
BEHAVIOURS = [("good", 86), ("late", 7), ("stops", 2), ("rescheduled", 2), ("early", 3)]


@dataclasses.dataclass(frozen=True)
class ScaleOptions:
    clubs: int
    months: int = 24
    seed: int = 1
    today: datetime.date = DEFAULT_TODAY


@dataclasses.dataclass
class Member:
    id: int
    name: str
    sex: str
    joined: datetime.date
    left: datetime.date | None
    borrows: bool
    volunteer: bool
    cared_for: bool
    last_loan_closed: datetime.date | None = None
    loans: int = 0
    has_loan: bool = False

    def active_on(self, day: datetime.date) -> bool:
        return self.joined <= day and (self.left is None or self.left > day)


class ScheduledPart:
    """An instalment while the club is simulated: what loans.allocation reads of an Instalment."""

    __slots__ = (
        "id",
        "number",
        "due_on",
        "late_after",
        "principal_due",
        "interest_due",
        "cancelled_on",
        "paid",
        "payments",
    )

    def __init__(self, pk: int, number: int, due_on: D, grace: int, principal: int, interest: int) -> None:
        self.id, self.number, self.due_on = pk, number, due_on
        self.late_after = due_on + datetime.timedelta(days=grace)
        self.principal_due, self.interest_due = principal, interest
        self.cancelled_on: D | None = None
        self.paid = [0, 0]  # principal, interest
        self.payments: list[tuple[D, int]] = []  # (day, principal and interest) of each repayment, in order


@dataclasses.dataclass
class LoanState:
    id: int
    borrower: Member
    cycle: int
    amount: int
    term: int
    applied_on: D
    decided_on: D | None
    disbursed_on: D | None
    status: str
    behaviour: str
    parts: list[ScheduledPart] = dataclasses.field(default_factory=list)
    closed_on: D | None = None
    written_off: int = 0
    stop_after: int = 0  # for "stops": the number of repayments made before stopping

    def states(self) -> list[InstalmentState]:
        live = [part for part in self.parts if part.cancelled_on is None]
        # The allocation rule reads only the fields ScheduledPart has.
        return [InstalmentState(cast(Instalment, part), part.paid[0], part.paid[1]) for part in live]


@functools.lru_cache(maxsize=4096)
def _name_keys(name: str) -> tuple[str, str]:
    return fold(name), vietnamese_sort_key(name)


def _moment(day: D, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VIETNAM)


class Map:
    """The club hosts of each loaded map, each map's in a seeded order, handed out in turn."""

    def __init__(self, seed: int) -> None:
        schemes = list(AdminScheme.objects.order_by("valid_from"))
        self.hosts: list[tuple[AdminScheme, list[int]]] = []
        for scheme in schemes:
            units = list(
                AdminUnit.objects.filter(scheme=scheme).club_hosts().order_by("path").values_list("pk", flat=True)
            )
            if units:
                random.Random(f"{seed}-{scheme.code}").shuffle(units)
                self.hosts.append((scheme, units))
        self.turn: Counter[int] = Counter()
        self.lineage = Lineage.loaded()

    def __bool__(self) -> bool:
        return bool(self.hosts)

    def unit_for(self, day: D) -> tuple[AdminScheme, int]:
        """The next host unit of the map in force on `day` (the nearest map when none is)."""
        chosen = self.hosts[0]
        for scheme, units in self.hosts:
            if scheme.valid_from <= day:
                chosen = (scheme, units)
        scheme, units = chosen
        unit = units[self.turn[scheme.pk] % len(units)]
        self.turn[scheme.pk] += 1
        return scheme, unit


class EntryRow(NamedTuple):
    """What the funds' month totals read of an entry written (funds.months.EntryFacts)."""

    fund_id: int
    entry_type: str
    source: str
    amount: int
    direction: int
    entry_date: D


class ClubBuilder:
    """One club's rows, from its own random draws; money in date order so the funds never go below 0."""

    def __init__(self, writer: RowWriter, options: ScaleOptions, number: int) -> None:
        self.w, self.today, self.number = writer, options.today, number
        self.rng = rng = random.Random(f"{options.seed}-{number}")
        self.full_audit = number % 10 == 0
        self.balance: dict[str, int] = {FundKind.INCOME: 0, FundKind.ACTIVITY: 0}
        self.ordinary: list[tuple[int, str, int, int, D]] = []  # entries a correction may reverse
        self.entries: dict[int, EntryRow] = {}  # what the month totals read of each entry written
        self.month_totals: months.Totals = {}  # the funds' months (funds.models.FundMonth)
        self.repaid: dict[int, list[int]] = {}  # the repayments of each loan
        self.stopped: list[tuple[D, D | None]] = []  # suspended from, resumed on
        self.members: list[Member] = []
        launched_months = rng.randint(min(12, options.months), options.months)
        launch: D | None = day_in_month(add_months(options.today, -launched_months), rng.randint(1, 28))
        assert launch is not None
        self.decided = launch - datetime.timedelta(days=rng.randint(15, 75))
        if rng.random() < 0.04:  # decided lately, not launched yet
            self.decided, launch = options.today - datetime.timedelta(days=rng.randint(10, 120)), None
        self.launch = launch
        self.meeting_day = None if rng.random() < 0.05 else rng.randint(5, 28)
        self.code = club_code(number)

    # --- the audit log ---------------------------------------------------------------------

    def audit(self, action: str, target: type[models.Model], pk: int, text: str, day: D, data: dict[str, Any]) -> None:
        self.w.add(
            AuditEntry,
            {
                "action": action,
                "target_type": target._meta.label_lower,
                "target_id": str(pk),
                "target_repr": text[:255],
                "target_folded": fold(text)[:255],
                "club_id": self.club_id,
                "data": data,
                "created_at": _moment(day, 10),
            },
        )

    # --- the club ------------------------------------------------------------------------------

    def build(self, *, scheme: AdminScheme, unit_id: int, name: str, hamlet: str, lineage: Lineage) -> None:
        rng, launch, decided = self.rng, self.launch, self.decided
        self.scheme, self.unit_id = scheme, unit_id
        self.name, self.hamlet = name, hamlet
        self.club_id = self.w.add(
            Club,
            {
                "code": self.code,
                "name": name,
                "name_folded": fold(name),
                "unit_id": self.unit_id,
                "hamlets": [hamlet],
                "decision_number": f"{self.number}/QĐ-UBND",
                "decision_date": decided,
                "decision_issuer": "UBND xã",
                "launch_date": launch,
                "meeting_day": self.meeting_day,
            },
            at=_moment(decided),
        )
        self.audit("clubs.club.created", Club, self.club_id, name, decided, {"code": self.code})
        self._locate(lineage, decided)
        self.funds: dict[str, int] = {
            kind: self.w.add(
                Fund, {"club_id": self.club_id, "kind": kind, "usual_contribution": usual}, at=_moment(decided)
            )
            for kind, usual in (
                (FundKind.INCOME, rng.choice([20_000, 30_000, 50_000])),
                (FundKind.ACTIVITY, rng.choice([5_000, 10_000, 20_000])),
            )
        }
        if launch is None:
            return
        self._status_changes()
        self._members()
        self._board_and_teams()
        self._money()
        self._month_totals()
        self._reports()

    def _month_totals(self) -> None:
        """The funds' month totals of the entries written, by funds.months' rule."""
        for (fund_id, month), amounts in self.month_totals.items():
            self.w.add(FundMonth, {"fund_id": fund_id, "month": month, **amounts})

    def _locate(self, lineage: Lineage, decided: D) -> None:
        placement = locating.place(
            registered=(self.scheme.pk, self.unit_id),
            registered_start=self.scheme.valid_from,
            held=[],
            successors=lineage.successors,
            dissolved_on=None,
            predecessors=lineage.predecessors,
        )
        places = [*placement.chain, *placement.traced]
        for place in places:
            self.w.add(
                ClubLocation,
                {
                    "club_id": self.club_id,
                    "scheme_id": place.scheme_id,
                    "unit_id": place.unit_id,
                    "source": place.source,
                },
                at=_moment(decided),
            )
        if len(places) > 1:
            self.audit("clubs.club.located", Club, self.club_id, self.name, decided, {"locations": len(places)})

    def _status_changes(self) -> None:
        """About one club in twenty suspended for a while; half of them resumed since."""
        assert self.launch is not None
        if self.rng.random() >= 0.05 or (self.today - self.launch).days < 240:
            return
        suspended = self.launch + datetime.timedelta(days=self.rng.randint(120, (self.today - self.launch).days - 30))
        back = suspended + datetime.timedelta(days=self.rng.randint(60, 240))
        resumed = None if back > self.today or self.rng.random() < 0.5 else back
        self.stopped.append((suspended, resumed))
        for kind, day in ((StatusChangeKind.SUSPENDED, suspended), (StatusChangeKind.RESUMED, resumed)):
            if day is None:
                continue
            pk = self.w.add(
                ClubStatusChange,
                {"club_id": self.club_id, "kind": kind, "effective_on": day, "reason": "Quyết định của UBND xã"},
                at=_moment(day),
            )
            self.audit(f"clubs.club.{kind}", ClubStatusChange, pk, self.name, day, {"effective_on": day.isoformat()})

    def active_on(self, day: D) -> bool:
        if self.launch is None or day < self.launch:
            return False
        return not any(start <= day and (end is None or day < end) for start, end in self.stopped)

    # --- members --------------------------------------------------------------------------------

    def _members(self) -> None:
        rng, today, launch = self.rng, self.today, self.launch
        assert launch is not None
        for index in range(max(30, min(85, round(rng.gauss(55, 8))))):
            female = rng.random() < 0.63
            given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
            middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
            name = f"{rng.choice(FAMILY_NAMES)} {middle} {given}"
            age = rng.randint(55, 85) if rng.random() < 0.85 else rng.randint(25, 54)
            birth_year = today.year - age
            birth_date = D(birth_year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.7 else None
            joined = launch if index < 40 or rng.random() < 0.3 else self._later_day(launch, 30)
            left = None
            if rng.random() < 0.08 and (today - joined).days > 60:
                left = joined + datetime.timedelta(days=rng.randint(45, (today - joined).days))
            folded, sort_key = _name_keys(name)
            person_id = self.w.add(
                Person,
                {
                    "full_name": name,
                    "name_folded": folded,
                    "sort_key": sort_key,
                    "sex": Sex.FEMALE if female else Sex.MALE,
                    "birth_date": birth_date,
                    "birth_year": birth_year,
                    "hamlet": self.hamlet,
                    "phone": f"09{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.6 else "",
                    "has_disability": rng.random() < 0.06,
                    "lives_alone": age > 70 and rng.random() < 0.15,
                    "receives_home_care": age > 75 and rng.random() < 0.3,
                    "is_home_care_volunteer": age < 70 and rng.random() < 0.2,
                },
                at=_moment(joined),
            )
            member = Member(
                id=person_id,
                name=name,
                sex=Sex.FEMALE if female else Sex.MALE,
                joined=joined,
                left=left,
                borrows=rng.random() < 0.55,
                volunteer=age < 70 and rng.random() < 0.25,
                cared_for=age > 75 and rng.random() < 0.3,
            )
            self.members.append(member)
            reason = rng.choice([LeaveReason.DIED, LeaveReason.MOVED, LeaveReason.WITHDREW]) if left else ""
            membership = self.w.add(
                Membership,
                {
                    "person_id": person_id,
                    "club_id": self.club_id,
                    "joined_on": joined,
                    "left_on": left,
                    "leave_reason": reason,
                },
                at=_moment(joined),
            )
            if self.full_audit:
                self.audit("members.person.created", Person, person_id, name, joined, {"club": self.code})
                self.audit("members.membership.started", Membership, membership, name, joined, {"club": self.code})
                if left:
                    self.audit("members.membership.ended", Membership, membership, name, left, {"reason": reason})
            self._household(person_id, joined)

    def _household(self, person_id: int, joined: D) -> None:
        """Reviewed each January: most stay, some climb out of poverty, a few fall back."""
        rng = self.rng
        status = rng.choices([EconomicStatus.POOR, EconomicStatus.NEAR_POOR, EconomicStatus.OTHER], [15, 17, 68])[0]
        year = joined.year
        self.w.add(HouseholdStatus, {"person_id": person_id, "status": status, "valid_from": D(year, 1, 1)})
        for review in range(year + 1, self.today.year + 1):
            if rng.random() < 0.15:
                ladder = [EconomicStatus.POOR, EconomicStatus.NEAR_POOR, EconomicStatus.OTHER]
                step = 1 if rng.random() < 0.8 else -1
                new = ladder[max(0, min(2, ladder.index(status) + step))]
                if new != status:
                    status = new
                    self.w.add(
                        HouseholdStatus,
                        {"person_id": person_id, "status": status, "valid_from": D(review, 1, 1), "note": "Rà soát"},
                    )

    def _later_day(self, start: D, at_least: int) -> D:
        span = (self.today - start).days - at_least
        return start + datetime.timedelta(days=at_least + self.rng.randint(0, max(0, span)))

    # --- board and teams ----------------------------------------------------------------------

    def _board_and_teams(self) -> None:
        rng, launch = self.rng, self.launch
        assert launch is not None
        stayers = [member for member in self.members if member.left is None and member.joined == launch]
        holders = rng.sample(stayers, min(len(BOARD) + 1, len(stayers)))
        for title, holder in zip(BOARD, holders, strict=False):
            ended = None
            if title == BoardTitle.CHAIR and rng.random() < 0.1 and len(holders) > len(BOARD):
                ended = self._later_day(launch, 90)
                successor = holders[len(BOARD)]
                self._seat(title, successor, ended, None)
            self._seat(title, holder, launch, ended)
        for area, name in TEAMS:
            leader = rng.choice(stayers)
            team_id = self.w.add(
                Team,
                {
                    "club_id": self.club_id,
                    "name": name,
                    "activity_area": area,
                    "leader_id": leader.id,
                    "started_on": launch,
                },
                at=_moment(launch),
            )
            if self.full_audit:
                self.audit("clubs.team.created", Team, team_id, f"{name} — {self.name}", launch, {"name": name})
            for member in self.members:
                role = self._team_role(area, member)
                if role is None:
                    continue
                self.w.add(
                    TeamMembership,
                    {
                        "team_id": team_id,
                        "person_id": member.id,
                        "role": role,
                        "started_on": member.joined,
                        "ended_on": member.left,
                    },
                    at=_moment(member.joined),
                )

    def _team_role(self, area: str, member: Member) -> str | None:
        if area == ActivityArea.HOME_CARE:
            if member.volunteer:
                return TeamMemberRole.VOLUNTEER
            return TeamMemberRole.CARED_FOR if member.cared_for else None
        return TeamMemberRole.MEMBER if self.rng.random() < 0.2 else None

    def _seat(self, title: str, holder: Member, start: D, end: D | None) -> None:
        pk = self.w.add(
            BoardPosition,
            {"club_id": self.club_id, "holder_id": holder.id, "title": title, "started_on": start, "ended_on": end},
            at=_moment(start),
        )
        self.audit("clubs.board_position.started", BoardPosition, pk, holder.name, start, {"title": title})

    # --- money ----------------------------------------------------------------------------------

    def meeting_in(self, month: D) -> D:
        return day_in_month(month, self.meeting_day or 31)

    def entry(self, kind: str, entry_type: str, amount: int, day: D, **fields: Any) -> int:
        direction = fields.pop("direction", 1 if entry_type in MONEY_IN else -1)
        pk = self.w.add(
            FundEntry,
            {
                "fund_id": self.funds[kind],
                "entry_type": entry_type,
                "direction": direction,
                "amount": amount,
                "entry_date": day,
                **fields,
            },
            at=_moment(day, 11),
        )
        self.balance[kind] += direction * amount
        row = EntryRow(self.funds[kind], entry_type, fields.get("source", ""), amount, direction, day)
        self.entries[pk] = row
        corrected = self.entries[fields["corrects_id"]] if "corrects_id" in fields else None
        months.add_entry(self.month_totals, row, corrected)
        if self.full_audit:
            self.audit(
                "funds.entry.recorded",
                FundEntry,
                pk,
                f"{entry_type} {amount} — {day:%d/%m/%Y}",
                day,
                {"club": self.code, "fund": kind, "type": entry_type, "amount": amount, "date": day.isoformat()},
            )
        return pk

    def contribution(self, kind: str, amount: int, day: D, source: str, **fields: Any) -> None:
        pk = self.entry(kind, EntryType.CONTRIBUTION, amount, day, source=source, **fields)
        self.ordinary.append((pk, kind, 1, amount, day))

    def _money(self) -> None:
        rng, launch = self.rng, self.launch
        assert launch is not None
        self.rules = self._loan_rules(launch)
        self.loans: list[LoanState] = []
        seed_capital = rng.randrange(50_000_000, 150_000_000, 1_000_000)
        self.contribution(
            FundKind.INCOME,
            seed_capital,
            launch,
            rng.choice([CapitalSource.CARE_FUND, CapitalSource.DONOR, CapitalSource.LOCAL_BUDGET]),
            contributor="Hội NCT xã",
            description="Vốn ban đầu",
        )
        founders = sum(1 for member in self.members if member.joined == launch)
        self.contribution(
            FundKind.INCOME, founders * 200_000, launch, CapitalSource.MEMBERS, description="Góp vốn ban đầu"
        )
        self.per_member = rng.random() < 0.15  # clubs using the meeting's contributions sheet
        month = month_start(launch)
        while month <= self.today:
            meeting = self.meeting_in(month)
            if launch <= meeting <= self.today:
                self._month(meeting)
            month = add_months(month, 1)
        for loan in self.loans:
            self._write_loan(loan)

    def _loan_rules(self, launch: D) -> dict[str, Any]:
        rng = self.rng
        rules = {
            "max_amount": rng.choice([10_000_000, 15_000_000, 20_000_000]),
            "max_term_months": rng.choice([12, 18, 24]),
            "monthly_rate": rng.choice([Decimal("0.5"), Decimal("0.6"), Decimal("0.8"), Decimal("1")]),
            "method": InterestMethod.DECLINING if rng.random() < 0.4 else InterestMethod.FLAT,
            "frequency": RepaymentFrequency.AT_END if rng.random() < 0.2 else RepaymentFrequency.MONTHLY,
            "grace_days": rng.choice([0, 5, 10]),
        }
        pk = self.w.add(LoanRules, {"club_id": self.club_id, "effective_from": launch, **rules}, at=_moment(launch))
        self.audit("loans.rules.recorded", LoanRules, pk, self.name, launch, {"max_amount": rules["max_amount"]})
        return {"id": pk, **rules}

    def _month(self, meeting: D) -> None:
        rng = self.rng
        active = self.active_on(meeting)
        present = [member for member in self.members if member.active_on(meeting)]
        if active:
            for kind in (FundKind.INCOME, FundKind.ACTIVITY):
                usual = 30_000 if kind == FundKind.INCOME else 10_000
                if self.per_member:
                    for member in present:
                        if rng.random() < 0.9:
                            self.contribution(
                                kind,
                                usual,
                                meeting,
                                CapitalSource.MEMBERS,
                                contributor=member.name,
                                member_id=member.id,
                            )
                elif present:
                    self.contribution(
                        kind,
                        usual * len(present),
                        meeting,
                        CapitalSource.MEMBERS,
                        description=f"Đóng góp tháng {meeting:%m/%Y}",
                    )
            if rng.random() < 0.2:
                kind = rng.choice([FundKind.INCOME, FundKind.ACTIVITY])
                self.contribution(
                    kind,
                    rng.randrange(1_000_000, 10_000_000, 500_000),
                    meeting,
                    rng.choice(SOURCES_OTHER),
                    contributor="Nhà hảo tâm",
                )
        self._repayments(meeting, paying=active)
        if active:
            self._lend(meeting, present)
            self._spend(meeting)
        self._corrections(meeting)

    def _spend(self, meeting: D) -> None:
        for _ in range(self.rng.randint(0, 2)):
            day = min(self.today, meeting + datetime.timedelta(days=self.rng.randint(0, 6)))
            amount = self.rng.randrange(200_000, 2_000_000, 100_000)
            if self.balance[FundKind.ACTIVITY] >= amount:
                pk = self.entry(
                    FundKind.ACTIVITY, EntryType.SPENDING, amount, day, description=self.rng.choice(SPENDING)
                )
                self.ordinary.append((pk, FundKind.ACTIVITY, -1, amount, day))

    def _corrections(self, meeting: D) -> None:
        """About 1 % of the month's ordinary entries reversed a few days later (funds.services._reverse)."""
        entries, self.ordinary = self.ordinary, []
        for pk, kind, direction, amount, day in entries:
            if self.rng.random() >= 0.01:
                continue
            corrected_on = min(self.today, day + datetime.timedelta(days=self.rng.randint(0, 5)))
            if -direction < 0 and self.balance[kind] < amount:
                continue
            self.entry(
                kind,
                EntryType.CORRECTION,
                amount,
                corrected_on,
                direction=-direction,
                corrects_id=pk,
                description="Ghi nhầm số tiền",
            )

    # --- loans ----------------------------------------------------------------------------------

    def _lend(self, meeting: D, present: list[Member]) -> None:
        rng, rules = self.rng, self.rules
        for member in present:
            if member.has_loan or not member.borrows or (meeting - member.joined).days < 25:
                continue
            if member.last_loan_closed and rng.random() > 0.5:
                continue
            if rng.random() > 0.12:
                continue
            amount = rng.choice([amount for amount in LOAN_AMOUNTS if amount <= rules["max_amount"]])
            if self.balance[FundKind.INCOME] - amount < 2_000_000:
                return
            applied = max(member.joined, meeting - datetime.timedelta(days=rng.randint(5, 20)))
            if member.last_loan_closed:
                applied = max(applied, member.last_loan_closed)
            decided = min(meeting, applied + datetime.timedelta(days=rng.randint(0, 5)))
            loan = LoanState(
                id=self.w.reserve(Loan),
                borrower=member,
                cycle=member.loans + 1,
                amount=amount,
                term=rng.choice([t for t in (6, 10, 12, 18, 24) if t <= rules["max_term_months"]]),
                applied_on=applied,
                decided_on=decided,
                disbursed_on=None,
                status=LoanStatus.APPROVED,
                behaviour=rng.choices([b for b, _ in BEHAVIOURS], [w for _, w in BEHAVIOURS])[0],
            )
            self.loans.append(loan)
            if rng.random() < 0.03:
                loan.status = LoanStatus.REJECTED
                continue
            member.has_loan = True
            if meeting > self.today - datetime.timedelta(days=10) and rng.random() < 0.3:
                # Applied for lately: decided, or not yet, and not paid out by "today".
                if rng.random() < 0.5:
                    loan.status, loan.decided_on = LoanStatus.APPLIED, None
                continue
            self._disburse(loan, meeting)

    def _disburse(self, loan: LoanState, day: D) -> None:
        rules = self.rules
        loan.status, loan.disbursed_on = LoanStatus.DISBURSED, day
        loan.borrower.loans += 1
        meeting_day = self.meeting_day or day.day
        schedule = build_schedule(
            amount=loan.amount,
            term_months=loan.term,
            monthly_rate=rules["monthly_rate"],
            method=rules["method"],
            frequency=rules["frequency"],
            first_due_on=first_due_date(disbursed_on=day, meeting_day=meeting_day),
            meeting_day=meeting_day,
        )
        self._add_parts(loan, schedule)
        loan.stop_after = self.rng.randint(1, max(1, loan.term - 2))
        self.entry(
            FundKind.INCOME, EntryType.DISBURSEMENT, loan.amount, day, loan_id=loan.id, description=loan.borrower.name
        )

    def _add_parts(self, loan: LoanState, schedule: list[Any]) -> None:
        for part in schedule:
            loan.parts.append(
                ScheduledPart(
                    self.w.reserve(Instalment),
                    part.number,
                    part.due_on,
                    self.rules["grace_days"],
                    part.principal,
                    part.interest,
                )
            )

    def _repayments(self, meeting: D, *, paying: bool) -> None:
        for loan in self.loans:
            if loan.status != LoanStatus.DISBURSED or loan.disbursed_on is None or loan.disbursed_on >= meeting:
                continue
            states = loan.states()
            overdue = [state for state in states if state.left and state.instalment.due_on < meeting]
            if loan.behaviour == "stops" and len(self._repayments_of(loan)) >= loan.stop_after:
                if (
                    paying
                    and overdue
                    and (meeting - overdue[0].instalment.due_on).days > 180
                    and self.rng.random() < 0.3
                ):
                    self._write_off(loan, states, meeting)
                continue
            if loan.behaviour == "rescheduled" and len(overdue) >= 2 and paying:
                self._reschedule(loan, states, meeting)
                loan.behaviour = "good"
                continue
            if not paying:
                continue
            if loan.behaviour == "rescheduled" and self.rng.random() < 0.6:
                continue  # missing payments until the board reschedules
            if loan.behaviour == "late" and self.rng.random() < 0.35:
                continue
            due = sum(state.left for state in states if state.instalment.due_on <= meeting)
            if loan.behaviour == "early" and len(self._repayments_of(loan)) >= 2 and self.rng.random() < 0.3:
                due = payoff(states, meeting)
            if due:
                self._repay(loan, states, due, meeting)

    def _repayments_of(self, loan: LoanState) -> list[int]:
        return self.repaid.setdefault(loan.id, [])

    def _repay(self, loan: LoanState, states: list[InstalmentState], amount: int, day: D) -> None:
        """loans.services.repayments.repayment_record, row for row."""
        split, closes_early = allocate(states, amount, day)
        principal = sum(parts[0] for parts in split.values())
        interest = sum(parts[1] for parts in split.values())
        repayment = self.w.add(
            Repayment,
            {
                "loan_id": loan.id,
                "paid_on": day,
                "amount": amount,
                "principal": principal,
                "interest": interest,
                "closed_loan_early": closes_early,
            },
            at=_moment(day, 10),
        )
        self._repayments_of(loan).append(repayment)
        for instalment, parts in split.items():
            part = cast(ScheduledPart, instalment)
            part.paid[0] += parts[0]
            part.paid[1] += parts[1]
            part.payments.append((day, parts[0] + parts[1]))
            self.w.add(
                Allocation,
                {"repayment_id": repayment, "instalment_id": part.id, "principal": parts[0], "interest": parts[1]},
            )
        for entry_type, value in ((EntryType.PRINCIPAL, principal), (EntryType.INTEREST, interest)):
            if value:
                self.entry(
                    FundKind.INCOME,
                    entry_type,
                    value,
                    day,
                    loan_id=loan.id,
                    repayment_id=repayment,
                    description=loan.borrower.name,
                )
        if closes_early:
            for part in loan.parts:
                if part.cancelled_on is None and part.due_on > day:
                    part.cancelled_on = day
        if all(state.left == 0 for state in states) or closes_early:
            self._close(loan, LoanStatus.REPAID, day)
        if self.full_audit:
            self.audit(
                "loans.repayment.recorded",
                Loan,
                loan.id,
                loan.borrower.name,
                day,
                {"repayment": repayment, "amount": amount, "principal": principal, "interest": interest},
            )

    def _close(self, loan: LoanState, status: str, day: D) -> None:
        loan.status, loan.closed_on = status, day
        loan.borrower.has_loan, loan.borrower.last_loan_closed = False, day

    def _write_off(self, loan: LoanState, states: list[InstalmentState], day: D) -> None:
        """loans.services.workouts.loan_write_off."""
        loan.written_off = outstanding_principal(states)
        for state in states:
            if state.left:
                cast(ScheduledPart, state.instalment).cancelled_on = day
        self._close(loan, LoanStatus.WRITTEN_OFF, day)
        self.audit("loans.loan.written_off", Loan, loan.id, loan.borrower.name, day, {"principal": loan.written_off})

    def _reschedule(self, loan: LoanState, states: list[InstalmentState], day: D) -> None:
        """loans.services.workouts.loan_reschedule."""
        principal = outstanding_principal(states)
        interest_carried = sum(state.interest_left for state in states if state.instalment.due_on <= day)
        open_parts = [cast(ScheduledPart, state.instalment) for state in states if state.left]
        for part in open_parts:
            part.cancelled_on = day
        term = min(len(open_parts) + 3, 120)
        first_due_on = day_in_month(add_months(day, 1), self.meeting_day or day.day)
        last_number = loan.parts[-1].number
        schedule = build_schedule(
            amount=principal,
            term_months=term,
            monthly_rate=self.rules["monthly_rate"],
            method=self.rules["method"],
            frequency=self.rules["frequency"],
            first_due_on=first_due_on,
            meeting_day=self.meeting_day or first_due_on.day,
            first_number=last_number + 1,
        )
        first_new = len(loan.parts)
        self._add_parts(loan, schedule)
        loan.parts[first_new].interest_due += interest_carried
        pk = self.w.add(
            Rescheduling,
            {
                "loan_id": loan.id,
                "rescheduled_on": day,
                "term_months": term,
                "first_due_on": first_due_on,
                "principal": principal,
                "interest_carried": interest_carried,
                "reason": "Gia đình gặp khó khăn",
                "decision_reference": f"Biên bản họp BCN {day:%d/%m/%Y}",
            },
            at=_moment(day),
        )
        self.audit("loans.loan.rescheduled", Rescheduling, pk, loan.borrower.name, day, {"principal": principal})

    def _write_loan(self, loan: LoanState) -> None:
        rules = self.rules
        decided = loan.status != LoanStatus.APPLIED
        self.w.add(
            Loan,
            {
                "id": loan.id,
                "club_id": self.club_id,
                "borrower_id": loan.borrower.id,
                "cycle": loan.cycle,
                "purpose": self.rng.choice(LoanPurpose.values),
                "amount": loan.amount,
                "term_months": loan.term,
                "monthly_rate": rules["monthly_rate"],
                "method": rules["method"],
                "frequency": rules["frequency"],
                "grace_days": rules["grace_days"],
                "rules_id": rules["id"],
                "status": loan.status,
                "applied_on": loan.applied_on,
                "decided_on": loan.decided_on,
                "decision_body": DecisionBody.BOARD if decided else "",
                "decision_reference": f"Biên bản họp {loan.decided_on:%d/%m/%Y}" if loan.decided_on else "",
                "rejection_reason": "Chưa đủ điều kiện" if loan.status == LoanStatus.REJECTED else "",
                "disbursed_on": loan.disbursed_on,
                "closed_on": loan.closed_on,
                "write_off_reason": "Thành viên qua đời" if loan.written_off else "",
                "write_off_reference": "Quyết định BCN" if loan.status == LoanStatus.WRITTEN_OFF else "",
                "written_off_amount": loan.written_off,
            },
            at=_moment(loan.applied_on),
        )
        if self.full_audit:
            self.audit(
                "loans.loan.applied", Loan, loan.id, loan.borrower.name, loan.applied_on, {"amount": loan.amount}
            )
        if loan.disbursed_on:
            self.audit(
                "loans.loan.disbursed",
                Loan,
                loan.id,
                loan.borrower.name,
                loan.disbursed_on,
                {"disbursed_on": loan.disbursed_on.isoformat(), "instalments": loan.term},
            )
        for part in loan.parts:
            self.w.add(
                Instalment,
                {
                    "id": part.id,
                    "loan_id": loan.id,
                    "number": part.number,
                    "due_on": part.due_on,
                    "late_after": part.late_after,
                    "principal_due": part.principal_due,
                    "interest_due": part.interest_due,
                    "cancelled_on": part.cancelled_on,
                    "settled_on": settled_on(
                        due=part.principal_due + part.interest_due, due_on=part.due_on, payments=part.payments
                    ),
                },
            )

    # --- monthly reports -----------------------------------------------------------------------

    def _reports(self) -> None:
        assert self.launch is not None
        codes = field_codes()
        month = month_start(self.launch)
        while month <= month_start(self.today):
            if self.active_on(month_start(month)) or self.active_on(month_end(month)):
                self._report(month, codes)
            month = add_months(month, 1)

    def _report(self, month: D, codes: dict[str, list[str]]) -> None:
        rng, today = self.rng, self.today
        deadline = report_deadline(month)
        meeting = self.meeting_in(month)
        if meeting > today:
            return
        if deadline < today:
            status = rng.choices(
                [None, ReportStatus.ACCEPTED, ReportStatus.RETURNED, ReportStatus.SUBMITTED, ReportStatus.DRAFT],
                [7, 82, 4, 3, 4],
            )[0]
        else:
            status = rng.choice([None, ReportStatus.DRAFT, ReportStatus.SUBMITTED])
        if status is None:
            return
        started = meeting
        late = rng.random() < 0.12
        submitted: D | None = (
            deadline + datetime.timedelta(days=rng.randint(1, 25))
            if late
            else max(meeting, deadline - datetime.timedelta(days=rng.randint(0, 9)))
        )
        if status == ReportStatus.DRAFT or (submitted is not None and submitted > today):
            status, submitted = ReportStatus.DRAFT, None
        present = [member for member in self.members if member.active_on(month_end(month))]
        report_id = self.w.reserve(MonthlyReport)
        events: list[tuple[str, datetime.datetime, str]] = [
            (ReportAction.STARTED, _moment(started, 19), ""),
            (ReportAction.SAVED, _moment(started, 20), ""),
        ]
        first_submitted_at = submitted_at = accepted_at = None
        comment = ""
        if submitted is not None:
            first_submitted_at = submitted_at = _moment(submitted, 20, 30)
            events.append((ReportAction.SUBMITTED, submitted_at, ""))
            review = min(today, submitted + datetime.timedelta(days=rng.randint(1, 10)))
            if status == ReportStatus.RETURNED or (status == ReportStatus.ACCEPTED and rng.random() < 0.05):
                comment = "Đề nghị kiểm tra lại số liệu chăm sóc sức khỏe"
                events.append((ReportAction.RETURNED, _moment(review, 8), comment))
                if status == ReportStatus.ACCEPTED:
                    again = review
                    events.append((ReportAction.SAVED, _moment(again, 19), ""))
                    submitted_at = _moment(again, 20)
                    events.append((ReportAction.SUBMITTED, submitted_at, ""))
                    comment = comment if status == ReportStatus.RETURNED else ""
            if status == ReportStatus.ACCEPTED:
                accepted_at = _moment(review, 15)
                events.append((ReportAction.ACCEPTED, accepted_at, ""))
        self.w.add(
            MonthlyReport,
            {
                "id": report_id,
                "club_id": self.club_id,
                "month": month,
                "status": status,
                "meeting_date": meeting,
                "members_present": round(len(present) * rng.uniform(0.6, 0.95)),
                "meeting_topics": "Sinh hoạt định kỳ, thu góp quỹ, thu hồi vốn vay",
                "field_codes": codes,
                "version": len(events) - 1,
                "staff_comment": comment if status == ReportStatus.RETURNED else "",
                "first_submitted_at": first_submitted_at,
                "submitted_at": submitted_at,
                "accepted_at": accepted_at,
            },
            at=events[-1][1],
        )
        filled = status != ReportStatus.DRAFT
        for area in ActivityArea:
            if not filled and rng.random() < 0.5:
                self.w.add(AreaSection, {"report_id": report_id, "area": area})
                continue
            no_activity = area in (ActivityArea.RIGHTS, ActivityArea.INCOME) and rng.random() < 0.3
            values = {} if no_activity else self._figures(area, len(present))
            self.w.add(
                AreaSection, {"report_id": report_id, "area": area, "no_activity": no_activity, "values": values}
            )
        for version, (action, at, text) in enumerate(events):
            self.w.add(
                ReportEvent,
                {"report_id": report_id, "action": action, "at": at, "comment": text, "version": version},
            )
            if action != ReportAction.SAVED:
                self.w.add(
                    AuditEntry,
                    {
                        "action": f"activities.report.{action}",
                        "target_type": MonthlyReport._meta.label_lower,
                        "target_id": str(report_id),
                        "target_repr": f"{self.name} — {month:%m/%Y}"[:255],
                        "target_folded": fold(f"{self.name} — {month:%m/%Y}")[:255],
                        "club_id": self.club_id,
                        "data": {"club": self.code, "month": month.isoformat(), "comment": text},
                        "created_at": at,
                    },
                )

    def _figures(self, area: str, members: int) -> dict[str, int]:
        rng = self.rng
        figures = {}
        for field in AREA_FIELDS[ActivityArea(area)]:
            if field.kind == FieldKind.PEOPLE:
                value = rng.randint(0, max(0, members // 3))
            elif field.kind == FieldKind.MONEY:
                value = rng.randrange(0, 3_000_000, 50_000)
            else:
                value = rng.randint(0, 4)
            figures[field.code] = value
        if area == ActivityArea.HOME_CARE:
            figures["people_cared_for"] = min(figures["people_cared_for"], 2)
            figures["visits"] = min(figures["visits"], 31 * figures["volunteers_active"])
        return figures


def _club_names(existing: set[tuple[int, str]]) -> Callable[[random.Random, int], tuple[str, str]]:
    """A club's name and hamlet, unique in its unit (Club's constraint on the folded name)."""

    def name_for(rng: random.Random, unit_id: int) -> tuple[str, str]:
        hamlet = f"thôn {rng.choice(HAMLET_WORDS)}"
        candidate, number = hamlet, 1
        while (unit_id, fold(f"CLB Liên thế hệ tự giúp nhau {candidate}")) in existing:
            number += 1
            candidate = f"{hamlet} {number}"
        name = f"CLB Liên thế hệ tự giúp nhau {candidate}"
        existing.add((unit_id, fold(name)))
        return name, candidate

    return name_for


def generate(options: ScaleOptions, *, progress: Callable[[str], None] | None = None) -> Counter[str]:
    """Write `options.clubs` clubs and everything they hold; returns the rows written per table."""
    area_map = Map(options.seed)
    if not area_map:
        raise ValueError("No map is loaded: no unit can host a club.")
    now = _moment(options.today, 12)
    writer = RowWriter(TABLES, now=now)
    first = next_club_number()
    existing = set(Club.objects.values_list("unit_id", "name_folded"))
    names = _club_names(existing)
    started = time.monotonic()
    rows = 0
    with writer.bulk_load(fresh=not existing):
        for chunk in _chunks(range(first, first + options.clubs), CHUNK_CLUBS):
            with transaction.atomic():
                for number in chunk:
                    builder = ClubBuilder(writer, options, number)
                    scheme, unit_id = area_map.unit_for(builder.decided)
                    name, hamlet = names(builder.rng, unit_id)
                    builder.build(scheme=scheme, unit_id=unit_id, name=name, hamlet=hamlet, lineage=area_map.lineage)
                rows += writer.flush()
            if progress:
                done = chunk[-1] - first + 1
                elapsed = time.monotonic() - started
                rate = rows / elapsed if elapsed else 0.0
                eta = elapsed / done * (options.clubs - done)
                progress(f"{done}/{options.clubs} clubs, {rows} rows, {rate:,.0f} rows/s, ETA {eta:,.0f} s")
    writer.finish()
    return writer.written


def _chunks(numbers: range, size: int) -> Iterator[range]:
    for start in range(0, len(numbers), size):
        yield numbers[start : start + size]
