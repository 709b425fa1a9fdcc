"""manage.py import_clubs: the same checks and save as the web pages, on the command line."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import gettext

from audit.models import AuditEntry
from clubs.models import Club
from spreadsheets import club_import, parsers, workbook
from spreadsheets.importing import RowError
from spreadsheets.models import SpreadsheetImport
from tests.spreadsheets.files import club_row, with_extra_member, xlsx


@pytest.fixture
def write(tmp_path):
    def write(content, name="clubs.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def run(*args):
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_clubs", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def refused(*args):
    with pytest.raises(CommandError) as exc:
        run(*args)
    return str(exc.value).splitlines()


def new_clubs():
    return Club.objects.filter(code__startswith="QNG-")


def test_it_imports_a_clean_file(world, write):
    stdout, _stderr = run(write(xlsx([club_row(name="CLB Một"), club_row(name="CLB Hai")])))
    assert sorted(new_clubs().values_list("name", flat=True)) == ["CLB Hai", "CLB Một"]
    summary = gettext("%(file)s imported: %(new)s new, %(update)s updated, %(unchanged)s unchanged.")
    assert stdout == summary % {"file": "clubs.xlsx", "new": 2, "update": 0, "unchanged": 0} + "\n"
    entry = AuditEntry.objects.get(action="spreadsheets.clubs.imported")
    assert entry.actor is None
    assert entry.data["file"] == "clubs.xlsx"


def test_dry_run_saves_nothing(world, write):
    stdout, _stderr = run(write(xlsx([club_row()])), "--dry-run")
    assert not new_clubs().exists()
    assert not SpreadsheetImport.objects.exists()
    assert not AuditEntry.objects.exists()
    summary = gettext("Dry run, nothing was saved: %(new)s new, %(update)s to update, %(unchanged)s unchanged.")
    assert stdout == summary % {"new": 1, "update": 0, "unchanged": 0} + "\n"


def test_bad_rows_exit_with_every_row_error(world, write):
    path = write(xlsx([club_row(name="CLB Một"), club_row(unit="99999"), club_row(name="CLB Ba", launch_date="x")]))
    lines = refused(path)
    assert lines[1:] == [
        str(RowError(3, "Mã đơn vị hành chính", str(club_import.ERROR_UNKNOWN_UNIT) % {"code": "99999"})),
        str(RowError(4, "Ngày ra mắt", str(parsers.ERROR_DATE))),
    ]
    assert not new_clubs().exists()


def test_bad_rows_in_a_dry_run_exit_with_the_same_errors(world, write):
    lines = refused(write(xlsx([club_row(unit="99999")])), "--dry-run")
    error = RowError(2, "Mã đơn vị hành chính", str(club_import.ERROR_UNKNOWN_UNIT) % {"code": "99999"})
    assert lines[1:] == [str(error)]


def test_refused_file_exits_non_zero(world, write):
    content = with_extra_member(xlsx([club_row()]), "xl/vbaProject.bin", b"macro")
    assert refused(write(content, "clubs.xlsm"))[1:] == [str(workbook.ERROR_MACROS)]


def test_missing_file_exits_non_zero(world, tmp_path):
    (line,) = refused(str(tmp_path / "nowhere.xlsx"))
    assert "nowhere.xlsx" in line


def test_user_scopes_the_import(world, write, area_staff):
    lines = refused(write(xlsx([club_row(unit="90201")])), "--user", area_staff.username)
    assert lines[1:] == [
        str(
            RowError(
                2,
                "Mã đơn vị hành chính",
                str(club_import.ERROR_UNIT_OUT_OF_SCOPE) % {"unit": "Xã Ba Vì", "code": "90201"},
            )
        )
    ]
    run(write(xlsx([club_row(unit="90102")])), "--user", area_staff.username)
    assert AuditEntry.objects.get(action="spreadsheets.clubs.imported").actor == area_staff


def test_user_without_the_capability_is_refused(world, write, club_chair):
    assert refused(write(xlsx([club_row()])), "--user", club_chair.username) == [
        gettext("%(username)s may not use this import.") % {"username": club_chair.username}
    ]
    assert not new_clubs().exists()


def test_unknown_user_is_refused(world, write):
    assert refused(write(xlsx([club_row()])), "--user", "nobody") == [
        gettext("There is no user %(username)s.") % {"username": "nobody"}
    ]


def test_progress_is_reported_every_500_rows(world, write):
    rows = [club_row(name=f"CLB {n}", unit=("90101", "90102", "90201")[n % 3]) for n in range(1000)]
    _stdout, stderr = run(write(xlsx(rows)), "--dry-run")
    assert stderr.splitlines() == [
        gettext("%(done)s rows read…") % {"done": 500},
        gettext("%(done)s rows read…") % {"done": 1000},
    ]
