"""`load_lineage PATH`: the links between maps, the map of 1 Jan 2025 derived from them (with the
communes of the former Kon Tum under their province), open starts, idempotence, the signal to the
club register, and files refused with their line numbers and nothing written."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from areas import services
from areas.lineage_files import LineageFileError, read_lineage_file, read_provinces
from areas.models import AdminScheme, AdminUnit, AreaType, Change, Kind, Level, UnitLink
from areas.signals import lineage_loaded
from audit.models import AuditEntry
from tests import factories
from tests.maps import LINEAGE, PROVINCES

D = datetime.date


def load(path=LINEAGE, *args) -> str:
    out = io.StringIO()
    call_command("load_lineage", str(path), *args, stdout=out)
    return out.getvalue()


def load_error(path, *args) -> str:
    with translation.override("en"), pytest.raises(CommandError) as excinfo:
        load(path, *args)
    return str(excinfo.value)


def unit(scheme: str, code: str) -> AdminUnit:
    return AdminUnit.objects.select_related("parent").get(scheme__code=scheme, code=code)


def state() -> tuple[list[dict], list[dict]]:
    return list(AdminUnit.objects.order_by("pk").values()), list(UnitLink.objects.order_by("pk").values())


@pytest.fixture
def signals():
    """The lineage_loaded signals sent during the test, as their keyword arguments."""
    sent = []

    def receiver(sender, **kwargs):
        sent.append({"sender": sender, **kwargs})

    lineage_loaded.connect(receiver)
    yield sent
    lineage_loaded.disconnect(receiver)


# --- The real lineage ----------------------------------------------------------------------


def test_real_lineage_loads_every_link_and_derives_the_map_of_1_january_2025(maps, signals):
    output = load()

    assert "vn-2020 → vn-2025-01: 175 links." in output
    assert "vn-2025-01 → vn-2025-07: 274 links." in output
    assert (
        "Derived from the lineage: vn-2025-01: 2 provinces, 13 district-level units, 272 commune-level units." in output
    )
    assert "Links: 449 created, 0 updated, 0 unchanged. Derived units: 287 created, 0 updated, 0 unchanged." in output
    assert UnitLink.objects.count() == 449
    units = AdminUnit.objects.filter(scheme__code="vn-2025-01")
    assert units.count() == 287
    assert set(units.values_list("derived", flat=True)) == {True}
    # docs/domain.md §6: Quảng Ngãi's 173 communes became 170 on 1 Jan 2025; Lý Sơn stays a
    # district without communes, so 171 units host clubs.
    quang_ngai = unit("vn-2025-01", "51")
    assert (quang_ngai.name, quang_ngai.level, quang_ngai.path) == ("Tỉnh Quảng Ngãi", Level.PROVINCE, "/51/")
    in_quang_ngai = units.under(quang_ngai)
    assert in_quang_ngai.filter(level=Level.COMMUNE).count() == 170
    assert in_quang_ngai.filter(level=Level.DISTRICT).count() == 13
    assert in_quang_ngai.club_hosts().count() == 171
    assert in_quang_ngai.filter(level=Level.COMMUNE, area_type=AreaType.PLAIN).count() == 107
    # The districts are those of 2020, unchanged, and hold the same communes less the merged ones.
    for district in AdminUnit.objects.filter(scheme__code="vn-2020", level=Level.DISTRICT):
        copy = unit("vn-2025-01", district.code)
        assert (copy.name, copy.kind, copy.area_type, copy.path) == (
            district.name,
            district.kind,
            district.area_type,
            district.path,
        )
    # Kinds told by the names: Tịnh Hà became a township.
    tinh_ha = unit("vn-2025-01", "21220")
    assert (tinh_ha.name, tinh_ha.kind) == ("Thị trấn Tịnh Hà", Kind.TOWNSHIP)
    assert tinh_ha.predecessor_links.get().change == Change.RENAMED
    # One audit entry and one signal, sent as a command sends it: no actor.
    entry = AuditEntry.objects.get(action="areas.lineage.loaded")
    assert entry.actor is None
    assert entry.target_id == str(AdminScheme.objects.get(code="vn-2025-07").pk)
    assert entry.data == {
        "links": {"created": 449, "updated": 0},
        "derived_units": {"created": 287, "updated": 0},
        "starts_changed": 0,
    }
    assert signals == [{"sender": UnitLink, "signal": lineage_loaded, "actor": None}]


def test_nghia_an_and_nghia_phu_merge_into_an_phu(maps_with_lineage):
    an_phu = unit("vn-2025-01", "21262")
    assert (an_phu.name, an_phu.kind, an_phu.level, an_phu.area_type) == (
        "Xã An Phú",
        Kind.COMMUNE,
        Level.COMMUNE,
        AreaType.PLAIN,
    )
    # In the copy of its predecessors' district, Thành phố Quảng Ngãi.
    assert an_phu.parent == unit("vn-2025-01", "522")
    assert an_phu.path == "/51/522/21262/"
    came_from = an_phu.predecessor_links.select_related("predecessor__scheme")
    assert {(link.predecessor.name, link.predecessor.scheme.code, link.change) for link in came_from} == {
        ("Xã Nghĩa An", "vn-2020", Change.MERGED),
        ("Xã Nghĩa Phú", "vn-2020", Change.MERGED),
    }
    assert not AdminUnit.objects.filter(scheme__code="vn-2025-01", code="21253").exists()


def test_tra_bui_splits_between_ca_dam_and_tay_tra_bong(maps_with_lineage):
    tra_bui = unit("vn-2025-01", "21142")
    assert tra_bui.name == "Xã Trà Bùi"
    assert tra_bui.predecessor_links.get().predecessor == unit("vn-2020", "21142")
    went_to = tra_bui.successor_links.select_related("successor")
    assert {(link.successor.code, link.successor.name, link.change) for link in went_to} == {
        ("21136", "Xã Cà Đam", Change.SPLIT),
        ("21157", "Xã Tây Trà Bồng", Change.SPLIT),
    }


def test_ly_son_stays_a_district_then_becomes_a_special_zone(maps_with_lineage):
    ly_son = unit("vn-2025-01", "536")
    assert (ly_son.name, ly_son.level, ly_son.kind, ly_son.area_type, ly_son.path) == (
        "Huyện Lý Sơn",
        Level.DISTRICT,
        Kind.DISTRICT,
        AreaType.ISLAND,
        "/51/536/",
    )
    assert ly_son.is_club_host
    assert ly_son.predecessor_links.get().change == Change.KEPT
    link = ly_son.successor_links.select_related("successor").get()
    assert (link.successor.code, link.successor.name, link.change) == ("21548", "Đặc khu Lý Sơn", Change.RENAMED)


def test_the_former_kon_tum_is_derived_as_a_province_of_its_own(maps_with_lineage):
    kon_tum = unit("vn-2025-01", "62")
    assert (kon_tum.name, kon_tum.level, kon_tum.kind, kon_tum.area_type, kon_tum.parent, kon_tum.path) == (
        "Tỉnh Kon Tum",
        Level.PROVINCE,
        Kind.PROVINCE,
        "",
        None,
        "/62/",
    )
    # Its communes right under it: the data does not say their districts.
    communes = AdminUnit.objects.filter(scheme__code="vn-2025-01").under(kon_tum).exclude(pk=kon_tum.pk)
    assert communes.count() == 102
    assert set(communes.values_list("level", "parent", "area_type", "former_province")) == {
        (Level.COMMUNE, kon_tum.pk, AreaType.MOUNTAIN, "")
    }
    assert communes.filter(kind=Kind.WARD).count() == 10
    assert communes.filter(kind=Kind.TOWNSHIP).count() == 7
    quang_trung = unit("vn-2025-01", "23281")
    assert (quang_trung.name, quang_trung.kind, quang_trung.path) == ("Phường Quang Trung", Kind.WARD, "/62/23281/")
    assert not quang_trung.predecessor_links.exists()
    assert {link.successor.former_province for link in quang_trung.successor_links.all()} == {"kon_tum"}
    # Every unit of 1 Jul 2025 comes from units of 1 Jan 2025.
    assert not AdminUnit.objects.filter(scheme__code="vn-2025-07", level=Level.COMMUNE, predecessor_links=None)


def test_open_starts_before_and_after_the_lineage(maps):
    vn_2020, vn_2025_01, vn_2025_07 = (
        AdminScheme.objects.get(code=code) for code in ("vn-2020", "vn-2025-01", "vn-2025-07")
    )

    def starts(scheme, **filters):
        return set(AdminUnit.objects.filter(scheme=scheme, **filters).values_list("valid_from", flat=True))

    # Before: the map of 2020 is the earliest held for code 51 and starts open, the later one not.
    assert starts(vn_2020) == {None}
    assert starts(vn_2025_07) == {D(2025, 7, 1)}

    load()

    assert starts(vn_2020) == {None}
    assert starts(vn_2025_07) == {D(2025, 7, 1)}
    # Quảng Ngãi on 1 Jan 2025 came from the map of 2020; Kon Tum's communes come from no map held:
    # a club decided there in 2019 sits in them.
    assert starts(vn_2025_01, path__startswith="/51/") == {D(2025, 1, 1)}
    assert starts(vn_2025_01, path__startswith="/62/") == {None}
    assert set(AdminUnit.objects.filter(scheme=vn_2025_01).values_list("valid_until", flat=True)) == {D(2025, 7, 1)}
    quang_trung = unit("vn-2025-01", "23281")
    assert quang_trung.is_in_force(D(2019, 5, 1)) and quang_trung.is_in_force(D(2025, 6, 30))
    assert not quang_trung.is_in_force(D(2025, 7, 1))
    assert list(AdminUnit.objects.in_force(D(2019, 5, 1)).filter(code="23281")) == [quang_trung]


def test_second_run_changes_nothing_and_says_so(maps, signals):
    load()
    before = state()

    output = load()

    assert "No change: all 449 links and 287 derived units were already up to date." in output
    assert state() == before
    assert AuditEntry.objects.filter(action="areas.lineage.loaded").count() == 1
    assert len(signals) == 1


def test_reloading_the_units_after_the_lineage_changes_nothing(maps_with_lineage):
    before = state()
    out = io.StringIO()

    call_command("load_admin_units", "data/quang_ngai_2025_units.csv", scheme="vn-2025-07", stdout=out)
    call_command("load_admin_units", "data/quang_ngai_2020_2024_units.csv", scheme="vn-2020", stdout=out)

    assert out.getvalue().count("No change") == 2
    assert state() == before


def rewritten(tmp_path, change) -> str:
    """The real lineage with each row passed through `change` (a dict → a dict)."""
    with LINEAGE.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = [change(dict(row)) for row in reader]
        fields = reader.fieldnames
    path = tmp_path / "lineage.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_changed_link_and_a_renamed_derived_unit_are_updated_in_place(maps_with_lineage, signals, tmp_path):
    an_phu = unit("vn-2025-01", "21262")
    link = UnitLink.objects.get(predecessor=unit("vn-2020", "21253"), successor=an_phu)

    def change(row):
        if row["old_scheme"] == "vn-2020" and row["old_code"] == "21253":
            row["change"] = Change.SPLIT
        for side in ("old", "new"):
            if row[f"{side}_scheme"] == "vn-2025-01" and row[f"{side}_code"] == "21262":
                row[f"{side}_name"] = "Xã An Phú Mới"
        return row

    output = load(rewritten(tmp_path, change))

    assert "Links: 0 created, 1 updated, 448 unchanged. Derived units: 0 created, 1 updated, 286 unchanged." in output
    link.refresh_from_db()
    assert link.change == Change.SPLIT
    assert unit("vn-2025-01", "21262").pk == an_phu.pk
    assert unit("vn-2025-01", "21262").name == "Xã An Phú Mới"
    assert AuditEntry.objects.filter(action="areas.lineage.loaded").latest("pk").data == {
        "links": {"created": 0, "updated": 1},
        "derived_units": {"created": 0, "updated": 1},
        "starts_changed": 0,
    }
    assert len(signals) == 1


def test_the_service_sends_the_signal_with_its_actor_once_the_links_are_written(maps, signals):
    user = factories.UserFactory(username="tinh")
    links_seen = []
    lineage_loaded.connect(
        lambda sender, **kwargs: links_seen.append(UnitLink.objects.count()), weak=False, dispatch_uid="count"
    )
    try:
        with PROVINCES.open(encoding="utf-8") as provinces, LINEAGE.open(encoding="utf-8") as lineage:
            lineage_file = read_lineage_file(lineage, provinces=read_provinces(provinces))
        result = services.lineage_load(actor=user, lineage_file=lineage_file)
    finally:
        lineage_loaded.disconnect(dispatch_uid="count")

    assert result.changed
    assert signals == [{"sender": UnitLink, "signal": lineage_loaded, "actor": user}]
    assert links_seen == [449]
    assert AuditEntry.objects.get(action="areas.lineage.loaded").actor == user


def test_a_receiver_that_raises_refuses_the_whole_load(maps):
    """The signal is sent inside the load's transaction: what the receiver refuses is not written."""
    before = state()

    def refuse(sender, **kwargs):
        raise RuntimeError("the register cannot follow")

    lineage_loaded.connect(refuse, weak=False, dispatch_uid="refuse")
    try:
        with pytest.raises(RuntimeError):
            load()
    finally:
        lineage_loaded.disconnect(dispatch_uid="refuse")

    assert state() == before
    assert not AuditEntry.objects.filter(action="areas.lineage.loaded").exists()


