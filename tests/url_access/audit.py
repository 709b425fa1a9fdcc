from tests.url_access import STAFF_ONLY

PROTECTED = {
    # Association staff read the log (province staff all of it, area staff their clubs'); club
    # boards do not (accounts.access: the log is the association's oversight of what they write).
    "audit:log": ("get", None, STAFF_ONLY),
}
