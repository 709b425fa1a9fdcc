"""Login throttling (django-axes: web.accounts.lockout_response, the unlock page) and the end of idle
sessions (web.middleware.IdleSessionMiddleware)."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from audit.models import AuditEntry
from tests import factories
from tests.clock import NOW
from tests.conftest import login

LOGIN_URL = reverse("login")
ADMIN_LOGIN_URL = reverse("admin:login")
LOCKOUTS_URL = reverse("lockouts")
PASSWORD = "secret-pass-123"
ACCOUNT_LOCKED = (
    "Too many wrong passwords for this account: it is locked for %(minutes)d minute. Province staff can unlock it.",
    "Too many wrong passwords for this account: it is locked for %(minutes)d minutes. Province staff can unlock it.",
)
CONNECTION_LOCKED = (
    "Too many wrong passwords from this connection: logins from it are refused for %(minutes)d minute. "
    "Province staff can unlock it.",
    "Too many wrong passwords from this connection: logins from it are refused for %(minutes)d minutes. "
    "Province staff can unlock it.",
)
IDLE = (
    "You were signed out after %(count)d hour without activity.",
    "You were signed out after %(count)d hours without activity.",
)


def vi_plural(forms, number, **params):
    with translation.override("vi"):
        return escape(translation.ngettext(*forms, number) % params)


def fail(client, url, username, times, address="10.0.0.1"):
    for _ in range(times):
        response = client.post(url, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)
    return response


# --- settings ----------------------------------------------------------------------------------


def test_defaults_lock_after_five_failures_for_half_an_hour_and_end_sessions_after_a_working_day():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.LOGIN_LOCKOUT_MINUTES == 30
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]
    assert settings.SESSION_IDLE_SECONDS == 8 * 60 * 60
    assert settings.SESSION_COOKIE_AGE > settings.SESSION_IDLE_SECONDS
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


# --- lockout -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN_URL, ADMIN_LOGIN_URL])
def test_the_right_password_is_refused_after_five_wrong_ones_with_the_reason(client, db, url):
    user = factories.UserFactory(username="chunhiem", is_staff=True)
    fail(client, url, "chunhiem", 5)

    response = client.post(url, {"username": "chunhiem", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429
    assert vi_plural(ACCOUNT_LOCKED, 30, minutes=30) in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="accounts.login.locked_out", target_id=str(user.pk)).exists()


def test_four_wrong_passwords_still_let_the_owner_in(client, db):
    factories.UserFactory(username="chunhiem")
    fail(client, LOGIN_URL, "chunhiem", 4)

    response = client.post(LOGIN_URL, {"username": "chunhiem", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 302


def test_a_valid_login_does_not_reset_the_count_of_its_address(client, db):
    factories.UserFactory(username="cuatoi")
    factories.UserFactory(username="khac")
    fail(client, LOGIN_URL, "doan1", 4)
    assert (
        client.post(LOGIN_URL, {"username": "cuatoi", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1").status_code == 302
    )
    client.logout()
    fail(client, LOGIN_URL, "doan2", 1)

    response = client.post(LOGIN_URL, {"username": "khac", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 429


def test_another_username_from_the_same_address_is_throttled_by_address(client, db):
    factories.UserFactory(username="khac")
    for number in range(5):
        fail(client, LOGIN_URL, f"doan{number}", 1)

    response = client.post(LOGIN_URL, {"username": "khac", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert vi_plural(CONNECTION_LOCKED, 30, minutes=30) in response.content.decode()
    # From another address the account is not locked.
    response = client.post(LOGIN_URL, {"username": "khac", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_the_forwarded_address_is_ignored_unless_behind_the_proxy(client, db, settings):
    factories.UserFactory(username="khac")
    for number in range(5):
        client.post(
            LOGIN_URL,
            {"username": f"doan{number}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
    response = client.post(LOGIN_URL, {"username": "khac", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429


def test_behind_the_proxy_the_address_it_forwards_is_the_one_counted(client, db, settings):
    settings.BEHIND_HTTPS_PROXY = True
    factories.UserFactory(username="khac")
    # The proxy (10.0.0.1) appends the client's address; what the client sent before it is ignored.
    for number in range(5):
        client.post(
            LOGIN_URL,
            {"username": f"doan{number}", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.9",
        )
    other_client = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.10"}
    assert client.post(LOGIN_URL, {"username": "khac", "password": PASSWORD}, **other_client).status_code == 302
    locked = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    client.logout()
    assert client.post(LOGIN_URL, {"username": "khac", "password": PASSWORD}, **locked).status_code == 429


# --- unlock --------------------------------------------------------------------------------------


def test_province_staff_unlock_an_account_and_it_is_audited(client, province_staff):
    user = factories.UserFactory(username="chunhiem")
    fail(client, LOGIN_URL, "chunhiem", 5)
    login(client, province_staff)

    page = client.get(LOCKOUTS_URL)
    assert page.status_code == 200
    assert "chunhiem" in page.content.decode()
    response = client.post(LOCKOUTS_URL, {"username": "chunhiem"})

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="accounts.login.unlocked")
    assert (entry.actor, entry.target_id) == (province_staff, str(user.pk))
    client.logout()
    response = client.post(LOGIN_URL, {"username": "chunhiem", "password": PASSWORD}, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 302


def test_province_staff_unlock_an_address(client, province_staff):
    factories.UserFactory(username="khac")
    for number in range(5):
        fail(client, LOGIN_URL, f"doan{number}", 1)
    login(client, province_staff)

    client.post(LOCKOUTS_URL, {"ip_address": "10.0.0.1"})

    assert AuditEntry.objects.filter(action="accounts.login.unlocked").count() == 1
    client.logout()
    response = client.post(LOGIN_URL, {"username": "khac", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302


def test_area_staff_cannot_unlock(client, area_staff):
    factories.UserFactory(username="chunhiem")
    fail(client, LOGIN_URL, "chunhiem", 5)
    login(client, area_staff)

    assert client.post(LOCKOUTS_URL, {"username": "chunhiem"}).status_code == 403
    assert not AuditEntry.objects.filter(action="accounts.login.unlocked").exists()


def test_the_lockouts_page_reads_the_same_queries_for_many_lockouts(client, province_staff, django_assert_num_queries):
    login(client, province_staff)
    client.get(LOCKOUTS_URL)  # the session and the user's roles, read once
    # The session, the user, their roles, then the locked usernames and the locked addresses.
    fail(client, LOGIN_URL, "motmot", 5, address="10.0.1.1")
    with django_assert_num_queries(5):
        client.get(LOCKOUTS_URL)
    for number in range(3):
        fail(client, LOGIN_URL, f"nhieu{number}", 5, address=f"10.0.2.{number}")
    with django_assert_num_queries(5):
        response = client.get(LOCKOUTS_URL)
    assert response.content.decode().count('data-testid="lockout"') == 8


# --- idle sessions -------------------------------------------------------------------------------


def test_a_session_idle_for_a_working_day_ends_with_the_reason_on_the_login_page(client, province_staff):
    login(client, province_staff)
    assert client.get(reverse("home")).status_code == 200

    with time_machine.travel(NOW + datetime.timedelta(hours=8, seconds=1), tick=False):
        response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN_URL)
    assert vi_plural(IDLE, 8, count=8) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(client, province_staff):
    login(client, province_staff)
    client.get(reverse("home"))
    for hours in (7, 14):
        with time_machine.travel(NOW + datetime.timedelta(hours=hours), tick=False):
            assert client.get(reverse("home")).status_code == 200
