"""The exports of the targets report: .xlsx (one sheet per section, typed numbers, the plan and
the date on every sheet) and PDF (the official frame, the same rows), scoped like the page."""

import dataclasses
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from accounts import access
from accounts.access import Cap
from accounts.services import user_language_set
from areas.models import AdminUnit
from clubs.models import Club
from core.money import format_vnd
from funds.models import CapitalSource
from funds.services import contribution_record
from targets.exporters import report_sheets
from targets.pdf import MARGIN, pdf_bytes
from targets.selectors import target_report
from tests import factories
from tests.conftest import login
from tests.reports.conftest import add_members
from tests.targets.conftest import SEED_DAY
from tests.text import vi
from tests.workbooks import table, workbook

XLSX_URL = reverse("exports:download", args=["targets", "xlsx"])
PDF_URL = reverse("exports:download", args=["targets", "pdf"])
SEED_QUERY = {"plan": "qng-2022-2025", "on": "24/11/2022"}
SECTIONS = [
    "Summary",
    "New clubs",
    "Coverage",
    "Funds and capital",
    "Activities and borrowing",
    "Members",
    "Glossary",
]


def by_first_column(rows):
    return {next(iter(row.values())): row for row in rows}


# --- the workbook -----------------------------------------------------------------------------


def test_xlsx_of_the_seed_day(client, qng_plan, seed_staff):
    province_staff, _city_staff = seed_staff
    response = login(client, province_staff).get(XLSX_URL, SEED_QUERY)
    assert response["Content-Disposition"] == 'attachment; filename="targets-qng-2022-2025-2022-11-24.xlsx"'
    book = workbook(response)
    assert book.sheetnames == [vi(name) for name in SECTIONS]
    sheets = {name: table(book[vi(name)]) for name in SECTIONS}
    for title, _rows in sheets.values():
        assert any("Quảng Ngãi 2022–2025" in line for line in title)
        assert any("24/11/2022" in line for line in title)
        assert any("Tỉnh Quảng Ngãi" in line for line in title)

    _title, members = sheets["Members"]
    members = by_first_column(members)
    assert members[vi("Members")][vi("Count")] == 413
    assert isinstance(members[vi("Members")][vi("Count")], int)
    assert members[vi("Older people")][vi("Share (%)")] == pytest.approx(70.0)
    assert members[vi("Poor or near-poor")][vi("Count")] == 268
    assert members[vi("Poor or near-poor")][vi("Share (%)")] == pytest.approx(64.9)  # a number, not a text
    assert members[vi("Members per club")][vi("Count")] == 59
    assert members[vi("Active clubs")][vi("Count")] == 7
    assert members[vi("Clubs decided by the date")][vi("Count")] == 10

    _title, coverage = sheets["Coverage"]
    totals = [row for row in coverage if row[vi("District")] == vi("All districts")]
    assert [(row[vi("Units")], row[vi("Units with a club")]) for row in totals] == [(110, 7), (64, 0)]
    assert [row[vi("Target (%)")] for row in totals] == [50, 30]

    _title, funds = sheets["Funds and capital"]
    # seed_2022 records no capital (test_scenario checks it through seed_demo): the columns are still numbers.
    assert funds[0][vi("Capital (đồng)")] == 0
    assert funds[0][vi("Active clubs")] == sum(row[vi("Active clubs")] for row in funds[1:]) == 7

    _title, new_clubs = sheets["New clubs"]
    assert (new_clubs[0][vi("New clubs")], new_clubs[0][vi("Launched")]) == (10, 7)
    assert new_clubs[0][vi("Target")] == 76

    _title, activities = sheets["Activities and borrowing"]
    clubs = [row for row in activities if row[vi("Row")] == vi("Club")]
    assert len(clubs) == 7
    assert sum(row[vi("Members")] for row in clubs) == activities[0][vi("Members")] == 413

    _title, summary = sheets["Summary"]
    assert len(summary) == 8  # new clubs, their members, two coverage groups, four club measures
    assert summary[0][vi("Figure")] == 10 and summary[0][vi("Target (number or %)")] == 76


