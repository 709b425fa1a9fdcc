import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import ngettext

from accounts.sessions import LAST_SEEN, mark_seen


class PreferredLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose otherwise.

    The language is the one picked with the language switch (its cookie), else the one stored on
    the account, else LANGUAGE_CODE. The browser's Accept-Language is not consulted: many phones
    in Vietnam are set to English, and staff expect the association's language by default.
    Runs after AuthenticationMiddleware, so the account is known.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            user = getattr(request, "user", None)
            language = user.language if user is not None and user.is_authenticated else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


# How stale LAST_SEEN may get before a request writes it again: writing at every request would
# save the session (a database write) on every page and every static file served by Django.
LAST_SEEN_RESOLUTION = 60


class IdleSessionMiddleware:
    """Signs out a user after SESSION_IDLE_SECONDS without a request, and says so on the login page.

    Django's own expiry (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST) would end the session
    as well, but silently, and by saving the session at every request: here the session is saved
    at most once a minute, and a session found idle is ended with a message ("signed out after 8
    hours without activity") that the login page, where LoginRequiredMiddleware sends the user,
    shows. Runs after MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            idle = settings.SESSION_IDLE_SECONDS
            if last_seen is not None and now - last_seen > idle:
                logout(request)
                messages.info(request, idle_message(idle))
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                mark_seen(request)
        return self.get_response(request)


def idle_message(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext(
            "You were signed out after %(count)d hour without activity.",
            "You were signed out after %(count)d hours without activity.",
            hours,
        ) % {"count": hours}
    minutes = seconds // 60
    return ngettext(
        "You were signed out after %(count)d minute without activity.",
        "You were signed out after %(count)d minutes without activity.",
        minutes,
    ) % {"count": minutes}


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY: the browser features (camera, location…) no page uses are off."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
