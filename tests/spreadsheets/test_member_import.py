"""The member import (spreadsheets/member_import.py): checks, save, web pages and command.

The world of tests/conftest.py: club A1 (commune 90101, district A), club A2 (90102, decided, not
launched), club B1 (90201, district B), club L (Lý Sơn, 903); every club decided on 01/03/2022.
"Today" is 15/03/2025.
"""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from areas.models import AdminUnit
from audit.models import AuditEntry
from clubs.services import register as club_services
from core.dates import ERROR_NO_SUCH_DAY
from members import services as member_services
from members.models import EconomicStatus, Ethnicity, HouseholdStatus, LeaveReason, Membership, Person, Sex
from spreadsheets import importing, member_import, parsers, services, template, workbook
from spreadsheets.club_import import ERROR_UNKNOWN_CLUB
from spreadsheets.importing import RowError, RowsRefused, RowStatus
from spreadsheets.member_import import MEMBER_IMPORT
from spreadsheets.models import SpreadsheetImport
from spreadsheets.registry import IMPORTS
from spreadsheets.workbook import FileRefused
from tests import factories
from tests.conftest import login
from tests.jobs import run_jobs
from tests.spreadsheets.files import xlsx
from tests.text import vi

D = datetime.date

VI = {
    "club_code": "Mã CLB",
    "unit_code": "Mã đơn vị hành chính",
    "club_name": "Tên CLB",
    "full_name": "Họ và tên",
    "sex": "Giới tính",
    "birth_date": "Ngày sinh",
    "birth_year": "Năm sinh",
    "ethnicity": "Dân tộc",
    "hamlet": "Thôn, tổ dân phố",
    "economic_status": "Hoàn cảnh kinh tế",
    "status_year": "Năm xét hoàn cảnh",
    "joined_on": "Ngày vào CLB",
    "phone": "Điện thoại",
    "citizen_id": "Số CCCD",
}
KEYS = [key for key in VI if key not in {"unit_code", "club_name"}]


def member(club=None, **values):
    """One row, as a dict of column key → cell; `club` fills the club code."""
    row = {
        "club_code": club.code if club is not None else None,
        "full_name": "Nguyễn Thị Đào",
        "sex": "Nữ",
        "birth_date": "03/04/1950",
        "birth_year": None,
        "ethnicity": "Kinh",
        "hamlet": "Thôn Liên Trì Tây",
        "economic_status": "Nghèo",
        "status_year": 2024,
        "joined_on": "10/01/2023",
        "phone": "0912 345 678",
        "citizen_id": None,
    }
    row.update(values)
    return row


def member_file(rows, keys=KEYS, english=False):
    headers = list(keys) if english else [VI[key] for key in keys]
    return xlsx([[row.get(key) for key in keys] for row in rows], headers=headers)


def import_file(content, actor, progress=None):
    return services.spreadsheet_import_file(
        spec=MEMBER_IMPORT, name="members.xlsx", content=content, actor=actor, progress=progress
    )


def preview(content, actor):
    return importing.preview(MEMBER_IMPORT, content, actor=actor)


def snapshot():
    return (
        set(Person.objects.values_list("pk", "full_name", "phone", "citizen_id")),
        set(Membership.objects.values_list("pk", "person_id", "club_id", "joined_on", "left_on")),
        set(HouseholdStatus.objects.values_list("pk", "status", "valid_from")),
        AuditEntry.objects.count(),
    )


def refused_errors(content, actor):
    """The row errors of a refused import, after checking that nothing was written."""
    before = snapshot()
    with pytest.raises(RowsRefused) as exc:
        import_file(content, actor)
    assert snapshot() == before
    assert not SpreadsheetImport.objects.exists()
    return exc.value.errors


def only_error(content, actor):
    (error,) = refused_errors(content, actor)
    return error


def join(club, actor, **values):
    """A member recorded by hand, through the service."""
    fields = {
        "full_name": "Nguyễn Thị Đào",
        "sex": Sex.FEMALE,
        "birth_date": D(1950, 4, 3),
        "ethnicity": Ethnicity.objects.get(name="Kinh"),
        "hamlet": "Thôn Liên Trì Tây",
        "phone": "0912 345 678",
        "economic_status": EconomicStatus.POOR,
        "status_from": D(2024, 1, 1),
        "joined_on": D(2023, 1, 10),
    }
    fields.update(values)
    return member_services.member_join(actor=actor, club=club, **fields)


# --- clean files -------------------------------------------------------------------------------


def test_clean_file_imports_people_memberships_and_statuses(world, province_staff):
    content = member_file(
        [
            member(world.club_a1, citizen_id="051 234 567 890"),
            member(
                world.club_a1,
                full_name="  Trần   Văn Bình ",
                sex="nam",
                birth_date=None,
                birth_year=1962,
                ethnicity="hre",
                hamlet="",
                economic_status="cận nghèo",
                status_year=None,
                joined_on="01/06/2023",
                phone=None,
            ),
        ]
    )
    upload = import_file(content, province_staff)

    assert upload.result == {"new": 2, "update": 0, "unchanged": 0}
    dao = Person.objects.get(name_folded="nguyen thi dao")
    assert (dao.sex, dao.birth_date, dao.birth_year, dao.ethnicity.name) == (Sex.FEMALE, D(1950, 4, 3), 1950, "Kinh")
    assert (dao.hamlet, dao.phone, dao.citizen_id) == ("Thôn Liên Trì Tây", "0912 345 678", "051234567890")
    binh = Person.objects.get(name_folded="tran van binh")
    assert (binh.full_name, binh.sex, binh.birth_date, binh.birth_year) == ("Trần Văn Bình", Sex.MALE, None, 1962)
    assert (binh.ethnicity.name, binh.hamlet, binh.phone, binh.citizen_id) == ("Hrê", "", "", "")
    memberships = Membership.objects.filter(club=world.club_a1).order_by("joined_on")
    assert [(m.person, m.joined_on, m.left_on) for m in memberships] == [
        (dao, D(2023, 1, 10), None),
        (binh, D(2023, 6, 1), None),
    ]
    # From 1 January of the year assessed; without a year, of the year of joining.
    assert [(s.status, s.valid_from) for s in dao.household_statuses.all()] == [(EconomicStatus.POOR, D(2024, 1, 1))]
    assert [(s.status, s.valid_from) for s in binh.household_statuses.all()] == [
        (EconomicStatus.NEAR_POOR, D(2023, 1, 1))
    ]


