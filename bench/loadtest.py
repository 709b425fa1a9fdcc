"""Month-end load test: the product on gunicorn, Locust's users on loopback, then the database checked.

    .venv/bin/python bench/loadtest.py --database-url postgres://…/clubs_scale   # a copy of a generated database
    .venv/bin/python bench/loadtest.py --clubs 2000                            # generated into a throw-away database
    .venv/bin/python bench/loadtest.py --smoke                                 # a few clubs, a few seconds (CI)

The database: with --database-url, a copy of that database (generate_scale filled it; CREATE
DATABASE … TEMPLATE on PostgreSQL, a copy of the file on SQLite), never the database itself; with
--clubs, N clubs generated into an empty throw-away database on DATABASE_URL's server, else on
PostgreSQL at 127.0.0.1:5432 when it answers, else (the smoke only) in an SQLite file. The copy is
dropped at the end, whatever happened.

On it the runner makes the accounts the users sign in with: the current chair and treasurer of
clubs with something to do this month (a report not sent yet; a meeting still to come with loans
out) get a login, as the board's seats give their holders one (Person.user, the club-board role),
and the province gets staff; all with one password, hashed as the production settings hash it.
The target plans are seeded for the dashboard. A share of the board accounts (1 - --login-share)
arrives with a session already open, as someone still signed in from earlier in the day.

gunicorn then serves the production settings (config.settings, DEBUG off, the collected static
files), with plain HTTP on 127.0.0.1 (no HTTPS redirect, cookies not "Secure"), the workers' clock
at the data's last day (bench/loadtest_gunicorn.py), and Locust runs bench/locustfile.py headless:
--users users spawned at --spawn-rate a second for --run-time seconds. Chairs and treasurers each
take the next club of their list, so that every report is sent once and every sheet saved once.

Afterwards, with gunicorn stopped, the database is checked against what the users saw saved:
every report a chair saw sent is submitted exactly once and no other was; every repayment and
contribution a treasurer saw saved is there exactly once and nothing else was written to the
books; each repayment's allocations and cash-book entries add up to its amount; each fund's
balance is the sum of its entries and moved by exactly what was saved; no request had an answer
other than the one expected and the server logged no error. The runner prints the throughput (the
submissions a second, sustained), p50/p95/p99 per request and the CPU seconds gunicorn, the
PostgreSQL processes serving it and Locust used a submission (Linux: /proc), with how much of the
machine other work took meanwhile; the exit code is non-zero when a check fails, and with --strict
also when the goal (GOAL_SUBMISSIONS a second sustained, p95 under GOAL_P95 s for the chairs' and
treasurers' requests) is missed.
"""

import argparse
import contextlib
import csv
import dataclasses
import datetime
import io
import json
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg2
from psycopg2 import errors, sql

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GOAL_SUBMISSIONS = 10.0  # reports sent a second, sustained: 20.000 clubs in well under an hour
GOAL_P95 = 1.0  # seconds, for each request of the chairs and treasurers
# Requests judged by their own goal elsewhere (the bench's): not the month-end path.
NOT_JUDGED = {"targets dashboard"}
PASSWORD = "Cuoi-thang-2025"  # the throw-away accounts' password: in the plan Locust reads too
# Clubs put on each list: more than the users can get through in the run (a list that runs out
# ends the steady phase early, and the runner says so).
CHAIRS_PER_SECOND = 40
TREASURERS_PER_SECOND = 10
KEEP_ALIVE_SECONDS = 75  # nginx's default
SMOKE = {
    "clubs": 8,
    "months": 13,
    "users": 4,  # with the one staff user: two chairs, a treasurer
    "treasurers": 0.34,
    "spawn_rate": 4.0,
    "run_time": 12,
    "think": (0.1, 0.3),
    "staff": 1,
    "staff_think": (1.0, 2.0),
    "workers": 2,
    "threads": 2,
}


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="a database generate_scale filled: its copy is used")
    parser.add_argument("--clubs", type=int, default=2000, help="clubs to generate (without --database-url)")
    parser.add_argument("--months", type=int, default=24, help="generate_scale --months")
    parser.add_argument("--seed", type=int, default=1, help="generate_scale --seed, and the order of the clubs")
    parser.add_argument("--today", type=datetime.date.fromisoformat, help="the data's last day (generate_scale's)")
    parser.add_argument("--users", type=int, default=200, help="Locust users (chairs, treasurers and staff)")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started a second")
    parser.add_argument("--run-time", type=int, default=180, help="seconds of load, the spawning included")
    parser.add_argument("--treasurers", type=float, default=0.1, help="share of the users who are treasurers")
    parser.add_argument("--staff", type=int, default=2, help="staff users opening the targets dashboard")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"), help="seconds between requests"
    )
    parser.add_argument(
        "--staff-think", type=float, nargs=2, default=(20, 40), metavar=("MIN", "MAX"), help="between dashboards"
    )
    parser.add_argument("--autosaves", type=int, default=4, help="autosaves of each report")
    parser.add_argument(
        "--login-share", type=float, default=1.0, help="share of chairs and treasurers signing in with the login form"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="threads of each worker (gthread above 1)")
    parser.add_argument("--json", type=Path, help="write the results to this file")
    parser.add_argument("--strict", action="store_true", help="exit non-zero when the goal is missed")
    parser.add_argument("--smoke", action="store_true", help="a few clubs, users and seconds: that it runs")
    return parser


