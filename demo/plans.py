"""Target plans known from public sources, loaded by `manage.py seed_demo` (never read by the
reports: they read the plans in the database, which staff edit)."""

import datetime

from django.conf import settings

from areas.models import AdminScheme, AdminUnit, AreaType
from targets.models import NewClubDate, TargetPlan
from targets.services import plan_save

# docs/domain.md §5: the provincial plan reported on 24/11/2022, under Decision 1336/QĐ-TTg, counted on
# the districts of 2020–2024 (docs/domain.md §6).
QUANG_NGAI_2022_2025 = {
    "scheme_code": "vn-2020",
    "province_code": settings.PROVINCE_CODE,
    "values": {
        "name": "Quảng Ngãi 2022–2025",
        "code": "qng-2022-2025",
        "legal_basis": (
            "Quyết định số 1336/QĐ-TTg ngày 31/8/2020 của Thủ tướng Chính phủ phê duyệt Đề án nhân rộng "
            "mô hình Câu lạc bộ liên thế hệ tự giúp nhau giai đoạn 2021–2025; "
            "Kế hoạch của tỉnh Quảng Ngãi thực hiện Đề án đến năm 2025."
        ),
        "period_start": datetime.date(2022, 1, 1),
        "period_end": datetime.date(2025, 12, 31),
        "new_clubs": 76,
        "new_clubs_per_year": 19,
        "new_club_date": NewClubDate.DECISION,
        "new_club_members": 3800,
        "both_funds_share": 100,
        "all_activities_share": 70,
        "members_borrowing_share": 50,
        "combined_share": 70,
        "club_borrowing_threshold": 50,
        "window_months": 12,
        "activity_min_months": 1,
        "coverage_min_clubs": 1,
    },
    "coverage": [
        {"name": "Huyện đồng bằng, thị xã và thành phố", "area_types": [AreaType.PLAIN.value], "share": 50},
        {
            "name": "Huyện miền núi và hải đảo",
            "area_types": [AreaType.MOUNTAIN.value, AreaType.ISLAND.value],
            "share": 30,
        },
    ],
}


def seed_plan(definition: dict) -> TargetPlan | None:
    """Create the plan unless one with its code exists; None when its map or province is not loaded."""
    values = dict(definition["values"])
    existing = TargetPlan.objects.filter(code=values["code"]).first()
    if existing is not None:
        return existing
    scheme = AdminScheme.objects.filter(code=definition["scheme_code"]).first()
    province = AdminUnit.objects.filter(scheme=scheme, code=definition["province_code"]).first()
    if scheme is None or province is None:
        return None
    values.update(scheme=scheme, province=province)
    return plan_save(actor=None, values=values, coverage=definition["coverage"])
