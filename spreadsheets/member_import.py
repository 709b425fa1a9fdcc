"""The member import: a club's member register from an Excel list (the lists kept so far).

Each row is a person joining a club. The club is given by its code (Mã CLB), or, for a
province-wide list imported right after the clubs, by the administrative unit's code and the
club's name (Mã đơn vị hành chính + Tên CLB, the name compared ignoring case and accents); the
code wins when a row has both. Someone who keeps the register of one club only (a club's board)
needs neither: a row that names no club is for that club. Someone with several clubs gives each
row its club. Only clubs whose register the user keeps are found
(accounts.access.clubs_for(user, Cap.MEMBER_MANAGE)); any other club reads as unknown, as the
club pages answer 404 for it: nothing leaks across scopes.

The import adds members; it never changes a recorded one:
- a row for a person who is already a current member of that club (same name ignoring accents and
  case, same year of birth) is unchanged when every value in the file matches what is recorded,
  so importing the same file again adds nothing; it is an error when something differs (the
  member page changes recorded people). An empty cell is not compared: the import clears nothing;
- a row for a person recorded elsewhere — a current member of another club, or a former member —
  is an error: the member pages record moves and re-joining, so a person keeps one record for
  life. A recorded person whose known date of birth or citizen ID differs from the row's is
  someone else with the same name, and does not stop the row.

The household economic status holds from 1 January of the year it was assessed (Năm xét hoàn
cảnh), by default the year of joining: poverty lists are reviewed once a year, and the member
form reads a bare year the same way. As members.services.household_status_set requires, that
day is neither in the future nor before the person was born (for someone born in that year it is
the birth); it may be before the joining date (the status is the household's, not the
membership's). A recorded member's status "matches"
when the status recorded for that year (in force at its end, or today) is the file's.

The preview applies the rules of members.services with their messages, on data read in a fixed
number of queries (clubs, their status changes, ethnicities, people alike with their memberships
and statuses, holders of the citizen IDs), whatever the number of rows. The save calls
member_join for each new row, which checks everything again: it stays the authority, and
anything it refuses refuses the whole file.
"""

import dataclasses
import datetime
import re

from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.access import Cap
from clubs.models import Club, ClubStatusChange, StatusChangeKind
from core.dates import format_date
from core.text import fold
from members.models import EconomicStatus, Ethnicity, HouseholdStatus, Membership, Person, Sex
from members.services import (
    ERROR_BIRTH_MISSING,
    ERROR_BIRTH_YEAR_MISMATCH,
    ERROR_BIRTH_YEAR_RANGE,
    ERROR_CITIZEN_ID_FORMAT,
    ERROR_CITIZEN_ID_TAKEN,
    ERROR_CLUB_DISSOLVED,
    ERROR_IN_FUTURE,
    ERROR_JOIN_BEFORE_BIRTH,
    ERROR_JOIN_BEFORE_DECISION,
    ERROR_PHONE_FORMAT,
    ERROR_STATUS_BEFORE_BIRTH,
    MAX_AGE,
    member_join,
)
from spreadsheets.club_import import ERROR_UNKNOWN_CLUB
from spreadsheets.importing import ImportColumn, Row, RowByRowImport, RowStatus
from spreadsheets.parsers import Codes, Date, Integer, Text
from spreadsheets.workbook import FileRefused

