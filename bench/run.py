"""Benchmark: the pages, reports and exports a province uses, on realistic data (demo/scale.py).

    .venv/bin/python bench/run.py --clubs 200                        # generated into a throw-away database
    DATABASE_URL=postgres://… .venv/bin/python bench/run.py --clubs 2000 --json bench.json
    .venv/bin/python bench/run.py --reuse --database-url postgres://…/clubs_scale   # a generated database as it is
    .venv/bin/python bench/run.py --smoke                            # 3 clubs on SQLite, one run each (CI)

Without --reuse it generates N clubs with `generate_scale` into a throw-away test database
(test_<name of DATABASE_URL's database>, or SQLite in memory) on the maps of 2020 and 2025 with
their lineage. With --reuse it reads a database generate_scale already filled and leaves it as it
was: the target plans, the bench's users and every report it saves are written inside one
transaction that is rolled back at the end.

Each page is asked for through Django's test client (the real views and middleware) as the user
who opens it: province staff for the province's pages, a club's chair for its monthly report. The
clock stands at the data's last day (--today, generate_scale's default), so "today" on the pages
is the day the data ends. Each measure runs once to warm up, once with its queries captured, then
REPEAT times (fewer when slow); the table shows the median and the worst run, the queries, the
peak memory of the exports (tracemalloc, a run of its own), and the goal beside each figure. The
targets report is also compared with hand-written SQL that computes its headline figures.

A missed goal is marked MISS, and on PostgreSQL the slowest query of that measure is written with
EXPLAIN (ANALYZE, BUFFERS) to --plans. The exit code is non-zero on a missed goal only with
--strict; a page that fails (an error, not 200) always makes it non-zero.
"""

import argparse
import contextlib
import dataclasses
import datetime
import io
import json
import os
import re
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import cast


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clubs", type=int, default=200, help="clubs to generate (not with --reuse)")
    parser.add_argument("--months", type=int, default=24, help="generate_scale --months")
    parser.add_argument("--seed", type=int, default=1, help="generate_scale --seed")
    parser.add_argument(
        "--today", type=datetime.date.fromisoformat, help="the data's last day (default: generate_scale's)"
    )
    parser.add_argument("--database-url", help="instead of DATABASE_URL")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is, generate nothing")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measure")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--plans", type=Path, default=Path(__file__).parent / "plans", help="where EXPLAINs go")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when a goal is missed")
    parser.add_argument("--smoke", action="store_true", help="3 clubs on SQLite, one run each: that it runs")
    parser.add_argument(
        "--only", default="", help="measure only those whose name holds one of these comma-separated words"
    )
    return parser


if __name__ == "__main__":
    # The database is chosen before Django is set up (harness, below).
    _asked = arguments().parse_args()
    if _asked.smoke:
        os.environ["DATABASE_URL"] = ""
    elif _asked.database_url:
        os.environ["DATABASE_URL"] = _asked.database_url

import harness  # sets Django up: first  # noqa: E402

# isort: split
import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

VIETNAM = datetime.timezone(datetime.timedelta(hours=7))
SMOKE_CLUBS = 3
SLOW_SECONDS = 2.0  # a measure slower than this is run fewer times
SLOW_REPEAT = 3
SAVES = 20  # autosaves and submissions timed, for a p95


@dataclasses.dataclass(frozen=True)
class Goal:
    seconds: float
    of: str = "median"  # or "p95"
    times_bare_sql: float | None = None

    def __str__(self) -> str:
        text = f"{self.of} < {self.seconds * 1000:.0f} ms"
        return text + (f", ≤ {self.times_bare_sql:g}× SQL" if self.times_bare_sql else "")


TARGETS_GOAL = Goal(2.0, times_bare_sql=3)
REPORT_GOAL = Goal(2.0)
LIST_GOAL = Goal(0.3)
SAVE_GOAL = Goal(0.15, of="p95")
GOALS = {
    "targets report page": TARGETS_GOAL,
    "targets dashboard": TARGETS_GOAL,
    "report_targets (command)": TARGETS_GOAL,
    "scorecard": REPORT_GOAL,
    "portfolio": REPORT_GOAL,
    "capital": REPORT_GOAL,
    "completeness": Goal(1.0),
    "club list": LIST_GOAL,
    "member search “Nguyễn”": LIST_GOAL,
    "member search “Thị Lan”": LIST_GOAL,
    "cash book": LIST_GOAL,
    "collection sheet": LIST_GOAL,
    "report autosave": SAVE_GOAL,
    "report submit": SAVE_GOAL,
}


