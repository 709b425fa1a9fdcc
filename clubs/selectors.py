"""Reads of the club register: the list, club counts by unit and by status, where clubs sit on
the maps and which wait for a decision."""

import dataclasses
import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When

from areas.models import AdminScheme, AdminUnit, Level, UnitLink
from clubs import locating
from clubs.models import Club, ClubLocation, ClubQuerySet, LocationSource, MapGrouping
from core.text import fold

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from clubs.models import ClubWithStatus


def club_list(
    *,
    clubs: ClubQuerySet[Club],
    on: datetime.date,
    q: str = "",
    unit: AdminUnit | None = None,
    status: str = "",
    shown_on: AdminScheme | None = None,
) -> "QuerySet[ClubWithStatus]":
    """The clubs of a scope for the list page: status as of `on`, searched and filtered in SQL.
    `unit`: a unit of any map; the clubs located under it on its map (ClubQuerySet.located_under).
    `shown_on`: the map whose unit each club is shown in (`place`, and its district `place_district`;
    empty for a club not on that map, such as one dissolved before it), in the same query."""
    if unit is not None:
        clubs = clubs.located_under(unit)
    rows = clubs.with_status(on).select_related("unit", "unit__parent")
    if shown_on is not None:
        by_unit = MapGrouping(shown_on)
        parent = f"{by_unit.unit_id()}__parent"
        rows = by_unit.rows(rows, unplaced=True).annotate(
            place=F(f"{by_unit.unit_id()}__name"),
            place_district=Case(When(**{f"{parent}__level": Level.DISTRICT}, then=F(f"{parent}__name"))),
        )
    if q:
        for word in fold(q).split():
            rows = rows.filter(name_folded__contains=word)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("name_folded", "pk")


def club_counts_by_unit(
    *, clubs: ClubQuerySet[Club], on: datetime.date, scheme: AdminScheme
) -> dict[int, dict[str, int]]:
    """{unit_id: {status: count}} of the units of the map `scheme`, by where each club sits on it
    (MapGrouping), in one grouped query."""
    by_unit = MapGrouping(scheme)
    counts: dict[int, dict[str, int]] = {}
    rows = by_unit.rows(clubs.with_status(on)).order_by().annotate(unit_on_map=by_unit.key())
    for row in rows.values("unit_on_map", "status").annotate(n=Count("pk")):
        counts.setdefault(row["unit_on_map"], {})[row["status"]] = row["n"]
    return counts


def club_counts_by_status(*, clubs: ClubQuerySet[Club], on: datetime.date) -> dict[str, int]:
    rows = clubs.with_status(on).order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


# --- where clubs sit on the maps -------------------------------------------------------------


