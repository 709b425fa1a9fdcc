"""What the board and teams do when the member register changes (connected in boards/apps.py)."""

from boards import services


def membership_ended(sender, *, actor, person, club, left_on, **kwargs) -> None:
    """A member who leaves the club leaves its board and teams the same day, in the same
    transaction; a seat or place that cannot end then refuses the leaving."""
    services.club_roles_end_for_leaver(actor=actor, person=person, club=club, left_on=left_on)
