"""Every page that lists clubs or people, and every export (spreadsheets.registry.EXPORTS, every
format; an export of one club, club A1's): tests/test_data_isolation.py opens each as district A's
staff and as A1's chair, with a marked person in A1 and in B1, and looks for B1's names and numbers
in what it answers.

{URL name (with "?…" to tell apart two queries of one page): (URL arguments, query string)}.
SHOWS_NO_NAMES: the pages that name no club or person of the fixture even in scope, so only the
absence of the other scope is checked there.
"""

LISTS = {
    "home": ({}, ""),
    "clubs:club-list": ({}, ""),
    "members:member-list": ({}, ""),
    "members:member-list?state": ({}, "state=all"),
    "reports:scorecard": ({}, ""),
    "reports:portfolio": ({}, ""),
    "reports:portfolio-overdue": ({}, ""),
    "funds:capital": ({}, ""),
    "activities:completeness": ({}, ""),
    "activities:all-eight": ({}, ""),
    "activities:review-queue": ({}, ""),
    "activities:returned": ({}, ""),
    "activities:missing": ({}, ""),
    "audit:log": ({}, ""),
    "targets:dashboard": ({}, ""),
    "targets:clubs": ({}, ""),
    "targets:units": ({}, ""),
    "targets:new-clubs": ({}, ""),
    "areas:unit-tree": ({}, ""),
}

SHOWS_NO_NAMES = {
    "targets:dashboard": "totals against the plan, by district",
    "activities:returned": "no report of the fixture was returned",
}
