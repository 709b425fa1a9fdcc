"""Data-level isolation between club A1 (district A) and club B1 (district B): every action
refused out of scope changes nothing in the database, and every list and export shows only the
user's own clubs and people. The tables: tests/isolation/."""

import hashlib
import inspect
import io
import uuid

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from activities.models import ReportStatus
from spreadsheets import importing
from spreadsheets.cutoff_import import CUTOFF_IMPORT
from spreadsheets.importing import ImportRefused
from spreadsheets.member_import import MEMBER_IMPORT
from spreadsheets.registry import EXPORTS
from spreadsheets.services import spreadsheet_import_confirm, spreadsheet_upload_keep
from tests import factories
from tests.isolation.actions import ACTIONS, NAMES, NO_SCOPE, report_in
from tests.isolation.details import DETAILS, MOVER_LOAN_IN_B1_SHOWN, add_mover
from tests.isolation.forms import posted_form
from tests.isolation.lists import LISTS, SHOWS_NO_NAMES
from tests.loans import books
from tests.spreadsheets.files import cutoff_balance, cutoff_loan, cutoff_xlsx, xlsx
from tests.url_access import url_patterns
from tests.url_access.targets import with_plan

# The persona who does on club B1 what the actor does on club A1.
COUNTERPART = {
    "club_chair": "other_chair",
    "area_staff": "other_area_staff",
    "province_staff": "province_staff",
}
# Out of scope for club A1 and everything in it.
OUTSIDERS = ("other_area_staff", "other_chair")