# --- Small files: each problem with its line, nothing written --------------------------------

HEADER = "old_scheme,old_code,old_name,new_scheme,new_code,new_name,change"
# Lines 2–12 of a lineage of the small map built by `small_maps`.
GOOD = [
    "vn-2020,21010,Phường Một,vn-2025-01,21010,Phường Một,kept",  # 2
    "vn-2020,21013,Phường Hai,vn-2025-01,21010,Phường Một,merged",  # 3
    "vn-2020,21019,Xã Ba,vn-2025-01,21019,Xã Ba,kept",  # 4
    "vn-2020,20950,Xã Bình,vn-2025-01,20950,Xã Bình,kept",  # 5
    "vn-2020,536,Huyện Lý Sơn,vn-2025-01,536,Huyện Lý Sơn,kept",  # 6
    "vn-2025-01,21010,Phường Một,vn-2025-07,21025,Phường Cẩm Thành,merged",  # 7
    "vn-2025-01,21019,Xã Ba,vn-2025-07,21025,Phường Cẩm Thành,split",  # 8
    "vn-2025-01,21019,Xã Ba,vn-2025-07,21040,Xã Bình Sơn,split",  # 9
    "vn-2025-01,20950,Xã Bình,vn-2025-07,21040,Xã Bình Sơn,merged",  # 10
    "vn-2025-01,536,Huyện Lý Sơn,vn-2025-07,21548,Đặc khu Lý Sơn,renamed",  # 11
    "vn-2025-01,23281,Phường Quang Trung,vn-2025-07,23284,Phường Kon Tum,merged",  # 12
]


