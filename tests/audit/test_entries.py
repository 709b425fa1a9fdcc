"""Each audit entry names the club it belongs to, written by the services, and filled in for the
entries written before (audit/migrations/0002)."""

import datetime
import importlib

from django.apps import apps

from audit.models import AuditEntry
from clubs.services import register
from funds.models import CapitalSource, FundKind
from funds.services import contribution_record
from members import services as members
from members.models import EconomicStatus, LeaveReason, Sex

D = datetime.date
fill_in = importlib.import_module("audit.migrations.0002_entry_club_and_search").fill_in


def join(world, actor):
    return members.member_join(
        actor=actor,
        club=world.club_a1,
        full_name="Nguyễn Thị Đào",
        sex=Sex.FEMALE,
        birth_year=1950,
        economic_status=EconomicStatus.POOR,
        joined_on=D(2023, 1, 10),
    )


def test_entries_name_their_club_whatever_their_object(world, province_staff):
    register.club_update(club=world.club_a1, actor=province_staff, name="CLB Bình Hiệp mới")
    membership = join(world, province_staff)
    members.person_update(actor=province_staff, person=membership.person, phone="0905 123 456")
    members.member_leave(actor=province_staff, membership=membership, left_on=D(2024, 1, 1), reason=LeaveReason.MOVED)
    contribution_record(
        actor=province_staff,
        fund=world.club_b1.funds.get(kind=FundKind.INCOME),
        amount=1_500_000,
        entry_date=D(2025, 3, 1),
        source=CapitalSource.MEMBERS,
    )
    clubs = dict(AuditEntry.objects.values_list("action", "club_id"))
    assert clubs == {
        "clubs.club.updated": world.club_a1.pk,
        "members.person.created": world.club_a1.pk,
        "members.household_status.set": world.club_a1.pk,
        "members.membership.started": world.club_a1.pk,
        "members.person.updated": world.club_a1.pk,
        "members.membership.ended": world.club_a1.pk,
        "funds.entry.recorded": world.club_b1.pk,
    }


def test_an_entry_keeps_its_object_name_folded_for_search(world, province_staff):
    register.club_update(club=world.club_a1, actor=province_staff, name="CLB Liên Trì Đông")
    assert AuditEntry.objects.get().target_folded == "clb lien tri dong"


def test_entries_written_before_are_given_their_club(world, province_staff):
    membership = join(world, province_staff)
    register.club_update(club=world.club_b1, actor=province_staff, name="CLB Miền Núi mới")
    AuditEntry.objects.update(club=None, target_folded="")
    other = AuditEntry.objects.create(action="areas.units.loaded", target_type="areas.adminscheme", target_id="1")

    fill_in(apps, None)

    by_action = {entry.action: entry for entry in AuditEntry.objects.all()}
    assert by_action["members.person.created"].club_id == world.club_a1.pk  # the person's membership
    assert by_action["members.membership.started"].club_id == world.club_a1.pk  # the club the entry names
    assert by_action["clubs.club.updated"].club_id == world.club_b1.pk
    assert by_action["clubs.club.updated"].target_folded == "clb mien nui moi"
    other.refresh_from_db()
    assert other.club_id is None
    assert membership.person.full_name in by_action["members.person.created"].target_repr
