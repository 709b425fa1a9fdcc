"""What the club register tells the apps above it (they connect in their AppConfig.ready()).

The register sits below the ledger and the reports and never imports them; when one of its
writes must be followed by theirs, it sends a signal inside its transaction. Receivers run in
that transaction: a receiver that raises refuses the whole write.
"""

from django.dispatch import Signal

# A club was registered, inside the transaction of clubs.services.register.club_create. Arguments: actor,
# club. funds opens the club's two funds (every club has both from its registration).
club_created = Signal()