ERROR_NO_CLUB_COLUMNS = _(
    "The file does not say which club each member joins: add a column Mã CLB (club_code), or the columns "
    "Mã đơn vị hành chính (unit_code) and Tên CLB (club_name)."
)
ERROR_NO_CLUB = _("Give the club code, or the administrative unit code and the club name.")
ERROR_NO_CLUB_SEVERAL = _(
    "You keep the members of several clubs: give this row's club code (Mã CLB), or the administrative unit code "
    "and the club name."
)
ERROR_UNKNOWN_CLUB_NAME = _("There is no club named “%(name)s” in the administrative unit with code %(code)s.")
ERROR_CLUB_NAME_AMBIGUOUS = _("Several clubs are named “%(name)s” under the code %(code)s: give the club code instead.")
ERROR_UNKNOWN_ETHNICITY = _(
    "There is no ethnicity “%(value)s” in the list: check the spelling (the template offers the list), or ask an "
    "administrator to add it."
)
ERROR_PERSON_TWICE = _("Row %(row)s already has this person (same name and year of birth) in this club.")
ERROR_CITIZEN_ID_TWICE = _("This citizen ID number is already on row %(row)s.")
# The holder may be a member of a club the user cannot see: their name would leak.
ERROR_CITIZEN_ID_TAKEN_ELSEWHERE = _("This citizen ID number is already recorded for another person.")
ERROR_CITIZEN_ID_MASKED = _("This citizen ID number is masked: type the full number, or leave the cell empty.")
ERROR_MEMBER_DIFFERS = _(
    "%(name)s (born %(year)s) is already a member of this club, recorded differently: %(columns)s. Change the "
    "member on their page; if this is another person with the same name, add them with “Add a member”."
)
ERROR_MEMBER_ELSEWHERE = _(
    "%(name)s (born %(year)s) is already a member of %(club)s. If it is the same person, record a move on their "
    "member page; if not, add them with “Add a member”."
)
ERROR_MEMBER_ELSEWHERE_HIDDEN = _(
    "%(name)s (born %(year)s) is already a member of another club. If it is the same person, the association "
    "staff record the move; if not, add them with “Add a member”."
)
ERROR_FORMER_MEMBER = _(
    "%(name)s (born %(year)s) is recorded as a former member. If it is the same person, re-join them with “Add a "
    "member”, so that they keep one record; if not, add them there too."
)

# The patterns members.services checks (its own are private to it); it checks them again at save.
PHONE = re.compile(r"^\+?[0-9 .]{8,16}$")
CITIZEN_ID = re.compile(r"^(\d{9}|\d{12})$")
# Person.masked_citizen_id, as the member export writes it for everyone but province staff.
MASKED_CITIZEN_ID = re.compile(r"^•+[0-9]{3}$")

# The person's own fields that the file may give, as member_join takes them.
PERSON_KEYS = ("full_name", "sex", "birth_date", "birth_year", "ethnicity", "hamlet", "phone", "citizen_id")
# Compared with a recorded member when the cell is not empty (the key of the column, the value read).
COMPARED_KEYS = ("full_name", "sex", "birth_date", "ethnicity", "hamlet", "phone", "citizen_id")


