"""The personas' map (tests/conftest.py, vn-2020) followed by the two maps of 2025, tiny, with a
lineage that has each kind of change. Rows written directly (the loaders are areas' business).

vn-2020 (the world)          vn-2025-01 (01/01–30/06/2025)     vn-2025-07 (from 01/07/2025)
/51/901/90101/ Bình Hiệp ─kept──→ /51/901/90101/ Bình Hiệp ─┬split→ /51/21001/ Phường An Phú
/51/901/90102/ Tịnh Ấn Tây ─merged─↗                         └split→ /51/21002/ Xã Nghĩa An
/51/902/90201/ Ba Vì ──renamed──→ /51/902/90201/ Ba Vì Mới ──merged→ /51/21003/ Xã Sơn Hà
                                  /51/902/90202/ Sơn Thượng ─merged↗
/51/903/ Lý Sơn ───────kept─────→ /51/903/ Lý Sơn ─────renamed→ /51/21004/ Đặc khu Lý Sơn

On vn-2025-07 the communes sit right under the province (districts were abolished).
"""

import dataclasses
import datetime

from areas.models import AdminScheme, AdminUnit, AreaType, Change, Kind, Level, UnitLink
from tests import factories

D = datetime.date


@dataclasses.dataclass
class Maps:
    january: AdminScheme  # vn-2025-01
    july: AdminScheme  # vn-2025-07
    district_a: AdminUnit  # vn-2025-01
    binh_hiep: AdminUnit  # vn-2025-01: A1 kept, A2 merged into it
    district_b: AdminUnit  # vn-2025-01
    ba_vi: AdminUnit  # vn-2025-01: B1 renamed
    son_thuong: AdminUnit  # vn-2025-01
    ly_son: AdminUnit  # vn-2025-01: district without communes, kept
    province_july: AdminUnit
    an_phu: AdminUnit  # vn-2025-07: part of Bình Hiệp
    nghia_an: AdminUnit  # vn-2025-07: the other part
    son_ha: AdminUnit  # vn-2025-07: Ba Vì Mới and Sơn Thượng merged
    dac_khu: AdminUnit  # vn-2025-07: Lý Sơn renamed


def link(predecessor: AdminUnit, successor: AdminUnit, change: str) -> UnitLink:
    return UnitLink.objects.create(predecessor=predecessor, successor=successor, change=change)


def build_maps(world, *, lineage: bool = True) -> Maps:
    """The two maps of 2025 after the world's map; `lineage`: with the links between them."""
    january = factories.AdminSchemeFactory(code="vn-2025-01", valid_from=D(2025, 1, 1), valid_until=D(2025, 7, 1))
    july = factories.AdminSchemeFactory(code="vn-2025-07", valid_from=D(2025, 7, 1), valid_until=None)
    province = factories.province(scheme=january, code="51", name="Tỉnh Quảng Ngãi")
    district_a = factories.district(province, scheme=january, code="901", name="Huyện Đồng Bằng")
    district_b = factories.district(
        province, scheme=january, code="902", name="Huyện Miền Núi", area_type=AreaType.MOUNTAIN
    )
    province_july = factories.province(scheme=july, code="51", name="Tỉnh Quảng Ngãi (mới)")

    def commune(parent, code, name, **kwargs):
        return factories.commune(parent, scheme=parent.scheme, code=code, name=name, **kwargs)

    maps = Maps(
        january=january,
        july=july,
        district_a=district_a,
        binh_hiep=commune(district_a, "90101", "Xã Bình Hiệp"),
        district_b=district_b,
        ba_vi=commune(district_b, "90201", "Xã Ba Vì Mới"),
        son_thuong=commune(district_b, "90202", "Xã Sơn Thượng"),
        ly_son=factories.district(province, scheme=january, code="903", name="Huyện Lý Sơn", area_type=AreaType.ISLAND),
        province_july=province_july,
        an_phu=commune(province_july, "21001", "Phường An Phú", kind=Kind.WARD, area_type=AreaType.PLAIN),
        nghia_an=commune(province_july, "21002", "Xã Nghĩa An", area_type=AreaType.PLAIN),
        son_ha=commune(province_july, "21003", "Xã Sơn Hà", area_type=AreaType.MOUNTAIN),
        dac_khu=commune(province_july, "21004", "Đặc khu Lý Sơn", kind=Kind.SPECIAL_ZONE, area_type=AreaType.ISLAND),
    )
    assert maps.dac_khu.level == Level.COMMUNE
    if lineage:
        link_2025(world, maps)
    return maps


def link_2025(world, maps: Maps) -> None:
    """The lineage from the world's map to January 2025's, and from there to July's."""
    link(world.commune_a1, maps.binh_hiep, Change.KEPT)
    link(world.commune_a2, maps.binh_hiep, Change.MERGED)
    link(world.commune_b1, maps.ba_vi, Change.RENAMED)
    link(world.district_l, maps.ly_son, Change.KEPT)
    link(maps.binh_hiep, maps.an_phu, Change.SPLIT)
    link(maps.binh_hiep, maps.nghia_an, Change.SPLIT)
    link(maps.ba_vi, maps.son_ha, Change.MERGED)
    link(maps.son_thuong, maps.son_ha, Change.MERGED)
    link(maps.ly_son, maps.dac_khu, Change.RENAMED)


def where(club) -> dict[str, tuple[str, str]]:
    """{map code: (unit name, source)} of a club's stored locations."""
    return {
        location.scheme.code: (location.unit.name, location.source)
        for location in club.locations.select_related("scheme", "unit")
    }
