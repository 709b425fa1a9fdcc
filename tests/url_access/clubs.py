from tests.url_access import ALL_SIGNED_IN_200, MANAGE_CLUB_A1, STAFF_ONLY, VIEW_CLUB_A1, club_a1

# Where a club of a split unit sits on the new map is the province's decision (Cap.LOCATION_DECIDE).
PROVINCE_ONLY = {**STAFF_ONLY, "area_staff": 403, "other_area_staff": 403}
DECIDE_FOR_CLUB_A1 = {**VIEW_CLUB_A1, "area_staff": 403, "club_chair": 403}

PROTECTED = {
    "clubs:club-list": ("get", None, ALL_SIGNED_IN_200),
    "clubs:club-create": ("get", None, STAFF_ONLY),
    "clubs:club-detail": ("get", club_a1, VIEW_CLUB_A1),
    "clubs:club-update": ("get", club_a1, MANAGE_CLUB_A1),
    "clubs:club-status-change": ("get", club_a1, MANAGE_CLUB_A1),
    "clubs:location-decisions": ("get", None, PROVINCE_ONLY),
    "clubs:location-decide": ("get", club_a1, DECIDE_FOR_CLUB_A1),
}
