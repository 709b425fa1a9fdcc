"""Who may open which URL, one module per app: each defines PROTECTED (and PUBLIC where needed)
as {url name: (method, kwargs factory or None, {persona: status})}. A URL that serves several
things (the one export view) has one such row per thing instead: {url name: {what: row}}.
Anonymous visitors get a redirect to the login page unless the entry says otherwise. tests/test_permission_matrix.py
collects every module here and fails on any URL that none of them decides.
"""

from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ["anonymous", "province_staff", "area_staff", "other_area_staff", "club_chair", "other_chair", "admin_user"]

ALL_SIGNED_IN_200 = dict.fromkeys(PERSONAS[1:], 200)
STAFF_ONLY = {
    "province_staff": 200,
    "area_staff": 200,
    "other_area_staff": 200,
    "club_chair": 403,
    "other_chair": 403,
    "admin_user": 200,
}
# Club A1 sits in district A: other_area_staff and other_chair must not even learn it exists.
VIEW_CLUB_A1 = {
    "province_staff": 200,
    "area_staff": 200,
    "other_area_staff": 404,
    "club_chair": 200,
    "other_chair": 404,
    "admin_user": 200,
}
# The club board may look but not change the register.
MANAGE_CLUB_A1 = {**VIEW_CLUB_A1, "club_chair": 403}
# The club board works on its own club (members, teams).
WORK_IN_CLUB_A1 = VIEW_CLUB_A1


def club_a1(world):
    return {"pk": world.club_a1.pk}


def url_patterns(resolver=None, namespace=""):
    """(name with its namespaces, view) of every named URL of the product, the admin's included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def url_names():
    return (name for name, _view in url_patterns())