def accepted_methods(callback) -> set[str]:
    """The methods a view answers: a class-based view's handlers, or the list given to
    require_http_methods (require_POST included) found in the decorator's closure. A view that
    says neither answers every method."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {method.upper() for method in view_class.http_method_names if hasattr(view_class, method)}
    function = callback
    while function is not None:
        if function.__closure__:
            methods = inspect.getclosurevars(function).nonlocals.get("request_method_list")
            if methods is not None:
                return set(methods)
        function = getattr(function, "__wrapped__", None)
    return {"GET", "POST"}


def post_url_names() -> set[str]:
    return {
        name
        for name, callback in url_patterns()
        if not name.startswith("admin:") and "POST" in accepted_methods(callback)
    }


def test_every_post_url_has_an_isolation_decision():
    posts = post_url_names()
    undecided = sorted(posts - set(ACTIONS) - set(NO_SCOPE))
    assert undecided == [], f"add these POST URLs to tests/isolation/actions.py: {undecided}"
    assert not set(ACTIONS) & set(NO_SCOPE)
    assert sorted((set(ACTIONS) | set(NO_SCOPE)) - posts) == []


# --- the database's fingerprint ----------------------------------------------------------------


def fingerprint() -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows, ordered by primary key. Sessions are
    left out: each request may refresh its own."""
    prints = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Session:
            continue
        # PostgreSQL reads binary columns as memoryview, whose repr is its address: compare the bytes.
        rows = [
            tuple(bytes(value) if isinstance(value, memoryview) else value for value in row)
            for row in model._base_manager.order_by("pk").values_list()
        ]
        prints[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return prints


def changed(before, after) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


# --- posting -------------------------------------------------------------------------------------


def fresh(body: dict) -> dict:
    """The body with a new one-time token, as a form shown again sends it."""
    return {**body, "token": [str(uuid.uuid4())]} if "token" in body else dict(body)


def body_for(client, url, action, world, club) -> dict[str, list[str]]:
    body = {}
    if action.shown:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = posted_form(response.content.decode(), url)
    for name, value in action.fields(world, club).items():
        body[name] = [value]
    return body


def mixed(own: dict, other: dict, foreign: tuple[str, ...]) -> dict:
    """`own` with the fields that point at rows taken from `other` (another club's rows)."""
    body = dict(own)
    for field in foreign:
        if field.endswith("*"):
            prefix = field[:-1]
            body = {name: value for name, value in body.items() if not name.startswith(prefix)}
            body |= {name: value for name, value in other.items() if name.startswith(prefix)}
        else:
            body[field] = other[field]
    return body


def form_errors(response) -> dict:
    """The errors of the form a page shows again (none when it shows no form)."""
    form = (response.context or {}).get("form") if response.status_code == 200 else None
    return dict(form.errors) if form is not None and form.errors else {}


def assert_refused(client, url, body, *, others: list[str]):
    """The POST is refused and changes nothing; a form shown again with its errors names none of
    `others` (the other scope's names) that the user did not type themselves."""
    before = fingerprint()
    response = client.post(url, fresh(body))
    after = fingerprint()
    assert changed(before, after) == [], f"a refused POST to {url} changed these tables"
    assert response.status_code in {200, 403, 404}, (url, response.status_code)
    if response.status_code == 200:
        assert form_errors(response), f"{url} answered 200 without a form error"
        page = response.content.decode()
        typed = " ".join(value for values in body.values() for value in values)
        for name in others:
            assert name in typed or name not in page, f"{url} names {name}"
    return response


def assert_done(client, url, body):
    before = fingerprint()
    response = client.post(url, fresh(body))
    after = fingerprint()
    assert changed(before, after), (
        f"the valid POST to {url} changed nothing: {response.status_code} {form_errors(response)}"
    )
    return response


@pytest.fixture
def clients(request, world):
    """A signed-in client for each persona, signed in before any fingerprint is taken."""
    signed_in = {}
    for persona in ("province_staff", "area_staff", "other_area_staff", "club_chair", "other_chair"):
        client = Client()
        client.force_login(request.getfixturevalue(persona))
        signed_in[persona] = client
    return signed_in


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_action_is_refused_out_of_scope(name, world, clients):
    action = ACTIONS[name]
    actor, counterpart = clients[action.actor], clients[COUNTERPART[action.actor]]
    own_kwargs = action.url(world, world.club_a1)
    own_url = reverse(name, kwargs=own_kwargs or None)
    other_url = reverse(name, kwargs=action.url(world, world.club_b1) or None)
    own_body = body_for(actor, own_url, action, world, world.club_a1)

    for outsider in OUTSIDERS:
        response = assert_refused(
            clients[outsider], own_url, own_body, others=[NAMES["a1"], world.club_a1.name, world.commune_a1.name]
        )
        if own_kwargs:  # the URL names a row of A1: not even found
            assert response.status_code in {403, 404}, (outsider, response.status_code)
    if action.foreign:
        other_body = body_for(counterpart, other_url, action, world, world.club_b1)
        assert_refused(actor, own_url, mixed(own_body, other_body, action.foreign), others=[NAMES["b1"]])
        assert_refused(counterpart, other_url, mixed(other_body, own_body, action.foreign), others=[NAMES["a1"]])
        assert_done(counterpart, other_url, other_body)
    for values in action.not_offered(world):
        body = own_body | {name: [value] for name, value in values.items()}
        assert_refused(actor, own_url, body, others=[NAMES["b1"], world.club_b1.name])
    assert_done(actor, own_url, own_body)


# --- lists and exports ---------------------------------------------------------------------------

OWN_PERSON = {"full_name": "Alpha Insider Trần", "citizen_id": "051111111111"}
FOREIGN_PERSON = {"full_name": "Zeta Outsider Nguyễn", "citizen_id": "051999999999"}


def marked(world, club, person):
    """A member of `club` who borrowed, whose club's report of February waits for review: on every
    list (people, loans, overdue, reports, the audit log of the services called)."""
    borrower = factories.MembershipFactory(club=club, person=factories.PersonFactory(**person)).person
    books.open_lending(club)
    books.disbursed_loan(club, borrower=borrower)
    activities_kwargs = report_in(ReportStatus.SUBMITTED)(world, club)
    return activities_kwargs


@pytest.fixture
def two_scopes(world):
    marked(world, world.club_a1, OWN_PERSON)
    marked(world, world.club_b1, FOREIGN_PERSON)
    with_plan(world)
    return world


def text_of(response) -> str:
    """What a page or file shows, as text: HTML, CSV, every cell of a workbook, a PDF's text."""
    content_type = response["Content-Type"]
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(response.content))
        return " ".join(
            str(value)
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if "pdf" in content_type:
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return response.content.decode()


def list_cases():
    """(label, url of the world) of every list page and every export, each format: the exports of
    one club (`per_club`) for club A1."""
    for label, (kwargs, query) in LISTS.items():
        url = reverse(label.partition("?")[0], kwargs=kwargs or None) + (f"?{query}" if query else "")
        yield pytest.param(label, lambda world, url=url: url, id=label)
    for identifier, exporter in EXPORTS.items():
        for export_format in exporter.formats:
            if exporter.per_club:
                yield pytest.param(
                    identifier, club_export_url(identifier, export_format), id=f"{identifier}.{export_format}"
                )
                continue
            url = reverse("exports:download", kwargs={"identifier": identifier, "export_format": export_format})
            yield pytest.param(identifier, lambda world, url=url: url, id=f"{identifier}.{export_format}")


def club_export_url(identifier, export_format, club="club_a1"):
    def url(world):
        kwargs = {"club_pk": getattr(world, club).pk, "identifier": identifier, "export_format": export_format}
        # From 2024: the club's loans were paid out then (a cash book names the borrowers).
        return reverse("exports:club-download", kwargs=kwargs) + "?start=01/01/2024"

    return url


@pytest.mark.parametrize("persona", ["area_staff", "club_chair"])
@pytest.mark.parametrize(("label", "url_of"), list(list_cases()))
def test_list_shows_only_own_scope(request, client, two_scopes, label, url_of, persona):
    world = two_scopes
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url_of(world))
    if response.status_code == 403:  # a page for staff only (the permission matrix)
        assert persona == "club_chair"
        return
    assert response.status_code == 200
    assert_shows_only_own(world, text_of(response), names_own=label not in SHOWS_NO_NAMES)


