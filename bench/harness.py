"""What the bench scripts share: Django set up on the test settings, a throw-away database, and
timing with query counts. `import harness` first in a script (it sets Django up)."""

import contextlib
import dataclasses
import math
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


@contextlib.contextmanager
def throwaway_database():
    """A test database (test_<name of DATABASE_URL's database>, or SQLite in memory), dropped at the
    end. As in Django's TestCase, one connection is kept across requests so queries can be counted."""
    setup_test_environment()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def analyze() -> None:
    """Fresh statistics after a bulk load, as autovacuum keeps them in production: without them
    PostgreSQL's planner takes a few rows for thousands and loops over them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@dataclasses.dataclass
class Timing:
    """What one measured call took: each timed run's seconds, and the queries of one run, their
    time, and the slowest of them (the one to EXPLAIN when a goal is missed)."""

    times: list[float]
    queries: int
    sql_seconds: float = 0.0  # of the run with its queries captured: the rest of its time is Python
    slowest_sql: str = ""
    slowest_seconds: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def worst(self) -> float:
        return max(self.times)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


def measure(call, repeat: int = 5, warm_up: bool = True) -> Timing:
    """`call` run once (a warm-up, unless told not to) with its queries captured, then `repeat`
    times on the clock."""
    if warm_up:
        call()
    with CaptureQueriesContext(connection) as queries:
        call()
    # Read now: the captured list is read from the connection's log, which later calls reset.
    captured = list(queries)
    slowest = max(captured, key=lambda query: float(query["time"]), default={"sql": "", "time": "0"})
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    sql_seconds = sum(float(query["time"]) for query in captured)
    return Timing(times, len(captured), sql_seconds, slowest["sql"], float(slowest["time"]))


def timed(call, repeat: int = 5) -> tuple[float, int]:
    """(median seconds, queries) of `call` run `repeat` times after a warm-up."""
    timing = measure(call, repeat)
    return timing.median, timing.queries


def page(client, url: str):
    """A call that gets `url` and checks it answered 200, for timed()."""

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get