# --- the throw-away database --------------------------------------------------------------------


def _admin(url: str):
    """A connection to the server of `url` (its 'postgres' database), in autocommit: CREATE and
    DROP DATABASE cannot run in a transaction."""
    parts = dj_database_url.parse(url)
    link = psycopg2.connect(
        dbname="postgres",
        user=parts["USER"] or None,
        password=parts["PASSWORD"] or None,
        host=parts["HOST"] or None,
        port=parts["PORT"] or None,
        connect_timeout=5,
    )
    link.autocommit = True
    return link


def _renamed(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def _shown(url: str) -> str:
    """The address without its user and password, to print."""
    parts = urlsplit(url)
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _answers(url: str) -> bool:
    try:
        _admin(url).close()
    except psycopg2.OperationalError:
        return False
    return True


@dataclasses.dataclass
class Throwaway:
    """The database the product runs on during the test: made from `source` (a copy) or empty,
    and dropped at the end."""

    url: str
    source: str = ""  # the database copied, "" when generating
    folder: Path | None = None  # SQLite: the folder of the file

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @classmethod
    def chosen(cls, asked: argparse.Namespace, folder: Path) -> "Throwaway":
        name = f"loadtest_{os.getpid()}"
        if asked.database_url:
            if asked.database_url.startswith("sqlite"):
                return cls(f"sqlite:///{folder / 'db.sqlite3'}", source=asked.database_url, folder=folder)
            return cls(_renamed(asked.database_url, name), source=asked.database_url)
        server = os.environ.get("DATABASE_URL", "")
        if not server or server.startswith("sqlite"):
            local = "postgres://postgres@127.0.0.1:5432/postgres"
            server = local if _answers(local) else ""
        if server:
            return cls(_renamed(server, name))
        if not asked.smoke:
            raise SystemExit("No PostgreSQL server (DATABASE_URL, or 127.0.0.1:5432): the load test needs one.")
        return cls(f"sqlite:///{folder / 'db.sqlite3'}", folder=folder)

    def create(self) -> None:
        if self.is_sqlite:
            if self.source:
                shutil.copyfile(dj_database_url.parse(self.source)["NAME"], dj_database_url.parse(self.url)["NAME"])
            return
        name = sql.Identifier(dj_database_url.parse(self.url)["NAME"])
        with contextlib.closing(_admin(self.url)) as link, link.cursor() as cursor:
            if not self.source:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
                return
            template = sql.Identifier(dj_database_url.parse(self.source)["NAME"])
            # A template may have nobody connected while it is copied: wait for them to leave.
            deadline = time.monotonic() + 120
            while True:
                try:
                    cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, template))
                    return
                except errors.ObjectInUse:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(2)

    def drop(self) -> None:
        if self.is_sqlite:
            return  # in the run's folder, removed with it
        name = sql.Identifier(dj_database_url.parse(self.url)["NAME"])
        with contextlib.closing(_admin(self.url)) as link, link.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


if __name__ == "__main__":
    # The database and the secret key are chosen before Django is set up (harness, below): the
    # runner and gunicorn must sign sessions alike.
    _asked = arguments().parse_args()
    _folder = Path(tempfile.mkdtemp(prefix="loadtest-"))
    _database = Throwaway.chosen(_asked, _folder)
    os.environ["DATABASE_URL"] = _database.url
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)

import harness  # sets Django up: first  # noqa: E402

# isort: split
import time_machine  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

VIETNAM = datetime.timezone(datetime.timedelta(hours=7))


# --- the accounts and the plan the users follow ------------------------------------------------


@dataclasses.dataclass
class Before:
    """The database before the load: the last rows of the tables the users write, and the
    balance of each fund the treasurers may move."""

    report_event: int
    repayment: int
    entry: int
    balances: dict[int, int]


def production_hash(password: str) -> str:
    """`password` hashed as the production settings (config.settings, which the test settings
    extend) hash it: with their first hasher, whose cost each login through the form pays."""
    from django.conf import global_settings
    from django.utils.module_loading import import_string

    production = sys.modules["config.settings"]
    hasher = import_string(getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)[0])()
    return hasher.encode(password, hasher.salt())


