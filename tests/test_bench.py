"""The bench (bench/run.py) in its smoke form, so it cannot rot: three generated clubs, every
page, report, export and report save measured once, none failing, and the bare SQL of the targets
report giving the report's own headline figures."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings

from clubs.models import Club
from tests.conftest import TODAY

BENCH = Path(settings.BASE_DIR) / "bench"


@pytest.fixture
def bench_run():
    sys.path.insert(0, str(BENCH))  # bench/run.py imports bench/harness.py as the scripts do
    try:
        spec = importlib.util.spec_from_file_location("bench_run", BENCH / "run.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(BENCH))


def test_the_smoke_bench_measures_everything_without_a_failure(maps_with_lineage, bench_run):
    bench_run.generate(bench_run.SMOKE_CLUBS, 13, 1, TODAY, quiet=True)
    shape, results, explained = bench_run.bench(TODAY, repeat=1, smoke=True)
    assert [result.error for result in results if result.error] == []
    measured = {result.name for result in results}
    assert set(bench_run.GOALS) <= measured and "member export (xlsx)" in measured
    assert all(result.runs == 1 and result.queries > 0 for result in results)
    assert all(result.peak_mb for result in results if "export" in result.name)
    assert shape["rows"]["clubs"] == bench_run.SMOKE_CLUBS and explained == []
    report, bare = shape["figures"]["report"], shape["figures"]["bare SQL"]
    for figure in ("clubs active", "members", "members borrowing"):
        assert report[figure] == bare[figure] > 0
    per_target = report["coverage (units, covered) per target"]
    assert bare["host units, covered"] == tuple(map(sum, zip(*per_target, strict=True)))
    # Everything the bench wrote was rolled back: the generated clubs are all there is.
    assert Club.objects.count() == bench_run.SMOKE_CLUBS
