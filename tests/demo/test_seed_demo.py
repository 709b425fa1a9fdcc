import io

import pytest
from django.core.management import CommandError, call_command

from accounts import access
from accounts.access import Cap
from accounts.models import User
from boards.models import BoardPosition, Team
from clubs.models import Club
from members.models import Membership, Person


def counts():
    return (Club.objects.count(), Person.objects.count(), BoardPosition.objects.count(), Team.objects.count())


def test_demo_data_is_the_2022_report_and_a_second_run_adds_nothing(db):
    first = io.StringIO()
    call_command("seed_demo", "--force", stdout=first)
    # docs/domain.md §7: 10 clubs, 413 members, 7 boards with 35 members, 36 teams over the 8 areas.
    assert counts() == (10, 413, 35, 36)
    assert Team.objects.values("activity_area").distinct().count() == 8
    assert "Demo logins" in first.getvalue()

    # The chair's login has her club through her board position, and only that club.
    chair = User.objects.get(username="chunhiem_lientritay")
    [club] = access.clubs_for(chair, Cap.MEMBER_MANAGE)
    assert club.name.endswith("Liên Trì Tây")
    assert Membership.objects.filter(club=club).count() == 59

    second = io.StringIO()
    call_command("seed_demo", "--force", stdout=second)
    assert counts() == (10, 413, 35, 36)
    assert "Demo logins" not in second.getvalue()


def test_with_debug_off_the_demo_data_needs_force(db, settings):
    """A live site (DEBUG off) gets no demo logins by a slip: the command stops before writing anything."""
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert counts() == (0, 0, 0, 0)
    assert not User.objects.exists()
