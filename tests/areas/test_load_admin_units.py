"""`load_admin_units PATH --scheme CODE`: the real Quảng Ngãi file, idempotence, updates in place,
and malformed files rejected with their line number and nothing written."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from areas.models import AdminScheme, AdminUnit, AreaType, Kind, Level
from audit.models import AuditEntry

REAL_FILE = Path(settings.BASE_DIR) / "data" / "quang_ngai_2020_2024_units.csv"
HEADER = "district_code,district_name,district_type,area_type,ward_code,ward_name,ward_type"
GOOD_ROW = "522,Thành phố Quảng Ngãi,city,plain,21010,Phường Lê Hồng Phong,phuong"


def load(path, scheme="vn-2020") -> str:
    out = io.StringIO()
    call_command("load_admin_units", str(path), "--scheme", scheme, stdout=out)
    return out.getvalue()


def write_csv(tmp_path, *rows, header=HEADER) -> Path:
    path = tmp_path / "units.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def load_error(path, scheme="vn-2020") -> str:
    """Run the command expecting a CommandError, in English so the message text is stable."""
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        load(path, scheme)
    return str(excinfo.value)


def snapshot() -> list[dict]:
    return list(AdminUnit.objects.order_by("pk").values())


# --- The real file -------------------------------------------------------------------------


@pytest.fixture
def loaded(db):
    output = load(REAL_FILE)
    return output


def test_real_file_loads_every_level_once(loaded):
    units = AdminUnit.objects.filter(scheme__code="vn-2020")
    assert units.filter(level=Level.PROVINCE).count() == 1
    assert units.filter(level=Level.DISTRICT).count() == 13
    assert units.filter(level=Level.COMMUNE).count() == 173
    assert units.count() == 187
    assert "vn-2020: 1 province, 13 district-level units, 173 commune-level units." in loaded
    assert "187 created, 0 updated, 0 unchanged." in loaded
    # The province comes from settings (PROVINCE_CODE, PROVINCE_NAME), not from the file.
    province = units.get(level=Level.PROVINCE)
    assert (province.code, province.name, province.kind, province.area_type) == (
        "51",
        "Tỉnh Quảng Ngãi",
        Kind.PROVINCE,
        "",
    )
    assert province.parent is None
    assert province.path == "/51/"
    # One audit entry for the load, with no actor (a command, not a user).
    entry = AuditEntry.objects.get()
    assert entry.action == "areas.units.loaded"
    assert entry.actor is None
    assert entry.target_type == "areas.adminscheme"
    assert entry.target_id == str(AdminScheme.objects.get(code="vn-2020").pk)
    assert entry.data == {"province": "51", "created": 187, "updated": 0, "starts_changed": 0}


def test_real_file_area_types_and_ly_son(loaded):
    communes = AdminUnit.objects.filter(level=Level.COMMUNE)
    assert communes.filter(area_type=AreaType.PLAIN).count() == 110
    assert communes.filter(area_type=AreaType.MOUNTAIN).count() == 63
    assert not communes.filter(area_type=AreaType.ISLAND).exists()
    # Communes inherit their district's area type.
    for commune in communes.select_related("parent"):
        assert commune.area_type == commune.parent.area_type, commune.code
    assert AdminUnit.objects.get(code="525").area_type == AreaType.MOUNTAIN  # Trà Bồng
    assert AdminUnit.objects.get(code="524").area_type == AreaType.PLAIN  # Bình Sơn
    # Lý Sơn: an island district without communes, which hosts clubs itself.
    ly_son = AdminUnit.objects.get(code="536")
    assert ly_son.name == "Huyện Lý Sơn"
    assert (ly_son.level, ly_son.kind, ly_son.area_type) == (Level.DISTRICT, Kind.DISTRICT, AreaType.ISLAND)
    assert ly_son.path == "/51/536/"
    assert not ly_son.children.exists()
    assert ly_son.is_club_host
    hosts = AdminUnit.objects.club_hosts()
    assert hosts.count() == 174
    assert set(hosts.exclude(level=Level.COMMUNE).values_list("code", flat=True)) == {"536"}


def test_real_file_paths_kinds_and_validity(loaded):
    ward = AdminUnit.objects.get(code="21010")
    assert ward.name == "Phường Lê Hồng Phong"
    assert ward.kind == Kind.WARD
    assert ward.path == "/51/522/21010/"
    assert ward.parent.code == "522"
    assert ward.parent.kind == Kind.CITY
    assert ward.parent.parent.code == "51"
    assert AdminUnit.objects.get(code="534").kind == Kind.TOWN  # Thị xã Đức Phổ
    for unit in AdminUnit.objects.exclude(level=Level.PROVINCE).select_related("parent"):
        assert unit.path == f"{unit.parent.path}{unit.code}/"
    assert AdminUnit.objects.under(AdminUnit.objects.get(code="51")).count() == 187
    # The first map held for the province: every unit starts open (a club of 2019 sits in them)
    # and ends with its scheme.
    scheme = AdminScheme.objects.get(code="vn-2020")
    assert set(AdminUnit.objects.values_list("valid_from", "valid_until")) == {(None, scheme.valid_until)}
    assert ward.is_in_force(datetime.date(2019, 6, 1))
    assert not ward.is_in_force(datetime.date(2025, 1, 1))


def test_second_run_changes_nothing(loaded):
    before = snapshot()

    output = load(REAL_FILE)

    assert "No change" in output
    assert "all 187 units were already up to date" in output
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="areas.units.loaded").count() == 1


def test_changed_name_updates_unit_in_place(loaded, tmp_path):
    ward = AdminUnit.objects.get(code="21010")
    others_before = [row for row in snapshot() if row["id"] != ward.pk]
    text = REAL_FILE.read_text(encoding="utf-8")
    assert text.count("Phường Lê Hồng Phong") == 1
    changed = tmp_path / "renamed.csv"
    changed.write_text(text.replace("Phường Lê Hồng Phong", "Phường Lê Hồng Phong Mới"), encoding="utf-8")

    output = load(changed)

    assert "0 created, 1 updated, 186 unchanged." in output
    ward_after = AdminUnit.objects.get(code="21010")
    assert ward_after.pk == ward.pk
    assert ward_after.name == "Phường Lê Hồng Phong Mới"
    assert ward_after.path == ward.path
    assert [row for row in snapshot() if row["id"] != ward.pk] == others_before
    assert AdminUnit.objects.count() == 187
    latest = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == 2
    assert latest.data == {"province": "51", "created": 0, "updated": 1, "starts_changed": 0}


def test_changed_district_area_type_moves_its_communes_too(loaded, tmp_path):
    text = REAL_FILE.read_text(encoding="utf-8").replace(
        "Huyện Minh Long,district,mountain", "Huyện Minh Long,district,plain"
    )
    changed = tmp_path / "minh_long.csv"
    changed.write_text(text, encoding="utf-8")

    output = load(changed)

    minh_long = AdminUnit.objects.get(code="531")
    assert minh_long.area_type == AreaType.PLAIN
    assert set(minh_long.children.values_list("area_type", flat=True)) == {AreaType.PLAIN}
    assert "0 created, 6 updated, 181 unchanged." in output


# --- Small files ---------------------------------------------------------------------------


def test_small_file_loads(db, tmp_path):
    path = write_csv(
        tmp_path,
        GOOD_ROW,
        "536,Huyện Lý Sơn,district,island,,,",
        "529,Huyện Sơn Hà,district,mountain,21181,Thị trấn Di Lăng,thi_tran",
    )

    output = load(path)

    assert "vn-2020: 1 province, 3 district-level units, 2 commune-level units." in output
    assert AdminUnit.objects.get(code="21181").kind == Kind.TOWNSHIP
    assert AdminUnit.objects.get(code="21181").area_type == AreaType.MOUNTAIN


def test_file_with_byte_order_mark_loads(db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(f"{HEADER}\n{GOOD_ROW}\n", encoding="utf-8-sig")

    load(path)

    assert AdminUnit.objects.filter(code="21010").exists()


# --- Malformed files: line number, nothing written -----------------------------------------


@pytest.mark.parametrize(
    ("rows", "line", "fragment"),
    [
        pytest.param(
            [GOOD_ROW, "524,Huyện Bình Sơn,huyen,plain,20950,Thị trấn Châu Ổ,thi_tran"],
            3,
            "unknown district type 'huyen'",
            id="unknown-district-type",
        ),
        pytest.param(
            [GOOD_ROW, "524,Huyện Bình Sơn,district,coastal,20950,Thị trấn Châu Ổ,thi_tran"],
            3,
            "unknown area type 'coastal'",
            id="unknown-area-type",
        ),
        pytest.param(
            [GOOD_ROW, "524,Huyện Bình Sơn,district,plain,20950,Thị trấn Châu Ổ,town"],
            3,
            "unknown commune type 'town'",
            id="unknown-ward-type",
        ),
        pytest.param(
            [
                GOOD_ROW,
                "522,Thành phố Quảng Ngãi,city,plain,21013,Phường Trần Phú,phuong",
                ",,,plain,21016,Phường X,phuong",
            ],
            4,
            "commune 21016 has no district code",
            id="commune-without-district",
        ),
        pytest.param(
            [GOOD_ROW, "522,TP Quảng Ngãi,city,plain,21013,Phường Trần Phú,phuong"],
            3,
            "district 522 is described differently on line 2",
            id="district-described-differently",
        ),
        pytest.param(
            [GOOD_ROW, "522,Thành phố Quảng Ngãi,city,mountain,21013,Phường Trần Phú,phuong"],
            3,
            "district 522 is described differently on line 2",
            id="district-area-type-differs",
        ),
        pytest.param(
            [GOOD_ROW, "52a,Huyện Bình Sơn,district,plain,20950,Thị trấn Châu Ổ,thi_tran"],
            3,
            "the district code 52a is not a number",
            id="non-numeric-district-code",
        ),
        pytest.param(
            [GOOD_ROW, "524,Huyện Bình Sơn,district,plain,2095O,Thị trấn Châu Ổ,thi_tran"],
            3,
            "the commune code '2095O' is not a number",
            id="non-numeric-ward-code",
        ),
        pytest.param(
            [GOOD_ROW, "524,Huyện Bình Sơn,district,plain,20950,,thi_tran"],
            3,
            "the commune name is empty",
            id="empty-ward-name",
        ),
        pytest.param(
            [GOOD_ROW, "524,,district,plain,20950,Thị trấn Châu Ổ,thi_tran"],
            3,
            "the district name is empty",
            id="empty-district-name",
        ),
        pytest.param(
            [GOOD_ROW, "522,Thành phố Quảng Ngãi,city,plain,522,Phường Trùng Mã,phuong"],
            3,
            "code 522 is already used on line 2",
            id="ward-code-equals-district-code",
        ),
    ],
)
def test_malformed_row_is_rejected_with_line_number(db, tmp_path, rows, line, fragment):
    path = write_csv(tmp_path, *rows)

    message = load_error(path)

    assert "nothing was written" in message
    assert f"Line {line}: " in message
    assert fragment in message
    assert AdminUnit.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_missing_column_is_rejected_on_line_1(db, tmp_path):
    header = HEADER.replace(",area_type", "")
    path = write_csv(tmp_path, "522,Thành phố Quảng Ngãi,city,21010,Phường Lê Hồng Phong,phuong", header=header)

    message = load_error(path)

    assert "Line 1: missing column(s): area_type." in message
    assert AdminUnit.objects.count() == 0


def test_empty_file_without_header_is_rejected(db, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")

    message = load_error(path)

    assert "Line 1: missing column(s)" in message
    assert AdminUnit.objects.count() == 0


def test_header_only_file_is_rejected(db, tmp_path):
    path = write_csv(tmp_path)

    message = load_error(path)

    assert "The file has no units." in message
    assert AdminUnit.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_duplicate_ward_code_names_both_lines(db, tmp_path):
    path = write_csv(
        tmp_path,
        GOOD_ROW,
        "522,Thành phố Quảng Ngãi,city,plain,21013,Phường Trần Phú,phuong",
        "524,Huyện Bình Sơn,district,plain,21010,Xã Bình Trùng,xa",
    )

    message = load_error(path)

    assert "Line 4: code 21010 is already used on line 2." in message
    assert AdminUnit.objects.count() == 0


def test_every_problem_is_listed(db, tmp_path):
    path = write_csv(
        tmp_path,
        "524,Huyện Bình Sơn,huyen,plain,20950,Thị trấn Châu Ổ,thi_tran",
        GOOD_ROW,
        "525,Huyện Trà Bồng,district,hill,20980,Thị trấn Trà Xuân,thi_tran",
    )

    message = load_error(path)

    assert "Line 2: unknown district type" in message
    assert "Line 4: unknown area type" in message
    assert "Line 3" not in message
    assert AdminUnit.objects.count() == 0


def test_bad_file_after_a_good_load_changes_nothing(loaded, tmp_path):
    before = snapshot()
    path = write_csv(tmp_path, "522,Thành phố Mới,city,plain,21010,Phường Đổi Tên,phuong", "523,X,huyen,plain,,,")

    message = load_error(path)

    assert "Line 3: " in message
    assert snapshot() == before
    assert AuditEntry.objects.count() == 1


def test_line_number_counts_blank_lines(db, tmp_path):
    path = write_csv(tmp_path, GOOD_ROW, "", "524,Huyện Bình Sơn,huyen,plain,20950,Thị trấn Châu Ổ,thi_tran")

    message = load_error(path)

    assert "Line 4: unknown district type 'huyen'" in message


# --- Command arguments ---------------------------------------------------------------------


def test_unknown_scheme_lists_known_schemes(db):
    message = load_error(REAL_FILE, scheme="vn-1999")

    assert "Unknown scheme 'vn-1999'" in message
    assert "vn-2020, vn-2025-01, vn-2025-07" in message
    assert AdminUnit.objects.count() == 0


def test_missing_file_is_a_command_error(db, tmp_path):
    message = load_error(tmp_path / "missing.csv")

    assert "Cannot read" in message
    assert "missing.csv" in message
    assert AdminUnit.objects.count() == 0


def test_non_utf8_file_is_a_command_error(db, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(f"{HEADER}\n522,Th\xe0nh ph\xf4,city,plain,,,\n".encode("latin-1"))

    message = load_error(path)

    assert "not a UTF-8 text file" in message
    assert AdminUnit.objects.count() == 0


def test_full_width_digits_are_not_a_code(db, tmp_path):
    path = write_csv(tmp_path, GOOD_ROW, "５２４,Huyện Bình Sơn,district,plain,20950,Thị trấn Châu Ổ,thi_tran")

    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        load(path)

    assert "Line 3: the district code ５２４ is not a number" in str(excinfo.value)
    assert AdminUnit.objects.count() == 0


def test_a_scheme_ends_the_day_the_next_one_starts(db):
    """One end-date convention (core/models.py): the map of 2020 holds until 31/12/2024, its
    successor from 01/01/2025; on no day are both in force, on no day neither."""
    old, new = AdminScheme.objects.get(code="vn-2020"), AdminScheme.objects.get(code="vn-2025-01")
    assert old.valid_until == new.valid_from == datetime.date(2025, 1, 1)
    assert old.last_day == datetime.date(2024, 12, 31)
    assert old.is_in_force(datetime.date(2024, 12, 31)) and not new.is_in_force(datetime.date(2024, 12, 31))
    assert new.is_in_force(datetime.date(2025, 1, 1)) and not old.is_in_force(datetime.date(2025, 1, 1))
    assert list(AdminScheme.objects.in_force(datetime.date(2025, 1, 1))) == [new]


# --- The map of 1 Jul 2025: two levels ------------------------------------------------------

FILE_2025 = Path(settings.BASE_DIR) / "data" / "quang_ngai_2025_units.csv"
HEADER_2025 = "ward_code,ward_name,ward_type,former_province,area_type"
ROW_2025 = "21025,Phường Cẩm Thành,phuong,quang_ngai,plain"


def test_two_level_file_puts_communes_right_under_the_province(db):
    output = load(FILE_2025, scheme="vn-2025-07")

    assert "vn-2025-07: 1 province, 0 district-level units, 96 commune-level units." in output
    assert "97 created, 0 updated, 0 unchanged." in output
    units = AdminUnit.objects.filter(scheme__code="vn-2025-07")
    province = units.get(level=Level.PROVINCE)
    # The new Quảng Ngãi of 1 Jul 2025 keeps code 51 (settings.PROVINCE_CODE).
    assert (province.code, province.name, province.path) == ("51", "Tỉnh Quảng Ngãi", "/51/")
    communes = units.filter(level=Level.COMMUNE)
    assert communes.count() == 96
    assert set(communes.values_list("parent", flat=True)) == {province.pk}
    assert not units.filter(level=Level.DISTRICT).exists()
    # docs/domain.md §6: 86 xã, 9 phường, 1 đặc khu.
    assert communes.filter(kind=Kind.COMMUNE).count() == 86
    assert communes.filter(kind=Kind.WARD).count() == 9
    [ly_son] = communes.filter(kind=Kind.SPECIAL_ZONE)
    assert (ly_son.code, ly_son.name, ly_son.area_type, ly_son.path) == (
        "21548",
        "Đặc khu Lý Sơn",
        AreaType.ISLAND,
        "/51/21548/",
    )
    assert ly_son.is_club_host
    assert units.club_hosts().count() == 96
    # The former province as the file says it, that of the old Quảng Ngãi included.
    assert communes.filter(former_province="kon_tum").count() == 40
    assert communes.filter(former_province="quang_ngai").count() == 56
    assert province.former_province == ""
    assert set(communes.filter(former_province="kon_tum").values_list("area_type", flat=True)) == {AreaType.MOUNTAIN}
    assert not units.filter(derived=True).exists()


def test_two_level_file_second_run_changes_nothing(db):
    load(FILE_2025, scheme="vn-2025-07")
    before = snapshot()

    output = load(FILE_2025, scheme="vn-2025-07")

    assert "No change: all 97 units were already up to date." in output
    assert snapshot() == before
    assert AuditEntry.objects.filter(action="areas.units.loaded").count() == 1


def test_two_level_file_updates_area_type_and_former_province_in_place(db, tmp_path):
    path = write_csv(tmp_path, ROW_2025, "23281,Phường Đăk Cấm,phuong,kon_tum,mountain", header=HEADER_2025)
    load(path, scheme="vn-2025-07")
    ward = AdminUnit.objects.get(code="23281")
    path = write_csv(tmp_path, ROW_2025, "23281,Phường Đăk Cấm,phuong,gia_lai,plain", header=HEADER_2025)

    output = load(path, scheme="vn-2025-07")

    assert "0 created, 1 updated, 2 unchanged." in output
    ward.refresh_from_db()
    assert (ward.former_province, ward.area_type) == ("gia_lai", AreaType.PLAIN)


def test_a_later_map_loaded_first_starts_open_until_an_earlier_one_is_loaded(db):
    """Open starts follow the maps held (areas.services.open_starts_refresh): the map of 1 Jul 2025
    alone is the earliest held for code 51 and starts open; once the map of 2020 is loaded, that one
    does, and the later map starts on its scheme's day — one audited change of the second load."""
    load(FILE_2025, scheme="vn-2025-07")
    assert set(AdminUnit.objects.values_list("valid_from", flat=True)) == {None}

    load(REAL_FILE)

    later = AdminScheme.objects.get(code="vn-2025-07")
    assert set(AdminUnit.objects.filter(scheme=later).values_list("valid_from", flat=True)) == {later.valid_from}
    assert set(AdminUnit.objects.filter(scheme__code="vn-2020").values_list("valid_from", flat=True)) == {None}
    entry = AuditEntry.objects.order_by("-pk").first()
    assert entry.data == {"province": "51", "created": 187, "updated": 0, "starts_changed": 97}
    # Nothing to refresh on a second run.
    assert "No change" in load(FILE_2025, scheme="vn-2025-07")


