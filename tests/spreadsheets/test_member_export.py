"""The member list export (spreadsheets.registry.MemberListExport, spreadsheets.exporters.member_*).

What the member list page shows for the same query string, every page of it, as .xlsx or CSV;
"today" is 15/03/2025.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from members import services as member_services
from members.models import AgeGroup, EconomicStatus, Ethnicity, LeaveReason, Sex
from spreadsheets import importing, services
from spreadsheets.exporters import member_columns
from spreadsheets.importing import RowStatus
from spreadsheets.member_import import MEMBER_IMPORT
from tests.conftest import login

D = datetime.date

VI_HEADERS = [
    "Mã CLB",
    "Tên CLB",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Năm sinh",
    "Age group",
    "Dân tộc",
    "Thôn, tổ dân phố",
    "Hoàn cảnh kinh tế",
    "Năm xét hoàn cảnh",
    "Ngày vào CLB",
    "Left on",
    "Điện thoại",
    "Số CCCD",
    "Flags",
]
EN_HEADERS = [
    "Club code",
    "Club name",
    "Full name",
    "Sex",
    "Birth date",
    "Birth year",
    "Age group",
    "Ethnicity",
    "Hamlet",
    "Economic status",
    "Status year",
    "Joined on",
    "Left on",
    "Phone",
    "Citizen ID",
    "Flags",
]


def join(club, actor, **values):
    fields = {
        "full_name": "Nguyễn Thị Đào",
        "sex": Sex.FEMALE,
        "birth_date": D(1950, 4, 3),
        "ethnicity": Ethnicity.objects.get(name="Kinh"),
        "hamlet": "Thôn Liên Trì Tây",
        "phone": "0912 345 678",
        "citizen_id": "051234567890",
        "economic_status": EconomicStatus.POOR,
        "status_from": D(2023, 1, 1),
        "joined_on": D(2023, 1, 10),
    }
    fields.update(values)
    return member_services.member_join(actor=actor, club=club, **fields)


def export_url(export_format="xlsx"):
    return reverse("exports:download", args=["members", export_format])


def export(client, user, export_format="xlsx", **params):
    return login(client, user).get(export_url(export_format), params)


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return list(sheet.iter_rows())


def values_of(response):
    return [[cell.value for cell in row] for row in xlsx_rows(response)]


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def dao(world, province_staff):
    """A member of club A1 whose household left poverty in 2024, with two flags."""
    membership = join(world.club_a1, province_staff, lives_alone=True, receives_home_care=True)
    member_services.household_status_set(
        actor=province_staff, person=membership.person, status=EconomicStatus.NEAR_POOR, valid_from=D(2024, 6, 1)
    )
    return membership


# --- content -------------------------------------------------------------------------------------


def test_xlsx_export_has_the_import_headers_and_typed_cells(client, world, province_staff, dao):
    response = export(client, province_staff)
    assert response["Content-Disposition"] == 'attachment; filename="members-2025-03-15.xlsx"'
    header, row = xlsx_rows(response)
    with translation.override("vi"):
        assert [cell.value for cell in header] == [
            translation.gettext(text) if text in {"Age group", "Left on", "Flags"} else text for text in VI_HEADERS
        ]
        expected = [
            world.club_a1.code,
            world.club_a1.name,
            "Nguyễn Thị Đào",
            str(Sex.FEMALE.label),
            datetime.datetime(1950, 4, 3),  # noqa: DTZ001 (Excel dates are naive)
            1950,
            str(AgeGroup.OLDER.label),
            "Kinh",
            "Thôn Liên Trì Tây",
            str(EconomicStatus.NEAR_POOR.label),  # on the export date
            2024,  # the year of that status
            datetime.datetime(2023, 1, 10),  # noqa: DTZ001
            None,
            "0912 345 678",
            "051234567890",  # province staff see citizen IDs in full
            f"{translation.gettext('lives alone')}; {translation.gettext('receives home care')}",
        ]
    assert [cell.value for cell in row] == expected
    assert (row[4].number_format, row[11].number_format) == ("dd/mm/yyyy", "dd/mm/yyyy")
    assert (row[5].data_type, row[10].data_type) == ("n", "n")
    assert row[14].data_type == "s"


def test_export_in_english_for_an_english_user(client, world, province_staff, dao):
    province_staff.language = "en"
    province_staff.save()
    header, row = values_of(export(client, province_staff))
    assert header == EN_HEADERS
    assert (row[3], row[6], row[9]) == ("female", "older person", "near-poor household")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_export_header_the_import_knows_is_read_back_by_it(world, language):
    with translation.override(language):
        headers = [column.header for column in member_columns()]
    known = {header: MEMBER_IMPORT.column_for(header) for header in headers}
    assert sorted(column.key for column in known.values() if column) == sorted(
        column.key for column in MEMBER_IMPORT.columns if column.key != "unit_code"
    )


def test_age_group_and_status_are_on_the_export_date(client, world, province_staff):
    join(world.club_a1, province_staff, full_name="Người Sáu Mươi", birth_date=None, birth_year=1965)
    join(world.club_a1, province_staff, full_name="Người Năm Chín", birth_date=None, birth_year=1966, citizen_id="")
    with translation.override("vi"):
        older, younger = str(AgeGroup.OLDER.label), str(AgeGroup.YOUNGER.label)
    rows = {row[2]: row for row in values_of(export(client, province_staff))[1:]}
    assert (rows["Người Sáu Mươi"][4], rows["Người Sáu Mươi"][5], rows["Người Sáu Mươi"][6]) == (None, 1965, older)
    assert rows["Người Năm Chín"][6] == younger


@pytest.mark.parametrize(("persona", "shown"), [("province_staff", "051234567890"), ("area_staff", "•••••••••890")])
@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_citizen_ids_in_full_for_province_staff_only(request, client, world, dao, persona, shown, export_format):
    response = export(client, request.getfixturevalue(persona), export_format=export_format)
    rows = values_of(response) if export_format == "xlsx" else csv_rows(response)
    assert rows[1][14] == shown


def test_citizen_ids_masked_for_the_club_chair(client, world, dao, club_chair):
    assert values_of(export(client, club_chair))[1][14] == "•••••••••890"


# --- the list's scope and filters ----------------------------------------------------------------


def test_export_holds_only_the_users_clubs(client, world, province_staff, area_staff, club_chair):
    join(world.club_a1, province_staff, full_name="Người A Một", citizen_id="")
    join(world.club_a2, province_staff, full_name="Người A Hai", citizen_id="")
    join(world.club_b1, province_staff, full_name="Người B Một", citizen_id="")
    assert {row[2] for row in values_of(export(client, area_staff))[1:]} == {"Người A Một", "Người A Hai"}
    assert [row[2] for row in csv_rows(export(client, club_chair, export_format="csv"))[1:]] == ["Người A Một"]
    # A club outside the scope, as on the list page: the filter does not validate, nobody is listed.
    assert values_of(export(client, club_chair, club=world.club_b1.pk))[1:] == []


def test_export_follows_the_list_filters(client, world, province_staff):
    join(world.club_a1, province_staff, full_name="Nguyễn Văn Một", sex=Sex.MALE, citizen_id="")
    join(world.club_b1, province_staff, full_name="Trần Thị Hai", citizen_id="")
    former = join(world.club_a1, province_staff, full_name="Lê Thị Ba", citizen_id="")
    member_services.member_leave(
        actor=province_staff, membership=former, left_on=D(2024, 5, 2), reason=LeaveReason.WITHDREW
    )
    names = lambda **params: [row[2] for row in values_of(export(client, province_staff, **params))[1:]]  # noqa: E731
    assert names() == ["Trần Thị Hai", "Nguyễn Văn Một"]  # current members, by given name
    assert names(sex=Sex.FEMALE) == ["Trần Thị Hai"]
    assert names(q="nguyen van") == ["Nguyễn Văn Một"]
    assert names(club=world.club_b1.pk) == ["Trần Thị Hai"]
    assert names(state="all") == ["Lê Thị Ba", "Trần Thị Hai", "Nguyễn Văn Một"]
    (row,) = values_of(export(client, province_staff, state="former"))[1:]
    assert (row[2], row[12]) == ("Lê Thị Ba", datetime.datetime(2024, 5, 2))  # noqa: DTZ001
    # Every page of the list, not the one shown: the page number is ignored.
    assert names(page=2) == names()


# --- formats and formula injection -----------------------------------------------------------------


def test_xlsx_export_keeps_formula_like_text_as_text(client, world, province_staff):
    join(world.club_a1, province_staff, full_name='=HYPERLINK("http://x","bấm")', hamlet="+84 thôn", citizen_id="")
    row = xlsx_rows(export(client, province_staff))[1]
    assert (row[2].value, row[2].data_type) == ('=HYPERLINK("http://x","bấm")', "s")
    assert (row[8].value, row[8].data_type) == ("+84 thôn", "s")


def test_csv_export_has_a_bom_dates_dd_mm_yyyy_and_defuses_formulas(client, world, province_staff):
    join(world.club_a1, province_staff, full_name="=cmd|' /C calc'!A0", birth_date=D(1950, 4, 3), citizen_id="")
    response = export(client, province_staff, export_format="csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="members-2025-03-15.csv"'
    header, row = csv_rows(response)
    assert header[:3] == ["Mã CLB", "Tên CLB", "Họ và tên"]
    assert row[2] == "'=cmd\\|' /C calc'!A0"
    assert (row[4], row[5], row[11], row[12]) == ("03/04/1950", "1950", "10/01/2023", "")


def test_unknown_export_format_is_not_found(client, world, province_staff):
    assert export(client, province_staff, export_format="pdf").status_code == 404


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_export_queries_do_not_grow_with_members(
    client, world, province_staff, django_assert_num_queries, export_format
):
    for n in range(2):
        join((world.club_a1, world.club_b1)[n % 2], province_staff, full_name=f"Người Số {n}", citizen_id="")
    login(client, province_staff)

    def count_rows():
        response = client.get(export_url(export_format))
        return len(xlsx_rows(response) if export_format == "xlsx" else csv_rows(response)) - 1

    # session, user, role assignments, the clubs for the club filter, the count of the members
    # (larger lists are written by a background job: test_export_jobs.py), the members (person,
    # club, ethnicity joined; age group, status and its year computed in SQL), the audit entry of a
    # list of people leaving the product (spreadsheets/personal_data.py)
    with django_assert_num_queries(7):
        assert count_rows() == 2
    for n in range(2, 20):
        join((world.club_a1, world.club_b1)[n % 2], province_staff, full_name=f"Người Số {n}", citizen_id="")
    with django_assert_num_queries(7):
        assert count_rows() == 20


# --- the round trip: an exported list imports again as unchanged -------------------------------------


@pytest.mark.parametrize("persona", ["province_staff", "area_staff"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_exported_list_imports_again_unchanged(request, client, world, province_staff, dao, persona, language):
    join(
        world.club_a1,
        province_staff,
        full_name="Trần Văn Bình",
        sex=Sex.MALE,
        birth_date=None,
        birth_year=1962,
        ethnicity=None,
        hamlet="",
        phone="",
        citizen_id="",
        economic_status=EconomicStatus.OTHER,
        status_from=None,  # from the joining date, as the member form records it
        joined_on=D(2024, 2, 1),
    )
    user = request.getfixturevalue(persona)
    user.language = language
    user.save()
    content = export(client, user).content

    with translation.override(language):
        result = importing.preview(MEMBER_IMPORT, content, actor=user)
        assert result.unknown_headers == [
            translation.gettext("Age group"),
            translation.gettext("Left on"),
            translation.gettext("Flags"),
        ]
        assert [row.status for row in result.rows] == [RowStatus.UNCHANGED, RowStatus.UNCHANGED]
        upload = services.spreadsheet_import_file(spec=MEMBER_IMPORT, name="export.xlsx", content=content, actor=user)
    assert upload.result == {"new": 0, "update": 0, "unchanged": 2}