@pytest.fixture
def small_maps(db):
    """vn-2020: Quảng Ngãi with Thành phố Quảng Ngãi (21010, 21013 and 21019 — the last one
    mountainous), Huyện Bình Sơn (20950) and Lý Sơn without communes; vn-2025-07: four communes
    of the new Quảng Ngãi, one of them from the former Kon Tum."""
    old = AdminScheme.objects.get(code="vn-2020")
    province = factories.province(scheme=old, code="51", name="Tỉnh Quảng Ngãi")
    city = factories.district(province, scheme=old, code="522", name="Thành phố Quảng Ngãi", kind=Kind.CITY)
    factories.commune(city, scheme=old, code="21010", name="Phường Một", kind=Kind.WARD)
    factories.commune(city, scheme=old, code="21013", name="Phường Hai", kind=Kind.WARD)
    factories.commune(city, scheme=old, code="21019", name="Xã Ba", area_type=AreaType.MOUNTAIN)
    binh_son = factories.district(province, scheme=old, code="524", name="Huyện Bình Sơn")
    factories.commune(binh_son, scheme=old, code="20950", name="Xã Bình")
    factories.district(province, scheme=old, code="536", name="Huyện Lý Sơn", area_type=AreaType.ISLAND)
    new = AdminScheme.objects.get(code="vn-2025-07")
    province = factories.province(scheme=new, code="51", name="Tỉnh Quảng Ngãi")
    for code, name, kind, former, area_type in [
        ("21025", "Phường Cẩm Thành", Kind.WARD, "quang_ngai", AreaType.PLAIN),
        ("21040", "Xã Bình Sơn", Kind.COMMUNE, "quang_ngai", AreaType.PLAIN),
        ("21548", "Đặc khu Lý Sơn", Kind.SPECIAL_ZONE, "quang_ngai", AreaType.ISLAND),
        ("23284", "Phường Kon Tum", Kind.WARD, "kon_tum", AreaType.MOUNTAIN),
    ]:
        factories.commune(
            province, scheme=new, code=code, name=name, kind=kind, former_province=former, area_type=area_type
        )


