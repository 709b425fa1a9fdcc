import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditEntry
from core.text import vietnamese_sort_key
from members import services
from members.models import AgeGroup, EconomicStatus, LeaveReason, Membership, Person, Sex
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


def test_join_creates_person_status_and_membership_audited(world, province_staff):
    membership = join(world.club_a1, province_staff)
    person = membership.person
    assert person.name_folded == "nguyen thi dao"
    assert person.sort_key == vietnamese_sort_key("Nguyễn Thị Đào")
    assert person.household_statuses.get().status == EconomicStatus.POOR
    assert person.household_statuses.get().valid_from == D(2023, 1, 10)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"members.person.created", "members.household_status.set", "members.membership.started"} <= actions


def test_join_refused_saves_nothing(world, province_staff):
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, joined_on=D(2030, 1, 1))
    assert "joined_on" in excinfo.value.message_dict
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_join_tells_every_refusal_of_the_person_the_joining_and_the_status_at_once(world, province_staff):
    factories.PersonFactory(full_name="Trần Thị Có", citizen_id="051123456789")
    with pytest.raises(ValidationError) as excinfo:
        join(
            world.club_a1,
            province_staff,
            birth_date=D(1950, 7, 2),
            birth_year=1950,
            citizen_id="051123456789",
            phone="abc",
            joined_on=D(2020, 1, 1),  # before the club's decision of 01/03/2022
            status_from=D(1949, 1, 1),  # before the birth
        )
    assert excinfo.value.message_dict == {
        # No people_seen given: the holder is named to nobody.
        "citizen_id": [str(services.ERROR_CITIZEN_ID_TAKEN_UNSEEN)],
        "phone": [str(services.ERROR_PHONE_FORMAT)],
        "joined_on": [str(services.ERROR_JOIN_BEFORE_DECISION) % {"date": "01/03/2022"}],
        "status_from": [str(services.ERROR_STATUS_BEFORE_BIRTH)],
    }
    assert Person.objects.count() == 1


def test_citizen_id_taken_names_the_holder_only_among_the_people_seen(world, province_staff):
    holder = factories.MembershipFactory(
        club=world.club_b1, person=factories.PersonFactory(full_name="Trần Thị Có", citizen_id="051123456789")
    ).person
    seen = Person.objects.filter(pk=holder.pk)
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, citizen_id="051123456789", people_seen=seen)
    assert excinfo.value.message_dict["citizen_id"] == [str(services.ERROR_CITIZEN_ID_TAKEN) % {"name": "Trần Thị Có"}]
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_a1, province_staff, citizen_id="051123456789", people_seen=Person.objects.none())
    assert excinfo.value.message_dict["citizen_id"] == [str(services.ERROR_CITIZEN_ID_TAKEN_UNSEEN)]
    other = factories.PersonFactory(full_name="Lê Văn Khác")
    with pytest.raises(ValidationError) as excinfo:
        services.person_update(
            actor=province_staff, person=other, citizen_id="051123456789", people_seen=Person.objects.none()
        )
    assert excinfo.value.message_dict["citizen_id"] == [str(services.ERROR_CITIZEN_ID_TAKEN_UNSEEN)]
    other.refresh_from_db()
    assert other.citizen_id == ""


def test_membership_start_tells_every_refusal_at_once(world, province_staff):
    membership = join(world.club_a1, province_staff, birth_year=1950)
    with pytest.raises(ValidationError) as excinfo:
        services.membership_start(
            actor=province_staff, person=membership.person, club=world.club_b1, joined_on=D(2030, 1, 1)
        )
    assert excinfo.value.message_dict == {
        "__all__": [str(services.ERROR_ALREADY_MEMBER) % {"name": "Nguyễn Thị Đào", "club": world.club_a1.name}],
        "joined_on": [str(services.ERROR_IN_FUTURE)],
    }


@pytest.mark.parametrize(
    ("validate", "good", "bad"),
    [
        (services.validate_phone, ["", "0912 345 678", "+84 912.345.678", " 0912  345 678 "], ["abc", "0912-345"]),
        (services.validate_citizen_id, ["", "051123456789", "0511 2345 6789", "123456789"], ["07950001234", "abc"]),
    ],
)
def test_the_forms_checks_are_the_services(validate, good, bad):
    for value in good:
        validate(value)
    for value in bad:
        with pytest.raises(ValidationError):
            validate(value)


