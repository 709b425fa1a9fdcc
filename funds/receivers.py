"""What the funds do when the club register changes (connected in funds/apps.py)."""

from funds import services


def club_created(sender, *, club, **kwargs) -> None:
    """A club's two funds open with its registration, in the same transaction."""
    services.funds_open(club=club)
