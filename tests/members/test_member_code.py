"""The member code (Person.code, TV000123): derived from the record, read back from what people type."""

import pytest
from django.urls import reverse

from members.models import Person
from tests import factories
from tests.conftest import login


def test_code_is_tv_and_the_record_number_in_six_digits_at_least():
    assert Person(pk=123).code == "TV000123"
    assert Person(pk=1_234_567).code == "TV1234567"


@pytest.mark.parametrize(
    ("text", "pk"),
    [
        ("TV000123", 123),
        ("tv000123", 123),
        (" TV 000 123 ", 123),
        ("Tv123", 123),
        ("TV1234567", 1_234_567),
        ("TV000000", None),
        ("TV", None),
        ("000123", None),
        ("TV-000123", None),
        ("TV00012A", None),
        ("TV1234567890", None),  # more than nine digits: a slip, and too large for the database
    ],
)
def test_pk_from_code(text, pk):
    assert Person.pk_from_code(text) == pk


def test_code_reads_back():
    person = Person(pk=4567)
    assert Person.pk_from_code(person.code) == 4567


def test_detail_page_shows_the_code(client, world, club_chair):
    person = factories.MembershipFactory(club=world.club_a1).person
    page = login(client, club_chair).get(reverse("members:member-detail", args=[person.pk])).content.decode()
    assert f'data-testid="member-code">{person.code}<' in page


def test_list_page_shows_the_codes(client, world, club_chair):
    people = [factories.MembershipFactory(club=world.club_a1).person for _ in range(2)]
    page = login(client, club_chair).get(reverse("members:member-list")).content.decode()
    assert all(person.code in page for person in people)
