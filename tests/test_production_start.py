"""`make production` from nothing, as an operator runs it on a new server: on an empty PostgreSQL
database, with DEBUG off and the static files not collected yet, it checks the deployment, migrates,
collects the static files and serves the login page with its security headers and its styles."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.test_make_targets import database_url, drop

# Migrating an empty database and compressing the static files take most of this.
START_TIMEOUT_SECONDS = 240


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    # Behind the HTTPS proxy the production settings expect: plain HTTP would be redirected.
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for_login_page(server: subprocess.Popen, url: str) -> tuple[int, dict[str, str], bytes]:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read() if server.stdout else ""
            pytest.fail(f"make production stopped with exit code {server.returncode}:\n{output}")
        try:
            return fetch(url)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"make production did not answer {url} within {START_TIMEOUT_SECONDS} s")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="production runs on PostgreSQL")
def test_make_production_serves_a_fresh_server(tmp_path):
    fresh = f"{connection.settings_dict['NAME']}_production"
    port = free_port()
    drop(fresh)
    subprocess.run(
        [sys.executable, "manage.py", "database_create"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": database_url(fresh)},
        check=True,
        capture_output=True,
    )
    # Only what an operator sets: not the test suite's settings, nor the checkout's .env.
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "ENV_FILE": os.devnull,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789-abcdefghijk",
        "DATABASE_URL": database_url(fresh),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "BEHIND_HTTPS_PROXY": "true",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    server = subprocess.Popen(
        ["make", "--no-print-directory", f"PY={sys.executable}", "production", f"PORT={port}"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # gunicorn and its workers stop with the group below
    )
    try:
        status, headers, body = wait_for_login_page(server, f"http://127.0.0.1:{port}/accounts/login/")

        assert status == 200, body[:2000]
        assert (tmp_path / "static" / "staticfiles.json").is_file()
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "camera=()" in headers["Permissions-Policy"]
        assert "preload" not in headers["Strict-Transport-Security"]
        # The page's stylesheet is served from the collected files, under its hashed name.
        stylesheet = body.decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert stylesheet.startswith(settings.STATIC_URL)
        css_status, _headers, _css = fetch(f"http://127.0.0.1:{port}{stylesheet}")
        assert css_status == 200
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        drop(fresh)
