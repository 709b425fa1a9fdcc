"""Demo data for a first look: Quảng Ngãi's units, the ten clubs of 24/11/2022, the province's
2022–2025 target plan and one user per role.

`--scenario quang-ngai-2022` (the default and, so far, the only scenario) is the province on
24/11/2022 (docs/domain.md §7, demo/scenario.py). Idempotent: a second run adds nothing. With
`--unless-data` (what `make run` uses) nothing but the administrative units is loaded into a
database that already holds clubs. Passwords are random and printed only when a user is created
(or with --reset-passwords). Demo logins have no place on a live site: with DEBUG off the command
refuses to run unless given --force.
"""

import datetime
import secrets
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import BoardTitle, Role, RoleAssignment, User
from areas.models import AdminScheme, AdminUnit
from areas.services import admin_units_load
from areas.unit_files import read_unit_file
from boards.models import BoardPosition, TeamMemberRole
from boards.services import board_position_start, team_create, team_member_add
from clubs.models import ActivityArea, Club
from clubs.services.register import club_create
from core.dates import add_months
from core.text import fold
from demo.plans import QUANG_NGAI_2022_2025, seed_plan
from demo.scenario import CLUBS, DEMO_LOAN_RULES, DEMO_LOANS, demo_members, initial_capital_record
from loans import services as loan_services
from loans.models import DecisionBody, LoanPurpose, LoanRules
from members.models import Membership
from members.services import member_join

UNITS_FILE = Path(settings.BASE_DIR) / "data" / "quang_ngai_2020_2024_units.csv"
SCHEME = "vn-2020"
SCENARIOS = ["quang-ngai-2022"]
D = datetime.date

CHAIR_USERNAME = "chunhiem_lientritay"
BOARD_TITLES = [BoardTitle.CHAIR, BoardTitle.VICE_CHAIR, BoardTitle.ACCOUNTANT, BoardTitle.TREASURER, BoardTitle.MEMBER]
TEAM_NAMES = {
    ActivityArea.INCOME: "Tổ tăng thu nhập",
    ActivityArea.HEALTH: "Tổ chăm sóc sức khỏe",
    ActivityArea.HOME_CARE: "Tổ tình nguyện viên chăm sóc tại nhà",
    ActivityArea.SELF_HELP: "Tổ tự giúp nhau",
    ActivityArea.RIGHTS: "Tổ bảo vệ quyền lợi",
    ActivityArea.LEARNING: "Nhóm học tập",
    ActivityArea.CULTURE: "Đội văn nghệ",
    ActivityArea.RESOURCES: "Tổ vận động nguồn lực",
}
LOGIN_ROLES = {CHAIR_USERNAME: "club board (chair, from her board position)", "quantri": "admin (superuser)"}

# username, full name, role, unit code or club name, board title
USERS = [
    ("tinh", "Cán bộ Hội NCT tỉnh", Role.PROVINCE_STAFF, settings.PROVINCE_CODE, ""),
    ("tp_quangngai", "Cán bộ Hội NCT TP Quảng Ngãi", Role.AREA_STAFF, "522", ""),
    ("xa_binhhiep", "Cán bộ Hội NCT xã Bình Hiệp", Role.AREA_STAFF, "21103", ""),
    # The chair's role comes from her board position (see _boards_and_teams), not from here.
    (CHAIR_USERNAME, "Chủ nhiệm CLB thôn Liên Trì Tây", None, None, ""),
]