def test_import_is_audited(world, province_staff):
    upload = import_file(member_file([member(world.club_a1)]), province_staff)
    entry = AuditEntry.objects.get(action="spreadsheets.members.imported")
    assert (entry.actor, entry.target_id) == (province_staff, str(upload.pk))
    assert entry.data == {"file": "members.xlsx", "new": 1, "update": 0, "unchanged": 0}
    # member_join audits each step, as when a member is added by hand.
    actions = list(AuditEntry.objects.exclude(pk=entry.pk).values_list("action", "actor"))
    assert sorted(actions) == [
        ("members.household_status.set", province_staff.pk),
        ("members.membership.started", province_staff.pk),
        ("members.person.created", province_staff.pk),
    ]


def test_english_headers_and_words_import_the_same(world, province_staff):
    row = member(world.club_a1, sex="female", economic_status="near_poor", birth_date="1950-04-03")
    import_file(member_file([row], english=True), province_staff)
    person = Person.objects.get()
    assert (person.sex, person.birth_date) == (Sex.FEMALE, D(1950, 4, 3))
    assert person.household_statuses.get().status == EconomicStatus.NEAR_POOR


@pytest.mark.parametrize(
    ("sex", "status", "expected"),
    [
        ("M", "poor", (Sex.MALE, EconomicStatus.POOR)),
        ("F", "Hộ cận nghèo", (Sex.FEMALE, EconomicStatus.NEAR_POOR)),
        ("NỮ", "khac", (Sex.FEMALE, EconomicStatus.OTHER)),
        ("male", "other", (Sex.MALE, EconomicStatus.OTHER)),
        ("Nam", "neither poor nor near-poor", (Sex.MALE, EconomicStatus.OTHER)),
        # The wording of earlier templates' drop-downs, in files filled in then.
        ("Nữ", "Khác (khá giả)", (Sex.FEMALE, EconomicStatus.OTHER)),
    ],
)
def test_coded_columns_accept_vietnamese_and_english_words(world, province_staff, sex, status, expected):
    row = preview(member_file([member(world.club_a1, sex=sex, economic_status=status)]), province_staff).rows[0]
    assert (row.changes["sex"], row.changes["economic_status"]) == expected


def test_excel_cells_typed_as_dates_and_numbers_are_read(world, province_staff):
    row = member(
        world.club_a1,
        birth_date=datetime.datetime(1950, 4, 3),  # noqa: DTZ001 (Excel dates are naive)
        joined_on=datetime.datetime(2023, 1, 10),  # noqa: DTZ001
        status_year=2024.0,
        # Numbers lose their leading zero in Excel: it is put back.
        phone=912345678,
        citizen_id=51234567890,
    )
    import_file(member_file([row]), province_staff)
    person = Person.objects.get()
    assert (person.birth_date, person.phone, person.citizen_id) == (D(1950, 4, 3), "0912345678", "051234567890")
    assert person.memberships.get().joined_on == D(2023, 1, 10)


def test_unit_code_and_club_name_find_the_club(world, province_staff):
    keys = ["unit_code", "club_name", *KEYS[1:]]
    rows = [
        member(unit_code="90101", club_name="clb lien the he thon lien tri tay"),
        member(unit_code=90201, club_name="CLB LIÊN THẾ HỆ BA VÌ", full_name="Lê Văn Ba"),
        member(unit_code="903", club_name=world.club_l.name, full_name="Phạm Thị Hải"),
    ]
    import_file(member_file(rows, keys=keys), province_staff)
    assert {(m.person.full_name, m.club) for m in Membership.objects.select_related("person", "club")} == {
        ("Nguyễn Thị Đào", world.club_a1),
        ("Lê Văn Ba", world.club_b1),
        ("Phạm Thị Hải", world.club_l),
    }


def test_club_code_wins_over_unit_code_and_club_name(world, province_staff):
    keys = ["club_code", "unit_code", "club_name", *KEYS[1:]]
    row = member(world.club_a1, unit_code="90201", club_name="Renamed since the export")
    import_file(member_file([row], keys=keys), province_staff)
    assert Membership.objects.get().club == world.club_a1


def test_system_import_works_on_every_club(world):
    upload = import_file(member_file([member(world.club_b1), member(world.club_a1, full_name="Lê Văn Ba")]), None)
    assert upload.result["new"] == 2
    assert AuditEntry.objects.get(action="spreadsheets.members.imported").actor is None


# --- re-importing ------------------------------------------------------------------------------


def test_reimporting_the_same_file_adds_nothing(world, province_staff):
    content = member_file(
        [
            member(world.club_a1, citizen_id="051234567890"),
            member(world.club_a1, full_name="Trần Văn Bình", birth_date=None, birth_year=1962, status_year=None),
        ]
    )
    import_file(content, province_staff)
    before = snapshot()

    upload = import_file(content, province_staff)

    assert upload.result == {"new": 0, "update": 0, "unchanged": 2}
    people, memberships, statuses, audit_entries = before
    assert snapshot() == (people, memberships, statuses, audit_entries + 1)  # the import's own entry


