"""The club import: the club register from an Excel list (the lists kept so far).

A row without a club code is a new club; a row with one changes that club. A row that matches
what is registered (by code, or by commune and name) is unchanged, so importing the same file
again adds nothing.

The preview applies the rules of clubs.services.register.club_validate, with its messages, on data read
in a few bulk queries, so its query count does not grow with the rows (club_validate queries
per club). The save goes through club_create / club_update, which apply club_validate again:
they stay the authority, and anything they refuse refuses the whole file.
"""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from accounts.access import Cap
from areas.models import AdminScheme, AdminUnit
from clubs.models import Club, ClubStatusChange, StatusChangeKind
from clubs.services.register import (
    ERROR_DATE_AFTER_DISSOLUTION,
    ERROR_DATE_IN_FUTURE,
    ERROR_LAUNCH_AFTER_CHANGE,
    ERROR_LAUNCH_BEFORE_DECISION,
    ERROR_UNIT_HAS_COMMUNES,
    club_create,
    club_update,
    map_on,
    unit_not_in_force,
)
from core.dates import format_date
from core.text import fold
from spreadsheets.importing import ImportColumn, Row, RowByRowImport, RowStatus
from spreadsheets.parsers import Date, Integer, Lines, Text

ERROR_UNKNOWN_UNIT = _("There is no administrative unit with code %(code)s.")
ERROR_UNIT_OUT_OF_SCOPE = _("%(unit)s (code %(code)s) is outside your area.")
# A club outside the user's area is reported as unknown, as the club pages answer 404 for it:
# nothing leaks across scopes.
ERROR_UNKNOWN_CLUB = _("There is no club with code %(code)s.")
ERROR_CODE_TWICE = _("The club code %(code)s is already on row %(row)s.")
ERROR_NAME_TWICE = _("Row %(row)s already has a club with this name in %(unit)s.")
ERROR_NAME_EXISTS = _(
    "There is already a club with this name in %(unit)s (code %(code)s). To change that club, give its club code."
)

# Columns that are club fields of the same name.
VALUE_KEYS = ("name", "hamlets", "decision_number", "decision_date", "decision_issuer", "launch_date", "meeting_day")
DATE_KEYS = ("decision_date", "launch_date")


