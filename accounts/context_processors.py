from accounts import access
from accounts.access import Cap


def navigation(request):
    """What the navigation bar offers: decided by the access module, like everything else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": {
            "clubs": access.has_cap(user, Cap.CLUB_VIEW),
            "members": access.has_cap(user, Cap.MEMBER_VIEW),
            "areas": access.has_cap(user, Cap.AREA_VIEW),
            "reports": access.has_cap(user, Cap.REPORT_VIEW),
            "admin": user.is_staff,
        }
    }
