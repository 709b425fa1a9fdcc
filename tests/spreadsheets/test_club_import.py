"""The club import (spreadsheets/club_import.py) through the import services.

The world of tests/conftest.py: district A (901) with communes A1 (90101) and A2 (90102), district
B (902) with B1 (90201), Lý Sơn (903) without communes; "today" is 15/03/2025.
"""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.formats import date_format

from areas.models import AdminUnit, Level
from audit.models import AuditEntry
from clubs.models import Club, LocationSource
from clubs.services import register as club_services
from spreadsheets import club_import, importing, parsers, services
from spreadsheets.club_import import CLUB_IMPORT
from spreadsheets.importing import RowError, RowsRefused, RowStatus
from spreadsheets.models import SpreadsheetImport
from tests import factories
from tests.clubs.maps import build_maps, where
from tests.spreadsheets.files import CLUB_KEYS, club_row, xlsx

D = datetime.date


def import_file(content, actor, progress=None):
    return services.spreadsheet_import_file(
        spec=CLUB_IMPORT, name="clubs.xlsx", content=content, actor=actor, progress=progress
    )


def preview(content, actor):
    return importing.preview(CLUB_IMPORT, content, actor=actor)


def refused_errors(content, actor):
    """The row errors of a refused import, after checking that nothing was written."""
    clubs_before = set(Club.objects.values_list("pk", "name", "decision_number"))
    with pytest.raises(RowsRefused) as exc:
        import_file(content, actor)
    assert set(Club.objects.values_list("pk", "name", "decision_number")) == clubs_before
    assert not SpreadsheetImport.objects.exists()
    assert not AuditEntry.objects.exists()
    return exc.value.errors


def only_error(content, actor):
    (error,) = refused_errors(content, actor)
    return error


@pytest.fixture
def map_2025(world):
    """A second map from 01/01/2025 that reuses code 90101 for another commune."""
    scheme = factories.AdminSchemeFactory(code="vn-2025-01", valid_from=D(2025, 1, 1), valid_until=D(2025, 7, 1))
    province = factories.province(scheme=scheme, code="51")
    district = factories.district(province, scheme=scheme, code="901", name="Huyện Mới")
    return factories.commune(district, scheme=scheme, code="90101", name="Xã Bình Hiệp Mới")


# --- clean files -------------------------------------------------------------------------------


def test_clean_file_creates_clubs_with_generated_codes(world, province_staff):
    content = xlsx(
        [
            club_row(name="CLB Liên thế hệ thôn Tân An", hamlets="Thôn Tân An;\nThôn Tân Mỹ"),
            club_row(name="CLB Liên thế hệ An Vĩnh", unit="903", launch_date=None, meeting_day=None),
        ]
    )
    upload = import_file(content, province_staff)

    assert upload.result == {"new": 2, "update": 0, "unchanged": 0}
    first, second = Club.objects.filter(code__startswith="QNG-").order_by("code")
    assert (first.code, second.code) == ("QNG-0001", "QNG-0002")
    assert first.name == "CLB Liên thế hệ thôn Tân An"
    assert first.unit == world.commune_a1
    assert first.hamlets == ["Thôn Tân An", "Thôn Tân Mỹ"]
    assert (first.decision_number, first.decision_date, first.decision_issuer) == (
        "5/QĐ-UBND",
        D(2024, 3, 1),
        "UBND xã Bình Hiệp",
    )
    assert (first.launch_date, first.meeting_day) == (D(2024, 4, 15), 15)
    # Lý Sơn has no communes: the club sits in the district itself.
    assert second.unit == world.district_l
    assert (second.launch_date, second.meeting_day) == (None, None)


def test_import_is_audited_with_actor_and_counts(world, province_staff):
    upload = import_file(xlsx([club_row()]), province_staff)
    entry = AuditEntry.objects.get(action="spreadsheets.clubs.imported")
    assert entry.actor == province_staff
    assert entry.target_id == str(upload.pk)
    assert entry.data == {"file": "clubs.xlsx", "new": 1, "update": 0, "unchanged": 0}
    # Each club is also audited by club_create, as when registered by hand.
    assert AuditEntry.objects.filter(action="clubs.club.created").count() == 1