@pytest.mark.parametrize(
    ("rows", "line", "fragment"),
    [
        pytest.param(
            [ROW_2025, "2103A,Phường Nghĩa Lộ,phuong,quang_ngai,plain"],
            3,
            "the commune code '2103A' is not a number",
            id="non-numeric-code",
        ),
        pytest.param([ROW_2025, "21028,,phuong,quang_ngai,plain"], 3, "the commune name is empty", id="empty-name"),
        pytest.param(
            [ROW_2025, "21028,Phường Nghĩa Lộ,ward,quang_ngai,plain"],
            3,
            "unknown commune type 'ward'",
            id="unknown-ward-type",
        ),
        pytest.param(
            [ROW_2025, "21028,Phường Nghĩa Lộ,phuong,quang_ngai,coastal"],
            3,
            "unknown area type 'coastal'",
            id="unknown-area-type",
        ),
        pytest.param(
            [ROW_2025, "21028,Phường Nghĩa Lộ,phuong,Kon Tum,plain"],
            3,
            "the former province 'Kon Tum' is not a short name in lower case",
            id="former-province-not-a-slug",
        ),
        pytest.param(
            [ROW_2025, "21028,Phường Nghĩa Lộ,phuong,quang_ngai,plain", "21025,Phường Trùng,phuong,quang_ngai,plain"],
            4,
            "code 21025 is already used on line 2",
            id="duplicate-code",
        ),
    ],
)
def test_malformed_two_level_row_is_rejected_with_line_number(db, tmp_path, rows, line, fragment):
    path = write_csv(tmp_path, *rows, header=HEADER_2025)

    message = load_error(path, scheme="vn-2025-07")

    assert "nothing was written" in message
    assert f"Line {line}: {fragment}" in message
    assert AdminUnit.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_two_level_file_lists_every_problem(db, tmp_path):
    path = write_csv(
        tmp_path,
        "21025,Phường Cẩm Thành,phuong,quang_ngai,hill",
        "21028,Phường Nghĩa Lộ,phuong,quang_ngai,plain",
        "x,,dac_khu,quang_ngai,island",
        header=HEADER_2025,
    )

    message = load_error(path, scheme="vn-2025-07")

    assert "Line 2: unknown area type 'hill'" in message
    assert "Line 4: the commune code 'x' is not a number" in message
    assert "Line 4: the commune name is empty" in message
    assert "Line 3" not in message
    assert AdminUnit.objects.count() == 0


def test_two_level_header_without_former_province_is_rejected_on_line_1(db, tmp_path):
    path = write_csv(tmp_path, "21025,Phường Cẩm Thành,phuong,plain", header="ward_code,ward_name,ward_type,area_type")

    message = load_error(path, scheme="vn-2025-07")

    assert "Line 1: missing column(s): former_province." in message
    assert AdminUnit.objects.count() == 0


def test_two_level_header_only_is_rejected(db, tmp_path):
    message = load_error(write_csv(tmp_path, header=HEADER_2025), scheme="vn-2025-07")

    assert "The file has no units." in message
