from spreadsheets.models import SpreadsheetImport
from tests import factories
from tests.spreadsheets.files import club_row, cutoff_balance, cutoff_xlsx, xlsx
from tests.url_access import ALL_SIGNED_IN_200, PERSONAS, STAFF_ONLY


def pending_club_import(world):
    """An upload of province_staff ("tinh": the fixture finds this user by name and adds the role).

    Only its uploader may preview it: everyone else who may import gets 404, as for a club out of scope.
    """
    upload = SpreadsheetImport.objects.create(
        kind="clubs",
        created_by=factories.UserFactory(username="tinh"),
        original_name="clubs.xlsx",
        content=xlsx([club_row()]),
    )
    return {"pk": upload.pk}


def pending_member_import(world):
    """An upload of club A1's chair ("chunhiem_a1", found by name by the club_chair fixture).

    Every persona may import members (into their own clubs), so everyone but the uploader gets 404.
    """
    upload = SpreadsheetImport.objects.create(
        kind="members",
        created_by=factories.UserFactory(username="chunhiem_a1"),
        original_name="thanh-vien.xlsx",
        content=xlsx(
            [[world.club_a1.code, "Nguyễn Thị Đào", "Nữ", 1950, "Nghèo", "10/01/2023"]],
            headers=["Mã CLB", "Họ và tên", "Giới tính", "Năm sinh", "Hoàn cảnh kinh tế", "Ngày vào CLB"],
        ),
    )
    return {"pk": upload.pk}


def pending_cutoff_import(world):
    """An upload of club A1's chair ("chunhiem_a1"): only they may preview it."""
    upload = SpreadsheetImport.objects.create(
        kind="cutoff",
        created_by=factories.UserFactory(username="chunhiem_a1"),
        original_name="chot-so-lieu.xlsx",
        content=cutoff_xlsx([cutoff_balance(world.club_a1)]),
    )
    return {"pk": upload.pk}


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
    # Club boards import members into their own club: every persona keeps some register.
    "spreadsheets:member-import": ("get", None, ALL_SIGNED_IN_200),
    "spreadsheets:member-import-template": ("get", None, ALL_SIGNED_IN_200),
    "spreadsheets:member-import-preview": (
        "get",
        pending_member_import,
        {**dict.fromkeys(PERSONAS[1:], 404), "club_chair": 200},
    ),
    "spreadsheets:member-import-confirm": ("get", pending_member_import, dict.fromkeys(PERSONAS[1:], 405)),
    "spreadsheets:cutoff-import": ("get", None, GO_LIVE),
    "spreadsheets:cutoff-import-template": ("get", None, GO_LIVE),
    "spreadsheets:cutoff-import-preview": (
        "get",
        pending_cutoff_import,
        {**dict.fromkeys(PERSONAS[1:], 404), "area_staff": 403, "other_area_staff": 403, "club_chair": 200},
    ),
    "spreadsheets:cutoff-import-confirm": ("get", pending_cutoff_import, dict.fromkeys(PERSONAS[1:], 405)),
}
