from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from accounts import access, selectors
from accounts.access import Cap
from accounts.services import login_unlock, user_language_set


class LoginView(auth_views.LoginView):
    """Django's login, then the interface switches to the language stored on the account.

    A login refused for too many wrong passwords comes back here (lockout_response), also from the
    admin's login."""

    def form_valid(self, form):
        response = super().form_valid(form)
        _set_language_cookie(response, form.get_user().language)
        return response


@login_not_required
@require_POST
def language_set(request):
    """Django's set_language (cookie and redirect), plus the choice remembered on the account."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES) or not check_for_language(language):
        # Only the product's languages: Django alone would also accept any it ships, e.g. French.
        next_url = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
        return redirect(next_url if safe else "home")
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return set_language(request)


def _set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def client_ip(request: HttpRequest) -> str:
    """The address a login comes from, for django-axes (AXES_CLIENT_IP_CALLABLE).

    Behind the HTTPS proxy (BEHIND_HTTPS_PROXY) every request comes from the proxy, which appends
    the address it was reached from to X-Forwarded-For: the last entry is the one to trust, the
    earlier ones are whatever the client sent. Without the proxy the header is anyone's to forge.
    """
    if settings.BEHIND_HTTPS_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None):
    """The login page again, saying why the login was refused and for how long (AXES_LOCKOUT_CALLABLE):
    for the site's login and the admin's alike. 429, as django-axes answers by default."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    if username and selectors.username_locked_out(username):
        message = ngettext(
            "Too many wrong passwords for this account: it is locked for %(minutes)d minute. "
            "Province staff can unlock it.",
            "Too many wrong passwords for this account: it is locked for %(minutes)d minutes. "
            "Province staff can unlock it.",
            minutes,
        )
    else:
        message = ngettext(
            "Too many wrong passwords from this connection: logins from it are refused for %(minutes)d minute. "
            "Province staff can unlock it.",
            "Too many wrong passwords from this connection: logins from it are refused for %(minutes)d minutes. "
            "Province staff can unlock it.",
            minutes,
        )
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "next": request.POST.get("next", ""), "lockout_message": message % {"minutes": minutes}}
    return render(request, "registration/login.html", context, status=429)


@require_http_methods(["GET", "POST"])
def lockouts(request):
    """The usernames and addresses refused at login for wrong passwords, each with its unlock button."""
    access.require_cap(request.user, Cap.LOGIN_UNLOCK)
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        ip_address = request.POST.get("ip_address", "").strip()
        unlocked = bool(username) != bool(ip_address) and login_unlock(
            actor=request.user, username=username, ip_address=ip_address
        )
        if unlocked:
            messages.success(request, _("%(what)s can log in again.") % {"what": username or ip_address})
        return redirect("lockouts")
    usernames, addresses = selectors.lockouts()
    groups = [
        {"title": _("Accounts"), "field": "username", "rows": usernames, "empty": _("No account is locked out.")},
        {
            "title": _("Connections"),
            "field": "ip_address",
            "rows": addresses,
            "empty": _("No connection is locked out."),
        },
    ]
    return render(request, "accounts/lockouts.html", {"groups": groups})
