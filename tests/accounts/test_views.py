"""accounts/views.py and the account pages: log in and out, password, language, navigation."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import User
from tests import factories
from tests.conftest import login

LOGIN_URL = reverse("login")
LANGUAGE_URL = reverse("set_language")
PASSWORD = "secret-pass-123"
NEW_PASSWORD = "Mot-mat-khau-moi-2025"


def html_lang(response):
    html = response.content.decode()
    start = html.index("<html")
    return html[start : html.index(">", start) + 1]


# --- language of the interface -----------------------------------------------------------


def test_login_page_is_in_vietnamese_by_default(client, db):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert 'lang="vi"' in html_lang(response)
    assert response.headers["Content-Language"] == "vi"


def test_login_page_follows_the_language_cookie(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LOGIN_URL)
    assert 'lang="en"' in html_lang(response)
    assert response.headers["Content-Language"] == "en"


@pytest.mark.parametrize("language", ["en", "vi"])
def test_login_switches_to_the_language_of_the_account(client, db, language):
    factories.UserFactory(username="nguoidung", language=language)
    response = client.post(LOGIN_URL, {"username": "nguoidung", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    response = client.get(reverse("home"))
    assert f'lang="{language}"' in html_lang(response)


def test_login_with_a_wrong_password_sets_no_cookie(client, db):
    factories.UserFactory(username="nguoidung", language="en")
    response = client.post(LOGIN_URL, {"username": "nguoidung", "password": "wrong"})
    assert response.status_code == 200
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert "_auth_user_id" not in client.session


def test_language_switch_is_remembered_on_the_account(client, world, province_staff):
    response = login(client, province_staff).post(LANGUAGE_URL, {"language": "en", "next": "/clubs/"})
    assert response.status_code == 302
    assert response.url == "/clubs/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    province_staff.refresh_from_db()
    assert province_staff.language == "en"


def test_after_switching_to_english_pages_are_in_english(client, world, province_staff):
    client = login(client, province_staff)
    client.post(LANGUAGE_URL, {"language": "en", "next": "/clubs/"})
    response = client.get("/clubs/")
    assert 'lang="en"' in html_lang(response)
    assert response.headers["Content-Language"] == "en"
    assert ">Clubs</h1>" in response.content.decode()


def test_switching_back_to_vietnamese(client, world, province_staff):
    province_staff.language = "en"
    province_staff.save()
    client = login(client, province_staff)
    client.post(LANGUAGE_URL, {"language": "vi", "next": "/clubs/"})
    province_staff.refresh_from_db()
    assert province_staff.language == "vi"
    assert 'lang="vi"' in html_lang(client.get("/clubs/"))


def test_anonymous_can_switch_language(client, db):
    response = client.post(LANGUAGE_URL, {"language": "en", "next": LOGIN_URL})
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert 'lang="en"' in html_lang(client.get(LOGIN_URL))


def test_unknown_language_changes_nothing(client, world, province_staff):
    client = login(client, province_staff)
    response = client.post(LANGUAGE_URL, {"language": "fr", "next": "/clubs/"})
    assert response.status_code == 302
    province_staff.refresh_from_db()
    assert province_staff.language == "vi"
    assert response.url == "/clubs/"
    # Django's own set_language would store any language it ships, French included.
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert 'lang="vi"' in html_lang(client.get("/clubs/"))


def test_language_switch_refuses_a_foreign_next(client, world, province_staff):
    response = login(client, province_staff).post(
        LANGUAGE_URL, {"language": "en", "next": "https://example.com/phishing"}
    )
    assert response.status_code == 302
    assert "example.com" not in response.url


def test_language_switch_form_is_on_every_page(client, world, province_staff):
    html = login(client, province_staff).get("/clubs/?q=lien").content.decode()
    assert f'action="{LANGUAGE_URL}"' in html
    assert 'name="next" value="/clubs/?q=lien"' in html
    assert 'value="en"' in html


# --- log out, password --------------------------------------------------------------------


def test_logout_is_a_post_and_goes_to_the_login_page(client, world, province_staff):
    client = login(client, province_staff)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == LOGIN_URL
    assert "_auth_user_id" not in client.session
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)


def test_logout_by_get_does_not_log_out(client, world, province_staff):
    client = login(client, province_staff)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


def test_password_change(client, world, province_staff):
    client = login(client, province_staff)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    # The session survives the change.
    response = client.get(response.url)
    assert response.status_code == 200
    province_staff.refresh_from_db()
    assert province_staff.check_password(NEW_PASSWORD)
    client.post(reverse("logout"))
    response = client.post(LOGIN_URL, {"username": province_staff.username, "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_password_change_with_a_wrong_old_password_is_refused(client, world, province_staff):
    response = login(client, province_staff).post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    assert User.objects.get(pk=province_staff.pk).check_password(PASSWORD)


# --- navigation -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["province_staff", "area_staff", "admin_user"])
def test_navigation_offers_the_unit_tree_to_staff(client, world, persona, request):
    html = login(client, request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    assert f'href="{reverse("areas:unit-tree")}"' in html
    assert f'href="{reverse("clubs:club-list")}"' in html


def test_navigation_hides_the_unit_tree_from_the_club_board(client, world, club_chair):
    html = login(client, club_chair).get(reverse("home")).content.decode()
    assert f'href="{reverse("areas:unit-tree")}"' not in html
    assert f'href="{reverse("clubs:club-list")}"' in html


@pytest.mark.parametrize("persona", ["province_staff", "area_staff", "club_chair"])
def test_navigation_hides_the_admin_from_other_users(client, world, persona, request):
    html = login(client, request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    assert f'href="{reverse("admin:index")}"' not in html


def test_navigation_offers_the_admin_to_the_administrator(client, world, admin_user):
    html = login(client, admin_user).get(reverse("home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in html


def test_navigation_is_absent_when_logged_out(client, db):
    html = client.get(LOGIN_URL).content.decode()
    assert reverse("clubs:club-list") not in html
    assert reverse("logout") not in html


def test_home_of_a_club_board_opens_their_club(client, world, club_chair):
    response = login(client, club_chair).get(reverse("home"))
    assert [item["month"].club.pk for item in response.context["club_months"]] == [world.club_a1.pk]
    assert f'href="{reverse("clubs:club-detail", args=[world.club_a1.pk])}"' in response.content.decode()


# --- Django admin ----------------------------------------------------------------------------


def test_admin_is_in_vietnamese_by_default(client, world, admin_user):
    response = login(client, admin_user).get("/admin/")
    assert response.status_code == 200
    assert 'lang="vi"' in html_lang(response)


def test_vietnamese_by_default_even_for_an_english_browser(client, world):
    response = client.get(LOGIN_URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in html_lang(response)
    assert response["Content-Language"] == "vi"


def test_the_account_language_applies_on_a_new_device(client, world, province_staff):
    province_staff.language = "en"
    province_staff.save()
    # force_login sets no language cookie: like opening the site on another phone.
    response = login(client, province_staff).get("/clubs/")
    assert 'lang="en"' in html_lang(response)


def test_the_switch_cookie_wins_over_the_account_language(client, world, province_staff):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = login(client, province_staff).get("/clubs/")
    assert 'lang="en"' in html_lang(response)
