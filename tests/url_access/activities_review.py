from tests.url_access import STAFF_ONLY
from tests.url_access.activities import submitted_of_a1


def a1_waits(world):
    """Club A1's report of February waits for review; the lists take no arguments."""
    submitted_of_a1(world)
    return {}


# What waits for staff (Cap.REPORT_REVIEW), each over the clubs of their scope: a club's board
# sees its own reports on its club's pages and its home. The next report to review sends staff on
# to it, or to their (empty) queue.
PROTECTED = {
    "activities:review-queue": ("get", a1_waits, STAFF_ONLY),
    "activities:review-next": (
        "get",
        a1_waits,
        {**STAFF_ONLY, "province_staff": 302, "area_staff": 302, "other_area_staff": 302, "admin_user": 302},
    ),
    "activities:returned": ("get", None, STAFF_ONLY),
    "activities:missing": ("get", None, STAFF_ONLY),
}
