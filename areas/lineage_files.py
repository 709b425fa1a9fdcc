"""Reading a lineage file (the layout of data/quang_ngai_lineage.csv) and the provinces file it
leans on (data/provinces.csv).

A lineage file has one row per link from a unit of one map (scheme) to a unit of a later map:
`old_scheme,old_code,old_name,new_scheme,new_code,new_name,change`. A unit split between several
new units has a row for each of them, a unit that several old ones merged into a row for each of
those. This module checks what the file says by itself, line by line: the columns, the schemes
and the order of their maps, the codes, the names and the changes. What it says about the maps
held (units unknown, units without successor, the map of 1 Jan 2025 derived from it) is checked
by areas.lineage. Nothing is written unless the whole file is clean, and every problem is
reported with its line number.
"""

import csv
import dataclasses
import io

from django.utils.translation import gettext as _

from areas.models import AdminScheme, Change
from areas.unit_files import CODE, PROVINCE_SLUG, _duplicate

REQUIRED_COLUMNS = ["old_scheme", "old_code", "old_name", "new_scheme", "new_code", "new_name", "change"]
PROVINCE_COLUMNS = ["slug", "code", "name"]
CHANGES = [choice.value for choice in Change]


class LineageFileError(Exception):
    """The lineage cannot be loaded; `problems` lists each, with its line number where a line is at
    fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclasses.dataclass(frozen=True)
class Province:
    """A province as data/provinces.csv names it: the slug the unit files' `former_province` use,
    its official code and name."""

    slug: str
    code: str
    name: str


@dataclasses.dataclass(frozen=True)
class LinkRecord:
    line: int
    old_scheme: AdminScheme
    old_code: str
    old_name: str
    new_scheme: AdminScheme
    new_code: str
    new_name: str
    change: str


@dataclasses.dataclass
class LineageFile:
    links: list[LinkRecord]
    # By slug: where the units that appear only as old units are put (areas.lineage).
    provinces: dict[str, Province]


def read_provinces(stream: io.TextIOBase) -> dict[str, Province]:
    """The provinces file, by slug; refused as a whole, with line numbers, if anything is wrong."""
    reader = csv.DictReader(stream)
    missing = [column for column in PROVINCE_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise LineageFileError([_("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}])
    problems: list[str] = []
    provinces: dict[str, Province] = {}
    lines_by_code: dict[str, int] = {}
    lines_by_slug: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        slug, code, name = ((row.get(column) or "").strip() for column in PROVINCE_COLUMNS)
        line_problems = []
        if not PROVINCE_SLUG.fullmatch(slug):
            line_problems.append(
                _(
                    "Line %(line)s: the province slug %(value)s is not a short name in lower case "
                    "(letters a–z, digits, _ and -, such as kon_tum)."
                )
                % {"line": line, "value": repr(slug)}
            )
        elif slug in lines_by_slug:
            line_problems.append(
                _("Line %(line)s: province %(slug)s is already on line %(first)s.")
                % {"line": line, "slug": slug, "first": lines_by_slug[slug]}
            )
        if not CODE.fullmatch(code):
            line_problems.append(
                _("Line %(line)s: the province code %(code)s is not a number.") % {"line": line, "code": repr(code)}
            )
        elif code in lines_by_code:
            line_problems.append(_duplicate(line, code, lines_by_code[code]))
        if not name:
            line_problems.append(_("Line %(line)s: the province name is empty.") % {"line": line})
        lines_by_slug.setdefault(slug, line)
        lines_by_code.setdefault(code, line)
        if line_problems:
            problems.extend(line_problems)
        else:
            provinces[slug] = Province(slug=slug, code=code, name=name)
    if not problems and not provinces:
        problems.append(_("The file has no provinces."))
    if problems:
        raise LineageFileError(problems)
    return provinces


def read_lineage_file(stream: io.TextIOBase, *, provinces: dict[str, Province]) -> LineageFile:
    """The links of a lineage file, checked line by line (the module docstring)."""
    reader = csv.DictReader(stream)
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise LineageFileError([_("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}])

    schemes = {scheme.code: scheme for scheme in AdminScheme.objects.all()}
    problems: list[str] = []
    links: list[LinkRecord] = []
    first_line_of_pair: dict[tuple[str, str, str, str], int] = {}
    # (scheme, code) → (name, line where the unit is first named): a unit has one name on its map.
    named: dict[tuple[str, str], tuple[str, int]] = {}
    for row in reader:
        line = reader.line_num
        values = {column: (row.get(column) or "").strip() for column in REQUIRED_COLUMNS}
        line_problems = _check_row(line, values, schemes)
        if line_problems:
            problems.extend(line_problems)
            continue
        pair = (values["old_scheme"], values["old_code"], values["new_scheme"], values["new_code"])
        if pair in first_line_of_pair:
            problems.append(
                _("Line %(line)s: the link from %(old)s to %(new)s is already on line %(first)s.")
                % {
                    "line": line,
                    "old": f"{values['old_code']} ({values['old_scheme']})",
                    "new": f"{values['new_code']} ({values['new_scheme']})",
                    "first": first_line_of_pair[pair],
                }
            )
            continue
        first_line_of_pair[pair] = line
        names_agree = True
        for side in ("old", "new"):
            scheme, code, name = values[f"{side}_scheme"], values[f"{side}_code"], values[f"{side}_name"]
            known_name, first = named.setdefault((scheme, code), (name, line))
            if known_name != name:
                names_agree = False
                problems.append(
                    _(
                        "Line %(line)s: unit %(code)s of %(scheme)s is named %(name)s here "
                        "but %(known)s on line %(first)s."
                    )
                    % {
                        "line": line,
                        "code": code,
                        "scheme": scheme,
                        "name": repr(name),
                        "known": repr(known_name),
                        "first": first,
                    }
                )
        if names_agree:
            links.append(
                LinkRecord(
                    line=line,
                    old_scheme=schemes[values["old_scheme"]],
                    old_code=values["old_code"],
                    old_name=values["old_name"],
                    new_scheme=schemes[values["new_scheme"]],
                    new_code=values["new_code"],
                    new_name=values["new_name"],
                    change=values["change"],
                )
            )
    if not problems and not links:
        problems.append(_("The file has no links."))
    if problems:
        raise LineageFileError(problems)
    return LineageFile(links=links, provinces=provinces)


def _check_row(line: int, values: dict[str, str], schemes: dict[str, AdminScheme]) -> list[str]:
    problems = []

    def problem(message: str, **params: object) -> None:
        problems.append(message % {"line": line, **params})

    for column in ("old_scheme", "new_scheme"):
        if values[column] not in schemes:
            problem(
                _("Line %(line)s: unknown scheme %(value)s (known schemes: %(known)s)."),
                value=repr(values[column]),
                known=", ".join(schemes),
            )
    if not CODE.fullmatch(values["old_code"]):
        problem(_("Line %(line)s: the old code %(code)s is not a number."), code=repr(values["old_code"]))
    if not CODE.fullmatch(values["new_code"]):
        problem(_("Line %(line)s: the new code %(code)s is not a number."), code=repr(values["new_code"]))
    if not values["old_name"]:
        problem(_("Line %(line)s: the old name is empty."))
    if not values["new_name"]:
        problem(_("Line %(line)s: the new name is empty."))
    if values["change"] not in CHANGES:
        problem(
            _("Line %(line)s: unknown change %(value)s (expected one of %(expected)s)."),
            value=repr(values["change"]),
            expected=", ".join(CHANGES),
        )
    old, new = schemes.get(values["old_scheme"]), schemes.get(values["new_scheme"])
    if old is not None and new is not None and new.valid_from <= old.valid_from:
        # Links run from a map to a later one: the lineage is then a chain in time, never a cycle.
        problem(
            _(
                "Line %(line)s: the new scheme %(new)s does not start after the old scheme %(old)s: "
                "a link back in time would make a cycle."
            ),
            new=new.code,
            old=old.code,
        )
    if values["change"] == Change.KEPT and (
        values["old_code"] != values["new_code"] or values["old_name"] != values["new_name"]
    ):
        problem(
            _(
                "Line %(line)s: a kept unit keeps its code and name, but %(old)s becomes %(new)s "
                "(renamed, merged or split?)."
            ),
            old=f"{values['old_code']} {values['old_name']}",
            new=f"{values['new_code']} {values['new_name']}",
        )
    return problems
