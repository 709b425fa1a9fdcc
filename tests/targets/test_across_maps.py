"""Both plans on one data set, on Quảng Ngãi's real maps with the lineage loaded, with clubs
registered on all three maps through the services, as staff register them: the 2022–2025 plan on
the districts of 2020 as of 31/12/2025, a day neither its districts nor its communes exist any
more, and the 2026–2030 plan on the communes of 1 Jul 2025 as of 30/11/2026. Every figure below
is counted by hand from the list of clubs.

  club  registered in (map, code)              decided     launched    where the reports count it
  A     Xã Nghĩa An (2020, 21262), TP Q.Ngãi   01/03/2022  01/04/2022  2020: Nghĩa An · 2025-07: Xã An Phú
  B     Xã Trà Bùi (2020, 21142), Trà Bồng     01/05/2024  01/06/2024  2020: Trà Bùi · split in 2025-07: decided Cà Đam
  C     Xã Thắng Lợi (2025-01, 21406), Mộ Đức  01/03/2025  01/04/2025  2020: Mộ Đức (Đức Lợi, Đức Thắng) · Long Phụng
  D     Phường Nghĩa Lộ (2025-07, 21028)       15/08/2025  01/09/2025  2020: TP Quảng Ngãi (four wards) · Nghĩa Lộ
  E     Xã Ia Đal (2025-07, 23535), ex-Kon Tum 01/09/2025  01/10/2025  not on the 2020 map of Quảng Ngãi · Ia Đal
  F     Xã Tịnh Ấn Tây (2020, 21223)           01/05/2019  01/06/2019  2020: Tịnh Ấn Tây · Trương Quang Trọng
  G     Xã Bình Sơn (2025-07, 21040)           01/03/2026  01/04/2026  Bình Sơn
  H     Xã Cà Đam (2025-07, 21136)             01/06/2026  —           Cà Đam (decided only: covers nothing)
"""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import AdminUnit
from clubs.models import Club, ClubLocation, LocationSource
from clubs.services.locations import club_location_decide
from clubs.services.register import club_create
from demo.plans import QUANG_NGAI_2022_2025, QUANG_NGAI_2026_2030, seed_plan
from targets.selectors import target_report
from targets.trends import trend_years, yearly_trend
from tests import factories

D = datetime.date
VN = datetime.timezone(datetime.timedelta(hours=7))

CLUBS = [
    ("A", "vn-2020", "21262", D(2022, 3, 1), D(2022, 4, 1)),
    ("B", "vn-2020", "21142", D(2024, 5, 1), D(2024, 6, 1)),
    ("C", "vn-2025-01", "21406", D(2025, 3, 1), D(2025, 4, 1)),
    ("D", "vn-2025-07", "21028", D(2025, 8, 15), D(2025, 9, 1)),
    ("E", "vn-2025-07", "23535", D(2025, 9, 1), D(2025, 10, 1)),
    ("F", "vn-2020", "21223", D(2019, 5, 1), D(2019, 6, 1)),
    ("G", "vn-2025-07", "21040", D(2026, 3, 1), D(2026, 4, 1)),
    ("H", "vn-2025-07", "21136", D(2026, 6, 1), None),
]


def unit(scheme: str, code: str) -> AdminUnit:
    return AdminUnit.objects.get(scheme__code=scheme, code=code)


def register_the_clubs() -> dict[str, Club]:
    staff = factories.UserFactory(username="tinh")
    clubs = {}
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=VN), tick=False):
        for name, scheme, code, decided, launched in CLUBS:
            clubs[name] = club_create(
                actor=staff,
                name=f"CLB Liên thế hệ {name}",
                unit=unit(scheme, code),
                decision_date=decided,
                launch_date=launched,
            )
        club_location_decide(
            actor=staff, club=clubs["B"], unit=unit("vn-2025-07", "21136"), reason="Thôn của CLB thuộc xã Cà Đam"
        )
    return clubs


def located(club: Club) -> dict[str, tuple[str, str]]:
    return {
        location.scheme.code: (location.unit.code, location.source)
        for location in ClubLocation.objects.filter(club=club).select_related("scheme", "unit")
    }