def test_member_recorded_by_hand_with_the_same_data_is_unchanged(world, province_staff):
    membership = join(world.club_a1, province_staff)
    # Empty cells are not compared; names are compared as recorded, dates whatever their type.
    row = member(world.club_a1, ethnicity=None, hamlet=None, phone=None, birth_date=None, birth_year=1950)
    result = preview(member_file([row]), province_staff)
    assert result.rows[0].status == RowStatus.UNCHANGED
    assert result.rows[0].target == membership


def test_member_recorded_differently_is_an_error(world, province_staff):
    join(world.club_a1, province_staff)
    row = member(world.club_a1, full_name="nguyễn thị đào", phone="0988 000 111", economic_status="Khác")
    error = only_error(member_file([row]), province_staff)
    columns = "Họ và tên, Điện thoại, Hoàn cảnh kinh tế"
    assert error == RowError(
        2, "", str(member_import.ERROR_MEMBER_DIFFERS % {"name": "nguyễn thị đào", "year": 1950, "columns": columns})
    )


def test_status_is_compared_with_the_one_recorded_for_that_year(world, province_staff):
    membership = join(world.club_a1, province_staff, status_from=D(2023, 1, 10))
    member_services.household_status_set(
        actor=province_staff, person=membership.person, status=EconomicStatus.OTHER, valid_from=D(2024, 6, 1)
    )
    unchanged = [member(world.club_a1, economic_status="Khác", status_year=2024)]
    assert preview(member_file(unchanged), province_staff).rows[0].status == RowStatus.UNCHANGED
    unchanged = [member(world.club_a1, economic_status="Nghèo", status_year=2023)]
    assert preview(member_file(unchanged), province_staff).rows[0].status == RowStatus.UNCHANGED
    changed = preview(member_file([member(world.club_a1, economic_status="Nghèo", status_year=2024)]), province_staff)
    assert changed.rows[0].errors


# --- each kind of bad row ----------------------------------------------------------------------


def test_unknown_club_code(world, province_staff):
    assert only_error(member_file([member(club_code="qng-9999")]), province_staff) == RowError(
        2, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": "QNG-9999"})
    )


def test_club_outside_the_users_scope_reads_as_unknown(world, area_staff):
    code = world.club_b1.code
    assert only_error(member_file([member(world.club_b1)]), area_staff) == RowError(
        2, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": code})
    )


@pytest.mark.parametrize(
    ("unit_code", "club_name"),
    [("90101", "CLB Không Có"), ("99999", "CLB Liên thế hệ thôn Liên Trì Tây"), ("90201", "CLB Liên thế hệ Ba Vì")],
    ids=["unknown name", "unknown unit", "out of scope"],
)
def test_unknown_unit_code_and_club_name(world, area_staff, unit_code, club_name):
    keys = ["unit_code", "club_name", *KEYS[1:]]
    content = member_file([member(unit_code=unit_code, club_name=club_name)], keys=keys)
    assert only_error(content, area_staff) == RowError(
        2, "Tên CLB", str(member_import.ERROR_UNKNOWN_CLUB_NAME % {"name": club_name, "code": unit_code})
    )


def test_row_without_a_club(world, province_staff):
    keys = ["club_code", "unit_code", "club_name", *KEYS[1:]]
    content = member_file([member(unit_code="90101")], keys=keys)
    assert only_error(content, province_staff) == RowError(2, "Mã CLB", str(member_import.ERROR_NO_CLUB))


def test_someone_with_several_clubs_gives_each_row_its_club(world, area_staff):
    rows = [member(world.club_a1, full_name="Người Một"), member(full_name="Người Hai")]
    error = only_error(member_file(rows), area_staff)
    assert error == RowError(3, "Mã CLB", str(member_import.ERROR_NO_CLUB_SEVERAL))
    with pytest.raises(FileRefused) as exc:
        preview(member_file(rows, keys=KEYS[1:]), area_staff)
    assert exc.value.messages == [str(member_import.ERROR_NO_CLUB_COLUMNS)]


