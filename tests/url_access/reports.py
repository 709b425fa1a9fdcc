from tests.url_access import STAFF_ONLY

# Roll-ups over many clubs are for association staff (Cap.REPORT_VIEW), each within their area;
# a club's board sees its own club's scorecard on the club page instead.
PROTECTED = {
    "reports:scorecard": ("get", None, STAFF_ONLY),
}
# The loan portfolio of the clubs in the staff member's area; a club's board sees its own figures
# on its loan pages.
PROTECTED |= {
    "reports:portfolio": ("get", None, STAFF_ONLY),
    "reports:portfolio-overdue": ("get", None, STAFF_ONLY),
}
