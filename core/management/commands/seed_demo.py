"""Demo data for a first look: Quảng Ngãi's units, the ten clubs of 24/11/2022 and one user per role.

Idempotent: a second run adds nothing. Passwords are random and printed only when a user is
created (or with --reset-passwords).
"""

import datetime
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import BoardTitle, Role, RoleAssignment, User
from areas.models import AdminScheme, AdminUnit
from areas.services import admin_units_load
from areas.unit_files import read_unit_file
from clubs.models import Club
from clubs.services import club_create
from core.demo import CLUBS, demo_members
from core.text import fold
from members.models import Membership
from members.services import member_join

UNITS_FILE = Path(settings.BASE_DIR) / "data" / "quang_ngai_2020_2024_units.csv"
SCHEME = "vn-2020"
D = datetime.date

# username, full name, role, unit code or club name, board title
USERS = [
    ("tinh", "Cán bộ Hội NCT tỉnh", Role.PROVINCE_STAFF, settings.PROVINCE_CODE, ""),
    ("tp_quangngai", "Cán bộ Hội NCT TP Quảng Ngãi", Role.AREA_STAFF, "522", ""),
    ("xa_binhhiep", "Cán bộ Hội NCT xã Bình Hiệp", Role.AREA_STAFF, "21103", ""),
    ("chunhiem_lientritay", "Chủ nhiệm CLB thôn Liên Trì Tây", Role.CLUB_BOARD, CLUBS[0][1], BoardTitle.CHAIR),
]


class Command(BaseCommand):
    help = "Load Quảng Ngãi's administrative units, the demo clubs and one demo user per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true", help="give every demo user a new password")

    def handle(self, *args, reset_passwords, **options):
        with UNITS_FILE.open(encoding="utf-8") as stream:
            unit_file = read_unit_file(stream)
        result = admin_units_load(
            scheme=AdminScheme.objects.get(code=SCHEME),
            province_code=settings.PROVINCE_CODE,
            province_name=settings.PROVINCE_NAME,
            unit_file=unit_file,
        )
        self.stdout.write(f"Administrative units: {result.created} created, {result.unchanged} already there.")
        with transaction.atomic():
            created_clubs = self._clubs()
            created_members = self._members()
            logins = self._users(reset_passwords=reset_passwords)
        self.stdout.write(f"Demo clubs: {created_clubs} created, {len(CLUBS) - created_clubs} already there.")
        self.stdout.write(f"Demo members: {created_members} created.")
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

    def _users(self, *, reset_passwords: bool) -> list[tuple[str, str, str]]:
        logins = []
        for username, full_name, role, scope, title in [*USERS, ("quantri", "Quản trị hệ thống", None, None, "")]:
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if role is None and created:
                user.is_staff = user.is_superuser = True
            if created or reset_passwords:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
                user.save()
                logins.append((username, password, Role(role).label if role else "admin (superuser)"))
            if role is not None and not user.role_assignments.exists():
                assignment = RoleAssignment(user=user, role=role, title=title, valid_from=D(2020, 2, 1))
                if role == Role.CLUB_BOARD:
                    assignment.club = Club.objects.get(name=scope)
                else:
                    assignment.area = AdminUnit.objects.get(scheme__code=SCHEME, code=scope)
                assignment.full_clean()
                assignment.save()
        return logins