def test_each_club_is_located_on_every_map_the_lineage_leads_to(maps_with_lineage):
    clubs = register_the_clubs()
    assert located(clubs["A"]) == {
        "vn-2020": ("21262", LocationSource.REGISTERED),
        "vn-2025-01": ("21262", LocationSource.LINEAGE),
        "vn-2025-07": ("21034", LocationSource.LINEAGE),
    }
    assert located(clubs["B"])["vn-2025-07"] == ("21136", LocationSource.DECIDED)
    # Thắng Lợi came from two communes of Mộ Đức: counted in their district on the map of 2020.
    assert located(clubs["C"]) == {
        "vn-2020": ("533", LocationSource.TRACED_BACK),
        "vn-2025-01": ("21406", LocationSource.REGISTERED),
        "vn-2025-07": ("21409", LocationSource.LINEAGE),
    }
    # Nghĩa Lộ came from four wards of the city, on both earlier maps.
    assert located(clubs["D"]) == {
        "vn-2020": ("522", LocationSource.TRACED_BACK),
        "vn-2025-01": ("522", LocationSource.TRACED_BACK),
        "vn-2025-07": ("21028", LocationSource.REGISTERED),
    }
    # Ia Đal was a commune of Kon Tum: on the map of 1 Jan 2025, never on Quảng Ngãi's of 2020.
    assert located(clubs["E"]) == {
        "vn-2025-01": ("23535", LocationSource.TRACED_BACK),
        "vn-2025-07": ("23535", LocationSource.REGISTERED),
    }
    assert located(clubs["F"])["vn-2025-07"] == ("21172", LocationSource.LINEAGE)


def test_the_2022_2025_plan_as_of_31_12_2025_on_the_districts_of_2020(maps_with_lineage):
    clubs = register_the_clubs()
    plan = seed_plan(QUANG_NGAI_2022_2025)
    report = target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=D(2025, 12, 31))

    new = report.new_clubs
    assert (new.total.counted, new.total.launched) == (4, 4)  # A, B, C, D; E is Kon Tum's, F of 2019
    assert [(row.year, row.counted) for row in new.years] == [(2022, 1), (2023, 0), (2024, 1), (2025, 2)]
    assert {row.unit.name: row.counted for row in new.districts} == {
        "Thành phố Quảng Ngãi": 2,  # A, and D counted in the city its four wards were in
        "Huyện Trà Bồng": 1,  # B
        "Huyện Mộ Đức": 1,  # C
    }
    # Units counted on the map's last day, 31/12/2024; clubs active on 31/12/2025. C and D are
    # placed no lower than a district on this map: they cover no commune of it.
    assert report.coverage_on == D(2024, 12, 31)
    assert [(group.total.covered, group.total.units) for group in report.coverage] == [(2, 110), (1, 64)]
    plain = report.coverage[0]
    assert {row.unit.name: row.covered for row in plain.districts if row.covered} == {"Thành phố Quảng Ngãi": 2}
    assert report.club_total.clubs == 5  # active on 31/12/2025: A, B, C, D, F
    assert {row.club for row in report.clubs} == {clubs[name] for name in "ABCDF"}


def test_staff_decisions_put_traced_clubs_in_a_commune_of_the_2020_map(maps_with_lineage):
    """C's Thắng Lợi came from Đức Lợi and Đức Thắng; D's Nghĩa Lộ from four wards of January
    2025's map, each kept from 2020. Once staff say which one each club's area was in, the clubs
    cover those communes in the 2022–2025 plan, and count in the same districts as before."""
    clubs = register_the_clubs()
    staff = factories.UserFactory(username="tinh2")
    club_location_decide(actor=staff, club=clubs["C"], unit=unit("vn-2020", "21403"), reason="Thôn ở Đức Lợi")
    club_location_decide(actor=staff, club=clubs["D"], unit=unit("vn-2025-01", "21013"), reason="Tổ dân phố Trần Phú")
    assert located(clubs["C"])["vn-2020"] == ("21403", LocationSource.DECIDED)
    assert located(clubs["D"])["vn-2025-01"] == ("21013", LocationSource.DECIDED)
    assert located(clubs["D"])["vn-2020"] == ("21013", LocationSource.TRACED_BACK)  # Trần Phú was kept

    report = target_report(
        plan=seed_plan(QUANG_NGAI_2022_2025),
        clubs=Club.objects.all(),
        units=AdminUnit.objects.all(),
        on=D(2025, 12, 31),
    )
    assert {row.unit.name: row.counted for row in report.new_clubs.districts} == {
        "Thành phố Quảng Ngãi": 2,
        "Huyện Trà Bồng": 1,
        "Huyện Mộ Đức": 1,
    }
    # Plain: Nghĩa An (A), Tịnh Ấn Tây (F), and now Đức Lợi (C) and Trần Phú (D).
    assert [(group.total.covered, group.total.units) for group in report.coverage] == [(4, 110), (1, 64)]


