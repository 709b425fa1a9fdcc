"""What the club register does when the map changes (connected in clubs/apps.py)."""

from typing import Any

from clubs.services import locations
from core.types import Actor


def lineage_loaded(sender: object, *, actor: Actor, **kwargs: Any) -> None:
    """Every club is followed onto the later maps along the lineage just loaded, in the load's
    transaction: a club that cannot be located refuses the load."""
    locations.club_locations_follow(actor=actor)
