"""Settings for the test suite: the real settings, with a fast password hasher and no HTTPS redirect."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")

from .settings import *  # noqa: E402, F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
# Nothing is collected in tests; WhiteNoise serves from the finders instead of STATIC_ROOT.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# Each test client starts the middleware anew: looking a file up when it is asked for, rather than
# listing every static file at each start, saves ~30 ms a test.
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Test databases are thrown away: a commit (migrations, browser and concurrency tests) need not
    # wait for the disk.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
# Each test process keeps the progress of its imports apart (pytest-xdist runs several at once).
CACHES["progress"]["LOCATION"] = tempfile.mkdtemp(prefix="clubs-progress-")  # noqa: F405
atexit.register(shutil.rmtree, CACHES["progress"]["LOCATION"], ignore_errors=True)  # noqa: F405
# And the files of its export jobs.
EXPORTS_DIR = Path(tempfile.mkdtemp(prefix="clubs-exports-"))  # noqa: F405
atexit.register(shutil.rmtree, EXPORTS_DIR, ignore_errors=True)