@dataclasses.dataclass(frozen=True)
class Digits(Text):
    """A number kept as text: a phone number, a citizen ID.

    Typed into a cell that Excel keeps as a number, it loses its leading zero (0912345678 becomes
    912345678): a number cell whose digit count is in `lost_zero` gets it back. Every Vietnamese
    phone number and every 12-digit citizen ID (the province code comes first: 001–096) starts
    with 0.
    """

    lost_zero: tuple[int, ...] = ()

    def parse(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            digits = str(value)
            value = "0" + digits if len(digits) in self.lost_zero else digits
        return super().parse(value)


@dataclasses.dataclass(frozen=True)
class EthnicityName(Text):
    """The name of an ethnic group of members.models.Ethnicity; the template offers the list."""

    def choices(self):
        # Read when the template is made: admins add to the list.
        return list(Ethnicity.objects.values_list("name", flat=True))

    def describe(self):
        return str(_("The name of an ethnic group from the list, e.g. Kinh, Hrê."))


SEX_WORDS = Codes(
    {
        # The first word fills the template's drop-down; the label is accepted in the active language.
        Sex.MALE: ("Nam", "M", "male", "man", Sex.MALE.label),
        Sex.FEMALE: ("Nữ", "F", "female", "woman", Sex.FEMALE.label),
    }
)
ECONOMIC_STATUS_WORDS = Codes(
    {
        EconomicStatus.POOR: ("Nghèo", "Hộ nghèo", "poor", "poor household", EconomicStatus.POOR.label),
        EconomicStatus.NEAR_POOR: (
            "Cận nghèo",
            "Hộ cận nghèo",
            "near poor",
            "near-poor",
            "near-poor household",
            EconomicStatus.NEAR_POOR.label,
        ),
        EconomicStatus.OTHER: (
            "Khác",
            "other",
            "neither poor nor near-poor",
            EconomicStatus.OTHER.label,
            # The label of earlier templates, still in the drop-downs of files downloaded then.
            "Khác (khá giả)",
            "other (better-off)",
        ),
    }
)


class MemberImport(RowByRowImport):
    kind = "members"
    url_prefix = "member"
    title = _("Import members")
    capability = Cap.MEMBER_MANAGE
    sheet_title = _("Members")
    list_url_name = "members:member-list"
    list_title = _("Members")
    # member_join reports the household status on status_from: the file's Năm xét hoàn cảnh.
    field_columns = {"status_from": "status_year", "club": "club_code"}
    columns = (
        ImportColumn(
            "club_code",
            "Mã CLB",
            "club_code",
            Text(32, code=True),
            help=_("The code of the member's club, e.g. QNG-0001. Or leave it empty and give the two columns below."),
            width=14,
        ),
        ImportColumn(
            "unit_code",
            "Mã đơn vị hành chính",
            "unit_code",
            Text(16, code=True),
            help=_(
                "Instead of the club code: the official code of the club's commune (or of a district without "
                "communes, such as Lý Sơn), with the club's name in the next column."
            ),
        ),
        ImportColumn(
            "club_name",
            "Tên CLB",
            "club_name",
            Text(200),
            help=_("Instead of the club code: the club's name as registered (case and accents are not compared)."),
            width=36,
        ),
        ImportColumn("full_name", "Họ và tên", "full_name", Text(200), required=True, width=28),
        ImportColumn("sex", "Giới tính", "sex", SEX_WORDS, required=True, width=10),
        ImportColumn(
            "birth_date",
            "Ngày sinh",
            "birth_date",
            Date(),
            help=_("Give the date of birth, or only the year of birth in the next column if that is all."),
            width=14,
        ),
        ImportColumn(
            "birth_year",
            "Năm sinh",
            "birth_year",
            Integer(1880, 2200),
            help=_("Enough when the exact date is not known; must match the date of birth if both are given."),
            width=10,
        ),
        ImportColumn("ethnicity", "Dân tộc", "ethnicity", EthnicityName(64), width=14),
        ImportColumn("hamlet", "Thôn, tổ dân phố", "hamlet", Text(200), width=24),
        ImportColumn(
            "economic_status",
            "Hoàn cảnh kinh tế",
            "economic_status",
            ECONOMIC_STATUS_WORDS,
            required=True,
            help=_("The household's status on the commune's poverty list."),
            width=18,
        ),
        ImportColumn(
            "status_year",
            "Năm xét hoàn cảnh",
            "status_year",
            Integer(1900, 2200),
            help=_(
                "The year the status was assessed: it holds from 1 January of that year. Empty: the year of joining."
            ),
            width=12,
        ),
        ImportColumn(
            "joined_on",
            "Ngày vào CLB",
            "joined_on",
            Date(),
            required=True,
            help=_("Not in the future, not before the person was born or the club was established."),
            width=14,
        ),
        ImportColumn(
            "phone",
            "Điện thoại",
            "phone",
            Digits(32, code=True, lost_zero=(9, 10)),
            help=_("Digits only, e.g. 0912 345 678."),
            width=16,
        ),
        ImportColumn(
            "citizen_id",
            "Số CCCD",
            "citizen_id",
            Digits(20, code=True, lost_zero=(8, 11)),
            help=_("12 digits (or 9 for an old identity card), if the person agrees."),
            width=16,
        ),
    )
    examples = (
        {
            "club_code": "QNG-0001",
            "full_name": "Nguyễn Thị Đào",
            "sex": "Nữ",
            "birth_date": datetime.date(1950, 4, 3),
            "ethnicity": "Kinh",
            "hamlet": "Thôn Liên Trì Tây",
            "economic_status": "Cận nghèo",
            "status_year": 2025,
            "joined_on": datetime.date(2025, 3, 15),
            "phone": "0912 345 678",
        },
    )
    instructions = (
        _(
            "Give each member's club by its code (Mã CLB); or, for a list of a whole province imported right after "
            "the clubs, by the code of its administrative unit and its name (Mã đơn vị hành chính and Tên CLB). The "
            "code wins when a row has both. The import page names the clubs you may import into."
        ),
        _("If you keep the members of one club only, you may leave the club columns out: every row is for your club."),
        _("Give the date of birth, or only the year of birth when the date is not known."),
        _(
            "The economic status holds from 1 January of the year it was assessed (Năm xét hoàn cảnh); without a "
            "year, from 1 January of the year of joining."
        ),
        _(
            "The import adds new members. A person already a member of the club with the same data is left "
            "unchanged; a person recorded in another club, or as a former member, is not imported: record the move "
            "or the re-joining on the member pages, so that each person keeps one record."
        ),
    )

    def offered_clubs(self, user) -> QuerySet[Club]:
        """The clubs the user may import members into, for the upload page to name."""
        return access.clubs_for(user, Cap.MEMBER_MANAGE).select_related("unit").order_by("name", "pk")

    def check(self, rows: list[Row], *, actor) -> None:
        today = timezone.localdate()
        lookup = _Lookup(rows, actor)
        if lookup.own_club is None:
            _require_club_columns(rows)
        seen_people: dict[tuple[int, str, int], int] = {}
        seen_ids: dict[str, int] = {}
        for row in rows:
            values = _person_values(row)
            club = self._club(row, lookup)
            born = self._check_birth(row, values, today)
            self._check_cells(row, values, lookup)
            joined_on = self._check_joining(row, club, born, today)
            status_from = self._check_status(row, born, joined_on, today)
            name, year = values.get("full_name"), values.get("birth_year")
            row.label = _label(name, year, club)
            citizen_id = values.get("citizen_id") or ""
            if citizen_id and CITIZEN_ID.match(citizen_id):
                if citizen_id in seen_ids:
                    row.add_error("citizen_id", ERROR_CITIZEN_ID_TWICE % {"row": seen_ids[citizen_id]})
                else:
                    seen_ids[citizen_id] = row.number
            if club is None or not name or not year:
                continue
            key = (club.pk, fold(name), year)
            if key in seen_people:
                row.add_error("full_name", ERROR_PERSON_TWICE % {"row": seen_people[key]})
                continue
            seen_people[key] = row.number
            if row.errors or joined_on is None or status_from is None:  # None: the row has its error
                continue
            self._decide(row, values, club, joined_on, status_from, lookup, today)

    def save_row(self, row: Row, *, actor) -> None:
        member_join(actor=actor, **row.changes)

    # --- one row ------------------------------------------------------------------------------

    def _club(self, row: Row, lookup: "_Lookup") -> Club | None:
        code = (row.values.get("club_code") or "").upper()
        if code:
            club = lookup.clubs_by_code.get(code)
            if club is None:
                row.add_error("club_code", ERROR_UNKNOWN_CLUB % {"code": code})
            return club
        unit_code, name = row.values.get("unit_code"), row.values.get("club_name")
        if not unit_code or not name:
            if row.invalid.intersection({"club_code", "unit_code", "club_name"}):
                return None  # the cell's own error says it
            if not unit_code and not name and lookup.own_club is not None:
                return lookup.own_club
            row.add_error("club_code", ERROR_NO_CLUB_SEVERAL if lookup.several_clubs else ERROR_NO_CLUB)
            return None
        clubs = lookup.clubs_by_name.get((unit_code, fold(name)), [])
        if len(clubs) > 1:
            row.add_error("club_name", ERROR_CLUB_NAME_AMBIGUOUS % {"name": name, "code": unit_code})
            return None
        if not clubs:
            row.add_error("club_name", ERROR_UNKNOWN_CLUB_NAME % {"name": name, "code": unit_code})
            return None
        return clubs[0]

    def _check_birth(self, row: Row, values: dict, today: datetime.date) -> datetime.date | None:
        """The rules of members.services on the birth; returns the earliest day the person may have been born."""
        if row.invalid.intersection({"birth_date", "birth_year"}):
            return None
        birth_date, birth_year = values.get("birth_date"), values.get("birth_year")
        if birth_date is None and birth_year is None:
            row.add_error("birth_year", ERROR_BIRTH_MISSING)
            return None
        # The column the year comes from: the one the errors on it are shown in.
        year_key = "birth_date" if birth_year is None else "birth_year"
        if birth_date is not None:
            if birth_date > today:
                row.add_error("birth_date", ERROR_IN_FUTURE)
                return None
            if birth_year is None:
                values["birth_year"] = birth_year = birth_date.year
            elif birth_year != birth_date.year:
                row.add_error("birth_year", ERROR_BIRTH_YEAR_MISMATCH)
                return None
        assert birth_year is not None  # given, or taken from the date of birth above
        if not today.year - MAX_AGE <= birth_year <= today.year:
            # Older than MAX_AGE (120) is a typing mistake, as is a year still to come.
            row.add_error(year_key, ERROR_BIRTH_YEAR_RANGE % {"first": today.year - MAX_AGE, "last": today.year})
            return None
        return birth_date or datetime.date(birth_year, 1, 1)

    def _check_cells(self, row: Row, values: dict, lookup: "_Lookup") -> None:
        name = row.values.get("ethnicity")
        if name:
            ethnicity = lookup.ethnicities.get(fold(name))
            if ethnicity is None:
                row.add_error("ethnicity", ERROR_UNKNOWN_ETHNICITY % {"value": name})
            values["ethnicity"] = ethnicity
        phone = values.get("phone")
        if phone and not PHONE.match(phone):
            row.add_error("phone", ERROR_PHONE_FORMAT)
        citizen_id = values.get("citizen_id")
        if citizen_id and not CITIZEN_ID.match(citizen_id) and not MASKED_CITIZEN_ID.match(citizen_id):
            row.add_error("citizen_id", ERROR_CITIZEN_ID_FORMAT)

    def _check_joining(
        self, row: Row, club: Club | None, born: datetime.date | None, today: datetime.date
    ) -> datetime.date | None:
        joined_on = row.values.get("joined_on")
        if joined_on is None:
            return None
        if joined_on > today:
            row.add_error("joined_on", ERROR_IN_FUTURE)
        if born is not None and joined_on < born:
            row.add_error("joined_on", ERROR_JOIN_BEFORE_BIRTH)
        if club is not None:
            if club.decision_date and joined_on < club.decision_date:
                params = {"date": format_date(club.decision_date)}
                row.add_error("joined_on", ERROR_JOIN_BEFORE_DECISION % params)
            if _dissolved_on(club, joined_on):
                row.add_error("joined_on", ERROR_CLUB_DISSOLVED)
        return joined_on

    def _check_status(
        self, row: Row, born: datetime.date | None, joined_on: datetime.date | None, today: datetime.date
    ) -> datetime.date | None:
        """The day the household status holds from: 1 January of the year assessed, else of joining
        (or the birth, for someone born that year)."""
        if "status_year" in row.invalid:
            return None
        year = row.values.get("status_year")
        key = "status_year" if year else "joined_on"
        if year is None:
            if joined_on is None or joined_on > today:
                return None  # the joining date's own error says it
            year = joined_on.year
        status_from = datetime.date(year, 1, 1)
        if status_from > today:
            row.add_error(key, ERROR_IN_FUTURE)
        elif born is not None and year < born.year:
            row.add_error(key, ERROR_STATUS_BEFORE_BIRTH)
        elif born is not None:
            # Someone born in the year assessed: from their birth.
            status_from = max(status_from, born)
        return status_from

    def _decide(
        self,
        row: Row,
        values: dict,
        club: Club,
        joined_on: datetime.date,
        status_from: datetime.date,
        lookup: "_Lookup",
        today: datetime.date,
    ) -> None:
        name, year = values["full_name"], values["birth_year"]
        params = {"name": name, "year": year}
        alike = lookup.people_alike.get((fold(name), year), [])
        # In this club, the same name and year of birth is the same person (a namesake born the
        # same year in the same club is added by hand, where the member form asks).
        here = [
            (recorded.person, recorded.current)
            for recorded in alike
            if recorded.current is not None and recorded.current.club_id == club.pk
        ]
        if here:
            comparisons = [
                (current, self._differences(row, values, person, current, status_from, today))
                for person, current in here
            ]
            current, differences = min(comparisons, key=lambda item: len(item[1]))
            if differences:
                row.add_error(None, ERROR_MEMBER_DIFFERS % {**params, "columns": ", ".join(differences)})
                return
            row.status, row.target = RowStatus.UNCHANGED, current
            return
        others = [recorded for recorded in alike if _may_be_the_same(recorded.person, values)]
        elsewhere = next((recorded for recorded in others if recorded.current is not None), None)
        if elsewhere is not None and elsewhere.current is not None:
            if elsewhere.current_seen:
                row.add_error(None, ERROR_MEMBER_ELSEWHERE % {**params, "club": elsewhere.current.club.name})
            else:
                row.add_error(None, ERROR_MEMBER_ELSEWHERE_HIDDEN % params)
            return
        if others:
            row.add_error(None, ERROR_FORMER_MEMBER % params)
            return
        citizen_id = values.get("citizen_id") or ""
        if MASKED_CITIZEN_ID.match(citizen_id):
            row.add_error("citizen_id", ERROR_CITIZEN_ID_MASKED)
            return
        holder = lookup.citizen_id_holders.get(citizen_id) if citizen_id else None
        if holder is not None:
            if holder.seen:
                row.add_error("citizen_id", ERROR_CITIZEN_ID_TAKEN % {"name": holder.person.full_name})
            else:
                row.add_error("citizen_id", ERROR_CITIZEN_ID_TAKEN_ELSEWHERE)
            return
        row.status = RowStatus.NEW
        row.changes = {
            "club": club,
            "joined_on": joined_on,
            "economic_status": row.values["economic_status"],
            "status_from": status_from,
            **{key: values[key] for key in PERSON_KEYS if key in values},
        }

    def _differences(
        self,
        row: Row,
        values: dict,
        person: Person,
        current: Membership,
        status_from: datetime.date,
        today: datetime.date,
    ) -> list[str]:
        """The headers of the file's columns whose value is not what is recorded for `person`, a
        member (`current`) of the row's club."""
        different = []
        for key in COMPARED_KEYS:
            value = values.get(key)
            if value is None or value == "":
                continue  # an empty cell is not compared: the import clears nothing
            if key == "ethnicity":
                same = value.pk == person.ethnicity_id
            elif key == "citizen_id" and MASKED_CITIZEN_ID.match(value):
                same = value == person.masked_citizen_id
            else:
                same = value == getattr(person, key)
            if not same:
                different.append(row.headers[key])
        if row.values["economic_status"] != _status_for_year(person, status_from.year, today):
            different.append(row.headers["economic_status"])
        if row.values["joined_on"] != current.joined_on:
            different.append(row.headers["joined_on"])
        return different


def _require_club_columns(rows: list[Row]) -> None:
    """Refuse a file that cannot say which club any row is for."""
    present = set(rows[0].values) | rows[0].invalid
    if "club_code" not in present and not {"unit_code", "club_name"} <= present:
        raise FileRefused([ERROR_NO_CLUB_COLUMNS])


def _names_no_club(row: Row) -> bool:
    return not any(
        row.values.get(key) for key in ("club_code", "unit_code", "club_name")
    ) and not row.invalid.intersection({"club_code", "unit_code", "club_name"})


def _label(name: str | None, year: int | None, club: Club | None) -> str:
    """How the preview names a row: Nguyễn Thị Đào (1950) — CLB Liên thế hệ thôn Tân An."""
    person = f"{name} ({year})" if name and year else name or ""
    return " — ".join(part for part in (person, club.name if club else "") if part)


def _person_values(row: Row) -> dict:
    """The person's fields from the row, written as members.services will store them."""
    values = {key: row.values[key] for key in PERSON_KEYS if key in row.values}
    for key in ("full_name", "hamlet", "phone"):
        if values.get(key):
            values[key] = " ".join(values[key].split())
    if values.get("citizen_id"):
        values["citizen_id"] = "".join(values["citizen_id"].split())
    # An empty cell is the same as no column for member_join: its default.
    return {key: value for key, value in values.items() if value not in (None, "")}


def _may_be_the_same(person: Person, values: dict) -> bool:
    """Someone with the same name and year of birth, unless a known date of birth or citizen ID tells them apart."""
    birth_date, citizen_id = values.get("birth_date"), values.get("citizen_id")
    if birth_date and person.birth_date and birth_date != person.birth_date:
        return False
    return not (citizen_id and person.citizen_id and CITIZEN_ID.match(citizen_id) and citizen_id != person.citizen_id)


def _dissolved_on(club: Club, day: datetime.date) -> bool:
    """Club.objects.with_status(day) == dissolved, from the prefetched status changes (oldest first)."""
    last = None
    for change in club.status_changes.all():
        if change.effective_on <= day:
            last = change
    return last is not None and last.kind == StatusChangeKind.DISSOLVED


def _status_for_year(person: Person, year: int, today: datetime.date) -> str | None:
    """The status recorded for a year: in force at its end, or today for the current year."""
    day = min(today, datetime.date(year, 12, 31))
    status = None
    for entry in person.household_statuses.all():  # oldest first
        if entry.valid_from <= day:
            status = entry.status
    return status


@dataclasses.dataclass(frozen=True)
class _Recorded:
    """A person recorded under a name and year of birth of the file."""

    person: Person  # with their memberships and household statuses
    current: Membership | None  # their open membership
    current_seen: bool  # whether the user sees the club of `current` (every club: a system import)


@dataclasses.dataclass(frozen=True)
class _Holder:
    """Who holds a citizen ID of the file."""

    person: Person
    seen: bool  # whether the user sees them in a club (every club: a system import)


class _Lookup:
    """What the rows refer to, read in a fixed number of queries whatever the number of rows."""

    def __init__(self, rows: list[Row], actor):
        club_codes = {row.values["club_code"].upper() for row in rows if row.values.get("club_code")}
        unit_codes = {row.values["unit_code"] for row in rows if row.values.get("unit_code")}
        club_names = {fold(row.values["club_name"]) for row in rows if row.values.get("club_name")}
        names = {fold(row.values["full_name"]) for row in rows if row.values.get("full_name")}
        years = {row.values["birth_year"] for row in rows if row.values.get("birth_year")}
        years |= {row.values["birth_date"].year for row in rows if row.values.get("birth_date")}
        citizen_ids = {"".join(row.values["citizen_id"].split()) for row in rows if row.values.get("citizen_id")} - {""}

        # None: a system import (command line without --user) works on every club.
        manageable = Club.objects.all() if actor is None else access.clubs_for(actor, Cap.MEMBER_MANAGE)
        visible = None if actor is None else access.clubs_for(actor, Cap.MEMBER_VIEW)

        # Rows that name no club are for the user's club if they keep one only: 1 query, only then.
        own: list[int] = []
        if actor is not None and any(_names_no_club(row) for row in rows):
            own = list(manageable.order_by("pk").values_list("pk", flat=True)[:2])
        self.several_clubs = len(own) > 1

        # 1 query (and the status changes of those clubs: 1 more)
        named = Q(code__in=club_codes) | Q(unit__code__in=unit_codes, name_folded__in=club_names)
        if len(own) == 1:
            named |= Q(pk=own[0])
        clubs = manageable.filter(named).select_related("unit")
        changes = ClubStatusChange.objects.order_by("effective_on", "pk")
        clubs = clubs.prefetch_related(Prefetch("status_changes", queryset=changes))
        self.clubs_by_code: dict[str, Club] = {}
        self.clubs_by_name: dict[tuple[str, str], list[Club]] = {}
        self.own_club: Club | None = None  # the one club of the user, for rows that name none
        for club in clubs:
            if own == [club.pk]:
                self.own_club = club
            self.clubs_by_code[club.code] = club
            self.clubs_by_name.setdefault((club.unit.code, club.name_folded), []).append(club)

        # 1 query: the list is short and admins add to it
        self.ethnicities = {fold(ethnicity.name): ethnicity for ethnicity in Ethnicity.objects.all()}

        # 3 queries: the people (with whether the user sees the club of their open membership),
        # their memberships, their statuses
        everywhere = Value(True, output_field=BooleanField())
        current_seen = (
            everywhere
            if visible is None
            else Exists(Membership.objects.filter(person=OuterRef("pk"), left_on__isnull=True, club__in=visible))
        )
        people = (
            Person.objects.filter(name_folded__in=names, birth_year__in=years)
            .annotate(current_seen=current_seen)
            .prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("club").order_by("joined_on", "pk")),
                Prefetch("household_statuses", queryset=HouseholdStatus.objects.order_by("valid_from", "pk")),
            )
        )
        self.people_alike: dict[tuple[str, int], list[_Recorded]] = {}
        for person in people:
            current = next((m for m in person.memberships.all() if m.left_on is None), None)
            recorded = _Recorded(person=person, current=current, current_seen=person.current_seen)
            self.people_alike.setdefault((person.name_folded, person.birth_year), []).append(recorded)

        # 1 query: who holds the citizen IDs, and whether the user sees them in a club
        seen = (
            everywhere
            if visible is None
            else Exists(Membership.objects.filter(person=OuterRef("pk"), club__in=visible))
        )
        holders = Person.objects.filter(citizen_id__in=citizen_ids).only("pk", "full_name", "citizen_id")
        self.citizen_id_holders: dict[str, _Holder] = {
            holder.citizen_id: _Holder(person=holder, seen=holder.seen) for holder in holders.annotate(seen=seen)
        }


MEMBER_IMPORT = MemberImport()