def test_import_record_keeps_no_file(world, province_staff):
    upload = import_file(xlsx([club_row()]), province_staff)
    upload.refresh_from_db()
    assert upload.imported_at is not None
    assert bytes(upload.content) == b""
    assert upload.created_by == province_staff


def test_english_headers_import_the_same(world, province_staff):
    import_file(xlsx([club_row()], headers=CLUB_KEYS), province_staff)
    assert Club.objects.get(code="QNG-0001").decision_date == D(2024, 3, 1)


def test_excel_date_cells_and_numeric_codes_are_read(world, province_staff):
    row = club_row(unit=90101, decision_date=datetime.datetime(2024, 3, 1), meeting_day=15.0)  # noqa: DTZ001
    import_file(xlsx([row]), province_staff)
    club = Club.objects.get(code="QNG-0001")
    assert (club.unit, club.decision_date, club.meeting_day) == (world.commune_a1, D(2024, 3, 1), 15)


def test_reimporting_the_same_file_adds_nothing(world, province_staff):
    content = xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai", unit="90102")])
    import_file(content, province_staff)
    clubs = list(Club.objects.values_list("pk", "code", "name", "updated_at"))

    upload = import_file(content, province_staff)

    assert upload.result == {"new": 0, "update": 0, "unchanged": 2}
    assert list(Club.objects.values_list("pk", "code", "name", "updated_at")) == clubs
    assert AuditEntry.objects.filter(action="clubs.club.created").count() == 2


def test_row_matching_a_registered_club_exactly_is_unchanged(world, province_staff):
    club = world.club_a1
    row = club_row(
        name=club.name,
        hamlets="; ".join(club.hamlets),
        decision_number=club.decision_number,
        decision_date=date_format(club.decision_date, "d/m/Y"),
        issuer=club.decision_issuer,
        launch_date=date_format(club.launch_date, "d/m/Y"),
        meeting_day=club.meeting_day,
    )
    result = preview(xlsx([row]), province_staff)
    assert result.rows[0].status == RowStatus.UNCHANGED
    assert result.rows[0].target == club


# --- updates by club code ----------------------------------------------------------------------


def test_club_code_updates_that_club(world, province_staff):
    club = world.club_a1
    old_number = club.decision_number
    content = xlsx(
        [[club.code.lower(), club.name, "90101", "99/QĐ-UBND"]],
        headers=["Mã CLB", "Tên CLB", "Mã đơn vị hành chính", "Số quyết định"],
    )
    result = preview(content, province_staff)
    assert result.rows[0].status == RowStatus.UPDATE
    assert result.rows[0].changed_columns == ["Số quyết định"]

    upload = import_file(content, province_staff)

    assert upload.result == {"new": 0, "update": 1, "unchanged": 0}
    club.refresh_from_db()
    assert club.decision_number == "99/QĐ-UBND"
    # Columns that are not in the file keep what is registered.
    assert (club.decision_date, club.launch_date, club.meeting_day) == (D(2022, 3, 1), D(2022, 4, 15), 15)
    entry = AuditEntry.objects.get(action="clubs.club.updated")
    assert entry.data == {"decision_number": [old_number, "99/QĐ-UBND"]}


def test_club_code_can_rename_and_move_a_club(world, province_staff):
    content = xlsx([club_row(code=world.club_a1.code, name="CLB Đổi Tên", unit="90102")])
    import_file(content, province_staff)
    world.club_a1.refresh_from_db()
    assert (world.club_a1.name, world.club_a1.unit) == ("CLB Đổi Tên", world.commune_a2)


def test_club_code_row_without_changes_is_unchanged(world, province_staff):
    club = world.club_a1
    content = xlsx([[club.code, club.name, "90101"]], headers=["club_code", "name", "unit_code"])
    assert import_file(content, province_staff).result == {"new": 0, "update": 0, "unchanged": 1}


# --- each kind of bad row ----------------------------------------------------------------------


def test_unknown_unit_code(world, province_staff):
    assert only_error(xlsx([club_row(unit="99999")]), province_staff) == RowError(
        2, "Mã đơn vị hành chính", str(club_import.ERROR_UNKNOWN_UNIT) % {"code": "99999"}
    )


