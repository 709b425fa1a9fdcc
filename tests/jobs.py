"""The queued background jobs, run in a test by the database backend's own worker (django_tasks_db)."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_jobs() -> int:
    """Run every queued job as `manage.py db_worker --batch` does — claim it, run it, record how it
    ended — and return how many ran.

    The command's loop takes each job in a transaction of its own (BEGIN EXCLUSIVE on SQLite),
    which cannot open inside the test's transaction: these are its steps without it. A test whose
    database commits (django_db(transaction=True)) runs the command itself.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )
    ran = 0
    while (job := DBTaskResult.objects.ready().filter(backend_name="default").first()) is not None:
        job.claim(worker.worker_id)
        worker.run_task(job)
        ran += 1
    return ran
