from tests.url_access import ALL_SIGNED_IN_200

PROTECTED = {
    "home": ("get", None, ALL_SIGNED_IN_200),
}