def test_a_board_with_one_club_needs_no_club_column(world, club_chair, django_assert_num_queries):
    """Rows that name no club are for the one club whose register the user keeps; a row naming
    another club still reads as unknown."""
    rows = [member(full_name=f"Người Số {n}") for n in range(3)]
    preview(member_file(rows[:1], keys=KEYS[1:]), club_chair)  # the user's role assignments cached
    # the user's clubs (only while rows name none), clubs, their status changes, ethnicities, people
    # alike (none: no memberships or statuses to read)
    with django_assert_num_queries(5):
        preview(member_file(rows[:1], keys=KEYS[1:]), club_chair)
    with django_assert_num_queries(5):
        result = preview(member_file(rows, keys=KEYS[1:]), club_chair)
    assert result.is_clean and result.counts["new"] == 3
    upload = import_file(member_file([*rows, member(full_name="Người Có Mã", club=world.club_a1)]), club_chair)
    assert upload.result["new"] == 4
    assert set(Membership.objects.values_list("club", flat=True)) == {world.club_a1.pk}
    elsewhere = member_file([member(world.club_b1, full_name="Người Khác")])
    unknown = RowError(2, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": world.club_b1.code}))
    assert preview(elsewhere, club_chair).errors == [unknown]


def test_file_without_a_club_column_is_refused(world, province_staff):
    keys = ["unit_code", *KEYS[1:]]
    with pytest.raises(FileRefused) as exc:
        preview(member_file([member(unit_code="90101")], keys=keys), province_staff)
    assert exc.value.messages == [str(member_import.ERROR_NO_CLUB_COLUMNS)]


def test_missing_required_columns_refuse_the_file(world, province_staff):
    keys = ["club_code", "full_name", "birth_year"]
    with pytest.raises(FileRefused) as exc:
        preview(member_file([member(world.club_a1, birth_year=1950)], keys=keys), province_staff)
    missing = "Giới tính (sex), Hoàn cảnh kinh tế (economic_status), Ngày vào CLB (joined_on)"
    assert exc.value.messages == [str(importing.ERROR_MISSING_COLUMNS % {"columns": missing})]


def worded(text, **params):
    """The message as the import words it, in the language active when the test runs."""
    return lambda: str(text % params if params else text)


ERRORS = member_services
RANGE = worded(ERRORS.ERROR_BIRTH_YEAR_RANGE, first=1905, last=2025)


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"birth_date": "16/03/2025"}, "Ngày sinh", worded(ERRORS.ERROR_IN_FUTURE)),
        ({"joined_on": "16/03/2025"}, "Ngày vào CLB", worded(ERRORS.ERROR_IN_FUTURE)),
        ({"status_year": 2026}, "Năm xét hoàn cảnh", worded(ERRORS.ERROR_IN_FUTURE)),
        (
            {"birth_date": "03/04/2022", "joined_on": "02/04/2022"},
            "Ngày vào CLB",
            worded(ERRORS.ERROR_JOIN_BEFORE_BIRTH),
        ),
        ({"birth_date": None, "birth_year": 1904}, "Năm sinh", RANGE),
        ({"birth_date": "31/12/1904"}, "Ngày sinh", RANGE),
        ({"birth_year": 1951}, "Năm sinh", worded(ERRORS.ERROR_BIRTH_YEAR_MISMATCH)),
        ({"birth_date": None}, "Năm sinh", worded(ERRORS.ERROR_BIRTH_MISSING)),
        ({"status_year": 1949}, "Năm xét hoàn cảnh", worded(ERRORS.ERROR_STATUS_BEFORE_BIRTH)),
        ({"joined_on": "28/02/2022"}, "Ngày vào CLB", worded(ERRORS.ERROR_JOIN_BEFORE_DECISION, date="01/03/2022")),
        ({"phone": "09 12 ab"}, "Điện thoại", worded(ERRORS.ERROR_PHONE_FORMAT)),
        ({"citizen_id": "12345"}, "Số CCCD", worded(ERRORS.ERROR_CITIZEN_ID_FORMAT)),
        ({"ethnicity": "Kinh Bắc"}, "Dân tộc", worded(member_import.ERROR_UNKNOWN_ETHNICITY, value="Kinh Bắc")),
        ({"citizen_id": "•••••••••890"}, "Số CCCD", worded(member_import.ERROR_CITIZEN_ID_MASKED)),
    ],
    ids=[
        "born in the future",
        "joined in the future",
        "status assessed in the future",
        "joined before born",
        "older than 120",
        "older than 120 by date",
        "birth year not the birth date's",
        "no birth date or year",
        "status before born",
        "joined before the club's decision",
        "phone",
        "citizen id",
        "unknown ethnicity",
        "masked citizen id of a new person",
    ],
)
def test_bad_row(world, province_staff, values, column, message):
    assert only_error(member_file([member(world.club_a1, **values)]), province_staff) == RowError(2, column, message())


def test_oldest_and_newest_allowed_birth_years(world, province_staff):
    rows = [
        member(world.club_a1, birth_date=None, birth_year=1905, full_name="Cụ Một"),
        # Born this year: the status holds from the birth, not from 1 January.
        member(world.club_a1, birth_date="15/03/2025", full_name="Bé Hai", joined_on="15/03/2025", status_year=None),
    ]
    assert import_file(member_file(rows), province_staff).result["new"] == 2
    baby = Person.objects.get(full_name="Bé Hai")
    assert baby.household_statuses.get().valid_from == D(2025, 3, 15)


def test_joining_a_dissolved_club(world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, kind="dissolved", effective_on=D(2024, 1, 1))
    content = member_file([member(world.club_a1, joined_on="01/01/2024"), member(world.club_a1, full_name="Lê Hai")])
    # Joining before the dissolution is a fact of the past: the second row is fine.
    assert only_error(content, province_staff) == RowError(2, "Ngày vào CLB", str(member_services.ERROR_CLUB_DISSOLVED))


def test_joining_a_club_decided_not_launched_is_fine(world, province_staff):
    assert import_file(member_file([member(world.club_a2)]), province_staff).result["new"] == 1


def test_cell_errors_and_rule_errors_of_a_row_are_all_reported(world, province_staff):
    row = member(world.club_a1, sex="X", birth_date="31/02/1950", joined_on="16/03/2025", ethnicity="Klingon")
    assert refused_errors(member_file([row]), province_staff) == [
        RowError(2, "Giới tính", str(parsers.ERROR_UNKNOWN_CODE % {"value": "X", "choices": "Nam, Nữ"})),
        RowError(2, "Ngày sinh", vi(ERROR_NO_SUCH_DAY, date="31/02/1950", month=2, year=1950, days=28)),
        RowError(2, "Dân tộc", str(member_import.ERROR_UNKNOWN_ETHNICITY % {"value": "Klingon"})),
        RowError(2, "Ngày vào CLB", str(member_services.ERROR_IN_FUTURE)),
    ]