def board_logins(seats: list, prefix: str, password: str) -> list:
    """A login for each seat's holder, as a board seat gives one (boards.services): the account,
    the person's link to it and the club-board role the seat holds. Written in bulk: thousands of
    them, and no page reads the audit entries the services would add."""
    from accounts.models import Role, RoleAssignment, User
    from boards.models import BoardPosition
    from members.models import Person

    users = User.objects.bulk_create(
        User(username=f"{prefix}-{seat.club.code}".lower(), full_name=seat.holder.full_name, password=password)
        for seat in seats
    )
    roles = RoleAssignment.objects.bulk_create(
        RoleAssignment(
            user=user, role=Role.CLUB_BOARD, club_id=seat.club_id, title=seat.title, valid_from=seat.started_on
        )
        for seat, user in zip(seats, users, strict=True)
    )
    for seat, user, role in zip(seats, users, roles, strict=True):
        seat.holder.user, seat.role_assignment = user, role
    Person.objects.bulk_update([seat.holder for seat in seats], ["user"])
    BoardPosition.objects.bulk_update(seats, ["role_assignment"])
    return users


def open_sessions(users: list) -> dict[int, str]:
    """{user id: session key} of a session signed in for each user, as Django's login() leaves it
    (the account's backend and password hash, and when it was last seen), in bulk."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.sessions import LAST_SEEN

    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys = {user.pk: secrets.token_hex(16) for user in users}
    Session.objects.bulk_create(
        Session(
            session_key=keys[user.pk],
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                    LAST_SEEN: int(time.time()),
                }
            ),
            expire_date=expires,
        )
        for user in users
    )
    return keys


def prepare(asked: argparse.Namespace, today: datetime.date, rng: random.Random) -> tuple[dict, Before]:
    """The accounts, the plan of the users (the clubs each kind works through, in a random order)
    and the database as it is before the load."""
    from django.db.models import Exists, OuterRef
    from django.urls import reverse

    from accounts.models import BoardTitle, Role
    from activities.models import EDITABLE_STATUSES, MonthlyReport, ReportEvent
    from areas.models import AdminUnit, Level
    from areas.selectors import scheme_in_force
    from boards.models import BoardPosition
    from clubs.models import Club
    from core.dates import month_start
    from funds.models import FundEntry
    from loans.models import Loan, LoanStatus, Repayment
    from loans.selectors import collection_paid_on
    from tests import factories

    call_command("seed_plans", stdout=io.StringIO())  # the dashboard shows the plan in force
    month = month_start(today)
    password = production_hash(PASSWORD)
    active = Club.objects.active_on(today)

    def seats(title: str, clubs, limit: int) -> list:
        chosen = list(
            BoardPosition.objects.held_on(today)
            .filter(title=title, club__in=clubs, holder__user__isnull=True)
            .select_related("club", "holder")
            .order_by("club_id")
        )
        rng.shuffle(chosen)
        return chosen[:limit]

    sent = MonthlyReport.objects.filter(month=month).exclude(status__in=EDITABLE_STATUSES).values("club_id")
    chairs = seats(BoardTitle.CHAIR, active.exclude(pk__in=sent), asked.run_time * CHAIRS_PER_SECOND + asked.users)
    drafts = set(MonthlyReport.objects.filter(month=month).values_list("club_id", flat=True))
    lending = Loan.objects.filter(club=OuterRef("pk"), status=LoanStatus.DISBURSED)
    # The meeting of the month is still to come: its sheets are not recorded yet.
    meeting_ahead = [club.pk for club in active.filter(Exists(lending)) if club.meeting_in(month) > today]
    wanted = asked.run_time * TREASURERS_PER_SECOND + asked.users if asked.treasurers else 0
    treasurers = seats(BoardTitle.TREASURER, meeting_ahead, wanted)
    chair_users = board_logins(chairs, "chair", password)
    treasurer_users = board_logins(treasurers, "treasurer", password)
    with_session = [user for user in chair_users + treasurer_users if rng.random() >= asked.login_share]
    sessions = open_sessions(with_session)

    scheme = scheme_in_force(today)
    province = AdminUnit.objects.get(scheme_id=scheme.pk, level=Level.PROVINCE, code=settings.PROVINCE_CODE)
    staff = []
    for number in range(asked.staff):
        user = factories.UserFactory(username=f"staff-{number + 1}", full_name=f"Cán bộ tỉnh {number + 1}")
        user.password = password
        user.save(update_fields=["password"])
        factories.RoleAssignmentFactory(user=user, role=Role.PROVINCE_STAFF, area=province)
        staff.append({"username": user.username, "session": "", "dashboard": reverse("targets:dashboard")})

    def report(name: str, club_pk: int) -> str:
        return reverse(f"activities:{name}", kwargs={"club_pk": club_pk, "year": month.year, "month": month.month})

    def sheet(name: str, club_pk: int) -> str:
        return reverse(name, kwargs={"club_pk": club_pk, "year": month.year, "month": month.month})

    def summary(club: Club) -> str:
        """Where the saved contributions sheet leads: the summary of the day its payments are dated."""
        day = collection_paid_on(meeting_on=club.meeting_in(month), today=today)
        return reverse("loans:meeting-summary", args=[club.pk, day.year, day.month, day.day])

    treasurer_weight = round(100 * asked.treasurers) if treasurers else 0
    plan = {
        "today": today.isoformat(),
        "password": PASSWORD,
        "think": list(asked.think),
        "staff_think": list(asked.staff_think),
        "autosaves": asked.autosaves,
        "weights": {"chairs": 100 - treasurer_weight, "treasurers": treasurer_weight},
        "login": reverse("login"),
        "logout": reverse("logout"),
        "home": reverse("home"),
        "chairs": [
            {
                "username": user.username,
                "session": sessions.get(user.pk, ""),
                "club": seat.club_id,
                "month": month.isoformat(),
                "start": "" if seat.club_id in drafts else report("report-start", seat.club_id),
                "edit": report("report-edit", seat.club_id),
                "detail": report("report-detail", seat.club_id),
            }
            for seat, user in zip(chairs, chair_users, strict=True)
        ],
        "treasurers": [
            {
                "username": user.username,
                "session": sessions.get(user.pk, ""),
                "club": seat.club_id,
                "collection": sheet("loans:collection-sheet", seat.club_id),
                "collection saved": sheet("loans:collection-sheet", seat.club_id),
                "contributions": sheet("funds:contributions-sheet", seat.club_id),
                "contributions saved": summary(seat.club),
            }
            for seat, user in zip(treasurers, treasurer_users, strict=True)
        ],
        "staff": staff,
    }

    def last(model) -> int:
        return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    balances = balances_now(Club.objects.filter(pk__in=[seat.club_id for seat in treasurers]))
    return plan, Before(last(ReportEvent), last(Repayment), last(FundEntry), balances)


def balances_now(clubs) -> dict[int, int]:
    """{fund id: balance} of the clubs' funds, as the product computes a balance
    (funds.selectors.fund_balances: every entry counted)."""
    from funds.models import Fund
    from funds.selectors import fund_balances

    by_kind = fund_balances(clubs=clubs, on=datetime.date.max)
    return {
        pk: by_kind.get(club_id, {}).get(kind, 0)
        for pk, club_id, kind in Fund.objects.filter(club__in=clubs).values_list("pk", "club_id", "kind")
    }


# --- the server and the users ---------------------------------------------------------------------


def production_environment(database: Throwaway, folder: Path, clock_offset: float) -> dict[str, str]:
    """The production settings as an operator sets them, on plain HTTP over loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ENV_FILE": os.devnull,  # not the checkout's .env (DEBUG on)
        "DEBUG": "false",
        "DATABASE_URL": database.url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": "",
        "BEHIND_HTTPS_PROXY": "false",
        # No proxy in front on loopback: nothing to redirect to, and cookies go over plain HTTP.
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "STATIC_ROOT": str(folder / "static"),
        "PROGRESS_DIR": str(folder / "progress"),
        "EXPORTS_DIR": str(folder / "exports"),
        "LOG_LEVEL": "WARNING",
        "LOADTEST_CLOCK_OFFSET": str(clock_offset),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(environment: dict[str, str], workers: int, threads: int, log: Path) -> Iterator[tuple[str, int]]:
    """gunicorn on a free port of 127.0.0.1 until the block ends; yields its address and process id."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--timeout", "120"]
    command += ["--config", str(BENCH / "loadtest_gunicorn.py")]
    if threads > 1:
        # Connections kept open longer than any user pauses, as a proxy in front keeps them: with
        # gunicorn's 2 s a request sent as the server closes an idle connection is lost (status 0),
        # which a browser would send again but Locust counts as an error.
        command += ["--worker-class", "gthread", "--keep-alive", str(KEEP_ALIVE_SECONDS)]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped with exit code {server.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(address + "/accounts/login/", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield address, server.pid
    finally:
        server.terminate()  # the master stops its workers gracefully
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def run_locust(address: str, asked: argparse.Namespace, folder: Path) -> float:
    """Run the users; returns the CPU seconds Locust used."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [sys.executable, "-m", "locust", "-f", str(BENCH / "locustfile.py"), "--headless", "--host", address]
    command += ["--users", str(asked.users), "--spawn-rate", str(asked.spawn_rate), "--run-time", f"{asked.run_time}s"]
    # Users end at their next pause, never during a request: what they saw saved is what was.
    command += ["--stop-timeout", "120", "--csv", str(folder / "locust"), "--reset-stats", "--only-summary"]
    environment = {
        **os.environ,
        "LOADTEST_PLAN": str(folder / "plan.json"),
        "LOADTEST_RECORD": str(folder / "record.jsonl"),
    }
    with (folder / "locust.log").open("w") as output:
        finished = subprocess.run(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    # Locust's exit code is 1 when a request failed: the checks say so. Anything else is Locust's own trouble.
    if finished.returncode not in (0, 1):
        raise SystemExit(f"Locust stopped with exit code {finished.returncode}:\n{(folder / 'locust.log').read_text()}")
    now = resource.getrusage(resource.RUSAGE_CHILDREN)
    return now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime


# --- where the CPU went (Linux: /proc) -------------------------------------------------------------


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/<pid>/stat after the command's name (the 3rd field first); [] when gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def process_cpu(pid: int) -> float:
    """Seconds of CPU a process of this machine has used (user and system); 0 when it is not here."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def family(pid: int) -> list[int]:
    """The process and its children (gunicorn's master and its workers)."""
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and (fields := _stat(entry.name)) and int(fields[1]) == pid
    ]
    return [pid, *children]


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent on anything but idling, all cores together."""
    values = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and waiting for the disk
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class DatabaseCPU(threading.Thread):
    """The CPU seconds the PostgreSQL processes serving the throw-away database use while the
    block runs, read every second: gunicorn's connections are closed after CONN_MAX_AGE and made
    again, and a process gone by the end would go uncounted. 0 for SQLite, or a server on
    another machine."""

    def __init__(self, database: Throwaway) -> None:
        super().__init__(daemon=True)
        self.database, self.done = database, threading.Event()
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def run(self) -> None:
        if self.database.is_sqlite:
            return
        name = dj_database_url.parse(self.database.url)["NAME"]
        with contextlib.closing(_admin(self.database.url)) as link, link.cursor() as cursor:
            starting = True
            while True:
                cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name])
                for (pid,) in cursor.fetchall():
                    used = process_cpu(pid)
                    # Processes there at the start count from then; later ones from their start.
                    self.first.setdefault(pid, used if starting else 0.0)
                    self.last[pid] = used
                starting = False
                if self.done.wait(1.0):
                    return

    def __enter__(self) -> "DatabaseCPU":
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.done.set()
        self.join()

    @property
    def seconds(self) -> float:
        return sum(used - self.first[pid] for pid, used in self.last.items())


@dataclasses.dataclass
class Usage:
    """CPU seconds spent during the run: by gunicorn (master and workers), by the PostgreSQL
    processes serving it (0 when the server is not on this machine), by Locust, and by the whole
    machine (other work included); and the run's seconds."""

    gunicorn: float
    postgres: float
    locust: float
    machine: float
    seconds: float


# --- what the users saw, what the database holds ---------------------------------------------------


@dataclasses.dataclass
class Check:
    name: str
    ok: bool
    detail: str


def _difference(expected: Counter, found: Counter) -> str:
    twice = sorted(key for key, count in found.items() if count > 1)
    unseen = sorted(key for key in found if key not in expected)
    missing = sorted(key for key in expected if found[key] < expected[key])
    parts = [f"{sum(found.values())} found, {sum(expected.values())} seen saved"]
    for what, keys in (("more than once", twice), ("not seen saved", unseen), ("missing", missing)):
        if keys:
            parts.append(f"{what}: {len(keys)} (e.g. {keys[:3]})")
    return "; ".join(parts)


def check_database(before: Before, records: list[dict]) -> list[Check]:
    """The database against what the users saw saved (`records`: the lines of LOADTEST_RECORD)."""
    from django.db.models import F, Sum

    from activities.models import MonthlyReport, ReportAction, ReportEvent, ReportStatus
    from clubs.models import Club
    from funds.models import EntryType, Fund, FundEntry, FundKind
    from loans.models import Allocation, Repayment

    checks = []
    seen = Counter((record["club"], record["month"]) for record in records if record["kind"] == "submitted")
    submitted = Counter(
        (club, month.isoformat())
        for club, month in ReportEvent.objects.filter(
            pk__gt=before.report_event, action=ReportAction.SUBMITTED
        ).values_list("report__club_id", "report__month")
    )
    not_submitted = [
        (club, month.isoformat())
        for club, month in MonthlyReport.objects.filter(
            club__in={club for club, _month in seen}, month__in={month for _club, month in seen}
        )
        .exclude(status=ReportStatus.SUBMITTED)
        .values_list("club_id", "month")
        if (club, month.isoformat()) in seen
    ]
    checks.append(
        Check(
            "every report seen sent is submitted, once; no other",
            seen == submitted and all(count == 1 for count in seen.values()) and not not_submitted,
            _difference(seen, submitted) + (f"; not in state submitted: {not_submitted[:3]}" if not_submitted else ""),
        )
    )

    paid = Counter(
        (int(name.removeprefix("loan_")), value)
        for record in records
        if record["kind"] == "repayments"
        for name, value in record["amounts"].items()
    )
    new_repayments = Repayment.objects.filter(pk__gt=before.repayment)
    repaid = Counter(new_repayments.values_list("loan_id", "amount"))
    # A loan is on one club's sheet, saved once: two repayments of a loan are a sheet saved twice,
    # whatever their amounts.
    twice = sorted(loan for loan, count in Counter(loan for loan, _amount in repaid.elements()).items() if count > 1)
    checks.append(
        Check(
            "every repayment seen saved is there, once; no other",
            paid == repaid and not twice,
            _difference(paid, repaid) + (f"; loans repaid twice: {len(twice)} (e.g. {twice[:3]})" if twice else ""),
        )
    )

    amounts = dict(new_repayments.values_list("pk", "amount"))
    allocated = dict(
        Allocation.objects.filter(repayment__in=list(amounts))
        .values("repayment")
        .annotate(total=Sum(F("principal") + F("interest")))
        .values_list("repayment", "total")
    )
    booked = dict(
        FundEntry.objects.filter(repayment__in=list(amounts))
        .values("repayment")
        .annotate(total=Sum(F("amount") * F("direction")))
        .values_list("repayment", "total")
    )
    split_wrong = [pk for pk, amount in amounts.items() if allocated.get(pk) != amount or booked.get(pk) != amount]
    checks.append(
        Check(
            "each new repayment's allocations and cash-book entries add up to it",
            not split_wrong,
            f"{len(amounts)} repayments" + (f"; wrong: {split_wrong[:5]}" if split_wrong else ""),
        )
    )

    given = Counter(
        (int(person), kind, value)
        for record in records
        if record["kind"] == "contributions"
        for name, value in record["amounts"].items()
        for person, kind in [name.removeprefix("member_").split("_", 1)]
    )
    new_entries = FundEntry.objects.filter(pk__gt=before.entry)
    contributed = Counter(
        new_entries.filter(entry_type=EntryType.CONTRIBUTION).values_list("member_id", "fund__kind", "amount")
    )
    checks.append(
        Check(
            "every contribution seen saved is there, once; no other",
            given == contributed,
            _difference(given, contributed),
        )
    )
    stray = new_entries.exclude(entry_type=EntryType.CONTRIBUTION).exclude(
        entry_type__in=[EntryType.PRINCIPAL, EntryType.INTEREST], repayment__in=list(amounts)
    )
    checks.append(Check("nothing else written to the cash books", not stray.exists(), f"{stray.count()} other entries"))

    # Each fund a treasurer saved into: its balance now (the product's) is the sum of its
    # entries, and what it was plus exactly what the users saw saved.
    moved: Counter = Counter()
    income_fund = dict(Fund.objects.filter(kind=FundKind.INCOME).values_list("club_id", "pk"))
    fund_of = {(club, kind): pk for pk, club, kind in Fund.objects.values_list("pk", "club_id", "kind")}
    loan_club = dict(new_repayments.values_list("loan_id", "loan__club_id"))
    for (loan, value), count in paid.items():
        if loan in loan_club:
            moved[income_fund[loan_club[loan]]] += value * count
    for record in records:
        if record["kind"] == "contributions":
            for name, value in record["amounts"].items():
                kind = name.removeprefix("member_").split("_", 1)[1]
                moved[fund_of[record["club"], kind]] += value
    now = balances_now(Club.objects.filter(funds__in=list(before.balances)).distinct())
    summed = dict(
        FundEntry.objects.filter(fund__in=list(now))
        .values("fund")
        .annotate(total=Sum(F("amount") * F("direction")))
        .values_list("fund", "total")
    )
    wrong = [
        fund
        for fund, balance in now.items()
        if balance != summed.get(fund, 0) or balance != before.balances.get(fund, 0) + moved[fund]
    ]
    checks.append(
        Check(
            "each fund's balance is the sum of its entries, moved by what was saved",
            not wrong and set(moved) <= set(now),
            f"{len(now)} funds, {sum(1 for fund in now if moved[fund])} moved"
            + (f"; wrong: {wrong[:5]}" if wrong else ""),
        )
    )
    return checks


def server_errors(log: Path) -> int:
    """The errors the server logged (Django logs every answer 500 with its traceback)."""
    text = log.read_text(errors="replace")
    return text.count("Traceback (most recent call last)") + text.count("[CRITICAL]")


# --- the figures --------------------------------------------------------------------------------


@dataclasses.dataclass
class RequestFigures:
    name: str
    method: str
    count: int
    failures: int
    p50: float  # seconds
    p95: float
    p99: float
    worst: float
    per_second: float


def request_figures(folder: Path) -> list[RequestFigures]:
    """Locust's figures of each request, from the spawning's end (--reset-stats) to the run's."""
    rows = []
    with (folder / "locust_stats.csv").open(newline="") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated" or not int(row["Request Count"] or 0):
                continue
            rows.append(
                RequestFigures(
                    name=row["Name"],
                    method=row["Type"],
                    count=int(row["Request Count"]),
                    failures=int(row["Failure Count"]),
                    p50=float(row["50%"]) / 1000,
                    p95=float(row["95%"]) / 1000,
                    p99=float(row["99%"]) / 1000,
                    worst=float(row["Max Response Time"]) / 1000,
                    per_second=float(row["Requests/s"]),
                )
            )
    return rows


@dataclasses.dataclass
class Throughput:
    submissions: int
    overall: float  # a second, over the run
    sustained: float  # a second, in the steady phase
    lowest_10s: float | None  # the fewest in 10 seconds of the steady phase, a second (None: shorter)
    steady_from: float  # seconds from the start
    steady_seconds: float
    round_seconds: float  # a chair's visit, median
    ran_out: str  # the lists of clubs used up before the end ("" when none)


def throughput(records: list[dict], started: float) -> Throughput:
    """Reports sent a second: over the whole run, and in the steady phase, from when every user is
    running and a chair's visit has had time to end (until the end, or a list of clubs ran out)."""
    sent = sorted(record["at"] for record in records if record["kind"] == "submitted")
    rounds = [record["at"] - record["started"] for record in records if record["kind"] == "submitted"]
    spawned = next((record["at"] for record in records if record["kind"] == "spawned"), started)
    stopping = next((record["at"] for record in records if record["kind"] == "stopping"), time.time())
    ran_out = [record for record in records if record["kind"] == "exhausted"]
    end = min([stopping, *(record["at"] for record in ran_out if record["pool"] == "chairs")])
    round_seconds = statistics.median(rounds) if rounds else 0.0
    start = min(spawned + round_seconds, end)
    steady = [at for at in sent if start <= at <= end]
    seconds = end - start
    windows = [sum(1 for at in steady if low <= at < low + 10) / 10 for low in range(int(start), int(end) - 9, 10)]
    return Throughput(
        submissions=len(sent),
        overall=len(sent) / max(stopping - started, 1e-9),
        sustained=len(steady) / seconds if seconds > 0 else 0.0,
        lowest_10s=min(windows) if windows else None,
        steady_from=start - started,
        steady_seconds=seconds,
        round_seconds=round_seconds,
        ran_out=", ".join(sorted({record["pool"] for record in ran_out})),
    )


def goal_met(figures: list[RequestFigures], rate: Throughput) -> tuple[bool, str]:
    slow = [f"p95 of {row.name}" for row in figures if row.name not in NOT_JUDGED and row.p95 >= GOAL_P95]
    short = [f"{rate.sustained:.1f}/s"] if rate.sustained < GOAL_SUBMISSIONS else []
    verdict = f"MISSED ({'; '.join(short + slow)})" if short or slow else "met"
    goal = f"goal: ≥ {GOAL_SUBMISSIONS:g} submissions/s sustained and p95 < {GOAL_P95:g} s"
    return not (short or slow), f"{goal}: {verdict}"


def table(figures: list[RequestFigures]) -> str:
    lines = [f"{'request':<28} {'count':>6} {'fails':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'req/s':>6}"]
    for row in figures:
        lines.append(
            f"{row.name:<28} {row.count:>6} {row.failures:>5} {row.p50 * 1000:>5.0f}ms {row.p95 * 1000:>5.0f}ms "
            f"{row.p99 * 1000:>5.0f}ms {row.worst * 1000:>5.0f}ms {row.per_second:>6.1f}"
        )
    return "\n".join(lines)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def show(
    figures: list[RequestFigures],
    rate: Throughput,
    usage: Usage,
    checks: list[Check],
    goal: str,
    records: list[dict],
    login_share: float,
) -> None:
    print(table(figures))
    lowest = f" (lowest 10 s: {rate.lowest_10s:.1f}/s)" if rate.lowest_10s is not None else ""
    print(
        f"submissions: {rate.submissions}, {rate.overall:.1f}/s over the run; {rate.sustained:.1f}/s sustained over "
        f"{rate.steady_seconds:.0f} s from {rate.steady_from:.0f} s{lowest}; "
        f"a chair's visit {rate.round_seconds:.0f} s (median)"
    )
    saved = Counter()
    for record in records:
        if record["kind"] in ("repayments", "contributions"):
            saved[record["kind"]] += len(record["amounts"])
    logins = sum(row.count for row in figures if row.name == "login")
    print(
        f"repayments: {saved['repayments']}, contributions: {saved['contributions']}, "
        f"logins through the form: {logins} (login share {login_share:g})"
    )
    ours = usage.gunicorn + usage.postgres + usage.locust
    print(
        f"CPU: gunicorn {usage.gunicorn:.0f} s, PostgreSQL {usage.postgres:.0f} s, Locust {usage.locust:.0f} s"
        + (f" = {ours / rate.submissions:.2f} s a submission" if rate.submissions else "")
        + f"; the machine was busy {usage.machine / usage.seconds:.1f} of its {os.cpu_count()} cores"
        f" ({max(0.0, usage.machine - ours) / usage.seconds:.1f} on other work)"
    )
    if rate.ran_out:
        print(f"the lists of clubs ran out ({rate.ran_out}): the steady phase ends there; use more clubs")
    for check in checks:
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name}: {check.detail}")
    print(goal)


