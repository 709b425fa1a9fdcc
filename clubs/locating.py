"""Where a club sits on each map, the rule without the database (docs/domain.md §6).

A club sits, on the map of its registration, in the unit it was registered in (`Club.unit`, in
force on its decision date). From there it is followed onto each later map along the lineage
(`areas.models.UnitLink`), one map at a time:
- its unit has one successor on the next map (kept, renamed, merged into it): the club sits in it;
- its unit has several (it was split): a person decides which one, per club; until then the club
  is not followed further (it needs a decision on that map);
- its unit has none (the lineage to that map is not loaded yet): it is not followed further;
- a map that starts on or after the day the club was dissolved gets no location, nor do the maps
  after it.
A club never sits on a map that ended before its registration map (it did not exist then). For
the reports of a plan on such a map (the 2022–2025 plan, counted on the districts of 2020, with
clubs registered since 1 Jul 2025), `place` also traces it back along the lineage, one earlier map
at a time: to the unit its unit came from, or where it came from several, to the unit holding them
all (their district, or the province), so that the club counts once, as far down as the lineage
tells (a `traced_back` location: the history shows it apart). Where the unit came from several,
a person may choose the one the club's area was in (a decision on that earlier map), and the
trace goes on from it.

`place` gives the chain of locations the rule leads to from the rows a caller read;
`clubs.services.locations` writes the difference with what is stored, and
`clubs.selectors.location_decisions` lists the clubs that wait for a decision. Both read the rule
here, so the page that asks for a decision and the service that records it cannot disagree.
"""

import dataclasses
import datetime
from collections.abc import Callable, Mapping, Sequence

from clubs.models import LocationSource


@dataclasses.dataclass(frozen=True)
class Successor:
    """A unit that (part of) a unit became on a later map: a line of the lineage."""

    unit_id: int
    scheme_id: int
    scheme_start: datetime.date  # the first day of the successor's map


@dataclasses.dataclass(frozen=True)
class Predecessor:
    """A unit that (part of) a unit was on an earlier map: a line of the lineage read backwards,
    with the unit's ancestors (id, path) on its map, nearest first."""

    unit_id: int
    scheme_id: int
    scheme_start: datetime.date  # the first day of the predecessor's map
    path: str
    ancestors: tuple[tuple[int, str], ...]


@dataclasses.dataclass(frozen=True)
class Held:
    """A location stored for the club (clubs.models.ClubLocation)."""

    pk: int
    scheme_id: int
    unit_id: int
    source: str


@dataclasses.dataclass(frozen=True)
class Place:
    """Where the rule puts the club on one map."""

    scheme_id: int
    unit_id: int
    source: str


@dataclasses.dataclass(frozen=True)
class Pending:
    """Someone must choose among `candidates` (unit ids) where the club sits on the map
    `scheme_id`: its unit `changed_unit_id` on the map before was split into them, or, `back`, its
    unit on the map after was formed from them (the club, registered later, is traced back)."""

    scheme_id: int
    changed_unit_id: int
    candidates: tuple[int, ...]
    back: bool = False


@dataclasses.dataclass(frozen=True)
class Placement:
    chain: tuple[Place, ...]  # the registration first, then each later map in order
    pending: Pending | None
    traced: tuple[Place, ...] = ()  # the earlier maps, nearest first (traced back)
    pending_back: Pending | None = None  # the nearest earlier map where the trace needs a choice

    @property
    def waiting(self) -> tuple[Pending, ...]:
        """The decisions the club waits for: on a later map, then on an earlier one."""
        return tuple(wait for wait in (self.pending, self.pending_back) if wait is not None)

    def changes(self, held: Sequence[Held]) -> tuple[list[Place], list[Held]]:
        """What to write so that the stored locations are the chain and the traced places: (to
        add, to drop). A stored location is kept when it puts the club in the same unit and agrees
        on being the registration, or on being traced back (a decision or a lineage location in
        the chain's unit stays as it is)."""
        by_scheme = {location.scheme_id: location for location in held}
        wanted = [(place, index == 0) for index, place in enumerate(self.chain)]
        wanted += [(place, False) for place in self.traced]
        add, keep = [], set()
        for place, is_registration in wanted:
            stored = by_scheme.get(place.scheme_id)
            if (
                stored is not None
                and stored.unit_id == place.unit_id
                and (stored.source == LocationSource.REGISTERED) == is_registration
                and (stored.source == LocationSource.TRACED_BACK) == (place.source == LocationSource.TRACED_BACK)
            ):
                keep.add(stored.pk)
            else:
                add.append(place)
        return add, [location for location in held if location.pk not in keep]