@dataclasses.dataclass
class Result:
    name: str
    what: str  # the URL or the call
    median: float = 0.0
    worst: float = 0.0
    p95: float = 0.0
    runs: int = 0
    queries: int = 0
    sql: float = 0.0  # seconds in the database, of one run
    peak_mb: float | None = None
    bare_sql: float | None = None
    goal: str = ""
    met: bool | None = None  # None: no goal
    error: str = ""
    slowest_sql: str = ""
    slowest_ms: float = 0.0

    @property
    def ratio(self) -> float | None:
        return self.median / self.bare_sql if self.bare_sql else None


# --- the data -----------------------------------------------------------------------------------


def load_maps() -> None:
    for path, scheme in (
        ("data/quang_ngai_2020_2024_units.csv", "vn-2020"),
        ("data/quang_ngai_2025_units.csv", "vn-2025-07"),
    ):
        call_command("load_admin_units", path, scheme=scheme, stdout=io.StringIO())
    call_command("load_lineage", "data/quang_ngai_lineage.csv", stdout=io.StringIO())


def generate(clubs: int, months: int, seed: int, today: datetime.date, quiet: bool) -> None:
    # --force: the bench runs on the test settings (DEBUG off), in a database made for it. Its
    # progress goes to sys.stderr.
    with contextlib.redirect_stderr(io.StringIO()) if quiet else contextlib.nullcontext():
        call_command(
            "generate_scale", clubs=clubs, months=months, seed=seed, today=today, force=True, stdout=io.StringIO()
        )


def data_shape() -> dict[str, int]:
    """The rows the figures were measured on."""
    from activities.models import MonthlyReport
    from clubs.models import Club
    from funds.models import FundEntry
    from loans.models import Loan, Repayment
    from members.models import Membership

    return {
        "clubs": Club.objects.count(),
        "members": Membership.objects.count(),
        "loans": Loan.objects.count(),
        "repayments": Repayment.objects.count(),
        "fund entries": FundEntry.objects.count(),
        "monthly reports": MonthlyReport.objects.count(),
    }


@dataclasses.dataclass
class Setting:
    """Who asks and about what: the plan, the province's staff, a club and its chair."""

    today: datetime.date
    plan: object
    staff: Client
    chair: Client
    club: object


def setting(today: datetime.date) -> Setting:
    """The target plans (seed_plans, unless there), a province staff user, and a chair of the club
    with the most loans (the longest cash book and collection sheet)."""
    from django.conf import settings
    from django.db.models import Count

    from accounts.models import Role
    from areas.models import AdminUnit, Level
    from areas.selectors import scheme_in_force
    from clubs.models import Club
    from targets.selectors import current_plan
    from tests import factories

    call_command("seed_plans", stdout=io.StringIO())
    plan = current_plan(today)
    scheme = scheme_in_force(today)
    province = AdminUnit.objects.get(scheme_id=scheme.pk, level=Level.PROVINCE, code=settings.PROVINCE_CODE)
    staff_user = factories.UserFactory(username="bench-province-staff")
    factories.RoleAssignmentFactory(user=staff_user, role=Role.PROVINCE_STAFF, area=province)
    club = Club.objects.annotate(loan_count=Count("loans")).order_by("-loan_count", "pk").first()
    chair_user = factories.board_member(club, username="bench-chair")
    staff, chair = Client(), Client()
    staff.force_login(staff_user)
    chair.force_login(chair_user)
    return Setting(today=today, plan=plan, staff=staff, chair=chair, club=club)


# --- the measures -------------------------------------------------------------------------------


def page(client: Client, url: str) -> Callable[[], bytes]:
    """A call that gets `url`, checks it answered 200 and reads the whole answer (a file too)."""

    def get() -> bytes:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        return b"".join(response.streaming_content) if response.streaming else response.content

    return get


