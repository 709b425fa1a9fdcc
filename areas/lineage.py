"""What a lineage file makes of the maps held: the units its rows name, found on the maps loaded
from unit files or derived from the lineage itself, and the links between them. Reads only;
areas.services.lineage_load writes the plan.

A map that no unit file was loaded into (no unit of its scheme comes from a file) is derived:
- from the links into it: each new unit of the rows from the map before becomes a unit with the
  row's name, its kind told by the name ("Xã …", "Phường …", "Thị trấn …", "Huyện …"), the level
  and area type of the units it came from, and as parent the copy of their parent. Their parents
  (districts) and the province are copied unchanged: the mergers of 1 Jan 2025 joined communes
  of one district and left the districts as they were (docs/domain.md §6). This is how the map
  of 1 Jan 2025 is held: Quảng Ngãi's 173 communes became 170, and Lý Sơn stays a district
  without communes;
- from the links out of it, for units that appear only as old units, in a province whose map of
  that scheme nothing else gives: the communes of the former Kon Tum on 1 Jan 2025 (they appear
  only in the links to the Quảng Ngãi of 1 Jul 2025). They are put right under their province,
  named in data/provinces.csv after the `former_province` of the units they became: the data
  does not say their districts. Their area type is that of the units they became.

A map given by a unit file is never changed here: a unit the file does not name is unknown.
Links and derived units that a later file no longer names are left in place: clubs may have
followed them, and removing them is a decision for a person.
"""

import dataclasses
import unicodedata
from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from areas.lineage_files import LineageFile, LineageFileError, LinkRecord
from areas.models import AdminScheme, AdminUnit, Kind, Level

# The kind of a derived unit, told by the start of its name (longest first: "Thị trấn" before "Thị xã").
KINDS_BY_NAME = [
    ("Thành phố ", Kind.CITY),
    ("Thị trấn ", Kind.TOWNSHIP),
    ("Thị xã ", Kind.TOWN),
    ("Đặc khu ", Kind.SPECIAL_ZONE),
    ("Phường ", Kind.WARD),
    ("Huyện ", Kind.DISTRICT),
    ("Xã ", Kind.COMMUNE),
]
NAME_STARTS = ", ".join(start.strip() for start, _kind in KINDS_BY_NAME)

# A unit of one scheme: (scheme id, official code).
Key = tuple[int, str]


@dataclasses.dataclass(eq=False)
class PlannedUnit:
    """A unit as the lineage sees it: one held on a map loaded from a file (`derive` False), or
    one derived here (`derive` True; `held` is then the unit an earlier load derived, if any)."""

    scheme: AdminScheme
    code: str
    name: str
    level: str
    kind: str
    area_type: str
    parent: "PlannedUnit | None"
    held: AdminUnit | None
    derive: bool
    former_province: str = ""

    @property
    def path(self) -> str:
        return f"{self.parent.path if self.parent else '/'}{self.code}/"

    @property
    def root(self) -> str:
        """The path of its province."""
        return f"/{self.path.split('/')[1]}/"


@dataclasses.dataclass(frozen=True)
class PlannedLink:
    predecessor: PlannedUnit
    successor: PlannedUnit
    change: str


@dataclasses.dataclass
class LineagePlan:
    # Parents before their children.
    derived_units: list[PlannedUnit]
    links: list[PlannedLink]
    # The old and new scheme of each link: the pairs of maps the file covers.
    scheme_pairs: list[tuple[AdminScheme, AdminScheme]]


def kind_from_name(name: str) -> str | None:
    """The kind of unit a Vietnamese name says ("Xã An Phú" is a commune); None if it says none."""
    name = unicodedata.normalize("NFC", name)
    return next((kind for start, kind in KINDS_BY_NAME if name.startswith(start)), None)


def lineage_plan(lineage_file: LineageFile) -> LineagePlan:
    """The units and links the file makes, checked against the maps held; LineageFileError with
    every problem (and its lines) if the file cannot be loaded as a whole."""
    return _Planner(lineage_file).plan()