def lineage_file(
    *rows: str,
    header: str = HEADER,
    provinces: str = "slug,code,name\nquang_ngai,51,Tỉnh Quảng Ngãi\nkon_tum,62,Tỉnh Kon Tum\n",
):
    return read_lineage_file(
        io.StringIO("\n".join([header, *rows]) + "\n"), provinces=read_provinces(io.StringIO(provinces))
    )


def refused(*rows: str, **kwargs) -> str:
    """The problems of a file refused by the reader or the service, in English."""
    with translation.override("en"), pytest.raises(LineageFileError) as excinfo:
        services.lineage_load(actor=None, lineage_file=lineage_file(*rows, **kwargs))
    return "\n".join(excinfo.value.problems)


def with_line(number: int, row: str, *more: tuple[int, str]) -> list[str]:
    """GOOD with line `number` replaced by `row` (and each further (number, row) of `more`)."""
    rows = list(GOOD)
    for line, text in [(number, row), *more]:
        rows[line - 2] = text
    return rows


def test_small_lineage_loads(small_maps):
    result = services.lineage_load(actor=None, lineage_file=lineage_file(*GOOD))

    assert (result.links_created, result.units_created) == (11, 9)
    # vn-2025-01: the copies of the province and of the two districts with communes, the units
    # of the links (Phường Một, Xã Ba, Xã Bình, Lý Sơn), and Kon Tum with Phường Quang Trung.
    assert sorted(AdminUnit.objects.filter(scheme__code="vn-2025-01").values_list("path", flat=True)) == [
        "/51/",
        "/51/522/",
        "/51/522/21010/",
        "/51/522/21019/",
        "/51/524/",
        "/51/524/20950/",
        "/51/536/",
        "/62/",
        "/62/23281/",
    ]
    assert unit("vn-2025-01", "21019").area_type == AreaType.MOUNTAIN


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            with_line(4, "vn-1999,21019,Xã Ba,vn-2025-01,21019,Xã Ba,kept"),
            "Line 4: unknown scheme 'vn-1999' (known schemes: vn-2020, vn-2025-01, vn-2025-07).",
            id="unknown-scheme",
        ),
        pytest.param(
            with_line(3, "vn-2020,21013,Phường Hai,vn-2025-01,21010,Phường Một,moved"),
            "Line 3: unknown change 'moved' (expected one of kept, renamed, merged, split).",
            id="unknown-change",
        ),
        pytest.param(
            with_line(3, "vn-2020,２１０１３,Phường Hai,vn-2025-01,21010,Phường Một,merged"),
            "Line 3: the old code '２１０１３' is not a number.",
            id="full-width-old-code",
        ),
        pytest.param(
            with_line(3, "vn-2020,21013,Phường Hai,vn-2025-01,2101O,Phường Một,merged"),
            "Line 3: the new code '2101O' is not a number.",
            id="letter-in-new-code",
        ),
        pytest.param(
            with_line(3, "vn-2020,21013,,vn-2025-01,21010,Phường Một,merged"),
            "Line 3: the old name is empty.",
            id="empty-old-name",
        ),
        pytest.param(
            with_line(3, "vn-2020,21013,Phường Hai,vn-2025-01,21010,,merged"),
            "Line 3: the new name is empty.",
            id="empty-new-name",
        ),
        pytest.param(
            [*GOOD, "vn-2025-07,21040,Xã Bình Sơn,vn-2025-01,20950,Xã Bình,split"],
            "Line 13: the new scheme vn-2025-01 does not start after the old scheme vn-2025-07: "
            "a link back in time would make a cycle.",
            id="link-back-in-time",
        ),
        pytest.param(
            [*GOOD, "vn-2025-01,20950,Xã Bình,vn-2025-01,21019,Xã Ba,merged"],
            "Line 13: the new scheme vn-2025-01 does not start after the old scheme vn-2025-01",
            id="link-within-a-map",
        ),
        pytest.param(
            [*GOOD, GOOD[3]],
            "Line 13: the link from 20950 (vn-2020) to 20950 (vn-2025-01) is already on line 5.",
            id="same-pair-twice",
        ),
        pytest.param(
            with_line(3, "vn-2020,21013,Phường Hai,vn-2025-01,21010,Phường Mốt,merged"),
            "Line 3: unit 21010 of vn-2025-01 is named 'Phường Mốt' here but 'Phường Một' on line 2.",
            id="two-names-for-one-code",
        ),
        pytest.param(
            with_line(4, "vn-2020,21019,Xã Ba,vn-2025-01,21019,Xã Ba Mới,kept"),
            "Line 4: a kept unit keeps its code and name, but 21019 Xã Ba becomes 21019 Xã Ba Mới",
            id="kept-renamed",
        ),
        pytest.param(
            with_line(4, "vn-2020,21019,Xã Ba,vn-2025-01,21020,Xã Ba,kept"),
            "Line 4: a kept unit keeps its code and name, but 21019 Xã Ba becomes 21020 Xã Ba",
            id="kept-new-code",
        ),
        pytest.param(
            [*GOOD, "vn-2020,29999,Xã Ma,vn-2025-01,21019,Xã Ba,merged"],
            "Line 13: unknown unit 29999 Xã Ma of vn-2020: it is neither on a map loaded nor derivable from the "
            "lineage.",
            id="unknown-old-unit-on-a-loaded-map",
        ),
        pytest.param(
            with_line(10, "vn-2025-01,20950,Xã Bình,vn-2025-07,21043,Xã Bình Sơn Mới,merged"),
            "Line 10: unknown unit 21043 Xã Bình Sơn Mới of vn-2025-07",
            id="unknown-new-unit-on-a-loaded-map",
        ),
        pytest.param(
            [*GOOD, "vn-2025-01,21016,Phường Lạ,vn-2025-07,21025,Phường Cẩm Thành,merged"],
            # Quảng Ngãi's map of 1 Jan 2025 is derived from that of 2020: a unit missing there is unknown.
            "Line 13: unknown unit 21016 Phường Lạ of vn-2025-01",
            id="unknown-old-unit-of-a-derived-map",
        ),
        pytest.param(
            GOOD[:4] + GOOD[5:],
            "Unit 536 Huyện Lý Sơn of vn-2020 has no successor in the file: where did it go?",
            id="loaded-unit-without-successor",
        ),
        pytest.param(
            GOOD[:9] + GOOD[10:],
            "Unit 536 Huyện Lý Sơn of vn-2025-01 has no successor in the file: where did it go?",
            id="derived-unit-without-successor",
        ),
        pytest.param(
            with_line(3, "vn-2020,21013,Phường Hai Cũ,vn-2025-01,21010,Phường Một,merged"),
            "Line 3: unit 21013 of vn-2020 is named 'Phường Hai' on the map, not 'Phường Hai Cũ'.",
            id="name-differs-from-the-map",
        ),
        pytest.param(
            [*GOOD, "vn-2020,21019,Xã Ba,vn-2025-01,21010,Phường Một,split"],
            "Lines 2, 3, 13: Phường Một (21010, vn-2025-01) cannot be derived: the units it comes from differ "
            "in area type (mountain, plain).",
            id="predecessors-differ-in-area-type",
        ),
        pytest.param(
            [*GOOD, "vn-2020,20950,Xã Bình,vn-2025-01,21010,Phường Một,split"],
            "Lines 2, 3, 13: Phường Một (21010, vn-2025-01) cannot be derived: the units it comes from sit in "
            "different districts (Huyện Bình Sơn, Thành phố Quảng Ngãi).",
            id="predecessors-in-different-districts",
        ),
        pytest.param(
            with_line(
                5,
                "vn-2020,20950,Xã Bình,vn-2025-01,20950,Bình,renamed",
                (10, "vn-2025-01,20950,Bình,vn-2025-07,21040,Xã Bình Sơn,merged"),
            ),
            "Line 5: Bình (20950, vn-2025-01) cannot be derived: its name does not say what kind of unit it is "
            "(it starts with none of Thành phố, Thị trấn, Thị xã, Đặc khu, Phường, Huyện, Xã).",
            id="name-without-kind",
        ),
        pytest.param(
            [*GOOD, "vn-2025-01,23281,Phường Quang Trung,vn-2025-07,21040,Xã Bình Sơn,split"],
            "Lines 12, 13: Phường Quang Trung (23281, vn-2025-01) cannot be derived: the units it became were in "
            "different provinces before (kon_tum, quang_ngai).",
            id="successors-from-two-former-provinces",
        ),
    ],
)
def test_problem_is_reported_with_its_lines_and_nothing_is_written(small_maps, rows, expected):
    before = state()

    problems = refused(*rows)

    assert expected in problems
    assert state() == before
    assert not UnitLink.objects.exists()
    assert not AuditEntry.objects.exists()


