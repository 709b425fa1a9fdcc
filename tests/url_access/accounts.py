from tests.url_access import ALL_SIGNED_IN_200, PERSONAS

PUBLIC = {
    "login": ("get", None, dict.fromkeys(PERSONAS, 200)),
    # The language switch is POST-only and open to everyone, signed in or not.
    "set_language": ("get", None, dict.fromkeys(PERSONAS, 405)),
}
PROTECTED = {
    "logout": ("get", None, dict.fromkeys(PERSONAS[1:], 405)),
    "password_change": ("get", None, ALL_SIGNED_IN_200),
    "password_change_done": ("get", None, ALL_SIGNED_IN_200),
    # Province staff unlock logins (accounts.access: LOGIN_UNLOCK); area staff and boards do not.
    "lockouts": (
        "get",
        None,
        {
            "province_staff": 200,
            "area_staff": 403,
            "other_area_staff": 403,
            "club_chair": 403,
            "other_chair": 403,
            "admin_user": 200,
        },
    ),
}