def export(client: Client, url: str) -> Callable[[], int]:
    """A call that asks for the export at `url` and reads its file (its size in bytes): at once
    when the export is small, else (a redirect to its job's page) through the job the worker would
    run, here in this process so that its time and memory are measured, then from the job's
    download, read a piece at a time as a browser would (held whole, the file itself would be
    the peak memory measured)."""
    from django.urls import resolve, reverse

    from spreadsheets.services import export_job_run

    def get() -> int:
        response = client.get(url)
        if response.status_code == 302:
            job_pk = resolve(response["Location"]).kwargs["pk"]
            export_job_run(job_pk=job_pk)
            response = client.get(reverse("exports:job-file", args=[job_pk]))
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}")
        if response.streaming:
            return sum(len(piece) for piece in response.streaming_content)
        return len(response.content)

    return get


def bare_targets_sql(plan, on: datetime.date) -> Callable[[], tuple]:
    """The targets report's headline figures in one hand-written statement: clubs active on `on`
    on the plan's map, their members, the members with a loan out in the plan's window, the host
    units of the map and those with enough active clubs (coverage). The yardstick the report's
    time is compared with."""
    from areas.models import AdminUnit, Level
    from clubs.models import Club, ClubLocation, ClubStatusChange, StatusChangeKind
    from loans.models import Loan
    from members.models import Membership
    from targets.selectors import coverage_day, window

    period = window(plan, on)
    tables = {
        "club": Club._meta.db_table,
        "location": ClubLocation._meta.db_table,
        "change": ClubStatusChange._meta.db_table,
        "unit": AdminUnit._meta.db_table,
        "membership": Membership._meta.db_table,
        "loan": Loan._meta.db_table,
    }
    sql = """
        WITH active AS (
            SELECT c.id, loc.unit_id FROM {club} c
            JOIN {location} loc ON loc.club_id = c.id AND loc.scheme_id = %(scheme)s
            JOIN {unit} u ON u.id = loc.unit_id AND u.path LIKE %(province)s
            WHERE c.launch_date <= %(on)s AND NOT EXISTS (
                SELECT 1 FROM {change} s WHERE s.club_id = c.id AND s.effective_on <= %(on)s
                AND s.kind IN (%(suspended)s, %(dissolved)s) AND NOT EXISTS (
                    SELECT 1 FROM {change} later WHERE later.club_id = c.id AND later.effective_on <= %(on)s
                    AND (later.effective_on > s.effective_on
                         OR (later.effective_on = s.effective_on AND later.id > s.id))))
        ),
        members AS (
            SELECT m.club_id, m.person_id FROM {membership} m JOIN active a ON a.id = m.club_id
            WHERE m.joined_on <= %(on)s AND (m.left_on IS NULL OR m.left_on > %(on)s)
        ),
        hosts AS (
            SELECT u.id FROM {unit} u WHERE u.scheme_id = %(scheme)s AND u.path LIKE %(province)s
            AND (u.valid_from IS NULL OR u.valid_from <= %(day)s) AND (u.valid_until IS NULL OR u.valid_until > %(day)s)
            AND (u.level = %(commune)s OR (u.level = %(district)s AND NOT EXISTS (
                SELECT 1 FROM {unit} child WHERE child.parent_id = u.id)))
        )
        SELECT
            (SELECT count(*) FROM active),
            (SELECT count(*) FROM members),
            (SELECT count(*) FROM members m WHERE EXISTS (
                SELECT 1 FROM {loan} l WHERE l.club_id = m.club_id AND l.borrower_id = m.person_id
                AND l.disbursed_on <= %(end)s AND (l.go_live_on IS NULL OR l.go_live_on <= %(end)s)
                AND (l.closed_on IS NULL OR (l.closed_on > %(start)s
                     AND l.closed_on > COALESCE(l.go_live_on, l.disbursed_on))))),
            (SELECT count(*) FROM hosts),
            (SELECT count(*) FROM hosts h WHERE h.id IN (
                SELECT unit_id FROM active GROUP BY unit_id HAVING count(*) >= %(min_clubs)s))
    """.format(**tables)
    params = {
        "scheme": plan.scheme_id,
        "province": plan.province.path + "%",
        "on": on,
        "day": coverage_day(plan, on),
        "start": period.start,
        "end": period.end,
        "suspended": StatusChangeKind.SUSPENDED,
        "dissolved": StatusChangeKind.DISSOLVED,
        "commune": Level.COMMUNE,
        "district": Level.DISTRICT,
        "min_clubs": plan.coverage_min_clubs,
    }

    def run() -> tuple:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    return run