def assert_shows_only_own(world, text, *, names_own=True):
    foreign = [world.club_b1.name, world.club_b1.code, world.commune_b1.name, *FOREIGN_PERSON.values()]
    assert [marker for marker in foreign if marker in text] == []
    own = [world.club_a1.name, world.club_a1.code, world.commune_a1.name, *OWN_PERSON.values()]
    if names_own:
        assert any(marker in text for marker in own), "the page shows nothing of the user's own scope"


def club_exports():
    for identifier, exporter in EXPORTS.items():
        if exporter.per_club:
            for export_format in exporter.formats:
                yield pytest.param(identifier, export_format, id=f"{identifier}.{export_format}")


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize(("identifier", "export_format"), list(club_exports()))
def test_club_export_is_refused_out_of_scope(request, client, two_scopes, identifier, export_format, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(club_export_url(identifier, export_format)(two_scopes))
    assert response.status_code in {403, 404}


# --- the pages of one club, person, loan, meeting or report -------------------------------------------


@pytest.fixture
def with_mover(two_scopes):
    add_mover(two_scopes)
    return two_scopes


def detail_url(label, world, club) -> tuple[str, bool]:
    """The page's URL for `club`, and whether it is a list filtered on the club."""
    kwargs, query = DETAILS[label](world, club)
    return reverse(label.partition("?")[0], kwargs=kwargs or None) + (f"?{query}" if query else ""), bool(query)


@pytest.mark.parametrize("persona", ["area_staff", "club_chair"])
@pytest.mark.parametrize("label", sorted(DETAILS))
def test_page_of_one_thing_shows_only_own_scope(request, client, with_mover, label, persona):
    world = with_mover
    client.force_login(request.getfixturevalue(persona))
    (own, _filtered), (other, filtered) = (
        detail_url(label, world, world.club_a1),
        detail_url(label, world, world.club_b1),
    )
    response = client.get(own)
    assert response.status_code == 200, own
    text = text_of(response)
    assert_shows_only_own(world, text)
    assert MOVER_LOAN_IN_B1_SHOWN not in text, "the page tells of the mover's loan in B1"
    response = client.get(other)
    if filtered and response.status_code == 200:
        # A filter on B1 is not among the choices offered: the list leaves it out.
        assert_shows_only_own(world, text_of(response))
    else:
        assert response.status_code in {403, 404}, other


# --- imports naming clubs out of scope ----------------------------------------------------------------

MEMBER_COLUMNS = {
    "club_code": "Mã CLB",
    "unit_code": "Mã đơn vị hành chính",
    "club_name": "Tên CLB",
    "full_name": "Họ và tên",
    "sex": "Giới tính",
    "birth_year": "Năm sinh",
    "economic_status": "Hoàn cảnh kinh tế",
    "joined_on": "Ngày vào CLB",
    "citizen_id": "Số CCCD",
}


def member_row(club=None, **values):
    """A new member for `club` (by its code), or for the club `values` name otherwise."""
    return {
        "club_code": club.code if club is not None else None,
        "full_name": "Alpha Nhập Mới",
        "sex": "Nữ",
        "birth_year": 1950,
        "economic_status": "Nghèo",
        "joined_on": "10/01/2023",
        **values,
    }


MEMBER_FILES = {
    "b1-code": lambda world, person: [member_row(world.club_b1, full_name="Zeta Nhập")],
    "a1-and-b1": lambda world, person: [member_row(world.club_a1), member_row(world.club_b1, full_name="Zeta Nhập")],
    "b1-unit-and-name": lambda world, person: [
        member_row(world.club_a1),
        member_row(unit_code=world.commune_b1.code, club_name=world.club_b1.name, full_name="Zeta Nhập"),
    ],
    # B1's member's name and birth year, then citizen ID, typed for someone joining A1: refused
    # without naming where they are, or who holds the ID.
    "namesake-in-b1": lambda world, person: [
        member_row(world.club_a1, full_name=person.full_name, birth_year=person.birth_year)
    ],
    "citizen-id-of-b1": lambda world, person: [member_row(world.club_a1, citizen_id=FOREIGN_PERSON["citizen_id"])],
}
CUTOFF_FILES = {
    "b1-balance": lambda world, person: [cutoff_balance(world.club_b1)],
    "a1-and-b1": lambda world, person: [cutoff_balance(world.club_a1), cutoff_balance(world.club_b1)],
    # A loan of A1 to B1's member, by their member code, then by their name and birth year.
    "borrower-of-b1": lambda world, person: [cutoff_balance(world.club_a1), cutoff_loan(world.club_a1, person)],
    "borrower-named-in-b1": lambda world, person: [
        cutoff_balance(world.club_a1),
        cutoff_loan(world.club_a1, full_name=person.full_name, birth_year=person.birth_year),
    ],
}


def assert_import_refused(world, spec, content, rows, actor):
    """The preview refuses the file naming nothing of B1 that the file does not, and confirming it
    saves nothing."""
    refused = importing.preview(spec, content, actor=actor)
    assert not refused.is_clean
    messages = " ".join(error.message for error in refused.errors)
    typed = " ".join(str(value) for row in rows for value in row.values() if value is not None)
    foreign = [world.club_b1.name, world.club_b1.code, world.commune_b1.name, *FOREIGN_PERSON.values()]
    assert [marker for marker in foreign if marker in messages and marker not in typed] == []
    upload = spreadsheet_upload_keep(spec=spec, actor=actor, name="file.xlsx", content=content)
    before = fingerprint()
    with pytest.raises(ImportRefused):
        spreadsheet_import_confirm(spec=spec, upload=upload, actor=actor)
    assert changed(before, fingerprint()) == []
    return refused


@pytest.fixture
def foreign_member(world):
    return factories.MembershipFactory(club=world.club_b1, person=factories.PersonFactory(**FOREIGN_PERSON)).person


@pytest.mark.parametrize("persona", ["area_staff", "club_chair"])
@pytest.mark.parametrize("file", sorted(MEMBER_FILES))
def test_member_import_refuses_rows_out_of_scope(request, world, foreign_member, file, persona):
    rows = MEMBER_FILES[file](world, foreign_member)
    content = xlsx([[row.get(key) for key in MEMBER_COLUMNS] for row in rows], headers=list(MEMBER_COLUMNS.values()))
    refused = assert_import_refused(world, MEMBER_IMPORT, content, rows, request.getfixturevalue(persona))
    # Every row naming B1 is refused (the first row of the file is row 2).
    assert {number for number, row in enumerate(rows, start=2) if world.club_a1.code != row["club_code"]} <= {
        error.row for error in refused.errors
    }


@pytest.mark.parametrize("file", sorted(CUTOFF_FILES))
def test_cutoff_import_refuses_rows_out_of_scope(world, club_chair, foreign_member, file):
    rows = CUTOFF_FILES[file](world, foreign_member)
    assert_import_refused(world, CUTOFF_IMPORT, cutoff_xlsx(rows), rows, club_chair)


# --- messages --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param({"citizen_id": FOREIGN_PERSON["citizen_id"]}, id="citizen-id"),
        pytest.param({"full_name": FOREIGN_PERSON["full_name"]}, id="same-name-and-year"),
    ],
)
def test_adding_a_member_names_no_one_out_of_scope(world, clients, typed):
    """A1's chair types the citizen ID, or the name and birth year, of a member of B1: whatever the
    form answers, it does not tell who that is or where they are."""
    factories.MembershipFactory(club=world.club_b1, person=factories.PersonFactory(**FOREIGN_PERSON))
    url = reverse("members:member-create", kwargs={"club_pk": world.club_a1.pk})
    body = body_for(clients["club_chair"], url, ACTIONS["members:member-create"], world, world.club_a1)
    body |= {name: [value] for name, value in typed.items()} | {"birth_year": ["1955"]}
    before = fingerprint()
    response = clients["club_chair"].post(url, body)
    page = response.content.decode()
    if "full_name" not in typed:
        assert changed(before, fingerprint()) == []
    for marker in (world.club_b1.name, world.club_b1.code):
        assert marker not in page
    if "full_name" not in typed:
        assert FOREIGN_PERSON["full_name"] not in page
