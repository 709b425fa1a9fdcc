"""What the bench scripts share: Django set up on the test settings, a throw-away database, and
timing with query counts. `import harness` first in a script (it sets Django up)."""

import contextlib
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


def timed(call, repeat: int = 5) -> tuple[float, int]:
    """(median seconds, queries) of `call` run `repeat` times after a warm-up."""
    call()
    with CaptureQueriesContext(connection) as queries:
        call()
    # Count now: the captured list is read from the connection's log, which later calls reset.
    query_count = len(queries)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), query_count


def page(client, url: str):
    """A call that gets `url` and checks it answered 200, for timed()."""

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    return get
