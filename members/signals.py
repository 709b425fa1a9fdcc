"""What the member register tells the apps above it (they connect in their AppConfig.ready()).

The register sits below the apps that build on it (boards, funds…) and never imports them; when
one of its writes must be followed by theirs, it sends a signal inside its transaction. Receivers
run in that transaction: a receiver that raises a ValidationError refuses the whole write.
"""

from django.dispatch import Signal

# A membership ended (the member left the club, or moved to another one), inside the transaction
# of members.services.member_leave. Arguments: actor, person, club, left_on (the first day the
# person is no longer a member). boards ends the person's board seats and team places that day.
membership_ended = Signal()
