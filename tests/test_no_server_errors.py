"""No page answers 500 to what a user (or a crafted link) puts in its address.

Hypothesis drives every GET page, report and export of the permission matrix (tests/url_access)
that a province staff member or a club's chair may open with query strings made of the filters'
names and values at the edges: dates of year 1 and 9999, huge numbers, NUL and control
characters, full-width digits, empty and repeated parameters. Then the pages whose address holds a
year, month or day get such numbers in their path. Every answer must be below 500: a value out of
range is refused with the form's error, a 400 or a 404.
"""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_permission_matrix import PROTECTED, rows

# Every name a GET form of the product reads (reports, targets, lists, filters, paging, exports).
PARAMETERS = [
    "on", "period_from", "period_to", "start", "end", "since", "until", "year", "month", "page",
    "scheme", "map", "plan", "q", "status", "club", "district", "unit", "bucket", "sex", "age",
    "economic_status", "current", "entry_type", "fund", "action", "actor", "target_type", "target_id",
    "measure", "met", "launched", "covered", "group", "print", "kind", "area",
]  # fmt: skip
EDGES = [
    "01/01/0001", "31/12/9999", "0001-01-01", "9999-12-31", "01/0001", "12/9999", "0001-01", "9999-12",
    "31/12/1899", "01/01/2101", "29/02/2023", "00/00/0000", "1", "0", "-1", "", " ", "\x00", "a\x00b",
    "\x1f", "２０２５", "０１/０１/２０２５", "9" * 30, "2147483648", "9223372036854775808", "1e400",
    "nan", "-0", "1.5", "1.000", "vn-2020", "vn-2025-07", "\u202e", "'\"<>", "%",
]  # fmt: skip
values = st.one_of(
    st.sampled_from(EDGES),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99_999)).map(
        lambda dmy: f"{dmy[0]:02d}/{dmy[1]:02d}/{dmy[2]:04d}"
    ),
    st.text(max_size=12),
)
queries = st.lists(st.tuples(st.sampled_from(PARAMETERS), values), min_size=1, max_size=len(PARAMETERS))
# The values each page gets in every parameter at once, whatever the examples drew.
WORST = ["01/01/0001", "31/12/9999", "01/0001", "\x00", "9" * 30]

PERSONAS = ["province_staff", "club_chair"]
EXAMPLES = 25  # per test and persona: the whole file takes about 30 s
# The pages that write (their forms read nothing from the address but a default): drawn by the
# examples, left out of the sweep of every value, which is for the lists, reports and exports.
WRITES = re.compile(
    r"(create|update|edit|end|add|appoint|approve|reject|disburse|write-off|reschedule|reverse|leave|move"
    r"|status|status-change|reopen|return|correct|decide|import|template|preview|password_change.*)$"
)


def pages(world, persona, *, reads_only=False):
    """The address of every GET page, report and export `persona` may open (`reads_only`: but
    those that write)."""
    found = []
    for name, entry in PROTECTED.items():
        for _label, (method, kwargs, expected) in rows(entry):
            if method == "get" and expected[persona] == 200 and not (reads_only and WRITES.search(name)):
                found.append(reverse(name, kwargs=kwargs(world) if kwargs else None))
    return sorted(set(found))


def signed_in(client, user):
    """`user` signed in, once the pages' rows have made what they need (some make users)."""
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200


def assert_no_server_error(client, url):
    response = client.get(url)
    assert response.status_code < 500, url


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_query_string_breaks_a_page(request, client, world, persona):
    urls = pages(world, persona)
    signed_in(client, request.getfixturevalue(persona))

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(url=st.sampled_from(urls), query=queries)
    def check(url, query):
        assert_no_server_error(client, f"{url}?{urlencode(query)}")

    check()


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_edge_value_breaks_a_page(request, client, world, persona):
    urls = pages(world, persona, reads_only=True)
    signed_in(client, request.getfixturevalue(persona))
    for url in urls:
        for value in WORST:
            assert_no_server_error(client, f"{url}?{urlencode(dict.fromkeys(PARAMETERS, value))}")


# The pages addressed by a month (the monthly report, its paper form, the two meeting sheets) or a
# day (the meeting summary), reversed at a month no other part of their address holds.
MONTH_PAGES = [
    "activities:report-edit",
    "activities:report-detail",
    "activities:report-print",
    "activities:blank-form",
    "loans:collection-sheet",
    "funds:contributions-sheet",
]
numbers = st.one_of(st.integers(0, 13), st.integers(0, 10**25), st.sampled_from([1, 1899, 1900, 2100, 2101, 9999]))


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_year_month_or_day_breaks_a_page(client, world, persona, request):
    signed_in(client, request.getfixturevalue(persona))
    club = world.club_a1.pk
    templates = [reverse(name, args=(club, 2024, 11)).replace("/2024/11/", "/{year}/{month}/") for name in MONTH_PAGES]
    templates.append(
        reverse("loans:meeting-summary", args=(club, 2024, 11, 27)).replace("/2024/11/27/", "/{year}/{month}/{day}/")
    )

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(template=st.sampled_from(templates), year=numbers, month=numbers, day=numbers)
    def check(template, year, month, day):
        assert_no_server_error(client, template.format(year=year, month=month, day=day))

    check()
