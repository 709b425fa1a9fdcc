"""The Makefile's production targets, run as an operator would: `make static-manifest` refuses to go
on without collected static files, and `make backup` then `make restore FILE=…` bring a database's
rows back on a fresh PostgreSQL database, and the targets report computed on the copy is the
report computed on the original."""

import json
import os
import subprocess
import sys
from contextlib import closing

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg2 import sql

from clubs.models import Club
from tests import factories
from tests.targets.conftest import small_plan


def make(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", f"PY={sys.executable}", *args],
        cwd=settings.BASE_DIR,
        # The real settings (not the test suite's), as on a server.
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_no_start_without_the_static_manifest(tmp_path):
    missing = make("static-manifest", STATIC_ROOT=str(tmp_path))

    assert missing.returncode != 0
    assert f"{tmp_path / 'staticfiles.json'} is missing" in missing.stderr

    (tmp_path / "staticfiles.json").write_text("{}", encoding="utf-8")
    assert make("static-manifest", STATIC_ROOT=str(tmp_path)).returncode == 0


def database_url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def drop(name: str) -> None:
    db = connection.settings_dict
    server = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"], port=db["PORT"] or None
    )
    server.autocommit = True  # DROP DATABASE cannot run inside a transaction.
    try:
        with server.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        server.close()


def contents(url: str) -> dict[str, object]:
    """Every table's row count, the clubs' names and the members' ids: enough to tell a whole copy."""
    with closing(psycopg2.connect(url)) as link, link.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        found: dict[str, object] = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            found[table] = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(name ORDER BY id) FROM clubs_club")
        found["club names"] = cursor.fetchone()[0]
        cursor.execute("SELECT array_agg(id ORDER BY id) FROM members_membership")
        found["membership ids"] = cursor.fetchone()[0]
    return found


def targets_report(url: str, plan: str) -> dict[str, object]:
    """The targets report of `plan` as `report_targets` writes it in JSON from the database at `url`,
    as of today (frozen for the tests, so given to the command, which runs on the real clock)."""
    done = subprocess.run(
        [sys.executable, "manage.py", "report_targets", "--plan", plan, "--as-of", timezone.localdate().isoformat()],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL")
def test_a_backup_restores_onto_a_fresh_database(transactional_db, world, tmp_path):
    for club in Club.objects.all():
        factories.MembershipFactory.create_batch(3, club=club)
    plan = small_plan(world)
    source = database_url(connection.settings_dict["NAME"])
    fresh = f"{connection.settings_dict['NAME']}_restored"
    dump = tmp_path / "clubs.dump"
    drop(fresh)
    try:
        backup = make("backup", f"BACKUP={dump}", DATABASE_URL=source)
        assert backup.returncode == 0, backup.stdout + backup.stderr
        assert dump.stat().st_size > 0

        restore = make("restore", f"FILE={dump}", DATABASE_URL=database_url(fresh))
        assert restore.returncode == 0, restore.stdout + restore.stderr
        assert f"Database {fresh} created." in restore.stdout

        expected = contents(source)
        assert expected["clubs_club"] == 4 and expected["members_membership"] == 12
        assert contents(database_url(fresh)) == expected

        # The copy answers as the original: the same targets report, figure for figure.
        report = targets_report(source, plan.code)
        assert report["plan"]["code"] == plan.code
        assert report["members"]["members"]["count"] > 0 and report["coverage"]
        assert targets_report(database_url(fresh), plan.code) == report

        # Again over the restored copy: what is there is replaced, not doubled.
        again = make("restore", f"FILE={dump}", DATABASE_URL=database_url(fresh))
        assert again.returncode == 0, again.stdout + again.stderr
        assert contents(database_url(fresh)) == expected
    finally:
        drop(fresh)