def test_duplicate_person_within_the_file(world, province_staff):
    content = member_file(
        [
            member(world.club_a1),
            member(world.club_a1, full_name="NGUYEN THI DAO", birth_date=None, birth_year=1950),
            member(world.club_b1),  # another club: perhaps someone else, and not this file's to decide
        ]
    )
    assert only_error(content, province_staff) == RowError(
        3, "Họ và tên", str(member_import.ERROR_PERSON_TWICE % {"row": 2})
    )


def test_same_citizen_id_twice_within_the_file(world, province_staff):
    content = member_file(
        [
            member(world.club_a1, citizen_id="051234567890"),
            member(world.club_b1, full_name="Lê Ba", citizen_id="051234567890"),
        ]
    )
    assert only_error(content, province_staff) == RowError(
        3, "Số CCCD", str(member_import.ERROR_CITIZEN_ID_TWICE % {"row": 2})
    )


def test_citizen_id_of_another_person(world, province_staff, club_chair):
    join(world.club_b1, province_staff, full_name="Lê Văn Ba", citizen_id="051234567890")
    content = member_file([member(world.club_a1, citizen_id="051234567890")])
    assert only_error(content, province_staff) == RowError(
        2, "Số CCCD", str(member_services.ERROR_CITIZEN_ID_TAKEN % {"name": "Lê Văn Ba"})
    )
    # Club A1's chair does not see club B1's members: the holder is not named.
    assert only_error(content, club_chair) == RowError(
        2, "Số CCCD", str(member_import.ERROR_CITIZEN_ID_TAKEN_ELSEWHERE)
    )


def test_current_member_of_another_club(world, province_staff, club_chair):
    join(world.club_b1, province_staff)
    content = member_file([member(world.club_a1)])
    params = {"name": "Nguyễn Thị Đào", "year": 1950}
    assert only_error(content, province_staff) == RowError(
        2, "", str(member_import.ERROR_MEMBER_ELSEWHERE % {**params, "club": world.club_b1.name})
    )
    assert only_error(content, club_chair) == RowError(2, "", str(member_import.ERROR_MEMBER_ELSEWHERE_HIDDEN % params))


def test_former_member(world, province_staff):
    membership = join(world.club_a1, province_staff)
    member_services.member_leave(
        actor=province_staff, membership=membership, left_on=D(2024, 1, 1), reason=LeaveReason.WITHDREW
    )
    content = member_file([member(world.club_a1, joined_on="01/02/2025")])
    assert only_error(content, province_staff) == RowError(
        2, "", str(member_import.ERROR_FORMER_MEMBER % {"name": "Nguyễn Thị Đào", "year": 1950})
    )


@pytest.mark.parametrize(
    "values",
    [{"birth_date": "04/04/1950"}, {"citizen_id": "051234567891"}],
    ids=["other birth date", "other citizen id"],
)
def test_namesake_in_another_club_told_apart_is_a_new_person(world, province_staff, values):
    join(world.club_b1, province_staff, citizen_id="051234567890")
    import_file(member_file([member(world.club_a1, **values)]), province_staff)
    assert Person.objects.filter(name_folded="nguyen thi dao").count() == 2


def test_masked_citizen_id_of_a_recorded_member_is_unchanged(world, province_staff):
    join(world.club_a1, province_staff, citizen_id="051234567890")
    rows = [member(world.club_a1, citizen_id="•••••••••890")]
    assert preview(member_file(rows), province_staff).rows[0].status == RowStatus.UNCHANGED
    rows = [member(world.club_a1, citizen_id="•••••••••891")]
    (error,) = preview(member_file(rows), province_staff).errors
    assert "Số CCCD" in error.message


def test_file_mixing_good_and_bad_rows_saves_nothing(world, province_staff):
    content = member_file(
        [
            member(world.club_a1, full_name="Người Một"),
            member(world.club_a1, full_name="Người Hai", joined_on="01/01/2030"),
            member(world.club_a1, full_name="Người Ba"),
            member(club_code="QNG-9999", full_name="Người Bốn"),
        ]
    )
    errors = refused_errors(content, province_staff)
    assert [(error.row, error.column) for error in errors] == [(3, "Ngày vào CLB"), (5, "Mã CLB")]
    assert not Person.objects.exists()


def test_refusal_by_the_service_at_save_rolls_back_every_row(world, province_staff, monkeypatch):
    """member_join stays the authority: what it refuses refuses the file, rows saved before included."""
    real_join = member_services.member_join

    def join_refusing_the_second(**values):
        if values["full_name"] == "Người Hai":
            raise ValidationError({"status_from": ["Refused by the service."], "notes": ["Not a column."]})
        return real_join(**values)

    monkeypatch.setattr(member_import, "member_join", join_refusing_the_second)
    content = member_file([member(world.club_a1, full_name=f"Người {n}") for n in ("Một", "Hai", "Ba")])
    assert refused_errors(content, province_staff) == [
        RowError(3, "Năm xét hoàn cảnh", "Refused by the service."),
        RowError(3, "", "Not a column."),
    ]


# --- club boards -------------------------------------------------------------------------------


def test_club_chair_imports_into_their_own_club(world, club_chair):
    upload = import_file(member_file([member(world.club_a1)]), club_chair)
    assert upload.result["new"] == 1
    assert Membership.objects.get().club == world.club_a1