class Lineage:
    """The lineage as the rule reads it: each unit's successors on the later maps, with the codes
    the audit entries name. Read whole in one query (`loaded`, to follow many clubs), or unit by
    unit as the rule asks (`lazy`, to follow one club: one query per map it is followed onto)."""

    def __init__(self, successors: dict[int, list[locating.Successor]] | None) -> None:
        self._successors = successors
        self._asked: dict[int, list[locating.Successor]] = {}
        # Read with the successors, from the same links: unit id → the units it came from.
        self._predecessors: dict[int, list[locating.Predecessor]] = {}
        self._asked_back: set[int] = set()
        self.unit_codes: dict[int, str] = {}
        self.scheme_codes: dict[int, str] = {}

    @classmethod
    def loaded(cls) -> "Lineage":
        lineage = cls({})
        lineage._read(UnitLink.objects.all())
        return lineage

    @classmethod
    def lazy(cls) -> "Lineage":
        return cls(None)

    def successors(self, unit_id: int) -> list[locating.Successor]:
        if self._successors is not None:
            return self._successors.get(unit_id, [])
        if unit_id not in self._asked:
            self._asked[unit_id] = self._read(UnitLink.objects.filter(predecessor_id=unit_id)).get(unit_id, [])
        return self._asked[unit_id]

    def predecessors(self, unit_id: int) -> list[locating.Predecessor]:
        if self._successors is None and unit_id not in self._asked_back:
            self._asked_back.add(unit_id)
            self._read(UnitLink.objects.filter(successor_id=unit_id))
        return self._predecessors.get(unit_id, [])

    def _read(self, links: QuerySet[UnitLink]) -> dict[int, list[locating.Successor]]:
        found: dict[int, list[locating.Successor]] = {} if self._successors is None else self._successors
        rows = links.order_by().values_list(
            "predecessor_id",
            "successor_id",
            "successor__code",
            "successor__scheme_id",
            "successor__scheme__code",
            "successor__scheme__valid_from",
            *("predecessor__scheme_id", "predecessor__scheme__code", "predecessor__scheme__valid_from"),
            *("predecessor__code", "predecessor__path"),
            # A unit's ancestors on its map, nearest first (a commune's district, then province).
            *("predecessor__parent_id", "predecessor__parent__code", "predecessor__parent__path"),
            *("predecessor__parent__parent_id", "predecessor__parent__parent__code"),
            "predecessor__parent__parent__path",
        )
        for row in rows:
            predecessor_id, unit_id, unit_code, scheme_id, scheme_code, scheme_start = row[:6]
            old_scheme_id, old_scheme_code, old_start, old_code, old_path = row[6:11]
            found.setdefault(predecessor_id, []).append(
                locating.Successor(unit_id=unit_id, scheme_id=scheme_id, scheme_start=scheme_start)
            )
            ancestors = []
            for pk, code, path in (row[11:14], row[14:17]):
                if pk is not None:
                    ancestors.append((pk, path))
                    self.unit_codes[pk] = code
            self.unit_codes[predecessor_id] = old_code
            self.scheme_codes[old_scheme_id] = old_scheme_code
            self._predecessors.setdefault(unit_id, []).append(
                locating.Predecessor(
                    unit_id=predecessor_id,
                    scheme_id=old_scheme_id,
                    scheme_start=old_start,
                    path=old_path,
                    ancestors=tuple(ancestors),
                )
            )
            self.unit_codes[unit_id] = unit_code
            self.scheme_codes[scheme_id] = scheme_code
        return found


def _split_units() -> "QuerySet[UnitLink, dict[str, Any]]":
    """The units split when the map changed (several successors), as {"predecessor": id} rows."""
    return UnitLink.objects.order_by().values("predecessor").annotate(n=Count("pk")).filter(n__gt=1)


def _merged_units() -> "QuerySet[UnitLink, dict[str, Any]]":
    """The units formed from several units of one earlier map, as {"successor": id} rows."""
    return (
        UnitLink.objects.order_by()
        .values("successor", "predecessor__scheme")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("successor")
    )


# A location on a map that began before the club's registration map: the club is only counted
# there (traced back), it did not sit there.
_BEFORE_REGISTRATION = Q(scheme__valid_from__lt=F("club__unit__scheme__valid_from"))


class LocationInHistory(TypedDict):
    """What club_location_history annotates on each location."""

    split: bool
    merged: bool
    traced: bool


class Dissolution(TypedDict):
    dissolved_on: datetime.date | None


if TYPE_CHECKING:
    HistoryLocation: TypeAlias = WithAnnotations[ClubLocation, LocationInHistory]
    ClubToPlace: TypeAlias = WithAnnotations[Club, Dissolution]


