"""spreadsheets/views.py: the import pages (upload → preview → confirm), the template and the exports.

Who may open each URL is in tests/url_access/spreadsheets.py; these tests cover what the pages
show and write.
"""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from audit.models import AuditEntry
from clubs.models import Club
from clubs.services import register as club_services
from spreadsheets import club_import, importing, parsers, workbook
from spreadsheets.models import SpreadsheetImport
from tests import factories
from tests.conftest import login
from tests.jobs import run_jobs
from tests.spreadsheets.files import club_row, xlsx
from tests.text import vi_html

D = datetime.date
UPLOAD_URL = reverse("spreadsheets:club-import")
TEMPLATE_URL = reverse("spreadsheets:club-import-template")


def preview_url(upload):
    return reverse("spreadsheets:club-import-preview", args=[upload.pk])


def confirm_url(upload):
    return reverse("spreadsheets:club-import-confirm", args=[upload.pk])


def progress_url(upload):
    return reverse("spreadsheets:club-import-progress", args=[upload.pk])


def upload_file(client, content, name="clubs.xlsx"):
    return client.post(UPLOAD_URL, {"file": SimpleUploadedFile(name, content)})


def shown(message, **params):
    """A message as the page renders it, in the interface language (Vietnamese by default)."""
    with translation.override("vi"):
        text = str(message) % params if params else str(message)
    return escape(text)


# --- upload → preview → confirm -----------------------------------------------------------------