def _lines(rows: Iterable[LinkRecord]) -> tuple[int, str]:
    numbers = sorted({row.line for row in rows})
    return len(numbers), ", ".join(str(number) for number in numbers)


class _Planner:
    def __init__(self, lineage_file: LineageFile):
        self.file = lineage_file
        schemes = {link.old_scheme for link in lineage_file.links} | {link.new_scheme for link in lineage_file.links}
        held = list(AdminUnit.objects.filter(scheme__in=schemes))
        self.held_by_key: dict[Key, AdminUnit] = {(unit.scheme_id, unit.code): unit for unit in held}
        self.held_by_pk = {unit.pk: unit for unit in held}
        self.schemes_by_pk = {scheme.pk: scheme for scheme in schemes}
        given = {unit.scheme_id for unit in held if not unit.derived}
        self.derived_schemes = {scheme.pk for scheme in schemes if scheme.pk not in given}
        # Every unit seen or made, held or derived.
        self.units: dict[Key, PlannedUnit] = {}
        # Derived units that only hold others: the copied provinces and districts.
        self.containers: set[Key] = set()
        self.links: list[PlannedLink] = []
        self.problems: list[str] = []

    def plan(self) -> LineagePlan:
        transitions: dict[tuple[AdminScheme, AdminScheme], list[LinkRecord]] = {}
        for link in self.file.links:
            transitions.setdefault((link.old_scheme, link.new_scheme), []).append(link)
        # Earlier maps first: a map derived from the links into it is then known when the links out
        # of it are read.
        pairs = sorted(transitions, key=lambda pair: (pair[0].valid_from, pair[1].valid_from))
        for old, new in pairs:
            self._transition(old, new, transitions[(old, new)])
        if self.problems:
            raise LineageFileError(self.problems)
        derived = [unit for unit in self.units.values() if unit.derive]
        return LineagePlan(
            derived_units=sorted(derived, key=lambda unit: unit.path.count("/")),
            links=self.links,
            scheme_pairs=pairs,
        )

    # --- one pair of maps ----------------------------------------------------------------------

    def _transition(self, old: AdminScheme, new: AdminScheme, rows: list[LinkRecord]) -> None:
        rows_by_old: dict[str, list[LinkRecord]] = {}
        rows_by_new: dict[str, list[LinkRecord]] = {}
        for row in rows:
            rows_by_old.setdefault(row.old_code, []).append(row)
            rows_by_new.setdefault(row.new_code, []).append(row)

        old_units: dict[str, PlannedUnit] = {}
        for code, old_rows in rows_by_old.items():
            unit = self._found(old, code, old_rows[0].old_name, old_rows)
            if unit is not None:
                old_units[code] = unit

        new_units: dict[str, PlannedUnit] = {}
        # Old units whose problem is already reported: not reported again as unknown.
        failed: set[str] = set()
        for code, new_rows in rows_by_new.items():
            predecessors = [old_units.get(row.old_code) for row in new_rows]
            if new.pk in self.derived_schemes:
                if None in predecessors:
                    continue  # an unknown unit it came from is reported
                unit = self._derive_successor(new, code, new_rows, [p for p in predecessors if p is not None])
            else:
                unit = self._found(new, code, new_rows[0].new_name, new_rows)
            if unit is not None:
                new_units[code] = unit
            elif new.pk not in self.derived_schemes:  # else why it cannot be derived is reported
                self._unknown(new, code, new_rows[0].new_name, new_rows)

        if old.pk in self.derived_schemes and new.pk not in self.derived_schemes:
            provinces_held = {unit.root for key, unit in self.units.items() if key[0] == old.pk}
            for code, old_rows in rows_by_old.items():
                if code in old_units:
                    continue
                successors = [new_units.get(row.new_code) for row in old_rows]
                unit = None
                if None not in successors:  # else the unknown new unit is reported
                    unit = self._derive_in_province(
                        old, code, old_rows, [s for s in successors if s is not None], provinces_held
                    )
                if unit is not None:
                    old_units[code] = unit
                else:
                    failed.add(code)
        for code, old_rows in rows_by_old.items():
            if code not in old_units and code not in failed:
                self._unknown(old, code, old_rows[0].old_name, old_rows)

        self._check_every_unit_goes_on(old, old_units, set(rows_by_old))
        for row in rows:
            predecessor, successor = old_units.get(row.old_code), new_units.get(row.new_code)
            if predecessor is not None and successor is not None:
                self.links.append(PlannedLink(predecessor=predecessor, successor=successor, change=row.change))

    # --- units held ----------------------------------------------------------------------------

    def _found(self, scheme: AdminScheme, code: str, name: str, rows: list[LinkRecord]) -> PlannedUnit | None:
        """The unit `code` of a map loaded from a file, or of a derived map as derived so far."""
        if scheme.pk in self.derived_schemes:
            return self.units.get((scheme.pk, code))
        held = self.held_by_key.get((scheme.pk, code))
        if held is None:
            return None
        if held.name != name:
            count, lines = _lines(rows)
            self.problems.append(
                ngettext(
                    "Line %(lines)s: unit %(code)s of %(scheme)s is named %(held)s on the map, not %(name)s.",
                    "Lines %(lines)s: unit %(code)s of %(scheme)s is named %(held)s on the map, not %(name)s.",
                    count,
                )
                % {"lines": lines, "code": code, "scheme": scheme.code, "held": repr(held.name), "name": repr(name)}
            )
        return self._view(held)

    def _view(self, held: AdminUnit) -> PlannedUnit:
        key = (held.scheme_id, held.code)
        if key not in self.units:
            parent = self.held_by_pk.get(held.parent_id) if held.parent_id else None
            self.units[key] = PlannedUnit(
                scheme=self.schemes_by_pk[held.scheme_id],
                code=held.code,
                name=held.name,
                level=held.level,
                kind=held.kind,
                area_type=held.area_type,
                parent=self._view(parent) if parent is not None else None,
                held=held,
                derive=False,
                former_province=held.former_province,
            )
        return self.units[key]

    def _unknown(self, scheme: AdminScheme, code: str, name: str, rows: list[LinkRecord]) -> None:
        count, lines = _lines(rows)
        self.problems.append(
            ngettext(
                "Line %(lines)s: unknown unit %(code)s %(name)s of %(scheme)s: it is neither on a map loaded "
                "nor derivable from the lineage.",
                "Lines %(lines)s: unknown unit %(code)s %(name)s of %(scheme)s: it is neither on a map loaded "
                "nor derivable from the lineage.",
                count,
            )
            % {"lines": lines, "code": code, "name": name, "scheme": scheme.code}
        )

    # --- units derived -------------------------------------------------------------------------

    def _derive_successor(
        self, scheme: AdminScheme, code: str, rows: list[LinkRecord], predecessors: list[PlannedUnit]
    ) -> PlannedUnit | None:
        """A unit of a derived map, from the units it came from (the module docstring)."""
        count, lines = _lines(rows)
        name = rows[0].new_name
        problems_before = len(self.problems)
        area_types = sorted({unit.area_type for unit in predecessors})
        if len(area_types) > 1:
            self.problems.append(
                ngettext(
                    "Line %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it comes "
                    "from differ in area type (%(area_types)s).",
                    "Lines %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it comes "
                    "from differ in area type (%(area_types)s).",
                    count,
                )
                % {
                    "lines": lines,
                    "name": name,
                    "code": code,
                    "scheme": scheme.code,
                    "area_types": ", ".join(area_types),
                }
            )
        places = {(unit.parent.code if unit.parent else None, unit.level) for unit in predecessors}
        if len(places) > 1:
            parents = sorted({unit.parent.name if unit.parent else unit.name for unit in predecessors})
            self.problems.append(
                ngettext(
                    "Line %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it comes "
                    "from sit in different districts (%(districts)s).",
                    "Lines %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it comes "
                    "from sit in different districts (%(districts)s).",
                    count,
                )
                % {"lines": lines, "name": name, "code": code, "scheme": scheme.code, "districts": ", ".join(parents)}
            )
        kind = self._kind(name, code, scheme, rows)
        if len(self.problems) > problems_before or kind is None:
            return None
        first = predecessors[0]
        parent = self._copy(scheme, first.parent, rows) if first.parent is not None else None
        return self._add(
            rows,
            PlannedUnit(
                scheme=scheme,
                code=code,
                name=name,
                level=first.level,
                kind=kind,
                area_type=first.area_type,
                parent=parent,
                held=self.held_by_key.get((scheme.pk, code)),
                derive=True,
            ),
        )

    def _copy(self, scheme: AdminScheme, original: PlannedUnit, rows: list[LinkRecord]) -> PlannedUnit:
        """The copy on a derived map of a province or district of the map before, made once."""
        key = (scheme.pk, original.code)
        if key in self.units:
            if key not in self.containers:
                self._code_taken(scheme, original.code, rows)
            return self.units[key]
        parent = self._copy(scheme, original.parent, rows) if original.parent is not None else None
        self.containers.add(key)
        self.units[key] = PlannedUnit(
            scheme=scheme,
            code=original.code,
            name=original.name,
            level=original.level,
            kind=original.kind,
            area_type=original.area_type,
            parent=parent,
            held=self.held_by_key.get(key),
            derive=True,
            former_province=original.former_province,
        )
        return self.units[key]

    def _derive_in_province(
        self,
        scheme: AdminScheme,
        code: str,
        rows: list[LinkRecord],
        successors: list[PlannedUnit],
        provinces_held: set[str],
    ) -> PlannedUnit | None:
        """A unit that appears only as an old unit, right under its province (the module docstring)."""
        count, lines = _lines(rows)
        name = rows[0].old_name
        params = {"lines": lines, "name": name, "code": code, "scheme": scheme.code}
        former = sorted({unit.former_province for unit in successors})
        if former == [""]:
            self._unknown(scheme, code, name, rows)  # no province to put it in
            return None
        if len(former) > 1:
            self.problems.append(
                ngettext(
                    "Line %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it became "
                    "were in different provinces before (%(provinces)s).",
                    "Lines %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it became "
                    "were in different provinces before (%(provinces)s).",
                    count,
                )
                % {**params, "provinces": ", ".join(slug or "—" for slug in former)}
            )
            return None
        province = self.file.provinces.get(former[0])
        if province is None:
            self.problems.append(
                ngettext(
                    "Line %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: its province "
                    "%(province)s is not in the provinces file.",
                    "Lines %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: its province "
                    "%(province)s is not in the provinces file.",
                    count,
                )
                % {**params, "province": former[0]}
            )
            return None
        if f"/{province.code}/" in provinces_held:
            # The province's map of that scheme is given otherwise: a unit missing from it is unknown.
            self._unknown(scheme, code, name, rows)
            return None
        area_types = sorted({unit.area_type for unit in successors})
        if len(area_types) > 1:
            self.problems.append(
                ngettext(
                    "Line %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it became "
                    "differ in area type (%(area_types)s).",
                    "Lines %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: the units it became "
                    "differ in area type (%(area_types)s).",
                    count,
                )
                % {**params, "area_types": ", ".join(area_types)}
            )
            return None
        kind = self._kind(name, code, scheme, rows)
        if kind is None:
            return None
        province_key = (scheme.pk, province.code)
        if province_key not in self.units:
            self.containers.add(province_key)
            self.units[province_key] = PlannedUnit(
                scheme=scheme,
                code=province.code,
                name=province.name,
                level=Level.PROVINCE,
                kind=Kind.PROVINCE,
                area_type="",
                parent=None,
                held=self.held_by_key.get(province_key),
                derive=True,
            )
        elif province_key not in self.containers or self.units[province_key].level != Level.PROVINCE:
            self._code_taken(scheme, province.code, rows)
            return None
        return self._add(
            rows,
            PlannedUnit(
                scheme=scheme,
                code=code,
                name=name,
                level=Level.COMMUNE,
                kind=kind,
                area_type=area_types[0],
                parent=self.units[province_key],
                held=self.held_by_key.get((scheme.pk, code)),
                derive=True,
            ),
        )

    def _kind(self, name: str, code: str, scheme: AdminScheme, rows: list[LinkRecord]) -> str | None:
        kind = kind_from_name(name)
        if kind is None:
            count, lines = _lines(rows)
            self.problems.append(
                ngettext(
                    "Line %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: its name does not say "
                    "what kind of unit it is (it starts with none of %(starts)s).",
                    "Lines %(lines)s: %(name)s (%(code)s, %(scheme)s) cannot be derived: its name does not say "
                    "what kind of unit it is (it starts with none of %(starts)s).",
                    count,
                )
                % {"lines": lines, "name": name, "code": code, "scheme": scheme.code, "starts": NAME_STARTS}
            )
        return kind

    def _add(self, rows: list[LinkRecord], unit: PlannedUnit) -> PlannedUnit | None:
        key = (unit.scheme.pk, unit.code)
        if key in self.units:
            self._code_taken(unit.scheme, unit.code, rows)
            return None
        self.units[key] = unit
        return unit

    def _code_taken(self, scheme: AdminScheme, code: str, rows: list[LinkRecord]) -> None:
        count, lines = _lines(rows)
        self.problems.append(
            ngettext(
                "Line %(lines)s: code %(code)s of %(scheme)s would be given to two units: a unit derived "
                "from the lineage and a province or district copied from the map before.",
                "Lines %(lines)s: code %(code)s of %(scheme)s would be given to two units: a unit derived "
                "from the lineage and a province or district copied from the map before.",
                count,
            )
            % {"lines": lines, "code": code, "scheme": scheme.code}
        )

    # --- every unit goes on --------------------------------------------------------------------

    def _check_every_unit_goes_on(self, old: AdminScheme, old_units: dict[str, PlannedUnit], named: set[str]) -> None:
        """Every unit of the old map that can host clubs, in the provinces the rows cover, has a
        successor: a club there must have somewhere to go. Provinces and districts with communes
        only hold units; their communes' links say where their territory went."""
        provinces = {unit.root for unit in old_units.values()}
        if old.pk in self.derived_schemes:
            units = [unit for key, unit in self.units.items() if key[0] == old.pk and unit.root in provinces]
            parents = {id(unit.parent) for unit in units if unit.parent is not None}
            hosts = [
                (unit.code, unit.name, unit.path) for unit in units if _hosts_clubs(unit.level, id(unit) in parents)
            ]
        else:
            held = [
                unit
                for (scheme_pk, _code), unit in self.held_by_key.items()
                if scheme_pk == old.pk and f"/{unit.path.split('/')[1]}/" in provinces
            ]
            parent_pks = {unit.parent_id for unit in held}
            hosts = [
                (unit.code, unit.name, unit.path) for unit in held if _hosts_clubs(unit.level, unit.pk in parent_pks)
            ]
        for code, name, _path in sorted(hosts, key=lambda host: host[2]):
            if code not in named:
                self.problems.append(
                    _("Unit %(code)s %(name)s of %(scheme)s has no successor in the file: where did it go?")
                    % {"code": code, "name": name, "scheme": old.code}
                )


def _hosts_clubs(level: str, has_children: bool) -> bool:
    """AdminUnitQuerySet.club_hosts, for units not yet written."""
    return level == Level.COMMUNE or (level == Level.DISTRICT and not has_children)
