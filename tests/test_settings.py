"""config/settings.py stops the start with a clear message on a bad environment, and production
settings pass `manage.py check --deploy`. Each case runs Django in a fresh subprocess."""

import os
import re
import secrets
import string
import subprocess
import sys

import pytest
from django.conf import settings

BASE_DIR = settings.BASE_DIR
SETTINGS_SOURCE = (BASE_DIR / "config" / "settings.py").read_text(encoding="utf-8")
# Every variable config/settings.py reads, so the test process's own values (set by
# config/settings_test.py or the local .env) cannot leak into the subprocess.
READ_BY_SETTINGS = set(re.findall(r'env_(?:str|bool|int|list|secret)\(\s*"([A-Z0-9_]+)"', SETTINGS_SOURCE))
SCRUBBED = READ_BY_SETTINGS | {f"{name}_FILE" for name in READ_BY_SETTINGS} | {"ENV_FILE", "DJANGO_SETTINGS_MODULE"}

SCRIPT = (
    "import django; from django.conf import settings; settings.INSTALLED_APPS; "
    "print('TIME_ZONE', settings.TIME_ZONE); print('LANGUAGE_CODE', settings.LANGUAGE_CODE); "
    "print('DEBUG', settings.DEBUG)"
)


def run(args, **overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in SCRUBBED}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", ENV_FILE="/nonexistent", **overrides)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def load_settings(**overrides) -> subprocess.CompletedProcess:
    return run(["-c", SCRIPT], **overrides)


def test_scrubbed_variables_include_the_ones_that_matter():
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "TIME_ZONE", "LANGUAGE_CODE", "ALLOWED_HOSTS"} <= SCRUBBED


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param({"DEBUG": "false"}, "SECRET_KEY", id="no-secret-key-in-production"),
        pytest.param({}, "SECRET_KEY", id="debug-defaults-to-off"),
        pytest.param({"DEBUG": "maybe"}, "DEBUG", id="debug-not-a-boolean"),
        pytest.param({"DEBUG": "true", "TIME_ZONE": "Mars/Base"}, "TIME_ZONE", id="unknown-time-zone"),
        pytest.param({"DEBUG": "true", "LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE", id="unsupported-language"),
        pytest.param(
            {"DEBUG": "true", "CSRF_TRUSTED_ORIGINS": "example.com"}, "CSRF_TRUSTED_ORIGINS", id="origin-without-scheme"
        ),
        pytest.param({"DEBUG": "true", "DATABASE_URL": "nonsense://"}, "DATABASE_URL", id="unknown-database-scheme"),
        pytest.param({"DEBUG": "true", "CLUBS_PER_PAGE": "many"}, "CLUBS_PER_PAGE", id="not-a-number"),
        pytest.param({"DEBUG": "true", "CLUBS_PER_PAGE": "1"}, "CLUBS_PER_PAGE", id="number-out-of-range"),
        pytest.param(
            {"DEBUG": "false", "SECRET_KEY_FILE": "/nonexistent/secret"}, "SECRET_KEY_FILE", id="unreadable-secret-file"
        ),
    ],
)
def test_bad_environment_stops_the_start(overrides, expected):
    result = load_settings(**overrides)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert expected in result.stderr


def test_debug_alone_is_enough_for_development():
    result = load_settings(DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_production_with_a_secret_key_starts_with_vietnamese_defaults():
    result = load_settings(DEBUG="false", SECRET_KEY="x")

    assert result.returncode == 0, result.stderr
    assert "TIME_ZONE Asia/Ho_Chi_Minh" in result.stdout
    assert "LANGUAGE_CODE vi" in result.stdout
    assert "DEBUG False" in result.stdout


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")

    result = run(
        ["-c", "import django; from django.conf import settings; print(repr(settings.SECRET_KEY))"],
        DEBUG="false",
        SECRET_KEY_FILE=str(secret),
    )

    assert result.returncode == 0, result.stderr
    assert "'from-a-file'" in result.stdout


def test_production_settings_pass_check_deploy():
    secret_key = "".join(secrets.choice(string.ascii_letters + string.digits + "!@#%^&*") for _ in range(50))

    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY=secret_key,
        ALLOWED_HOSTS="clb.example.vn",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("overrides", "preload"), [({}, "False"), ({"SECURE_HSTS_PRELOAD": "true"}, "True")])
def test_hsts_preload_only_when_asked(overrides, preload):
    """Production sends HSTS; asking the browsers to preload the site is the owner's choice, off by default."""
    result = run(
        ["-c", SCRIPT + "; print('HSTS', settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_PRELOAD)"],
        DEBUG="false",
        SECRET_KEY="x",
        **overrides,
    )

    assert result.returncode == 0, result.stderr
    assert f"HSTS 31536000 {preload}" in result.stdout
