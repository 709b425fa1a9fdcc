"""Exports of lists to .xlsx and CSV, through core.spreadsheets: typed cells, translated headers."""

import datetime
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _

from areas.models import Level
from clubs.models import Club, ClubStatus
from core.spreadsheets import Column, Sheet, csv_response, xlsx_response

EXPORT_FORMATS = ("xlsx", "csv")


def club_columns() -> list[Column]:
    """Built at export time, so the headers are in the requesting user's language."""
    return [
        Column(_("Club code"), width=12),
        Column(_("Club name"), width=40),
        Column(_("Commune"), width=24),
        Column(_("District"), width=24),
        Column(_("Area type"), width=12),
        Column(_("Hamlets / residential groups"), width=36),
        Column(_("Decision number"), width=16),
        Column(_("Decision date"), kind="date", width=14),
        Column(_("Issued by"), width=28),
        Column(_("Launch date"), kind="date", width=14),
        Column(_("Meeting day of the month"), kind="int", width=10),
        Column(_("Status"), width=18),
    ]


def club_rows(clubs: QuerySet[Club]) -> Iterator[tuple]:
    """One row per club of `clubs`, which must come from clubs.selectors.club_list (status, units joined)."""
    for club in clubs.iterator(chunk_size=1000):
        unit = club.unit
        # A club in a district without communes (Lý Sơn) sits in the district itself.
        if unit.level == Level.DISTRICT:
            district = unit.name
        elif unit.parent is not None and unit.parent.parent_id is not None:
            district = unit.parent.name
        else:  # a commune right under the province (the map from 1 Jul 2025)
            district = ""
        yield (
            club.code,
            club.name,
            unit.name,
            district,
            club.get_area_type_display(),
            "; ".join(club.hamlets),
            club.decision_number,
            club.decision_date,
            club.decision_issuer,
            club.launch_date,
            club.meeting_day,
            str(ClubStatus(club.status).label),
        )


def club_list_export(clubs: QuerySet[Club], *, export_format: str, today: datetime.date) -> HttpResponse:
    filename = f"clubs-{today:%Y-%m-%d}.{export_format}"
    if export_format == "csv":
        return csv_response(filename, club_columns(), club_rows(clubs))
    return xlsx_response(filename, [Sheet(title=_("Clubs"), columns=club_columns(), rows=club_rows(clubs))])
