"""Settings for the search benchmark's HTTP server (gunicorn, one worker, against the bench database).

Production settings, except that the loopback server speaks plain HTTP and logs only warnings;
the URLs add one endpoint to the site's (see search_bench_urls.py).
"""

from migrationhub.settings.prod import *  # noqa: F403

ROOT_URLCONF = "search_bench_urls"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