def report_targets(plan, on: datetime.date) -> Callable[[], None]:
    def run() -> None:
        call_command("report_targets", plan=plan.code, as_of=on.isoformat(), format="json", stdout=io.StringIO())

    return run


def monthly_report_calls(chair: Client, club, today: datetime.date) -> tuple[Callable[[], None], Callable[[], None]]:
    """(an autosave, a submission) of the club's report of this month, as report_form.js and the
    confirm page post them. The report is started and filled in ("no activity" in every area but
    health) first; each autosave goes on from the version the last one answered; each submission
    is rolled back, so the next one sends the same draft."""
    from django.urls import reverse

    from accounts.models import User
    from activities import services
    from activities.models import MonthlyReport
    from clubs.models import ActivityArea
    from core.dates import month_start

    month = month_start(today)
    MonthlyReport.objects.filter(club=club, month=month).delete()
    actor = User.objects.get(username="bench-chair")
    report = services.report_start(actor=actor, club=club, month=month)
    sections = {area: {"no_activity": True} for area in ActivityArea if area != ActivityArea.HEALTH}
    sections[ActivityArea.HEALTH] = {"health_talks": 1}
    report = services.report_save(actor=actor, report=report, sections=sections)
    url = reverse("activities:report-edit", kwargs={"club_pk": club.pk, "year": month.year, "month": month.month})
    state = {"version": report.version, "talks": 1}

    def autosave() -> None:
        talks = state["talks"] % 9 + 1
        data = {"autosave": "1", "partial": "1", "version": state["version"], "device": "bench"}
        data |= {"health-health_talks": str(talks), "base:health-health_talks": str(state["talks"])}
        answer = chair.post(url, data)
        if answer.status_code != 200 or not answer.json().get("saved"):
            raise AssertionError(f"autosave answered {answer.status_code}: {answer.content[:300]!r}")
        state["version"], state["talks"] = answer.json()["version"], talks

    def submit() -> None:
        with transaction.atomic():
            answer = chair.post(url, {"action": "submit", "version": state["version"]})
            sent = answer.status_code == 302 and "/report/" in answer["Location"]
            transaction.set_rollback(True)
        if not sent:
            raise AssertionError(f"submit answered {answer.status_code} {answer.get('Location')}")

    return autosave, submit


def measures(at: Setting) -> list[tuple[str, str, Callable[[], object], dict]]:
    """(name, what, call, options) of everything measured."""
    from django.urls import reverse

    on = at.today
    targets = f"?plan={at.plan.code}&on={on:%d/%m/%Y}"
    club = at.club.pk
    autosave, submit = monthly_report_calls(at.chair, at.club, on)
    staff = at.staff
    listed = [
        ("targets report page", reverse("targets:print") + targets),
        ("targets dashboard", reverse("targets:dashboard") + targets),
        ("scorecard", reverse("reports:scorecard")),
        ("portfolio", reverse("reports:portfolio")),
        ("capital", reverse("funds:capital")),
        ("completeness", reverse("activities:completeness")),
        ("club list", reverse("clubs:club-list")),
        ("member search “Nguyễn”", reverse("members:member-list") + "?q=Nguyễn"),
        ("member search “Thị Lan”", reverse("members:member-list") + "?q=Thị Lan"),
        ("cash book", reverse("funds:cash-book", kwargs={"club_pk": club, "kind": "income"})),
        (
            "collection sheet",
            reverse("loans:collection-sheet", kwargs={"club_pk": club, "year": on.year, "month": on.month}),
        ),
    ]
    result = [(name, url, page(staff, url), {}) for name, url in listed]
    result.insert(
        2, ("report_targets (command)", f"report_targets --plan {at.plan.code}", report_targets(at.plan, on), {})
    )
    for name, url in (
        ("portfolio export (xlsx)", reverse("exports:download", args=["portfolio", "xlsx"])),
        ("member export (csv)", reverse("exports:download", args=["members", "csv"])),
        ("member export (xlsx)", reverse("exports:download", args=["members", "xlsx"])),
    ):
        result.append((name, url, export(staff, url), {"memory": True}))
    edit = f"POST report-edit (chair of club {club})"
    result.append(("report autosave", edit + " autosave", autosave, {"repeat": SAVES}))
    result.append(("report submit", edit + " submit (rolled back)", submit, {"repeat": SAVES}))
    return result


