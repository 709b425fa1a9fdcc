from django.utils import timezone

from spreadsheets import importing
from spreadsheets.models import SpreadsheetImport
from spreadsheets.registry import IMPORTS
from tests import factories
from tests.spreadsheets.files import club_row, cutoff_balance, cutoff_xlsx, xlsx
from tests.url_access import ALL_SIGNED_IN_200, PERSONAS, STAFF_ONLY


def upload(kind, **fields):
    """An upload with its preview as the upload page keeps it."""
    preview = importing.preview(IMPORTS[kind], fields["content"], actor=None).as_json()
    return SpreadsheetImport.objects.create(kind=kind, preview=preview, **fields)


def confirmed(pending):
    """The same upload, confirmed: its import waits for the worker (only its uploader follows it)."""

    def fixture(world):
        pk = pending(world)["pk"]
        SpreadsheetImport.objects.filter(pk=pk).update(queued_at=timezone.now(), task_id="queued")
        return {"pk": pk}

    fixture.__doc__ = pending.__doc__
    return fixture


def pending_club_import(world):
    """An upload of province_staff ("tinh": the fixture finds this user by name and adds the role).

    Only its uploader may preview it: everyone else who may import gets 404, as for a club out of scope.
    """
    pending = upload(
        "clubs",
        created_by=factories.UserFactory(username="tinh"),
        original_name="clubs.xlsx",
        content=xlsx([club_row()]),
    )
    return {"pk": pending.pk}


def pending_member_import(world):
    """An upload of club A1's chair ("chunhiem_a1", found by name by the club_chair fixture).

    Every persona may import members (into their own clubs), so everyone but the uploader gets 404.
    """
    pending = upload(
        "members",
        created_by=factories.UserFactory(username="chunhiem_a1"),
        original_name="thanh-vien.xlsx",
        content=xlsx(
            [[world.club_a1.code, "Nguyễn Thị Đào", "Nữ", 1950, "Nghèo", "10/01/2023"]],
            headers=["Mã CLB", "Họ và tên", "Giới tính", "Năm sinh", "Hoàn cảnh kinh tế", "Ngày vào CLB"],
        ),
    )
    return {"pk": pending.pk}


def pending_cutoff_import(world):
    """An upload of club A1's chair ("chunhiem_a1"): only they may preview it."""
    pending = upload(
        "cutoff",
        created_by=factories.UserFactory(username="chunhiem_a1"),
        original_name="chot-so-lieu.xlsx",
        content=cutoff_xlsx([cutoff_balance(world.club_a1)]),
    )
    return {"pk": pending.pk}


# Province staff and club boards take running clubs live (Cap.FUNDS_GO_LIVE); area staff only read the books.
GO_LIVE = {
    "province_staff": 200,
    "area_staff": 403,
    "other_area_staff": 403,
    "club_chair": 200,
    "other_chair": 200,
    "admin_user": 200,
}

OWN_UPLOAD = {
    "province_staff": 200,
    "area_staff": 404,
    "other_area_staff": 404,
    "club_chair": 403,
    "other_chair": 403,
    "admin_user": 404,
}

PROTECTED = {
    "spreadsheets:club-import": ("get", None, STAFF_ONLY),
    "spreadsheets:club-import-template": ("get", None, STAFF_ONLY),
    "spreadsheets:club-import-preview": ("get", pending_club_import, OWN_UPLOAD),
    # POST-only: a GET is refused before anything else.
    "spreadsheets:club-import-confirm": ("get", pending_club_import, dict.fromkeys(PERSONAS[1:], 405)),
    "spreadsheets:club-import-progress": ("get", confirmed(pending_club_import), OWN_UPLOAD),
    # Club boards import members into their own club: every persona keeps some register.
    "spreadsheets:member-import": ("get", None, ALL_SIGNED_IN_200),
    "spreadsheets:member-import-template": ("get", None, ALL_SIGNED_IN_200),
    "spreadsheets:member-import-preview": (
        "get",
        pending_member_import,
        {**dict.fromkeys(PERSONAS[1:], 404), "club_chair": 200},
    ),
    "spreadsheets:member-import-confirm": ("get", pending_member_import, dict.fromkeys(PERSONAS[1:], 405)),
    "spreadsheets:member-import-progress": (
        "get",
        confirmed(pending_member_import),
        {**dict.fromkeys(PERSONAS[1:], 404), "club_chair": 200},
    ),
    "spreadsheets:cutoff-import": ("get", None, GO_LIVE),
    "spreadsheets:cutoff-import-template": ("get", None, GO_LIVE),
    "spreadsheets:cutoff-import-preview": (
        "get",
        pending_cutoff_import,
        {**dict.fromkeys(PERSONAS[1:], 404), "area_staff": 403, "other_area_staff": 403, "club_chair": 200},
    ),
    "spreadsheets:cutoff-import-confirm": ("get", pending_cutoff_import, dict.fromkeys(PERSONAS[1:], 405)),
    "spreadsheets:cutoff-import-progress": (
        "get",
        confirmed(pending_cutoff_import),
        {**dict.fromkeys(PERSONAS[1:], 404), "area_staff": 403, "other_area_staff": 403, "club_chair": 200},
    ),
}