def test_unit_outside_the_users_scope(world, area_staff):
    assert only_error(xlsx([club_row(unit="90201")]), area_staff) == RowError(
        2, "Mã đơn vị hành chính", str(club_import.ERROR_UNIT_OUT_OF_SCOPE) % {"unit": "Xã Ba Vì", "code": "90201"}
    )


def test_district_code_where_the_district_has_communes(world, province_staff):
    assert only_error(xlsx([club_row(unit="901")]), province_staff) == RowError(
        2, "Mã đơn vị hành chính", str(club_services.ERROR_UNIT_HAS_COMMUNES) % {"unit": "Huyện Đồng Bằng"}
    )


def test_unit_that_did_not_exist_on_the_decision_date(world, province_staff):
    # The test map (vn-2020) starts on 01/02/2020.
    assert only_error(xlsx([club_row(decision_date="15/01/2020")]), province_staff) == RowError(
        2,
        "Mã đơn vị hành chính",
        str(club_services.ERROR_UNIT_NOT_IN_FORCE) % {"unit": "Xã Bình Hiệp", "date": "15/01/2020"},
    )


def test_launch_before_decision(world, province_staff):
    content = xlsx([club_row(decision_date="01/03/2024", launch_date="28/02/2024")])
    assert only_error(content, province_staff) == RowError(
        2, "Ngày ra mắt", str(club_services.ERROR_LAUNCH_BEFORE_DECISION)
    )


@pytest.mark.parametrize(
    ("values", "header"),
    [
        ({"decision_date": "16/03/2025", "launch_date": None}, "Ngày quyết định"),
        ({"decision_date": "01/03/2025", "launch_date": "16/03/2025"}, "Ngày ra mắt"),
    ],
)
def test_date_in_the_future(world, map_2025, values, header):
    content = xlsx([club_row(**values)])
    assert only_error(content, None) == RowError(2, header, str(club_services.ERROR_DATE_IN_FUTURE))


def test_today_is_not_in_the_future(world, map_2025):
    content = xlsx([club_row(decision_date="15/03/2025", launch_date="15/03/2025")])
    assert import_file(content, None).result["new"] == 1


def test_duplicate_name_in_the_same_commune_within_the_file(world, province_staff):
    content = xlsx([club_row(name="CLB Tân An"), club_row(name="clb tan an", unit="90101")])
    assert only_error(content, province_staff) == RowError(
        3, "Tên CLB", str(club_import.ERROR_NAME_TWICE) % {"row": 2, "unit": "Xã Bình Hiệp"}
    )


def test_same_name_in_different_communes_is_fine(world, province_staff):
    content = xlsx([club_row(name="CLB Tân An"), club_row(name="CLB Tân An", unit="90102")])
    assert import_file(content, province_staff).result["new"] == 2


def test_duplicate_name_of_an_existing_club(world, province_staff):
    club = world.club_a1
    content = xlsx([club_row(name=club.name.upper())])
    assert only_error(content, province_staff) == RowError(
        2, "Tên CLB", str(club_import.ERROR_NAME_EXISTS) % {"unit": "Xã Bình Hiệp", "code": club.code}
    )


def test_renaming_to_the_name_of_another_club_in_the_commune(world, province_staff):
    other = factories.ClubFactory(unit=world.commune_a1, name="CLB Khác")
    content = xlsx([club_row(code=world.club_a1.code, name="CLB Khác")])
    assert only_error(content, province_staff) == RowError(
        2, "Tên CLB", str(club_import.ERROR_NAME_EXISTS) % {"unit": "Xã Bình Hiệp", "code": other.code}
    )


def test_unknown_club_code(world, province_staff):
    assert only_error(xlsx([club_row(code="QNG-9999")]), province_staff) == RowError(
        2, "Mã CLB", str(club_import.ERROR_UNKNOWN_CLUB) % {"code": "QNG-9999"}
    )


def test_club_code_outside_the_users_scope_reads_as_unknown(world, area_staff):
    code = world.club_b1.code
    assert only_error(xlsx([club_row(code=code, unit="90101")]), area_staff) == RowError(
        2, "Mã CLB", str(club_import.ERROR_UNKNOWN_CLUB) % {"code": code}
    )


def test_club_code_twice_in_the_file(world, province_staff):
    code = world.club_a1.code
    content = xlsx([club_row(code=code, name="CLB Một"), club_row(code=code, name="CLB Hai")])
    assert only_error(content, province_staff) == RowError(
        3, "Mã CLB", str(club_import.ERROR_CODE_TWICE) % {"code": code, "row": 2}
    )