def test_club_chair_gets_unknown_club_for_another_club(world, club_chair):
    keys = ["club_code", "unit_code", "club_name", *KEYS[1:]]
    rows = [
        member(world.club_b1, full_name="Người Một"),
        member(unit_code="90201", club_name=world.club_b1.name, full_name="Người Hai"),
        member(world.club_a2, full_name="Người Ba"),  # in the chair's district, not their club
    ]
    assert refused_errors(member_file(rows, keys=keys), club_chair) == [
        RowError(2, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": world.club_b1.code})),
        RowError(
            3, "Tên CLB", str(member_import.ERROR_UNKNOWN_CLUB_NAME % {"name": world.club_b1.name, "code": "90201"})
        ),
        RowError(4, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": world.club_a2.code})),
    ]


# --- queries -----------------------------------------------------------------------------------


def mixed_rows(world, count):
    """`count` new members over two clubs (by code, and by unit and name), and one recorded member."""
    rows = [
        member(
            world.club_a1 if n % 2 else None,
            unit_code=None if n % 2 else "90201",
            club_name=None if n % 2 else world.club_b1.name,
            full_name=f"Nguyễn Thị Số {n}",
            citizen_id=f"051{n:09d}",
        )
        for n in range(count)
    ]
    return [*rows, member(world.club_a1, full_name="Trần Văn Cũ", birth_date="01/01/1955", citizen_id=None)]


def test_preview_queries_do_not_grow_with_rows(world, province_staff, django_assert_num_queries):
    join(world.club_a1, province_staff, full_name="Trần Văn Cũ", birth_date=D(1955, 1, 1))
    keys = ["club_code", "unit_code", "club_name", *KEYS[1:]]
    small, large = member_file(mixed_rows(world, 2), keys=keys), member_file(mixed_rows(world, 20), keys=keys)
    preview(small, province_staff)  # the user's role assignments are cached on the user from here
    # clubs (by code, or by unit and name), their status changes, ethnicities, people alike, their
    # memberships, their statuses, holders of the citizen IDs
    with django_assert_num_queries(7):
        result = preview(small, province_staff)
    assert result.counts == {"new": 2, "update": 0, "unchanged": 1}
    with django_assert_num_queries(7):
        result = preview(large, province_staff)
    assert result.counts == {"new": 20, "update": 0, "unchanged": 1}


def test_preview_of_a_5000_row_file_has_constant_queries(world, province_staff, django_assert_num_queries):
    """A province-wide list: checked in the same 7 queries as a file of three rows.

    Saving 5.000 rows takes about 100 s on SQLite (member_join's queries, below): the save is
    measured on 500 rows in the next test.
    """
    join(world.club_a1, province_staff, full_name="Trần Văn Cũ", birth_date=D(1955, 1, 1))
    keys = ["club_code", "unit_code", "club_name", *KEYS[1:]]
    content = member_file(mixed_rows(world, 4999), keys=keys)
    preview(member_file(mixed_rows(world, 2), keys=keys), province_staff)
    with django_assert_num_queries(7):
        result = preview(content, province_staff)
    assert result.counts == {"new": 4999, "update": 0, "unchanged": 1}
    assert result.is_clean


# Each new member costs what member_join costs, row by row (members/services.py):
# - the checks before any write: the citizen ID's holder, the club's status on the day: 2;
# - the person: the ethnicity's existence, the citizen ID's unique constraint, the birth-year check
#   constraint, the insert, the audit entry: 5;
# - the membership: the person's and the club's existence, the one-open-membership constraint, the
#   two check constraints, the insert, the audit entry: 7;
# - household_status_set: get_or_create's select and insert, the person's existence, the unique
#   constraint, the save again, the audit entry: 6.
# Plus 16 SAVEPOINT / RELEASE statements (the atomic services, get_or_create, the constraint checks).
# The check before the save is 7 queries whatever the number of rows.
QUERIES_PER_NEW_MEMBER = 20
SAVEPOINT_STATEMENTS_PER_NEW_MEMBER = 16


def test_importing_500_rows_has_bounded_queries(world, province_staff):
    rows = [member(world.club_a1, full_name=f"Nguyễn Thị Số {n}", citizen_id=f"051{n:09d}") for n in range(500)]
    progress, statements = [], []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Not CaptureQueriesContext: Django's query log keeps the last 9000 queries only.
    with connection.execute_wrapper(count):
        upload = import_file(member_file(rows), province_staff, progress=lambda *args: progress.append(args))

    assert upload.result == {"new": 500, "update": 0, "unchanged": 0}
    assert Membership.objects.filter(club=world.club_a1).count() == 500
    savepoints = [sql for sql in statements if "SAVEPOINT" in sql]
    assert len(statements) - len(savepoints) <= 500 * QUERIES_PER_NEW_MEMBER + 15
    assert len(savepoints) <= 500 * SAVEPOINT_STATEMENTS_PER_NEW_MEMBER + 2
    assert progress == [("read", 500, None), ("save", 500, 500)]


# --- the template --------------------------------------------------------------------------------


def test_template_has_the_headers_drop_downs_and_instructions(world, province_staff):
    Ethnicity.objects.create(name="Ơ Đu", sort_order=200)
    workbook = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(MEMBER_IMPORT)))
    sheet, instructions, lists = workbook.worksheets
    assert [cell.value for cell in sheet[1]] == [column.header_vi for column in MEMBER_IMPORT.columns]
    assert lists.sheet_state == "hidden"
    ranges = {str(validation.sqref).split(":")[0]: validation for validation in sheet.data_validations.dataValidation}
    # Giới tính (E), Dân tộc (H), Hoàn cảnh kinh tế (J)
    assert set(ranges) == {"E2", "H2", "J2"}
    assert [cell.value for cell in lists["E"] if cell.value] == ["Nam", "Nữ"]
    assert [cell.value for cell in lists["J"] if cell.value] == ["Nghèo", "Cận nghèo", "Khác"]
    ethnicities = [cell.value for cell in lists["H"] if cell.value]
    assert ethnicities[:2] == ["Kinh", "Hrê"] and ethnicities[-1] == "Ơ Đu"
    text = "\n".join(str(cell.value) for row in instructions.iter_rows() for cell in row if cell.value)
    assert str(MEMBER_IMPORT.instructions[0]) in text
    assert "Năm xét hoàn cảnh" in text


