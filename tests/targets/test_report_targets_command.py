"""`manage.py report_targets`: the targets report for automation, as JSON or .xlsx."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.targets.test_exporters import SECTIONS


def run(*args) -> str:
    out = io.StringIO()
    call_command("report_targets", *args, stdout=out)
    return out.getvalue()


def test_unknown_plan_is_named(plan):
    with pytest.raises(CommandError, match="Hà Nội 2030"):
        run("--plan", "Hà Nội 2030")


def test_bad_date_is_refused(plan):
    with pytest.raises(CommandError, match="24/11/2022"):
        run("--plan", plan.code, "--as-of", "24/11/2022")


def test_xlsx_needs_an_output_file(plan):
    with pytest.raises(CommandError, match="--output"):
        run("--plan", plan.code, "--format", "xlsx")


def test_json_defaults_to_today_and_can_go_to_a_file(plan, tmp_path):
    data = json.loads(run("--plan", plan.name))
    assert data["as_of"] == "2025-03-15"  # tests/conftest.py's today
    assert data["plan"]["code"] == plan.code
    target = tmp_path / "report.json"
    run("--plan", plan.code, "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8")) == data


def test_xlsx_file_has_a_sheet_per_section_with_plan_and_date(plan, tmp_path):
    target = tmp_path / "targets.xlsx"
    run("--plan", plan.code, "--as-of", "2024-06-30", "--format", "xlsx", "--output", str(target), "--language", "en")
    book = load_workbook(target)
    assert book.sheetnames == SECTIONS
    for sheet in book.worksheets:
        title = [row[0] for row in sheet.iter_rows(min_row=1, max_row=3, values_only=True)]
        assert plan.name in title[0]
        assert "30/06/2024" in title[1]
        assert "Tỉnh Quảng Ngãi" in title[2]  # the whole province
