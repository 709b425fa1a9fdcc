"""Where a club sits on each map: its registration, then the later maps along the lineage, and
the decisions of province staff where a unit was split (the rule: clubs/locating.py).

- `club_place` locates a club just registered (register.club_create calls it);
- `club_locations_follow` brings the stored locations of clubs in line with the rule after what
  it reads changed: the lineage was loaded (every club, clubs/receivers.py), a club moved to
  another unit, a club was dissolved, a decision was made. Its number of queries does not grow
  with the number of clubs;
- `club_location_decide` records, or changes, which unit a club is in where the lineage leaves a
  choice: which of the units a split unit became, or, for a club traced back onto a map before
  its registration, which of the units its unit was formed from.
"""

import dataclasses
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from areas.models import AdminUnit
from audit.services import acting_user, audit_record, audit_record_many
from clubs import locating
from clubs.models import Club, ClubLocation, ClubQuerySet, LocationSource
from clubs.selectors import Lineage
from core.types import Actor

ERROR_DECISION_REASON_REQUIRED = _("Give the reason for this choice: what shows that the club is in this unit.")
ERROR_NOT_A_SUCCESSOR = _("%(unit)s is not one of the units that %(changed)s was split into.")
ERROR_NOT_FORMED_FROM = _("%(unit)s is not one of the units that %(changed)s was formed from.")
ERROR_ALREADY_LOCATED = _("%(club)s is already located in %(unit)s on the map “%(map)s”.")
ERROR_NO_DECISION_NEEDED = _("%(club)s does not wait for a decision on the map “%(map)s”.")


def club_place(*, actor: Actor, club: Club, lineage: Lineage | None = None) -> list[ClubLocation]:
    """Locate a club just registered: in its unit on its unit's map, then on each later map the
    lineage leads it to, and traced back onto the earlier ones (register.club_create, in its
    transaction). One query per map the club is
    followed from, one insert; an audit entry when it was followed beyond its registration."""
    lineage = lineage or Lineage.lazy()
    unit = club.unit
    placement = locating.place(
        registered=(unit.scheme_id, unit.pk),
        registered_start=unit.scheme.valid_from,
        held=[],
        successors=lineage.successors,
        dissolved_on=None,
        predecessors=lineage.predecessors,
    )
    places = [*placement.chain, *placement.traced]
    locations = ClubLocation.objects.bulk_create(
        ClubLocation(club=club, scheme_id=place.scheme_id, unit_id=place.unit_id, source=place.source)
        for place in places
    )
    if len(places) > 1:
        lineage.unit_codes[unit.pk], lineage.scheme_codes[unit.scheme_id] = unit.code, unit.scheme.code
        audit_record(actor=actor, action="clubs.club.located", target=club, data=_located(places, [], lineage))
    return locations


@dataclasses.dataclass(frozen=True)
class FollowResult:
    clubs: int  # the clubs whose locations changed
    added: int
    dropped: int
    pending: int  # the clubs that wait for a decision


@transaction.atomic
def club_locations_follow(
    *, actor: Actor, clubs: ClubQuerySet[Club] | None = None, lineage: Lineage | None = None
) -> FollowResult:
    """Bring the stored locations of `clubs` (every club when None) in line with the rule: add the
    locations the lineage leads to, drop those that no longer follow (on a map after a split whose
    decision no longer holds, after the club's dissolution, or from a registration that moved),
    and write an audit entry for each club whose locations changed.

    The same queries whatever the number of clubs: the clubs with their registration and
    dissolution, their stored locations, the lineage (whole, unless `lineage` is given: a single
    club reads it lazily), then one delete, one insert and one insert of audit entries when
    something changed."""
    lineage = lineage or Lineage.loaded()
    chosen = Club.objects.all() if clubs is None else clubs
    rows = chosen.annotate(dissolved_on=ClubQuerySet.dissolution_day()).values_list(
        "pk",
        "name",
        "unit_id",
        "unit__code",
        "unit__scheme_id",
        "unit__scheme__code",
        "unit__scheme__valid_from",
        "dissolved_on",
    )
    stored = ClubLocation.objects.all() if clubs is None else ClubLocation.objects.filter(club__in=clubs.values("pk"))
    held: dict[int, list[locating.Held]] = {}
    for pk, club_id, scheme_id, unit_id, source, unit_code, scheme_code in stored.values_list(
        "pk", "club_id", "scheme_id", "unit_id", "source", "unit__code", "scheme__code"
    ):
        held.setdefault(club_id, []).append(locating.Held(pk=pk, scheme_id=scheme_id, unit_id=unit_id, source=source))
        lineage.unit_codes[unit_id], lineage.scheme_codes[scheme_id] = unit_code, scheme_code

    additions: list[ClubLocation] = []
    dropped: list[int] = []
    entries: list[tuple[Club, dict[str, dict[str, str]]]] = []
    pending = 0
    for club_id, name, unit_id, unit_code, scheme_id, scheme_code, scheme_start, dissolved_on in rows:
        lineage.unit_codes[unit_id], lineage.scheme_codes[scheme_id] = unit_code, scheme_code
        placement = locating.place(
            registered=(scheme_id, unit_id),
            registered_start=scheme_start,
            held=held.get(club_id, []),
            successors=lineage.successors,
            dissolved_on=dissolved_on,
            predecessors=lineage.predecessors,
        )
        pending += placement.pending is not None
        add, drop = placement.changes(held.get(club_id, []))
        if not add and not drop:
            continue
        additions += (
            ClubLocation(club_id=club_id, scheme_id=place.scheme_id, unit_id=place.unit_id, source=place.source)
            for place in add
        )
        dropped += (location.pk for location in drop)
        entries.append((Club(pk=club_id, name=name), _located(add, drop, lineage)))
    if dropped:
        ClubLocation.objects.filter(pk__in=dropped).delete()
    if additions:
        ClubLocation.objects.bulk_create(additions)
    if entries:
        audit_record_many(actor=actor, action="clubs.club.located", entries=entries)
    return FollowResult(clubs=len(entries), added=len(additions), dropped=len(dropped), pending=pending)


