from django.utils import timezone

from accounts import access
from accounts.access import Cap


def navigation(request):
    """What the navigation bar offers: decided by the access module, like everything else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    board_clubs = access.board_club_ids(user, Cap.FUNDS_MANAGE)
    today = timezone.localdate()
    return {
        "nav": {
            # A club board with one club gets its books in the menu (a board of several clubs
            # reaches each from the club's page).
            "books_club": board_clubs[0] if len(board_clubs) == 1 else None,
            "this_month": today,
            "clubs": access.has_cap(user, Cap.CLUB_VIEW),
            "members": access.has_cap(user, Cap.MEMBER_VIEW),
            "areas": access.has_cap(user, Cap.AREA_VIEW),
            "reports": access.has_cap(user, Cap.REPORT_VIEW),
            "audit": access.has_cap(user, Cap.AUDIT_VIEW),
            "lockouts": access.has_cap(user, Cap.LOGIN_UNLOCK),
            "admin": user.is_staff,
        }
    }
