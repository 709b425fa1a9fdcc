from tests.url_access import STAFF_ONLY

PROTECTED = {
    "areas:unit-tree": ("get", None, STAFF_ONLY),
}
