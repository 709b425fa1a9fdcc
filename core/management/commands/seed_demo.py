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
from core.text import fold

UNITS_FILE = Path(settings.BASE_DIR) / "data" / "quang_ngai_2020_2024_units.csv"
SCHEME = "vn-2020"
D = datetime.date

# The seven active clubs of DOMAIN.md §7, and three decided but not launched (names invented
# for the demo). (unit code, name, hamlets, decision date, launch date, meeting day)
CLUBS = [
    (
        "21103",
        "CLB Liên thế hệ tự giúp nhau thôn Liên Trì Tây",
        ["Thôn Liên Trì Tây"],
        D(2022, 3, 10),
        D(2022, 4, 5),
        5,
    ),
    (
        "21223",
        "CLB Liên thế hệ tự giúp nhau liên thôn Cộng Hòa – Thống Nhất – Độc Lập",
        ["Thôn Cộng Hòa 1", "Thôn Cộng Hòa 2", "Thôn Thống Nhất", "Thôn Độc Lập"],
        D(2022, 3, 18),
        D(2022, 4, 20),
        20,
    ),
    (
        "21262",
        "CLB Liên thế hệ tự giúp nhau liên khu dân cư Tân An – Tân Mỹ",
        ["Khu dân cư số 8 thôn Tân An", "Khu dân cư số 9 thôn Tân Mỹ"],
        D(2022, 4, 1),
        D(2022, 5, 10),
        10,
    ),
    (
        "21238",
        "CLB Liên thế hệ tự giúp nhau thị trấn Sông Vệ",
        ["Tổ dân phố 2", "Tổ dân phố 3"],
        D(2022, 4, 12),
        D(2022, 5, 18),
        18,
    ),
    ("21400", "CLB Liên thế hệ tự giúp nhau tổ dân phố 1", ["Tổ dân phố 1"], D(2022, 5, 6), D(2022, 6, 8), 8),
    (
        "21460",
        "CLB Liên thế hệ tự giúp nhau liên thôn Vĩnh Bình",
        ["Thôn Vĩnh Bình"],
        D(2022, 5, 20),
        D(2022, 6, 25),
        25,
    ),
    (
        "21439",
        "CLB Liên thế hệ tự giúp nhau tổ dân phố 4 và 5",
        ["Tổ dân phố 4", "Tổ dân phố 5"],
        D(2022, 6, 2),
        D(2022, 7, 12),
        12,
    ),
    ("21367", "CLB Liên thế hệ tự giúp nhau thôn Phú Lâm Đông", ["Thôn Phú Lâm Đông"], D(2022, 10, 14), None, None),
    ("21211", "CLB Liên thế hệ tự giúp nhau thôn Khê Thọ", ["Thôn Khê Thọ"], D(2022, 10, 28), None, None),
    ("21082", "CLB Liên thế hệ tự giúp nhau thôn Phú Long", ["Thôn Phú Long"], D(2022, 11, 7), None, None),
]

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
            logins = self._users(reset_passwords=reset_passwords)
        self.stdout.write(f"Demo clubs: {created_clubs} created, {len(CLUBS) - created_clubs} already there.")
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