def club_follow(*, actor: Actor, club: Club) -> FollowResult:
    """club_locations_follow for one club, reading only the lineage it is followed along."""
    return club_locations_follow(actor=actor, clubs=Club.objects.filter(pk=club.pk), lineage=Lineage.lazy())


def _located(
    add: Sequence[locating.Place], drop: Sequence[locating.Held], lineage: Lineage
) -> dict[str, dict[str, str]]:
    """An audit entry's data: {"added": {map code: unit code}, "dropped": {…}}."""
    data = {
        "added": {lineage.scheme_codes[place.scheme_id]: lineage.unit_codes[place.unit_id] for place in add},
        "dropped": {lineage.scheme_codes[place.scheme_id]: lineage.unit_codes[place.unit_id] for place in drop},
    }
    return {key: value for key, value in data.items() if value}


@transaction.atomic
def club_location_decide(*, actor: Actor, club: Club, unit: AdminUnit, reason: str) -> ClubLocation:
    """Record that `club` sits in `unit` on `unit`'s map, for `reason`, where the lineage leaves a
    choice: its unit on the map before was split, or (the club registered later, traced back) its
    unit on the map after was formed from several. A decision made before on that map is changed;
    then the club is followed onward. Saving the same decision twice is refused (the club is
    located there already)."""
    # Locked so that two people deciding for the same club at once are serialised.
    club = (
        Club.objects.select_for_update()
        .select_related("unit__scheme")
        .annotate(dissolved_on=ClubQuerySet.dissolution_day())
        .get(pk=club.pk)
    )
    scheme = unit.scheme
    held = list(club.locations.select_related("unit"))
    located = next((location for location in held if location.scheme_id == scheme.pk), None)
    # The choice is read as if a decision made on this map had not been: it may be changed.
    reopened = [
        locating.Held(pk=h.pk, scheme_id=h.scheme_id, unit_id=h.unit_id, source=h.source)
        for h in held
        if h is not located or h.source != LocationSource.DECIDED
    ]
    lineage = Lineage.lazy()
    placement = locating.place(
        registered=(club.unit.scheme_id, club.unit_id),
        registered_start=club.unit.scheme.valid_from,
        held=reopened,
        successors=lineage.successors,
        dissolved_on=club.dissolved_on,
        predecessors=lineage.predecessors,
    )
    pending = next((wait for wait in placement.waiting if wait.scheme_id == scheme.pk), None)
    if located is not None and (pending is None or located.unit_id == unit.pk):
        raise ValidationError(
            ERROR_ALREADY_LOCATED, params={"club": club.name, "unit": located.unit.name, "map": scheme.name}
        )
    if pending is None:
        raise ValidationError(ERROR_NO_DECISION_NEEDED, params={"club": club.name, "map": scheme.name})
    errors: dict[str, ValidationError] = {}
    if unit.pk not in pending.candidates:
        changed = AdminUnit.objects.get(pk=pending.changed_unit_id)
        error = ERROR_NOT_FORMED_FROM if pending.back else ERROR_NOT_A_SUCCESSOR
        errors["unit"] = ValidationError(error, params={"unit": unit.name, "changed": changed.name})
    if not reason.strip():
        errors["reason"] = ValidationError(ERROR_DECISION_REASON_REQUIRED)
    if errors:
        raise ValidationError(errors)
    data = {"map": scheme.code, "unit": unit.code, "reason": reason.strip()}
    if located is not None:
        # The unit holding all the candidates (traced back), or the decision being changed.
        if located.source == LocationSource.DECIDED:
            data["replaced"] = located.unit.code
        located.delete()
    location = ClubLocation(
        club=club,
        scheme=scheme,
        unit=unit,
        source=LocationSource.DECIDED,
        reason=reason.strip(),
        decided_by=acting_user(actor),
    )
    location.full_clean()
    location.save()
    audit_record(actor=actor, action="clubs.club.location_decided", target=club, data=data)
    club_locations_follow(actor=actor, clubs=Club.objects.filter(pk=club.pk), lineage=lineage)
    return location
