from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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


class PermissionsPolicyMiddleware:
    """Send settings.PERMISSIONS_POLICY: the browser features (camera, location…) no page uses are off."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response
