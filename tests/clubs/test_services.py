"""clubs/services/register.py and the status annotation Club.objects.with_status(on)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from clubs.models import Club, ClubStatus, ClubStatusChange, StatusChangeKind
from clubs.services.register import club_create, club_status_change, club_update, club_validate
from core.text import fold
from tests import factories

D = datetime.date
TODAY = D(2025, 3, 15)


def status_on(club, on):
    return Club.objects.with_status(on).get(pk=club.pk).status


def new_club(actor, unit, **values):
    values.setdefault("name", "CLB Liên thế hệ thôn Mới")
    values.setdefault("decision_number", "12/QĐ-UBND")
    values.setdefault("decision_date", D(2024, 5, 2))
    values.setdefault("decision_issuer", "UBND xã")
    values.setdefault("launch_date", D(2024, 6, 1))
    values.setdefault("meeting_day", 10)
    return club_create(actor=actor, unit=unit, **values)


@pytest.fixture
def actor(province_staff):
    return province_staff


def assert_create_refused(actor, unit, field, **values):
    clubs_before = Club.objects.count()
    with pytest.raises(ValidationError) as exc:
        new_club(actor, unit, **values)
    assert field in exc.value.message_dict
    assert Club.objects.count() == clubs_before
    assert not AuditEntry.objects.exists()
    return exc.value


# --- club_create ----------------------------------------------------------------------


def test_create_numbers_codes_from_one(world, actor):
    first = new_club(actor, world.commune_a1, name="CLB Một")
    second = new_club(actor, world.commune_a1, name="CLB Hai")
    assert first.code == "QNG-0001"
    assert second.code == "QNG-0002"


def test_create_continues_after_the_highest_code(world, actor):
    factories.ClubFactory(unit=world.commune_b1, code="QNG-0999")
    factories.ClubFactory(unit=world.commune_b1, code="QNG-1000")
    assert new_club(actor, world.commune_a1).code == "QNG-1001"


def test_create_ignores_codes_with_another_prefix(world, actor):
    factories.ClubFactory(unit=world.commune_b1, code="KTM-0500")
    assert new_club(actor, world.commune_a1).code == "QNG-0001"


def test_create_saves_the_club(world, actor):
    club = new_club(actor, world.commune_a2, name="  CLB Liên thế hệ thôn Đông Yên  ", hamlets=["Đông Yên"])
    club.refresh_from_db()
    assert club.name == "CLB Liên thế hệ thôn Đông Yên"
    assert club.name_folded == "clb lien the he thon dong yen"
    assert club.name_folded == fold(club.name)
    assert club.unit == world.commune_a2
    assert club.hamlets == ["Đông Yên"]
    assert club.decision_date == D(2024, 5, 2)
    assert club.launch_date == D(2024, 6, 1)
    assert club.meeting_day == 10


def test_create_writes_an_audit_entry(world, actor):
    club = new_club(actor, world.commune_a1)
    entry = AuditEntry.objects.get()
    assert entry.action == "clubs.club.created"
    assert entry.actor == actor
    assert entry.target_type == "clubs.club"
    assert entry.target_id == str(club.pk)
    assert entry.data == {"code": "QNG-0001", "unit": world.commune_a1.code}


def test_create_without_dates_is_a_decided_club(world, actor):
    # Without a decision date the unit must be in force today (15/03/2025).
    unit = factories.commune(world.district_b, scheme=world.province.scheme, valid_until=None)
    club = club_create(actor=actor, name="CLB Chưa có quyết định", unit=unit)
    assert club.hamlets == []
    assert status_on(club, TODAY) == ClubStatus.DECIDED


def test_create_on_today_is_allowed(world, actor):
    unit = factories.commune(world.district_b, scheme=world.province.scheme, valid_until=None)
    club = new_club(actor, unit, decision_date=TODAY, launch_date=TODAY)
    assert status_on(club, TODAY) == ClubStatus.ACTIVE


def test_create_in_a_district_without_communes(world, actor):
    club = new_club(actor, world.district_l, name="CLB Liên thế hệ An Vĩnh")
    assert club.unit == world.district_l
    assert club.area_type == "island"


def test_area_type_comes_from_the_unit(world, actor):
    assert world.club_l.area_type == "island"
    assert world.club_b1.area_type == "mountain"
    assert world.club_a1.area_type == "plain"
    club = new_club(actor, world.commune_b1, name="CLB Vùng cao")
    assert club.area_type == world.commune_b1.area_type == "mountain"
    assert club.get_area_type_display() == world.commune_b1.get_area_type_display()


def test_create_refuses_a_district_with_communes(world, actor):
    assert_create_refused(actor, world.district_a, "unit")


def test_create_refuses_the_province(world, actor):
    assert_create_refused(actor, world.province, "unit")


def test_create_refuses_a_unit_not_in_force_on_the_decision_date(world, actor):
    assert_create_refused(actor, world.commune_a1, "unit", decision_date=D(2019, 1, 1), launch_date=D(2020, 3, 1))


def test_create_refuses_a_unit_abolished_before_the_decision_date(world, actor):
    # vn-2020 units end on 31/12/2024.
    assert_create_refused(actor, world.commune_a1, "unit", decision_date=D(2025, 1, 2), launch_date=D(2025, 2, 1))


@pytest.mark.parametrize("field", ["decision_date", "launch_date"])
def test_create_refuses_a_date_in_the_future(world, actor, field):
    unit = factories.commune(world.district_b, scheme=world.province.scheme, valid_until=None)
    values = {"decision_date": D(2025, 3, 1), "launch_date": D(2025, 3, 10)}
    values[field] = D(2025, 3, 16)
    if field == "decision_date":
        values["launch_date"] = None
    assert_create_refused(actor, unit, field, **values)


def test_create_refuses_launch_before_decision(world, actor):
    assert_create_refused(
        actor, world.commune_a1, "launch_date", decision_date=D(2024, 5, 2), launch_date=D(2024, 5, 1)
    )


@pytest.mark.parametrize(
    "name",
    [
        "CLB Liên thế hệ thôn Liên Trì Tây",
        "clb liên thế hệ thôn lien tri tay",
        "CLB LIEN THE HE THON LIEN TRI TAY",
        "  CLB Liên  thế hệ thôn   Liên Trì Tây ",
    ],
)
def test_create_refuses_a_duplicate_name_in_the_same_commune(world, actor, name):
    assert_create_refused(actor, world.commune_a1, "name", name=name)


def test_create_allows_the_same_name_in_another_commune(world, actor):
    club = new_club(actor, world.commune_a2, name="CLB Liên thế hệ thôn Liên Trì Tây")
    assert club.unit == world.commune_a2
    assert Club.objects.filter(name_folded=fold("CLB Liên thế hệ thôn Liên Trì Tây")).count() == 2


def test_create_reports_every_broken_rule(world, actor):
    exc = assert_create_refused(
        actor,
        world.district_a,
        "unit",
        name="CLB Liên thôn Cộng Hòa",
        decision_date=D(2025, 3, 20),
        launch_date=D(2025, 3, 18),
    )
    assert {"unit", "decision_date", "launch_date"} <= set(exc.message_dict)


# --- club_update ------------------------------------------------------------------------


def test_update_saves_changes_and_audits_them(world, actor):
    club = world.club_a1
    club_update(club=club, actor=actor, name="CLB Liên thế hệ thôn Liên Trì Đông", meeting_day=20)
    club.refresh_from_db()
    assert club.name == "CLB Liên thế hệ thôn Liên Trì Đông"
    assert club.name_folded == "clb lien the he thon lien tri dong"
    assert club.meeting_day == 20
    entry = AuditEntry.objects.get()
    assert entry.action == "clubs.club.updated"
    assert entry.actor == actor
    assert entry.target_id == str(club.pk)
    assert entry.data == {
        "name": ["CLB Liên thế hệ thôn Liên Trì Tây", "CLB Liên thế hệ thôn Liên Trì Đông"],
        "meeting_day": [15, 20],
    }


def test_update_audits_dates_and_units_as_text(world, actor):
    club = world.club_a2
    club_update(club=club, actor=actor, unit=world.commune_a1, launch_date=D(2024, 1, 5))
    assert AuditEntry.objects.get(action="clubs.club.updated").data == {
        "unit": [world.commune_a2.name, world.commune_a1.name],
        "launch_date": [None, "2024-01-05"],
    }
    club.refresh_from_db()
    assert club.unit == world.commune_a1


def test_update_without_change_writes_nothing(world, actor):
    club = world.club_a1
    updated_at = club.updated_at
    club_update(club=club, actor=actor, name=club.name, meeting_day=club.meeting_day, launch_date=club.launch_date)
    club.refresh_from_db()
    assert club.updated_at == updated_at
    assert not AuditEntry.objects.exists()


def test_update_name_padding_alone_is_no_change(world, actor):
    club_update(club=world.club_a1, actor=actor, name=f"  {world.club_a1.name} ")
    assert not AuditEntry.objects.exists()


def test_update_refuses_unknown_fields(world, actor):
    with pytest.raises(TypeError):
        club_update(club=world.club_a1, actor=actor, code="QNG-9999")
    with pytest.raises(TypeError):
        club_update(club=world.club_a1, actor=actor, name_folded="x")
    assert not AuditEntry.objects.exists()


def assert_update_refused(club, actor, field, **values):
    before = Club.objects.values().get(pk=club.pk)
    with pytest.raises(ValidationError) as exc:
        club_update(club=club, actor=actor, **values)
    assert field in exc.value.message_dict
    assert Club.objects.values().get(pk=club.pk) == before
    assert not AuditEntry.objects.exists()


def test_update_refuses_a_duplicate_name_in_the_commune(world, actor):
    other = factories.ClubFactory(unit=world.commune_a1, name="CLB Liên thế hệ thôn Khác")
    assert_update_refused(other, actor, "name", name="clb liên thế hệ thôn lien tri tay")


def test_update_allows_a_name_used_in_another_commune(world, actor):
    club_update(club=world.club_a2, actor=actor, name=world.club_a1.name)
    world.club_a2.refresh_from_db()
    assert world.club_a2.name == world.club_a1.name


def test_update_allows_changing_accents_of_the_own_name(world, actor):
    club_update(club=world.club_a1, actor=actor, name="CLB LIÊN THẾ HỆ THÔN LIÊN TRÌ TÂY")
    assert AuditEntry.objects.get().data["name"][1] == "CLB LIÊN THẾ HỆ THÔN LIÊN TRÌ TÂY"


def test_update_refuses_moving_into_a_commune_with_the_same_name(world, actor):
    twin = factories.ClubFactory(unit=world.commune_a2, name=world.club_a1.name)
    assert_update_refused(twin, actor, "name", unit=world.commune_a1)


def test_update_refuses_a_district_with_communes(world, actor):
    assert_update_refused(world.club_a1, actor, "unit", unit=world.district_a)


def test_update_refuses_a_unit_not_in_force_on_the_decision_date(world, actor):
    assert_update_refused(world.club_a1, actor, "unit", decision_date=D(2019, 1, 1))


@pytest.mark.parametrize("field", ["decision_date", "launch_date"])
def test_update_refuses_a_date_in_the_future(world, actor, field):
    assert_update_refused(world.club_a2, actor, field, **{field: D(2025, 3, 16)})


def test_update_refuses_launch_before_decision(world, actor):
    assert_update_refused(world.club_a1, actor, "launch_date", launch_date=D(2022, 2, 28))


# --- status -----------------------------------------------------------------------------


def change(club, actor, kind, effective_on, reason="Lý do"):
    return club_status_change(club=club, actor=actor, kind=kind, effective_on=effective_on, reason=reason)


def test_status_follows_the_launch_date(world):
    club = world.club_a1  # decided 01/03/2022, launched 15/04/2022
    assert status_on(club, D(2022, 4, 14)) == ClubStatus.DECIDED
    assert status_on(club, D(2022, 4, 15)) == ClubStatus.ACTIVE
    assert status_on(world.club_a2, TODAY) == ClubStatus.DECIDED


def test_status_through_a_life_cycle(world, actor):
    club = world.club_a1
    change(club, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    change(club, actor, StatusChangeKind.RESUMED, D(2024, 6, 1))
    change(club, actor, StatusChangeKind.DISSOLVED, D(2025, 1, 1))
    assert status_on(club, D(2024, 1, 9)) == ClubStatus.ACTIVE
    assert status_on(club, D(2024, 1, 10)) == ClubStatus.SUSPENDED
    assert status_on(club, D(2024, 5, 31)) == ClubStatus.SUSPENDED
    assert status_on(club, D(2024, 6, 1)) == ClubStatus.ACTIVE
    assert status_on(club, D(2024, 12, 31)) == ClubStatus.ACTIVE
    assert status_on(club, D(2025, 1, 1)) == ClubStatus.DISSOLVED
    assert status_on(club, TODAY) == ClubStatus.DISSOLVED


def test_with_status_annotates_every_club(world, actor):
    change(world.club_b1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    change(world.club_l, actor, StatusChangeKind.DISSOLVED, D(2024, 1, 10))
    statuses = dict(Club.objects.with_status(TODAY).values_list("pk", "status"))
    assert statuses == {
        world.club_a1.pk: ClubStatus.ACTIVE,
        world.club_a2.pk: ClubStatus.DECIDED,
        world.club_b1.pk: ClubStatus.SUSPENDED,
        world.club_l.pk: ClubStatus.DISSOLVED,
    }


def test_with_status_same_day_changes_take_the_latest_recorded(world, actor):
    change(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    change(world.club_a1, actor, StatusChangeKind.RESUMED, D(2024, 1, 10))
    assert status_on(world.club_a1, D(2024, 1, 10)) == ClubStatus.ACTIVE


@pytest.mark.parametrize(
    ("kind", "club_name", "effective_on"),
    [
        (StatusChangeKind.SUSPENDED, "club_a1", D(2024, 1, 10)),
        (StatusChangeKind.DISSOLVED, "club_a1", D(2024, 1, 10)),
        (StatusChangeKind.DISSOLVED, "club_a2", D(2024, 1, 10)),
        (StatusChangeKind.SUSPENDED, "club_l", TODAY),
    ],
)
def test_allowed_change_is_recorded_and_audited(world, actor, kind, club_name, effective_on):
    club = getattr(world, club_name)
    result = change(club, actor, kind, effective_on, reason="  Ban chủ nhiệm xin tạm ngừng  ")
    saved = ClubStatusChange.objects.get()
    assert saved == result
    assert (saved.club, saved.kind, saved.effective_on) == (club, kind, effective_on)
    assert saved.reason == "Ban chủ nhiệm xin tạm ngừng"
    assert saved.created_by == actor
    entry = AuditEntry.objects.get()
    assert entry.action == f"clubs.club.{kind}"
    assert entry.actor == actor
    assert entry.target_id == str(club.pk)
    assert entry.data == {"effective_on": effective_on.isoformat(), "reason": "Ban chủ nhiệm xin tạm ngừng"}


def test_resume_is_recorded_and_audited(world, actor):
    change(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    change(world.club_a1, actor, StatusChangeKind.RESUMED, D(2024, 3, 1))
    assert list(ClubStatusChange.objects.values_list("kind", flat=True)) == ["suspended", "resumed"]
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "clubs.club.suspended",
        "clubs.club.resumed",
    ]


def assert_change_refused(club, actor, kind, effective_on, field=None, reason="Lý do"):
    changes_before = ClubStatusChange.objects.count()
    audits_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        change(club, actor, kind, effective_on, reason=reason)
    if field:
        assert field in exc.value.message_dict
    assert ClubStatusChange.objects.count() == changes_before
    assert AuditEntry.objects.count() == audits_before
    return exc.value


def test_resume_an_active_club_is_refused(world, actor):
    assert_change_refused(world.club_a1, actor, StatusChangeKind.RESUMED, D(2024, 1, 10))


def test_suspend_a_suspended_club_is_refused(world, actor):
    change(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    assert_change_refused(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 2, 1))


def test_suspend_a_decided_club_is_refused(world, actor):
    assert_change_refused(world.club_a2, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))


def test_suspend_before_the_launch_is_refused(world, actor):
    assert_change_refused(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2022, 4, 14))


def test_change_dated_in_the_future_is_refused(world, actor):
    assert_change_refused(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2025, 3, 16), field="effective_on")


def test_change_dated_today_is_allowed(world, actor):
    change(world.club_a1, actor, StatusChangeKind.SUSPENDED, TODAY)
    assert status_on(world.club_a1, TODAY) == ClubStatus.SUSPENDED


def test_change_dated_before_the_last_change_is_refused(world, actor):
    change(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    assert_change_refused(world.club_a1, actor, StatusChangeKind.RESUMED, D(2024, 1, 9), field="effective_on")
    assert_change_refused(world.club_a1, actor, StatusChangeKind.DISSOLVED, D(2023, 12, 1), field="effective_on")


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_change_without_reason_is_refused(world, actor, reason):
    assert_change_refused(
        world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10), field="reason", reason=reason
    )


@pytest.mark.parametrize("kind", list(StatusChangeKind))
def test_any_change_after_dissolution_is_refused(world, actor, kind):
    change(world.club_a1, actor, StatusChangeKind.DISSOLVED, D(2024, 1, 10))
    assert_change_refused(world.club_a1, actor, kind, D(2024, 2, 1))
    assert_change_refused(world.club_a1, actor, kind, D(2024, 1, 10))


def test_change_uses_the_clubs_current_row(world, actor):
    # The service locks and re-reads the club (select_for_update): a stale instance is fine.
    stale = Club.objects.get(pk=world.club_a2.pk)
    Club.objects.filter(pk=world.club_a2.pk).update(launch_date=D(2024, 1, 1))
    change(stale, actor, StatusChangeKind.SUSPENDED, D(2024, 2, 1))
    assert status_on(world.club_a2, D(2024, 2, 1)) == ClubStatus.SUSPENDED


def test_update_refuses_a_launch_after_the_first_status_change(world, actor):
    change(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    AuditEntry.objects.all().delete()
    assert_update_refused(world.club_a1, actor, "launch_date", launch_date=D(2024, 2, 1))
    assert_update_refused(world.club_a1, actor, "launch_date", launch_date=None)


def test_update_allows_a_launch_on_the_first_status_change(world, actor):
    change(world.club_a1, actor, StatusChangeKind.SUSPENDED, D(2024, 1, 10))
    club_update(club=world.club_a1, actor=actor, launch_date=D(2024, 1, 10))
    world.club_a1.refresh_from_db()
    assert world.club_a1.launch_date == D(2024, 1, 10)


def test_update_of_a_dissolved_undecided_club_may_leave_it_unlaunched(world, actor):
    change(world.club_a2, actor, StatusChangeKind.DISSOLVED, D(2024, 1, 10))
    club_update(club=world.club_a2, actor=actor, meeting_day=5)
    world.club_a2.refresh_from_db()
    assert world.club_a2.meeting_day == 5


# --- club_validate ----------------------------------------------------------------------


def test_validate_accepts_a_valid_unsaved_club(world):
    club = factories.ClubFactory.build(unit=world.commune_b1, name="CLB Hợp lệ")
    assert club_validate(club=club, unit=world.commune_b1) is None


def test_validate_does_not_count_the_club_itself_as_a_duplicate(world):
    assert club_validate(club=world.club_a1, unit=world.commune_a1) is None


# --- known bugs -------------------------------------------------------------------------


def test_dissolution_before_the_decision_date_is_refused(world, actor):
    # club_a1 was decided on 01/03/2022: it cannot have been dissolved in 2021.
    assert_change_refused(world.club_a1, actor, StatusChangeKind.DISSOLVED, D(2021, 1, 1), field="effective_on")


def test_dissolution_before_the_launch_date_is_refused(world, actor):
    # club_b1 was launched on 15/04/2022; dissolving it from 10/03/2022 leaves "launched after dissolved".
    assert_change_refused(world.club_b1, actor, StatusChangeKind.DISSOLVED, D(2022, 3, 10), field="effective_on")


@pytest.mark.parametrize("field", ["launch_date", "decision_date"])
def test_update_refuses_dates_after_the_dissolution(world, actor, field):
    change(world.club_a2, actor, StatusChangeKind.DISSOLVED, D(2024, 1, 10))
    AuditEntry.objects.all().delete()
    assert_update_refused(world.club_a2, actor, field, **{field: D(2024, 6, 1)})
