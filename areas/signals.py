"""What the map tells the apps above it (they connect in their AppConfig.ready()).

The administrative map sits below the club register and never imports it; when a write to the map
must be followed by theirs, it sends a signal inside its transaction, so that a receiver that
raises refuses the whole load.
"""

from django.dispatch import Signal

# The lineage between maps was loaded or changed, inside the transaction of
# areas.services.lineage_load. Arguments: actor. The club register follows each club's location
# onto the later maps (clubs/receivers.py).
lineage_loaded = Signal()