def test_one_club_at_a_time_then_move_keeps_one_person(world, province_staff):
    membership = join(world.club_a1, province_staff)
    with pytest.raises(ValidationError):
        services.membership_start(
            actor=province_staff, person=membership.person, club=world.club_b1, joined_on=D(2024, 1, 1)
        )
    moved = services.member_move(
        actor=province_staff, membership=membership, to_club=world.club_b1, moved_on=D(2024, 1, 1)
    )
    membership.refresh_from_db()
    assert membership.leave_reason == LeaveReason.MOVED and membership.left_on == D(2024, 1, 1)
    assert moved.person == membership.person
    assert Person.objects.count() == 1
    assert Membership.objects.active_on(D(2024, 1, 1)).get().club == world.club_b1


def test_leave_then_rejoin(world, province_staff):
    membership = join(world.club_a1, province_staff)
    services.member_leave(
        actor=province_staff, membership=membership, left_on=D(2023, 6, 1), reason=LeaveReason.WITHDREW
    )
    with pytest.raises(ValidationError):
        services.membership_start(
            actor=province_staff, person=membership.person, club=world.club_a1, joined_on=D(2023, 5, 1)
        )
    again = services.membership_start(
        actor=province_staff, person=membership.person, club=world.club_a1, joined_on=D(2024, 2, 1)
    )
    assert again.person.memberships.count() == 2


def test_age_group_from_date_or_year(settings):
    settings.OLDER_PERSON_AGE = 60
    by_date = factories.PersonFactory.build(birth_date=D(1965, 3, 16), birth_year=1965)
    assert by_date.age_group_on(D(2025, 3, 15)) == AgeGroup.YOUNGER
    assert by_date.age_group_on(D(2025, 3, 16)) == AgeGroup.OLDER
    by_year = factories.PersonFactory.build(birth_year=1965)
    assert by_year.age_group_on(D(2025, 1, 1)) == AgeGroup.OLDER
    assert by_year.age_group_on(D(2024, 12, 31)) == AgeGroup.YOUNGER
    settings.OLDER_PERSON_AGE = 55
    assert by_year.age_group_on(D(2020, 1, 1)) == AgeGroup.OLDER


def test_age_group_in_sql_matches_python(db, settings):
    settings.OLDER_PERSON_AGE = 60
    people = [
        factories.PersonFactory(birth_date=D(1965, 3, 16), birth_year=1965),
        factories.PersonFactory(birth_date=D(1965, 3, 15), birth_year=1965),
        factories.PersonFactory(birth_year=1965),
        factories.PersonFactory(birth_year=1966),
        factories.PersonFactory(birth_date=D(1964, 2, 29), birth_year=1964),
    ]
    for on in (D(2025, 3, 15), D(2024, 2, 28), D(2024, 2, 29), D(2026, 1, 1)):
        annotated = dict(Person.objects.with_age_group(on).values_list("pk", "age_group"))
        assert annotated == {person.pk: person.age_group_on(on) for person in people}, on


def test_economic_status_at_a_date(world, province_staff):
    person = join(world.club_a1, province_staff).person
    services.household_status_set(
        actor=province_staff, person=person, status=EconomicStatus.NEAR_POOR, valid_from=D(2024, 1, 1)
    )
    statuses = Person.objects.with_economic_status
    assert statuses(D(2023, 12, 31)).get().economic_status == EconomicStatus.POOR
    assert statuses(D(2024, 1, 1)).get().economic_status == EconomicStatus.NEAR_POOR
    assert statuses(D(2022, 1, 1)).get().economic_status is None


def test_citizen_id_unique_when_present(world, province_staff):
    join(world.club_a1, province_staff, citizen_id="051123456789")
    with pytest.raises(ValidationError) as excinfo:
        join(world.club_b1, province_staff, full_name="Trần Văn B", citizen_id="051 123 456 789")
    assert "citizen_id" in excinfo.value.message_dict
    join(world.club_b1, province_staff, full_name="Trần Văn C")
    join(world.club_b1, province_staff, full_name="Trần Văn D")  # two empty IDs are fine