def test_headers_follow_the_users_language(client, qng_plan, seed_staff):
    province_staff, _city_staff = seed_staff
    user_language_set(user=province_staff, language="en")
    book = workbook(login(client, province_staff).get(XLSX_URL, SEED_QUERY))
    assert book.sheetnames == SECTIONS
    _title, members = table(book["Members"])
    assert list(members[0]) == ["Figure", "Count", "Share (%)"]


def test_sheets_carry_the_plan_and_date_in_any_language(qng_plan):
    report = target_report(plan=qng_plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=SEED_DAY)
    for language in ("vi", "en"):
        with translation.override(language):
            sheets = report_sheets(report, ["Tỉnh Quảng Ngãi"])
        assert len(sheets) == len(SECTIONS)
        for sheet in sheets:
            assert qng_plan.name in sheet.preamble[0]
            assert "24/11/2022" in sheet.preamble[1]
            for row in sheet.rows:
                assert len(row) == len(sheet.columns)


def test_the_new_clubs_target_reads_in_whole_grouped_numbers(qng_plan):
    report = target_report(plan=qng_plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=SEED_DAY)
    with translation.override("vi"):
        new_clubs = report_sheets(report, ["Tỉnh Quảng Ngãi"])[1]
    line = vi(
        "Target: %(clubs)s new clubs (%(per_year)s a year) with %(members)s members; pace by the date: %(pace)s.",
        clubs="76",
        per_year="19",
        members="3.800",
        pace="18",  # 76 × 328 ÷ 1.461 days = 17,06 clubs, to have whole
    )
    assert line in new_clubs.preamble


# --- the PDF ----------------------------------------------------------------------------------


