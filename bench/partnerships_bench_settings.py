"""Settings for the partnership registry benchmark (bench/partnerships_bench.py).

Production settings (DEBUG off, the real middleware) against the bench database, except that the
test client's host is allowed, no request is redirected to HTTPS, logging is quiet, and the page
cache is off: every page is rendered, as on a cache miss (bench/pages_bench.py measures the cache).
"""

from migrationhub.settings.prod import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
MIGRATIONHUB_PAGE_CACHE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