class ClubImport(RowByRowImport):
    kind = "clubs"
    url_prefix = "club"
    title = _("Import clubs")
    capability = Cap.CLUB_MANAGE
    sheet_title = _("Clubs")
    list_url_name = "clubs:club-list"
    list_title = _("Clubs")
    field_columns = {"unit": "unit_code"}
    columns = (
        ImportColumn(
            "club_code",
            "Mã CLB",
            "club_code",
            Text(32, code=True),
            help=_("Empty for a new club. To change a registered club, give its code, e.g. QNG-0001."),
            width=14,
        ),
        ImportColumn(
            "name",
            "Tên CLB",
            "name",
            Text(200),
            required=True,
            help=_("The club's name, e.g. CLB Liên thế hệ thôn Liên Trì Tây."),
            width=40,
        ),
        ImportColumn(
            "unit_code",
            "Mã đơn vị hành chính",
            "unit_code",
            Text(16, code=True),
            required=True,
            help=_(
                "The official code of the commune, ward or township; for a district without communes, such as "
                "Lý Sơn, the district's code. The code is looked up on the map in force on the decision date."
            ),
        ),
        ImportColumn(
            "hamlets",
            "Thôn, tổ dân phố",
            "hamlets",
            Lines(),
            help=_("The hamlets or residential groups the club covers, e.g. Thôn Tân An; Thôn Tân Mỹ."),
            width=36,
        ),
        ImportColumn(
            "decision_number",
            "Số quyết định",
            "decision_number",
            Text(64),
            help=_("Number of the decision of establishment, e.g. 12/QĐ-UBND."),
        ),
        ImportColumn(
            "decision_date",
            "Ngày quyết định",
            "decision_date",
            Date(),
            help=_("Date of the decision of establishment; not in the future."),
            width=16,
        ),
        ImportColumn(
            "decision_issuer",
            "Cơ quan quyết định",
            "decision_issuer",
            Text(200),
            help=_("Usually the People's Committee of the commune."),
            width=28,
        ),
        ImportColumn(
            "launch_date",
            "Ngày ra mắt",
            "launch_date",
            Date(),
            help=_("Empty if the club has not been launched yet; not before the decision, not in the future."),
            width=16,
        ),
        ImportColumn(
            "meeting_day",
            "Ngày sinh hoạt",
            "meeting_day",
            Integer(1, 31, drop_down=True),
            help=_("The day of each month the club meets."),
            width=16,
        ),
    )
    examples = (
        {
            "name": "CLB Liên thế hệ thôn Liên Trì Tây",
            "unit_code": "21103",
            "hamlets": "Thôn Liên Trì Tây",
            "decision_number": "12/QĐ-UBND",
            "decision_date": datetime.date(2024, 3, 1),
            "decision_issuer": "UBND xã Bình Hiệp",
            "launch_date": datetime.date(2024, 4, 15),
            "meeting_day": 15,
        },
    )
    instructions = (
        _("Leave the club code empty to register a new club: its code is given when it is saved."),
        _("Give the club code to change that club: the columns in the file replace what is registered."),
    )

    def check(self, rows: list[Row], *, actor) -> None:
        today = timezone.localdate()
        lookup = _Lookup(rows, actor)
        seen_codes: dict[str, int] = {}
        seen_names: dict[tuple[int, str], int] = {}
        for row in rows:
            club = self._club(row, lookup, seen_codes)
            unit = self._unit(row, lookup, club)
            name = row.values.get("name")
            if unit is not None and name:
                row.label = f"{name} — {unit.name}"
                key = (unit.pk, fold(name))
                if key in seen_names:
                    row.add_error("name", ERROR_NAME_TWICE % {"row": seen_names[key], "unit": unit.name})
                else:
                    seen_names[key] = row.number
            else:
                row.label = name or ""
            if row.errors or unit is None:  # no unit: its cell (a required one) has the error
                # Judge what still can be, so that one upload shows every problem of the row.
                self._check_dates(row, club, lookup, today)
                if unit is not None:
                    self._check_unit(row, unit, club, lookup)
                continue
            if club is None:
                self._decide_new(row, unit, lookup, today)
            else:
                self._decide_update(row, club, unit, lookup, today)

    def save_row(self, row: Row, *, actor) -> None:
        if row.status == RowStatus.NEW:
            club_create(actor=actor, **row.changes)
        else:
            club_update(club=row.target, actor=actor, **row.changes)

    # --- one row ------------------------------------------------------------------------------

    def _club(self, row: Row, lookup: "_Lookup", seen: dict[str, int]) -> Club | None:
        code = (row.values.get("club_code") or "").upper()
        if not code:
            return None
        if code in seen:
            row.add_error("club_code", ERROR_CODE_TWICE % {"code": code, "row": seen[code]})
        else:
            seen[code] = row.number
        club = lookup.clubs_by_code.get(code)
        if club is None:
            row.add_error("club_code", ERROR_UNKNOWN_CLUB % {"code": code})
        return club

    def _unit(self, row: Row, lookup: "_Lookup", club: Club | None) -> AdminUnit | None:
        code = row.values.get("unit_code")
        if not code:
            return None
        candidates = lookup.units_by_code.get(code)
        if not candidates:
            row.add_error("unit_code", ERROR_UNKNOWN_UNIT % {"code": code})
            return None
        unit = _unit_on(candidates, _value(row, club, "decision_date"))
        if not lookup.in_scope(unit):
            row.add_error("unit_code", ERROR_UNIT_OUT_OF_SCOPE % {"unit": unit.name, "code": code})
            return None
        return unit

    def _decide_new(self, row: Row, unit: AdminUnit, lookup: "_Lookup", today: datetime.date) -> None:
        values = {key: row.values[key] for key in VALUE_KEYS if key in row.values}
        existing = lookup.clubs_by_name.get((unit.pk, fold(values["name"])))
        if existing is not None and not _differences(existing, values, unit):
            row.status, row.target = RowStatus.UNCHANGED, existing
            return
        if existing is not None:
            row.add_error("name", ERROR_NAME_EXISTS % {"unit": unit.name, "code": existing.code})
        self._check_dates(row, None, lookup, today)
        self._check_unit(row, unit, None, lookup)
        if not row.errors:
            row.status, row.changes = RowStatus.NEW, {**values, "unit": unit}

    def _decide_update(self, row: Row, club: Club, unit: AdminUnit, lookup: "_Lookup", today: datetime.date) -> None:
        values = {key: row.values[key] for key in VALUE_KEYS if key in row.values}
        changes = _differences(club, values, unit)
        row.target = club
        if not changes:
            row.status = RowStatus.UNCHANGED
            return
        existing = lookup.clubs_by_name.get((unit.pk, fold(values["name"])))
        if existing is not None and existing.pk != club.pk:
            row.add_error("name", ERROR_NAME_EXISTS % {"unit": unit.name, "code": existing.code})
        self._check_dates(row, club, lookup, today)
        self._check_unit(row, unit, club, lookup)
        if not row.errors:
            row.status, row.changes = RowStatus.UPDATE, changes

    # --- the rules of clubs.services.register.club_validate, on data read in bulk ----------------------

    def _check_dates(self, row: Row, club: Club | None, lookup: "_Lookup", today: datetime.date) -> None:
        if row.invalid.intersection(DATE_KEYS):
            return  # the rules would judge a value the user did not type
        for key in DATE_KEYS:
            if key in row.values and row.values[key] and row.values[key] > today:
                row.add_error(key, ERROR_DATE_IN_FUTURE)
        decision, launch = _value(row, club, "decision_date"), _value(row, club, "launch_date")
        if launch and decision and launch < decision:
            row.add_error("launch_date", ERROR_LAUNCH_BEFORE_DECISION)
        first_change = lookup.first_changes.get(club.pk) if club else None
        if first_change is None:
            return
        params = {"date": format_date(first_change.effective_on)}
        if first_change.kind == StatusChangeKind.DISSOLVED:
            # Dissolving a club that was never launched is legitimate; dates after it are not.
            for key, value in (("decision_date", decision), ("launch_date", launch)):
                if value and value > first_change.effective_on:
                    row.add_error(key, ERROR_DATE_AFTER_DISSOLUTION % params)
        elif launch is None or launch > first_change.effective_on:
            row.add_error("launch_date", ERROR_LAUNCH_AFTER_CHANGE % params)

    def _check_unit(self, row: Row, unit: AdminUnit, club: Club | None, lookup: "_Lookup") -> None:
        # is_club_host reads the prefetched children: no query.
        if not unit.is_club_host:
            row.add_error("unit_code", ERROR_UNIT_HAS_COMMUNES % {"unit": unit.name})
        decision_date = _value(row, club, "decision_date")
        # A new club, or a new unit or decision date, places the club (register.unit_not_in_force).
        placing = club is None or club.unit_id != unit.pk or club.decision_date != decision_date
        refusal = unit_not_in_force(unit, decision_date, placing=placing, maps=lookup.map_on)
        if refusal is not None:
            row.add_error("unit_code", refusal.messages[0])