def test_update_that_would_date_the_launch_after_a_status_change(world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, effective_on=D(2023, 1, 1))
    content = xlsx([club_row(code=world.club_a1.code, name=world.club_a1.name, launch_date=None)])
    assert only_error(content, province_staff) == RowError(
        2, "Ngày ra mắt", str(club_services.ERROR_LAUNCH_AFTER_CHANGE) % {"date": "01/01/2023"}
    )


def test_update_with_a_date_after_the_dissolution(world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, kind="dissolved", effective_on=D(2023, 1, 1))
    club = world.club_a1
    row = club_row(code=club.code, name=club.name, decision_date="01/03/2022", launch_date="01/02/2023")
    assert only_error(xlsx([row]), province_staff) == RowError(
        2, "Ngày ra mắt", str(club_services.ERROR_DATE_AFTER_DISSOLUTION) % {"date": "01/01/2023"}
    )


def test_cell_errors_and_rule_errors_of_a_row_are_all_reported(world, province_staff):
    content = xlsx([club_row(unit="99999", decision_date="01/13/2024", meeting_day=0)])
    assert refused_errors(content, province_staff) == [
        RowError(2, "Ngày quyết định", str(parsers.ERROR_DATE)),
        RowError(2, "Ngày sinh hoạt", str(parsers.ERROR_NUMBER_RANGE) % {"min": 1, "max": 31}),
        RowError(2, "Mã đơn vị hành chính", str(club_import.ERROR_UNKNOWN_UNIT) % {"code": "99999"}),
    ]


def test_rule_errors_are_reported_beside_cell_errors(world, province_staff):
    content = xlsx([club_row(unit="901", meeting_day=40, decision_date="01/03/2024", launch_date="01/02/2024")])
    assert refused_errors(content, province_staff) == [
        RowError(2, "Ngày sinh hoạt", str(parsers.ERROR_NUMBER_RANGE) % {"min": 1, "max": 31}),
        RowError(2, "Ngày ra mắt", str(club_services.ERROR_LAUNCH_BEFORE_DECISION)),
        RowError(2, "Mã đơn vị hành chính", str(club_services.ERROR_UNIT_HAS_COMMUNES) % {"unit": "Huyện Đồng Bằng"}),
    ]


def test_file_mixing_good_and_bad_rows_saves_nothing(world, province_staff):
    content = xlsx(
        [
            club_row(name="CLB Một"),
            club_row(name="CLB Hai", unit="99999"),
            club_row(code=world.club_a1.code, name="CLB Đổi Tên"),
            club_row(name="CLB Ba", launch_date="01/01/2030"),
        ]
    )
    errors = refused_errors(content, province_staff)
    assert [(error.row, error.column) for error in errors] == [(3, "Mã đơn vị hành chính"), (5, "Ngày ra mắt")]
    world.club_a1.refresh_from_db()
    assert world.club_a1.name == "CLB Liên thế hệ thôn Liên Trì Tây"


def test_refusal_by_a_service_at_save_rolls_back_every_row(world, province_staff, monkeypatch):
    """club_create stays the authority: what it refuses refuses the file, rows saved before included."""
    real_create = club_services.club_create

    def create_refusing_the_second(**values):
        if values["name"] == "CLB Hai":
            raise ValidationError({"unit": ["Refused by the service."], "notes": ["Not a column."]})
        return real_create(**values)

    monkeypatch.setattr(club_import, "club_create", create_refusing_the_second)
    content = xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai"), club_row(name="CLB Ba")])
    assert refused_errors(content, province_staff) == [
        RowError(3, "Mã đơn vị hành chính", "Refused by the service."),
        RowError(3, "", "Not a column."),
    ]


# --- scope and the map ---------------------------------------------------------------------------


def test_area_staff_imports_within_their_area(world, area_staff):
    content = xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai", unit="90102")])
    assert import_file(content, area_staff).result["new"] == 2


def test_system_import_works_on_every_unit(world):
    content = xlsx([club_row(name="CLB Một", unit="90201"), club_row(code=world.club_b1.code, name="CLB Đổi Tên")])
    upload = import_file(content, None)
    assert upload.result == {"new": 1, "update": 1, "unchanged": 0}
    assert AuditEntry.objects.get(action="spreadsheets.clubs.imported").actor is None