def club_location_history(*, club: Club) -> "list[HistoryLocation]":
    """Where the club sits on each map, the earliest map first, with the units' districts; then
    where it is only counted, on maps before its registration (`traced`), the nearest first. Each location says
    whether its unit was split on a later map or formed from several (`split`, `merged`:
    club_location_decision reads them)."""
    history = list(
        club.locations.select_related("unit__parent", "scheme", "decided_by")
        .annotate(
            split=Exists(_split_units().filter(predecessor=OuterRef("unit_id"))),
            merged=Exists(_merged_units().filter(successor=OuterRef("unit_id"))),
            traced=Case(
                When(_BEFORE_REGISTRATION, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .order_by("scheme__valid_from")
    )
    # The traced locations as the trace goes: the nearest earlier map first.
    return [location for location in history if not location.traced] + [
        location for location in reversed(history) if location.traced
    ]


def club_location_decision(*, club: Club, history: "Sequence[HistoryLocation]") -> "LocationDecision | None":
    """The first decision the club waits for, if it waits for one (location_decisions for one
    club), from its `history` (club_location_history): no query unless one of its units was split,
    or it was registered or traced back into a unit formed from several."""
    if not any(_may_wait(location) for location in history):
        return None
    return next(iter(location_decisions(clubs=Club.objects.filter(pk=club.pk))), None)


def _may_wait(location: "HistoryLocation") -> bool:
    if location.split:
        return True
    return (location.source == LocationSource.REGISTERED or location.traced) and location.merged


@dataclasses.dataclass(frozen=True)
class LocationDecision:
    """Where a club sits on `scheme`, to be chosen among `candidates`
    (clubs.services.locations.club_location_decide): the club's unit `changed` on the map before
    was split into them, or, `back`, its unit on the map after was formed from them. `current`:
    the unit chosen before, when the decision is being changed."""

    club: Club
    scheme: AdminScheme
    changed: AdminUnit
    candidates: list[AdminUnit]
    back: bool = False
    current: AdminUnit | None = None


def location_decisions(*, clubs: ClubQuerySet[Club]) -> list[LocationDecision]:
    """The decisions the clubs among `clubs` wait for on where they sit (the rule of
    clubs.locating), by club name, each with the units to choose from; a club may wait for two
    (on a later map and on an earlier one).

    Five queries at most, whatever the number of clubs: the clubs that may wait (located in a unit
    that was split, or registered or traced back into a unit formed from several), their stored
    locations, the lineage, then the units to choose from."""
    may_wait = Q(unit__in=_split_units().values("predecessor")) | (
        Q(unit__in=_merged_units()) & (Q(source=LocationSource.REGISTERED) | _BEFORE_REGISTRATION)
    )
    waiting = list(
        clubs.filter(Exists(ClubLocation.objects.filter(may_wait, club=OuterRef("pk"))))
        .annotate(dissolved_on=ClubQuerySet.dissolution_day())
        .select_related("unit__scheme", "unit__parent")
        .order_by("name_folded", "pk")
    )
    return _decisions(waiting, reopened=None)


def club_location_choice(*, club: Club, scheme: AdminScheme) -> LocationDecision | None:
    """The choice of where `club` sits on `scheme`: the decision it waits for there, or the one
    made there, to change it (None when the lineage leaves no choice there)."""
    club = (
        Club.objects.filter(pk=club.pk)
        .annotate(dissolved_on=ClubQuerySet.dissolution_day())
        .select_related("unit__scheme", "unit__parent")
        .get()
    )
    return next(iter(_decisions([club], reopened=scheme)), None)


def _decisions(clubs: "Sequence[ClubToPlace]", *, reopened: AdminScheme | None) -> list[LocationDecision]:
    """The decisions `clubs` (annotated with `dissolved_on`) wait for, from their stored locations
    and the lineage; with `reopened`, only the choice on that map, as if the decision made there
    (`current`) had not been."""
    if not clubs:
        return []
    held: dict[int, list[locating.Held]] = {}
    current: dict[int, int] = {}
    for pk, club_id, scheme_id, unit_id, source in ClubLocation.objects.filter(club__in=clubs).values_list(
        "pk", "club_id", "scheme_id", "unit_id", "source"
    ):
        if reopened is not None and scheme_id == reopened.pk and source == LocationSource.DECIDED:
            current[club_id] = unit_id
            continue
        held.setdefault(club_id, []).append(locating.Held(pk=pk, scheme_id=scheme_id, unit_id=unit_id, source=source))
    lineage = Lineage.loaded()
    waits: list[tuple[Club, locating.Pending]] = []
    for club in clubs:
        placement = locating.place(
            registered=(club.unit.scheme_id, club.unit_id),
            registered_start=club.unit.scheme.valid_from,
            held=held.get(club.pk, []),
            successors=lineage.successors,
            dissolved_on=club.dissolved_on,
            predecessors=lineage.predecessors,
        )
        waits += ((club, wait) for wait in placement.waiting if reopened is None or wait.scheme_id == reopened.pk)
    if not waits:
        return []
    unit_ids = {pk for _club, wait in waits for pk in (wait.changed_unit_id, *wait.candidates)} | set(current.values())
    units = AdminUnit.objects.filter(pk__in=unit_ids).select_related("parent", "scheme").in_bulk()
    return [
        LocationDecision(
            club=club,
            scheme=units[wait.candidates[0]].scheme,
            changed=units[wait.changed_unit_id],
            candidates=sorted((units[pk] for pk in wait.candidates), key=lambda unit: unit.path),
            back=wait.back,
            current=units.get(current.get(club.pk, 0)),
        )
        for club, wait in waits
    ]
