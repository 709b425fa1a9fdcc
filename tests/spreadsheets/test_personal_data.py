"""Personal data leaving the product is audited (spreadsheets/personal_data.py): every export that
lists people writes one entry with who, which export in which format, the filters and the rows the
file holds; the printable pages that list people (the meeting summary, the printable cash book) do
the same; the exports without people write none. Province staff read the entries on the audit log,
area staff those of their clubs."""

import datetime

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from audit.models import AuditEntry
from clubs.models import Club
from funds.models import EntryType, FundKind
from members.models import Sex
from spreadsheets.exporting import Exporter, ExportFormat
from spreadsheets.registry import EXPORTS
from tests.conftest import login
from tests.funds.test_selectors import contribute
from tests.loans.test_meeting_summary import MEETING, meeting, summary_url
from tests.spreadsheets.test_export_registry import url_name
from tests.spreadsheets.test_member_export import csv_rows, join, xlsx_rows
from tests.text import vi
from tests.url_access import PERSONAS
from tests.url_access.exports import PROTECTED

D = datetime.date
EXPORTED = "exports.personal_data.exported"
PRINTED = "exports.personal_data.printed"


def audited(action=EXPORTED):
    return list(AuditEntry.objects.filter(action=action))


def members_url(export_format="xlsx"):
    return reverse("exports:download", args=["members", export_format])


def cash_book_export_url(club, kind=FundKind.INCOME):
    return reverse("exports:club-download", args=[club.pk, f"cash-book-{kind}", "xlsx"])


def cash_book_url(club, kind=FundKind.INCOME):
    return reverse("funds:cash-book", args=[club.pk, kind])


def formats_of(personal: bool):
    return [
        pytest.param(identifier, export_format, id=f"{identifier}.{export_format}")
        for identifier, exporter in EXPORTS.items()
        if exporter.personal_data is personal
        for export_format in exporter.formats
    ]


def download(request, client, world, identifier, export_format):
    """Download one export as the first persona the permission matrix lets have it."""
    exporter = EXPORTS[identifier]
    method, kwargs, expected = PROTECTED[url_name(exporter)][f"{identifier}.{export_format}"]
    persona = next(persona for persona in PERSONAS[1:] if expected[persona] == 200)
    url = reverse(url_name(exporter), kwargs=kwargs(world))
    login(client, request.getfixturevalue(persona))
    response = getattr(client, method)(url)
    assert response.status_code == 200
    return response


# --- every export says whether it lists people -----------------------------------------------------


def test_every_export_says_whether_it_lists_people():
    for identifier, exporter in EXPORTS.items():
        assert isinstance(exporter.personal_data, bool), identifier


def test_an_export_that_does_not_say_cannot_be_served():
    """The attribute has no default: an export that forgets it fails as soon as it is asked."""

    class Undecided(Exporter):
        identifier = "undecided"

    with pytest.raises(AttributeError):
        _ = Undecided.personal_data


def test_the_exports_that_list_people():
    """The member list; a cash book (contributors, borrowers); the portfolio (the borrowers of the
    loans written off or rescheduled). The others count clubs and units."""
    assert {identifier for identifier, exporter in EXPORTS.items() if exporter.personal_data} == {
        "members",
        "cash-book-income",
        "cash-book-activity",
        "portfolio",
    }


@pytest.mark.parametrize(("identifier", "export_format"), formats_of(personal=True))
def test_each_personal_data_export_writes_one_entry(request, client, world, identifier, export_format):
    response = download(request, client, world, identifier, export_format)
    (entry,) = audited()
    assert entry.actor is not None
    assert entry.data["export"] == identifier
    assert entry.data["format"] == export_format
    assert response["Content-Disposition"] == f'attachment; filename="{entry.data["file"]}"'
    assert isinstance(entry.data["rows"], int)
    assert entry.club_id == (world.club_a1.pk if EXPORTS[identifier].per_club else None)


@pytest.mark.parametrize(("identifier", "export_format"), formats_of(personal=False))
def test_an_export_without_people_writes_no_entry(request, client, world, identifier, export_format):
    download(request, client, world, identifier, export_format)
    assert audited() == []


# --- what the entry says ---------------------------------------------------------------------------


@pytest.mark.parametrize("export_format", [ExportFormat.XLSX, ExportFormat.CSV])
def test_the_member_export_records_its_filters_and_rows(client, world, province_staff, export_format):
    for number in range(3):
        join(world.club_a1, province_staff, full_name=f"Bà Số {number}", citizen_id="")
    join(world.club_a1, province_staff, full_name="Ông Một", sex=Sex.MALE, citizen_id="")
    query = {"sex": Sex.FEMALE, "club": world.club_a1.pk, "q": "  Bà "}
    response = login(client, province_staff).get(members_url(export_format), query)
    lines = xlsx_rows(response) if export_format == ExportFormat.XLSX else csv_rows(response)

    (entry,) = audited()
    assert entry.actor == province_staff
    assert entry.target_type == "accounts.user" and entry.target_id == str(province_staff.pk)
    assert entry.data["rows"] == len(lines) - 1 == 3  # the header is no row of people
    assert entry.data["filters"] == {
        vi("Search by name"): "Bà",
        vi("Club"): world.club_a1.name,
        vi("Sex"): vi(Sex.FEMALE.label),
        vi("Members"): vi("current members"),
    }