def test_province_missing_from_the_provinces_file(small_maps):
    problems = refused(*GOOD, provinces="slug,code,name\ngia_lai,64,Tỉnh Gia Lai\n")

    assert (
        "Line 12: Phường Quang Trung (23281, vn-2025-01) cannot be derived: its province kon_tum is not in the "
        "provinces file."
    ) in problems
    assert not AdminUnit.objects.filter(scheme__code="vn-2025-01").exists()


def test_every_problem_is_listed(small_maps):
    rows = with_line(3, "vn-2020,21013,,vn-2025-01,21010,Phường Một,moved")
    rows = [*rows, "vn-1999,1,Xã A,vn-2020,2,Xã B,kept"]

    problems = refused(*rows)

    assert "Line 3: the old name is empty." in problems
    assert "Line 3: unknown change 'moved'" in problems
    assert "Line 13: unknown scheme 'vn-1999'" in problems
    assert "Line 2" not in problems


def test_missing_column_is_reported_on_line_1(db):
    with translation.override("en"), pytest.raises(LineageFileError) as excinfo:
        lineage_file(GOOD[0], header=HEADER.replace(",change", ""))
    assert excinfo.value.problems == ["Line 1: missing column(s): change."]


def test_header_only_file_is_refused(db):
    with translation.override("en"), pytest.raises(LineageFileError) as excinfo:
        lineage_file()
    assert excinfo.value.problems == ["The file has no links."]