def test_the_2026_2030_plan_as_of_30_11_2026_on_the_communes_of_1_july_2025(maps_with_lineage):
    clubs = register_the_clubs()
    plan = seed_plan(QUANG_NGAI_2026_2030)
    on = D(2026, 11, 30)
    report = target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=on)

    new = report.new_clubs
    assert (new.total.counted, new.total.launched, new.target) == (2, 1, None)  # G launched, H decided only
    assert [(row.year, row.counted) for row in new.years] == [(2026, 2)]
    assert {row.unit.name for row in new.districts} == {"Xã Bình Sơn", "Xã Cà Đam"}
    # 31 plain units; 64 mountainous and the island special zone (no border commune is classified).
    # Plain: An Phú (A), Long Phụng (C), Nghĩa Lộ (D), Trương Quang Trọng (F), Bình Sơn (G);
    # the others: Cà Đam (B; H is not launched), Ia Đal (E).
    assert report.coverage_on == on
    assert [(group.total.covered, group.total.units) for group in report.coverage] == [(5, 31), (2, 65)]
    assert report.club_total.clubs == 7  # A, B, C, D, E, F, G
    assert clubs["H"] not in {row.club for row in report.clubs}


def test_the_trend_counts_each_year_on_its_own_map(maps_with_lineage):
    register_the_clubs()
    plan = seed_plan(QUANG_NGAI_2026_2030)
    on = D(2026, 11, 30)
    trend = yearly_trend(
        clubs=Club.objects.all(),
        units=AdminUnit.objects.all(),
        province_code=plan.province.code,
        years=trend_years(plan.period_start.year, on),
        on=on,
    )
    assert [(p.year, p.scheme.code, p.clubs, p.covered, p.units, p.map_changed) for p in trend] == [
        (2022, "vn-2020", 2, 2, 174, False),  # A, F
        (2023, "vn-2020", 2, 2, 174, False),
        (2024, "vn-2020", 3, 3, 174, False),  # and B
        (2025, "vn-2025-07", 6, 6, 96, True),  # and C, D, E (Kon Tum joined the province)
        (2026, "vn-2025-07", 7, 7, 96, False),  # and G
    ]


def test_the_reports_take_the_same_queries_with_more_clubs_on_every_map(maps_with_lineage):
    """With the lineage in play: clubs registered on the three maps, followed and traced back."""
    register_the_clubs()
    plans = [(seed_plan(QUANG_NGAI_2022_2025), D(2025, 12, 31)), (seed_plan(QUANG_NGAI_2026_2030), D(2026, 11, 30))]

    def counted():
        counts = []
        for plan, on in plans:
            with CaptureQueriesContext(connection) as queries:
                target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=on)
            counts.append(len(queries))
        return counts

    before = counted()
    with time_machine.travel(datetime.datetime(2026, 12, 1, 9, tzinfo=VN), tick=False):
        for number, (scheme, code, decided) in enumerate(
            [
                ("vn-2020", "21262", D(2023, 1, 1)),
                ("vn-2025-01", "21406", D(2025, 2, 1)),
                ("vn-2025-07", "21028", D(2025, 9, 1)),
            ]
            * 4
        ):
            club_create(
                actor=None,
                name=f"CLB thêm {number}",
                unit=unit(scheme, code),
                decision_date=decided,
                launch_date=decided + datetime.timedelta(days=30),
            )
    assert counted() == before