def main(asked: argparse.Namespace, database: Throwaway, folder: Path) -> int:
    from demo.scale import DEFAULT_TODAY

    if asked.smoke:
        for key, value in SMOKE.items():
            setattr(asked, key, value)
    if database.is_sqlite:
        asked.workers, asked.threads = 1, 1  # SQLite has one writer at a time
    today = asked.today or DEFAULT_TODAY
    rng = random.Random(asked.seed)
    say(f"database: {_shown(database.url)}" + (f" (a copy of {_shown(database.source)})" if database.source else ""))
    database.create()
    # The static files' manifest, as production collects it, while the data gets ready.
    clock_offset = datetime.datetime.combine(today, datetime.time(10), VIETNAM).timestamp() - time.time()
    environment = production_environment(database, folder, clock_offset)
    collect = subprocess.Popen(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if not database.source:
        from run import generate, load_maps  # bench/run.py

        say(f"generating {asked.clubs} clubs…")
        call_command("migrate", verbosity=0)
        load_maps()
        generate(asked.clubs, asked.months, asked.seed, today, quiet=True)
        harness.analyze()
    if database.is_sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file: the pages read while one writes
    with time_machine.travel(time.time() + clock_offset, tick=True):
        plan, before = prepare(asked, today, rng)
    (folder / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    connection.close()
    if collect.wait() != 0:
        raise SystemExit(f"collectstatic failed:\n{collect.stderr.read() if collect.stderr else ''}")
    say(
        f"{len(plan['chairs'])} chairs, {len(plan['treasurers'])} treasurers, {len(plan['staff'])} staff; "
        f"gunicorn {asked.workers} workers × {asked.threads} threads; "
        f"Locust {asked.users} users for {asked.run_time} s…"
    )
    log = folder / "gunicorn.log"
    with serving(environment, asked.workers, asked.threads, log) as (address, server):
        served_before = {pid: process_cpu(pid) for pid in family(server)}
        busy_before, started = machine_busy(), time.time()
        with DatabaseCPU(database) as postgres:
            locust = run_locust(address, asked, folder)
        usage = Usage(
            gunicorn=sum(process_cpu(pid) - served_before.get(pid, 0.0) for pid in family(server)),
            postgres=postgres.seconds,
            locust=locust,
            machine=machine_busy() - busy_before,
            seconds=time.time() - started,
        )
    records = [json.loads(line) for line in (folder / "record.jsonl").read_text().splitlines()]
    figures = request_figures(folder)
    rate = throughput(records, started)
    checks = check_database(before, records)
    failures = [record for record in records if record["kind"] == "failure"]
    logged = server_errors(log)
    checks.append(
        Check(
            "no answer other than the one expected, no server error",
            not failures and not logged and not any(row.failures for row in figures),
            f"{len(failures)} failed requests, {logged} errors in the server's log"
            + (f"; e.g. {failures[0]['request']}: {failures[0]['error']}" if failures else ""),
        )
    )
    checks.append(Check("reports were sent", rate.submissions > 0, f"{rate.submissions} submissions"))
    met, goal = goal_met(figures, rate)
    show(figures, rate, usage, checks, goal, records, asked.login_share)
    if asked.json:
        asked.json.write_text(
            json.dumps(
                {
                    "database": database.source or f"{asked.clubs} clubs generated",
                    "vendor": connection.vendor,
                    "today": today.isoformat(),
                    "users": asked.users,
                    "run_time": asked.run_time,
                    "workers": asked.workers,
                    "threads": asked.threads,
                    "login_share": asked.login_share,
                    "accounts": {kind: len(plan[kind]) for kind in ("chairs", "treasurers", "staff")},
                    "throughput": dataclasses.asdict(rate),
                    "cpu_seconds": dataclasses.asdict(usage),
                    "cores": os.cpu_count(),
                    "requests": [dataclasses.asdict(row) for row in figures],
                    "checks": [dataclasses.asdict(check) for check in checks],
                    "goal_met": met,
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    failed = not all(check.ok for check in checks)
    return 1 if failed or (asked.strict and not met) else 0


if __name__ == "__main__":
    _code = 1
    try:
        _code = main(_asked, _database, _folder)
    finally:
        connection.close()
        _database.drop()
        if _code == 0:
            shutil.rmtree(_folder, ignore_errors=True)
        else:  # the server's and Locust's logs, the plan and what the users saw
            say(f"kept for a look: {_folder}")
    sys.exit(_code)