# --- The command and its provinces file -------------------------------------------------------


def test_command_refuses_a_bad_file_with_its_lines(small_maps, tmp_path):
    path = tmp_path / "lineage.csv"
    path.write_text("\n".join([HEADER, *with_line(4, "vn-2020,21019,Xã Ba,vn-2025-01,21019,Xã Ba,moved")]) + "\n")

    message = load_error(path)

    assert f"{path} was not loaded, nothing was written:" in message
    assert "Line 4: unknown change 'moved'" in message
    assert not UnitLink.objects.exists()


def test_command_refuses_what_only_the_maps_tell_apart(small_maps, tmp_path):
    path = tmp_path / "lineage.csv"
    path.write_text("\n".join([HEADER, *GOOD, "vn-2020,29999,Xã Ma,vn-2025-01,21019,Xã Ba,merged"]) + "\n")

    message = load_error(path)

    assert "nothing was written" in message
    assert "Line 13: unknown unit 29999 Xã Ma of vn-2020" in message
    assert not AdminUnit.objects.filter(scheme__code="vn-2025-01").exists()


def test_command_reads_another_provinces_file(small_maps, tmp_path):
    lineage = tmp_path / "lineage.csv"
    lineage.write_text("\n".join([HEADER, *GOOD]) + "\n")
    provinces = tmp_path / "provinces.csv"
    provinces.write_text("slug,code,name\nkon_tum,62,Tỉnh Kon Tum (cũ)\n")

    load(lineage, "--provinces", str(provinces))

    assert unit("vn-2025-01", "62").name == "Tỉnh Kon Tum (cũ)"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param("slug,code\nkon_tum,62\n", "Line 1: missing column(s): name.", id="missing-column"),
        pytest.param("slug,code,name\nKon Tum,62,Tỉnh Kon Tum\n", "Line 2: the province slug 'Kon Tum'", id="bad-slug"),
        pytest.param(
            "slug,code,name\nkon_tum,6x,Tỉnh Kon Tum\n",
            "Line 2: the province code '6x' is not a number.",
            id="bad-code",
        ),
        pytest.param("slug,code,name\nkon_tum,62,\n", "Line 2: the province name is empty.", id="empty-name"),
        pytest.param(
            "slug,code,name\nkon_tum,62,Tỉnh Kon Tum\nkon_tum,63,Tỉnh Khác\n",
            "Line 3: province kon_tum is already on line 2.",
            id="slug-twice",
        ),
        pytest.param(
            "slug,code,name\nkon_tum,62,Tỉnh Kon Tum\ngia_lai,62,Tỉnh Gia Lai\n",
            "Line 3: code 62 is already used on line 2.",
            id="code-twice",
        ),
    ],
)
def test_command_refuses_a_bad_provinces_file(small_maps, tmp_path, content, expected):
    provinces = tmp_path / "provinces.csv"
    provinces.write_text(content)

    message = load_error(LINEAGE, "--provinces", str(provinces))

    assert f"{provinces} was not loaded, nothing was written:" in message
    assert expected in message
    assert not UnitLink.objects.exists()


def test_lineage_before_the_map_of_1_july_2025_is_refused(db):
    """The later map comes from its unit file: without it, its units are unknown (or, where the
    lineage would derive them, their predecessors sit in different districts)."""
    call_command("load_admin_units", "data/quang_ngai_2020_2024_units.csv", scheme="vn-2020", stdout=io.StringIO())

    message = load_error(LINEAGE)

    assert "nothing was written" in message
    assert "cannot be derived: the units it comes from sit in different districts" in message
    assert "Line 349: unknown unit 23281 Phường Quang Trung of vn-2025-01" in message
    assert not AdminUnit.objects.exclude(scheme__code="vn-2020").exists()


def test_missing_lineage_file_is_a_command_error(db, tmp_path):
    message = load_error(tmp_path / "missing.csv")

    assert "Cannot read" in message and "missing.csv" in message
