from django.urls import path

from spreadsheets import views
from spreadsheets.club_import import CLUB_IMPORT
from spreadsheets.cutoff_import import CUTOFF_IMPORT
from spreadsheets.importing import ImportSpec
from spreadsheets.member_import import MEMBER_IMPORT

app_name = "spreadsheets"


def import_urls(spec: ImportSpec) -> list:
    """The upload, template, preview and confirm pages of one import, named <url_prefix>-import…

    One set of names per import, so that tests/url_access decides who may open each one.
    """
    kind = {"kind": spec.kind}
    prefix = spec.url_prefix
    return [
        path(f"{spec.kind}/import/", views.import_upload, kind, name=f"{prefix}-import"),
        path(f"{spec.kind}/import/template/", views.import_template, kind, name=f"{prefix}-import-template"),
        path(f"{spec.kind}/import/<int:pk>/", views.import_preview, kind, name=f"{prefix}-import-preview"),
        path(f"{spec.kind}/import/<int:pk>/confirm/", views.import_confirm, kind, name=f"{prefix}-import-confirm"),
    ]


urlpatterns = [
    *import_urls(CLUB_IMPORT),
    path("clubs/export/", views.club_export, name="club-export"),
    *import_urls(MEMBER_IMPORT),
    path("members/export/", views.member_export, name="member-export"),
    *import_urls(CUTOFF_IMPORT),
]
