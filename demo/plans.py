"""Target plans known from public sources, loaded by `manage.py seed_demo` (never read by the
reports: they read the plans in the database, which staff edit)."""

import datetime

from django.conf import settings

from areas.models import AdminScheme, AdminUnit, AreaType
from targets.models import NewClubDate, TargetPlan, UnitCategory
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


# docs/domain.md §5: Decision 1648/QĐ-TTg (1/8/2025) sets the national targets to 2030 on the communes
# of the two-level map in force since 1 Jul 2025 (docs/domain.md §6): at least one club (one to three)
# in every plain commune or ward and in 70 % of the mountainous, border and island communes. The
# province's own numbers of new clubs and members are not published yet: they stay empty for staff
# to set. The club measures carry over those of 2021–2025 until the province's plan replaces them,
# as the legal basis says.
QUANG_NGAI_2026_2030 = {
    "scheme_code": "vn-2025-07",
    "province_code": settings.PROVINCE_CODE,
    "values": {
        "name": "Quảng Ngãi 2026–2030",
        "code": "qng-2026-2030",
        "legal_basis": (
            "Quyết định số 1648/QĐ-TTg ngày 01/8/2025 của Thủ tướng Chính phủ phê duyệt Đề án tiếp tục nhân "
            "rộng mô hình Câu lạc bộ liên thế hệ tự giúp nhau đến năm 2030, định hướng đến năm 2035. "
            "Số câu lạc bộ mới và thành viên: tỉnh nhập khi ban hành kế hoạch. Các chỉ tiêu về quỹ, hoạt động "
            "và vay vốn giữ như giai đoạn 2021–2025 cho đến khi tỉnh ban hành kế hoạch mới."
        ),
        "period_start": datetime.date(2026, 1, 1),
        "period_end": datetime.date(2030, 12, 31),
        "new_clubs": None,
        "new_clubs_per_year": None,
        "new_club_date": NewClubDate.DECISION,
        "new_club_members": None,
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
        {"name": "Xã, phường đồng bằng", "area_types": [UnitCategory.PLAIN.value], "share": 100},
        {
            "name": "Xã miền núi, biên giới và hải đảo",
            "area_types": [UnitCategory.MOUNTAIN.value, UnitCategory.BORDER.value, UnitCategory.ISLAND.value],
            "share": 70,
        },
    ],
}


# Every plan seed_plans creates, oldest first.
PLANS = [QUANG_NGAI_2022_2025, QUANG_NGAI_2026_2030]


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
