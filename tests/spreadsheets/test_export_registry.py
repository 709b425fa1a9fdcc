"""Every export of the registry (spreadsheets.registry.EXPORTS) through the one export view: each
format it offers is decided for every persona in tests/url_access/exports.py (the permission matrix
fetches them all: 200 for those who may, 403 or 404 for the others), answers with its file, and
takes as many queries with more clubs, members, loans and entries; any other format is not found.
What each file holds is tested next to its app (tests/funds/test_export.py,
tests/reports/test_exporters.py, tests/targets/test_exporters.py, tests/spreadsheets/test_views.py
and test_member_export.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clubs.models import Club
from funds.models import FundKind
from spreadsheets.exporting import ExportFormat
from spreadsheets.registry import EXPORTS
from tests import factories
from tests.conftest import login
from tests.funds.test_selectors import contribute
from tests.reports.test_portfolio import lend_many
from tests.reports.test_selectors import make_clubs
from tests.url_access import PERSONAS
from tests.url_access.exports import PROTECTED

D = datetime.date
CONTENT_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
}


def url_name(exporter) -> str:
    return "exports:club-download" if exporter.per_club else "exports:download"


def offered():
    return [
        pytest.param(identifier, export_format, id=f"{identifier}.{export_format}")
        for identifier, exporter in EXPORTS.items()
        for export_format in exporter.formats
    ]


def not_offered():
    return [
        pytest.param(identifier, export_format, id=f"{identifier}.{export_format}")
        for identifier, exporter in EXPORTS.items()
        for export_format in ExportFormat
        if export_format not in exporter.formats
    ]


def test_every_format_of_every_export_is_decided_for_every_persona():
    for name in ("exports:download", "exports:club-download"):
        registered = {
            f"{identifier}.{export_format}"
            for identifier, exporter in EXPORTS.items()
            if url_name(exporter) == name
            for export_format in exporter.formats
        }
        assert set(PROTECTED[name]) == registered, name


def grow(world):
    """More of everything the exports count: active clubs in new communes of two districts with
    members, a board, a team and loans, and entries of this year in both of club A1's funds."""
    known = set(Club.objects.values_list("pk", flat=True))
    make_clubs(world, 4)
    for club in Club.objects.exclude(pk__in=known):
        lend_many(club, 2)
    for number in range(6):
        for kind in FundKind:
            contribute(world.club_a1, 100_000 + number, D(2025, 1, 1 + number), kind=kind)


@pytest.mark.parametrize(("identifier", "export_format"), offered())
def test_each_format_answers_with_its_file_in_queries_that_do_not_grow(
    request, client, world, django_assert_num_queries, identifier, export_format
):
    exporter = EXPORTS[identifier]
    method, kwargs, expected = PROTECTED[url_name(exporter)][f"{identifier}.{export_format}"]
    persona = next(persona for persona in PERSONAS[1:] if expected[persona] == 200)
    url = reverse(url_name(exporter), kwargs=kwargs(world))
    login(client, request.getfixturevalue(persona))
    grow(world)  # some of everything first: a first loan or entry may cost a query that a hundredth does not

    response = getattr(client, method)(url)
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPES[export_format]
    assert response["Content-Disposition"].startswith('attachment; filename="')
    assert response["Content-Disposition"].endswith(f'.{export_format}"')

    with CaptureQueriesContext(connection) as few:
        getattr(client, method)(url)
    grow(world)
    with django_assert_num_queries(len(few)):
        assert getattr(client, method)(url).status_code == 200


@pytest.mark.parametrize(("identifier", "export_format"), not_offered())
def test_a_format_not_offered_is_not_found(client, world, admin_user, identifier, export_format):
    exporter = EXPORTS[identifier]
    kwargs = {"identifier": identifier, "export_format": export_format}
    if exporter.per_club:
        kwargs["club_pk"] = world.club_a1.pk
    assert login(client, admin_user).get(reverse(url_name(exporter), kwargs=kwargs)).status_code == 404


def test_an_export_is_found_only_at_its_own_address(client, world, admin_user):
    login(client, admin_user)
    assert client.get(reverse("exports:download", args=["nothing", "xlsx"])).status_code == 404
    # A cash book is about one club; the scorecard is about the user's clubs, never one club's address.
    assert client.get(reverse("exports:download", args=["cash-book-income", "xlsx"])).status_code == 404
    club_address = reverse("exports:club-download", args=[world.club_a1.pk, "scorecard", "xlsx"])
    assert client.get(club_address).status_code == 404
    assert client.get(club_address.replace("scorecard", "cash-book-income")).status_code == 200


@pytest.mark.parametrize(("identifier", "export_format"), offered())
def test_a_user_without_a_role_gets_nothing(client, world, identifier, export_format):
    """Not even an empty list: the export view asks accounts.access for the capability first (403),
    and a club the user cannot see is not found (404)."""
    exporter = EXPORTS[identifier]
    kwargs = {"identifier": identifier, "export_format": export_format}
    if exporter.per_club:
        kwargs["club_pk"] = world.club_a1.pk
    response = login(client, factories.UserFactory()).get(reverse(url_name(exporter), kwargs=kwargs))
    assert response.status_code == (404 if exporter.per_club else 403)
