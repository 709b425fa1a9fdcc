"""When a signed-in user was last seen, kept in their session: web.middleware.IdleSessionMiddleware
signs them out after SESSION_IDLE_SECONDS without a request."""

import time

from django.http import HttpRequest

# The session key holding when the signed-in user last made a request (seconds since the epoch).
LAST_SEEN = "last_seen"


def mark_seen(request: HttpRequest) -> None:
    request.session[LAST_SEEN] = int(time.time())


def seen_at_login(sender, request, user, **kwargs) -> None:
    """Signing in is being seen: recorded with the login's own session save, so that the first
    pages after it need not save the session again."""
    if request is not None and hasattr(request, "session"):
        mark_seen(request)