@pytest.mark.parametrize("kind", list(IMPORTS))
def test_every_template_has_a_marked_example_row_that_is_never_imported(world, kind):
    spec = IMPORTS[kind]
    content = template.template_xlsx(spec)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    for row in sheet.iter_rows(min_row=2, max_row=1 + len(spec.examples)):
        assert row[0].value.startswith("VD:")
        assert all(cell.font.i and cell.font.color.rgb == "00808080" for cell in row)
    assert sheet.max_row == 1 + len(spec.examples) >= 2
    with pytest.raises(FileRefused) as exc:  # the examples alone: nothing to import
        importing.check_file(spec, content)
    assert exc.value.messages == [str(workbook.ERROR_NO_ROWS)]


def test_rows_marked_as_examples_are_skipped(world, province_staff):
    rows = [member(world.club_a1), member(club_code="Ví dụ: QNG-0001", full_name="Người Mẫu")]
    assert [row.label for row in preview(member_file(rows), province_staff).rows] == [
        f"Nguyễn Thị Đào (1950) — {world.club_a1.name}"
    ]


def test_a_filled_in_template_imports(world, province_staff):
    workbook = openpyxl.load_workbook(io.BytesIO(template.template_xlsx(MEMBER_IMPORT)))
    sheet = workbook.worksheets[0]
    values = member(world.club_a1, unit_code=None, club_name=None)
    sheet.append([values.get(column.key) for column in MEMBER_IMPORT.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert import_file(buffer.getvalue(), province_staff).result["new"] == 1


# --- web pages -----------------------------------------------------------------------------------

UPLOAD_URL = reverse("spreadsheets:member-import")
TEMPLATE_URL = reverse("spreadsheets:member-import-template")


def preview_url(upload):
    return reverse("spreadsheets:member-import-preview", args=[upload.pk])


def confirm_url(upload):
    return reverse("spreadsheets:member-import-confirm", args=[upload.pk])


def upload_file(client, content, name="thanh-vien.xlsx"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content)})


def test_upload_page_names_the_clubs_the_user_may_import_into(client, world, club_chair, area_staff):
    response = login(client, club_chair).get(UPLOAD_URL)
    assert response.context["offered_clubs"] == [world.club_a1]
    page = response.content.decode()
    assert world.club_a1.code in page and TEMPLATE_URL in page
    assert world.club_b1.code not in page
    assert 'data-testid="one-club"' in page  # one club: the file needs no club column
    response = login(client, area_staff).get(UPLOAD_URL)
    assert set(response.context["offered_clubs"]) == {world.club_a1, world.club_a2}
    assert response.context["more_clubs"] is False
    assert 'data-testid="one-club"' not in response.content.decode()


def test_upload_page_of_a_large_area_names_some_clubs(client, world, province_staff):
    for _ in range(20):
        factories.ClubFactory(unit=world.commune_b1)
    response = login(client, province_staff).get(UPLOAD_URL)
    assert len(response.context["offered_clubs"]) == 20
    assert response.context["more_clubs"] is True


def test_club_import_page_names_no_clubs(client, world, province_staff):
    response = login(client, province_staff).get(reverse("spreadsheets:club-import"))
    assert "offered_clubs" not in response.context


def test_file_that_names_no_club_is_refused_on_the_preview(client, world, province_staff):
    client = login(client, province_staff)
    upload_file(client, member_file([member()], keys=KEYS[1:]))
    response = client.get(preview_url(SpreadsheetImport.objects.get()))
    assert response.context["refused"] == [str(member_import.ERROR_NO_CLUB_COLUMNS)]
    assert escape(str(member_import.ERROR_NO_CLUB_COLUMNS)) in response.content.decode()


def test_template_download(client, world, club_chair):
    response = login(client, club_chair).get(TEMPLATE_URL)
    assert response["Content-Disposition"] == 'attachment; filename="members-template.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.worksheets[0]["D1"].value == "Họ và tên"


