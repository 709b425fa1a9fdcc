"""Large exports as background jobs (spreadsheets.services.export_job_queue / export_job_run): an
export whose rows_estimate is over settings.EXPORT_IN_REQUEST_MAX_ROWS is queued rather than written
in the request, written by the worker as its requester (accounts.access asked again), followed on
its progress page and downloaded from it by the requester only. "Today" is 15/03/2025."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import RoleAssignment
from accounts.services import club_board_role_end
from audit.models import AuditEntry
from core.spreadsheets import Column, Sheet
from funds.models import FundKind
from spreadsheets import services
from spreadsheets.exporting import RowTally, export_scope
from spreadsheets.models import ExportJob, JobState
from spreadsheets.progress import export_progress_read, export_progress_recorder
from spreadsheets.registry import EXPORTS
from spreadsheets.tasks import export_build
from spreadsheets.workbook import PROGRESS_EVERY
from tests.conftest import login
from tests.funds.test_selectors import contribute
from tests.jobs import run_jobs
from tests.spreadsheets.test_member_export import join
from tests.text import vi, vi_html

D = datetime.date
AUDITED = "exports.personal_data.exported"
LIMIT = 5


@pytest.fixture(autouse=True)
def small_limit(settings):
    """Anything over 5 rows is a large export here."""
    settings.EXPORT_IN_REQUEST_MAX_ROWS = LIMIT


def members_url(export_format="xlsx", **query):
    url = reverse("exports:download", args=["members", export_format])
    return f"{url}?{'&'.join(f'{key}={value}' for key, value in query.items())}" if query else url


def people(club, actor, count, prefix="Người"):
    for number in range(count):
        join(club, actor, full_name=f"{prefix} Số {number:03}", citizen_id="")


def queue(client, url):
    """Ask for a large export: the answer is the way to its progress page, and its job."""
    response = client.get(url)
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exports:job", args=[job.pk])
    return job


def downloaded(client, job):
    response = client.get(reverse("exports:job-file", args=[job.pk]))
    assert response.status_code == 200
    # Read to its end, the test client closes the response (and the file) as a WSGI server does.
    content = b"".join(response.streaming_content)
    return response, content


def file_rows(content, export_format):
    if export_format == "csv":
        text = content.decode("utf-8")
        assert text.startswith("\ufeff")
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def member_count(world):
    return sum(club.memberships.count() for club in (world.club_a1, world.club_b1))


@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_a_large_member_export_is_written_by_the_job_and_downloaded_from_its_page(
    client, world, province_staff, export_format
):
    people(world.club_a1, province_staff, 4)
    people(world.club_b1, province_staff, 3)
    login(client, province_staff)
    expected_rows = EXPORTS["members"].rows_estimate(*scope_and_form(province_staff))
    assert expected_rows > LIMIT

    job = queue(client, members_url(export_format))

    # Nothing is written until the worker runs.
    assert (job.identifier, job.export_format, job.rows_estimate) == ("members", export_format, expected_rows)
    assert job.job_state == JobState.WAITING
    assert not job.path.exists()
    assert not AuditEntry.objects.filter(action=AUDITED).exists()
    page_url = reverse("exports:job", args=[job.pk])
    page = client.get(page_url).content.decode()
    assert 'data-state="waiting"' in page
    assert '<meta http-equiv="refresh"' in page
    assert client.get(reverse("exports:job-file", args=[job.pk])).status_code == 404

    # While it runs, the page shows the rows written as the job last recorded them.
    ExportJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
    export_progress_recorder(job)(3)
    page = client.get(page_url).content.decode()
    assert 'data-state="running"' in page
    assert vi_html("%(done)s of about %(total)s rows written…") % {"done": 3, "total": expected_rows} in page

    assert run_jobs() == 1

    job.refresh_from_db()
    assert job.job_state == JobState.DONE
    assert job.rows_written == expected_rows
    assert job.file_name == f"members-2025-03-15.{export_format}"
    page = client.get(page_url).content.decode()
    assert 'data-state="done"' in page
    assert "http-equiv" not in page
    assert reverse("exports:job-file", args=[job.pk]) in page

    response, content = downloaded(client, job)
    assert response["Content-Disposition"] == f'attachment; filename="members-2025-03-15.{export_format}"'
    rows = file_rows(content, export_format)
    assert len(rows) == 1 + expected_rows  # the header, then every member
    names = {row[2] for row in rows[1:]}
    assert {f"Người Số {number:03}" for number in range(4)} <= names
    [entry] = AuditEntry.objects.filter(action=AUDITED)
    assert entry.actor == province_staff
    assert entry.data["rows"] == expected_rows
    assert (entry.data["export"], entry.data["format"]) == ("members", export_format)


def scope_and_form(user):
    exporter = EXPORTS["members"]
    scope = export_scope(user, exporter, None)
    return scope, exporter.form(scope, QueryDict())


def test_a_small_export_is_still_answered_at_once(client, world, province_staff, settings):
    settings.EXPORT_IN_REQUEST_MAX_ROWS = 5000
    people(world.club_a1, province_staff, 6)
    response = login(client, province_staff).get(members_url())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="members-')
    assert not ExportJob.objects.exists()


def test_only_the_requester_sees_the_job_and_its_file(client, world, province_staff, area_staff, admin_user):
    people(world.club_a1, province_staff, LIMIT + 1)
    job = queue(login(client, province_staff), members_url())
    assert run_jobs() == 1
    for outsider in (area_staff, admin_user):
        login(client, outsider)
        assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
        assert client.get(reverse("exports:job-file", args=[job.pk])).status_code == 404
    login(client, province_staff)
    downloaded(client, job)


def test_a_chairs_job_covers_only_her_club(client, world, province_staff, club_chair):
    people(world.club_a1, province_staff, LIMIT + 1, prefix="Người A1")
    people(world.club_b1, province_staff, 3, prefix="Người B1")
    job = queue(login(client, club_chair), members_url(state="all"))
    assert run_jobs() == 1

    _response, content = downloaded(client, job)
    rows = file_rows(content, "xlsx")[1:]
    assert {row[0] for row in rows} == {world.club_a1.code}
    assert len(rows) == world.club_a1.memberships.count()
    assert not [row for row in rows if row[2].startswith("Người B1")]


def test_a_role_ended_before_the_job_runs_fails_it(client, world, province_staff, club_chair):
    """The worker asks accounts.access again as the requester: a chair whose role ended meanwhile
    gets no file, and the page says why."""
    people(world.club_a1, province_staff, LIMIT + 1)
    job = queue(login(client, club_chair), members_url())
    assignment = RoleAssignment.objects.get(user=club_chair)
    club_board_role_end(actor=province_staff, assignment=assignment, ended_on=D(2025, 3, 14))

    assert run_jobs() == 1

    job.refresh_from_db()
    assert job.job_state == JobState.FAILED
    assert job.error == vi("You may no longer take this export: your access has changed since you asked.")
    assert not job.path.exists()
    assert not AuditEntry.objects.filter(action=AUDITED).exists()
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in page
    assert vi_html("The export failed.") in page
    assert client.get(reverse("exports:job-file", args=[job.pk])).status_code == 404


def test_a_failing_build_marks_the_job_failed(client, world, province_staff, monkeypatch):
    people(world.club_a1, province_staff, LIMIT + 1)
    job = queue(login(client, province_staff), members_url())

    def broken(scope, form):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(EXPORTS["members"], "build", broken)
    assert run_jobs() == 1

    job.refresh_from_db()
    assert job.job_state == JobState.FAILED
    assert job.error == vi("The export stopped on an unexpected error.")
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.FAILED
    assert list(job.path.parent.glob(f"{job.path.name}*")) == []  # nothing half written stays
    assert not AuditEntry.objects.filter(action=AUDITED).exists()
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert 'data-state="failed"' in page
    assert "http-equiv" not in page


def test_a_job_run_twice_writes_and_audits_once(client, world, province_staff):
    people(world.club_a1, province_staff, LIMIT + 1)
    job = queue(login(client, province_staff), members_url())
    # The same job queued again (a retry after a worker stopped, a second worker).
    export_build.enqueue(job_pk=job.pk)

    assert run_jobs() == 2

    assert AuditEntry.objects.filter(action=AUDITED).count() == 1
    job.refresh_from_db()
    results = {job_result.return_value for job_result in DBTaskResult.objects.all()}
    assert results == {job.rows_written}


def test_the_queuing_request_takes_as_many_queries_with_more_data(client, world, province_staff):
    people(world.club_a1, province_staff, LIMIT + 1)
    login(client, province_staff)
    with CaptureQueriesContext(connection) as few:
        queue(client, members_url())
    ExportJob.objects.all().delete()
    people(world.club_b1, province_staff, 30, prefix="Thêm")
    with CaptureQueriesContext(connection) as more:
        queue(client, members_url())
    assert len(more) == len(few)


def test_jobs_older_than_a_day_go_with_their_files_when_another_is_queued(
    client, world, province_staff, django_capture_on_commit_callbacks
):
    people(world.club_a1, province_staff, LIMIT + 1)
    old = queue(login(client, province_staff), members_url())
    assert run_jobs() == 1
    assert old.path.exists()
    expired = timezone.now() - services.EXPORT_LIFETIME - datetime.timedelta(minutes=1)
    ExportJob.objects.filter(pk=old.pk).update(queued_at=expired)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(members_url("csv"))

    [new] = ExportJob.objects.all()
    assert response["Location"] == reverse("exports:job", args=[new.pk])
    assert not old.path.exists()
    assert client.get(reverse("exports:job", args=[old.pk])).status_code == 404


def test_a_large_cash_book_is_a_job_of_its_club(client, world, club_chair):
    for number in range(LIMIT + 1):
        contribute(world.club_a1, 100_000 + number, D(2025, 1, 2 + number))
    url = reverse("exports:club-download", args=[world.club_a1.pk, "cash-book-income", "xlsx"])
    job = queue(login(client, club_chair), f"{url}?start=01/01/2025")
    assert job.club == world.club_a1
    assert job.query == "start=01%2F01%2F2025"

    assert run_jobs() == 1

    job.refresh_from_db()
    assert job.rows_written == job.rows_estimate > LIMIT  # with the world's entries of this year
    assert job.file_name.startswith(f"cash-book-{world.club_a1.code}-{FundKind.INCOME}-20250101")
    _response, content = downloaded(client, job)
    assert len(file_rows(content, "xlsx")) > job.rows_written
    [entry] = AuditEntry.objects.filter(action=AUDITED)
    assert (entry.club, entry.data["rows"]) == (world.club_a1, job.rows_written)
    assert export_progress_read(job) is None  # fewer rows than a progress record is made for


def test_a_large_portfolio_is_a_job(client, world, province_staff, settings):
    """The portfolio counts its clubs and the loans written off and rescheduled: the world's are a
    few, over a limit of one."""
    settings.EXPORT_IN_REQUEST_MAX_ROWS = 1
    job = queue(login(client, province_staff), reverse("exports:download", args=["portfolio", "xlsx"]))
    assert job.rows_estimate > 1
    assert run_jobs() == 1
    job.refresh_from_db()
    assert job.job_state == JobState.DONE
    _response, content = downloaded(client, job)
    assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames[0]


def test_the_rows_written_are_reported_every_few_hundred():
    reported = []
    tally = RowTally(reported.append)
    sheets = tally.sheets(
        [Sheet("A", [Column("n")], ([n] for n in range(700))), Sheet("B", [Column("n")], [[1]] * 400)]
    )
    assert sum(1 for sheet in sheets for _row in sheet.rows) == 1100
    assert (tally.count, reported) == (1100, [PROGRESS_EVERY, 2 * PROGRESS_EVERY])


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_writes_the_queued_export(ethnicities, client, world, province_staff):
    """`manage.py db_worker --batch`, as the worker runs beside the server, the job in its own
    transactions and the member list read through a cursor outside any (a database that commits).
    The ethnic groups the members need are put back first (the `ethnicities` fixture): a test that
    commits empties the database after it."""
    people(world.club_a1, province_staff, LIMIT + 1)
    job = queue(login(client, province_staff), members_url())

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.job_state == JobState.DONE
    _response, content = downloaded(client, job)
    assert len(file_rows(content, "xlsx")) == 1 + job.rows_written
