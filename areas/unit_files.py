"""Reading a file of administrative units, in one of two layouts told apart by the header:

- three levels (data/quang_ngai_2020_2024_units.csv, the maps until 30/06/2025): one row per
  commune-level unit, repeating its district; a district without communes (Lý Sơn) has one row
  with the commune columns empty;
- two levels (data/quang_ngai_2025_units.csv, the map from 01/07/2025, when districts were
  abolished): one row per commune-level unit, right under the province, with its own area type
  and the province it belonged to before the provinces merged (`former_province`, a slug such as
  "kon_tum"; stored as the file says it, "quang_ngai" included).

The whole file is read and checked before anything is written, and every problem is reported with
its line number.
"""

import csv
import dataclasses
import io
import re
from collections.abc import Callable

from django.utils.translation import gettext as _

from areas.models import AreaType, Kind

# A file with a district_code column is of three levels; one without it but with ward_code, of two.
REQUIRED_COLUMNS = [
    "district_code",
    "district_name",
    "district_type",
    "area_type",
    "ward_code",
    "ward_name",
    "ward_type",
]
TWO_LEVEL_COLUMNS = ["ward_code", "ward_name", "ward_type", "former_province", "area_type"]
DISTRICT_KINDS = {"city": Kind.CITY, "town": Kind.TOWN, "district": Kind.DISTRICT}
COMMUNE_KINDS = {"xa": Kind.COMMUNE, "phuong": Kind.WARD, "thi_tran": Kind.TOWNSHIP, "dac_khu": Kind.SPECIAL_ZONE}
AREA_TYPES = {choice.value for choice in AreaType}
# Official codes are ASCII digits; str.isdigit() would also take full-width or superscript digits.
CODE = re.compile(r"[0-9]+")
# A province's slug as AdminUnit.former_province holds it (at most 32 characters).
PROVINCE_SLUG = re.compile(r"[a-z0-9_-]{1,32}")


@dataclasses.dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    kind: str
    area_type: str
    # The district's code; None for a district, and for a commune right under the province.
    parent_code: str | None
    line: int
    former_province: str = ""


@dataclasses.dataclass
class UnitFile:
    districts: list[UnitRecord]
    communes: list[UnitRecord]


