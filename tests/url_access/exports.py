"""Who may download which export (spreadsheets.registry.EXPORTS): one row per export and format under
the two URL names of the one export view. tests/spreadsheets/test_export_registry.py checks that every
format of every registered export has its row here.

Reports over many clubs (capital, scorecard, portfolio, targets) are for association staff, each
within their area (Cap.REPORT_VIEW); a club's board sees its own figures on its club's pages. The
lists are for everyone, each of their own clubs, as the list pages show them. A cash book is read
by whoever sees the club's funds; outsiders never learn that club A1 exists (404).

A large export's job (its progress page and its file) is its requester's only: 404 for everyone else.
"""

from django.utils import timezone

from spreadsheets.models import ExportJob
from tests import factories
from tests.url_access import ALL_SIGNED_IN_200, PERSONAS, STAFF_ONLY, VIEW_CLUB_A1
from tests.url_access.targets import with_plan


def download(identifier, export_format, expected, setup=None):
    """The row of one export in one format over the user's clubs; `setup(world)` adds what it needs."""

    def kwargs(world):
        if setup is not None:
            setup(world)
        return {"identifier": identifier, "export_format": export_format}

    return f"{identifier}.{export_format}", ("get", kwargs, expected)


def club_a1_download(identifier, export_format, expected):
    """The row of one export of club A1 in one format."""

    def kwargs(world):
        return {"club_pk": world.club_a1.pk, "identifier": identifier, "export_format": export_format}

    return f"{identifier}.{export_format}", ("get", kwargs, expected)


def finished_member_export(world):
    """A large member export of club A1's chair ("chunhiem_a1", found by name by the club_chair
    fixture), written: its page offers the file, which the download asks accounts.access for again."""
    job = ExportJob.objects.create(
        identifier="members",
        export_format="xlsx",
        requested_by=factories.UserFactory(username="chunhiem_a1"),
        language="vi",
        rows_estimate=6000,
        task_id="written",
        started_at=timezone.now(),
        finished_at=timezone.now(),
        rows_written=6000,
        file_name="members-2025-03-15.xlsx",
    )
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_bytes(b"PK")
    return {"pk": job.pk}


OWN_JOB = {**dict.fromkeys(PERSONAS[1:], 404), "club_chair": 200}

PROTECTED = {
    "exports:download": dict(
        [
            download("capital", "xlsx", STAFF_ONLY),
            download("scorecard", "xlsx", STAFF_ONLY),
            download("portfolio", "xlsx", STAFF_ONLY),
            download("targets", "xlsx", STAFF_ONLY, setup=with_plan),
            download("targets", "pdf", STAFF_ONLY, setup=with_plan),
            download("clubs", "xlsx", ALL_SIGNED_IN_200),
            download("clubs", "csv", ALL_SIGNED_IN_200),
            download("members", "xlsx", ALL_SIGNED_IN_200),
            download("members", "csv", ALL_SIGNED_IN_200),
        ]
    ),
    "exports:club-download": dict(
        [
            club_a1_download("cash-book-income", "xlsx", VIEW_CLUB_A1),
            club_a1_download("cash-book-activity", "xlsx", VIEW_CLUB_A1),
        ]
    ),
    "exports:job": ("get", finished_member_export, OWN_JOB),
    "exports:job-file": ("get", finished_member_export, OWN_JOB),
}