def test_the_export_of_an_unfiltered_list_records_no_filter(client, world, province_staff):
    join(world.club_a1, province_staff, citizen_id="")
    login(client, province_staff).get(members_url())
    (entry,) = audited()
    assert entry.data["filters"] == {}
    assert entry.data["rows"] == 1


def test_a_filter_that_does_not_hold_is_recorded_as_typed(client, world, province_staff, other_chair):
    """A club outside the user's scope selects nobody: the entry says what was asked."""
    join(world.club_a1, province_staff, citizen_id="")
    login(client, other_chair).get(members_url(), {"club": world.club_a1.pk})
    (entry,) = audited()
    assert entry.data["rows"] == 0
    assert entry.data["filters"][vi("Club")] == str(world.club_a1.pk)


def test_control_characters_typed_in_a_filter_are_recorded_as_such(client, world, province_staff):
    """PostgreSQL keeps no NUL in a JSON value: the entry shows each control character as �."""
    join(world.club_a1, province_staff, citizen_id="")
    login(client, province_staff).get(members_url(), {"q": "Lan\x00\x07"})
    (entry,) = audited()
    assert entry.data["filters"][vi("Search by name")] == "Lan\ufffd\ufffd"


@pytest.mark.parametrize("persona", ["area_staff", "club_chair"])
def test_area_staff_and_club_boards_exports_are_audited(request, client, world, province_staff, persona):
    join(world.club_a1, province_staff, citizen_id="")
    user = request.getfixturevalue(persona)
    login(client, user).get(members_url())
    (entry,) = audited()
    assert entry.actor == user
    assert entry.data["rows"] == 1


def test_a_cash_book_export_is_about_its_club_with_its_period(client, world, club_chair):
    club = world.club_a1
    contribute(club, 5_000_000, D(2023, 6, 1))
    contribute(club, 1_000_000, D(2024, 1, 5), contributor="Bà Hoa")
    contribute(club, 2_000_000, D(2024, 3, 5), contributor="Bà Lan")
    login(client, club_chair).get(cash_book_export_url(club), {"start": "01/01/2024", "end": "31/12/2024"})
    (entry,) = audited()
    assert entry.club_id == club.pk and entry.target_type == "clubs.club"
    assert entry.data["export"] == "cash-book-income"
    assert entry.data["filters"] == {vi("From"): "2024-01-01", vi("To"): "2024-12-31"}
    # The opening balance, the two receipts and the totals.
    assert entry.data["rows"] == 4


def test_a_wrong_query_exports_nothing_and_writes_nothing(client, world, club_chair):
    response = login(client, club_chair).get(
        cash_book_export_url(world.club_a1), {"start": "31/12/2024", "end": "1/1/2024"}
    )
    assert response.status_code == 302
    assert audited() == []


# --- prints ----------------------------------------------------------------------------------------


def test_the_meeting_summary_is_audited_with_the_people_it_lists(client, club, club_chair):
    meeting(club, borrowers=2)
    login(client, club_chair).get(summary_url(club))
    (entry,) = audited(PRINTED)
    assert entry.actor == club_chair and entry.club_id == club.pk
    assert entry.data == {"page": summary_url(club), "filters": {"date": MEETING.isoformat()}, "rows": 3}


def test_the_printable_cash_book_is_audited_and_the_page_is_not(client, world, club_chair):
    club = world.club_a1
    contribute(club, 1_000_000, D(2025, 1, 5), contributor="Bà Hoa")
    login(client, club_chair)
    client.get(cash_book_url(club))
    assert audited(PRINTED) == []
    client.get(cash_book_url(club), {"print": "1", "entry_type": EntryType.CONTRIBUTION})
    (entry,) = audited(PRINTED)
    assert entry.club_id == club.pk
    assert entry.data["page"] == cash_book_url(club)
    assert entry.data["filters"][vi("Type")] == vi(EntryType.CONTRIBUTION.label)
    assert entry.data["rows"] == 1


# --- who reads them --------------------------------------------------------------------------------


def test_province_staff_read_the_entries_in_words(client, world, province_staff, area_staff):
    join(world.club_a1, province_staff, full_name="Bà Hoa", citizen_id="")
    login(client, area_staff).get(members_url(), {"sex": Sex.FEMALE})
    login(client, area_staff).get(cash_book_export_url(world.club_a1), {"start": "01/01/2025"})
    page = login(client, province_staff).get(reverse("audit:log"), {"action": EXPORTED}).content.decode()
    assert page.count(capfirst(vi("list of people exported"))) == 2
    assert f"{vi('Sex')}: {vi(Sex.FEMALE.label)}" in page
    assert f"{vi('From')}: 01/01/2025" in page
    assert f"{capfirst(vi('rows'))}</th>" in page


def test_area_staff_read_the_entries_of_their_clubs(client, world, area_staff, club_chair):
    login(client, club_chair).get(cash_book_export_url(world.club_a1))
    page = login(client, area_staff).get(reverse("audit:log")).content.decode()
    assert capfirst(vi("list of people exported")) in page
    assert Club.objects.get(pk=world.club_a1.pk).name in page
