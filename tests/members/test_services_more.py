"""members/services.py: the failure paths (each refused write leaves nothing behind) and the audit
trail, plus member_rejoin (one person for life when a person comes back or moves in)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from clubs.models import StatusChangeKind
from core.text import vietnamese_sort_key
from members import services
from members.models import EconomicStatus, HouseholdStatus, LeaveReason, Membership, Person, Sex
from tests import factories

D = datetime.date


def join(club, actor, **overrides):
    values = {
        "full_name": "Nguyễn Thị Đào",
        "sex": Sex.FEMALE,
        "birth_year": 1950,
        "economic_status": EconomicStatus.POOR,
        "joined_on": D(2023, 1, 10),
    }
    values.update(overrides)
    return services.member_join(actor=actor, club=club, **values)


def messages_of(excinfo, field):
    return excinfo.value.message_dict[field]


def assert_nothing_saved():
    assert Person.objects.count() == 0
    assert Membership.objects.count() == 0
    assert HouseholdStatus.objects.count() == 0
    assert AuditEntry.objects.count() == 0


# --- leaving ----------------------------------------------------------------------------------


def test_leaving_before_joining_is_refused(world, province_staff):
    membership = join(world.club_a1, province_staff)
    with pytest.raises(ValidationError) as excinfo:
        services.member_leave(
            actor=province_staff, membership=membership, left_on=D(2023, 1, 9), reason=LeaveReason.WITHDREW
        )
    assert messages_of(excinfo, "left_on") == [str(services.ERROR_LEAVE_BEFORE_JOIN) % {"date": "10/01/2023"}]
    membership.refresh_from_db()
    assert membership.left_on is None
    assert not AuditEntry.objects.filter(action="members.membership.ended").exists()


def test_leaving_on_the_joining_day_is_allowed(world, province_staff):
    membership = join(world.club_a1, province_staff)
    services.member_leave(actor=province_staff, membership=membership, left_on=D(2023, 1, 10), reason=LeaveReason.OTHER)
    membership.refresh_from_db()
    assert membership.left_on == D(2023, 1, 10)


def test_leaving_twice_is_refused(world, province_staff):
    membership = join(world.club_a1, province_staff)
    services.member_leave(actor=province_staff, membership=membership, left_on=D(2024, 1, 1), reason=LeaveReason.DIED)
    with pytest.raises(ValidationError) as excinfo:
        services.member_leave(
            actor=province_staff, membership=membership, left_on=D(2024, 6, 1), reason=LeaveReason.WITHDREW
        )
    assert excinfo.value.messages == [str(services.ERROR_ALREADY_LEFT)]
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (D(2024, 1, 1), LeaveReason.DIED)
    assert AuditEntry.objects.filter(action="members.membership.ended").count() == 1


def test_leaving_in_the_future_is_refused(world, province_staff):
    membership = join(world.club_a1, province_staff)
    with pytest.raises(ValidationError) as excinfo:
        services.member_leave(
            actor=province_staff, membership=membership, left_on=D(2025, 3, 16), reason=LeaveReason.MOVED
        )
    assert messages_of(excinfo, "left_on") == [str(services.ERROR_IN_FUTURE)]


def test_leaving_is_audited_with_actor_reason_and_note(world, club_chair):
    membership = join(world.club_a1, club_chair)
    services.member_leave(
        actor=club_chair, membership=membership, left_on=D(2024, 2, 1), reason=LeaveReason.MOVED, note="  Về quê  "
    )
    membership.refresh_from_db()
    assert membership.leave_note == "Về quê"
    entry = AuditEntry.objects.get(action="members.membership.ended")
    assert entry.actor == club_chair
    assert entry.target_id == str(membership.person_id)
    assert entry.data == {"club": world.club_a1.code, "left_on": "2024-02-01", "reason": "moved"}


# --- joining ------------------------------------------------------------------------------------


def test_joining_a_dissolved_club_is_refused(world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, kind=StatusChangeKind.DISSOLVED, effective_on=D(2024, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, joined_on=D(2024, 2, 1))
    assert messages_of(excinfo, "joined_on") == [str(services.ERROR_CLUB_DISSOLVED)]
    assert_nothing_saved()


def test_joining_a_club_before_it_was_dissolved_is_allowed(world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, kind=StatusChangeKind.DISSOLVED, effective_on=D(2024, 1, 1))
    membership = join(world.club_a1, province_staff, joined_on=D(2023, 12, 31))
    assert membership.club == world.club_a1


def test_joining_a_suspended_club_is_allowed(world, province_staff):
    factories.ClubStatusChangeFactory(club=world.club_a1, kind=StatusChangeKind.SUSPENDED, effective_on=D(2024, 1, 1))
    assert join(world.club_a1, province_staff, joined_on=D(2024, 2, 1)).pk


def test_joining_before_the_clubs_decision_is_refused(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, joined_on=D(2022, 2, 28))
    assert messages_of(excinfo, "joined_on") == [str(services.ERROR_JOIN_BEFORE_DECISION) % {"date": "01/03/2022"}]
    assert_nothing_saved()


def test_joining_a_decided_club_not_yet_launched_is_allowed(world, province_staff):
    assert join(world.club_a2, province_staff, joined_on=D(2022, 3, 1)).club == world.club_a2


def test_joining_before_birth_is_refused(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, birth_date=D(2023, 2, 1), birth_year=2023, joined_on=D(2023, 1, 10))
    assert messages_of(excinfo, "joined_on") == [str(services.ERROR_JOIN_BEFORE_BIRTH)]
    assert_nothing_saved()


def test_joining_in_the_future_is_refused(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, joined_on=D(2025, 3, 16))
    assert messages_of(excinfo, "joined_on") == [str(services.ERROR_IN_FUTURE)]
    assert_nothing_saved()


def test_status_before_birth_is_reported_on_status_from_and_nothing_saved(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, status_from=D(1949, 1, 1))
    assert messages_of(excinfo, "status_from") == [str(services.ERROR_STATUS_BEFORE_BIRTH)]
    assert_nothing_saved()


def test_joining_again_before_the_last_leave_is_refused(world, province_staff):
    membership = join(world.club_a1, province_staff)
    services.member_leave(actor=province_staff, membership=membership, left_on=D(2024, 1, 1), reason=LeaveReason.OTHER)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_start(
            actor=province_staff, person=membership.person, club=world.club_b1, joined_on=D(2023, 12, 31)
        )
    assert messages_of(excinfo, "joined_on") == [
        str(services.ERROR_JOIN_BEFORE_LAST_LEAVE) % {"name": "Nguyễn Thị Đào", "date": "01/01/2024"}
    ]
    assert Membership.objects.count() == 1


def test_joining_is_audited_with_the_actor(world, club_chair):
    membership = join(world.club_a1, club_chair)
    entries = AuditEntry.objects.filter(target_type="members.person", target_id=str(membership.person_id))
    assert set(entries.values_list("action", "actor")) == {
        ("members.person.created", club_chair.pk),
        ("members.membership.started", club_chair.pk),
        ("members.household_status.set", club_chair.pk),
    }
    started = entries.get(action="members.membership.started")
    assert started.data == {"club": world.club_a1.code, "joined_on": "2023-01-10"}


# --- the person's fields --------------------------------------------------------------------------


@pytest.mark.parametrize("birth_year", [1904, 2026, 1800])
def test_birth_year_out_of_range_is_refused(world, province_staff, birth_year):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, birth_year=birth_year)
    assert messages_of(excinfo, "birth_year") == [str(services.ERROR_BIRTH_YEAR_RANGE) % {"first": 1905, "last": 2025}]
    assert_nothing_saved()


def test_birth_year_at_the_edges_is_accepted(world, province_staff):
    join(world.club_a1, province_staff, full_name="Người Già Nhất", birth_year=1905)
    assert Person.objects.get().birth_year == 1905


def test_birth_date_in_the_future_is_refused(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, birth_date=D(2025, 3, 16), birth_year=2025)
    assert messages_of(excinfo, "birth_date") == [str(services.ERROR_IN_FUTURE)]
    assert_nothing_saved()


def test_mismatched_birth_year_and_date_is_refused(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, birth_date=D(1950, 7, 2), birth_year=1951)
    assert messages_of(excinfo, "birth_year") == [str(services.ERROR_BIRTH_YEAR_MISMATCH)]
    assert_nothing_saved()


def test_birth_year_is_taken_from_the_date(world, province_staff):
    person = join(world.club_a1, province_staff, birth_date=D(1950, 7, 2), birth_year=None).person
    assert person.birth_year == 1950


def test_no_birth_date_or_year_is_refused(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, birth_year=None)
    assert messages_of(excinfo, "birth_year") == [str(services.ERROR_BIRTH_MISSING)]
    assert_nothing_saved()


@pytest.mark.parametrize("phone", ["abc", "0912-345-678", "12345", "0912 345 678 901 234 5"])
def test_bad_phone_is_refused(world, province_staff, phone):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, phone=phone)
    assert messages_of(excinfo, "phone") == [str(services.ERROR_PHONE_FORMAT)]
    assert_nothing_saved()


@pytest.mark.parametrize("phone", ["0912345678", "0912 345 678", "+84 912 345 678", "0255.3822.123"])
def test_usual_phone_numbers_are_accepted(world, province_staff, phone):
    assert join(world.club_a1, province_staff, phone=phone).person.phone == phone


@pytest.mark.parametrize("citizen_id", ["12345", "05112345678", "0511234567890", "05112345678A"])
def test_bad_citizen_id_is_refused(world, province_staff, citizen_id):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, citizen_id=citizen_id)
    assert messages_of(excinfo, "citizen_id") == [str(services.ERROR_CITIZEN_ID_FORMAT)]
    assert_nothing_saved()


@pytest.mark.parametrize(("typed", "stored"), [("051123456789", "051123456789"), ("211 234 567", "211234567")])
def test_citizen_id_of_12_or_9_digits_is_accepted(world, province_staff, typed, stored):
    assert join(world.club_a1, province_staff, citizen_id=typed).person.citizen_id == stored


def test_several_field_errors_come_together(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, phone="x", citizen_id="1", birth_year=1800)
    assert set(excinfo.value.message_dict) == {"phone", "citizen_id", "birth_year"}


def test_person_update_refused_changes_nothing(world, province_staff):
    person = join(world.club_a1, province_staff).person
    with pytest.raises(ValidationError):
        services.person_update(actor=province_staff, person=person, full_name="Tên Khác", phone="gọi")
    # The object in memory is restored too, so a page shows what is stored.
    assert person.full_name == "Nguyễn Thị Đào"
    person.refresh_from_db()
    assert (person.full_name, person.phone) == ("Nguyễn Thị Đào", "")
    assert not AuditEntry.objects.filter(action="members.person.updated").exists()


def test_person_update_audits_changes_but_not_the_citizen_id(world, province_staff, area_staff):
    person = join(world.club_a1, province_staff).person
    services.person_update(actor=area_staff, person=person, full_name="Nguyễn Thị Hồng Đào", citizen_id="051123456789")
    entry = AuditEntry.objects.get(action="members.person.updated")
    assert entry.actor == area_staff
    assert entry.data == {"full_name": ["Nguyễn Thị Đào", "Nguyễn Thị Hồng Đào"], "citizen_id": ["…", "…"]}
    assert "051123456789" not in str(AuditEntry.objects.values_list("data", flat=True)[::1])
    person.refresh_from_db()
    assert person.sort_key == vietnamese_sort_key("Nguyễn Thị Hồng Đào")


def test_person_update_without_change_writes_nothing(world, province_staff):
    person = join(world.club_a1, province_staff).person
    services.person_update(actor=province_staff, person=person, full_name="Nguyễn Thị Đào")
    assert not AuditEntry.objects.filter(action="members.person.updated").exists()


# --- household status ----------------------------------------------------------------------------


def test_household_status_in_the_future_is_refused(world, province_staff):
    person = join(world.club_a1, province_staff).person
    with pytest.raises(ValidationError) as excinfo:
        services.household_status_set(
            actor=province_staff, person=person, status=EconomicStatus.OTHER, valid_from=D(2026, 1, 1)
        )
    assert messages_of(excinfo, "valid_from") == [str(services.ERROR_IN_FUTURE)]
    assert person.household_statuses.count() == 1


def test_household_status_on_the_same_date_replaces_the_entry(world, province_staff):
    person = join(world.club_a1, province_staff).person
    services.household_status_set(
        actor=province_staff, person=person, status=EconomicStatus.NEAR_POOR, valid_from=D(2023, 1, 10)
    )
    assert list(person.household_statuses.values_list("status", flat=True)) == [EconomicStatus.NEAR_POOR]
    entry = AuditEntry.objects.filter(action="members.household_status.set").first()
    assert entry.data == {"status": ["poor", "near_poor"], "valid_from": "2023-01-10"}


# --- move ----------------------------------------------------------------------------------------------


def test_move_to_the_same_club_is_refused(world, province_staff):
    membership = join(world.club_a1, province_staff)
    with pytest.raises(ValidationError) as excinfo:
        services.member_move(actor=province_staff, membership=membership, to_club=world.club_a1, moved_on=D(2024, 1, 1))
    assert messages_of(excinfo, "to_club") == [str(services.ERROR_SAME_CLUB)]


def test_move_refused_by_the_new_club_leaves_the_old_membership_open(world, province_staff):
    membership = join(world.club_a1, province_staff)
    factories.ClubStatusChangeFactory(club=world.club_b1, kind=StatusChangeKind.DISSOLVED, effective_on=D(2023, 6, 1))
    with pytest.raises(ValidationError):
        services.member_move(actor=province_staff, membership=membership, to_club=world.club_b1, moved_on=D(2024, 1, 1))
    membership.refresh_from_db()
    assert membership.left_on is None
    assert Membership.objects.count() == 1
    assert not AuditEntry.objects.filter(action="members.membership.ended").exists()


# --- re-join -------------------------------------------------------------------------------------------


def test_rejoin_a_former_member_keeps_one_person(world, province_staff, club_chair):
    membership = join(world.club_a1, province_staff)
    services.member_leave(actor=province_staff, membership=membership, left_on=D(2023, 6, 1), reason=LeaveReason.OTHER)
    again = services.member_rejoin(
        actor=club_chair, person=membership.person, club=world.club_a1, joined_on=D(2024, 1, 1)
    )
    assert again.person == membership.person
    assert Person.objects.count() == 1
    assert membership.person.memberships.count() == 2
    assert AuditEntry.objects.filter(action="members.membership.started", actor=club_chair).count() == 1
    # No status given: the history is untouched.
    assert membership.person.household_statuses.count() == 1


def test_rejoin_from_another_club_is_a_move(world, province_staff):
    membership = join(world.club_a1, province_staff)
    moved = services.member_rejoin(
        actor=province_staff, person=membership.person, club=world.club_b1, joined_on=D(2024, 1, 1)
    )
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (D(2024, 1, 1), LeaveReason.MOVED)
    assert moved.club == world.club_b1
    assert Person.objects.count() == 1


def test_rejoin_records_the_status_only_when_it_changed(world, province_staff):
    membership = join(world.club_a1, province_staff)
    services.member_leave(actor=province_staff, membership=membership, left_on=D(2023, 6, 1), reason=LeaveReason.OTHER)
    person = membership.person
    services.member_rejoin(
        actor=province_staff,
        person=person,
        club=world.club_a1,
        joined_on=D(2024, 1, 1),
        economic_status=EconomicStatus.POOR,
    )
    assert person.household_statuses.count() == 1
    services.member_leave(
        actor=province_staff,
        membership=person.memberships.get(left_on__isnull=True),
        left_on=D(2024, 6, 1),
        reason=LeaveReason.OTHER,
    )
    services.member_rejoin(
        actor=province_staff,
        person=person,
        club=world.club_a1,
        joined_on=D(2025, 2, 1),
        economic_status=EconomicStatus.OTHER,
        status_from=D(2025, 1, 1),
    )
    assert list(person.household_statuses.order_by("valid_from").values_list("status", "valid_from")) == [
        (EconomicStatus.POOR, D(2023, 1, 10)),
        (EconomicStatus.OTHER, D(2025, 1, 1)),
    ]


def test_rejoin_into_the_same_club_is_refused(world, province_staff):
    membership = join(world.club_a1, province_staff)
    with pytest.raises(ValidationError) as excinfo:
        services.member_rejoin(
            actor=province_staff, person=membership.person, club=world.club_a1, joined_on=D(2024, 1, 1)
        )
    assert excinfo.value.messages == [
        str(services.ERROR_ALREADY_MEMBER) % {"name": "Nguyễn Thị Đào", "club": world.club_a1.name}
    ]
    assert Membership.objects.count() == 1


def test_rejoin_move_dated_before_the_current_joining_is_reported_on_joined_on(world, province_staff):
    membership = join(world.club_a1, province_staff)
    with pytest.raises(ValidationError) as excinfo:
        services.member_rejoin(
            actor=province_staff, person=membership.person, club=world.club_b1, joined_on=D(2023, 1, 1)
        )
    assert messages_of(excinfo, "joined_on") == [str(services.ERROR_LEAVE_BEFORE_JOIN) % {"date": "10/01/2023"}]
    membership.refresh_from_db()
    assert membership.left_on is None


def test_rejoin_with_a_bad_status_date_saves_nothing(world, province_staff):
    membership = join(world.club_a1, province_staff)
    services.member_leave(actor=province_staff, membership=membership, left_on=D(2023, 6, 1), reason=LeaveReason.OTHER)
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.member_rejoin(
            actor=province_staff,
            person=membership.person,
            club=world.club_a1,
            joined_on=D(2024, 1, 1),
            economic_status=EconomicStatus.OTHER,
            status_from=D(1940, 1, 1),
        )
    assert messages_of(excinfo, "status_from") == [str(services.ERROR_STATUS_BEFORE_BIRTH)]
    assert membership.person.memberships.count() == 1
    assert AuditEntry.objects.count() == before