def place(
    *,
    registered: tuple[int, int],
    registered_start: datetime.date,
    held: Sequence[Held],
    successors: Callable[[int], Sequence[Successor]],
    dissolved_on: datetime.date | None,
    predecessors: Callable[[int], Sequence[Predecessor]] | None = None,
) -> Placement:
    """The chain of the club registered in the unit `registered` = (scheme id, unit id) of a map
    starting on `registered_start`, given its stored locations `held` (they carry the decisions
    already made) and the lineage: `successors(unit_id)`, the successors of a unit on all later
    maps. `dissolved_on`: the day the club was dissolved, if it was. `predecessors(unit_id)`: the
    units a unit came from on all earlier maps, to trace the club back (None: not traced)."""
    placement = _follow(
        registered=registered,
        registered_start=registered_start,
        held=held,
        successors=successors,
        dissolved_on=dissolved_on,
    )
    if predecessors is None:
        return placement
    decided = {location.scheme_id: location.unit_id for location in held if location.source == LocationSource.DECIDED}
    traced, pending_back = trace_back(registered[1], registered_start, predecessors, decided=decided)
    return dataclasses.replace(placement, traced=traced, pending_back=pending_back)


def trace_back(
    unit_id: int,
    start: datetime.date,
    predecessors: Callable[[int], Sequence[Predecessor]],
    *,
    decided: Mapping[int, int],
) -> tuple[tuple[Place, ...], Pending | None]:
    """Where the lineage puts a club registered in `unit_id` (of a map starting on `start`) on each
    earlier map, nearest first, and the first of those maps where a person must choose (or None).

    On each earlier map: the unit its unit came from; where it came from several, the one decided
    for the club on that map (`decided`: map id → unit id), from which the trace goes on; until
    then the unit holding them all, and the choice among them is pending."""
    traced: list[Place] = []
    pending: Pending | None = None
    units = {unit_id}
    while True:
        earlier = [found for unit in units for found in predecessors(unit) if found.scheme_start < start]
        if not earlier:
            return tuple(traced), pending
        start = max(found.scheme_start for found in earlier)
        on_map = {found.unit_id: found for found in earlier if found.scheme_start == start}
        scheme_id = next(iter(on_map.values())).scheme_id
        if len(on_map) > 1 and decided.get(scheme_id) in on_map:
            traced.append(Place(scheme_id=scheme_id, unit_id=decided[scheme_id], source=LocationSource.DECIDED))
            units = {decided[scheme_id]}
            continue
        if len(on_map) > 1 and pending is None:
            # No choice was pending before, so the trace had come down to one unit.
            pending = Pending(
                scheme_id=scheme_id, changed_unit_id=min(units), candidates=tuple(sorted(on_map)), back=True
            )
        holder = _holding_all(list(on_map.values()))
        if holder is None:
            return tuple(traced), pending
        traced.append(Place(scheme_id=scheme_id, unit_id=holder, source=LocationSource.TRACED_BACK))
        units = set(on_map)


def _holding_all(units: Sequence[Predecessor]) -> int | None:
    """The unit itself when there is one; else the nearest ancestor holding them all (the
    longest path every one starts with), None when they share none (other provinces)."""
    if len(units) == 1:
        return units[0].unit_id
    for ancestor_id, path in units[0].ancestors:
        if all(unit.path.startswith(path) for unit in units):
            return ancestor_id
    return None


def _follow(
    *,
    registered: tuple[int, int],
    registered_start: datetime.date,
    held: Sequence[Held],
    successors: Callable[[int], Sequence[Successor]],
    dissolved_on: datetime.date | None,
) -> Placement:
    """The chain from the registration onto the later maps (place)."""
    decided = {location.scheme_id: location.unit_id for location in held if location.source == LocationSource.DECIDED}
    chain = [Place(scheme_id=registered[0], unit_id=registered[1], source=LocationSource.REGISTERED)]
    start = registered_start
    while True:
        later = [successor for successor in successors(chain[-1].unit_id) if successor.scheme_start > start]
        if not later:
            return Placement(chain=tuple(chain), pending=None)
        # The next map: the nearest of the later maps the lineage leads to.
        start = min(successor.scheme_start for successor in later)
        scheme_id = next(successor.scheme_id for successor in later if successor.scheme_start == start)
        if dissolved_on is not None and start >= dissolved_on:
            return Placement(chain=tuple(chain), pending=None)
        candidates = sorted({successor.unit_id for successor in later if successor.scheme_id == scheme_id})
        if len(candidates) == 1:
            chain.append(Place(scheme_id=scheme_id, unit_id=candidates[0], source=LocationSource.LINEAGE))
        elif decided.get(scheme_id) in candidates:
            chain.append(Place(scheme_id=scheme_id, unit_id=decided[scheme_id], source=LocationSource.DECIDED))
        else:
            pending = Pending(scheme_id=scheme_id, changed_unit_id=chain[-1].unit_id, candidates=tuple(candidates))
            return Placement(chain=tuple(chain), pending=pending)