class UnitFileError(Exception):
    """The file cannot be loaded; `problems` lists each with its line number."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def read_unit_file(stream: io.TextIOBase) -> UnitFile:
    reader = csv.DictReader(stream)
    header = reader.fieldnames or []
    two_levels = "district_code" not in header and "ward_code" in header
    required = TWO_LEVEL_COLUMNS if two_levels else REQUIRED_COLUMNS
    missing = [column for column in required if column not in header]
    if missing:
        raise UnitFileError([_("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}])
    if two_levels:
        return _read_two_levels(reader)

    problems: list[str] = []
    districts: dict[str, UnitRecord] = {}
    communes: dict[str, UnitRecord] = {}
    first_seen: dict[str, int] = {}
    for row in reader:
        # The reader skips blank lines: its own counter gives the line as an editor shows it.
        line = reader.line_num
        values = {column: (row.get(column) or "").strip() for column in REQUIRED_COLUMNS}
        line_problems = _check_row(line, values)
        if line_problems:
            problems.extend(line_problems)
            continue
        district = UnitRecord(
            code=values["district_code"],
            name=values["district_name"],
            kind=DISTRICT_KINDS[values["district_type"]],
            area_type=values["area_type"],
            parent_code=None,
            line=line,
        )
        known = districts.get(district.code)
        if known is None:
            if district.code in communes:
                problems.append(_duplicate(line, district.code, first_seen[district.code]))
                continue
            districts[district.code] = district
            first_seen[district.code] = line
        elif (known.name, known.kind, known.area_type) != (district.name, district.kind, district.area_type):
            problems.append(
                _("Line %(line)s: district %(code)s is described differently on line %(first)s.")
                % {"line": line, "code": district.code, "first": known.line}
            )
            continue
        if not values["ward_code"]:
            continue
        code = values["ward_code"]
        if code in first_seen:
            problems.append(_duplicate(line, code, first_seen[code]))
            continue
        first_seen[code] = line
        communes[code] = UnitRecord(
            code=code,
            name=values["ward_name"],
            kind=COMMUNE_KINDS[values["ward_type"]],
            area_type=district.area_type,
            parent_code=district.code,
            line=line,
        )
    if not problems and not districts:
        problems.append(_("The file has no units."))
    if problems:
        raise UnitFileError(problems)
    return UnitFile(districts=list(districts.values()), communes=list(communes.values()))


def _read_two_levels(reader: "csv.DictReader[str]") -> UnitFile:
    """Communes right under the province, each with its own area type and former province."""
    problems: list[str] = []
    communes: dict[str, UnitRecord] = {}
    for row in reader:
        line = reader.line_num
        values = {column: (row.get(column) or "").strip() for column in TWO_LEVEL_COLUMNS}
        line_problems = _check_two_level_row(line, values)
        if line_problems:
            problems.extend(line_problems)
            continue
        code = values["ward_code"]
        if code in communes:
            problems.append(_duplicate(line, code, communes[code].line))
            continue
        communes[code] = UnitRecord(
            code=code,
            name=values["ward_name"],
            kind=COMMUNE_KINDS[values["ward_type"]],
            area_type=values["area_type"],
            parent_code=None,
            line=line,
            former_province=values["former_province"],
        )
    if not problems and not communes:
        problems.append(_("The file has no units."))
    if problems:
        raise UnitFileError(problems)
    return UnitFile(districts=[], communes=list(communes.values()))


def _check_commune(problem: Callable[..., None], values: dict[str, str]) -> None:
    """The commune columns of a row, in both layouts: its code, name and type."""
    if not CODE.fullmatch(values["ward_code"]):
        problem(_("Line %(line)s: the commune code %(code)s is not a number."), code=repr(values["ward_code"]))
    if not values["ward_name"]:
        problem(_("Line %(line)s: the commune name is empty."))
    if values["ward_type"] not in COMMUNE_KINDS:
        problem(
            _("Line %(line)s: unknown commune type %(value)s (expected one of %(expected)s)."),
            value=repr(values["ward_type"]),
            expected=", ".join(COMMUNE_KINDS),
        )


def _check_two_level_row(line: int, values: dict[str, str]) -> list[str]:
    problems = []

    def problem(message: str, **params: object) -> None:
        problems.append(message % {"line": line, **params})

    _check_commune(problem, values)
    if values["former_province"] and not PROVINCE_SLUG.fullmatch(values["former_province"]):
        problem(
            _(
                "Line %(line)s: the former province %(value)s is not a short name in lower case "
                "(letters a–z, digits, _ and -, such as kon_tum)."
            ),
            value=repr(values["former_province"]),
        )
    if values["area_type"] not in AREA_TYPES:
        problem(
            _("Line %(line)s: unknown area type %(value)s (expected one of %(expected)s)."),
            value=repr(values["area_type"]),
            expected=", ".join(sorted(AREA_TYPES)),
        )
    return problems


def _duplicate(line: int, code: str, first: int) -> str:
    return _("Line %(line)s: code %(code)s is already used on line %(first)s.") % {
        "line": line,
        "code": code,
        "first": first,
    }


def _check_row(line: int, values: dict[str, str]) -> list[str]:
    problems = []

    def problem(message: str, **params: object) -> None:
        problems.append(message % {"line": line, **params})

    if not values["district_code"]:
        if values["ward_code"]:
            problem(_("Line %(line)s: commune %(code)s has no district code."), code=values["ward_code"])
        else:
            problem(_("Line %(line)s: the district code is empty."))
        return problems
    if not CODE.fullmatch(values["district_code"]):
        problem(_("Line %(line)s: the district code %(code)s is not a number."), code=values["district_code"])
    if not values["district_name"]:
        problem(_("Line %(line)s: the district name is empty."))
    if values["district_type"] not in DISTRICT_KINDS:
        problem(
            _("Line %(line)s: unknown district type %(value)s (expected one of %(expected)s)."),
            value=repr(values["district_type"]),
            expected=", ".join(DISTRICT_KINDS),
        )
    if values["area_type"] not in AREA_TYPES:
        problem(
            _("Line %(line)s: unknown area type %(value)s (expected one of %(expected)s)."),
            value=repr(values["area_type"]),
            expected=", ".join(sorted(AREA_TYPES)),
        )
    ward_given = any(values[column] for column in ("ward_code", "ward_name", "ward_type"))
    if ward_given:
        _check_commune(problem, values)
    return problems
