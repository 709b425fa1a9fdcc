from tests.url_access import STAFF_ONLY


def commune_a1(world):
    return {"pk": world.commune_a1.pk}


PROTECTED = {
    "areas:unit-tree": ("get", None, STAFF_ONLY),
    # A unit of district A: its staff and the province see it; other areas' staff do not learn it.
    "areas:unit-detail": ("get", commune_a1, {**STAFF_ONLY, "other_area_staff": 404}),
}