def test_upload_page_offers_the_template(client, world, province_staff):
    response = login(client, province_staff).get(UPLOAD_URL)
    assert response.status_code == 200
    assert TEMPLATE_URL in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_clean_file_goes_from_upload_to_preview_to_import(client, world, province_staff):
    client = login(client, province_staff)
    response = upload_file(client, xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai")]))
    upload = SpreadsheetImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == preview_url(upload)
    assert (upload.created_by, upload.original_name, upload.imported_at) == (province_staff, "clubs.xlsx", None)

    response = client.get(preview_url(upload))
    page = response.content.decode()
    assert response.context["preview"]["counts"] == {"new": 2, "update": 0, "unchanged": 0}
    assert "CLB Một — Xã Bình Hiệp" in page
    assert confirm_url(upload) in page
    assert not Club.objects.filter(name="CLB Một").exists()

    # Confirming queues the import: the page that follows it waits for the worker.
    response = client.post(confirm_url(upload))
    assert response.status_code == 302
    assert response["Location"] == progress_url(upload)
    assert not Club.objects.filter(name="CLB Một").exists()
    page = client.get(progress_url(upload)).content.decode()
    assert 'data-state="waiting"' in page
    assert '<meta http-equiv="refresh" content="2">' in page

    assert run_jobs() == 1
    assert set(Club.objects.filter(code__startswith="QNG-").values_list("name", flat=True)) == {"CLB Một", "CLB Hai"}
    upload.refresh_from_db()
    assert upload.imported_at is not None
    assert bytes(upload.content) == b""
    assert AuditEntry.objects.get(action="spreadsheets.clubs.imported").actor == province_staff
    page = client.get(progress_url(upload)).content.decode()
    assert 'data-state="done"' in page
    assert (
        vi_html("%(new)s new, %(update)s updated, %(unchanged)s unchanged.")
        % {
            "new": 2,
            "update": 0,
            "unchanged": 0,
        }
        in page
    )
    assert f'href="{reverse("clubs:club-list")}"' in page
    assert "http-equiv" not in page  # finished: the page stops reloading


def test_preview_lists_every_error_and_offers_no_import(client, world, province_staff):
    client = login(client, province_staff)
    content = xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai", unit="99999", launch_date="hôm qua")])
    upload_file(client, content)
    upload = SpreadsheetImport.objects.get()

    response = client.get(preview_url(upload))
    page = response.content.decode()
    with translation.override("vi"):
        lines = [
            str(importing.RowError(3, "Ngày ra mắt", str(parsers.ERROR_DATE))),
            str(importing.RowError(3, "Mã đơn vị hành chính", club_import.ERROR_UNKNOWN_UNIT % {"code": "99999"})),
        ]
    for line in lines:
        assert escape(line) in page
    assert confirm_url(upload) not in page


def test_confirming_a_file_with_errors_saves_nothing(client, world, province_staff):
    client = login(client, province_staff)
    upload_file(client, xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai", unit="99999")]))
    upload = SpreadsheetImport.objects.get()

    client.post(confirm_url(upload))
    run_jobs()

    page = client.get(progress_url(upload)).content.decode()
    assert 'data-state="failed"' in page
    assert vi_html("The import failed. Nothing was saved.") in page
    assert shown(club_import.ERROR_UNKNOWN_UNIT, code="99999") in page
    assert not Club.objects.filter(name="CLB Một").exists()
    upload.refresh_from_db()
    assert upload.imported_at is None
    assert bytes(upload.content) == b""


def test_confirm_checks_the_file_again(client, world, province_staff):
    """A club registered between preview and confirm makes the row a duplicate: nothing is saved."""
    client = login(client, province_staff)
    upload_file(client, xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai")]))
    upload = SpreadsheetImport.objects.get()
    club = club_services.club_create(
        actor=province_staff, name="CLB Hai", unit=world.commune_a1, decision_date=datetime.date(2024, 5, 2)
    )

    client.post(confirm_url(upload))
    run_jobs()

    page = client.get(progress_url(upload)).content.decode()
    assert shown(club_import.ERROR_NAME_EXISTS, unit="Xã Bình Hiệp", code=club.code) in page
    assert not Club.objects.filter(name="CLB Một").exists()


def test_refused_file_is_not_kept(client, world, province_staff):
    row = club_row()
    row[8] = "=SUM(1,2)"
    response = upload_file(login(client, province_staff), xlsx([row]))
    assert response.status_code == 200
    assert shown(workbook.ERROR_FORMULAS, cells="I2") in response.content.decode()
    assert not SpreadsheetImport.objects.exists()


def test_file_that_is_not_excel_is_refused_on_upload(client, world, province_staff):
    response = upload_file(login(client, province_staff), b"Ten CLB,Ma don vi\nCLB,90101\n", name="clubs.xlsx")
    assert shown(workbook.ERROR_NOT_XLSX) in response.content.decode()
    assert not SpreadsheetImport.objects.exists()


def test_unknown_headers_are_shown_on_the_preview(client, world, province_staff):
    client = login(client, province_staff)
    upload_file(client, xlsx([[1, "CLB Một", "90101"]], headers=["STT", "Tên CLB", "Mã đơn vị hành chính"]))
    response = client.get(preview_url(SpreadsheetImport.objects.get()))
    assert response.context["preview"]["unknown_headers"] == ["STT"]
    assert "STT" in response.content.decode()


def test_reimport_preview_shows_nothing_to_import(client, world, province_staff):
    client = login(client, province_staff)
    content = xlsx([club_row(name="CLB Một")])
    upload_file(client, content)
    client.post(confirm_url(SpreadsheetImport.objects.get()))
    run_jobs()
    upload_file(client, content)

    upload = SpreadsheetImport.objects.pending().get()
    response = client.get(preview_url(upload))

    assert response.context["preview"]["counts"] == {"new": 0, "update": 0, "unchanged": 1}
    assert confirm_url(upload) not in response.content.decode()


def test_another_user_cannot_preview_or_confirm_your_upload(client, world, province_staff, area_staff):
    upload_file(login(client, province_staff), xlsx([club_row()]))
    upload = SpreadsheetImport.objects.get()
    client = login(client, area_staff)

    assert client.get(preview_url(upload)).status_code == 404
    assert client.post(confirm_url(upload)).status_code == 404
    assert run_jobs() == 0
    assert not Club.objects.filter(name="CLB Liên thế hệ thôn Mới").exists()
    upload.refresh_from_db()
    assert upload.imported_at is None


def test_an_upload_confirmed_twice_is_imported_once(client, world, province_staff):
    """A double click, or Confirm again after the Back button, before or after the import: the
    first import goes on, the second click leads to it."""
    client = login(client, province_staff)
    upload_file(client, xlsx([club_row()]))
    upload = SpreadsheetImport.objects.get()
    client.post(confirm_url(upload))
    assert client.post(confirm_url(upload))["Location"] == progress_url(upload)
    assert client.get(preview_url(upload))["Location"] == progress_url(upload)
    assert run_jobs() == 1
    assert client.post(confirm_url(upload))["Location"] == progress_url(upload)
    assert run_jobs() == 0
    assert Club.objects.filter(name="CLB Liên thế hệ thôn Mới").count() == 1


def test_a_preview_link_that_expired_says_so_and_offers_to_upload_again(client, world, province_staff):
    client = login(client, province_staff)
    upload_file(client, xlsx([club_row()]))
    imported = SpreadsheetImport.objects.get()
    client.post(confirm_url(imported))
    run_jobs()
    forgotten = SpreadsheetImport.objects.create(
        kind="clubs",
        created_by=province_staff,
        original_name="old.xlsx",
        created_at=timezone.now() - datetime.timedelta(days=2),
    )
    upload_file(client, xlsx([club_row(name="CLB Khác")]))  # drops the forgotten upload
    responses = [
        client.get(preview_url(imported)),
        client.get(preview_url(forgotten)),
    ]
    for response in responses:
        assert response.status_code == 404  # still "not found": the link may be someone else's
        html = response.content.decode()
        assert vi_html("This file is no longer waiting") in html
        assert f'href="{UPLOAD_URL}" data-testid="upload-again"' in html


def test_a_new_upload_replaces_your_pending_one(client, world, province_staff, area_staff):
    theirs = SpreadsheetImport.objects.create(kind="clubs", created_by=area_staff, original_name="a.xlsx")
    client = login(client, province_staff)
    upload_file(client, xlsx([club_row()]), name="first.xlsx")
    upload_file(client, xlsx([club_row()]), name="second.xlsx")
    assert set(SpreadsheetImport.objects.values_list("original_name", flat=True)) == {"second.xlsx", "a.xlsx"}
    assert SpreadsheetImport.objects.filter(pk=theirs.pk).exists()


def test_forgotten_uploads_are_dropped_after_a_day(client, world, province_staff, area_staff):
    old = SpreadsheetImport.objects.create(
        kind="clubs",
        created_by=area_staff,
        original_name="old.xlsx",
        created_at=timezone.now() - datetime.timedelta(days=1, minutes=1),
    )
    upload_file(login(client, province_staff), xlsx([club_row()]))
    assert not SpreadsheetImport.objects.filter(pk=old.pk).exists()


def test_area_staff_file_outside_their_area_is_shown_as_errors(client, world, area_staff):
    client = login(client, area_staff)
    upload_file(client, xlsx([club_row(unit="90201")]))
    response = client.get(preview_url(SpreadsheetImport.objects.get()))
    assert shown(club_import.ERROR_UNIT_OUT_OF_SCOPE, unit="Xã Ba Vì", code="90201") in response.content.decode()


def test_preview_is_kept_at_upload_and_not_read_again(client, world, province_staff, django_assert_num_queries):
    client = login(client, province_staff)
    upload_file(client, xlsx([club_row(name=f"CLB {n}") for n in range(2)]))
    small = SpreadsheetImport.objects.get()
    client.get(preview_url(small))
    # session, user, role assignments, the upload with its preview: the file is not read again
    with django_assert_num_queries(4):
        client.get(preview_url(small))
    upload_file(client, xlsx([club_row(name=f"CLB {n}", unit=("90101", "90102")[n % 2]) for n in range(20)]))
    large = SpreadsheetImport.objects.get()
    with django_assert_num_queries(4):
        response = client.get(preview_url(large))
    assert len(response.context["preview"]["rows"]) == 20


def test_template_download(client, world, province_staff):
    response = login(client, province_staff).get(TEMPLATE_URL)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="clubs-template.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [cell.value for cell in workbook.worksheets[0][1]][:2] == ["Mã CLB", "Tên CLB"]
    assert len(workbook.worksheets[0].data_validations.dataValidation) == 1


# --- exports ------------------------------------------------------------------------------------


def export_url(export_format="xlsx"):
    return reverse("exports:download", args=["clubs", export_format])


def export(client, user, export_format="xlsx", **params):
    return login(client, user).get(export_url(export_format), params)


def xlsx_rows(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    return list(sheet.iter_rows())


def csv_rows(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_xlsx_export_has_translated_headers_and_typed_cells(client, world, province_staff):
    club = world.club_a1
    response = export(client, province_staff, q="liên trì")
    assert response["Content-Disposition"] == 'attachment; filename="clubs-2025-03-15.xlsx"'
    header, row = xlsx_rows(response)
    with translation.override("vi"):
        assert header[0].value == translation.gettext("Club code")
        assert header[11].value == translation.gettext("Status")
    values = [cell.value for cell in row]
    with translation.override("vi"):
        area_type = club.get_area_type_display()
    assert values[:6] == [club.code, club.name, "Xã Bình Hiệp", "Huyện Đồng Bằng", area_type, club.hamlets[0]]
    assert values[7] == datetime.datetime(2022, 3, 1)  # noqa: DTZ001 (Excel dates are naive)
    assert row[7].number_format == "dd/mm/yyyy"
    assert (values[10], row[10].data_type) == (15, "n")


def test_export_in_english_for_an_english_user(client, world, province_staff):
    province_staff.language = "en"
    province_staff.save()
    header, *_rows = xlsx_rows(export(client, province_staff))
    assert [cell.value for cell in header][:2] == ["Club code", "Club name"]


def test_export_follows_the_list_filters(client, world, province_staff):
    rows = xlsx_rows(export(client, province_staff, status="decided"))
    assert [row[1].value for row in rows[1:]] == [world.club_a2.name]
    rows = xlsx_rows(export(client, province_staff, district=world.district_l.pk))
    assert [(row[1].value, row[2].value, row[3].value) for row in rows[1:]] == [
        (world.club_l.name, "Huyện Lý Sơn", "Huyện Lý Sơn")
    ]


def test_export_holds_only_the_users_clubs(client, world, area_staff, club_chair):
    rows = xlsx_rows(export(client, area_staff, commune=world.commune_b1.pk))  # not theirs: ignored, as on the list
    assert {row[1].value for row in rows[1:]} == {world.club_a1.name, world.club_a2.name}
    rows = csv_rows(export(client, club_chair, export_format="csv"))
    assert [row[1] for row in rows[1:]] == [world.club_a1.name]


def test_xlsx_export_keeps_formula_like_names_as_text(client, world, province_staff):
    factories.ClubFactory(unit=world.commune_a1, name='=HYPERLINK("http://x","bấm")')
    rows = xlsx_rows(export(client, province_staff, q="hyperlink"))
    assert rows[1][1].value == '=HYPERLINK("http://x","bấm")'
    assert rows[1][1].data_type == "s"


def test_csv_export_has_a_bom_dates_dd_mm_yyyy_and_defuses_formulas(client, world, province_staff):
    factories.ClubFactory(
        unit=world.commune_a1, name="=cmd|' /C calc'!A0", decision_date=D(2023, 4, 3), launch_date=None
    )
    response = export(client, province_staff, export_format="csv", q="cmd")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clubs-2025-03-15.csv"'
    header, row = csv_rows(response)
    # defusedcsv: a leading quote makes it text, and the pipe of DDE payloads is escaped.
    assert row[1] == "'=cmd\\|' /C calc'!A0"
    assert row[7] == "03/04/2023"


def test_unknown_export_format_is_not_found(client, world, province_staff):
    assert export(client, province_staff, export_format="pdf").status_code == 404


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_export_queries_do_not_grow_with_clubs(client, world, province_staff, django_assert_num_queries, export_format):
    login(client, province_staff)
    Club.objects.exclude(pk__in=[world.club_a1.pk, world.club_a2.pk]).delete()

    def count_rows():
        response = client.get(export_url(export_format))
        return len(xlsx_rows(response) if export_format == "xlsx" else csv_rows(response)) - 1

    # session, user, role assignments, the clubs with their units and status
    with django_assert_num_queries(4):
        assert count_rows() == 2
    for _ in range(18):
        factories.ClubFactory(unit=world.commune_b1)
    with django_assert_num_queries(4):
        assert count_rows() == 20
