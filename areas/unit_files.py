"""Reading a file of administrative units (the layout of data/quang_ngai_2020_2024_units.csv).

One row per commune-level unit, repeating its district; a district without communes (Lý Sơn)
has one row with the commune columns empty. The whole file is read and checked before
anything is written, and every problem is reported with its line number.
"""

import csv
import dataclasses
import io
import re

from django.utils.translation import gettext as _

from areas.models import AreaType, Kind

REQUIRED_COLUMNS = [
    "district_code",
    "district_name",
    "district_type",
    "area_type",
    "ward_code",
    "ward_name",
    "ward_type",
]
DISTRICT_KINDS = {"city": Kind.CITY, "town": Kind.TOWN, "district": Kind.DISTRICT}
COMMUNE_KINDS = {"xa": Kind.COMMUNE, "phuong": Kind.WARD, "thi_tran": Kind.TOWNSHIP, "dac_khu": Kind.SPECIAL_ZONE}
AREA_TYPES = {choice.value for choice in AreaType}
# Official codes are ASCII digits; str.isdigit() would also take full-width or superscript digits.
CODE = re.compile(r"[0-9]+")


@dataclasses.dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    kind: str
    area_type: str
    parent_code: str | None
    line: int


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
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise UnitFileError([_("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}])

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
    return problems