def test_chair_uploads_sees_row_errors_fixes_and_imports(client, world, club_chair):
    client = login(client, club_chair)
    bad = member_file(
        [
            member(world.club_a1, full_name="Người Một"),
            member(world.club_b1, full_name="Người Hai"),
            member(world.club_a1, full_name="Người Ba", joined_on="20/03/2025"),
        ]
    )
    response = upload_file(client, bad)
    upload = SpreadsheetImport.objects.get()
    assert response["Location"] == preview_url(upload)

    response = client.get(preview_url(upload))
    page = response.content.decode()
    with translation.override("vi"):
        lines = [
            str(RowError(3, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": world.club_b1.code}))),
            str(RowError(4, "Ngày vào CLB", str(member_services.ERROR_IN_FUTURE))),
        ]
    for line in lines:
        assert escape(line) in page
    assert confirm_url(upload) not in page
    client.post(confirm_url(upload))
    run_jobs()  # refused again, nothing saved
    assert not Person.objects.exists()

    good = member_file([member(world.club_a1, full_name="Người Một"), member(world.club_a1, full_name="Người Ba")])
    upload_file(client, good)
    upload = SpreadsheetImport.objects.pending().get()
    response = client.get(preview_url(upload))
    assert response.context["preview"]["counts"] == {"new": 2, "update": 0, "unchanged": 0}
    assert "Người Một (1950) — CLB Liên thế hệ thôn Liên Trì Tây" in response.content.decode()
    assert confirm_url(upload) in response.content.decode()

    response = client.post(confirm_url(upload))
    assert response["Location"] == reverse("spreadsheets:member-import-progress", args=[upload.pk])
    assert run_jobs() == 1
    assert set(Person.objects.values_list("full_name", flat=True)) == {"Người Một", "Người Ba"}
    assert AuditEntry.objects.get(action="spreadsheets.members.imported").actor == club_chair


def test_upload_queries_do_not_grow_with_rows(client, world, club_chair, django_assert_num_queries):
    """The preview is built once, at upload, in as many queries whatever the rows."""
    client = login(client, club_chair)
    upload_file(client, member_file([member(world.club_a1, full_name=f"Người {n}") for n in range(2)]))
    # session, user, role assignments; the check: clubs, their status changes, ethnicities, people
    # alike (none found: no memberships or statuses to read; no citizen IDs in the file: no query
    # for their holders); the earlier upload dropped, the uploader checked, the new one saved (and
    # the savepoint around them)
    with django_assert_num_queries(12):
        upload_file(client, member_file([member(world.club_a1, full_name=f"Người {n}") for n in range(2)]))
    with django_assert_num_queries(12):
        upload_file(client, member_file([member(world.club_a1, full_name=f"Người {n}") for n in range(20)]))
    large = SpreadsheetImport.objects.get()
    assert len(large.preview["rows"]) == 20


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture
def write(tmp_path):
    def write(content, name="thanh-vien.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_members", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refused(*args):
    with pytest.raises(CommandError) as exc:
        run(*args)
    return str(exc.value).splitlines()


def test_command_imports_a_clean_file(world, write):
    stdout, _stderr = run(write(member_file([member(world.club_a1), member(world.club_b1, full_name="Lê Ba")])))
    summary = gettext("%(file)s imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
    assert stdout == summary % {"file": "thanh-vien.xlsx", "new": 2, "update": 0, "unchanged": 0} + "\n"
    assert Membership.objects.count() == 2


def test_command_dry_run_saves_nothing(world, write):
    stdout, _stderr = run(write(member_file([member(world.club_a1)])), "--dry-run")
    assert not Person.objects.exists()
    assert not SpreadsheetImport.objects.exists()
    summary = gettext("Dry run, nothing was saved: %(new)s new, %(update)s to update, %(unchanged)s unchanged.")
    assert stdout == summary % {"new": 1, "update": 0, "unchanged": 0} + "\n"


def test_command_refuses_bad_rows_with_every_error(world, write):
    path = write(member_file([member(world.club_a1), member(club_code="QNG-9999", full_name="Lê Ba")]))
    lines = refused(path)
    assert lines[0] == gettext("%(path)s was not imported, nothing was saved:") % {"path": path}
    assert lines[1:] == [str(RowError(3, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": "QNG-9999"})))]
    assert refused(path, "--dry-run")[1:] == lines[1:]
    assert not Person.objects.exists()


def test_command_as_a_club_chair(world, write, club_chair):
    lines = refused(write(member_file([member(world.club_b1)])), "--user", club_chair.username)
    assert lines[1:] == [str(RowError(2, "Mã CLB", str(ERROR_UNKNOWN_CLUB % {"code": world.club_b1.code})))]
    run(write(member_file([member(world.club_a1)])), "--user", club_chair.username)
    assert AuditEntry.objects.get(action="spreadsheets.members.imported").actor == club_chair


def test_command_reports_progress(world, write):
    rows = [member(world.club_a1, full_name=f"Người Số {n}") for n in range(500)]
    _stdout, stderr = run(write(member_file(rows)), "--dry-run")
    assert stderr.splitlines() == [gettext("%(done)s rows read…") % {"done": 500}]


# --- members who joined before the first map held (2020) ------------------------------------------


@pytest.fixture
def club_of_2017(world, province_staff):
    """A club decided in 2017 in a unit of the map of 2020, whose units start open (areas)."""
    AdminUnit.objects.filter(scheme=world.province.scheme).update(valid_from=None)
    return club_services.club_create(
        actor=province_staff,
        name="CLB Liên thế hệ 2017",
        unit=AdminUnit.objects.get(pk=world.commune_b1.pk),
        decision_date=D(2017, 6, 1),
        launch_date=D(2017, 7, 1),
    )


def test_members_who_joined_before_2020_are_imported(world, province_staff, club_of_2017):
    """Joining dates are checked against the club's decision and dissolution, never against its
    unit's map: a member of 2018 joins a club of 2017 (by club code, or by unit code and name)."""
    rows = [
        member(club_of_2017, joined_on="10/01/2018", status_year=2018),
        member(
            None,
            unit_code="90201",
            club_name="CLB Liên thế hệ 2017",
            full_name="Trần Văn Bình",
            sex="Nam",
            joined_on="15/03/2019",
            status_year=2019,
        ),
    ]
    upload = import_file(member_file(rows, keys=list(VI)), province_staff)
    assert upload.result["new"] == 2
    assert sorted(Membership.objects.filter(club=club_of_2017).values_list("joined_on", flat=True)) == [
        D(2018, 1, 10),
        D(2019, 3, 15),
    ]


def test_a_member_who_joined_before_2020_is_recorded_by_hand(world, province_staff, club_of_2017):
    membership = join(club_of_2017, province_staff, joined_on=D(2018, 1, 10), status_from=D(2018, 1, 1))
    assert membership.joined_on == D(2018, 1, 10)
