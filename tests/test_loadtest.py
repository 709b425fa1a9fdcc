"""The month-end load test (bench/loadtest.py) cannot rot: the accounts it makes are the clubs'
board, its checks pass on what was saved and catch what was saved twice or without a user seeing
it, and on PostgreSQL its smoke form runs end to end (gunicorn, Locust) with every check passing."""

import argparse
import importlib.util
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts import access
from accounts.access import Cap
from accounts.models import BoardTitle, User
from activities import services as reports
from activities.fields import field_codes
from clubs.models import ActivityArea, Club
from core.dates import month_start
from loans import selectors as loan_selectors
from loans import services as loans
from tests.conftest import TODAY
from tests.test_make_targets import database_url

BENCH = Path(settings.BASE_DIR) / "bench"


@pytest.fixture
def bench_modules():
    """bench/loadtest.py and bench/run.py, imported as the scripts import each other."""
    sys.path.insert(0, str(BENCH))
    try:
        modules = {}
        for name in ("run", "loadtest"):
            spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
            modules[name] = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(modules[name])
        yield modules
    finally:
        sys.path.remove(str(BENCH))


def _users(share: float) -> argparse.Namespace:
    return argparse.Namespace(
        run_time=1, users=1, treasurers=share, staff=1, login_share=0.5, think=(0, 0), staff_think=(1, 2), autosaves=2
    )


def test_the_checks_pass_on_what_the_users_saw_saved_and_catch_the_rest(maps_with_lineage, bench_modules):
    run, loadtest = bench_modules["run"], bench_modules["loadtest"]
    run.generate(8, 13, 1, TODAY, quiet=True)
    plan, before = loadtest.prepare(_users(0.5), TODAY, random.Random(1))

    chair = User.objects.get(username=plan["chairs"][0]["username"])
    club = Club.objects.get(pk=plan["chairs"][0]["club"])
    # The account is the club's chair on its board, as a seat gives it.
    assert chair.person.board_positions.get(club=club, ended_on=None).title == BoardTitle.CHAIR
    assert access.get_club(chair, club.pk, Cap.REPORT_FILL) == club
    assert any(account["session"] for account in plan["chairs"] + plan["treasurers"])
    month = month_start(TODAY)
    report = club.monthly_reports.filter(month=month).first() or reports.report_start(
        actor=chair, club=club, month=month
    )
    nothing = {area: {"no_activity": True, "values": dict.fromkeys(field_codes()[area])} for area in ActivityArea}
    reports.report_save(actor=chair, report=report, sections=nothing)
    reports.report_submit(actor=chair, report=report)
    records = [{"kind": "submitted", "club": club.pk, "month": month.isoformat(), "at": 0, "started": 0}]

    treasurer = User.objects.get(username=plan["treasurers"][0]["username"])
    lender = Club.objects.get(pk=plan["treasurers"][0]["club"])
    meeting_on = lender.meeting_in(month)
    rows = [row for row in loan_selectors.collection_sheet(club=lender, meeting_on=meeting_on) if row.prefill]
    paid_on = loan_selectors.collection_paid_on(meeting_on=meeting_on, today=TODAY)
    amounts = {row.loan.pk: row.prefill for row in rows}
    loans.collection_sheet_record(actor=treasurer, club=lender, paid_on=paid_on, amounts=amounts)
    records.append(
        {"kind": "repayments", "club": lender.pk, "amounts": {f"loan_{pk}": value for pk, value in amounts.items()}}
    )

    checks = loadtest.check_database(before, records)
    assert [check.name for check in checks if not check.ok] == []
    assert amounts, "the treasurer's club had repayments due"

    # A report no user saw sent, and a repayment saved twice, fail their checks.
    unseen = [check.name for check in loadtest.check_database(before, records[1:]) if not check.ok]
    assert unseen == ["every report seen sent is submitted, once; no other"]
    loan = rows[0].loan
    loans.repayment_record(actor=treasurer, loan=loan, amount=1000, paid_on=paid_on, club=lender)
    twice = {check.name: check for check in loadtest.check_database(before, records) if not check.ok}
    assert set(twice) == {
        "every repayment seen saved is there, once; no other",
        "each fund's balance is the sum of its entries, moved by what was saved",
    }
    assert "loans repaid twice: 1" in twice["every repayment seen saved is there, once; no other"].detail


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the load test runs on PostgreSQL")
def test_the_smoke_load_test_runs_and_every_check_passes(tmp_path):
    results = tmp_path / "results.json"
    finished = subprocess.run(
        [sys.executable, str(BENCH / "loadtest.py"), "--smoke", "--json", str(results)],
        cwd=settings.BASE_DIR,
        # Its throw-away database on the suite's server; the product's own settings for gunicorn.
        env={**os.environ, "DATABASE_URL": database_url("postgres")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    found = json.loads(results.read_text())
    assert [check for check in found["checks"] if not check["ok"]] == []
    assert found["throughput"]["submissions"] > 0
    saved = {row["name"] for row in found["requests"]}
    assert {"login", "report autosave", "report submit", "collection sheet save", "targets dashboard"} <= saved