class Command(BaseCommand):
    help = "Load Quảng Ngãi's administrative units, the demo clubs and one demo user per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scenario",
            choices=SCENARIOS,
            default=SCENARIOS[0],
            help="the data set to load: quang-ngai-2022 is Quảng Ngãi on 24/11/2022",
        )
        parser.add_argument(
            "--unless-data", action="store_true", help="load nothing but the units when the database has clubs"
        )
        parser.add_argument("--reset-passwords", action="store_true", help="give every demo user a new password")
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off (never on a live site)")

    def handle(self, *args, scenario, unless_data, reset_passwords, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a live site, and the demo data brings logins with known "
                "roles. Nothing was loaded. Use --force to load it anyway (a test or training server)."
            )
        with UNITS_FILE.open(encoding="utf-8") as stream:
            unit_file = read_unit_file(stream)
        result = admin_units_load(
            scheme=AdminScheme.objects.get(code=SCHEME),
            province_code=settings.PROVINCE_CODE,
            province_name=settings.PROVINCE_NAME,
            unit_file=unit_file,
        )
        self.stdout.write(f"Administrative units: {result.created} created, {result.unchanged} already there.")
        if unless_data and Club.objects.exists():
            self.stdout.write("The database already holds clubs: no demo data loaded.")
            return
        with transaction.atomic():
            created_clubs = self._clubs()
            created_members = self._members()
            logins = self._users(reset_passwords=reset_passwords)
            boards = self._boards_and_teams()
            funded = self._capital_and_loans()
            plan = seed_plan(QUANG_NGAI_2022_2025)
        self.stdout.write(f"Demo clubs: {created_clubs} created, {len(CLUBS) - created_clubs} already there.")
        self.stdout.write(f"Demo members: {created_members} created.")
        self.stdout.write(f"Demo boards and teams: {boards} clubs given a board and teams.")
        self.stdout.write(f"Demo funds and loans: {funded} clubs given their capital, loan rules and loans.")
        self.stdout.write(f"Target plan: {plan} ({plan.code}).")
        if logins:
            self.stdout.write(self.style.SUCCESS("Demo logins (shown once, keep them):"))
            for username, password, role in logins:
                self.stdout.write(f"  {username:<22} {password:<20} {role}")
        else:
            self.stdout.write(
                "Demo users already exist; their passwords were printed when they were created. "
                "`python manage.py seed_demo --reset-passwords` prints new ones."
            )

    def _clubs(self) -> int:
        units = {unit.code: unit for unit in AdminUnit.objects.filter(scheme__code=SCHEME)}
        created = 0
        for number, (unit_code, name, hamlets, decided, launched, meeting_day) in enumerate(CLUBS, start=1):
            unit = units[unit_code]
            if Club.objects.filter(unit=unit, name_folded=fold(name)).exists():
                continue
            club_create(
                actor=None,
                name=name,
                unit=unit,
                hamlets=hamlets,
                decision_number=f"{number:02d}/QĐ-UBND",
                decision_date=decided,
                decision_issuer=f"UBND {unit.name}",
                launch_date=launched,
                meeting_day=meeting_day,
            )
            created += 1
        return created

    def _members(self) -> int:
        """The members of the launched clubs, for clubs that have none yet."""
        created = 0
        for index, (unit_code, name, *_rest) in enumerate(CLUBS):
            club = Club.objects.get(unit__scheme__code=SCHEME, unit__code=unit_code, name_folded=fold(name))
            if club.launch_date is None or Membership.objects.filter(club=club).exists():
                continue
            for member in demo_members(index):
                member_join(
                    actor=None,
                    club=club,
                    joined_on=member.joined_on,
                    economic_status=member.economic_status,
                    status_from=member.joined_on.replace(month=1, day=1),
                    full_name=member.full_name,
                    sex=member.sex,
                    birth_year=member.birth_year,
                    hamlet=member.hamlet,
                )
                created += 1
        return created

    def _boards_and_teams(self) -> int:
        """docs/domain.md §7: seven boards of five (35 people) and 36 teams covering the eight areas."""
        done = 0
        areas = list(ActivityArea)
        for index, (unit_code, name, *_rest) in enumerate(CLUBS):
            club = Club.objects.get(unit__scheme__code=SCHEME, unit__code=unit_code, name_folded=fold(name))
            if club.launch_date is None or BoardPosition.objects.filter(club=club).exists():
                continue
            people = [m.person for m in Membership.objects.filter(club=club).select_related("person").order_by("pk")]
            for title, holder in zip(BOARD_TITLES, people, strict=False):
                chair_account = index == 0 and title == BoardTitle.CHAIR
                board_position_start(
                    actor=None,
                    club=club,
                    holder=holder,
                    title=title,
                    started_on=club.launch_date,
                    user=User.objects.get(username=CHAIR_USERNAME) if chair_account else None,
                )
            for number in range(6 if index == 0 else 5):
                area = areas[(index * 5 + number) % len(areas)]
                team = team_create(
                    actor=None,
                    club=club,
                    name=TEAM_NAMES[area],
                    activity_area=area,
                    started_on=club.launch_date,
                    leader=people[5 + number],
                )
                role = TeamMemberRole.VOLUNTEER if area == ActivityArea.HOME_CARE else TeamMemberRole.MEMBER
                for person in people[11 + number * 3 : 14 + number * 3]:
                    team_member_add(actor=None, team=team, person=person, role=role, started_on=club.launch_date)
            done += 1
        return done

    def _capital_and_loans(self) -> int:
        """The initial capital of docs/domain.md §7, every launched club's loan rules and a few loans."""
        done = 0
        for index, (unit_code, name, *_rest) in enumerate(CLUBS):
            club = Club.objects.get(unit__scheme__code=SCHEME, unit__code=unit_code, name_folded=fold(name))
            if club.launch_date is None or LoanRules.objects.filter(club=club).exists():
                continue
            initial_capital_record(club, index)
            loan_services.rules_record(
                actor=None,
                club=club,
                effective_from=club.launch_date,
                **{**DEMO_LOAN_RULES, "monthly_rate": Decimal(DEMO_LOAN_RULES["monthly_rate"])},
            )
            if index == 0:
                self._demo_loans(club)
            done += 1
        return done

    def _demo_loans(self, club: Club) -> None:
        """Loans disbursed at the last few meetings, repaid at each meeting since, two in arrears."""
        today = timezone.localdate()
        borrowers = [m.person for m in Membership.objects.filter(club=club).select_related("person").order_by("pk")]
        this_meeting = club.meeting_in(today)
        last_meeting = this_meeting if this_meeting <= today else club.meeting_in(add_months(today, -1))
        for number, (amount, term, months_ago, missed) in enumerate(DEMO_LOANS):
            disbursed_on = club.meeting_in(add_months(last_meeting, -months_ago))
            borrower = borrowers[20 + number]
            loan = loan_services.loan_apply(
                actor=None,
                club=club,
                borrower=borrower,
                amount=amount,
                term_months=term,
                purpose=LoanPurpose.LIVESTOCK if number % 2 else LoanPurpose.TRADE,
                applied_on=disbursed_on - datetime.timedelta(days=7),
            )
            loan_services.loan_approve(
                actor=None,
                loan=loan,
                decided_on=disbursed_on - datetime.timedelta(days=3),
                decision_body=DecisionBody.BOARD,
                decision_reference=f"Biên bản họp Ban chủ nhiệm {disbursed_on:%m/%Y}",
            )
            loan_services.loan_disburse(actor=None, loan=loan, disbursed_on=disbursed_on)
            paid = loan.instalments.filter(due_on__lte=last_meeting).order_by("number")[: months_ago - missed]
            for instalment in paid:
                loan_services.repayment_record(
                    actor=None, loan=loan, amount=instalment.amount_due, paid_on=instalment.due_on
                )

    def _users(self, *, reset_passwords: bool) -> list[tuple[str, str, str]]:
        logins = []
        for username, full_name, role, scope, title in [*USERS, ("quantri", "Quản trị hệ thống", None, None, "")]:
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if username == "quantri" and created:
                user.is_staff = user.is_superuser = True
            if created or reset_passwords:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save()
                logins.append((username, password, LOGIN_ROLES.get(username) or Role(role).label))
            if role is not None and not user.role_assignments.exists():
                assignment = RoleAssignment(user=user, role=role, title=title, valid_from=D(2020, 2, 1))
                if role == Role.CLUB_BOARD:
                    assignment.club = Club.objects.get(name=scope)
                else:
                    assignment.area = AdminUnit.objects.get(scheme__code=SCHEME, code=scope)
                assignment.full_clean()
                assignment.save()
        return logins
