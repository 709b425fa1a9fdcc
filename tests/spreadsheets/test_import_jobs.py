"""The import as a background job (spreadsheets/tasks.py): queued by the confirmation, run by the
database backend's worker, all or nothing and once, its progress kept where the pages read it
while the import's transaction is still open (spreadsheets/progress.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEntry
from members import services as member_services
from members.models import Membership
from spreadsheets.importing import RowError
from spreadsheets.models import JobState, SpreadsheetImport
from spreadsheets.progress import Progress, progress_read, progress_recorder
from spreadsheets.tasks import import_upload
from tests.conftest import login
from tests.jobs import run_jobs
from tests.spreadsheets.test_member_import import member, member_file
from tests.text import vi_html

# Just over PROGRESS_EVERY (500 rows): the job records how far it is on the way.
ROWS = 501


def upload_and_confirm(client, rows):
    client.post(reverse("spreadsheets:member-import"), {"file": SimpleUploadedFile("tv.xlsx", member_file(rows))})
    upload = SpreadsheetImport.objects.get()
    response = client.post(reverse("spreadsheets:member-import-confirm", args=[upload.pk]))
    progress_url = reverse("spreadsheets:member-import-progress", args=[upload.pk])
    assert response["Location"] == progress_url
    upload.refresh_from_db()
    return upload, progress_url


def people(club, count):
    return [member(club, full_name=f"Người Số {n:04}", phone=None) for n in range(count)]


def test_a_larger_import_goes_through_the_job_with_its_progress(client, world, club_chair):
    client = login(client, club_chair)
    members_before = Membership.objects.count()
    upload, progress_url = upload_and_confirm(client, people(world.club_a1, ROWS))
    assert upload.job_state == JobState.WAITING
    assert upload.preview["counts"] == {"new": ROWS, "update": 0, "unchanged": 0}

    # What the page shows while the job runs: the progress the job recorded, read from outside
    # the database (the rows saved so far are not visible to the page's connection).
    SpreadsheetImport.objects.filter(pk=upload.pk).update(started_at=timezone.now())
    progress_recorder(upload)("save", 500, ROWS)
    page = client.get(progress_url).content.decode()
    assert 'data-state="running"' in page
    assert vi_html("%(done)s of %(total)s rows saved…") % {"done": 500, "total": ROWS} in page
    assert '<meta http-equiv="refresh"' in page

    assert run_jobs() == 1

    assert Membership.objects.count() == members_before + ROWS
    assert progress_read(upload) == Progress("save", 500, ROWS)  # the last the job recorded
    upload.refresh_from_db()
    assert upload.job_state == JobState.DONE
    assert upload.result == {"new": ROWS, "update": 0, "unchanged": 0}
    job = DBTaskResult.objects.get(id=upload.task_id)
    assert (job.status, job.return_value) == (TaskResultStatus.SUCCESSFUL, upload.result)
    page = client.get(progress_url).content.decode()
    assert 'data-state="done"' in page
    assert "http-equiv" not in page


def test_a_failing_file_keeps_its_errors_and_saves_nothing(client, world, club_chair):
    """One bad row among 300, confirmed all the same (the preview offers no Import button, but a
    form may be sent again): the job's check inside its transaction refuses the file, no row stays."""
    client = login(client, club_chair)
    rows = people(world.club_a1, 300)
    rows[150]["joined_on"] = "10/01/2099"
    members_before = Membership.objects.count()
    upload, progress_url = upload_and_confirm(client, rows)

    assert run_jobs() == 1

    assert Membership.objects.count() == members_before
    upload.refresh_from_db()
    assert upload.job_state == JobState.FAILED
    with translation.override("vi"):
        error = str(RowError(152, "Ngày vào CLB", str(member_services.ERROR_IN_FUTURE)))
    assert upload.errors == [error]
    assert bytes(upload.content) == b""  # the file goes: it is never imported now
    assert not AuditEntry.objects.filter(action="spreadsheets.members.imported").exists()
    page = client.get(progress_url).content.decode()
    assert 'data-state="failed"' in page
    assert vi_html("The import failed. Nothing was saved.") in page
    assert escape(error) in page
    # Confirmed again (the Back button): the failed import is shown again, not run again.
    client.post(reverse("spreadsheets:member-import-confirm", args=[upload.pk]))
    assert run_jobs() == 0


def test_a_job_run_twice_imports_once(client, world, club_chair):
    client = login(client, club_chair)
    members_before = Membership.objects.count()
    upload, _progress_url = upload_and_confirm(client, people(world.club_a1, 3))
    # The same job queued again (a retry after a worker stopped, a second worker): it finds the
    # upload imported and returns the first result.
    import_upload.enqueue(kind="members", upload_pk=upload.pk, language="vi")

    assert run_jobs() == 2

    assert Membership.objects.count() == members_before + 3
    assert AuditEntry.objects.filter(action="spreadsheets.members.imported").count() == 1
    results = {str(job.return_value) for job in DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL)}
    assert results == {str({"new": 3, "update": 0, "unchanged": 0})}


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_the_queued_import(ethnicities, client, world, club_chair):
    """`manage.py db_worker --batch`, as the worker runs beside the server, each job in its own
    transaction (a database that commits). The ethnic groups the file names are put back first
    (the `ethnicities` fixture): a test that commits empties the database after it."""
    client = login(client, club_chair)
    members_before = Membership.objects.count()
    upload, progress_url = upload_and_confirm(client, people(world.club_a1, 3))

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # How each job ended, and the upload's own record, said when the import did not happen.
    jobs = list(DBTaskResult.objects.values_list("status", "exception_class_path", "traceback"))
    upload.refresh_from_db()
    assert Membership.objects.count() == members_before + 3, (jobs, upload.job_state, upload.errors)
    assert 'data-state="done"' in client.get(progress_url).content.decode()
