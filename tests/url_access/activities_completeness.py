from tests.url_access import STAFF_ONLY

# Completeness and "all eight activities" over many clubs are for association staff
# (Cap.REPORT_VIEW), each within their area; a club's board sees its own reports on its club page.
PROTECTED = {
    "activities:completeness": ("get", None, STAFF_ONLY),
    "activities:all-eight": ("get", None, STAFF_ONLY),
}