def test_unit_code_is_read_on_the_map_in_force_on_the_decision_date(world, map_2025):
    content = xlsx(
        [
            club_row(name="CLB Cũ", decision_date="01/03/2024", launch_date=None),
            club_row(name="CLB Mới", decision_date="01/02/2025", launch_date=None),
        ]
    )
    import_file(content, None)
    assert Club.objects.get(name="CLB Cũ").unit == world.commune_a1
    assert Club.objects.get(name="CLB Mới").unit == map_2025


def test_unit_code_without_decision_date_is_read_on_the_latest_map(world, map_2025):
    import_file(xlsx([club_row(name="CLB Mới", decision_date=None, launch_date=None)]), None)
    assert Club.objects.get(name="CLB Mới").unit == map_2025
    assert map_2025.level == Level.COMMUNE


# --- queries -----------------------------------------------------------------------------------


def test_preview_queries_do_not_grow_with_rows(world, province_staff, django_assert_num_queries):
    def content(count):
        return xlsx(
            [club_row(name=f"CLB {n}", unit="90101" if n % 2 else "90201") for n in range(count)]
            + [club_row(code=world.club_a1.code, name="CLB Đổi Tên")]
        )

    small, large = content(2), content(20)
    preview(small, province_staff)  # the user's role assignments are cached on the user from here
    # units by code, their children, units in scope, clubs by code with their units, those units'
    # children, clubs by name, first status changes of the clubs by code
    with django_assert_num_queries(7):
        preview(small, province_staff)
    with django_assert_num_queries(7):
        preview(large, province_staff)


# Each new club costs what club_create costs, row by row: the name checked twice (club_validate,
# then the unique constraint in full_clean), the next code, the unit's existence, the two check
# constraints, the insert, its two funds (one insert), the audit entry, and its location: its
# unit's successors on the later maps and its predecessors on the earlier ones (none here) and the
# insert: 12 queries. Add 8
# SAVEPOINT / RELEASE statements: club_create, its insert and each check constraint (Django runs
# those in a savepoint) are atomic.
# The preview before the save is a fixed 7 queries at most, whatever the number of rows.
QUERIES_PER_NEW_CLUB = 12
SAVEPOINT_STATEMENTS_PER_NEW_CLUB = 8


def test_importing_2000_rows_has_bounded_queries(world, province_staff):
    communes = [factories.commune(world.district_a, scheme=world.province.scheme) for _ in range(20)]
    rows = [club_row(name=f"CLB Liên thế hệ số {n}", unit=communes[n % 20].code) for n in range(2000)]
    progress = []
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # Not CaptureQueriesContext: Django's query log keeps the last 9000 queries only.
    with connection.execute_wrapper(count):
        upload = import_file(xlsx(rows), province_staff, progress=lambda *args: progress.append(args))

    assert upload.result == {"new": 2000, "update": 0, "unchanged": 0}
    assert Club.objects.filter(code__startswith="QNG-").count() == 2000
    savepoints = [sql for sql in statements if "SAVEPOINT" in sql]
    assert len(statements) - len(savepoints) <= 2000 * QUERIES_PER_NEW_CLUB + 20
    assert len(savepoints) <= 2000 * SAVEPOINT_STATEMENTS_PER_NEW_CLUB + 2
    assert progress == [
        *[("read", n, None) for n in (500, 1000, 1500, 2000)],
        *[("save", n, 2000) for n in (500, 1000, 1500, 2000)],
    ]


# club_update: the name checked twice, the first status change, the code's and the unit's
# checks in full_clean, the two check constraints, the update, the audit entry.
QUERIES_PER_UPDATED_CLUB = 9


def test_updating_rows_has_bounded_queries(world, province_staff):
    clubs = [factories.ClubFactory(unit=world.commune_a1, name=f"CLB số {n}") for n in range(50)]
    content = xlsx([club_row(code=club.code, name=club.name, decision_number="99/QĐ-UBND") for club in clubs])

    with CaptureQueriesContext(connection) as queries:
        upload = import_file(content, province_staff)

    assert upload.result == {"new": 0, "update": 50, "unchanged": 0}
    savepoints = [query for query in queries if "SAVEPOINT" in query["sql"]]
    assert len(queries) - len(savepoints) <= 50 * QUERIES_PER_UPDATED_CLUB + 20