class _Lookup:
    """What the rows refer to, read in a fixed number of queries whatever the number of rows."""

    def __init__(self, rows: list[Row], actor):
        unit_codes = {row.values["unit_code"] for row in rows if row.values.get("unit_code")}
        club_codes = {row.values["club_code"].upper() for row in rows if row.values.get("club_code")}
        names = {fold(row.values["name"]) for row in rows if row.values.get("name")}

        # The children are prefetched so that AdminUnit.is_club_host needs no query, here and
        # when club_create / club_update validate the unit again (only whether there are any).
        units = (
            AdminUnit.objects.filter(code__in=unit_codes)
            .select_related("scheme")
            .prefetch_related(children("children"))
        )
        self.units_by_code: dict[str, list[AdminUnit]] = {}
        for unit in units:
            self.units_by_code.setdefault(unit.code, []).append(unit)
        unit_ids = [unit.pk for candidates in self.units_by_code.values() for unit in candidates]
        # None: a system import (command line without --user) works on every unit and club.
        self.scope: set[int] | None = None
        clubs = Club.objects.all()
        if actor is not None:
            self.scope = set(
                access.units_for(actor, Cap.CLUB_MANAGE).filter(pk__in=unit_ids).values_list("pk", flat=True)
            )
            clubs = access.clubs_for(actor, Cap.CLUB_MANAGE)
        # Their units come with them, children prefetched: club_update validates club.unit again.
        clubs = clubs.filter(code__in=club_codes).select_related("unit").prefetch_related(children("unit__children"))
        self.clubs_by_code = {club.code: club for club in clubs}
        self.clubs_by_name = {
            (club.unit_id, club.name_folded): club
            for club in Club.objects.filter(unit__in=unit_ids, name_folded__in=names)
        }
        self._maps: dict[datetime.date, tuple[AdminScheme | None, bool]] = {}
        self.first_changes: dict[int, ClubStatusChange] = {}
        changes = ClubStatusChange.objects.filter(club__in=[club.pk for club in self.clubs_by_code.values()])
        for change in changes.order_by("club_id", "effective_on", "pk"):
            self.first_changes.setdefault(change.club_id, change)

    def in_scope(self, unit: AdminUnit) -> bool:
        return self.scope is None or unit.pk in self.scope

    def map_on(self, on: datetime.date) -> tuple[AdminScheme | None, bool]:
        """register.map_on, read once per day: only rows whose unit is refused ask it."""
        if on not in self._maps:
            self._maps[on] = map_on(on)
        return self._maps[on]


def children(lookup: str) -> Prefetch:
    return Prefetch(lookup, queryset=AdminUnit.objects.only("pk", "parent_id"))


def _unit_on(candidates: list[AdminUnit], on: datetime.date | None) -> AdminUnit:
    """The unit with this code on the map in force on `on` (today without a decision date: a club
    is registered on the map in force then), else on the most recent map that has it.

    Codes were reused when the map changed (docs/domain.md §6); a unit that did not exist on the
    decision date is then reported by the unit rule. The units of the earliest map start open (no
    `valid_from`): a club decided in 2019 is read on the map of 2020.
    """
    day = on or timezone.localdate()
    for unit in candidates:
        if unit.is_in_force(day):
            return unit
    return max(candidates, key=lambda unit: unit.scheme.valid_from)


def _value(row: Row, club: Club | None, key: str):
    """The value after the import: the file's if the column is there, else the registered one."""
    if key in row.values:
        return row.values[key]
    return getattr(club, key) if club is not None else None


def _differences(club: Club, values: dict, unit: AdminUnit) -> dict:
    changes = {key: value for key, value in values.items() if getattr(club, key) != value}
    if club.unit_id != unit.pk:
        changes["unit"] = unit
    return changes


CLUB_IMPORT = ClubImport()