def test_pdf_of_the_seed_day(client, qng_plan, seed_staff):
    province_staff, _city_staff = seed_staff
    response = login(client, province_staff).get(PDF_URL, SEED_QUERY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="targets-qng-2022-2025-2022-11-24.pdf"'
    content = response.content
    assert content.startswith(b"%PDF")
    assert content.rstrip().endswith(b"%%EOF")
    assert len(content) > 20_000
    # The Vietnamese text needs the bundled Unicode fonts, embedded in the file.
    assert b"DejaVuSans" in content and b"DejaVuSans-Bold" in content
    assert b"FontFile2" in content
    text = pdf_text(content)
    for words in (
        "HỘI NGƯỜI CAO TUỔI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Quảng Ngãi 2022–2025",
        "24/11/2022",
        "Huyện Lý Sơn",
        "413",
        vi("Prepared by"),
    ):
        assert words.casefold() in text.casefold(), words


def pdf_text(content: bytes) -> str:
    """The text of every page, with runs of spaces and line ends made one space."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pages)


def test_pdf_renders_in_both_languages(qng_plan):
    report = target_report(plan=qng_plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=SEED_DAY)
    for language in ("vi", "en"):
        with translation.override(language):
            assert pdf_bytes(report, ["Tỉnh Quảng Ngãi"]).startswith(b"%PDF")


@dataclasses.dataclass
class PdfPage:
    width: float
    height: float
    lines: list[tuple[float, float, str]]  # x and y of each line's start, its text

    def body(self):
        return [line for line in self.lines if line[1] > MARGIN]

    def footer(self):
        return [line for line in self.lines if line[1] < MARGIN]

    def filled(self) -> float:
        """The share of the frame's height that the page's text reaches down to."""
        lowest = min(y for _x, y, _text in self.body())
        return (self.height - MARGIN - lowest) / (self.height - 2 * MARGIN)


def pdf_pages(content: bytes) -> list[PdfPage]:
    pages = []
    for page in PdfReader(io.BytesIO(content)).pages:
        lines: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, _font, _size, lines=lines):
            if text.strip():
                x, y = tm[4], tm[5]
                lines.append((x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5], text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(PdfPage(float(page.mediabox.width), float(page.mediabox.height), lines))
    return pages


def test_pdf_keeps_figures_whole_fills_its_pages_and_numbers_each_orientation(qng_plan):
    for club in Club.objects.filter(funds__isnull=False).distinct():  # the seven launched clubs
        contribution_record(
            actor=None,
            fund=club.funds.first(),
            amount=238_500_000,
            entry_date=SEED_DAY,
            source=CapitalSource.MEMBERS,
        )
    report = target_report(plan=qng_plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=SEED_DAY)
    with translation.override("vi"):
        pages = pdf_pages(pdf_bytes(report, ["Tỉnh Quảng Ngãi"]))
        shown = {
            format_vnd(value).replace("\u00a0", " ")
            for sheet in report_sheets(report, ["Tỉnh Quảng Ngãi"])
            for row in sheet.rows
            for value, column in zip(row, sheet.columns, strict=True)
            if column.kind == "money" and value is not None
        }
    assert "1.669.500.000 đ" in shown
    # Every amount stands whole on one line: none is cut inside its digits or from its đ.
    printed = {
        figure
        for page in pages
        for _x, _y, text in page.lines
        for figure in re.findall(r"(?<![\w.])[\d.]+ đ(?!\w)", text.replace("\u00a0", " "))
    }
    assert printed == shown
    # No page is left mostly empty before the next one: only the last may be.
    assert [round(page.filled(), 1) for page in pages[:-1] if page.filled() < 0.5] == []
    # The page number sits at the bottom right of its own page, portrait or landscape.
    assert {page.width > page.height for page in pages} == {True, False}
    for number, page in enumerate(pages, start=1):
        ((x, _y, text),) = page.footer()
        assert text == vi("Page %(page)s", page=number)
        assert page.width - MARGIN - 40 < x < page.width - MARGIN


# --- the views ----------------------------------------------------------------------------------


def members_in(book) -> int:
    _title, rows = table(book[vi("Members")])
    return by_first_column(rows)[vi("Members")][vi("Count")]


def test_area_staff_export_is_scoped(client, qng_plan, seed_staff):
    province_staff, city_staff = seed_staff
    province_members = members_in(workbook(login(client, province_staff).get(XLSX_URL, SEED_QUERY)))
    city_members = members_in(workbook(login(client, city_staff).get(XLSX_URL, SEED_QUERY)))
    city_clubs = access.clubs_for(city_staff, Cap.REPORT_VIEW)
    expected = target_report(
        plan=qng_plan, clubs=city_clubs, units=access.units_for(city_staff, Cap.REPORT_VIEW), on=SEED_DAY
    ).scorecard.figures.members.count
    assert 0 < city_members == expected < province_members == 413
    response = client.get(PDF_URL, SEED_QUERY)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("url", [XLSX_URL, PDF_URL])
def test_club_board_may_not_export(client, plan, club_chair, url):
    assert login(client, club_chair).get(url).status_code == 403


@pytest.mark.parametrize("url", [XLSX_URL, PDF_URL])
def test_a_wrong_date_goes_back_to_the_dashboard(client, plan, province_staff, url):
    response = login(client, province_staff).get(url, {"plan": plan.code, "on": "31/02/2023"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('targets:dashboard')}?plan={plan.code}&on=31%2F02%2F2023"


@pytest.mark.parametrize("url", [XLSX_URL, PDF_URL])
def test_without_a_plan_the_export_goes_to_the_dashboard(client, world, province_staff, url):
    response = login(client, province_staff).get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("targets:dashboard")


@pytest.mark.parametrize("url", [XLSX_URL, PDF_URL])
def test_queries_do_not_grow_with_clubs(client, world, plan, province_staff, django_assert_num_queries, url):
    login(client, province_staff)
    query = {"plan": plan.code, "on": "15/03/2025"}
    add_members(world.club_a1, 5, older=3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, query).status_code == 200
    for unit in (world.commune_a1, world.commune_a2, world.commune_b1, world.district_l):
        for club in factories.ClubFactory.create_batch(4, unit=unit):
            add_members(club, 6, women=2, older=4, poor=1)
    assert Club.objects.count() == 4 + 16
    with django_assert_num_queries(len(few)):
        assert client.get(url, query).status_code == 200