def peak_memory(call: Callable[[], object]) -> float:
    """The most memory Python held during `call`, in MB."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run_one(name: str, what: str, call: Callable[[], object], options: dict, repeat: int, smoke: bool) -> Result:
    result = Result(name, what)
    goal = GOALS.get(name)
    result.goal = str(goal) if goal else ""
    try:
        with transaction.atomic():  # a failing page must not spoil the transaction the rest runs in
            if smoke:
                timing = harness.measure(call, repeat=1, warm_up=False)
            else:
                started = time.perf_counter()
                call()  # the warm-up, timed to know how often to run it
                slow = time.perf_counter() - started > SLOW_SECONDS
                times = options.get("repeat", min(SLOW_REPEAT, repeat) if slow else repeat)
                timing = harness.measure(call, repeat=times, warm_up=False)
            if options.get("memory"):
                result.peak_mb = peak_memory(call)
    except Exception:  # noqa: BLE001 — a page that breaks is reported, and the others measured
        result.error = traceback.format_exc()
        return result
    result.median, result.worst, result.p95, result.runs = timing.median, timing.worst, timing.p95, len(timing.times)
    result.queries, result.sql = timing.queries, timing.sql_seconds
    result.slowest_sql, result.slowest_ms = timing.slowest_sql, timing.slowest_seconds * 1000
    if goal:
        figure = result.p95 if goal.of == "p95" else result.median
        result.met = figure < goal.seconds
    return result


def headline_figures(plan, on: datetime.date) -> dict[str, object]:
    """The figures the bare SQL computes, as the targets report gives them and as the SQL does:
    the two must agree, or the comparison of their times says nothing."""
    from areas.models import AdminUnit
    from clubs.models import Club
    from targets.selectors import target_report

    report = target_report(plan=plan, clubs=Club.objects.all(), units=AdminUnit.objects.all(), on=on)
    clubs, members, borrowers, hosts, covered = bare_targets_sql(plan, on)()
    return {
        "report": {
            "clubs active": report.club_total.clubs,
            "members": report.club_total.members,
            "members borrowing": report.club_total.borrowers,
            "coverage (units, covered) per target": [
                (group.total.units, group.total.covered) for group in report.coverage
            ],
        },
        "bare SQL": {
            "clubs active": clubs,
            "members": members,
            "members borrowing": borrowers,
            "host units, covered": (hosts, covered),
        },
    }


def bench(
    today: datetime.date, repeat: int, smoke: bool = False, plans: Path | None = None, only: str = ""
) -> tuple[dict[str, object], list[Result], list[Path]]:
    """Measure everything on the current database, inside a transaction rolled back at the end;
    with `plans`, explain the slowest query of each missed goal there (in the transaction: the
    queries name the rows the bench wrote). In smoke mode each runs once and no goal is judged."""
    clock = time_machine.travel(datetime.datetime.combine(today, datetime.time(10), VIETNAM), tick=True)
    with clock, transaction.atomic():
        shape: dict[str, object] = {"rows": data_shape()}
        at = setting(today)
        shape["figures"] = headline_figures(at.plan, today)
        words = [word.strip().lower() for word in only.split(",") if word.strip()]
        chosen = [measured for measured in measures(at) if not words or any(w in measured[0].lower() for w in words)]
        results = [run_one(*measured, repeat, smoke) for measured in chosen]
        bare = harness.measure(bare_targets_sql(at.plan, today), repeat=1 if smoke else repeat, warm_up=not smoke)
        for result in results:
            goal = GOALS.get(result.name)
            if goal and goal.times_bare_sql and not result.error:
                result.bare_sql = bare.median
                result.met = result.met and result.ratio <= goal.times_bare_sql
            if smoke:
                result.met = None
        bare_result = Result("bare SQL of the targets figures", "hand-written", bare.median, bare.worst, bare.p95)
        bare_result.runs, bare_result.queries, bare_result.sql = len(bare.times), bare.queries, bare.sql_seconds
        results.append(bare_result)
        explained = explain_misses(results, plans) if plans else []
        transaction.set_rollback(True)
    return shape, results, explained


# --- the output ---------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    lines = [
        f"{'':4} {'measure':<32} {'median':>9} {'worst':>9} {'p95':>9} {'runs':>4} {'queries':>7} {'in SQL':>9} "
        f"{'peak MB':>8} {'÷ SQL':>6}  goal"
    ]
    for result in results:
        if result.error:
            lines.append(f"FAIL {result.name:<32} {result.error.strip().splitlines()[-1]}")
            continue
        mark = {True: "ok", False: "MISS", None: ""}[result.met]
        peak = f"{result.peak_mb:.1f}" if result.peak_mb is not None else ""
        ratio = f"{result.ratio:.1f}×" if result.ratio else ""
        lines.append(
            f"{mark:<4} {result.name:<32} {result.median * 1000:>7.0f}ms {result.worst * 1000:>7.0f}ms "
            f"{result.p95 * 1000:>7.0f}ms {result.runs:>4} {result.queries:>7} {result.sql * 1000:>7.0f}ms "
            f"{peak:>8} {ratio:>6}  {result.goal}"
        )
    return "\n".join(lines)


def explain_misses(results: list[Result], folder: Path) -> list[Path]:
    """EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each missed goal, one file each."""
    from core.text import fold

    if connection.vendor != "postgresql":
        return []
    written = []
    for result in results:
        if result.met is not False or not result.slowest_sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with transaction.atomic(), connection.cursor() as cursor:  # EXPLAIN ANALYZE runs the query
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {result.slowest_sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (re.sub(r"[^a-z0-9]+", "-", fold(result.name)).strip("-") + ".txt")
        path.write_text(
            f"-- {result.name}: {result.median * 1000:.0f} ms, {result.queries} queries; the slowest "
            f"({result.slowest_ms:.0f} ms):\n{result.slowest_sql}\n\n{plan}\n"
        )
        written.append(path)
    return written


def main(asked: argparse.Namespace) -> int:
    from demo.scale import DEFAULT_TODAY

    today = asked.today or DEFAULT_TODAY
    started = time.perf_counter()
    plans = None if asked.smoke else asked.plans
    if asked.reuse:
        shape, results, explained = bench(today, asked.repeat, plans=plans, only=asked.only)
    else:
        clubs, repeat = (SMOKE_CLUBS, 1) if asked.smoke else (asked.clubs, asked.repeat)
        with harness.throwaway_database():
            load_maps()
            generate(clubs, asked.months, asked.seed, today, quiet=asked.smoke)
            harness.analyze()
            shape, results, explained = bench(today, repeat, smoke=asked.smoke, plans=plans, only=asked.only)
    rows = cast("dict[str, int]", shape["rows"])
    print(", ".join(f"{count:,} {what}".replace(",", ".") for what, count in rows.items()) + f" ({connection.vendor})")
    for source, figures in cast("dict[str, dict]", shape["figures"]).items():
        print(f"{source}: " + "; ".join(f"{what} {value}" for what, value in figures.items()))
    print(table(results))
    for result in results:
        if result.error:
            print(f"\n--- {result.name} ({result.what}) failed:\n{result.error}", file=sys.stderr)
    for path in explained:
        print(f"plan of the slowest query: {path}")
    print(f"({time.perf_counter() - started:.0f} s)")
    if asked.json:
        data = {"database": connection.vendor, "today": today.isoformat(), **shape}
        data["results"] = [
            {key: value for key, value in dataclasses.asdict(result).items() if key != "slowest_sql"}
            for result in results
        ]
        asked.json.write_text(json.dumps(data, indent=2, ensure_ascii=False))
    failed = any(result.error for result in results)
    missed = any(result.met is False for result in results)
    return 1 if failed or (missed and asked.strict) else 0


if __name__ == "__main__":
    sys.exit(main(_asked))
