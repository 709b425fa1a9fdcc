"""gunicorn's hook for the load test (bench/loadtest.py passes this file with -c).

The generated data ends on its "today" (generate_scale --today): each worker's clock is moved
there, as the runner's is, before the product is loaded in it, so that the month the chairs report
and the meetings the treasurers record are the data's. LOADTEST_CLOCK_OFFSET is the offset in
seconds from the real time, the same in every worker and in the runner, so they all agree on the
time; the clock then runs on.
"""

import os
import time

import time_machine


def post_fork(server, worker):
    time_machine.travel(time.time() + float(os.environ["LOADTEST_CLOCK_OFFSET"]), tick=True).start()