# --- clubs on any map (tests/clubs/maps.py) -------------------------------------------------------


def test_a_club_decided_in_2019_is_read_on_the_earliest_map(world, province_staff):
    """The units of the earliest map held start open: a decision of 2019 sits in a unit of 2020."""
    maps = build_maps(world)
    AdminUnit.objects.filter(scheme=world.province.scheme).update(valid_from=None)
    content = xlsx([club_row(name="CLB 2019", unit="90201", decision_date="15/05/2019", launch_date="01/06/2019")])
    assert import_file(content, province_staff).result["new"] == 1
    club = Club.objects.get(name="CLB 2019")
    assert club.unit == world.commune_b1
    assert where(club) == {
        "vn-2020": ("Xã Ba Vì", LocationSource.REGISTERED),
        "vn-2025-01": ("Xã Ba Vì Mới", LocationSource.LINEAGE),
        "vn-2025-07": (maps.son_ha.name, LocationSource.LINEAGE),
    }


def test_a_club_decided_in_2026_is_read_on_the_map_of_july_2025(world, province_staff):
    maps = build_maps(world)
    content = xlsx([club_row(name="CLB 2026", unit="21002", decision_date="15/11/2026", launch_date="20/11/2026")])
    with time_machine.travel(datetime.datetime(2026, 12, 6, 9, tzinfo=datetime.UTC), tick=False):
        assert import_file(content, province_staff).result["new"] == 1
    club = Club.objects.get(name="CLB 2026")
    assert club.unit == maps.nghia_an
    assert where(club)["vn-2025-07"] == ("Xã Nghĩa An", LocationSource.REGISTERED)
    assert {source for _unit, source in where(club).values()} == {  # earlier maps: traced back
        LocationSource.REGISTERED,
        LocationSource.TRACED_BACK,
    }


def test_a_code_of_several_maps_without_a_decision_date(world, province_staff):
    """Code 90101 is on the maps of 2020 (open start) and of January 2025: without a decision date
    the club is registered on the map in force today."""
    maps = build_maps(world)
    AdminUnit.objects.filter(scheme=world.province.scheme).update(valid_from=None)
    import_file(xlsx([club_row(name="CLB Không Ngày", decision_date=None, launch_date=None)]), province_staff)
    club = Club.objects.get(name="CLB Không Ngày")
    assert club.unit == maps.binh_hiep
    # Bình Hiệp was split on 01/07/2025: a decision waits; on 2020 it came from A1 and A2.
    assert where(club) == {
        "vn-2025-01": ("Xã Bình Hiệp", LocationSource.REGISTERED),
        "vn-2020": ("Huyện Đồng Bằng", LocationSource.TRACED_BACK),
    }


def test_a_unit_of_another_map_names_the_map_in_force(world, province_staff):
    maps = build_maps(world)
    # Tịnh Ấn Tây (90102) is on the map of 2020 only: merged into Bình Hiệp on 01/01/2025.
    content = xlsx([club_row(unit="90102", decision_date="10/02/2025", launch_date=None)])
    assert only_error(content, province_staff) == RowError(
        2,
        "Mã đơn vị hành chính",
        str(club_services.ERROR_UNIT_ON_ANOTHER_MAP)
        % {
            "unit": "Xã Tịnh Ấn Tây",
            "unit_map": world.province.scheme.name,
            "date": "10/02/2025",
            "map": maps.january.name,
        },
    )


def test_a_changed_unit_moves_the_club_across_maps(world, province_staff):
    maps = build_maps(world)
    content = xlsx(
        [
            club_row(
                code=world.club_b1.code,
                name=world.club_b1.name,
                unit="90202",
                decision_date="10/02/2025",
                launch_date="01/03/2025",
            )
        ]
    )
    import_file(content, province_staff)
    assert where(world.club_b1) == {
        "vn-2025-01": ("Xã Sơn Thượng", LocationSource.REGISTERED),
        "vn-2025-07": ("Xã Sơn Hà", LocationSource.LINEAGE),
    }
    assert maps.son_thuong.code == "90202"
