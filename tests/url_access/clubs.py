from tests.url_access import ALL_SIGNED_IN_200, MANAGE_CLUB_A1, STAFF_ONLY, VIEW_CLUB_A1, club_a1

PROTECTED = {
    "clubs:club-list": ("get", None, ALL_SIGNED_IN_200),
    "clubs:club-create": ("get", None, STAFF_ONLY),
    "clubs:club-detail": ("get", club_a1, VIEW_CLUB_A1),
    "clubs:club-update": ("get", club_a1, MANAGE_CLUB_A1),
    "clubs:club-status-change": ("get", club_a1, MANAGE_CLUB_A1),
}
