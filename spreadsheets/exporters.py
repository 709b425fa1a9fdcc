"""The club and member lists as sheets (.xlsx or CSV, spreadsheets.registry EXPORTS): the rows the list
pages show, typed cells, headers in the language of the user who asks."""

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Field, OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import gettext as _

from clubs.models import ClubStatus
from core.spreadsheets import Column, Sheet
from members.models import AgeGroup, EconomicStatus, HouseholdStatus, Person
from spreadsheets.member_import import MEMBER_IMPORT

if TYPE_CHECKING:
    from clubs.models import ClubWithStatus
    from members.selectors import MemberListRow


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


def club_rows(clubs: "QuerySet[ClubWithStatus]") -> Iterator[tuple]:
    """One row per club of `clubs`, which must come from clubs.selectors.club_list (status, units joined)."""
    for club in clubs.iterator(chunk_size=1000):
        unit = club.unit
        yield (
            club.code,
            club.name,
            unit.name,
            unit.district_name,
            club.get_area_type_display(),
            "; ".join(club.hamlets),
            club.decision_number,
            club.decision_date,
            club.decision_issuer,
            club.launch_date,
            club.meeting_day,
            str(ClubStatus(club.status).label),
        )


def club_list_sheet(clubs: "QuerySet[ClubWithStatus]") -> Sheet:
    return Sheet(title=_("Clubs"), columns=club_columns(), rows=club_rows(clubs))


# --- the member list ------------------------------------------------------------------------------

# The person's flags, in the order of the member form.
MEMBER_FLAGS = ("has_disability", "lives_alone", "receives_home_care", "is_home_care_volunteer")


def _import_header(key: str, english: str) -> str:
    """The header of a column the member import also reads, so that an exported list can be imported again.

    In Vietnamese it is the import's own header (the template's: part of the file format, like
    spreadsheets.importing.ImportColumn.header_vi, so a translation cannot break the round trip); in
    another language the translated `english`, which is the import's English header written
    for people ("Full name" for full_name: headers are compared ignoring case and "_").
    """
    if (translation.get_language() or "").split("-")[0] == "vi":
        return next(column.header_vi for column in MEMBER_IMPORT.columns if column.key == key)
    return english


def member_columns() -> list[Column]:
    """Built at export time, so the headers are in the requesting user's language."""
    return [
        Column(_import_header("club_code", _("Club code")), width=12),
        Column(_import_header("club_name", _("Club name")), width=36),
        Column(_import_header("full_name", _("Full name")), width=28),
        Column(_import_header("sex", _("Sex")), width=8),
        Column(_import_header("birth_date", _("Birth date")), kind="date", width=12),
        Column(_import_header("birth_year", _("Birth year")), kind="int", width=10),
        Column(_("Age group"), width=18),
        Column(_import_header("ethnicity", _("Ethnicity")), width=12),
        Column(_import_header("hamlet", _("Hamlet")), width=24),
        Column(_import_header("economic_status", _("Economic status")), width=20),
        Column(_import_header("status_year", _("Status year")), kind="int", width=10),
        Column(_import_header("joined_on", _("Joined on")), kind="date", width=12),
        Column(_("Left on"), kind="date", width=12),
        Column(_import_header("phone", _("Phone")), width=14),
        Column(_import_header("citizen_id", _("Citizen ID")), width=14),
        Column(_("Flags"), width=36),
    ]


def member_rows(memberships: "QuerySet[MemberListRow]", *, on: datetime.date, show_citizen_id: bool) -> Iterator[tuple]:
    """One row per membership of `memberships`, which must come from members.selectors.member_list(on=on)
    (age group and economic status on `on` annotated, person and club joined): one query in all."""
    status_since = (
        HouseholdStatus.objects.filter(person=OuterRef("person_id"), valid_from__lte=on)
        .order_by("-valid_from", "-pk")
        .values("valid_from")[:1]
    )
    memberships = memberships.select_related("person__ethnicity").annotate(status_since=Subquery(status_since))
    flags = {field: cast("Field[Any, Any]", Person._meta.get_field(field)).verbose_name for field in MEMBER_FLAGS}
    for membership in memberships.iterator(chunk_size=1000):
        person = membership.person
        yield (
            membership.club.code,
            membership.club.name,
            person.full_name,
            person.get_sex_display(),
            person.birth_date,
            person.birth_year,
            str(AgeGroup(membership.age_group).label),
            person.ethnicity.name if person.ethnicity else "",
            person.hamlet,
            str(EconomicStatus(membership.economic_status).label) if membership.economic_status else "",
            # The year of the status in force: the member import reads the status as holding for it.
            membership.status_since.year if membership.status_since else None,
            membership.joined_on,
            membership.left_on,
            person.phone,
            person.citizen_id if show_citizen_id else person.masked_citizen_id,
            "; ".join(str(label) for field, label in flags.items() if getattr(person, field)),
        )


def member_list_sheet(memberships: "QuerySet[MemberListRow]", *, on: datetime.date, show_citizen_id: bool) -> Sheet:
    rows = member_rows(memberships, on=on, show_citizen_id=show_citizen_id)
    return Sheet(title=_("Members"), columns=member_columns(), rows=rows)
